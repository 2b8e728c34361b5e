"""The deployed workers' job API (``/api/ops/ai-evaluation-jobs``): its answers as domain models.

Jobs: ``job_id``, ``status`` pending|processing|completed|failed, ``requested_at``, ``evaluation``
in camelCase, ``error_code``/``error_message``. A job cannot be stopped from the client."""

from __future__ import annotations

from typing import Any

from leaselab_desktop.backends.cloudflare.shapes import evaluation_from, first, snake_keys
from leaselab_desktop.domain.models import RunSnapshot, RunTicket, Usage
from leaselab_desktop.domain.timefmt import edge_times

JOB_STATUSES = {"pending": "queued", "processing": "running", "completed": "complete", "failed": "errored"}


def run_status(value: object) -> str:
    """A run status as the domain names it (the workflow vocabulary) from any server's word for it:
    job statuses, ``error`` for ``errored``; a missing one is ``unknown``; an unknown word is kept,
    so the UI can show it."""
    if not isinstance(value, str) or not value:
        return "unknown"
    if value == "error":
        return "errored"
    return JOB_STATUSES.get(value, value)


job_evaluation = evaluation_from  # the shapes differ only in casing, which snake_keys folds


def job_snapshot(raw: dict[str, Any]) -> RunSnapshot:
    data = snake_keys(raw)
    error = data.get("error")
    if error is None and (data.get("error_code") or data.get("error_message")):
        error = {"name": str(data.get("error_code") or "JobFailed"), "message": str(data.get("error_message") or "")}
    return RunSnapshot.model_validate(edge_times(RunSnapshot, {
        "run_id": first(data, "job_id", "id"),
        "lead_id": data.get("lead_id"),
        "status": run_status(data.get("status")),
        "queued_at": first(data, "requested_at", "queued_at"),
        "started_at": data.get("started_at"),
        "completed_at": data.get("completed_at"),
        "output": job_evaluation(data.get("evaluation"), data.get("lead_id")),
        "error": error,
        "can_retry": bool(data.get("can_retry")),
        "can_terminate": False,
        "progress_message": data.get("progress_message"),
    }))


def job_ticket(data: dict[str, Any], lead_id: str, usage: Usage | None) -> RunTicket:
    return RunTicket.model_validate(edge_times(RunTicket, {
        "run_id": first(data, "job_id", "jobId"),
        "lead_id": data.get("lead_id") or lead_id,
        "status": run_status(data.get("status") or "pending"),
        "requested_at": data.get("requested_at"),
        "usage": usage,
    }))
