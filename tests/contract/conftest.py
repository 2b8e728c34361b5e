"""Contract suite fixtures: one set of tests, two backends (local, and the worker under wrangler dev);
the local one also through ThreadedBackend, as the console runs it.

The worker is started once per session by ``worker_server.run_worker_dev`` (written with the worker);
its tests are marked ``worker`` and skipped with a reason when Node/wrangler or the harness is absent.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import AsyncIterator, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from contract_helpers import WORKER_POLLING, worker_fields

from leaselab_desktop.backends.base import Backend
from leaselab_desktop.backends.cloudflare import CloudflareBackend, OfflineCache
from leaselab_desktop.backends.local import LocalBackend
from leaselab_desktop.backends.threaded import ThreadedBackend
from leaselab_desktop.config import Paths
from leaselab_desktop.domain.models import LeadQuery
from leaselab_desktop.secrets import SecretStore


def _harness() -> Any:
    try:
        import worker_server  # tests/contract/worker_server.py
    except ImportError as exc:
        pytest.skip(f"worker harness not available: {exc}")
    if shutil.which("node") is None:
        pytest.skip("Node is not installed")
    return worker_server


_started: list[Any] = []  # the session's worker servers, for the failure report below


@pytest.fixture(scope="session")
def worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The worker under wrangler dev, started once: (base_url, token, site_id, other-site token)."""
    harness = _harness()
    with harness.run_worker_dev(tmp_path_factory.mktemp("wrangler")) as info:
        _started.append(info)
        try:
            yield info
        finally:
            _started.remove(info)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A test that fails after the worker's runtime died says so, with wrangler's log: otherwise a
    dead workerd only shows as a client timeout."""
    report = yield
    if report.failed and (item.get_closest_marker("worker") or "worker" in getattr(item, "fixturenames", ())):
        for server in _started:
            died = server.runtime_died()
            if died:
                report.sections.append(("worker runtime", f"{died}\n--- wrangler.log tail ---\n{server.log_tail(40)}"))
    return report


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


@pytest.fixture(params=["local", "local-threaded", pytest.param("worker", marks=pytest.mark.worker)])
async def unborn(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[Backend, str]]:
    """(backend, run id): a run admitted whose engine instance was never created (a kill between
    the two), as the backend's next start finds it."""
    run_id = "run_unborn_contract_" + request.param.replace("-", "_")
    if request.param == "worker":
        info = request.getfixturevalue("worker")
        _, _, site_id, _ = worker_fields(info)
        lead_id = info.lead_ids[-1]
        at = "2026-01-01T00:00:00.000Z"
        info.execute_sql(
            "INSERT INTO ai_workflow_runs (instance_id, lead_id, site_id, status, requested_by, provider, queued_at, "
            f"updated_at) VALUES ('{run_id}', '{lead_id}', '{site_id}', 'queued', 'agent@contract', 'rules', "
            f"'{at}', '{at}')")
    else:
        from leaselab_desktop.application import run_records

        seed = await LocalBackend.open(Paths(tmp_path / "local"), count_free_providers=True)
        try:
            lead_id = (await seed.list_leads(LeadQuery(limit=1))).items[0].id
            await seed.db.write(lambda c: run_records.admitted(
                c, run_id=run_id, site_id=seed.site_id, lead_id=lead_id, requested_by="agent@contract",
                force_reason=None, provider="rules"))
        finally:
            await seed.aclose()
    async with open_backend(request.param, tmp_path, request) as b:
        yield b, run_id
