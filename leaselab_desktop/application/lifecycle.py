"""The lead lifecycle: which status a lead moves to on each event of its life.

One table of plain data, in the shape of the shared spec's ``lead_transitions`` (event, from, to)
so that it can be read from that file by both runtimes. A lead moves only when its status is one of
the event's ``from``; otherwise it keeps its status (an agent's decision, e.g. ``approved``, is
never undone by a document arriving or a run failing).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from leaselab_desktop.store import lead_status

_BEFORE_EVALUATION = ["new", "documents_pending", "documents_received"]

LEAD_TRANSITIONS: list[dict[str, Any]] = [
    {"event": "documents_added", "from": ["new", "documents_pending"], "to": "documents_received"},
    {"event": "evaluation_started", "from": [*_BEFORE_EVALUATION, "ai_evaluated"], "to": "ai_evaluating"},
    {"event": "evaluation_completed", "from": [*_BEFORE_EVALUATION, "ai_evaluating", "ai_evaluated"],
     "to": "ai_evaluated"},
    # a run that failed or was stopped: the lead is back to waiting for an evaluation
    {"event": "evaluation_failed", "from": ["ai_evaluating"], "to": "documents_received"},
    {"event": "screening_started", "from": ["ai_evaluated"], "to": "screening"},
    {"event": "approved", "from": ["ai_evaluated", "screening"], "to": "approved"},
    {"event": "rejected", "from": ["ai_evaluated", "screening"], "to": "rejected"},
    {"event": "lease_sent", "from": ["approved"], "to": "lease_sent"},
    {"event": "lease_signed", "from": ["lease_sent"], "to": "lease_signed"},
]


def _rule(event: str) -> tuple[list[str], str]:
    for t in LEAD_TRANSITIONS:
        if t["event"] == event:
            return list(t["from"]), str(t["to"])
    raise ValueError(f"no lead transition for event {event!r}")


def next_status(status: str, event: str) -> str | None:
    """The status a lead in ``status`` moves to on ``event``; None when it keeps its status."""
    origins, to = _rule(event)
    return to if status in origins else None


def apply(conn: sqlite3.Connection, site_id: str, lead_id: str, event: str) -> bool:
    """Move the lead as the table says, inside the caller's transaction; True when it moved."""
    origins, to = _rule(event)
    return lead_status.move_status(conn, site_id, lead_id, to, origins)
