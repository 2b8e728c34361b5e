"""Fixtures for the Cloudflare client tests: loopback ops servers in both flavours."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from cf_ops_server import OpsState, serve

from leaselab_desktop.backends.cloudflare import CloudflareBackend, OfflineCache
from leaselab_desktop.config import PollingSettings
from leaselab_desktop.secrets import SecretStore

FAST = PollingSettings(min_interval_s=0.1, max_interval_s=1.0)


@pytest.fixture
def wf_state() -> OpsState:
    state = OpsState(flavour="workflow")
    state.seed()
    return state


@pytest.fixture
def job_state() -> OpsState:
    state = OpsState(flavour="job", token=None)
    state.seed()
    return state


@pytest.fixture
def wf_url(wf_state: OpsState) -> Iterator[str]:
    with serve(wf_state) as url:
        yield url


@pytest.fixture
def job_url(job_state: OpsState) -> Iterator[str]:
    with serve(job_state) as url:
        yield url


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[OfflineCache]:
    c = OfflineCache(tmp_path / "cache" / "cf.sqlite3", profile="cf", secrets=SecretStore())
    yield c
    c.close()


MakeBackend = Callable[..., CloudflareBackend]


@pytest.fixture
async def make_backend(cache: OfflineCache) -> AsyncIterator[MakeBackend]:
    made: list[CloudflareBackend] = []

    def make(base_url: str, *, token: str | None = "tok-secret-123", **kw: object) -> CloudflareBackend:
        kw.setdefault("cache", cache)
        kw.setdefault("polling", FAST)
        kw.setdefault("rng", random.Random(7))
        kw.setdefault("timeout_s", 2.0)
        kw.setdefault("read_retries", 1)
        b = CloudflareBackend(base_url, site_id="site_demo", user_id="agent@x", token=token, **kw)  # type: ignore[arg-type]
        made.append(b)
        return b

    yield make
    for b in made:
        await b.aclose()
