"""Contract suite fixtures: one set of tests, two backends (local, and the worker under wrangler dev).

The worker is started once per session by ``worker_server.run_worker_dev`` (written with the worker);
its tests are marked ``worker`` and skipped with a reason when Node/wrangler or the harness is absent.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from leaselab_desktop.backends.base import Backend
from leaselab_desktop.backends.cloudflare import CloudflareBackend, OfflineCache
from leaselab_desktop.backends.local import LocalBackend
from leaselab_desktop.config import Paths, PollingSettings
from leaselab_desktop.secrets import SecretStore

WORKER_POLLING = PollingSettings(min_interval_s=0.1, max_interval_s=2.0)


def _harness() -> Any:
    try:
        import worker_server  # tests/contract/worker_server.py
    except ImportError as exc:
        pytest.skip(f"worker harness not available: {exc}")
    if shutil.which("node") is None:
        pytest.skip("Node is not installed")
    return worker_server


@pytest.fixture(scope="session")
def worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The worker under wrangler dev, started once: (base_url, token, site_id, other-site token)."""
    harness = _harness()
    with harness.run_worker_dev(tmp_path_factory.mktemp("wrangler")) as info:
        yield info


def worker_fields(info: Any) -> tuple[str, str, str, str | None]:
    if isinstance(info, tuple | list):
        base_url, token, site_id, other = (list(info) + [None] * 4)[:4]
    else:
        base_url, token, site_id = info.base_url, info.token, info.site_id
        other = getattr(info, "other_token", None) or getattr(info, "other_site_token", None)
    return str(base_url), str(token), str(site_id), other


@contextlib.asynccontextmanager
async def open_backend(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Backend]:
    if kind == "local":
        backend = await LocalBackend.open(Paths(tmp_path / "local"), count_free_providers=True)
        try:
            yield backend
        finally:
            await backend.aclose()
        return
    base_url, token, site_id, _ = worker_fields(request.getfixturevalue("worker"))
    cache = OfflineCache(tmp_path / "cf-cache.sqlite3", profile="contract", secrets=SecretStore())
    cf = CloudflareBackend(base_url, site_id=site_id, user_id="agent@contract", token=token, cache=cache,
                           polling=WORKER_POLLING)
    try:
        yield cf
    finally:
        await cf.aclose()
        cache.close()


@pytest.fixture(params=["local", pytest.param("worker", marks=pytest.mark.worker)])
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    async with open_backend(request.param, tmp_path, request) as b:
        yield b
