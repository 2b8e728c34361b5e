"""The token lives only in the keyring: never in logs, settings, the cache, reprs or errors."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from cf_ops_server import OpsState, serve

from leaselab_desktop.backends.cloudflare import CloudflareBackend, OfflineCache
from leaselab_desktop.backends.errors import BackendError
from leaselab_desktop.config import Paths, PollingSettings, Profile, Settings, save_settings
from leaselab_desktop.domain.models import LeadQuery
from leaselab_desktop.secrets import SecretStore

TOKEN = "tok-secret-123"


async def test_full_session_leaves_no_token_behind(tmp_path: Path, wf_state: OpsState) -> None:
    paths = Paths.resolve().ensure()
    log_file = paths.logs_dir / "session.log"
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    secrets = SecretStore()
    secrets.set(SecretStore.token_key("cloud"), TOKEN)
    texts: list[str] = []
    try:
        with serve(wf_state) as url:
            settings = Settings(profiles=[Profile(name="cloud", backend="cloudflare", base_url=url)],
                                active_profile="cloud")
            save_settings(paths, settings)
            cache = OfflineCache.for_profile(paths, "cloud", secrets)
            backend = CloudflareBackend(
                url, site_id="site_demo", user_id="agent@x", cache=cache,
                token=secrets.get(SecretStore.token_key("cloud")),
                polling=PollingSettings(min_interval_s=0.1, max_interval_s=1.0),
            )
            texts += [repr(backend), repr(backend.api), repr(cache), str(vars(backend.api))]
            await backend.list_leads(LeadQuery())
            files = await backend.list_files("lead_001")
            await backend.read_file(files[0])
            ticket = await backend.start_evaluation("lead_001")
            final = [s async for s in backend.watch_run(ticket.run_id)][-1]
            assert final.output is not None
            await backend.override(final.output.evaluation_id, "reject", "test")
            for call in (lambda: backend.start_evaluation("lead_001"), lambda: backend.get_lead("zzz")):
                with pytest.raises(BackendError) as err:
                    await call()
                texts += [str(err.value), repr(err.value)]
            await backend.health()
            sent = [h.get("Authorization") for _m, _p, h in wf_state.log]
            assert f"Bearer {TOKEN}" in sent  # it was really used
        # and offline errors
        with pytest.raises(BackendError) as err:
            await backend.start_evaluation("lead_002")
        texts += [str(err.value), repr(err.value)]
        await backend.aclose()
        cache.close()
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        handler.close()
    log_text = log_file.read_text(encoding="utf-8")
    assert "HTTP Request" in log_text or "send_request_headers" in log_text  # DEBUG really on
    assert TOKEN not in log_text
    for path in paths.data_dir.rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), f"token found in {path}"
    for text in texts:
        assert TOKEN not in text
