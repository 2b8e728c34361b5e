"""Where the comparison and the exports are reached from the main window: Evaluation → Compare
applicants (Ctrl+Shift+C; also on the context menu of a lead's row and of its detail), File → Export lead list (Ctrl+E),
and Open / Show in folder after any export. One ``install`` call: the main window stays as it is.

The dialog and reportlab are imported on first use, not at start-up (the 100k-lead RSS budget)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leaselab_desktop.gui import exports
from leaselab_desktop.gui.qt import QtCore, QtGui, QtWidgets
from leaselab_desktop.reports.comparison import MAX_APPLICANTS, selection_problem

if TYPE_CHECKING:  # imported on first use at run time
    from leaselab_desktop.backends.base import Backend
    from leaselab_desktop.gui.compare.dialog import CompareDialog

SHORTCUT = "Ctrl+Shift+C"
LIST_FILTERS = ["Excel workbook (*.xlsx)", "CSV for any spreadsheet (*.csv)"]


class CompareEntry(QtCore.QObject):
    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.dialogs: list[QtWidgets.QDialog] = []
        self.notice: QtWidgets.QMessageBox | None = None
        self.saved: exports.SavedDialog | None = None
        self.compare_action = self._action("&Compare applicants…", "compareAction", SHORTCUT, self.compare_selected,
                                           "Compare 2-4 selected applicants for the same unit side by side; "
                                           "with one selected, the other applicants for its unit")
        self.export_action = self._action("E&xport lead list…", "exportListAction", "Ctrl+E", self.export_list,
                                          "Save the leads as shown (filter and order) as Excel or CSV")
        self._place()

    def _action(self, text: str, name: str, shortcut: str, slot: Any, tip: str) -> QtGui.QAction:
        action = QtGui.QAction(text, self.window)
        action.setObjectName(name)
        action.setShortcut(QtGui.QKeySequence(shortcut))
        action.setToolTip(f"{tip} ({action.shortcut().toString(QtGui.QKeySequence.SequenceFormat.NativeText)})")
        action.setStatusTip(tip)
        action.triggered.connect(lambda _c=False: slot())
        self.window.addAction(action)
        return action

    def _place(self) -> None:
        menus = {a.text(): a.menu() for a in self.window.menuBar().actions() if a.menu() is not None}
        evaluation, file_menu = menus.get("&Evaluation"), menus.get("&File")
        if evaluation is not None:
            evaluation.addSeparator()
            evaluation.addAction(self.compare_action)
        if file_menu is not None:
            before = next((a for a in file_menu.actions() if a.objectName() == "settingsAction"), None)
            file_menu.insertAction(before, self.export_action)
            file_menu.insertSeparator(before)
        # the lead's context: right-click on its row, or on its detail in the workspace
        detail = self.window.workspace.findChild(QtWidgets.QWidget, "leadDetail")
        for widget in (self.window.lead_list.table, detail):
            if widget is None:
                continue
            if widget.contextMenuPolicy() == QtCore.Qt.ContextMenuPolicy.DefaultContextMenu:
                widget.setContextMenuPolicy(QtCore.Qt.ContextMenuPolicy.ActionsContextMenu)
            widget.addAction(self.compare_action)
        self.window.lead_list.selection_changed.connect(self._selection_changed)
        self._selection_changed(self.window.lead_list.selected_ids())
        card = self.window.workspace.findChild(QtWidgets.QWidget, "resultCard")
        if card is not None and hasattr(card, "exported"):
            card.exported.connect(lambda path: self._offer(Path(path), "Compliance report"))

    def _selection_changed(self, ids: list[str]) -> None:
        n = len(ids)
        self.compare_action.setEnabled(n >= 1)
        self.compare_action.setText(f"&Compare applicants ({n})…" if n > 1 else
                                    "&Compare with other applicants for this unit…" if n == 1 else
                                    "&Compare applicants…")

    # -- compare -------------------------------------------------------------------------------
    def compare_selected(self) -> QtWidgets.QDialog | None:
        ids = self.window.lead_list.selected_ids()
        backend = self.window.backend
        if backend is None:
            self._refuse("No profile is open, so there are no applicants to compare yet. Open one in Settings.")
            return None
        if not ids:
            self._refuse("Select two to four applicants for the same unit in the lead list first.")
            return None
        if len(ids) > 1:
            store = self.window.lead_list.model.store
            rows = [store.row_of(i) for i in ids]
            names = [store.names[r] if r is not None else i for r, i in zip(rows, ids, strict=True)]
            known = [r for r in rows if r is not None]
            problem = selection_problem(names, [store.values["unit_ids"][r] if r is not None else None for r in rows],
                                        [store.values["places"][r] for r in known])
            if problem:
                self._refuse(problem)
                return None
        dialog = self._open_dialog()
        self.window.tasks.spawn(self._load(dialog, backend, ids), what="compare applicants")
        return dialog

    async def _load(self, dialog: CompareDialog, backend: Backend, ids: list[str]) -> None:
        from leaselab_desktop.application.compare import unit_neighbours
        from leaselab_desktop.backends.errors import BackendError

        if len(ids) == 1:
            try:
                ids = await unit_neighbours(backend, ids[0], MAX_APPLICANTS)
            except BackendError as exc:  # offline, the lead deleted meanwhile: said in the window
                dialog.show_problem(str(exc), "The comparison could not be loaded.")
                return
            if len(ids) < 2:
                dialog.show_problem("No other active applicant has applied for this lead's unit.")
                return
        await dialog.load(backend, ids)

    def _open_dialog(self) -> CompareDialog:
        from leaselab_desktop.gui.compare.dialog import CompareDialog

        dialog = CompareDialog(self.window.tasks, self.window)
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda _o=None, d=dialog: self.dialogs.remove(d) if d in self.dialogs else None)
        self.dialogs.append(dialog)
        geo = self.window.geometry()
        dialog.resize(min(1200, max(720, geo.width() - 120)), min(820, max(520, geo.height() - 120)))
        dialog.show()
        return dialog

    def _refuse(self, text: str) -> None:
        box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Information, "Compare applicants", text,
                                    QtWidgets.QMessageBox.StandardButton.Ok, self.window)
        box.setObjectName("compareRefusal")
        box.setAccessibleName("Why these applicants cannot be compared")
        box.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        self.notice = box
        box.open()

    # -- the lead list as a file ----------------------------------------------------------------
    def export_list(self) -> QtWidgets.QFileDialog:
        name = f"leads-{datetime.now(UTC).strftime('%Y%m%d')}.xlsx"
        return exports.save_dialog(self.window, "Export the lead list", name, LIST_FILTERS,
                                   lambda path, chosen: self.window.tasks.spawn(
                                       self.export_to(path, "csv" if "csv" in chosen.lower() else "xlsx"),
                                       what="export the lead list"), "exportListDialog")

    async def export_to(self, path: Path, fmt: str) -> Path | None:
        import asyncio

        from leaselab_desktop.domain.listing import LeadRows

        model = self.window.lead_list.model
        store = model.store
        rows = [store.row_of(model.lead_id(r)) for r in range(model.rowCount())]  # as shown: filter, order
        shown = LeadRows({k: [v[r] for r in rows] for k, v in store.values.items()}, fields=store.fields)
        if path.suffix.lower() not in (".csv", ".xlsx"):
            path = path.with_name(path.name + "." + fmt)
        try:
            out = await asyncio.to_thread(_write_list, path, shown)
        except OSError as exc:
            self.window.status.showMessage(f"The lead list was not saved: {exc.strerror or exc}", 10_000)
            self._refuse(f"The lead list could not be saved to {path}: {exc.strerror or exc}. Choose another folder.")
            return None
        self._offer(out, f"Lead list ({len(shown)} leads)")
        return out

    def _offer(self, path: Path, what: str) -> None:
        self.saved = exports.offer_open(self.window, path, what)


def _write_list(path: Path, rows: Any) -> Path:
    from leaselab_desktop.reports.spreadsheet import lead_list_table, write_csv_file, write_xlsx

    header, table = lead_list_table(rows)
    write = write_csv_file if path.suffix.lower() == ".csv" else write_xlsx
    return write(path, header, table)


def install(window: Any) -> CompareEntry:
    return CompareEntry(window)
