"""Runs on the local backend beyond the contract: where interrupted runs resume, purged runs."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from leaselab_desktop.backends import errors
from leaselab_desktop.backends.local import LocalBackend
from leaselab_desktop.config import Paths
from leaselab_desktop.domain.models import LeadQuery


async def _unevaluated(backend: LocalBackend) -> str:
    leads = (await backend.list_leads(LeadQuery(limit=500))).items
    return next(lead.id for lead in leads if lead.status == "documents_received")


async def test_a_purged_run_is_still_listed_from_its_record(backend: LocalBackend, run_to_end) -> None:
    ticket = await backend.start_evaluation(await _unevaluated(backend))
    assert (await run_to_end(backend, ticket.run_id))[-1].status == "complete"
    backend.engine.retention_s = 0
    assert await backend.engine.purge() >= 1
    (listed,) = [r for r in await backend.list_runs() if r.run_id == ticket.run_id]
    assert listed.status == "complete" and not listed.can_retry and listed.steps[0].status == "pending"
    assert (await backend.get_run(ticket.run_id)).status == "complete"
    with pytest.raises(errors.InvalidRequest, match="already finished"):
        await backend.terminate_run(ticket.run_id)
    with pytest.raises(errors.InvalidRequest, match="Only a failed or terminated run"):
        await backend.retry_run(ticket.run_id)


async def test_a_run_cut_by_a_quit_waits_for_a_follower(tmp_path: Path, run_to_end) -> None:
    """Closed mid-run (the app quit), then opened by a short-lived process: nothing runs until the
    run is watched; the console (resume=True) would run it at once."""
    paths = Paths(tmp_path / "data")
    first = await LocalBackend.open(paths)
    in_model = asyncio.Event()

    async def slow_model(*_args: object) -> None:
        in_model.set()
        await asyncio.sleep(3600)

    first.ports.extract = slow_model  # type: ignore[method-assign, assignment]
    lead_id = await _unevaluated(first)
    ticket = await first.start_evaluation(lead_id)
    await asyncio.wait_for(in_model.wait(), 30)
    await first.aclose()  # the app quits during the model call

    short = await LocalBackend.open(paths, resume=False)
    try:
        snap = await short.get_run(ticket.run_id)
        assert snap.current_step == "call-workers-ai"
        assert snap.interrupted and (await short.get_lead(lead_id)).status == "ai_evaluating"
        (listed,) = [r for r in await short.list_runs() if r.run_id == ticket.run_id]
        assert listed.interrupted
        snaps = await run_to_end(short, ticket.run_id)
        assert snaps[-1].status == "complete" and not snaps[-1].interrupted
        assert (await short.get_lead(lead_id)).status == "ai_evaluated"
    finally:
        await short.aclose()


async def test_the_console_resumes_interrupted_runs_at_once(tmp_path: Path) -> None:
    """The console opens with resume=True (the factory's default): an interrupted run goes on
    without anyone following it."""
    paths = Paths(tmp_path / "data")
    first = await LocalBackend.open(paths)
    in_model = asyncio.Event()

    async def slow_model(*_args: object) -> None:
        in_model.set()
        await asyncio.sleep(3600)

    first.ports.extract = slow_model  # type: ignore[method-assign, assignment]
    lead_id = await _unevaluated(first)
    ticket = await first.start_evaluation(lead_id)
    await asyncio.wait_for(in_model.wait(), 30)
    await first.aclose()

    console = await LocalBackend.open(paths)  # resume=True
    try:
        for _ in range(300):
            snap = await console.get_run(ticket.run_id)
            if snap.finished:
                break
            await asyncio.sleep(0.05)
        assert snap.status == "complete" and not snap.interrupted
        assert (await console.get_lead(lead_id)).status == "ai_evaluated"
    finally:
        await console.aclose()


async def test_a_run_admitted_but_never_created_is_closed_and_refunded(tmp_path: Path) -> None:
    """Killed between admission (run record, quota unit) and the engine's instance: the next open
    ends the run as lost, frees the lead and gives the quota unit back."""
    from leaselab_desktop.application import admission, run_records
    from leaselab_desktop.domain.run_ids import new_run_id
    from leaselab_desktop.domain.timefmt import utcnow
    from leaselab_desktop.store import usage as usage_repo

    paths = Paths(tmp_path / "data")
    first = await LocalBackend.open(paths, count_free_providers=True)
    lead_id = await _unevaluated(first)
    run_id = new_run_id()
    req = admission.Request(site_id="site_demo", lead_id=lead_id, force=False, reason=None, counts_quota=True,
                            month=usage_repo.month_of(utcnow()))

    def admit_only(c) -> None:  # type: ignore[no-untyped-def]
        admission.admit(c, req)
        run_records.admitted(c, run_id=run_id, site_id="site_demo", lead_id=lead_id, requested_by="agent",
                             force_reason=None, provider="rules")

    await first.db.write(admit_only)
    assert (await first.usage()).evaluation_count == 1
    await first.engine.close()  # as if killed: the run record stays unfinished, no instance exists
    await first.aclose()

    again = await LocalBackend.open(paths, count_free_providers=True, resume=False)
    try:
        snap = await again.get_run(run_id)
        assert snap.status == "errored" and snap.error is not None and "nothing was evaluated" in snap.error.message
        assert (await again.get_lead(lead_id)).status == "documents_received"
        assert (await again.usage()).evaluation_count == 0
    finally:
        await again.aclose()
