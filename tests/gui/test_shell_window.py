"""The shell's states on a scripted backend: online, backend down, quota warning/blocked, a backend
that cannot be opened, notifications, batch wiring, shortcuts and a clean shutdown.

The scripted FakeBackend is used here only to force states the real LocalBackend cannot be put
into cheaply (down, quota levels, open failure); the happy path runs on LocalBackend elsewhere.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from leaselab_desktop.backends.errors import BackendUnavailable
from leaselab_desktop.config import Paths, Settings
from leaselab_desktop.domain.models import Health, Usage
from leaselab_desktop.gui.errors import ErrorReporter
from leaselab_desktop.gui.lead_list.rows import Column
from leaselab_desktop.gui.main_window import MainWindow
from leaselab_desktop.gui.qt import QtGui, QtWidgets
from leaselab_desktop.gui.tasks import TaskRunner
from leaselab_desktop.secrets import SecretStore
from tests.gui.conftest import active_timers
from tests.gui.fakes import FakeBackend


class Shell:
    def __init__(self, window: MainWindow, fake: FakeBackend, tasks: TaskRunner) -> None:
        self.window = window
        self.fake = fake
        self.tasks = tasks


@pytest.fixture
async def shell(paths: Paths, until: Any) -> AsyncIterator[Shell]:
    fake = FakeBackend()
    tasks = TaskRunner()
    reporter = ErrorReporter()

    async def opener(p: Paths, s: Settings, profile: str, secrets: SecretStore) -> FakeBackend:
        return fake

    window = MainWindow(paths, Settings(), SecretStore(), tasks, reporter, opener=opener, use_tray=False)
    window.show()
    await window.open_backend()
    await until(lambda: window.lead_list.model.total == len(fake.leads) and window.monitor.checks)
    yield Shell(window, fake, tasks)
    await window.shutdown()
    assert tasks.pending == 0
    window.close()


async def test_online_state_shows_leads_profile_and_quota(shell: Shell, until: Any) -> None:
    w = shell.window
    table = w.findChild(QtWidgets.QTableView, "leadTable")
    assert table is not None and table.model().rowCount() == len(shell.fake.leads)
    # best score first, unscored after
    assert w.lead_list.model.lead_id(0) == "lead_1"
    status = w.findChild(QtWidgets.QLabel, "backendStatus")
    assert status is not None
    await until(lambda: "online" in status.text())
    assert status.text().startswith("Local · local")
    meter = w.findChild(QtWidgets.QProgressBar, "quotaMeter")
    assert meter is not None and meter.value() == 3 and meter.maximum() == 20
    assert w.status.quota_meter.level == "ok"
    assert not w.findChild(QtWidgets.QFrame, "offlineBanner").isVisibleTo(w)
    assert w.lead_list.count_label.text() == f"{len(shell.fake.leads)} leads"


async def test_backend_down_shows_offline_banner_then_recovers(shell: Shell, until: Any) -> None:
    w = shell.window
    shell.fake.down = True
    await w.monitor.check_once()
    banner = w.findChild(QtWidgets.QFrame, "offlineBanner")
    assert banner.isVisibleTo(w)
    assert "cannot be reached" in w.offline_banner.text.text()
    assert "offline" in w.status.backend_status.text()
    assert "last contact" in w.status.backend_status.text()
    # a reload while down leaves the list's data in place and says why nothing new came
    task = w.lead_list.reload()
    assert task is not None
    await until(lambda: task.done())
    assert "Could not load leads" in w.lead_list.empty_label.text()
    shell.fake.down = False
    w.offline_banner.retry.click()  # "Retry now" checks at once
    await until(lambda: not banner.isVisibleTo(w))
    assert "online" in w.status.backend_status.text()


async def test_degraded_health_is_shown_as_stale(shell: Shell, until: Any) -> None:
    async def degraded() -> Health:
        return Health(state="degraded", detail="Showing cached data.")

    shell.fake.health = degraded  # type: ignore[method-assign]
    await shell.window.monitor.check_once()
    assert shell.window.status.connectivity == "stale"
    assert "out of date" in shell.window.offline_banner.text.text()
    assert shell.window.offline_banner.isVisibleTo(shell.window)


@pytest.mark.parametrize(("used", "level", "suffix"), [(15, "ok", ""), (16, "warning", "nearly used"),
                                                      (20, "blocked", "limit reached")])
async def test_quota_meter_levels(shell: Shell, used: int, level: str, suffix: str) -> None:
    shell.fake.quota = Usage(month="2026-11", evaluation_count=used, quota_limit=20, tier="free")
    await shell.window.monitor.check_once()
    meter = shell.window.status.quota_meter
    assert meter.level == level
    assert meter.value() == used
    assert suffix in meter.format()
    if level == "blocked":
        assert "No evaluations are left" in meter.toolTip()
    # the colour follows the level
    colours = {"ok": "#2e7d32", "warning": "#b26a00", "blocked": "#c0262d"}
    dark = meter.palette().color(QtGui.QPalette.ColorRole.Window).lightness() < 128
    if not dark:
        assert meter.palette().color(QtGui.QPalette.ColorRole.Highlight).name() == colours[level]


async def test_backend_that_cannot_be_opened_shows_error_panel(paths: Paths, until: Any) -> None:
    tasks = TaskRunner()

    async def opener(p: Paths, s: Settings, profile: str, secrets: SecretStore) -> FakeBackend:
        raise BackendUnavailable("The data folder is locked by another LeaseLab process.")

    window = MainWindow(paths, Settings(), SecretStore(), tasks, ErrorReporter(), opener=opener, use_tray=False)
    window.show()
    assert await window.open_backend() is None
    panel = window.findChild(QtWidgets.QFrame, "errorPanel")
    assert panel.isVisibleTo(window)
    assert "locked by another LeaseLab process" in window.error_panel.message.text()
    assert "could not be opened" in window.lead_list.empty_label.text()
    assert "offline" in window.status.backend_status.text()
    await window.shutdown()
    assert tasks.pending == 0


async def test_run_finished_notifies_only_when_window_inactive(
    shell: Shell, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = shell.window
    ev = FakeBackend().evaluations["lead_1"][0]

    class Snap:
        status = "complete"
        output = ev

    monkeypatch.setattr(w, "isActiveWindow", lambda: True)
    w._run_finished("lead_1", Snap())
    assert w.notifier.sent == []  # the agent is looking at the window: no notification
    monkeypatch.setattr(w, "isActiveWindow", lambda: False)
    w._run_finished("lead_1", Snap())
    assert w.notifier.sent == [("Evaluation finished", "Ada Okafor: score 72, label B.")]
    toast = w.findChild(QtWidgets.QLabel, "toast")
    assert toast is not None and toast.isVisible() and "Ada Okafor" in toast.text()

    class Failed:
        status = "errored"
        output = None

    w._run_finished("lead_2", Failed())
    assert w.notifier.sent[-1] == ("Evaluation finished", "Ben Tran: the evaluation errored.")
    await shell.tasks.cancel_all()


async def test_batch_button_starts_workspace_batch_and_rows_show_state(shell: Shell, until: Any) -> None:
    w = shell.window
    button = w.findChild(QtWidgets.QToolButton, "batchButton")
    assert button is not None and not button.isEnabled()
    table = w.lead_list.table
    sel = table.selectionModel()
    from leaselab_desktop.gui.qt import QtCore

    for row in (2, 3):
        sel.select(w.lead_list.model.index(row, 0),
                   QtCore.QItemSelectionModel.SelectionFlag.Select | QtCore.QItemSelectionModel.SelectionFlag.Rows)
    assert button.isEnabled()
    assert "(2)" in w.batch_action.text()
    chosen = w.lead_list.selected_ids()
    button.click()
    model = w.lead_list.model
    await until(lambda: all(model.batch_state(i) for i in chosen), timeout=15)
    await until(lambda: all(model.batch_state(i) == "complete" for i in chosen), timeout=20)
    for lead_id in chosen:
        row = model.view_row_of(lead_id)
        assert row is not None
        assert model.index(row, Column.STATUS).data().startswith("Done ·")
    await until(lambda: not w.workspace.batch.running)


async def test_shortcuts_and_accessible_names(shell: Shell) -> None:
    w = shell.window
    shortcuts = {a.objectName(): a.shortcut().toString() for a in w.actions()}
    assert shortcuts["refreshAction"] == "F5"
    assert shortcuts["runAction"] == "Ctrl+R"
    assert shortcuts["settingsAction"] == "Ctrl+,"
    assert shortcuts["quitAction"] == "Ctrl+Q"
    assert shortcuts["findAction"] == QtGui.QKeySequence(QtGui.QKeySequence.StandardKey.Find).toString()
    w.activateWindow()
    w.lead_list.table.setFocus()
    w.lead_list.search_box.setText("ada")
    w.find_action.trigger()
    assert QtWidgets.QApplication.focusWidget() is w.lead_list.search_box
    assert w.lead_list.search_box.selectedText() == "ada"
    for name in ("leadTable", "searchBox", "statusFilter", "propertyFilter", "labelFilter",
                 "backendStatus", "quotaMeter", "offlineBanner", "batchButton"):
        widget = w.findChild(QtWidgets.QWidget, name)
        assert widget is not None, name
        assert widget.accessibleName(), name


async def test_ctrl_r_clicks_the_workspace_run_button(shell: Shell, until: Any) -> None:
    w = shell.window
    w.lead_list.select_lead("lead_2")
    run = w.findChild(QtWidgets.QAbstractButton, "runButton")
    assert run is not None
    await until(lambda: run.isEnabled() and run.isVisibleTo(w))
    w.run_action.trigger()
    await until(lambda: shell.fake.start_calls, timeout=5)
    assert shell.fake.start_calls[0][0] == "lead_2"
    await until(lambda: w.lead_list.model.store.scores[w.lead_list.model.store.row_of("lead_2") or 0]
                is not None, timeout=15)


async def test_shutdown_cancels_tasks_closes_backend_and_stops_timers(paths: Paths, until: Any) -> None:
    fake = FakeBackend()
    tasks = TaskRunner()

    async def opener(p: Paths, s: Settings, profile: str, secrets: SecretStore) -> FakeBackend:
        return fake

    window = MainWindow(paths, Settings(), SecretStore(), tasks, ErrorReporter(), opener=opener, use_tray=False)
    window.show()
    await window.open_backend()
    await until(lambda: window.monitor.checks)
    window.lead_list.search_box.setText("ada")  # starts the debounce timer
    window.notifier.notify("Hello", "a toast with its own timer")
    assert tasks.pending >= 1  # the health poller sleeps between checks
    await window.shutdown()
    assert tasks.pending == 0
    assert fake.closed
    assert active_timers(window) == []


async def test_switching_to_a_dark_palette_retints_banners_and_meter(shell: Shell) -> None:
    from leaselab_desktop.gui.screenshot import dark_palette

    app = QtWidgets.QApplication.instance()
    assert isinstance(app, QtWidgets.QApplication)
    w = shell.window
    shell.fake.quota = Usage(month="2026-11", evaluation_count=17, quota_limit=20)
    await w.monitor.check_once()
    window_role = QtGui.QPalette.ColorRole.Window
    light_banner = w.offline_banner.palette().color(window_role)
    old = app.palette()
    app.setPalette(dark_palette())
    try:
        QtWidgets.QApplication.sendPostedEvents()
        assert w.offline_banner.palette().color(window_role).lightness() < 128 < light_banner.lightness()
        assert w.error_panel.palette().color(window_role).lightness() < 128
        # the warning colour of the meter switches to its dark-palette variant
        assert w.status.quota_meter.palette().color(QtGui.QPalette.ColorRole.Highlight).name() == "#f0b041"
    finally:
        app.setPalette(old)
    QtWidgets.QApplication.sendPostedEvents()
    assert w.offline_banner.palette().color(window_role).lightness() > 128


async def test_shutdown_during_a_slow_open_closes_what_was_opened(paths: Paths, until: Any) -> None:
    gate = asyncio.Event()
    fake = FakeBackend()
    tasks = TaskRunner()

    async def slow_opener(p: Paths, s: Settings, profile: str, secrets: SecretStore) -> FakeBackend:
        await gate.wait()
        return fake

    window = MainWindow(paths, Settings(), SecretStore(), tasks, ErrorReporter(), opener=slow_opener,
                        use_tray=False)
    window.show()
    tasks.spawn(window.open_backend(), what="Opening the backend")
    await asyncio.sleep(0.05)
    shutdown = asyncio.ensure_future(window.shutdown())
    await asyncio.sleep(0.05)
    gate.set()  # the open completes after shutdown began
    await shutdown
    assert fake.closed
    assert window.backend is None
    assert tasks.pending == 0
