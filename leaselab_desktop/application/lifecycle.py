"""The lead lifecycle: which status a lead moves to on each event of its life.

The table is the shared spec's ``lead_transitions`` (``resources/spec/workflow.json``: event, from,
to), the same one the worker reads. A lead moves only when its status is one of the event's
``from``; otherwise it keeps its status (an agent's decision, e.g. ``approved``, is never undone by
a document arriving or a run failing). A stopped run is an ``evaluation_failed`` for its lead.
"""

from __future__ import annotations

import sqlite3
from functools import cache

from leaselab_desktop.domain.spec import TransitionSpec, load_spec
from leaselab_desktop.store import lead_status


@cache
def transitions() -> dict[str, TransitionSpec]:
    """The table, by event (read from the spec once per process)."""
    return {t.event: t for t in load_spec().lead_transitions}


def _rule(event: str) -> TransitionSpec:
    try:
        return transitions()[event]
    except KeyError:
        raise ValueError(f"no lead transition for event {event!r}") from None


def next_status(status: str, event: str) -> str | None:
    """The status a lead in ``status`` moves to on ``event``; None when it keeps its status."""
    rule = _rule(event)
    return rule.to if status in rule.from_ else None


def apply(conn: sqlite3.Connection, site_id: str, lead_id: str, event: str) -> bool:
    """Move the lead as the table says, inside the caller's transaction; True when it moved."""
    rule = _rule(event)
    return lead_status.move_status(conn, site_id, lead_id, rule.to, rule.from_)
