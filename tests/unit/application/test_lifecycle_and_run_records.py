"""The lead lifecycle table and the one writer of run records, on a real SQLite store."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from leaselab_desktop.application import lifecycle, run_records
from leaselab_desktop.backends.demo_loader import load_demo_if_empty
from leaselab_desktop.domain.run_ids import evaluation_id_for, new_run_id
from leaselab_desktop.screening.documents.filestore import FileStore
from leaselab_desktop.store import Database
from leaselab_desktop.store import runs as runs_repo

SITE = "site_demo"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    d = Database.open(tmp_path / "leaselab.sqlite3")
    d.write_sync(lambda c: load_demo_if_empty(c, FileStore(tmp_path / "files")))
    yield d
    d.close()


@pytest.fixture
def lead_id(db: Database) -> str:
    row = db.read_sync(lambda c: c.execute(
        "SELECT id FROM leads WHERE site_id = ? AND status = 'documents_received' LIMIT 1", (SITE,)).fetchone())
    return str(row[0])


def status_of(db: Database, lead_id: str) -> str:
    return str(db.read_sync(lambda c: c.execute("SELECT status FROM leads WHERE id = ?", (lead_id,)).fetchone()[0]))


def admit(db: Database, lead_id: str) -> str:
    run_id = new_run_id()
    db.write_sync(lambda c: run_records.admitted(c, run_id=run_id, site_id=SITE, lead_id=lead_id,
                                                 requested_by="agent", force_reason=None, provider="rules"))
    return run_id


def errors_of(c: sqlite3.Connection, run_id: str) -> int:
    return int(c.execute("SELECT count(*) FROM workflow_errors WHERE instance_id = ?", (run_id,)).fetchone()[0])


def test_the_table_is_the_specs_and_means_what_it_says() -> None:
    from leaselab_desktop.domain.spec import load_spec

    assert lifecycle.transitions() == {t.event: t for t in load_spec().lead_transitions}  # the shared table
    assert lifecycle.next_status("new", "documents_added") == "documents_received"
    assert lifecycle.next_status("ai_evaluated", "documents_added") is None
    assert lifecycle.next_status("ai_evaluated", "evaluation_started") == "ai_evaluating"
    assert lifecycle.next_status("approved", "evaluation_started") is None  # an agent's decision stays
    assert lifecycle.next_status("ai_evaluating", "evaluation_failed") == "documents_received"
    assert lifecycle.next_status("approved", "evaluation_failed") is None
    with pytest.raises(ValueError):
        lifecycle.next_status("new", "lead_exploded")


def test_a_failed_run_is_recorded_once_and_returns_its_lead(db: Database, lead_id: str) -> None:
    run_id = admit(db, lead_id)
    assert status_of(db, lead_id) == "ai_evaluating"
    db.write_sync(lambda c: run_records.step_started(c, run_id, "call-workers-ai"))
    # the workflow's last word, then the engine's status event for the same end
    db.write_sync(lambda c: run_records.status_changed(c, run_id, "errored", RuntimeError("model down")))
    db.write_sync(lambda c: run_records.status_changed(
        c, run_id, "errored", {"name": "RuntimeError", "message": "model down"}))
    db.write_sync(lambda c: run_records.status_changed(c, run_id, "running"))  # a late event
    row = db.read_sync(lambda c: runs_repo.get_run(c, SITE, run_id))
    assert (row["status"], row["error_message"], row["current_step"]) == ("errored", "model down", None)
    assert db.read_sync(lambda c: errors_of(c, run_id)) == 1
    step = db.read_sync(lambda c: c.execute(
        "SELECT step FROM workflow_errors WHERE instance_id = ?", (run_id,)).fetchone()[0])
    assert step == "call-workers-ai"
    assert status_of(db, lead_id) == "documents_received"

    db.write_sync(lambda c: run_records.requeued(c, SITE, run_id))  # retry
    assert db.read_sync(lambda c: runs_repo.get_run(c, SITE, run_id))["status"] == "queued"
    assert status_of(db, lead_id) == "ai_evaluating"


def test_complete_names_the_evaluation_and_terminate_frees_the_lead(db: Database, lead_id: str) -> None:
    done = admit(db, lead_id)
    db.write_sync(lambda c: run_records.status_changed(c, done, "complete"))
    assert db.read_sync(lambda c: runs_repo.get_run(c, SITE, done))["evaluation_id"] == evaluation_id_for(done)

    stopped = admit(db, lead_id)
    db.write_sync(lambda c: run_records.status_changed(c, stopped, "terminated"))
    assert status_of(db, lead_id) == "documents_received"
    listed = db.read_sync(lambda c: [r["instance_id"] for r in runs_repo.list_runs(c, SITE, 10)])
    assert set(listed) >= {done, stopped}


def test_unfinished_runs_are_listed_first(db: Database, lead_id: str) -> None:
    finished = admit(db, lead_id)
    db.write_sync(lambda c: run_records.status_changed(c, finished, "complete"))
    unfinished = admit(db, lead_id)
    older = admit(db, lead_id)
    db.write_sync(lambda c: run_records.status_changed(c, older, "errored", "x"))
    listed = db.read_sync(lambda c: [r["instance_id"] for r in runs_repo.list_runs(c, SITE, 10)])
    assert listed[0] == unfinished and set(listed[1:]) == {finished, older}
