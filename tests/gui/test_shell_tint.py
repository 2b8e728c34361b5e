"""The offline banner and the quota meter follow a light/dark switch of the system palette."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from leaselab_desktop.domain.models import Usage
from leaselab_desktop.gui.qt import QtGui, QtWidgets
from leaselab_desktop.gui.status_bar import OfflineBanner, QuotaMeter


@pytest.fixture
def restore_palette(qapp: QtWidgets.QApplication) -> Iterator[None]:
    before = qapp.palette()
    yield
    qapp.setPalette(before)


def test_banner_and_meter_retint_on_palette_change(qtbot, qapp, restore_palette) -> None:  # type: ignore[no-untyped-def]
    banner, meter = OfflineBanner(), QuotaMeter()
    qtbot.addWidget(banner)
    qtbot.addWidget(meter)
    meter.set_usage(Usage(month="2026-11", evaluation_count=17, quota_limit=20))
    qapp.setPalette(QtGui.QPalette(QtGui.QColor("#f0f0f0")))  # light
    qapp.processEvents()
    light = (banner.palette().color(QtGui.QPalette.ColorRole.Window).name(),
             meter.palette().color(QtGui.QPalette.ColorRole.Highlight).name())
    qapp.setPalette(QtGui.QPalette(QtGui.QColor("#202020")))  # dark
    qapp.processEvents()
    dark = (banner.palette().color(QtGui.QPalette.ColorRole.Window).name(),
            meter.palette().color(QtGui.QPalette.ColorRole.Highlight).name())
    assert light[0] == "#fff4d6" and dark[0] == "#4d3a10"
    assert light[1] != dark[1]
