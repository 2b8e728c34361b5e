"""Faults between the client and the real worker (wrangler dev): a fault-injecting proxy on loopback."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from contract_helpers import fresh_lead, worker_fields

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "faults"))
from fault_proxy import FaultProxy

from leaselab_desktop.backends.cloudflare import CloudflareBackend, OfflineCache
from leaselab_desktop.backends.errors import (
    AlreadyRunning,
    BackendUnavailable,
    DuplicateDocuments,
    Unauthorized,
)
from leaselab_desktop.config import PollingSettings
from leaselab_desktop.domain.models import LeadQuery
from leaselab_desktop.secrets import SecretStore

pytestmark = pytest.mark.worker
HEALTH = {"refuse": "offline", "stall": "offline", "truncate": "offline", "503": "degraded",
          "truncate_json": "degraded", "401": "degraded"}


@pytest.fixture
async def proxied(worker: Any, tmp_path: Path) -> AsyncIterator[tuple[FaultProxy, CloudflareBackend]]:
    base_url, token, site_id, _ = worker_fields(worker)
    proxy = await FaultProxy(base_url).start()
    cache = OfflineCache(tmp_path / "wf.sqlite3", profile="wf", secrets=SecretStore())
    backend = CloudflareBackend(proxy.url, site_id=site_id, user_id="agent@faults", token=token, cache=cache,
                                polling=PollingSettings(min_interval_s=0.1, max_interval_s=1.0),
                                timeout_s=3.0, read_retries=1)
    yield proxy, backend
    await backend.aclose()
    cache.close()
    await proxy.aclose()


async def test_cache_served_through_every_fault(proxied: tuple[FaultProxy, CloudflareBackend]) -> None:
    proxy, backend = proxied
    page = await backend.list_leads(LeadQuery(limit=500))
    lead = page.items[0].id
    files = await backend.list_files(lead)
    blob = await backend.read_file(files[0])
    usage = await backend.usage()
    for mode, state in HEALTH.items():
        await proxy.set_mode(mode)
        again = await asyncio.wait_for(backend.list_leads(LeadQuery(limit=500)), 15)
        assert {x.id for x in again.items} == {x.id for x in page.items} and backend.last_read.stale, mode
        assert await backend.read_file(files[0]) == blob
        assert (await backend.usage()).quota_limit == usage.quota_limit
        assert (await asyncio.wait_for(backend.health(), 15)).state == state, mode
        await proxy.set_mode("pass")
        assert (await backend.health()).state == "online", mode


async def test_cut_answer_to_a_start_never_makes_a_second_run(
    proxied: tuple[FaultProxy, CloudflareBackend],
) -> None:
    proxy, backend = proxied
    lead = await fresh_lead(backend)
    before = await backend.usage()
    await proxy.set_mode("truncate")
    with pytest.raises(BackendUnavailable):
        await backend.start_evaluation(lead, idempotency_key="cut-start-1")
    assert len([r for r in proxy.requests if r[1] == "POST"]) == 1  # not retried
    await proxy.set_mode("pass")
    # the same key again: the worker answers with the run the cut request created
    ticket = await backend.start_evaluation(lead, idempotency_key="cut-start-1")
    # a new key: refused, because that run exists (running, or already finished)
    with pytest.raises((AlreadyRunning, DuplicateDocuments)):
        await backend.start_evaluation(lead)
    async for _ in backend.watch_run(ticket.run_id):
        pass
    history = await backend.evaluation_history(lead)
    assert [e.workflow_instance_id for e in history] == [ticket.run_id]
    assert (await backend.usage()).evaluation_count == before.evaluation_count + 1


async def test_unauthorized_is_not_retried_and_is_clear(proxied: tuple[FaultProxy, CloudflareBackend]) -> None:
    proxy, backend = proxied
    await proxy.set_mode("401")
    with pytest.raises(Unauthorized, match="token"):
        await backend.start_evaluation("lead_demo_01")
    with pytest.raises(Unauthorized):
        await backend.get_lead("never-read")


@pytest.mark.parametrize("mode", ["stream_stall", "stream_truncate"])
async def test_broken_run_stream_falls_back_to_polling_without_a_second_start(
    proxied: tuple[FaultProxy, CloudflareBackend], mode: str,
) -> None:
    proxy, backend = proxied
    backend.api.stream_keepalive_s = 1.0  # the worker's shortest keep-alive: a stall shows after 2.5 s
    lead = await fresh_lead(backend)
    before = await backend.usage()
    await proxy.set_mode(mode)
    ticket = await backend.start_evaluation(lead, idempotency_key=f"stream-{mode}")
    snaps = [s async for s in backend.watch_run(ticket.run_id)]
    await proxy.set_mode("pass")
    assert snaps[0].run_id == ticket.run_id and snaps[-1].status == "complete"
    assert snaps[-1].output is not None and snaps[-1].output.workflow_instance_id == ticket.run_id
    run_path = f"/api/ops/ai-workflows/{ticket.run_id}"
    streams = [r for r in proxy.requests if r[2].startswith(run_path + "/events")]
    polls = [r for r in proxy.requests if r[2] == run_path]
    assert streams and polls  # it streamed, lost the stream, and finished by polling
    assert len([r for r in proxy.requests if r[1] == "POST"]) == 1
    history = await backend.evaluation_history(lead)
    assert [e.workflow_instance_id for e in history] == [ticket.run_id]
    assert (await backend.usage()).evaluation_count == before.evaluation_count + 1
    assert backend.api.stream_support is True  # a broken stream is not "no stream"
