"""Races against the worker under wrangler dev: the quota is atomic, Idempotency-Key dedupes."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from contract_helpers import WORKER_POLLING, worker_fields

from leaselab_desktop.backends.cloudflare import CloudflareBackend, OfflineCache
from leaselab_desktop.backends.errors import AlreadyRunning, BackendUnavailable, QuotaExceeded, Unauthorized
from leaselab_desktop.domain.models import LeadQuery
from leaselab_desktop.secrets import SecretStore

pytestmark = pytest.mark.worker


@pytest.fixture
async def cf(worker: Any, tmp_path: Path) -> AsyncIterator[CloudflareBackend]:
    base_url, token, site_id, _ = worker_fields(worker)
    cache = OfflineCache(tmp_path / "race.sqlite3", profile="race", secrets=SecretStore())
    backend = CloudflareBackend(base_url, site_id=site_id, user_id="agent@race", token=token, cache=cache,
                                polling=WORKER_POLLING)
    yield backend
    await backend.aclose()
    cache.close()


async def _settle(cf: CloudflareBackend, run_ids: list[str]) -> None:
    async def end(run_id: str) -> None:
        async for _ in cf.watch_run(run_id):
            pass

    await asyncio.wait_for(asyncio.gather(*(end(r) for r in run_ids)), 60)


LEAD_COLUMNS = ("site_id, property_id, unit_id, first_name, last_name, email, phone, current_address, "
                "employment_status, employer, employment_start_date, monthly_income, move_in_date, message, "
                "status, landlord_note, is_active, created_at, updated_at")


async def _race_leads(worker: Any, cf: CloudflareBackend, n: int) -> list[str]:
    """n fresh leads (copies of a demo lead, under new ids and e-mails) so every start is distinct."""
    donor = (await cf.list_leads(LeadQuery(limit=1))).items[0].id
    ids = [f"lead_race_{i:02d}" for i in range(n)]
    sql = " ".join(
        f"INSERT OR IGNORE INTO leads (id, {LEAD_COLUMNS}) SELECT '{lead_id}', "
        + LEAD_COLUMNS.replace("email", f"'{lead_id}@race.example'")
        + f" FROM leads WHERE id = '{donor}';"
        for lead_id in ids
    )
    await asyncio.to_thread(worker.execute_sql, sql)
    return ids


async def test_thirty_starts_with_five_left(cf: CloudflareBackend, worker: Any) -> None:
    leads = await _race_leads(worker, cf, 30)
    before = await cf.usage()
    limit = before.quota_limit
    await asyncio.to_thread(worker.set_usage, cf.site_id, limit - 5)
    try:
        assert (await cf.usage()).remaining == 5
        results = await asyncio.gather(*(cf.start_evaluation(lead) for lead in leads), return_exceptions=True)
        accepted = [r for r in results if not isinstance(r, BaseException)]
        quota = [r for r in results if isinstance(r, QuotaExceeded)]
        assert len(accepted) == 5 and len(quota) == 25, results
        assert len({t.run_id for t in accepted}) == 5
        assert all(q.usage is None or q.usage.remaining == 0 for q in quota)
        after = await cf.usage()
        assert after.evaluation_count == limit and after.remaining == 0
        await _settle(cf, [t.run_id for t in accepted])
    finally:
        await asyncio.to_thread(worker.set_usage, cf.site_id, before.evaluation_count + 5)


async def test_same_idempotency_key_gives_one_instance(cf: CloudflareBackend) -> None:
    lead = (await cf.list_leads(LeadQuery(limit=500))).items[-1].id
    before = await cf.usage()
    path = f"/api/ops/leads/{lead}/ai-evaluation"
    body = {"force_refresh": True, "reason": "idempotency test"}
    first, second = await asyncio.gather(
        cf.api.post(path, body, idempotency_key="idem-contract-1"),
        cf.api.post(path, body, idempotency_key="idem-contract-1"),
        return_exceptions=True,
    )
    answers = [a for a in (first, second) if not isinstance(a, BaseException)]
    assert answers, (first, second)
    ids = {a.payload["data"]["instance_id"] for a in answers}
    again = await cf.api.post(path, body, idempotency_key="idem-contract-1")
    ids.add(again.payload["data"]["instance_id"])
    assert len(ids) == 1
    assert (await cf.usage()).evaluation_count == before.evaluation_count + 1
    await _settle(cf, list(ids))


async def test_another_sites_token_is_refused(worker: Any, tmp_path: Path) -> None:
    base_url, _token, site_id, other = worker_fields(worker)
    assert other
    cache = OfflineCache(tmp_path / "o.sqlite3", profile="other", secrets=SecretStore())
    stranger = CloudflareBackend(base_url, site_id=site_id, user_id="x", token=other, cache=cache)
    try:
        with pytest.raises(Unauthorized):
            await stranger.list_leads(LeadQuery())
        assert other not in repr(stranger)
    finally:
        await stranger.aclose()
        cache.close()


async def test_same_lead_races_never_waste_quota(cf: CloudflareBackend, worker: Any) -> None:
    """18 starts over 6 leads (3 each) with 5 evaluations left: exactly 5 runs; a start that loses a
    same-lead race is AlreadyRunning and never holds a quota unit another lead needed."""
    leads = (await _race_leads(worker, cf, 36))[30:]
    before = await cf.usage()
    limit = before.quota_limit
    await asyncio.to_thread(worker.set_usage, cf.site_id, limit - 5)
    try:
        starts = [lead for lead in leads for _ in range(3)]
        results = await asyncio.gather(
            *(cf.start_evaluation(lead, force=True, reason="race test") for lead in starts), return_exceptions=True
        )
        accepted = [r for r in results if not isinstance(r, BaseException)]
        others = [r for r in results if isinstance(r, BaseException)]
        # wrangler dev itself sometimes answers 503 under a burst (before the worker runs): such a
        # start is unknown to the client, so only then may fewer than 5 be seen as accepted.
        unavailable = [r for r in others if isinstance(r, BackendUnavailable)]
        assert all(isinstance(r, AlreadyRunning | QuotaExceeded | BackendUnavailable) for r in others), others
        assert len(accepted) == 5 or (unavailable and len(accepted) < 5), results
        assert (await cf.usage()).evaluation_count == limit
        await _settle(cf, [t.run_id for t in accepted])
        # Never two runs of one lead at once. A second accepted start for a lead is legal only when
        # the first run had already ended before it was requested (a loaded machine can serve one of
        # the three starts after the other's quick run completed); overlapping runs fail here.
        by_lead: dict[str, list[Any]] = {}
        for t in accepted:
            by_lead.setdefault(t.lead_id, []).append(t)
        for tickets in by_lead.values():
            tickets.sort(key=lambda t: t.requested_at)
            for earlier, later in itertools.pairwise(tickets):
                ended = (await cf.get_run(earlier.run_id)).completed_at
                assert ended is not None and ended <= later.requested_at, (earlier, later, ended)
    finally:
        await asyncio.to_thread(worker.set_usage, cf.site_id, before.evaluation_count + 5)
