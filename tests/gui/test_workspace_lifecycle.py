"""Shutdown and theming: no tasks or timers left behind; the dark palette is followed."""

from __future__ import annotations

import asyncio

from leaselab_desktop.gui.qt import QtGui, QtWidgets
from leaselab_desktop.gui.workspace import LeadWorkspace
from leaselab_desktop.gui.workspace.style import label_color
from tests.gui.conftest import active_timers
from tests.gui.fakes import FakeBackend, collect_garbage_on_gui_thread  # noqa: F401 - the autouse fixture


async def test_shutdown_mid_run_leaves_no_tasks_or_timers(tasks, until) -> None:
    backend = FakeBackend()
    backend.gates["call-workers-ai"] = asyncio.Event()
    ws = LeadWorkspace(tasks)
    ws.set_backend(backend)
    ws.show()
    ws.show_lead("lead_2")
    await until(lambda: ws.detail.lead is not None)
    ws.panel.request_run()
    await until(lambda: ws.panel.timeline.state("call-workers-ai") == "running")
    ws.start_batch(["lead_3", "lead_4"])
    await until(lambda: len(backend.runs) == 3)
    assert tasks.pending >= 2  # following the run, the batch
    await ws.shutdown()
    await tasks.cancel_all()
    assert tasks.pending == 0
    assert active_timers(ws) == []
    await backend.aclose()
    ws.close()
    ws.deleteLater()


async def test_switching_backend_stops_following(tasks, until) -> None:
    first, second = FakeBackend(), FakeBackend()
    first.gates["fetch-lead"] = asyncio.Event()
    ws = LeadWorkspace(tasks)
    ws.set_backend(first)
    ws.show_lead("lead_2")
    await until(lambda: ws.detail.lead is not None)
    ws.panel.request_run()
    await until(lambda: ws.panel.run is not None)
    ws.set_backend(second)
    assert ws.panel.run is None and ws.lead_id is None
    await until(lambda: tasks.pending == 0)
    assert ws.detail.name.text() == "No lead selected"
    await first.aclose()
    await second.aclose()
    ws.deleteLater()


async def test_dark_palette_is_followed(tasks, until, tmp_path) -> None:
    dark = QtGui.QPalette()
    for role, colour in ((QtGui.QPalette.ColorRole.Window, "#202124"),
                         (QtGui.QPalette.ColorRole.WindowText, "#e8eaed"),
                         (QtGui.QPalette.ColorRole.Base, "#2b2c2f"),
                         (QtGui.QPalette.ColorRole.Text, "#e8eaed"),
                         (QtGui.QPalette.ColorRole.Button, "#303134"),
                         (QtGui.QPalette.ColorRole.ButtonText, "#e8eaed")):
        dark.setColor(role, QtGui.QColor(colour))
    backend = FakeBackend()
    ws = LeadWorkspace(tasks)
    ws.setPalette(dark)
    ws.resize(1200, 800)
    ws.set_backend(backend)
    ws.show()
    ws.show_lead("lead_1")
    await until(lambda: ws.card.evaluation is not None)
    badge = ws.findChild(QtWidgets.QLabel, "labelBadge")
    assert label_color("B", dark).name() in badge.styleSheet()
    assert label_color("B", QtGui.QPalette()).name() not in badge.styleSheet()
    img = ws.grab().toImage()
    assert QtGui.QColor(img.pixel(5, img.height() - 5)).lightness() < 100  # a dark window
    await ws.shutdown()
    await tasks.cancel_all()
    await backend.aclose()
    ws.close()
    ws.deleteLater()


async def test_every_control_has_an_accessible_name(tasks, until) -> None:
    backend = FakeBackend()
    ws = LeadWorkspace(tasks)
    ws.set_backend(backend)
    ws.show()
    ws.show_lead("lead_1")
    await until(lambda: ws.card.evaluation is not None)
    kinds = (QtWidgets.QAbstractButton, QtWidgets.QComboBox, QtWidgets.QAbstractItemView,
             QtWidgets.QProgressBar, QtWidgets.QLineEdit)

    def internal(w: QtWidgets.QWidget) -> bool:  # header views, combo box popups: Qt names those
        if isinstance(w, QtWidgets.QHeaderView):
            return True
        p = w.parentWidget()
        while p is not None:
            if isinstance(p, QtWidgets.QComboBox):
                return True
            p = p.parentWidget()
        return False

    unnamed = [f"{type(w).__name__}:{w.objectName()}" for w in ws.findChildren(QtWidgets.QWidget)
               if isinstance(w, kinds) and not internal(w) and not w.accessibleName()
               and not (isinstance(w, QtWidgets.QAbstractButton) and w.text())]
    assert unnamed == []
    for name in ("runButton", "reevaluateButton", "retryButton", "terminateButton", "forceButton",
                 "overrideButton", "exportButton", "batchProgress", "stepTimeline", "runStatus",
                 "duplicateBanner", "quotaBanner", "resultCard", "scoreValue", "labelBadge",
                 "recommendationChip"):
        w = ws.findChild(QtWidgets.QWidget, name)
        assert w is not None and w.accessibleName(), name
    await ws.shutdown()
    await tasks.cancel_all()
    await backend.aclose()
    ws.deleteLater()
