"""Documents are analysed when they arrive (persisted by content); evaluations read the analysis.
Run bookkeeping (ai_workflow_runs) is written in bursts and still ends exactly as before."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import pytest

from leaselab_desktop.backends.local import LocalBackend
from leaselab_desktop.config import Paths
from leaselab_desktop.domain.models import NewLead
from leaselab_desktop.screening.documents.analyse import clear_cache

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "fixtures" / "documents"))
from doc_builders import text_pdf

STUB = ["ACME Widgets Inc.", "Employee: Walk In", "Pay Date: 2026-10-09", "Gross Pay: $3,000.00",
        "Net Pay: $2,250.00"]



async def _intake_idle(backend: LocalBackend) -> None:
    await backend.documents_analysed()


async def _new_lead(backend: LocalBackend) -> str:
    prop = (await backend.list_properties())[0]
    lead = await backend.create_lead(NewLead(property_id=prop.id, first_name="Walk", last_name="In",
                                             email="walk.in@example.com", monthly_income=7000,
                                             employment_status="employed"))
    return lead.id


async def test_attached_documents_are_analysed_at_intake_and_evaluations_read_them(
        run_to_end, tmp_path: Path, counted: list[str]) -> None:
    paths = Paths(tmp_path / "data")
    backend = await LocalBackend.open(paths)
    try:
        await _intake_idle(backend)  # the demo's own documents
        counted.clear()
        stored = len(list((paths.cache_dir / "document-analyses").rglob("*.json")))
        lead_id = await _new_lead(backend)
        await backend.attach_bytes(lead_id, "paystub.pdf", text_pdf(STUB), "paystub")
        await _intake_idle(backend)
        assert counted == ["paystub.pdf"]  # analysed on arrival, in the background
        assert len(list((paths.cache_dir / "document-analyses").rglob("*.json"))) == stored + 1
        first = (await run_to_end(backend, (await backend.start_evaluation(lead_id)).run_id))[-1]
        assert first.status == "complete" and counted == ["paystub.pdf"]  # not parsed again
    finally:
        await backend.aclose()
    clear_cache()  # a new process: only the persisted analysis is left
    backend = await LocalBackend.open(paths, load_demo=False)
    try:
        again = (await run_to_end(backend, (await backend.start_evaluation(
            lead_id, force=True, reason="same documents, new process")).run_id))[-1]
        assert again.status == "complete" and counted == ["paystub.pdf"]
        assert first.output is not None and again.output is not None
        assert again.output.model_dump(exclude={"evaluation_id", "workflow_instance_id", "evaluated_at"}) == \
            first.output.model_dump(exclude={"evaluation_id", "workflow_instance_id", "evaluated_at"})
    finally:
        await backend.aclose()


async def test_demo_documents_are_analysed_at_load(tmp_path: Path, counted: list[str]) -> None:
    paths = Paths(tmp_path / "data")
    backend = await LocalBackend.open(paths)
    try:
        await _intake_idle(backend)
        n_files = await backend.db.read(lambda c: c.execute("SELECT count(*) FROM lead_files").fetchone()[0])
        assert len(counted) == n_files > 0
    finally:
        await backend.aclose()


async def test_evaluation_does_not_wait_for_queued_intake_work(
        run_to_end, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An evaluation analyses its own documents rather than queueing behind other leads' intake."""
    backend = await LocalBackend.open(Paths(tmp_path / "data"))
    try:
        await _intake_idle(backend)
        gate = asyncio.get_running_loop().run_in_executor(backend.ports._intake, time.sleep, 2)
        lead_id = await _new_lead(backend)
        await backend.attach_bytes(lead_id, "paystub.pdf", text_pdf(STUB), "paystub")
        final = (await asyncio.wait_for(
            run_to_end(backend, (await backend.start_evaluation(lead_id)).run_id), 1.5))[-1]
        assert final.status == "complete" and final.output is not None
        assert not gate.done()  # the intake thread was busy all along
    finally:
        await backend.aclose()


async def test_run_rows_follow_the_engine_in_bursts(run_to_end, tmp_path: Path) -> None:
    backend = await LocalBackend.open(Paths(tmp_path / "data"))
    try:
        lead_ids = ["lead_demo_01", "lead_demo_02", "lead_demo_03"]
        tickets = [await backend.start_evaluation(lead) for lead in lead_ids]
        for t in tickets:
            assert (await run_to_end(backend, t.run_id))[-1].status == "complete"
        await asyncio.sleep(0.2)
        rows = await backend.db.read(lambda c: [dict(r) for r in c.execute(
            "SELECT status, current_step, evaluation_id, completed_at FROM ai_workflow_runs")])
        assert len(rows) == 3
        assert all(r["status"] == "complete" and r["current_step"] is None and r["evaluation_id"]
                   and r["completed_at"] for r in rows)
    finally:
        await backend.aclose()


async def test_run_row_shows_the_current_step_of_a_slow_step(run_to_end, tmp_path: Path) -> None:
    backend = await LocalBackend.open(Paths(tmp_path / "data"))
    release = asyncio.Event()
    real = backend.ports.extract

    async def slow_extract(*args):  # type: ignore[no-untyped-def]
        await release.wait()
        return await real(*args)

    backend.ports.extract = slow_extract  # type: ignore[method-assign]
    try:
        ticket = await backend.start_evaluation("lead_demo_01")
        row = None
        for _ in range(100):
            await asyncio.sleep(0.02)
            row = await backend.db.read(lambda c: dict(c.execute(
                "SELECT status, current_step FROM ai_workflow_runs WHERE instance_id = ?",
                (ticket.run_id,)).fetchone()))
            if row["current_step"] == "call-workers-ai":
                break
        assert row == {"status": "running", "current_step": "call-workers-ai"}
        release.set()
        assert (await run_to_end(backend, ticket.run_id))[-1].status == "complete"
    finally:
        release.set()
        await backend.aclose()


async def test_events_seen_before_close_are_still_recorded(tmp_path: Path) -> None:
    backend = await LocalBackend.open(Paths(tmp_path / "data"))
    ticket = await backend.start_evaluation("lead_demo_01")
    await (await backend.engine.workflow("ai-evaluation").get(ticket.run_id)).wait(timeout=10)
    await backend.aclose()  # at once, while run bookkeeping may still be gathering events
    backend = await LocalBackend.open(Paths(tmp_path / "data"))
    try:
        row = await backend.db.read(lambda c: dict(c.execute(
            "SELECT status, current_step FROM ai_workflow_runs WHERE instance_id = ?",
            (ticket.run_id,)).fetchone()))
        assert row == {"status": "complete", "current_step": None}
    finally:
        await backend.aclose()


async def test_an_immediate_retry_is_not_undone_by_gathered_events(run_to_end, tmp_path: Path) -> None:
    """The run's ``errored`` event may still be waiting to be written when the agent retries:
    it is written before the retry's requeue, so the requeued run is followed to its end and
    its error is recorded once."""
    from leaselab_desktop.screening.workflow import FatalStepError

    backend = await LocalBackend.open(Paths(tmp_path / "data"))
    real = backend.ports.extract

    async def refuse(*args):  # type: ignore[no-untyped-def]
        raise FatalStepError("The model answered prose without JSON")

    backend.ports.extract = refuse  # type: ignore[method-assign]
    try:
        ticket = await backend.start_evaluation("lead_demo_01")
        assert (await run_to_end(backend, ticket.run_id))[-1].status == "errored"
        backend.ports.extract = real  # type: ignore[method-assign]
        await backend.retry_run(ticket.run_id)  # at once, within the gathering window
        assert (await run_to_end(backend, ticket.run_id))[-1].status == "complete"
        await asyncio.sleep(0.2)
        row, errors = await backend.db.read(lambda c: (
            dict(c.execute("SELECT status, current_step, error_name FROM ai_workflow_runs "
                           "WHERE instance_id = ?", (ticket.run_id,)).fetchone()),
            c.execute("SELECT count(*) FROM workflow_errors WHERE instance_id = ?",
                      (ticket.run_id,)).fetchone()[0]))
        assert row == {"status": "complete", "current_step": None, "error_name": None}
        assert errors == 1
    finally:
        await backend.aclose()
