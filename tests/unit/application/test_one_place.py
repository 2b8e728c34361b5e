"""Each rule of an evaluation's life is written in one place: a second copy fails here."""

from __future__ import annotations

import re
from pathlib import Path

import leaselab_desktop

PACKAGE = Path(leaselab_desktop.__file__).parent


def places(pattern: str) -> set[str]:
    rx = re.compile(pattern)
    return {str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if rx.search(p.read_text(encoding="utf-8"))}


def test_a_leads_status_is_written_by_the_lifecycle_only() -> None:
    assert places(r"UPDATE leads SET[^;]*\bstatus\s*=") == {"store/lead_status.py"}
    assert places(r"lead_status\.move_status\(") == {"application/lifecycle.py"}


def test_run_records_have_one_writer() -> None:
    assert places(r"(INSERT INTO|UPDATE|DELETE FROM) ai_workflow_runs") == {"store/runs.py"}
    assert places(r"runs_repo\.(insert_run|update_run|delete_run|record_error|set_current_step)\(") == {
        "application/run_records.py"}


def test_evaluation_ids_are_named_in_one_function() -> None:
    assert places(r"f\"ev_\{") == {"domain/run_ids.py"}
    assert places(r"f\"run_\{") == {"domain/run_ids.py"}
