"""The deployed workers' job API (``/api/ops/ai-evaluation-jobs``): its answers as domain models.

Jobs: ``job_id``, ``status`` pending|processing|completed|failed, ``requested_at``, ``evaluation``
in camelCase, ``error_code``/``error_message``. A job cannot be stopped from the client."""

from __future__ import annotations

from typing import Any

from leaselab_desktop.backends.cloudflare.shapes import evaluation_from, first, snake_keys
from leaselab_desktop.domain.models import RunSnapshot, RunTicket, Usage

JOB_STATUSES = {"pending": "queued", "processing": "running", "completed": "complete", "failed": "errored"}


job_evaluation = evaluation_from  # the shapes differ only in casing, which snake_keys folds


def job_snapshot(raw: dict[str, Any]) -> RunSnapshot:
    data = snake_keys(raw)
    error = data.get("error")
    if error is None and (data.get("error_code") or data.get("error_message")):
        error = {"name": str(data.get("error_code") or "JobFailed"), "message": str(data.get("error_message") or "")}
    status = data.get("status")
    return RunSnapshot.model_validate({
        "run_id": first(data, "job_id", "id"),
        "lead_id": data.get("lead_id"),
        "status": JOB_STATUSES.get(status, status) if isinstance(status, str) else status,
        "queued_at": first(data, "requested_at", "queued_at"),
        "started_at": data.get("started_at"),
        "completed_at": data.get("completed_at"),
        "output": job_evaluation(data.get("evaluation"), data.get("lead_id")),
        "error": error,
        "can_retry": bool(data.get("can_retry")),
        "can_terminate": False,
        "progress_message": data.get("progress_message"),
    })


def job_ticket(data: dict[str, Any], lead_id: str, usage: Usage | None) -> RunTicket:
    status = data.get("status") or "pending"
    return RunTicket.model_validate({
        "run_id": first(data, "job_id", "jobId"),
        "lead_id": data.get("lead_id") or lead_id,
        "status": JOB_STATUSES.get(status, status),
        "requested_at": data.get("requested_at"),
        "usage": usage,
    })
