"""The client against a loopback server in the project worker's (workflow) flavour."""

from __future__ import annotations

import asyncio
import hashlib

import pytest
from cf_ops_server import STEPS, OpsState

from leaselab_desktop.backends.base import Backend
from leaselab_desktop.backends.cloudflare import Flavour
from leaselab_desktop.backends.errors import (
    AlreadyRunning,
    DuplicateDocuments,
    InvalidRequest,
    NotFound,
    NotSupported,
    QuotaExceeded,
    Unauthorized,
)
from leaselab_desktop.domain.models import LeadQuery, NewLead


async def test_implements_the_backend_protocol(make_backend, wf_url: str) -> None:
    backend = make_backend(wf_url)
    assert isinstance(backend, Backend)
    assert backend.kind == "cloudflare"


async def test_lists_every_page_and_reads_both_timestamp_formats(make_backend, wf_url: str) -> None:
    backend = make_backend(wf_url)
    seen, cursor = [], None
    while True:
        page = await backend.list_leads(LeadQuery(limit=25, cursor=cursor))
        seen += page.items
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == 60 and len({lead.id for lead in seen}) == 60
    assert backend.flavour is Flavour.WORKFLOW
    lead = seen[0]
    assert lead.created_at is not None and lead.created_at.tzinfo is not None
    assert lead.updated_at is not None and lead.updated_at.tzinfo is not None
    assert {lead.status for lead in seen} >= {"new", "mystery_state"}  # unknown status kept


async def test_get_lead_and_unknown_lead(make_backend, wf_url: str) -> None:
    backend = make_backend(wf_url)
    lead = await backend.get_lead("lead_007")
    assert lead.first_name == "Ann7" and lead.property_name == "Elm Court"
    with pytest.raises(NotFound, match="Lead not found"):
        await backend.get_lead("nope")


async def test_files_and_bytes_match(make_backend, wf_url: str, wf_state: OpsState) -> None:
    backend = make_backend(wf_url)
    files = await backend.list_files("lead_003")
    assert [f.file_type for f in files] == ["paystub"]
    data = await backend.read_file(files[0])
    assert hashlib.sha256(data).digest() == hashlib.sha256(wf_state.contents["file_003"]).digest()


async def test_start_then_watch_through_the_seven_steps(make_backend, wf_url: str, wf_state: OpsState) -> None:
    wf_state.step_s = (0.25,) * 7
    backend = make_backend(wf_url)
    ticket = await backend.start_evaluation("lead_005")
    assert backend.flavour is Flavour.WORKFLOW and ticket.status == "queued"
    assert ticket.usage is not None and ticket.usage.remaining == 19
    snaps = [s async for s in backend.watch_run(ticket.run_id)]
    final = snaps[-1]
    assert final.status == "complete" and final.output is not None
    assert [s.name for s in final.steps] == list(STEPS)
    assert all(s.status == "complete" for s in final.steps)
    assert len(snaps) >= 3  # intermediate step changes were shown
    latest = await backend.latest_evaluation("lead_005")
    assert latest is not None and latest.evaluation_id == final.output.evaluation_id
    history = await backend.evaluation_history("lead_005")
    assert [e.evaluation_id for e in history] == [latest.evaluation_id]


async def test_failed_run_is_reported(make_backend, wf_url: str, wf_state: OpsState) -> None:
    wf_state.fail_next = 2
    backend = make_backend(wf_url)
    ticket = await backend.start_evaluation("lead_006")
    final = [s async for s in backend.watch_run(ticket.run_id)][-1]
    assert final.status == "errored" and final.can_retry
    assert final.error is not None and final.error.message == "boom"
    assert final.steps[2].status == "errored"


async def test_already_running_duplicate_then_forced(make_backend, wf_url: str, wf_state: OpsState) -> None:
    wf_state.step_s = (0.1,) * 7
    backend = make_backend(wf_url)
    ticket = await backend.start_evaluation("lead_008")
    with pytest.raises(AlreadyRunning) as running:
        await backend.start_evaluation("lead_008")
    assert running.value.run_id == ticket.run_id
    async for _snap in backend.watch_run(ticket.run_id):
        pass
    with pytest.raises(DuplicateDocuments) as dup:
        await backend.start_evaluation("lead_008")
    assert dup.value.last_evaluation_id == f"ev_{ticket.run_id}" and dup.value.can_force
    with pytest.raises(InvalidRequest, match="reason"):
        await backend.start_evaluation("lead_008", force=True, reason="  ")
    forced = await backend.start_evaluation("lead_008", force=True, reason="new paystub")
    assert forced.run_id != ticket.run_id


async def test_quota_exceeded_carries_usage(make_backend, wf_url: str, wf_state: OpsState) -> None:
    wf_state.used = 20
    backend = make_backend(wf_url)
    with pytest.raises(QuotaExceeded, match="20/20") as err:
        await backend.start_evaluation("lead_010")
    assert err.value.usage is not None and err.value.usage.remaining == 0
    usage = await backend.usage()
    assert usage.evaluation_count == 20 and usage.level == "blocked"


async def test_unknown_run_and_bad_token(make_backend, wf_url: str) -> None:
    backend = make_backend(wf_url)
    await backend.list_leads(LeadQuery())  # learns the flavour
    with pytest.raises(NotFound):
        await backend.get_run("wf_9999")
    stranger = make_backend(wf_url, token="wrong")
    with pytest.raises(Unauthorized) as err:
        await stranger.usage()  # nothing cached for it: the refusal is shown
    assert "wrong" not in str(err.value) and "token" in str(err.value)
    cached = await stranger.get_lead("lead_001")  # read while the good token worked
    assert cached.id == "lead_001" and stranger.last_read.stale
    assert stranger.last_read.banner().startswith("offline, data from ")
    health = await stranger.health()
    assert health.state == "degraded" and health.last_contact is not None


async def test_override_is_stored_and_listed(make_backend, wf_url: str) -> None:
    backend = make_backend(wf_url)
    ticket = await backend.start_evaluation("lead_011")
    final = [s async for s in backend.watch_run(ticket.run_id)][-1]
    assert final.output is not None
    ev_id = final.output.evaluation_id
    with pytest.raises(InvalidRequest):
        await backend.override(ev_id, "approve", "")
    with pytest.raises(InvalidRequest):
        await backend.override(ev_id, "maybe", "because")
    stored = await backend.override(ev_id, "reject", "income not verified")
    assert stored.to_recommendation == "reject" and stored.user_id == "agent@x"
    assert [o.id for o in await backend.overrides(ev_id)] == [stored.id]
    latest = await backend.latest_evaluation("lead_011")
    assert latest is not None and latest.recommendation == "approve"  # original unchanged


async def test_etag_turns_unchanged_polls_into_304(make_backend, wf_url: str, wf_state: OpsState) -> None:
    wf_state.queue_s = 0.6
    backend = make_backend(wf_url)
    ticket = await backend.start_evaluation("lead_012")
    await backend.get_run(ticket.run_id)
    await asyncio.sleep(0.05)
    await backend.get_run(ticket.run_id)
    polls = [h for m, p, h in wf_state.log if p.startswith("/api/ops/ai-workflows/")]
    assert "If-None-Match" in polls[-1]
    assert (await backend.get_run(ticket.run_id)).status == "queued"


async def test_intake_is_not_supported(make_backend, wf_url: str) -> None:
    backend = make_backend(wf_url)
    with pytest.raises(NotSupported):
        await backend.list_properties()
    with pytest.raises(NotSupported):
        await backend.create_lead(NewLead(property_id="p", first_name="a", last_name="b", email="a@b.co"))


async def test_jobs_cannot_be_terminated(make_backend, wf_url: str) -> None:
    with pytest.raises(NotSupported, match="schedule"):
        await make_backend(wf_url).terminate_run("job_0001")


async def test_active_run_for_a_lead(make_backend, wf_url: str, wf_state: OpsState) -> None:
    wf_state.queue_s = 5.0
    backend = make_backend(wf_url)
    ticket = await backend.start_evaluation("lead_013")
    active = await backend.active_run("lead_013")
    assert active is not None and active.run_id == ticket.run_id
    assert await backend.active_run("lead_014") is None
