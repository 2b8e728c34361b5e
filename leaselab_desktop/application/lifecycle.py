"""The lead lifecycle: which status a lead moves to on each event of its evaluation life.

The table is plain data (``LEAD_TRANSITIONS``), so that it can be kept in one JSON spec read by
both runtimes. ``"from": "*"`` means from any status; otherwise the lead moves only when its
status is one of the listed ones (an agent's later decision, e.g. ``approved``, is never undone
by a document arriving or a run failing).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from leaselab_desktop.store import lead_status

LEAD_TRANSITIONS: dict[str, dict[str, Any]] = {
    "document_received": {"from": ["new", "documents_pending"], "to": "documents_received"},
    "evaluation_started": {"from": "*", "to": "ai_evaluating"},
    "evaluation_completed": {"from": "*", "to": "ai_evaluated"},
    "evaluation_failed": {"from": ["ai_evaluating"], "to": "documents_received"},
    "evaluation_terminated": {"from": ["ai_evaluating"], "to": "documents_received"},
}


def _rule(event: str) -> tuple[list[str] | None, str]:
    try:
        rule = LEAD_TRANSITIONS[event]
    except KeyError:
        raise ValueError(f"no lead transition for event {event!r}") from None
    origins = rule["from"]
    return (None if origins == "*" else list(origins)), str(rule["to"])


def next_status(event: str, current: str) -> str | None:
    """The status a lead in ``current`` moves to on ``event``; None when it stays as it is."""
    origins, to = _rule(event)
    return to if origins is None or current in origins else None


def apply(conn: sqlite3.Connection, site_id: str, lead_id: str, event: str) -> bool:
    """Move the lead as the table says, inside the caller's transaction; True when it moved."""
    origins, to = _rule(event)
    return lead_status.move_status(conn, site_id, lead_id, to, origins)
