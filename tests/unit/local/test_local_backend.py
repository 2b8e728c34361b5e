"""The local backend end to end on real files: demo data, the 7-step workflow, guards, intake."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import pytest

from leaselab_desktop.application.admission import overlap
from leaselab_desktop.backends import errors
from leaselab_desktop.backends.local import LocalBackend
from leaselab_desktop.config import Paths
from leaselab_desktop.domain.models import LeadQuery, NewLead
from leaselab_desktop.domain.vocab import WORKFLOW_STEPS
from leaselab_desktop.screening.workflow import FatalStepError


async def _first_lead_with_docs(backend: LocalBackend) -> str:
    for lead in (await backend.list_leads(LeadQuery())).items:
        if len(await backend.list_files(lead.id)) >= 2:
            return lead.id
    raise AssertionError("demo has no lead with documents")


async def test_demo_data_loads_once_with_real_files(backend: LocalBackend) -> None:
    page = await backend.list_leads(LeadQuery())
    assert len(page.items) >= 10
    lead_id = await _first_lead_with_docs(backend)
    files = await backend.list_files(lead_id)
    data = await backend.read_file(files[0])
    assert hashlib.sha256(data).hexdigest() == files[0].sha256
    with pytest.raises(errors.NotFound):
        await backend.get_lead("lead_nope")


async def test_demo_is_not_loaded_twice(tmp_path: Path) -> None:
    paths = Paths(tmp_path / "d")
    for _ in range(2):
        b = await LocalBackend.open(paths)
        n = len((await b.list_leads(LeadQuery())).items)
        await b.aclose()
    first = await LocalBackend.open(paths)
    assert len((await first.list_leads(LeadQuery())).items) == n
    await first.aclose()


async def test_full_evaluation_with_live_steps(run_to_end, backend: LocalBackend) -> None:
    lead_id = await _first_lead_with_docs(backend)
    ticket = await backend.start_evaluation(lead_id)
    snaps = await run_to_end(backend, ticket.run_id)
    final = snaps[-1]
    assert final.status == "complete", final.error
    assert [s.name for s in final.steps] == list(WORKFLOW_STEPS)
    assert all(s.status == "complete" and s.attempts == 1 for s in final.steps)
    assert len(snaps) >= 3  # pushed as steps moved, not just start and end
    ev = final.output
    assert ev is not None and 0 <= ev.score <= 100 and ev.label in "ABC"
    assert ev.factors and sum(f.max_points for f in ev.factors) == 100
    assert ev.workflow_instance_id == ticket.run_id and ev.document_fingerprint
    lead = await backend.get_lead(lead_id)
    assert (lead.ai_score, lead.ai_label, lead.status) == (ev.score, ev.label, "ai_evaluated")
    assert (await backend.latest_evaluation(lead_id)) == ev
    assert (await backend.active_run(lead_id)) is None


async def test_duplicate_guard_force_and_changed_documents(run_to_end, backend: LocalBackend, tmp_path: Path) -> None:
    lead_id = await _first_lead_with_docs(backend)
    await run_to_end(backend, (await backend.start_evaluation(lead_id)).run_id)
    with pytest.raises(errors.DuplicateDocuments) as dup:
        await backend.start_evaluation(lead_id)
    assert dup.value.last_evaluation_id and dup.value.last_evaluated_at is not None
    with pytest.raises(errors.InvalidRequest, match="reason"):
        await backend.start_evaluation(lead_id, force=True, reason="  ")
    forced = await backend.start_evaluation(lead_id, force=True, reason="Applicant asked for a review")
    assert (await run_to_end(backend, forced.run_id))[-1].status == "complete"
    assert len(await backend.evaluation_history(lead_id)) == 2  # history kept, not overwritten
    # a new document changes the set: no longer a duplicate
    new_doc = tmp_path / "extra-letter.pdf"
    new_doc.write_bytes((await backend.read_file((await backend.list_files(lead_id))[0])) + b"\n% extra\n")
    for i in range(3):
        p = tmp_path / f"extra{i}.txt"
        p.write_text(f"note {i}")
        await backend.attach_file(lead_id, p)
    ticket = await backend.start_evaluation(lead_id)
    assert (await run_to_end(backend, ticket.run_id))[-1].status == "complete"


def test_overlap_rule() -> None:
    assert overlap([], []) == 1.0
    assert overlap(["a"] * 1, ["a"]) == 1.0
    assert overlap(list("abcdefghij"), list("abcdefghik")) == 0.9
    assert overlap(list("abcd"), list("abcde")) == 0.8


async def test_second_start_is_already_running(run_to_end, backend: LocalBackend) -> None:
    lead_id = await _first_lead_with_docs(backend)
    results = await asyncio.gather(
        backend.start_evaluation(lead_id), backend.start_evaluation(lead_id), return_exceptions=True
    )
    tickets = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, errors.AlreadyRunning)]
    assert len(tickets) == 1 and len(refused) == 1
    assert refused[0].run_id == tickets[0].run_id
    await run_to_end(backend, tickets[0].run_id)


async def test_quota_exhausted_and_given_back(
    run_to_end, backend: LocalBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    usage = await backend.usage()
    limit = usage.quota_limit
    await backend.db.write(lambda c: c.execute(
        "INSERT INTO ai_evaluation_usage (site_id, month, evaluation_count, updated_at) VALUES (?,?,?,?)",
        (backend.site_id, usage.month, limit - 1, "x")))
    leads = (await backend.list_leads(LeadQuery())).items
    # the engine refuses to create the instance: the unit is given back
    wf = backend.engine.workflow("ai-evaluation")

    async def broken_create(*a: object, **k: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(wf, "create", broken_create)
    monkeypatch.setattr(backend.engine, "workflow", lambda name: wf)
    with pytest.raises(RuntimeError):
        await backend.start_evaluation(leads[0].id)
    assert (await backend.usage()).evaluation_count == limit - 1
    assert (await backend.active_run(leads[0].id)) is None
    monkeypatch.undo()
    ok = await backend.start_evaluation(leads[0].id)
    with pytest.raises(errors.QuotaExceeded) as q:
        await backend.start_evaluation(leads[1].id)
    assert q.value.usage is not None and q.value.usage.remaining == 0
    assert f"({limit}/{limit})" in str(q.value)
    await run_to_end(backend, ok.run_id)


async def test_free_provider_does_not_count(run_to_end, tmp_path: Path) -> None:
    b = await LocalBackend.open(Paths(tmp_path / "free"))
    try:
        lead_id = await _first_lead_with_docs(b)
        await run_to_end(b, (await b.start_evaluation(lead_id)).run_id)
        assert (await b.usage()).evaluation_count == 0
    finally:
        await b.aclose()


async def test_failed_run_records_error_and_retries_from_failed_step(run_to_end,
    backend: LocalBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    lead_id = await _first_lead_with_docs(backend)
    real_extract = backend.ports.extract

    async def refuse(*a: object, **k: object) -> None:
        raise FatalStepError("The model answered prose without JSON")

    monkeypatch.setattr(backend.ports, "extract", refuse)
    ticket = await backend.start_evaluation(lead_id)
    final = (await run_to_end(backend, ticket.run_id))[-1]
    assert final.status == "errored" and final.can_retry
    assert "prose without JSON" in (final.error.message if final.error else "")
    step = {s.name: s for s in final.steps}["call-workers-ai"]
    assert (step.status, step.attempts) == ("errored", 1)  # non-retryable: one attempt
    rows = await backend.db.read(lambda c: c.execute(
        "SELECT step, message FROM workflow_errors WHERE instance_id = ?", (ticket.run_id,)).fetchall())
    assert rows and "prose without JSON" in rows[0]["message"]
    monkeypatch.setattr(backend.ports, "extract", real_extract)
    await backend.retry_run(ticket.run_id)
    final = (await run_to_end(backend, ticket.run_id))[-1]
    assert final.status == "complete"
    by_name = {s.name: s for s in final.steps}
    assert by_name["fetch-lead"].attempts == 1 and by_name["load-documents"].attempts == 1


async def test_vanished_lead_fails_non_retryably(
    run_to_end, backend: LocalBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    lead_id = await _first_lead_with_docs(backend)

    async def gone(site_id: str, lead_id: str) -> None:  # deleted between start and run
        return None

    monkeypatch.setattr(backend.ports, "load_lead", gone)
    ticket = await backend.start_evaluation(lead_id)
    final = (await run_to_end(backend, ticket.run_id))[-1]
    assert final.status == "errored" and "no longer exists" in (final.error.message if final.error else "")
    fetch = final.steps[0]
    assert (fetch.name, fetch.status, fetch.attempts) == ("fetch-lead", "errored", 1)
    assert all(s.status == "pending" for s in final.steps[1:])
    assert (await backend.active_run(lead_id)) is None


async def test_terminate_and_resume_after_restart(run_to_end, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = Paths(tmp_path / "r")
    b = await LocalBackend.open(paths)
    lead_id = await _first_lead_with_docs(b)
    gate = asyncio.Event()
    real = b.ports.extract

    async def slow(*a: object, **k: object):  # type: ignore[no-untyped-def]
        await gate.wait()
        return await real(*a, **k)

    monkeypatch.setattr(b.ports, "extract", slow)
    ticket = await b.start_evaluation(lead_id)
    async for snap in b.watch_run(ticket.run_id):
        if snap.current_step == "call-workers-ai":
            break
    await b.aclose()  # quit mid-run
    b2 = await LocalBackend.open(paths)
    try:
        final = (await run_to_end(b2, ticket.run_id))[-1]
        assert final.status == "complete"
        assert {s.name: s for s in final.steps}["fetch-lead"].attempts == 1
        # terminate a run that is stuck
        lead2 = next(x.id for x in (await b2.list_leads(LeadQuery())).items if x.id != lead_id)
        gate2 = asyncio.Event()
        real2 = b2.ports.extract

        async def stuck(*a: object, **k: object):  # type: ignore[no-untyped-def]
            await gate2.wait()
            return await real2(*a, **k)

        monkeypatch.setattr(b2.ports, "extract", stuck)
        t2 = await b2.start_evaluation(lead2)
        async for snap in b2.watch_run(t2.run_id):
            if snap.current_step == "call-workers-ai":
                await b2.terminate_run(t2.run_id)
            if snap.finished:
                assert snap.status == "terminated" and snap.can_retry
    finally:
        await b2.aclose()


async def test_overrides_need_reason_and_keep_trail(run_to_end, backend: LocalBackend) -> None:
    lead_id = await _first_lead_with_docs(backend)
    ev = (await run_to_end(backend, (await backend.start_evaluation(lead_id)).run_id))[-1].output
    assert ev is not None
    with pytest.raises(errors.InvalidRequest):
        await backend.override(ev.evaluation_id, "approve", "")
    with pytest.raises(errors.InvalidRequest):
        await backend.override(ev.evaluation_id, "maybe", "why not")
    o = await backend.override(ev.evaluation_id, "approve", "Guarantor signed")
    assert o.from_recommendation == ev.recommendation and o.user_id == backend.user_id
    assert [x.id for x in await backend.overrides(ev.evaluation_id)] == [o.id]
    assert (await backend.latest_evaluation(lead_id)) == ev  # never edited


async def test_intake_create_attach_and_evaluate(run_to_end, backend: LocalBackend, tmp_path: Path) -> None:
    prop = (await backend.list_properties())[0]
    unit = (await backend.list_units(prop.id))[0]
    lead = await backend.create_lead(NewLead(property_id=prop.id, unit_id=unit.id, first_name="Walk", last_name="In",
                                             email="walk.in@example.com", monthly_income=7000,
                                             employment_status="employed"))
    assert lead.monthly_rent == unit.monthly_rent and lead.status == "new"
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n garbage without xref")
    f = await backend.attach_file(lead.id, bad, "paystub")
    assert f.sha256 == hashlib.sha256(bad.read_bytes()).hexdigest()
    assert (await backend.get_lead(lead.id)).status == "documents_received"
    final = (await run_to_end(backend, (await backend.start_evaluation(lead.id)).run_id))[-1]
    assert final.status == "complete" and final.output is not None
    assert any(s.document == "broken.pdf" for s in final.output.signals)
    with pytest.raises(errors.InvalidRequest):
        await backend.create_lead(NewLead(property_id="nope", first_name="a", last_name="b", email="a@b.co"))
