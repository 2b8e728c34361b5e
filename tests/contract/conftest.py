"""Contract suite fixtures: one set of tests, two backends (local, and the worker under wrangler dev);
the local one also through ThreadedBackend, as the console runs it.

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
from contract_helpers import WORKER_POLLING, worker_fields

from leaselab_desktop.backends.base import Backend
from leaselab_desktop.backends.cloudflare import CloudflareBackend, OfflineCache
from leaselab_desktop.backends.local import LocalBackend
from leaselab_desktop.backends.threaded import ThreadedBackend
from leaselab_desktop.config import Paths
from leaselab_desktop.secrets import SecretStore


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


@contextlib.asynccontextmanager
async def open_backend(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Backend]:
    if kind in ("local", "local-threaded"):
        def opener() -> Any:
            return LocalBackend.open(Paths(tmp_path / "local"), count_free_providers=True)

        # "local-threaded": the same backend on its own thread and loop, as the console runs it
        backend: Backend = await (ThreadedBackend.start(opener) if kind == "local-threaded" else opener())
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


@pytest.fixture(params=["local", "local-threaded", pytest.param("worker", marks=pytest.mark.worker)])
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    async with open_backend(request.param, tmp_path, request) as b:
        yield b
