"""LeadTableView paints the visible rows itself (one Python call per repaint) from row pixmaps."""

from __future__ import annotations

from typing import Any

import pytest
from test_lead_list_model import SAMPLE, lead

from leaselab_desktop.gui.lead_list.delegates import label_colour
from leaselab_desktop.gui.lead_list.model import LeadTableModel
from leaselab_desktop.gui.lead_list.rows import Column
from leaselab_desktop.gui.lead_list.table import LeadTableView
from leaselab_desktop.gui.qt import QtCore, QtGui, QtWidgets


@pytest.fixture
def view(qtbot: Any) -> LeadTableView:
    model = LeadTableModel()
    model.set_leads(SAMPLE)
    v = LeadTableView()
    qtbot.addWidget(v)
    v.setModel(model)
    v.setAlternatingRowColors(True)
    v.resize(900, 400)
    v.show()
    qtbot.waitExposed(v)
    return v


def shot(v: LeadTableView) -> QtGui.QImage:
    return v.viewport().grab().toImage()


def pixel(image: QtGui.QImage, v: LeadTableView, row: int, x: int) -> QtGui.QColor:
    ratio = image.devicePixelRatio()
    y = v.rowViewportPosition(row) + v.rowHeight(row) // 2
    return image.pixelColor(int(x * ratio), int(y * ratio))


def cell(image: QtGui.QImage, v: LeadTableView, row: int, col: int) -> QtGui.QImage:
    ratio = image.devicePixelRatio()
    rect = QtCore.QRect(v.columnViewportPosition(col), v.rowViewportPosition(row), v.columnWidth(col),
                        v.rowHeight(row))
    return image.copy(QtCore.QRect(int(rect.x() * ratio), int(rect.y() * ratio), int(rect.width() * ratio),
                                   int(rect.height() * ratio)))


def test_rows_show_badges_stripes_and_selection(view: LeadTableView) -> None:
    model = view.model()
    assert isinstance(model, LeadTableModel)
    image = shot(view)
    top = model.lead_id(0)
    assert top == "lead_1"  # score 91: label A, first by default
    badge_x = view.columnViewportPosition(Column.LABEL) + view.columnWidth(Column.LABEL) // 2 - 9  # beside the letter
    green = label_colour("A", view.palette())
    assert green is not None and pixel(image, view, 0, badge_x) == green
    palette = view.palette()
    edge = view.columnViewportPosition(Column.PLACE) - 2  # padding: no text is drawn there
    assert pixel(image, view, 0, edge) == palette.color(QtGui.QPalette.ColorRole.Base)
    assert pixel(image, view, 1, edge) == palette.color(QtGui.QPalette.ColorRole.AlternateBase)
    view.selectRow(2)
    image = shot(view)
    assert pixel(image, view, 2, edge) == palette.color(QtGui.QPalette.ColorRole.Highlight)
    assert pixel(image, view, 1, edge) == palette.color(QtGui.QPalette.ColorRole.AlternateBase)
    # text is really drawn: a name cell is not a plain fill
    name = cell(image, view, 0, Column.NAME)
    colours = {name.pixel(x, y) for x in range(name.width()) for y in range(name.height())}
    assert len(colours) > 3


def test_a_changed_row_is_painted_anew_and_unchanged_rows_come_from_the_cache(view: LeadTableView) -> None:
    model = view.model()
    assert isinstance(model, LeadTableModel)
    before = shot(view)
    cached = len(view._rows)
    assert cached == model.rowCount()
    model.update_lead(lead(7, "Gus", "Old", 23, label="D"))  # same place, new score
    row = model.view_row_of("lead_7")
    assert row is not None
    after = shot(view)
    assert cell(after, view, row, Column.SCORE) != cell(before, view, row, Column.SCORE)
    assert cell(after, view, row, Column.NAME) == cell(before, view, row, Column.NAME)
    assert len(view._rows) == cached + 1  # one new row picture, the others reused


def test_the_row_cache_stays_within_its_budget(view: LeadTableView) -> None:
    view.CACHE_BYTES = 1  # type: ignore[misc]
    view.drop_row_cache()
    view.viewport().repaint()
    assert len(view._rows) == 1
    view.setPalette(QtGui.QPalette(QtGui.QColor("#202020")))  # a new palette drops the cache
    assert len(view._rows) == 0


def test_other_models_paint_as_a_plain_table(qtbot: Any) -> None:
    v = LeadTableView()
    qtbot.addWidget(v)
    v.setModel(QtCore.QStringListModel(["one", "two"]))
    v.show()
    qtbot.waitExposed(v)
    assert not v.viewport().grab().isNull() and v._rows == {}
    assert isinstance(v, QtWidgets.QTableView)
