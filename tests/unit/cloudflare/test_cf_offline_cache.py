"""Offline review: every read served from the per-profile cache, documents only encrypted."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from cf_ops_server import OpsState, serve

from leaselab_desktop.backends.cloudflare import CacheError, OfflineCache
from leaselab_desktop.backends.errors import BackendUnavailable
from leaselab_desktop.domain.models import LeadQuery
from leaselab_desktop.secrets import MemoryKeyring, SecretStore


async def _read_everything(backend, lead_id: str) -> dict:
    seen = {
        "leads": await backend.list_leads(LeadQuery(limit=500)),
        "lead": await backend.get_lead(lead_id),
        "files": await backend.list_files(lead_id),
    }
    seen["bytes"] = await backend.read_file(seen["files"][0])
    ticket = await backend.start_evaluation(lead_id)
    seen["final"] = [s async for s in backend.watch_run(ticket.run_id)][-1]
    seen["latest"] = await backend.latest_evaluation(lead_id)
    seen["history"] = await backend.evaluation_history(lead_id)
    seen["usage"] = await backend.usage()
    seen["override"] = await backend.override(seen["latest"].evaluation_id, "reject", "checked by phone")
    return seen


async def test_every_read_works_offline_marked_stale(make_backend, wf_state: OpsState, cache: OfflineCache) -> None:
    with serve(wf_state) as url:
        backend = make_backend(url, read_retries=0)
        online = await _read_everything(backend, "lead_020")
        assert not backend.last_read.stale
        assert (await backend.health()).state == "online"
    # the server is gone: connection refused from here on
    page = await backend.list_leads(LeadQuery(q="ann2", sort_by="name", sort_order="asc"))
    assert backend.last_read.stale and backend.last_read.banner().startswith("offline, data from ")
    assert page.items and all("ann2" in lead.email for lead in page.items)
    assert [lead.full_name for lead in page.items] == sorted(lead.full_name for lead in page.items)
    assert (await backend.get_lead("lead_020")) == online["lead"]
    assert (await backend.list_files("lead_020")) == online["files"]
    assert (await backend.read_file(online["files"][0])) == online["bytes"]
    assert (await backend.get_run(online["final"].run_id)).status == "complete"
    assert (await backend.latest_evaluation("lead_020")) == online["latest"]
    assert (await backend.evaluation_history("lead_020")) == online["history"]
    assert (await backend.usage()).evaluation_count == online["usage"].evaluation_count
    assert [o.id for o in await backend.overrides(online["latest"].evaluation_id)] == [online["override"].id]
    health = await backend.health()
    assert health.state == "offline" and health.last_contact is not None
    assert "offline, data from" in health.detail
    with pytest.raises(BackendUnavailable, match="local executor"):
        await backend.start_evaluation("lead_021")
    with pytest.raises(BackendUnavailable, match="not available offline"):
        await backend.get_lead("lead_999")  # never read: nothing to serve


async def test_document_bytes_are_stored_encrypted(make_backend, wf_state: OpsState, wf_url: str,
                                                   cache: OfflineCache) -> None:
    backend = make_backend(wf_url)
    files = await backend.list_files("lead_030")
    data = await backend.read_file(files[0])
    assert cache.documents_enabled and cache.documents_reason == ""
    raw = b"".join(p.read_bytes() for p in cache.path.parent.glob(cache.path.name + "*"))
    assert data[:40] not in raw
    # tampering is detected: the cached copy is not served
    db = sqlite3.connect(cache.path)
    db.execute("UPDATE blobs SET data = zeroblob(length(data))")
    db.commit()
    db.close()
    assert cache.document("site_demo", files[0].id) is None


async def test_no_secure_keyring_means_no_document_cache(tmp_path: Path, make_backend, wf_state: OpsState) -> None:
    insecure = OfflineCache(tmp_path / "p.sqlite3", profile="p", secrets=SecretStore(MemoryKeyring(secure=False)))
    assert not insecure.documents_enabled
    assert "keyring" in insecure.documents_reason.lower()
    with serve(wf_state) as url:
        backend = make_backend(url, cache=insecure, read_retries=0)
        assert backend.documents_cache_reason == insecure.documents_reason
        files = await backend.list_files("lead_031")
        await backend.read_file(files[0])
    with pytest.raises(BackendUnavailable, match="keyring"):
        await backend.read_file(files[0])
    insecure.close()


def test_key_kept_in_keyring_and_reused(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    first = OfflineCache(tmp_path / "k.sqlite3", profile="k", secrets=SecretStore())
    first.put_document("s", "f1", b"secret bytes")
    first.close()
    assert any("cache:k:document-key" in key for _svc, key in memory_keyring._data)
    again = OfflineCache(tmp_path / "k.sqlite3", profile="k", secrets=SecretStore())
    assert again.document("s", "f1") == b"secret bytes"
    again.close()


def test_cache_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version=99")
    db.close()
    with pytest.raises(CacheError, match="newer"):
        OfflineCache(path, profile="n", secrets=SecretStore())
