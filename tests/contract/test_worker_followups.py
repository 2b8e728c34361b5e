"""A run started by one client session is followed to its end by the next (same offline cache)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from contract_helpers import WORKER_POLLING, fresh_lead, worker_fields

from leaselab_desktop.backends.cloudflare import CloudflareBackend, FollowUps, OfflineCache
from leaselab_desktop.secrets import SecretStore

pytestmark = pytest.mark.worker


async def test_unfinished_run_followed_after_restart(worker: Any, tmp_path: Path) -> None:
    base_url, token, site_id, _ = worker_fields(worker)
    path = tmp_path / "restart.sqlite3"

    def session() -> CloudflareBackend:
        cache = OfflineCache(path, profile="restart", secrets=SecretStore())
        return CloudflareBackend(base_url, site_id=site_id, user_id="agent@restart", token=token,
                                 cache=cache, polling=WORKER_POLLING, owns_cache=True)

    first = session()
    lead = await fresh_lead(first)
    ticket = await first.start_evaluation(lead)
    await first.aclose()  # quit before following it
    second = session()
    try:
        follow = FollowUps(second)
        assert [r.run_id for r in follow.pending()] == [ticket.run_id]
        seen: list[str] = []
        finals = await asyncio.wait_for(follow.follow_all(lambda s: seen.append(s.status)), 60)
        assert finals[0] is not None and finals[0].status == "complete" and finals[0].output is not None
        assert follow.pending() == []
        latest = await second.latest_evaluation(lead)
        assert latest is not None and latest.workflow_instance_id == ticket.run_id
    finally:
        await second.aclose()
