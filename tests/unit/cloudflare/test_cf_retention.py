"""Retention and *Delete applicant data* on the Cloudflare profile's offline cache: this computer's
copies of a closed lead's documents go; the cached lead and evaluation stay, with an audit entry."""

from __future__ import annotations

from cf_ops_server import OpsState

from leaselab_desktop.backends.cloudflare import OfflineCache
from leaselab_desktop.domain.models import LeadQuery


async def _warm(backend, lead_id: str) -> str:  # type: ignore[no-untyped-def]
    files = await backend.list_files(lead_id)
    await backend.read_file(files[0])
    assert backend.cache.document("site_demo", files[0].id) is not None
    return files[0].id


async def test_delete_applicant_data_purges_cached_documents(make_backend, wf_url: str,
                                                             cache: OfflineCache) -> None:
    backend = make_backend(wf_url)
    await backend.list_leads(LeadQuery())
    file_id = await _warm(backend, "lead_005")
    other = await _warm(backend, "lead_006")
    assert await backend.delete_applicant_data("lead_005", reason="the applicant asked") == 1
    assert cache.document("site_demo", file_id) is None and cache.files("site_demo", "lead_005") is None
    assert cache.document("site_demo", other) is not None  # other leads untouched
    assert cache.lead("site_demo", "lead_005") is not None  # the lead record stays
    entry = cache.audit("site_demo", "lead_005")[0]
    assert entry["action"] == "applicant_data_deleted" and entry["by"] == "agent@x"
    assert entry["reason"] == "the applicant asked" and entry["deleted"]["cached_documents"] == 1 and entry["at"]


async def test_retention_purges_cached_copies_of_closed_leads(make_backend, wf_url: str, wf_state: OpsState,
                                                              cache: OfflineCache) -> None:
    wf_state.leads["lead_007"].update(status="rejected", updatedAt="2026-01-05T10:00:00Z")
    wf_state.leads["lead_008"].update(status="rejected", updatedAt="2099-01-05T10:00:00Z")  # recent
    wf_state.leads["lead_009"].update(updatedAt="2026-01-05T10:00:00Z")  # old but open
    backend = make_backend(wf_url)
    await backend.list_leads(LeadQuery())
    held = {lid: await _warm(backend, lid) for lid in ("lead_007", "lead_008", "lead_009")}
    assert await backend.purge_expired() == []  # no period set: kept
    backend.set_retention_days(30)
    assert backend.retention_days() == 30
    assert await backend.purge_expired() == ["lead_007"]
    assert cache.document("site_demo", held["lead_007"]) is None
    assert all(cache.document("site_demo", held[x]) is not None for x in ("lead_008", "lead_009"))
    assert cache.audit("site_demo", "lead_007")[0]["by"] == "retention policy"
