"""The decision in view: the list's recommendation column and badge colours, a running lead's live
state in its row, and rows that keep their place while runs are live (a single run and a batch)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from test_lead_list_model import SAMPLE, lead

from leaselab_desktop.config import Paths, Settings
from leaselab_desktop.domain.models import RunSnapshot
from leaselab_desktop.gui.errors import ErrorReporter
from leaselab_desktop.gui.lead_list.delegates import badge_colour, label_colour
from leaselab_desktop.gui.lead_list.model import LIVE_ROLE, RECOMMENDATION_ROLE, LeadTableModel
from leaselab_desktop.gui.lead_list.rows import Column
from leaselab_desktop.gui.lead_list.table import LeadTableView
from leaselab_desktop.gui.main_window import MainWindow
from leaselab_desktop.gui.qt import Qt, QtGui
from leaselab_desktop.gui.tasks import TaskRunner
from leaselab_desktop.secrets import SecretStore
from tests.gui.fakes import FakeBackend, collect_garbage_on_gui_thread  # noqa: F401 - the autouse fixture


def order(model: LeadTableModel) -> list[str]:
    return [model.lead_id(r) for r in range(model.rowCount())]


def test_the_recommendation_column_shows_the_final_decision_and_its_mark(qtbot: Any) -> None:
    model = LeadTableModel()
    model.set_leads([
        lead(1, "Ana", "Silva", 43, rec="approve_with_verification"),
        lead(2, "Bo", "Chen", 64, rec="reject", overridden=True),
        lead(3, "Cy", "Lee", 70, rec=None),  # a server that does not send it: nothing, never a guess
        lead(4, "Di", "Ng", None, rec=None),
    ])
    cells = {model.lead_id(r): model.row_display(r)[Column.RECOMMENDATION] for r in range(4)}
    assert cells == {"lead_1": "Approve with verification", "lead_2": "Reject (overridden)", "lead_3": "",
                     "lead_4": ""}
    row = model.view_row_of("lead_2")
    assert row is not None
    index = model.index(row, Column.RECOMMENDATION)
    assert index.data(Qt.ItemDataRole.AccessibleTextRole) == "Reject, overridden by an agent"
    assert index.data(RECOMMENDATION_ROLE) == "reject"
    assert "Recommendation: Reject (overridden)" in index.data(Qt.ItemDataRole.ToolTipRole)
    # sorting by it groups the decisions; unknown ones last both ways
    model.sort(Column.RECOMMENDATION, Qt.SortOrder.AscendingOrder)
    assert order(model)[:2] == ["lead_1", "lead_2"] and set(order(model)[2:]) == {"lead_3", "lead_4"}
    model.sort(Column.RECOMMENDATION, Qt.SortOrder.DescendingOrder)
    assert order(model)[:2] == ["lead_2", "lead_1"]


def test_badge_colour_follows_the_recommendation_not_the_letter(qtbot: Any) -> None:
    model = LeadTableModel()
    model.set_leads([
        lead(1, "Ana", "Silva", 64, rec="reject"),  # a B rejected: red, not blue
        lead(2, "Bo", "Chen", 43, rec="approve_with_verification"),  # a C to verify: amber
        lead(3, "Cy", "Lee", 70, rec=None),  # unknown: outlined in the text colour
    ])
    view = LeadTableView()
    qtbot.addWidget(view)
    view.show_leads(model)
    view.resize(1100, 300)
    view.show()
    qtbot.waitExposed(view)
    palette = view.palette()
    assert badge_colour("reject", palette) == label_colour("D", palette)
    assert badge_colour("approve_with_verification", palette) == label_colour("C", palette)
    assert badge_colour("", palette) is None and badge_colour("something_new", palette) is None
    image = view.viewport().grab().toImage()
    ratio = image.devicePixelRatio()

    def badge_pixel(lead_id: str) -> QtGui.QColor:
        row = model.view_row_of(lead_id)
        assert row is not None
        rect = view.visualRect(model.index(row, Column.LABEL))
        x = rect.center().x() - 9  # beside the letter, inside the pill
        return image.pixelColor(int(x * ratio), int(rect.center().y() * ratio))

    assert badge_pixel("lead_1") == label_colour("D", palette)
    assert badge_pixel("lead_2") == label_colour("C", palette)
    unknown = badge_pixel("lead_3")
    assert unknown not in [label_colour(t, palette) for t in "ABCD"]  # no fill: no colour to contradict


def test_a_followed_run_shows_its_step_in_the_row(qtbot: Any) -> None:
    model = LeadTableModel()
    model.set_leads(SAMPLE)
    row = model.view_row_of("lead_4")
    assert row is not None
    running = RunSnapshot(run_id="r1", lead_id="lead_4", status="running", current_step="call-workers-ai")
    with qtbot.waitSignal(model.dataChanged):
        model.set_run_state("lead_4", running)
    assert model.index(row, Column.STATUS).data() == "Run AI provider… · Screening"
    assert model.index(row, Column.STATUS).data(LIVE_ROLE) == "Run AI provider…"
    assert model.holding
    model.set_run_state("lead_4", RunSnapshot(run_id="r1", lead_id="lead_4", status="running"))
    assert model.index(row, Column.STATUS).data() == "Evaluating… · Screening"  # no step known yet
    model.set_run_state("lead_4", RunSnapshot(run_id="r1", lead_id="lead_4", status="complete"))
    assert model.index(row, Column.STATUS).data() == "Screening"
    assert not model.holding
    model.set_run_state("lead_4", running)
    model.set_run_state("lead_4", None)  # no longer followed (the watch failed): the row says nothing
    assert model.index(row, Column.STATUS).data() == "Screening" and not model.holding


def test_rows_keep_their_place_while_runs_are_live_then_sort_once(qtbot: Any, qtmodeltester: Any) -> None:
    model = LeadTableModel()
    model.set_leads(SAMPLE)
    before = order(model)
    for lead_id in ("lead_5", "lead_2"):
        model.set_batch_state(lead_id, "queued")
    model.set_batch_state("lead_5", "running")
    moves: list[bool] = []
    model.rowsMoved.connect(lambda *_a: moves.append(model.holding))
    model.layoutChanged.connect(lambda *_a: moves.append(model.holding))
    # lead_5 (score 31, near the bottom) finishes with 95: its row changes where it is
    model.update_lead(lead(5, "Eve", "Okafor", 95, status="ai_evaluated", prop="prop_2", email="eve@contoso.org"))
    model.set_batch_state("lead_5", "complete")
    assert order(model) == before and moves == []
    row = model.view_row_of("lead_5")
    assert row is not None and model.index(row, Column.SCORE).data() == "95"
    assert model.index(row, Column.STATUS).data() == "Done · AI evaluated"
    assert model.view_row_of("lead_2") is not None  # found although the order is stale
    model.set_batch_state("lead_2", "running")
    model.set_batch_state("lead_2", "errored")  # the last live run ended: one re-sort
    assert moves == [False] and order(model)[0] == "lead_5"
    # with nothing live, a finished run moves its row at once, as before
    model.update_lead(lead(2, "Bo", "Chen", 99, minutes=50))
    assert order(model)[0] == "lead_2"
    model.set_run_state("lead_4", RunSnapshot(run_id="r", lead_id="lead_4", status="running"))
    qtmodeltester.check(model, force_py=True)  # the live state and the new column keep the contract


@pytest.fixture
async def window(paths: Paths, memory_keyring: Any) -> AsyncIterator[tuple[MainWindow, FakeBackend]]:
    backend = FakeBackend()

    async def opener(*_a: Any) -> FakeBackend:
        return backend

    tasks = TaskRunner()
    w = MainWindow(paths, Settings(), SecretStore(memory_keyring), tasks, ErrorReporter(), opener=opener,
                   use_tray=False)
    w.show()
    await w.open_backend()
    yield w, backend
    await w.shutdown()
    w.close()


async def test_batch_rows_show_live_steps_and_hold_their_place(window: Any, until: Any) -> None:
    w, backend = window
    model = w.lead_list.model
    await until(lambda: model.total == 8)
    gate = backend.gates["call-workers-ai"] = asyncio.Event()
    before = order(model)
    moves: list[bool] = []
    model.rowsMoved.connect(lambda *_a: moves.append(model.holding))
    model.layoutChanged.connect(lambda *_a: moves.append(model.holding))
    w.workspace.batch.concurrency = 2
    assert w.workspace.start_batch(["lead_3", "lead_4", "lead_5"])

    def status(lead_id: str) -> str:
        return str(model.index(model.view_row_of(lead_id) or 0, Column.STATUS).data())

    await until(lambda: status("lead_3").startswith("Run AI provider…"))
    assert status("lead_4").startswith("Run AI provider…") and status("lead_5").startswith("Queued")
    gate.set()
    await w.workspace.batch.wait()
    await until(lambda: all(model.store.scores[model.store.row_of(x) or 0] == 84 for x in ("lead_3", "lead_4",
                                                                                          "lead_5")))
    assert True not in moves  # nothing moved while a run of the batch was live
    assert order(model) != before and set(order(model)[:3]) == {"lead_3", "lead_4", "lead_5"}  # then sorted
    assert status("lead_3") == "Done · AI evaluated"


async def test_a_single_run_shows_its_state_in_the_list(window: Any, until: Any) -> None:
    w, backend = window
    model = w.lead_list.model
    await until(lambda: model.total == 8)
    gate = backend.gates["load-documents"] = asyncio.Event()
    assert w.lead_list.select_lead("lead_2")
    await until(lambda: w.workspace.lead_id == "lead_2" and w.run_action.isEnabled())
    await asyncio.sleep(0.1)
    w.run_action.trigger()

    def status() -> str:
        return str(model.index(model.view_row_of("lead_2") or 0, Column.STATUS).data())

    await until(lambda: status() == "Load documents… · Documents received")
    gate.set()
    await until(lambda: status() == "AI evaluated")
    assert w.lead_list.current_lead_id() == "lead_2"


def test_a_narrow_recommendation_cell_keeps_the_overridden_mark(qtbot: Any) -> None:
    from leaselab_desktop.gui.lead_list.table import elide

    view = LeadTableView()
    qtbot.addWidget(view)
    metrics = view.fontMetrics()
    text = "Approve with verification (overridden)"
    narrow = metrics.horizontalAdvance("Approve with (overridden)")
    cut = elide(metrics, text, Column.RECOMMENDATION, narrow)
    assert cut.endswith("… (overridden)") and cut.startswith("Approve")
    assert metrics.horizontalAdvance(cut) <= narrow
    assert elide(metrics, text, Column.RECOMMENDATION, 10_000) == text
    assert elide(metrics, "Documents received", Column.STATUS, narrow // 3).endswith("…")
