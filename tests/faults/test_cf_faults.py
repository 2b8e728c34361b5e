"""Faults between client and server: offline/degraded health, cache served, no crash, no double start."""

from __future__ import annotations

import asyncio

import pytest
from cf_ops_server import OpsState
from fault_proxy import FaultProxy

from leaselab_desktop.backends.cloudflare import CloudflareBackend
from leaselab_desktop.backends.errors import AlreadyRunning, BackendError, BackendUnavailable, Unauthorized
from leaselab_desktop.domain.models import LeadQuery

EXPECTED_HEALTH = {
    "refuse": "offline", "reset": "offline", "stall": "offline", "truncate": "offline",
    "502": "degraded", "503": "degraded", "truncate_json": "degraded", "401": "degraded",
}


async def _warm(backend: CloudflareBackend) -> None:
    await backend.list_leads(LeadQuery())
    await backend.get_lead("lead_001")
    files = await backend.list_files("lead_001")
    await backend.read_file(files[0])
    await backend.usage()
    await backend.latest_evaluation("lead_001")


@pytest.mark.parametrize("mode", sorted(EXPECTED_HEALTH))
async def test_reads_fall_back_to_the_cache(mode: str, proxy: FaultProxy, backend: CloudflareBackend) -> None:
    await _warm(backend)
    await proxy.set_mode(mode)
    page = await asyncio.wait_for(backend.list_leads(LeadQuery()), 10)
    assert len(page.items) == 20 and backend.last_read.stale
    assert (await backend.get_lead("lead_001")).id == "lead_001"
    assert (await backend.list_files("lead_001"))[0].id == "file_001"
    assert (await backend.usage()).quota_limit == 20
    assert await backend.latest_evaluation("lead_001") is None  # "none yet" is cached too
    health = await asyncio.wait_for(backend.health(), 10)
    assert health.state == EXPECTED_HEALTH[mode], health
    assert health.last_contact is not None
    await proxy.set_mode("pass")
    assert (await backend.health()).state == "online"  # the banner's "retry" probes at once
    await backend.list_leads(LeadQuery())
    assert not backend.last_read.stale


@pytest.mark.parametrize("mode", sorted(EXPECTED_HEALTH))
async def test_a_start_is_never_sent_twice(mode: str, proxy: FaultProxy, backend: CloudflareBackend,
                                           upstream_state: OpsState) -> None:
    upstream_state.queue_s = 30  # the run stays open so a second one would be visible
    await proxy.set_mode(mode)
    with pytest.raises(BackendError) as err:
        await asyncio.wait_for(backend.start_evaluation("lead_002"), 10)
    if mode == "401":
        assert isinstance(err.value, Unauthorized)
    else:
        assert isinstance(err.value, BackendUnavailable)
    posts = [r for r in proxy.requests if r[1] == "POST"]
    assert len(posts) <= 1  # never retried
    await proxy.set_mode("pass")
    if mode in ("truncate", "truncate_json"):
        # the server did start it; the client says so instead of starting another
        with pytest.raises(AlreadyRunning) as running:
            await backend.start_evaluation("lead_002")
        assert running.value.run_id == next(iter(upstream_state.runs))
    else:
        await backend.start_evaluation("lead_002")
    assert len(upstream_state.runs) == 1
    assert upstream_state.used == 1


async def test_offline_start_offers_the_local_executor(proxy: FaultProxy, backend: CloudflareBackend) -> None:
    await proxy.set_mode("refuse")
    with pytest.raises(BackendUnavailable, match="local executor"):
        await backend.start_evaluation("lead_003")


async def test_a_watched_run_survives_an_outage(proxy: FaultProxy, backend: CloudflareBackend,
                                                upstream_state: OpsState) -> None:
    upstream_state.step_s = (0.15,) * 7
    ticket = await backend.start_evaluation("lead_004")
    seen: list[str] = []

    async def watch() -> str:
        async for snap in backend.watch_run(ticket.run_id):
            seen.append(snap.status)
        return seen[-1]

    task = asyncio.create_task(watch())
    await asyncio.sleep(0.2)
    await proxy.set_mode("refuse")
    await asyncio.sleep(0.4)
    await proxy.set_mode("503")
    await asyncio.sleep(0.3)
    await proxy.set_mode("pass")
    assert await asyncio.wait_for(task, 15) == "complete"
    assert len(upstream_state.runs) == 1
