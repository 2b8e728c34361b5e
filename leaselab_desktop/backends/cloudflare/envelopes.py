"""The ops API's two error envelopes mapped onto typed errors with a message an agent can act on.

``{"error": "Not found", "message": ...}`` (lead routes, unknown routes, 500s) and
``{"success": false, "error": "<Code>", "message": ..., ...}`` (AI routes, both flavours).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from leaselab_desktop.backends.errors import (
    AlreadyEvaluated,
    AlreadyRunning,
    BackendError,
    BackendUnavailable,
    DuplicateDocuments,
    InvalidRequest,
    NotFound,
    QuotaExceeded,
    Unauthorized,
)
from leaselab_desktop.domain.models import Usage
from leaselab_desktop.domain.timefmt import parse_timestamp, utcnow


def with_body(err: BackendError, status: int, body: Any) -> BackendError:
    err.__dict__["server_status"] = status
    err.__dict__["server_body"] = body
    return err


def server_answer(err: BaseException) -> tuple[int | None, Any]:
    """The HTTP status and decoded body behind a typed error (None when it was not an answer)."""
    return getattr(err, "server_status", None), getattr(err, "server_body", None)


class GenericNotFound(NotFound):
    """A 404 in the generic ``{"error": "Not found"}`` shape: unknown route or missing record."""


def _usage(raw: Any) -> Usage | None:
    if not isinstance(raw, dict):
        return None
    data = dict(raw)
    data.setdefault("month", utcnow().strftime("%Y-%m"))
    try:
        return Usage.model_validate(data)
    except ValueError:
        return None


def error_for(status: int, payload: Any) -> BackendError:
    """Map either error envelope onto a typed error with a message an agent can act on."""
    body = payload if isinstance(payload, dict) else {}
    code = str(body.get("error") or "")
    message = str(body.get("message") or "")
    if code == "QuotaExceeded":
        usage = _usage(body.get("usage"))
        text = message or "The monthly AI evaluation limit for this site has been reached."
        return QuotaExceeded(text, usage)
    if code in ("AlreadyRunning", "JobAlreadyPending"):
        run_id = body.get("instance_id") or body.get("job_id")
        return AlreadyRunning(
            message or "An evaluation is already running for this applicant; follow it instead.",
            run_id=str(run_id) if run_id else None,
        )
    if code == "DuplicateDocuments":
        return DuplicateDocuments(
            message or "The documents have not changed since the last evaluation.",
            last_evaluation_id=body.get("last_evaluation_id"),
            last_evaluated_at=_maybe_time(body.get("last_evaluated_at")),
            can_force=bool(body.get("can_force", True)),
        )
    if code == "AlreadyEvaluated":
        return AlreadyEvaluated(
            message or "This applicant already has an evaluation; re-run it to replace it.",
            evaluation_id=body.get("evaluation_id"),
        )
    if status in (401, 403):
        return Unauthorized(
            "The server refused the access token for this site. "
            "Check the token and site in Settings."
        )
    if status == 404:
        text = message or _NOT_FOUND.get(code, "Not found on the server.")
        return NotFound(text) if code in _NOT_FOUND or code == "NotFound" else GenericNotFound(text)
    if status in (400, 405, 409, 413, 422):  # 409 left here: a state conflict (e.g. NotRunning)
        return InvalidRequest(message or code or f"The server refused the request (HTTP {status}).")
    if status == 429:
        return QuotaExceeded(message or "Too many requests; try again shortly.", _usage(body.get("usage")))
    text = message or code or "no details"
    return BackendUnavailable(f"The server failed (HTTP {status}): {text}")


_NOT_FOUND = {
    "LeadNotFound": "This applicant does not exist on the server.",
    "WorkflowNotFound": "This evaluation run does not exist on the server.",
    "JobNotFound": "This evaluation job does not exist on the server.",
}


def _maybe_time(value: Any) -> datetime | None:
    try:
        return parse_timestamp(value)
    except (ValueError, TypeError):
        return None
