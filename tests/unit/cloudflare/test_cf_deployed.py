"""Deployed LeaseLab workers (job flavour) as they answer in the field, each quirk on the loopback server."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from cf_ops_server import OpsState, serve

from leaselab_desktop.backends.cloudflare import CloudflareBackend, OfflineCache
from leaselab_desktop.backends.errors import BackendUnavailable, NotSupported
from leaselab_desktop.domain.models import LeadQuery
from leaselab_desktop.secrets import SecretStore


async def test_file_listing_500_is_the_servers_error_not_offline(make_backend, job_url: str,
                                                                  job_state: OpsState) -> None:
    job_state.files_500.add("lead_007")
    backend = make_backend(job_url, token=None)
    lead = await backend.get_lead("lead_007")  # the rest of the lead still reads
    assert lead.first_name == "Ann7"
    with pytest.raises(BackendUnavailable) as err:
        await backend.list_files("lead_007")
    assert "HTTP 500" in err.value.message and "R2 list failed" in err.value.message
    assert "offline" not in err.value.message
    assert await backend.evaluation_history("lead_007") == []


async def test_small_pages_without_next_cursor_never_repeat(make_backend, job_url: str) -> None:
    backend = make_backend(job_url, token=None)
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        page = await backend.list_leads(LeadQuery(limit=20, cursor=cursor, sort_by="name", sort_order="asc"))
        seen += [lead.id for lead in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == 50 and len(set(seen)) == 50  # 20 + 20 + 10, each lead once


async def test_server_cap_is_said_and_server_filters_reach_older_leads(make_backend, job_url: str,
                                                                        job_state: OpsState) -> None:
    backend = make_backend(job_url, token=None)
    page = await backend.list_leads(LeadQuery(limit=500))
    assert len(page.items) == 50  # 60 on the server
    assert page.notice is not None and "only the newest 50" in page.notice
    assert "status" in page.notice and "property" in page.notice
    rows = await backend.list_lead_rows(LeadQuery(limit=500))
    assert rows.notice == page.notice
    # the server's own filter reaches the leads beyond the cap
    for i in range(50, 60):
        job_state.leads[f"lead_{i:03d}"]["status"] = "documents_received"
    filtered = await backend.list_leads(LeadQuery(limit=500, status="documents_received"))
    assert sorted(x.id for x in filtered.items) == [f"lead_{i:03d}" for i in range(50, 60)]
    assert filtered.notice is None


async def test_sort_500_falls_back_to_default_order_and_stays_online(make_backend, job_url: str,
                                                                     job_state: OpsState) -> None:
    job_state.sort_500 = True
    backend = make_backend(job_url, token=None)
    page = await backend.list_leads(LeadQuery(limit=10, sort_by="aiScore", sort_order="desc"))
    assert len(page.items) == 10
    assert page.notice is not None and "could not sort the leads by aiScore" in page.notice
    assert not backend.last_read.stale
    assert (await backend.health()).state == "online"
    scores = [lead.ai_score if lead.ai_score is not None else -1 for lead in page.items]
    assert scores == sorted(scores, reverse=True)  # sorted here instead


async def test_property_name_comes_from_the_list(make_backend, job_url: str) -> None:
    backend = make_backend(job_url, token=None)
    await backend.list_leads(LeadQuery(limit=500))
    lead = await backend.get_lead("lead_003")
    assert lead.property_name == "Elm Court"
    again = await backend.get_lead("lead_003")  # the cached copy keeps the name too
    assert again.property_name == "Elm Court"


async def test_override_on_a_server_without_the_route(make_backend, job_url: str) -> None:
    backend = make_backend(job_url, token=None)
    with pytest.raises(NotSupported) as err:
        await backend.override("ev_x", "approve", "checked in person")
    assert "This server does not support overrides" in err.value.message


async def test_follows_are_cancelled_before_the_backend_closes(tmp_path: Path, caplog: pytest.LogCaptureFixture
                                                               ) -> None:
    state = OpsState(flavour="job", token=None, queue_s=30)
    state.seed()
    caplog.set_level(logging.DEBUG)
    with serve(state) as url:
        cache = OfflineCache(tmp_path / "c.sqlite3", profile="cf", secrets=SecretStore())
        backend = CloudflareBackend(url, site_id="site_demo", user_id="a@x", token=None, cache=cache,
                                    owns_cache=True, timeout_s=2.0)
        ticket = await backend.start_evaluation("lead_010")
        first = asyncio.Event()

        async def follow() -> None:
            async for _ in backend.watch_run(ticket.run_id):
                first.set()

        task = asyncio.ensure_future(follow())
        await asyncio.wait_for(first.wait(), 5)
        await backend.aclose()
        assert task.cancelled()
        await asyncio.sleep(0.2)
    assert "closed database" not in caplog.text
