"""Writes of a lead's status. Which change is allowed when is the application's lead lifecycle;
this module only runs the SQL it asks for."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection

from leaselab_desktop.store.leads import now_iso


def move_status(conn: sqlite3.Connection, site_id: str, lead_id: str, to: str, only_from: Collection[str]) -> bool:
    """Set the lead's status to ``to`` when it is one of ``only_from``; True when the row changed."""
    if not only_from:
        return False
    marks = ",".join("?" for _ in only_from)
    return conn.execute(
        f"UPDATE leads SET status = ?, updated_at = ? WHERE site_id = ? AND id = ? AND status IN ({marks})",
        (to, now_iso(), site_id, lead_id, *only_from),
    ).rowcount > 0


def set_ai_result(conn: sqlite3.Connection, site_id: str, lead_id: str, score: int | None,
                  label: str | None) -> None:
    conn.execute("UPDATE leads SET ai_score = ?, ai_label = ?, updated_at = ? WHERE site_id = ? AND id = ?",
                 (score, label, now_iso(), site_id, lead_id))


def touch(conn: sqlite3.Connection, site_id: str, lead_id: str) -> None:
    """The lead changed (e.g. a document arrived) even if its status did not."""
    conn.execute("UPDATE leads SET updated_at = ? WHERE site_id = ? AND id = ?", (now_iso(), site_id, lead_id))
