"""SQL of retention and deletion: which closed leads are due, and removing a lead's document rows.

The evaluation record (lead_ai_evaluations, overrides) and the audit trail (lead_history) are never
touched here; a deletion adds its own lead_history entry saying what went, when and by whom.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from leaselab_desktop.store.leads import add_history

# A lead is closed when nothing more will happen to its application.
CLOSED_STATUSES = ("rejected", "lease_signed")
ACTION = "applicant_data_deleted"


@dataclass(frozen=True)
class RemovedFile:
    file_id: str
    key: str
    sha256: str
    size: int
    file_name: str
    file_type: str
    still_used: bool  # another lead of the site holds the same bytes (its analysis stays)


def retention_days(conn: sqlite3.Connection, site_id: str) -> int | None:
    row = conn.execute("SELECT retention_days FROM sites WHERE id = ?", (site_id,)).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def set_retention_days(conn: sqlite3.Connection, site_id: str, days: int | None) -> None:
    if days is not None and days < 0:
        raise ValueError("a retention period cannot be negative")
    conn.execute("UPDATE sites SET retention_days = ? WHERE id = ?", (days, site_id))


def closed_leads_due(conn: sqlite3.Connection, site_id: str, cutoff_iso: str) -> list[str]:
    """Closed leads last changed before ``cutoff_iso`` that still hold documents."""
    marks = ",".join("?" for _ in CLOSED_STATUSES)
    rows = conn.execute(
        f"SELECT l.id FROM leads l WHERE l.site_id = ? AND (l.status IN ({marks}) OR l.is_active = 0) "
        "AND l.updated_at < ? AND EXISTS (SELECT 1 FROM lead_files f WHERE f.lead_id = l.id) ORDER BY l.id",
        (site_id, *CLOSED_STATUSES, cutoff_iso))
    return [r[0] for r in rows]


def remove_lead_files(conn: sqlite3.Connection, site_id: str, lead_id: str) -> list[RemovedFile]:
    rows = conn.execute("SELECT * FROM lead_files WHERE site_id = ? AND lead_id = ?", (site_id, lead_id)).fetchall()
    out = []
    for r in rows:
        shared = conn.execute("SELECT 1 FROM lead_files WHERE site_id = ? AND sha256 = ? AND lead_id != ? LIMIT 1",
                              (site_id, r["sha256"], lead_id)).fetchone() is not None
        out.append(RemovedFile(r["id"], r["r2_key"], r["sha256"], r["file_size"], r["file_name"],
                               r["file_type"], shared))
    conn.execute("DELETE FROM lead_files WHERE site_id = ? AND lead_id = ?", (site_id, lead_id))
    return out


def record_deletion(conn: sqlite3.Connection, site_id: str, lead_id: str, detail: dict[str, Any],
                    user_id: str | None) -> None:
    add_history(conn, site_id, lead_id, ACTION, detail, user_id)


def deletions(conn: sqlite3.Connection, site_id: str, lead_id: str) -> list[dict[str, Any]]:
    rows = conn.execute("SELECT detail, user_id, created_at FROM lead_history WHERE site_id = ? AND lead_id = ? "
                        "AND action = ? ORDER BY id", (site_id, lead_id, ACTION))
    return [{**json.loads(r[0]), "by": r[1], "at": r[2]} for r in rows]


def finished_runs(conn: sqlite3.Connection, site_id: str, lead_id: str) -> list[str]:
    rows = conn.execute("SELECT instance_id FROM ai_workflow_runs WHERE site_id = ? AND lead_id = ? "
                        "AND status IN ('complete', 'errored', 'terminated')", (site_id, lead_id))
    return [r[0] for r in rows]
