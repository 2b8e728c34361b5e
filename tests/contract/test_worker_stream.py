"""The project worker's run stream under wrangler dev: a run followed through the stream and by
polling ends in the same snapshot; the stream is one request and shows each step as it moves."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path
from typing import Any

import httpx
import pytest
from contract_helpers import WORKER_POLLING, fresh_lead, worker_fields

from leaselab_desktop.backends.cloudflare import CloudflareBackend, OfflineCache
from leaselab_desktop.backends.errors import NotFound
from leaselab_desktop.domain.models import RunSnapshot
from leaselab_desktop.secrets import SecretStore

pytestmark = pytest.mark.worker


async def test_stream_and_polling_see_the_same_run(worker: Any, tmp_path: Path) -> None:
    base_url, token, site_id, _ = worker_fields(worker)
    seen: list[str] = []

    async def note(request: httpx.Request) -> None:
        seen.append(request.url.path)

    http = httpx.AsyncClient(timeout=30, event_hooks={"request": [note]})
    caches = [OfflineCache(tmp_path / f"{n}.sqlite3", profile=n, secrets=SecretStore()) for n in ("s", "p")]
    streaming = CloudflareBackend(base_url, site_id=site_id, user_id="agent@stream", token=token,
                                  cache=caches[0], polling=WORKER_POLLING, client=http)
    polling = CloudflareBackend(base_url, site_id=site_id, user_id="agent@poll", token=token,
                                cache=caches[1], polling=WORKER_POLLING)
    polling.api.stream_support = False
    try:
        lead = await fresh_lead(streaming)
        ticket = await streaming.start_evaluation(lead)

        async def follow(b: CloudflareBackend) -> list[RunSnapshot]:
            return [s async for s in b.watch_run(ticket.run_id)]

        streamed, polled = await asyncio.wait_for(asyncio.gather(follow(streaming), follow(polling)), 60)
        assert streamed[-1].status == polled[-1].status == "complete"
        assert streamed[-1] == polled[-1]
        assert streamed[-1] == await polling.get_run(ticket.run_id)
        assert streamed[-1].output is not None and streamed[-1].output.workflow_instance_id == ticket.run_id
        run_path = f"/api/ops/ai-workflows/{ticket.run_id}"
        assert seen.count(run_path + "/events") == 1 and run_path not in seen  # one request, no polls
        assert streaming.api.stream_support is True
        # every step was shown done, in order, and no snapshot repeats the one before
        done = [[s.status for s in snap.steps].count("complete") for snap in streamed]
        assert done == sorted(done) and done[-1] == 7
        assert all(a != b for a, b in itertools.pairwise(streamed))
        held = caches[0].run(site_id, ticket.run_id)
        assert held is not None and held.status == "complete"  # the offline cache has the end
    finally:
        await streaming.aclose()
        await polling.aclose()
        await http.aclose()
        for c in caches:
            c.close()


async def test_stream_of_another_sites_run_is_not_found(worker: Any, tmp_path: Path) -> None:
    base_url, token, site_id, other_token = worker_fields(worker)
    cache = OfflineCache(tmp_path / "o.sqlite3", profile="o", secrets=SecretStore())
    mine = CloudflareBackend(base_url, site_id=site_id, user_id="agent@stream", token=token, cache=cache,
                             polling=WORKER_POLLING)
    try:
        ticket = await mine.start_evaluation(await fresh_lead(mine))
        async for _ in mine.watch_run(ticket.run_id):
            pass
        assert other_token is not None
        headers = {"Authorization": f"Bearer {other_token}", "X-Site-Id": worker.other_site_id}
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
            r = await http.get(f"/api/ops/ai-workflows/{ticket.run_id}/events", headers=headers)
            assert r.status_code == 404 and r.json()["error"] == "WorkflowNotFound"
            r = await http.get(f"/api/ops/ai-workflows/{ticket.run_id}/events", headers={"X-Site-Id": site_id})
            assert r.status_code == 401
        with pytest.raises(NotFound):
            async for _ in mine.watch_run("wf_not_a_run"):
                pass
    finally:
        await mine.aclose()
        cache.close()
