"""ai_workflow_runs: one row per evaluation run, beside the engine's own records."""

from __future__ import annotations

import sqlite3
from typing import Any

from leaselab_desktop.store.leads import now_iso

ACTIVE = ("queued", "running", "waiting", "paused", "waitingForPause")


def insert_run(
    conn: sqlite3.Connection, *, instance_id: str, site_id: str, lead_id: str, requested_by: str,
    force_reason: str | None, provider: str,
) -> str:
    ts = now_iso()
    conn.execute(
        """INSERT INTO ai_workflow_runs (instance_id, lead_id, site_id, status, requested_by,
             force_reason, provider, queued_at, updated_at) VALUES (?,?,?,'queued',?,?,?,?,?)""",
        (instance_id, lead_id, site_id, requested_by, force_reason, provider, ts, ts),
    )
    return ts


def delete_run(conn: sqlite3.Connection, instance_id: str) -> None:
    conn.execute("DELETE FROM ai_workflow_runs WHERE instance_id = ?", (instance_id,))


def update_run(conn: sqlite3.Connection, instance_id: str, **fields: Any) -> None:
    allowed = {"status", "current_step", "evaluation_id", "error_name", "error_message", "started_at", "completed_at"}
    bad = set(fields) - allowed
    if bad:
        raise ValueError(f"not run columns: {bad}")
    fields["updated_at"] = now_iso()
    cols = ", ".join(f"{k} = ?" for k in fields)
    conn.execute(f"UPDATE ai_workflow_runs SET {cols} WHERE instance_id = ?", [*fields.values(), instance_id])


def get_run(conn: sqlite3.Connection, site_id: str, instance_id: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM ai_workflow_runs WHERE site_id = ? AND instance_id = ?", (site_id, instance_id)
    ).fetchone()
    return row


def active_run(conn: sqlite3.Connection, site_id: str, lead_id: str) -> sqlite3.Row | None:
    marks = ",".join("?" for _ in ACTIVE)
    row: sqlite3.Row | None = conn.execute(
        f"SELECT * FROM ai_workflow_runs WHERE site_id = ? AND lead_id = ? AND status IN ({marks}) "
        "ORDER BY queued_at DESC LIMIT 1",
        (site_id, lead_id, *ACTIVE),
    ).fetchone()
    return row


def unfinished_runs(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    marks = ",".join("?" for _ in ACTIVE)
    return conn.execute(f"SELECT * FROM ai_workflow_runs WHERE status IN ({marks})", ACTIVE).fetchall()


def record_error(
    conn: sqlite3.Connection, *, instance_id: str, lead_id: str | None, site_id: str | None,
    step: str | None, name: str, message: str,
) -> None:
    conn.execute(
        """INSERT INTO workflow_errors (instance_id, lead_id, site_id, step, error_name, message, created_at)
           VALUES (?,?,?,?,?,?,?)""",
        (instance_id, lead_id, site_id, step, name, message, now_iso()),
    )
