"""The console on the Cloudflare backend, exactly as on the local one: the worker under wrangler dev
(offline, real workerd), a profile whose token lives only in the keyring, one evaluation through the
UI with live steps and a result card; then the same profile with the server gone shows the cached
leads under the offline banner."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from leaselab_desktop.config import Paths, Profile, Settings, save_settings
from leaselab_desktop.gui.errors import ErrorReporter
from leaselab_desktop.gui.main_window import MainWindow
from leaselab_desktop.gui.smoke import smoke_flow
from leaselab_desktop.gui.tasks import TaskRunner
from leaselab_desktop.secrets import MemoryKeyring, SecretStore

pytestmark = pytest.mark.worker


@pytest.fixture(scope="module")
def worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if shutil.which("node") is None:
        pytest.skip("Node is not installed")
    from tests.contract import worker_server

    with worker_server.run_worker_dev(tmp_path_factory.mktemp("wrangler-gui")) as info:
        yield info


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _settings(base_url: str, site_id: str) -> Settings:
    profile = Profile(name="cloud", backend="cloudflare", base_url=base_url, site_id=site_id,
                      user_id="agent@gui.test")
    return Settings(profiles=[Profile(), profile], active_profile="cloud")


async def _shutdown(window: MainWindow, tasks: TaskRunner) -> None:
    await window.shutdown()
    assert tasks.pending == 0
    window.close()


async def test_console_on_the_worker_then_offline(
    worker: Any, paths: Paths, memory_keyring: MemoryKeyring, until: Any
) -> None:
    secrets = SecretStore(memory_keyring)
    secrets.set(SecretStore.token_key("cloud"), worker.token)
    settings = _settings(worker.base_url, worker.site_id)
    save_settings(paths, settings)

    tasks = TaskRunner()
    window = MainWindow(paths, settings, secrets, tasks, ErrorReporter(), use_tray=False)
    try:
        result = await smoke_flow(window, timeout=120)
        assert "score" in result
        assert window.backend is not None and window.backend.kind == "cloudflare"
        await until(lambda: window.monitor.usage is not None, timeout=30)
        assert "online" in window.status.backend_status.text()
        assert window.error_panel.reports == []
        seen = window.lead_list.model.rowCount()
    finally:
        await _shutdown(window, tasks)
    assert worker.token not in Path(paths.settings_file).read_text(encoding="utf-8")

    # the server is gone: the same profile serves the cached leads, marked offline
    offline = _settings(f"http://127.0.0.1:{_dead_port()}", worker.site_id)
    tasks = TaskRunner()
    window = MainWindow(paths, offline, secrets, tasks, ErrorReporter(), use_tray=False)
    try:
        window.show()
        await window.open_backend()
        await until(lambda: not window.lead_list.loading and window.lead_list.model.rowCount() == seen, timeout=30)
        await until(lambda: window.offline_banner.isVisible(), timeout=30)
        assert "offline" in window.status.backend_status.text().lower()
    finally:
        await _shutdown(window, tasks)
