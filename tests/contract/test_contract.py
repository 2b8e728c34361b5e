"""One contract, two backends: the same tests against LocalBackend and the worker under wrangler dev."""

from __future__ import annotations

import asyncio
import hashlib

import pytest
from contract_helpers import fresh_lead

from leaselab_desktop.backends.base import Backend
from leaselab_desktop.backends.errors import (
    AlreadyRunning,
    BackendError,
    BackendUnavailable,
    DuplicateDocuments,
    InvalidRequest,
    NotFound,
)
from leaselab_desktop.domain.listing import LeadRows
from leaselab_desktop.domain.models import LeadQuery, RunSnapshot
from leaselab_desktop.domain.vocab import LABELS, RECOMMENDATIONS, WORKFLOW_STEPS

RUN_TIMEOUT_S = 60


async def _run_to_end(backend: Backend, run_id: str) -> list[RunSnapshot]:
    async def collect() -> list[RunSnapshot]:
        return [s async for s in backend.watch_run(run_id)]

    return await asyncio.wait_for(collect(), RUN_TIMEOUT_S)


async def test_backend_protocol(backend: Backend) -> None:
    assert isinstance(backend, Backend)
    assert (await backend.health()).state == "online"


async def test_list_search_filter_sort(backend: Backend) -> None:
    everyone = (await backend.list_leads(LeadQuery(limit=500))).items
    assert len(everyone) >= 10
    assert len({lead.id for lead in everyone}) == len(everyone)
    target = everyone[len(everyone) // 2]
    found = (await backend.list_leads(LeadQuery(q=target.last_name))).items
    assert target.id in {lead.id for lead in found}
    assert all(target.last_name.lower() in f"{x.first_name} {x.last_name} {x.email}".lower() for x in found)
    status = target.status
    filtered = (await backend.list_leads(LeadQuery(status=status, limit=500))).items
    assert filtered and all(lead.status == status for lead in filtered)
    by_name = (await backend.list_leads(LeadQuery(sort_by="createdAt", sort_order="asc", limit=500))).items
    stamps = [lead.created_at for lead in by_name if lead.created_at is not None]
    assert stamps == sorted(stamps)
    nobody = (await backend.list_leads(LeadQuery(q="zz-no-such-applicant-zz"))).items
    assert nobody == []


async def test_paging_covers_every_lead_once(backend: Backend) -> None:
    everyone = {lead.id for lead in (await backend.list_leads(LeadQuery(limit=500))).items}
    seen: list[str] = []
    cursor = None
    for _ in range(200):
        page = await backend.list_leads(LeadQuery(limit=7, cursor=cursor))
        seen += [lead.id for lead in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert sorted(seen) == sorted(everyone)


async def test_lead_rows_list_what_the_leads_say(backend: Backend) -> None:
    """The lead list's columnar read pages over the same leads with the same shown values."""
    leads = {lead.id: lead for lead in (await backend.list_leads(LeadQuery(limit=500))).items}
    expected = LeadRows.from_leads(leads.values())
    want = {expected.ids[i]: expected.row(i) for i in range(len(expected))}
    got: dict[str, tuple[object, ...]] = {}
    cursor = None
    for _ in range(200):
        page = await backend.list_lead_rows(LeadQuery(limit=7, cursor=cursor))
        assert not set(page.ids) & set(got), "a lead listed twice"
        got.update({page.ids[i]: page.row(i) for i in range(len(page))})
        assert set(page.properties) <= {lead.property_id for lead in leads.values()}
        cursor = page.next_cursor
        if cursor is None:
            break
    assert got == want
    target = next(iter(leads.values()))
    found = await backend.list_lead_rows(LeadQuery(q=target.email, limit=500))
    assert target.id in found.ids and all(target.email.lower() in e.lower() for e in found.emails)


async def test_get_lead_and_not_found(backend: Backend) -> None:
    lead = (await backend.list_leads(LeadQuery(limit=5))).items[0]
    again = await backend.get_lead(lead.id)
    assert again.id == lead.id and again.email == lead.email
    with pytest.raises(NotFound):
        await backend.get_lead("lead_does_not_exist")
    with pytest.raises(NotFound):
        await backend.get_run("run_does_not_exist")


async def test_files_and_bytes(backend: Backend) -> None:
    lead_id = await fresh_lead(backend)
    files = await backend.list_files(lead_id)
    assert files and all(f.lead_id == lead_id for f in files)
    for f in files:
        data = await backend.read_file(f)
        assert len(data) == f.file_size
        if f.sha256:
            assert hashlib.sha256(data).hexdigest() == f.sha256


async def test_evaluation_runs_the_seven_steps(backend: Backend) -> None:
    lead_id = await fresh_lead(backend)
    ticket = await backend.start_evaluation(lead_id)
    assert ticket.lead_id == lead_id and ticket.status == "queued"
    snaps = await _run_to_end(backend, ticket.run_id)
    final = snaps[-1]
    assert final.status == "complete", final.error
    assert [s.name for s in final.steps] == list(WORKFLOW_STEPS)
    assert all(s.status == "complete" and s.attempts >= 1 for s in final.steps)
    out = final.output
    assert out is not None and 0 <= out.score <= 100
    assert out.label in LABELS and out.recommendation in RECOMMENDATIONS
    latest = await backend.latest_evaluation(lead_id)
    assert latest is not None and latest.evaluation_id == out.evaluation_id
    history = await backend.evaluation_history(lead_id)
    assert [e.evaluation_id for e in history] == [out.evaluation_id]
    lead = await backend.get_lead(lead_id)
    assert lead.status == "ai_evaluated" and lead.ai_score == out.score and lead.ai_label == out.label
    assert await backend.active_run(lead_id) is None


async def test_duplicate_documents_then_forced(backend: Backend) -> None:
    lead_id = await fresh_lead(backend)
    first = (await _run_to_end(backend, (await backend.start_evaluation(lead_id)).run_id))[-1]
    assert first.output is not None
    with pytest.raises(DuplicateDocuments) as dup:
        await backend.start_evaluation(lead_id)
    assert dup.value.last_evaluation_id == first.output.evaluation_id and dup.value.can_force
    with pytest.raises(InvalidRequest):
        await backend.start_evaluation(lead_id, force=True, reason="")
    forced = await backend.start_evaluation(lead_id, force=True, reason="Applicant asked for a review")
    second = (await _run_to_end(backend, forced.run_id))[-1]
    assert second.status == "complete" and second.output is not None
    history = await backend.evaluation_history(lead_id)
    assert [e.evaluation_id for e in history] == [second.output.evaluation_id, first.output.evaluation_id]


async def test_override_is_append_only(backend: Backend) -> None:
    lead_id = await fresh_lead(backend)
    final = (await _run_to_end(backend, (await backend.start_evaluation(lead_id)).run_id))[-1]
    assert final.output is not None
    ev = final.output
    with pytest.raises(InvalidRequest):
        await backend.override(ev.evaluation_id, "approve", "   ")
    one = await backend.override(ev.evaluation_id, "reject", "Reference check failed")
    two = await backend.override(ev.evaluation_id, "approve_with_conditions", "Guarantor added")
    assert one.to_recommendation == "reject" and two.to_recommendation == "approve_with_conditions"
    listed = await backend.overrides(ev.evaluation_id)
    assert [o.id for o in listed] == [one.id, two.id]
    assert [o.reason for o in listed] == ["Reference check failed", "Guarantor added"]
    again = await backend.latest_evaluation(lead_id)
    assert again is not None and again.recommendation == ev.recommendation and again.score == ev.score


async def test_usage_counts_each_accepted_start(backend: Backend) -> None:
    before = await backend.usage()
    lead_id = await fresh_lead(backend)
    ticket = await backend.start_evaluation(lead_id)
    after = await backend.usage()
    assert after.evaluation_count == before.evaluation_count + 1
    assert after.remaining == after.quota_limit - after.evaluation_count
    assert ticket.usage is not None and ticket.usage.evaluation_count == after.evaluation_count
    await _run_to_end(backend, ticket.run_id)
    assert (await backend.usage()).evaluation_count == after.evaluation_count  # runs do not count twice


async def _start_again(backend: Backend, lead_id: str) -> object:
    try:
        return await backend.start_evaluation(lead_id)
    except BackendError as exc:
        return exc


async def test_second_start_is_already_running(backend: Backend) -> None:
    """Two starts at once: one run. The other is refused as AlreadyRunning, or, when the first run
    already finished (the worker under wrangler dev finishes a rules run in ~70 ms), as a duplicate
    of the evaluation that run produced."""
    lead_id = await fresh_lead(backend)
    results = await asyncio.gather(
        backend.start_evaluation(lead_id), backend.start_evaluation(lead_id), return_exceptions=True
    )
    # wrangler dev on a loaded machine now and then answers a concurrent start with a bare 503; a
    # client would send that start again, and the outcome must still be one run
    results = [await _start_again(backend, lead_id) if isinstance(r, BackendUnavailable) else r for r in results]
    tickets = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, AlreadyRunning | DuplicateDocuments)]
    assert len(tickets) == 1 and len(refused) == 1, results
    final = (await _run_to_end(backend, tickets[0].run_id))[-1]
    if isinstance(refused[0], AlreadyRunning):
        assert refused[0].run_id == tickets[0].run_id
    else:
        assert final.output is not None and refused[0].last_evaluation_id == final.output.evaluation_id
    assert len(await backend.evaluation_history(lead_id)) == 1


async def test_terminate_ends_an_active_run(backend: Backend) -> None:
    """Terminate right after the start: the run ends terminated (retryable, no output), or, when it
    had already finished, the terminate is refused with a clear error and the run stays complete."""
    lead_id = await fresh_lead(backend)
    ticket = await backend.start_evaluation(lead_id)
    refused: BaseException | None = None
    try:
        await backend.terminate_run(ticket.run_id)
    except BackendError as exc:
        refused = exc
    final = (await _run_to_end(backend, ticket.run_id))[-1]
    if refused is None:
        assert final.status in ("terminated", "complete")
    else:
        assert final.status == "complete" and isinstance(refused, InvalidRequest), refused
    if final.status == "terminated":
        assert final.can_retry and final.output is None
        assert await backend.active_run(lead_id) is None


async def test_list_runs_shows_a_run_from_start_to_end(backend: Backend) -> None:
    """Runs are listed unfinished first, then recent ones (the Cloudflare backend lists the runs
    this app started or followed: the server has no list of runs)."""
    lead_id = await fresh_lead(backend)
    ticket = await backend.start_evaluation(lead_id)
    listed = {r.run_id: r for r in await backend.list_runs(50)}
    assert ticket.run_id in listed and listed[ticket.run_id].lead_id == lead_id
    final = (await _run_to_end(backend, ticket.run_id))[-1]
    again = await backend.list_runs(50)
    mine = next(r for r in again if r.run_id == ticket.run_id)
    assert mine.status == final.status == "complete" and not mine.interrupted
    done = [r.finished for r in again]
    assert done == sorted(done), "unfinished runs come first"
