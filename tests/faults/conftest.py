"""Fault tests: client ↔ fault proxy ↔ loopback ops server (the Cloudflare client tests' server)."""

from __future__ import annotations

import random
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "cloudflare"))

from cf_ops_server import OpsState, serve
from fault_proxy import FaultProxy

from leaselab_desktop.backends.cloudflare import CloudflareBackend, OfflineCache
from leaselab_desktop.config import PollingSettings
from leaselab_desktop.secrets import SecretStore


@pytest.fixture
def upstream_state() -> OpsState:
    state = OpsState(flavour="workflow")
    state.seed(20)
    return state


@pytest.fixture
def upstream(upstream_state: OpsState) -> Iterator[str]:
    with serve(upstream_state) as url:
        yield url


@pytest.fixture
async def proxy(upstream: str) -> AsyncIterator[FaultProxy]:
    p = await FaultProxy(upstream).start()
    yield p
    await p.aclose()


@pytest.fixture
async def backend(proxy: FaultProxy, tmp_path: Path) -> AsyncIterator[CloudflareBackend]:
    cache = OfflineCache(tmp_path / "faults.sqlite3", profile="faults", secrets=SecretStore())
    b = CloudflareBackend(
        proxy.url, site_id="site_demo", user_id="agent@x", token="tok-secret-123", cache=cache,
        polling=PollingSettings(min_interval_s=0.1, max_interval_s=1.0), timeout_s=0.5,
        read_retries=1, rng=random.Random(5),
    )
    yield b
    await b.aclose()
    cache.close()
