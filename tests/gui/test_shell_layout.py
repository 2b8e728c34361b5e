"""The window at 1024x700, 1366x768 and 1600x1000: panes become tabs instead of clipping, no label
is cut without its full text in a tooltip; size, position and splitters come back next time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from leaselab_desktop.config import Paths, Settings
from leaselab_desktop.gui.adaptive import SPLIT, TABS
from leaselab_desktop.gui.errors import ErrorReporter
from leaselab_desktop.gui.main_window import MainWindow
from leaselab_desktop.gui.qt import QtCore, QtWidgets
from leaselab_desktop.gui.tasks import TaskRunner
from leaselab_desktop.gui.window_state import clamp_to_screens
from leaselab_desktop.gui.workspace.viewer_parts import ElidedLabel
from leaselab_desktop.secrets import SecretStore
from tests.gui.fakes import FakeBackend


async def _window(paths: Paths, state_file: Path, until: Any) -> tuple[MainWindow, FakeBackend, TaskRunner]:
    fake = FakeBackend()
    tasks = TaskRunner()

    async def opener(*_a: Any) -> FakeBackend:
        return fake

    window = MainWindow(paths, Settings(), SecretStore(), tasks, ErrorReporter(), opener=opener, use_tray=False,
                        state_file=state_file)
    window.show()
    await window.open_backend()
    await until(lambda: window.lead_list.model.total == len(fake.leads))
    return window, fake, tasks


@pytest.fixture
async def shell(paths: Paths, tmp_path: Path, until: Any) -> AsyncIterator[MainWindow]:
    window, _fake, tasks = await _window(paths, tmp_path / "window.ini", until)
    yield window
    await window.shutdown()
    assert tasks.pending == 0
    window.close()


async def _settle(until: Any) -> None:
    for _ in range(3):
        QtWidgets.QApplication.processEvents()
    await until(lambda: True)


def clipped_labels(root: QtWidgets.QWidget) -> list[str]:
    """Visible one-line labels narrower than their text, with no tooltip carrying the text."""
    out = []
    for label in root.findChildren(QtWidgets.QLabel):
        if not label.isVisible() or not label.text() or label.wordWrap() or label.pixmap() is not None:
            continue
        if isinstance(label, ElidedLabel):
            if label.text() != label.full_text() and label.toolTip() != label.full_text():
                out.append(f"{label.objectName()}: {label.full_text()!r} elided without a tooltip")
            continue
        if label.textFormat() == QtCore.Qt.TextFormat.RichText or "<" in label.text():
            continue  # rich text's hint is not its one-line width
        if label.width() + 1 < label.minimumSizeHint().width():
            out.append(f"{label.objectName() or type(label.parent()).__name__}: {label.text()!r} "
                       f"{label.width()} < {label.minimumSizeHint().width()}")
    return out


@pytest.mark.parametrize(("size", "main_mode"), [((1024, 700), TABS), ((1366, 768), SPLIT), ((1600, 1000), SPLIT)])
async def test_no_label_is_clipped_at_common_screen_sizes(shell: MainWindow, until: Any, size: tuple[int, int],
                                                          main_mode: str) -> None:
    w = shell
    w.resize(*size)
    w.lead_list.select_lead("lead_1")
    ws: Any = w.workspace
    await until(lambda: ws.detail.lead is not None and ws.card.evaluation is not None)
    await _settle(until)
    assert w.panes.mode == main_mode
    assert w.width() == size[0] and w.height() == size[1]
    if main_mode == TABS:  # the list gets the whole width: score and label in view
        assert w.panes.current_pane() is w.lead_list
        table = w.lead_list.table
        assert table.horizontalScrollBar().maximum() == 0 or not table.horizontalScrollBar().isVisible()
        assert not clipped_labels(w), clipped_labels(w)
        assert w.panes.tabs.tabText(1) == "Lead: Ada Okafor"  # the tab names the lead it shows
        w.lead_list.lead_activated.emit("lead_1")  # Enter / double-click opens the lead's tab
        assert w.panes.current_pane() is ws
        await _settle(until)
    assert not clipped_labels(w), clipped_labels(w)
    for pane in (ws.lead_scroll, ws.evaluation_page, ws.viewer):  # every tab of the workspace
        ws.panes.show_pane(pane)
        await _settle(until)
        assert not clipped_labels(w), clipped_labels(w)
        assert pane.isVisible()
    tabs = w.findChildren(QtWidgets.QTabWidget)
    assert all(t.accessibleName() for t in tabs)


async def test_workspace_switches_between_split_and_tabs(shell: MainWindow, until: Any) -> None:
    ws: Any = shell.workspace
    shell.resize(1900, 1000)
    await _settle(until)
    assert ws.panes.mode == SPLIT
    assert ws.lead_scroll.isVisible() and ws.evaluation_page.isVisible()
    ws.panes.show_pane(ws.viewer)
    assert ws.viewer.isVisible() and ws.lead_scroll.isVisible()
    shell.resize(1300, 800)
    await _settle(until)
    assert ws.panes.mode == TABS and ws.panes.current_pane() is ws.viewer  # the front pane stays in front
    shell.resize(1900, 1000)
    await _settle(until)
    assert ws.panes.mode == SPLIT and all(size >= 300 for size in ws.panes.splitter.sizes()), ws.panes.splitter.sizes()


async def test_geometry_comes_back(paths: Paths, tmp_path: Path, until: Any) -> None:
    state = tmp_path / "state" / "window.ini"
    window, _fake, tasks = await _window(paths, state, until)
    window.resize(760, 640)  # within the offscreen screen (800x800), which the restore clamps to
    window.move(20, 30)
    await _settle(until)
    await window.shutdown()
    window.close()  # saving is part of closing
    assert state.is_file() and tasks.pending == 0

    again, _fake2, tasks2 = await _window(paths, state, until)
    try:
        await _settle(until)
        assert (again.width(), again.height()) == (760, 640)
        assert again.panes.mode == TABS  # 760 px: the list and the lead are tabs
    finally:
        await again.shutdown()
        again.close()
    assert tasks2.pending == 0


def _panes_window() -> Any:
    from leaselab_desktop.gui.adaptive import AdaptivePanes

    w = QtWidgets.QWidget()
    w.panes = AdaptivePanes("testPanes", 500, w)  # type: ignore[attr-defined]
    for title in ("Left", "Right"):
        w.panes.add_group([(QtWidgets.QLabel(title), title)])  # type: ignore[attr-defined]
    QtWidgets.QVBoxLayout(w).addWidget(w.panes)  # type: ignore[attr-defined]
    w.resize(780, 500)
    w.show()
    return w


@pytest.mark.parametrize("saved_in", [SPLIT, TABS])
def test_splitters_come_back(qapp: Any, tmp_path: Path, saved_in: str) -> None:
    from leaselab_desktop.gui.window_state import WindowState

    first = _panes_window()
    first.panes.splitter.setSizes([200, 574])
    first.panes.splitter.splitterMoved.emit(200, 1)  # as the agent's drag of the handle reports it
    sizes = first.panes.splitter.sizes()
    first.panes.set_mode(saved_in)  # a narrow moment does not lose the agent's split
    WindowState(tmp_path / "w.ini", first).save()
    second = _panes_window()
    assert WindowState(tmp_path / "w.ini", second).restore()
    assert second.panes.splitter.sizes() == sizes
    for w in (first, second):
        w.close()
        w.deleteLater()


async def test_a_damaged_state_file_is_ignored(paths: Paths, tmp_path: Path, until: Any) -> None:
    state = tmp_path / "window.ini"
    state.write_bytes(b"[window]\ngeometry=@ByteArray(\\x1\\x2garbage)\n\x00\xff")
    window, _fake, tasks = await _window(paths, state, until)
    try:
        assert window.width() > 0 and window.panes.splitter.count() == 2
    finally:
        await window.shutdown()
        window.close()
    assert tasks.pending == 0


def test_a_window_off_every_screen_comes_back(qapp: Any) -> None:
    w = QtWidgets.QWidget()
    screens = [QtCore.QRect(0, 0, 1366, 768), QtCore.QRect(1366, 0, 1920, 1080)]
    w.setGeometry(5000, 3000, 1500, 900)  # the monitor it was on is gone
    placed = clamp_to_screens(w, screens)
    assert screens[0].contains(placed) and placed.size() == QtCore.QSize(1366, 768)
    w.setGeometry(1400, 100, 1200, 800)  # on the second screen: left alone
    assert clamp_to_screens(w, screens) == QtCore.QRect(1400, 100, 1200, 800)
    w.setGeometry(-900, 200, 1000, 500)  # only a sliver visible: pulled in
    assert clamp_to_screens(w, screens).left() == 0
    w.deleteLater()
