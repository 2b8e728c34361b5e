"""The comparison window: applicants side by side (a table), the differences explained (a list of
plain sentences), and Export PDF. Non-modal: the agent keeps working in the console beside it."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

from leaselab_desktop.application.compare import compare_leads
from leaselab_desktop.backends.base import Backend
from leaselab_desktop.backends.errors import BackendError
from leaselab_desktop.gui import exports
from leaselab_desktop.gui.compare.model import DIFFERS, ComparisonModel
from leaselab_desktop.gui.qt import QtCore, QtWidgets, Signal
from leaselab_desktop.gui.tasks import TaskRunner
from leaselab_desktop.reports.comparison import Comparison, SelectionProblem

Qt = QtCore.Qt
LOAD_FAILED = "The comparison could not be loaded."


class CompareDialog(QtWidgets.QDialog):
    exported = Signal(object)  # Path

    def __init__(self, tasks: TaskRunner, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self.comparison: Comparison | None = None
        self.saved: exports.SavedDialog | None = None
        self.setObjectName("compareDialog")
        self.setWindowTitle("Compare applicants")
        self.setAccessibleName("Compare applicants for one unit")
        self.setSizeGripEnabled(True)
        self.heading = QtWidgets.QLabel("Loading the applicants…", self)
        self.heading.setObjectName("compareHeading")
        self.heading.setAccessibleName("What is compared")
        self.heading.setWordWrap(True)
        self.hint = QtWidgets.QLabel(
            f"Rows marked {DIFFERS} in bold differ between the applicants; the list below says why. "
            "The decision shown is the one that stands (a manual override wins).", self)
        self.hint.setObjectName("compareHint")
        self.hint.setAccessibleName("How to read the comparison")
        self.hint.setWordWrap(True)
        self.model = ComparisonModel(self)
        self.table = QtWidgets.QTableView(self)
        self.table.setObjectName("compareTable")
        self.table.setAccessibleName("Applicants side by side")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)  # a long decision wraps in its row rather than hiding the others
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setMinimumSectionSize(26)  # air between the rows when they fit
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.why_title = QtWidgets.QLabel("The differences, explained", self)
        self.why_title.setObjectName("compareWhyTitle")
        self.why_title.setAccessibleName("The differences, explained")
        self.why = QtWidgets.QListWidget(self)
        self.why.setObjectName("compareWhy")
        self.why.setAccessibleName("The differences, explained")
        self.why.setWordWrap(True)
        self.why.setSpacing(3)
        self.why.setVerticalScrollMode(QtWidgets.QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.export_button = QtWidgets.QPushButton("Export PDF…", self)
        self.export_button.setObjectName("compareExportButton")
        self.export_button.setAccessibleName("Export the comparison as PDF")
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.open_export_dialog)
        self.status = QtWidgets.QLabel("", self)
        self.status.setObjectName("compareStatus")
        self.status.setAccessibleName("Export status")
        self.close_button = QtWidgets.QPushButton("Close", self)
        self.close_button.setObjectName("compareCloseButton")
        self.close_button.setAccessibleName("Close the comparison")
        self.close_button.clicked.connect(self.close)
        self._lay_out()

    def _lay_out(self) -> None:
        split = QtWidgets.QSplitter(Qt.Orientation.Vertical, self)
        split.setObjectName("compareSplitter")
        split.setAccessibleName("Comparison and explanations")
        split.setChildrenCollapsible(False)
        split.addWidget(self.table)
        lower = QtWidgets.QWidget(split)
        low = QtWidgets.QVBoxLayout(lower)
        low.setContentsMargins(0, 6, 0, 0)
        low.addWidget(self.why_title)
        low.addWidget(self.why, 1)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        bottom = QtWidgets.QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.export_button)
        bottom.addWidget(self.close_button)
        lay = QtWidgets.QVBoxLayout(self)
        lay.addWidget(self.heading)
        lay.addWidget(self.hint)
        lay.addWidget(split, 1)
        lay.addLayout(bottom)
        self.setTabOrder(self.table, self.why)
        self.setTabOrder(self.why, self.export_button)
        self.setTabOrder(self.export_button, self.close_button)

    # -- content -------------------------------------------------------------------------------
    async def load(self, backend: Backend, lead_ids: Sequence[str]) -> Comparison | None:
        self.heading.setText(f"Loading {len(lead_ids)} applicants…")
        try:
            comparison = await compare_leads(backend, lead_ids)
        except SelectionProblem as exc:
            self.show_problem(str(exc))
            return None
        except BackendError as exc:
            self.show_problem(str(exc), LOAD_FAILED)
            return None
        self.show_comparison(comparison)
        return comparison

    def show_problem(self, text: str, title: str = "These applicants cannot be compared.") -> None:
        self.heading.setText(f"<b>{escape(title)}</b> {escape(text)}")
        self.export_button.setEnabled(False)

    def show_comparison(self, comparison: Comparison) -> None:
        self.comparison = comparison
        self.setWindowTitle(f"Compare applicants — {comparison.unit}")
        n = len(comparison.applicants)
        diffs = comparison.differences
        self.heading.setText(f"<b>{escape(comparison.unit)}</b>: {n} applicants, "
                             f"{len(diffs)} difference{'s' if len(diffs) != 1 else ''}")
        self.model.set_comparison(comparison)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        for col in range(1, n + 1):  # the applicants share the rest of the width equally
            header.setSectionResizeMode(col, QtWidgets.QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        self.why.clear()
        for row in diffs:
            item = QtWidgets.QListWidgetItem(f"{row.title}: {row.explanation}")
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{row.title}: {row.explanation}")
            item.setData(Qt.ItemDataRole.UserRole, row.code)
            self.why.addItem(item)
        if not diffs:
            self.why.addItem("The applicants do not differ on anything the evaluations scored.")
        self.export_button.setEnabled(True)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self.comparison is not None:  # wrapped cells need taller rows when the window narrows
            self.table.resizeRowsToContents()

    def _row_changed(self, current: QtCore.QModelIndex, _previous: QtCore.QModelIndex) -> None:
        """Selecting a differing row selects its sentence below (and scrolls it into view)."""
        item = self.model.item(current.row()) if current.isValid() else None
        code = getattr(item, "code", None)
        for i in range(self.why.count()):
            if self.why.item(i).data(Qt.ItemDataRole.UserRole) == code:
                self.why.setCurrentRow(i)
                self.why.scrollToItem(self.why.item(i))
                return
        self.why.clearSelection()

    # -- export --------------------------------------------------------------------------------
    def open_export_dialog(self) -> QtWidgets.QFileDialog | None:
        if self.comparison is None:
            return None
        from leaselab_desktop.reports.compare import default_name  # reportlab: on first export only

        return exports.save_dialog(
            self, "Export the comparison", default_name(self.comparison), ["PDF documents (*.pdf)"],
            lambda path, _f: self._tasks.spawn(self.export_to(path), what="export the comparison"),
            "compareExportDialog")  # fmt: skip

    async def export_to(self, path: Path) -> Path | None:
        if self.comparison is None:
            return None
        self.export_button.setEnabled(False)
        self.status.setText("Exporting…")
        try:
            out = await asyncio.to_thread(_write_pdf, path, self.comparison, datetime.now(UTC))
        except OSError as exc:
            self.status.setText(f"Could not save the PDF: {exc.strerror or exc}. Choose another folder.")
            return None
        finally:
            self.export_button.setEnabled(True)
        self.status.setText(f"Saved to {out}")
        self.exported.emit(out)
        self.saved = exports.offer_open(self, out, "Comparison")
        return out


def _write_pdf(path: Path, comparison: Comparison, when: datetime) -> Path:
    from leaselab_desktop.reports.compare import write_comparison_pdf

    return write_comparison_pdf(path, comparison, generated_at=when)
