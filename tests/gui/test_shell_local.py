"""The full flow through the shell on the real LocalBackend (temp data dir, demo data): the window
opens the backend through the factory, lists the demo leads, an evaluation started with the Run
button shows its score, the list row and the quota meter follow, and shutdown leaves nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from leaselab_desktop.config import Paths, Settings
from leaselab_desktop.gui.errors import ErrorReporter
from leaselab_desktop.gui.lead_list.rows import Column
from leaselab_desktop.gui.main_window import MainWindow
from leaselab_desktop.gui.qt import Qt, QtWidgets
from leaselab_desktop.gui.smoke import smoke_flow
from leaselab_desktop.gui.tasks import TaskRunner
from leaselab_desktop.secrets import MemoryKeyring, SecretStore
from tests.gui.conftest import active_timers


@pytest.fixture
async def window(paths: Paths, memory_keyring: MemoryKeyring) -> AsyncIterator[MainWindow]:
    tasks = TaskRunner()
    w = MainWindow(paths, Settings(), SecretStore(memory_keyring), tasks, ErrorReporter(), use_tray=False)
    yield w
    await w.shutdown()
    assert tasks.pending == 0
    assert w.backend is None
    assert active_timers(w) == []
    w.close()


async def test_evaluation_through_the_ui_on_the_local_backend(window: MainWindow, until: Any) -> None:
    result = await smoke_flow(window, timeout=60)
    assert "score" in result
    lead_id = result.split()[1]
    model = window.lead_list.model
    # the finished run refreshed the lead's row: score, label and status come from the store
    await until(lambda: model.store.scores[model.store.row_of(lead_id) or 0] is not None, timeout=15)
    row = model.view_row_of(lead_id)
    assert row is not None
    shown = result.split("score ")[1].split()[0]  # what the result card showed
    assert model.index(row, Column.SCORE).data() == shown
    assert model.index(row, Column.STATUS).data() == "AI evaluated"
    assert model.index(row, Column.LABEL).data() in ("A", "B", "C")
    # the status bar reads the real backend
    await until(lambda: window.monitor.usage is not None)
    assert window.status.backend_status.text().startswith("Local · local")
    assert "online" in window.status.backend_status.text()
    meter = window.findChild(QtWidgets.QProgressBar, "quotaMeter")
    assert meter.maximum() == window.monitor.usage.quota_limit
    assert not window.offline_banner.isVisible()
    assert window.error_panel.reports == []


async def test_search_and_filters_on_demo_data(window: MainWindow, until: Any) -> None:
    window.show()
    await window.open_backend()
    panel = window.lead_list
    await until(lambda: not panel.loading and panel.model.total == 18)
    first = panel.model.store.names[0]
    panel.search_box.setText(first.split()[0].upper())
    panel.apply_filter()
    assert 1 <= panel.model.rowCount() < 18
    tips = [panel.model.index(r, 0).data(Qt.ItemDataRole.ToolTipRole) for r in range(panel.model.rowCount())]
    assert all(first.split()[0].casefold() in tip.casefold() for tip in tips)
    panel.clear_filters()
    panel.status_filter.setCurrentIndex(panel.status_filter.findData("documents_pending"))
    statuses = {panel.model.index(r, Column.STATUS).data() for r in range(panel.model.rowCount())}
    assert statuses <= {"Documents pending"}
