"""The one writer of run records (``ai_workflow_runs``, ``workflow_errors``) and of the lead
status changes a run's start and end make.

Every function is a transaction body (``fn(conn, ...)``) that the caller runs on the store's writer.
Status changes are idempotent: a run is recorded finished once, whichever reports it first (the
workflow's own last words, or the engine's status event), and a late event never reopens it.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from leaselab_desktop.application import lifecycle
from leaselab_desktop.domain.run_ids import evaluation_id_for
from leaselab_desktop.store import runs as runs_repo
from leaselab_desktop.store.leads import now_iso

FINISHED = ("complete", "errored", "terminated")
# completion moves the lead in the workflow's own update-lead step (with its score), not here
_LEAD_EVENT = {"errored": "evaluation_failed", "terminated": "evaluation_failed"}


def admitted(conn: sqlite3.Connection, *, run_id: str, site_id: str, lead_id: str, requested_by: str,
             force_reason: str | None, provider: str) -> str:
    """A run admitted for a lead: its row, and the lead now being evaluated. Returns queued_at."""
    queued_at = runs_repo.insert_run(conn, instance_id=run_id, site_id=site_id, lead_id=lead_id,
                                     requested_by=requested_by, force_reason=force_reason, provider=provider)
    lifecycle.apply(conn, site_id, lead_id, "evaluation_started")
    return queued_at


def discarded(conn: sqlite3.Connection, run_id: str) -> None:
    """A run that could not be started: no trace of it is kept."""
    runs_repo.delete_run(conn, run_id)


def requeued(conn: sqlite3.Connection, site_id: str, run_id: str) -> None:
    """A finished run restarted (retry): unfinished again, and its lead being evaluated again."""
    row = runs_repo.get_run(conn, site_id, run_id)
    if row is None:
        return
    runs_repo.update_run(conn, run_id, status="queued", error_name=None, error_message=None, completed_at=None)
    lifecycle.apply(conn, site_id, row["lead_id"], "evaluation_started")


def step_started(conn: sqlite3.Connection, run_id: str, step: str | None) -> None:
    runs_repo.set_current_step(conn, run_id, step, unless=FINISHED)


def status_changed(conn: sqlite3.Connection, run_id: str, status: str, error: Any = None,
                   step: str | None = None) -> None:
    """Record the run's new status. A finished run is recorded once: later reports are no-ops,
    and a late event of a run's earlier life never reopens it (retry requeues explicitly)."""
    row = runs_repo.get_run_any_site(conn, run_id)
    if row is None or row["status"] in FINISHED:
        return
    fields: dict[str, Any] = {"status": status}
    if status in FINISHED:
        fields.update(completed_at=now_iso(), current_step=None)
    if status == "complete":
        fields["evaluation_id"] = evaluation_id_for(run_id)
    if status == "errored":
        name, message = _error_parts(error)
        fields.update(error_name=name, error_message=message)
        runs_repo.record_error(conn, instance_id=run_id, lead_id=row["lead_id"], site_id=row["site_id"],
                               step=step or row["current_step"], name=name, message=message)
    runs_repo.update_run(conn, run_id, **fields)
    event = _LEAD_EVENT.get(status)
    # a run that ended outside the workflow (lost to a kill before it started, terminated) frees
    # its lead as the workflow's own failure path does, unless another run of the lead is open
    if event is not None and runs_repo.active_run(conn, row["site_id"], row["lead_id"]) is None:
        lifecycle.apply(conn, row["site_id"], row["lead_id"], event)


def _error_parts(error: Any) -> tuple[str, str]:
    if isinstance(error, BaseException):
        return type(error).__name__, str(error) or type(error).__name__
    if isinstance(error, dict):
        return str(error.get("name") or "Error"), str(error.get("message") or "")
    return "Error", "" if error is None else str(error)
