"""How runs and the evaluations they produce are named: the one place both ids are built."""

from __future__ import annotations

import uuid


def new_run_id() -> str:
    """A fresh run id (also the engine's instance id): ``run_`` and 16 hex digits."""
    return f"run_{uuid.uuid4().hex[:16]}"


def evaluation_id_for(run_id: str) -> str:
    """The id of the evaluation a run saves: one evaluation per run, so a replayed save is a no-op."""
    return f"ev_{run_id}"
