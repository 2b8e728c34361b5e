"""Retention and *Delete applicant data* on the local backend: documents, stored analyses and the
documents' text in step records go; the evaluation record and the audit trail stay, with an entry
saying what was deleted, when and by whom."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import time
from datetime import timedelta
from pathlib import Path

import pytest

from leaselab_desktop import cli
from leaselab_desktop.backends.local import LocalBackend
from leaselab_desktop.config import Paths
from leaselab_desktop.domain.timefmt import format_timestamp, utcnow
from leaselab_desktop.store.retention import deletions


async def _evaluate(backend: LocalBackend, lead_id: str) -> None:
    ticket = await backend.start_evaluation(lead_id, force=True, reason="test")
    async for _ in backend.watch_run(ticket.run_id):
        pass


def _step_texts(engine_db: Path) -> list[str]:
    with sqlite3.connect(engine_db) as c:
        outs = [json.loads(r[0]) for r in c.execute("SELECT output FROM steps WHERE name = 'load-documents'")]
    return [d["text"] for o in outs for d in o["documents"]]


def _analyses(paths: Paths) -> int:
    return sum(1 for _ in (paths.cache_dir / "document-analyses").rglob("*.json"))


@pytest.fixture
def fresh_analysis_memory() -> None:
    """analyse.py answers from its in-process memory before its store, so content analysed by an
    earlier test in this process would not be stored in this test's data folder."""
    from leaselab_desktop.screening.documents import analyse

    with analyse._cache_lock:
        analyse._cache.clear()


async def test_delete_applicant_data_now(fresh_analysis_memory: None, tmp_path: Path) -> None:
    backend = await LocalBackend.open(Paths(tmp_path / "fresh"))
    try:
        await _delete_now(backend)
    finally:
        await backend.aclose()


async def _delete_now(backend: LocalBackend) -> None:
    paths = backend.paths
    await backend.documents_analysed()
    await _evaluate(backend, "lead_demo_01")
    files = await backend.list_files("lead_demo_01")
    keys = [f.r2_key for f in files]
    assert files and all(backend.files.exists(k or "") for k in keys)
    analyses_before = _analyses(paths)
    assert any(_step_texts(paths.engine_database))
    history_before = await backend.evaluation_history("lead_demo_01")

    done = await backend.delete_applicant_data("lead_demo_01", reason="the applicant asked")
    assert done.documents == len(files) and done.step_texts == 1
    assert not any(backend.files.exists(k or "") for k in keys)
    assert _analyses(paths) == analyses_before - done.analyses and done.analyses >= 1
    assert not any(_step_texts(paths.engine_database))
    assert await backend.list_files("lead_demo_01") == []
    # the record stays: evaluations and the audit trail, with what, when and by whom
    assert [e.evaluation_id for e in await backend.evaluation_history("lead_demo_01")] == [
        e.evaluation_id for e in history_before]
    entries = await backend.db.read(lambda c: deletions(c, backend.site_id, "lead_demo_01"))
    assert len(entries) == 1
    entry = entries[0]
    assert entry["by"] == backend.user_id and entry["reason"] == "the applicant asked" and entry["at"]
    assert entry["deleted"]["documents"] == len(files) and sorted(entry["file_ids"]) == sorted(f.id for f in files)
    # the other leads' documents are untouched
    assert await backend.list_files("lead_demo_02")


async def _close_lead(backend: LocalBackend, lead_id: str, days_ago: int, status: str = "rejected") -> None:
    when = format_timestamp(utcnow() - timedelta(days=days_ago))
    await backend.db.write(lambda c: c.execute("UPDATE leads SET status = ?, updated_at = ? WHERE id = ?",
                                               (status, when, lead_id)))


async def test_retention_purges_closed_leads_after_the_period(backend: LocalBackend, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    await _close_lead(backend, "lead_demo_02", 40)  # closed long ago: due
    await _close_lead(backend, "lead_demo_03", 5, "lease_signed")  # closed recently: kept
    await _close_lead(backend, "lead_demo_04", 400, "screening")  # old but still open: kept
    assert await backend.purge_expired() == []  # no retention period: everything kept
    paths = backend.paths
    await backend.aclose()

    code = await asyncio.to_thread(cli.main, ["--data-dir", str(paths.data_dir), "retention", "--days", "30"])
    out = capsys.readouterr().out
    assert code == 0 and "Purged: lead_demo_02" in out and "30 day(s)" in out
    backend2 = await LocalBackend.open(paths)
    try:
        assert await backend2.list_files("lead_demo_02") == []
        assert await backend2.list_files("lead_demo_03") and await backend2.list_files("lead_demo_04")
        entries = await backend2.db.read(lambda c: deletions(c, backend2.site_id, "lead_demo_02"))
        assert entries[0]["by"] == "retention policy" and "30 day(s)" in entries[0]["reason"]
        await _close_lead(backend2, "lead_demo_03", 31, "lease_signed")
    finally:
        await backend2.aclose()
    backend3 = await LocalBackend.open(paths)  # the period applies at every start
    try:
        assert await backend3.list_files("lead_demo_03") == []
    finally:
        await backend3.aclose()


async def test_files_left_by_a_crash_are_swept_at_start(tmp_path: Path) -> None:
    paths = Paths(tmp_path / "data")
    await (await LocalBackend.open(paths)).aclose()
    folder = next((paths.files_dir / "leads").iterdir())
    old, young = folder / "1-orphan-old.pdf", folder / "2-orphan-young.pdf"
    old.write_bytes(b"left behind")
    young.write_bytes(b"being attached right now")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    backend = await LocalBackend.open(paths)
    await backend.aclose()
    assert not old.exists() and not young.exists()  # the engine lock says no attach is in progress
    kept = folder / "3-orphan-young.pdf"
    kept.write_bytes(b"x")
    from leaselab_desktop.backends.local_retention import sweep_orphans

    assert sweep_orphans(paths.files_dir, set()) == [] and kept.exists()  # by default young files stay


async def test_a_run_admitted_but_never_created_frees_its_lead_at_the_next_start(tmp_path: Path) -> None:
    """A kill between admission (run row, quota, lead ai_evaluating) and the engine's instance."""
    from leaselab_desktop.application import run_records

    paths = Paths(tmp_path / "data")
    backend = await LocalBackend.open(paths)

    def admit(c: sqlite3.Connection) -> None:
        # the run row and the lead now being evaluated (the application layer writes both)
        run_records.admitted(c, run_id="run_unborn", site_id=backend.site_id, lead_id="lead_demo_05",
                             requested_by="a", force_reason=None, provider="rules")

    await backend.db.write(admit)
    await backend.aclose()
    backend = await LocalBackend.open(paths)
    try:
        assert (await backend.get_lead("lead_demo_05")).status == "documents_received"
        row = await backend.db.read(lambda c: c.execute(
            "SELECT status, error_message FROM ai_workflow_runs WHERE instance_id = 'run_unborn'").fetchone())
        assert row[0] == "errored" and "Start it again" in row[1]
    finally:
        await backend.aclose()
