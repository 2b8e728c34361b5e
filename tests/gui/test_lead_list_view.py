"""The lead list panel: keyboard navigation, debounced search, filter combos, empty states, paged
loading from the real LocalBackend, and row refresh after a change."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from leaselab_desktop.backends.local import LocalBackend
from leaselab_desktop.config import Paths
from leaselab_desktop.domain.models import Lead
from leaselab_desktop.gui.lead_list.rows import Column
from leaselab_desktop.gui.lead_list.view import SEARCH_DEBOUNCE_MS, LeadListPanel
from leaselab_desktop.gui.qt import Qt, QtCore, QtWidgets
from leaselab_desktop.gui.tasks import TaskRunner
from leaselab_desktop.secrets import MemoryKeyring, SecretStore
from tests.gui.test_lead_list_model import SAMPLE


@pytest.fixture
def panel(qtbot: Any) -> LeadListPanel:
    p = LeadListPanel(TaskRunner())
    qtbot.addWidget(p)
    p.resize(700, 500)
    p.show()
    qtbot.waitExposed(p)
    p.model.set_leads(SAMPLE)
    return p


def visible_ids(p: LeadListPanel) -> list[str]:
    return [p.model.lead_id(r) for r in range(p.model.rowCount())]


def test_keyboard_navigation_from_search_to_rows(qtbot: Any, panel: LeadListPanel) -> None:
    seen: list[Any] = []
    panel.current_lead_changed.connect(seen.append)
    panel.search_box.setFocus()
    qtbot.keyClick(panel.search_box, Qt.Key.Key_Down)  # Down leaves the search box for the list
    assert panel.table.hasFocus()
    assert panel.current_lead_id() == "lead_1" and seen[-1] == "lead_1"
    qtbot.keyClick(panel.table, Qt.Key.Key_Down)
    assert panel.current_lead_id() == "lead_3"
    qtbot.keyClick(panel.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert panel.current_lead_id() == visible_ids(panel)[-1]
    qtbot.keyClick(panel.table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    assert panel.current_lead_id() == "lead_1"
    qtbot.keyClick(panel.table, Qt.Key.Key_PageDown)
    assert panel.current_lead_id() != "lead_1"
    qtbot.keyClick(panel.table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(panel.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert panel.selected_ids() == ["lead_1", "lead_3"]
    with qtbot.waitSignal(panel.lead_activated) as activated:
        qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert activated.args == ["lead_3"]


def test_typing_filters_after_a_short_debounce(qtbot: Any, panel: LeadListPanel) -> None:
    qtbot.keyClicks(panel.search_box, "che")
    assert panel.model.rowCount() == len(SAMPLE)  # not yet: debounced
    started = time.monotonic()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=2000)
    assert time.monotonic() - started < SEARCH_DEBOUNCE_MS / 1000 + 1.0
    assert visible_ids(panel) == ["lead_2"]
    assert panel.count_label.text() == f"1 of {len(SAMPLE)} leads"
    qtbot.keyClick(panel.search_box, Qt.Key.Key_Escape)  # Esc clears at once
    assert panel.search_box.text() == "" and panel.model.rowCount() == len(SAMPLE)


def test_enter_applies_the_search_immediately(qtbot: Any, panel: LeadListPanel) -> None:
    qtbot.keyClicks(panel.search_box, "contoso")
    qtbot.keyClick(panel.search_box, Qt.Key.Key_Return)
    assert visible_ids(panel) == ["lead_5"]


def test_filter_combos(qtbot: Any, panel: LeadListPanel) -> None:
    panel.status_filter.setCurrentIndex(panel.status_filter.findData("ai_evaluated"))
    assert visible_ids(panel) == ["lead_1", "lead_3"]
    panel.label_filter.setCurrentIndex(panel.label_filter.findData("B"))
    assert visible_ids(panel) == ["lead_3"]
    panel.clear_filters()
    assert len(visible_ids(panel)) == len(SAMPLE)
    panel.label_filter.setCurrentIndex(panel.label_filter.findData(""))  # "Not evaluated"
    assert visible_ids(panel) == ["lead_2", "lead_6"]
    panel.clear_filters()


def test_empty_states_explain_themselves(qtbot: Any, panel: LeadListPanel) -> None:
    assert not panel.empty_label.isVisible()
    panel.search_box.setText("no-such-person")
    panel.apply_filter()
    assert panel.empty_label.isVisible()
    assert "No leads match" in panel.empty_label.text()
    panel.clear_filters()
    panel.model.set_leads([])
    assert panel.empty_label.text() == "No leads yet."
    assert panel.count_label.text() == "0 leads"


def test_selection_survives_sorting_and_filtering(qtbot: Any, panel: LeadListPanel) -> None:
    panel.select_lead("lead_4")
    panel.table.horizontalHeader().setSortIndicator(Column.NAME, Qt.SortOrder.AscendingOrder)
    assert panel.current_lead_id() == "lead_4"
    assert panel.model.view_row_of("lead_4") == 3
    panel.search_box.setText("dev")
    panel.apply_filter()
    assert panel.current_lead_id() == "lead_4"
    panel.search_box.setText("ana")
    panel.apply_filter()
    assert panel.current_lead_id() is None  # the lead is filtered out: nothing else gets selected


def test_label_badge_delegate_paints(qtbot: Any, panel: LeadListPanel) -> None:
    image = panel.table.viewport().grab().toImage()
    rect = panel.table.visualRect(panel.model.index(0, Column.LABEL))
    centre = image.pixelColor(rect.center())
    # label A is drawn as a green pill (light or dark palette variant)
    assert centre.green() > centre.red() and centre.green() > centre.blue()


@pytest.fixture
async def local_backend(paths: Paths) -> AsyncIterator[LocalBackend]:
    backend = await LocalBackend.open(paths, secrets=SecretStore(MemoryKeyring()))
    yield backend
    await backend.aclose()


async def test_paged_load_from_the_local_backend(
    qtbot: Any, local_backend: LocalBackend, until: Any
) -> None:
    tasks = TaskRunner()
    p = LeadListPanel(tasks)
    p.show()
    calls: list[str | None] = []
    original = local_backend.list_lead_rows

    async def counting(query: Any) -> Any:
        calls.append(query.cursor)
        return await original(query)

    local_backend.list_lead_rows = counting  # type: ignore[method-assign]
    total = await p.load(local_backend, page_size=5)
    assert total == p.model.total == 18
    assert len(calls) == 4 and calls[0] is None  # 5 + 5 + 5 + 3
    assert p.count_label.text() == "18 leads"
    # default order: AI score, best first; unscored leads after
    scores = [p.model.store.scores[p.model.store.row_of(i) or 0] for i in visible_ids(p)]
    scored = [s for s in scores if s is not None]
    assert scored == sorted(scored, reverse=True)
    assert scores[: len(scored)] == scored
    props = [p.property_filter.itemText(i) for i in range(p.property_filter.count())]
    assert props[0] == "All properties" and len(props) > 2
    p.property_filter.setCurrentIndex(1)
    assert 0 < p.model.rowCount() < 18
    assert tasks.pending == 0
    p.close()


async def test_reload_and_row_refresh_through_tasks(
    qtbot: Any, local_backend: LocalBackend, until: Any
) -> None:
    tasks = TaskRunner()
    p = LeadListPanel(tasks)
    p.show()
    p.set_backend(local_backend)
    task = p.reload()
    assert task is not None
    assert p.loading
    await until(lambda: task.done())
    assert p.model.total == 18
    target = visible_ids(p)[-1]
    p.select_lead(target)
    before: Lead = await local_backend.get_lead(target)
    assert before.ai_score is None
    ticket = await local_backend.start_evaluation(target)
    async for _snap in local_backend.watch_run(ticket.run_id):
        pass
    p.refresh_lead(target)
    await until(lambda: p.model.store.scores[p.model.store.row_of(target) or 0] is not None)
    assert p.current_lead_id() == target  # selection follows the lead to its new place
    row = p.model.view_row_of(target)
    assert row is not None and p.model.index(row, Column.SCORE).data().isdigit()
    assert p.model.index(row, Column.STATUS).data() == "AI evaluated"
    await tasks.cancel_all()
    p.close()


async def test_load_failure_is_shown_in_the_list(qtbot: Any, paths: Paths, until: Any) -> None:
    backend = await LocalBackend.open(paths, secrets=SecretStore(MemoryKeyring()))
    await backend.aclose()  # a closed backend refuses to read
    tasks = TaskRunner()
    p = LeadListPanel(tasks)
    p.show()
    failures: list[Any] = []
    p.load_failed.connect(failures.append)
    p.set_backend(backend)
    task = p.reload()
    assert task is not None
    await until(lambda: task.done())
    assert failures
    assert p.empty_label.isVisible() and "Could not load leads" in p.empty_label.text()
    assert not p.loading
    p.close()


def test_no_backend_message(qtbot: Any) -> None:
    p = LeadListPanel(TaskRunner())
    qtbot.addWidget(p)
    p.set_backend(None)
    assert p.reload() is None
    assert p.empty_label.text() == "No backend is open."
    assert isinstance(p.table, QtWidgets.QTableView)
    assert p.table.selectionBehavior() == QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows
    assert p.model.headerData(0, Qt.Orientation.Vertical) == 1
    assert p.model.flags(QtCore.QModelIndex()) == Qt.ItemFlag.NoItemFlags


def test_label_colours_follow_the_palette(qapp: Any) -> None:
    from leaselab_desktop.gui.lead_list.delegates import badge_text_colour, label_colour
    from leaselab_desktop.gui.qt import QtGui

    light, dark = QtGui.QPalette(QtGui.QColor("#f0f0f0")), QtGui.QPalette(QtGui.QColor("#202020"))
    for label, channel in (("A", "green"), ("B", "blue"), ("D", "red")):
        for pal in (light, dark):
            colour = label_colour(label, pal)
            assert colour is not None
            values = {"red": colour.red(), "green": colour.green(), "blue": colour.blue()}
            assert max(values, key=values.get) == channel, (label, colour.name())
    amber_light, amber_dark = label_colour("C", light), label_colour("C", dark)
    assert amber_light is not None and amber_dark is not None
    assert amber_dark.lightness() > amber_light.lightness()  # brighter on a dark background
    assert label_colour("", light) is None and label_colour("Z", light) is None
    assert badge_text_colour(QtGui.QColor("#ffffff")).name() == "#111111"
    assert badge_text_colour(QtGui.QColor("#1f5fbf")).name() == "#ffffff"
