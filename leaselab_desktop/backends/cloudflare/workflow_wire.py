"""The project worker's workflow API (``/api/ops/ai-workflows``): its answers as domain models.

Runs: ``instance_id``, Cloudflare's status vocabulary (``error`` accepted for ``errored``), steps,
``output`` (a snake_case evaluation), ``error`` as ``{name, message}`` or a plain string."""

from __future__ import annotations

from typing import Any

from leaselab_desktop.backends.cloudflare.job_wire import run_status
from leaselab_desktop.backends.cloudflare.shapes import evaluation_from, first, snake_keys
from leaselab_desktop.domain.models import RunSnapshot, RunTicket, StepProgress, Usage
from leaselab_desktop.domain.timefmt import edge_times

workflow_evaluation = evaluation_from  # the shapes differ only in casing, which snake_keys folds


def workflow_snapshot(raw: dict[str, Any]) -> RunSnapshot:
    data = snake_keys(raw)
    error = data.get("error")
    if isinstance(error, str):
        error = {"name": "Error", "message": error}
    return RunSnapshot.model_validate(edge_times(RunSnapshot, {
        "run_id": first(data, "instance_id", "run_id", "id"),
        "lead_id": data.get("lead_id"),
        "status": run_status(data.get("status")),
        "current_step": data.get("current_step"),
        "steps": [edge_times(StepProgress, snake_keys(s)) for s in data.get("steps") or [] if isinstance(s, dict)],
        "queued_at": first(data, "queued_at", "requested_at"),
        "started_at": data.get("started_at"),
        "completed_at": data.get("completed_at"),
        "output": workflow_evaluation(data.get("output"), data.get("lead_id")),
        "error": error,
        "can_retry": bool(data.get("can_retry")),
        "progress_message": data.get("progress_message"),
    }))


def workflow_ticket(data: dict[str, Any], lead_id: str, usage: Usage | None) -> RunTicket:
    return RunTicket.model_validate(edge_times(RunTicket, {
        "run_id": first(data, "instance_id", "instanceId"),
        "lead_id": data.get("lead_id") or lead_id,
        "status": run_status(data.get("status") or "queued"),
        "requested_at": data.get("requested_at"),
        "usage": usage,
    }))
