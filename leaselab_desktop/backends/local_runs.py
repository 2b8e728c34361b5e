"""Turn the engine's instance status and step details into the RunSnapshot the UI shows."""

from __future__ import annotations

import sqlite3
from typing import Any

from leaselab_desktop.domain.models import Evaluation, RunError, RunSnapshot, StepProgress
from leaselab_desktop.domain.timefmt import parse_timestamp
from leaselab_desktop.domain.vocab import WORKFLOW_STEPS


def _err_text(err: Any) -> str | None:
    if err is None:
        return None
    if isinstance(err, dict):
        name, msg = err.get("name"), err.get("message")
        return f"{msg}" if not name or name == "Error" else f"{name}: {msg}"
    return str(err)


def step_progress(detail: dict[str, Any], instance_status: str) -> StepProgress:
    attempts = detail.get("attempts") or []
    last = attempts[-1] if attempts else {}
    started = attempts[0].get("start") if attempts else detail.get("start")
    if detail.get("success") is True:
        status = "complete"
    elif detail.get("success") is False or instance_status in ("terminated", "errored"):
        status = "errored"
    elif attempts and last.get("success") is False:
        status = "retrying"
    else:
        status = "running"
    error = _err_text(last.get("error")) if status in ("errored", "retrying") else None
    if status == "errored" and error is None and instance_status == "terminated":
        error = "Terminated"
    return StepProgress(
        name=detail["name"], status=status, attempts=len(attempts), started_at=started,
        ended_at=detail.get("end") if status in ("complete", "errored") else None, error=error,
    )


def build_snapshot(run: sqlite3.Row, status: dict[str, Any], details: list[dict[str, Any]]) -> RunSnapshot:
    st = str(status.get("status") or "unknown")
    by_name = {d["name"]: d for d in details if d.get("type", "step") == "step"}
    steps: list[StepProgress] = []
    current = None
    for name in WORKFLOW_STEPS:
        if name in by_name:
            p = step_progress(by_name[name], st)
            if p.status in ("running", "retrying"):
                current = name
            steps.append(p)
        else:
            steps.append(StepProgress(name=name))
    output = status.get("output")
    err = status.get("error")
    started = steps[0].started_at if steps and steps[0].started_at else None
    ended = None
    if st in ("complete", "errored", "terminated"):
        ends = [s.ended_at for s in steps if s.ended_at]
        ended = max(ends) if ends else None
    return RunSnapshot(
        run_id=run["instance_id"], kind="workflow", lead_id=run["lead_id"], status=st,
        current_step=current, steps=steps, queued_at=parse_timestamp(run["queued_at"]), started_at=started,
        completed_at=ended,
        output=Evaluation.model_validate(output) if st == "complete" and isinstance(output, dict) else None,
        error=RunError.model_validate(err) if isinstance(err, dict) else (RunError(message=err) if err else None),
        can_retry=st in ("errored", "terminated"),
    )
