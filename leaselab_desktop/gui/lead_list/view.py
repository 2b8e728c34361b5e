"""The lead list panel: search box, filters, the table, and the async loader."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import logging
import sys
from typing import Any

from leaselab_desktop.backends.base import Backend
from leaselab_desktop.domain.listing import LeadRows
from leaselab_desktop.domain.models import LeadQuery
from leaselab_desktop.domain.vocab import LABELS, LEAD_STATUSES
from leaselab_desktop.gui.lead_list.cells import format_status
from leaselab_desktop.gui.lead_list.delegates import LABEL_MEANING
from leaselab_desktop.gui.lead_list.model import LeadTableModel
from leaselab_desktop.gui.lead_list.rows import NO_LABEL, Column, LeadFilter
from leaselab_desktop.gui.lead_list.table import LeadTableView
from leaselab_desktop.gui.qt import QObject, Qt, QtCore, QtGui, QTimer, QtWidgets, Signal
from leaselab_desktop.gui.tasks import TaskRunner

log = logging.getLogger(__name__)

FIRST_PAGE = 2_000  # shown at once
PAGE_SIZE = 20_000  # then the rest; the next page is read (SQL, no GIL) while one is merged
MERGE_CHUNK = 5_000  # rows merged per event-loop turn
SEARCH_DEBOUNCE_MS = 80
_ANY = "__any__"


def _query(limit: int, cursor: str | None, server_filter: dict[str, str | None] | None = None) -> LeadQuery:
    """The list sorts locally; a server that does sort (the project worker) is asked for the order
    it serves cheapest: by updated_at (an index). ``server_filter`` (status, property_id) is asked
    of a server that caps its list, so filtering reaches the leads beyond the cap."""
    return LeadQuery(limit=limit, cursor=cursor, sort_by="updatedAt", sort_order="desc", **(server_filter or {}))


def _fetch(backend: Backend, page_size: int, cursor: str | None,
           server_filter: dict[str, str | None] | None = None) -> asyncio.Future[LeadRows] | None:
    """The next page, already on its way (None after the last page)."""
    if not cursor:
        return None
    return asyncio.ensure_future(backend.list_lead_rows(_query(page_size, cursor, server_filter)))


def release_freed_memory() -> None:
    """Hand the heap freed by a large load (the backend's page objects) back to the OS.

    glibc keeps freed blocks mapped; ``malloc_trim`` returns them (100k leads: RSS 545 -> 275 MB).
    No-op elsewhere."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class LeadListPanel(QtWidgets.QWidget):
    current_lead_changed = Signal(object)  # str | None
    selection_changed = Signal(list)  # list[str] of selected lead ids
    lead_activated = Signal(str)  # Enter / double-click on a row
    loaded = Signal(int)  # number of leads after a complete load
    load_failed = Signal(object)  # the exception

    def __init__(self, tasks: TaskRunner, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("leadListPanel")
        self._tasks = tasks
        self._backend: Backend | None = None
        self._load_task: asyncio.Task[Any] | None = None
        self.loading = False

        self.model = LeadTableModel(self)
        self.search_box = QtWidgets.QLineEdit(self)
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText("Search name or email  (Ctrl+F)")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setAccessibleName("Search leads")
        self.search_box.setAccessibleDescription("Filters the lead list by name or email")

        self.status_filter = self._combo("statusFilter", "Status filter")
        self.status_filter.addItem("All statuses", _ANY)
        for status in LEAD_STATUSES:
            self.status_filter.addItem(format_status(status), status)
        self.property_filter = self._combo("propertyFilter", "Property filter")
        self.property_filter.addItem("All properties", _ANY)
        self.label_filter = self._combo("labelFilter", "Label filter")
        self.label_filter.addItem("All labels", _ANY)
        for label in LABELS:
            self.label_filter.addItem(f"{label} – {LABEL_MEANING[label]}", label)
        self.label_filter.addItem("Not evaluated", NO_LABEL)

        self.table = LeadTableView(self)
        self.table.setObjectName("leadTable")
        self.table.setAccessibleName("Leads")
        self.table.setAccessibleDescription("Rental applicants; sorted by AI score, best first")
        self.table.show_leads(self.model)

        self.count_label = QtWidgets.QLabel(self)
        self.count_label.setObjectName("leadCount")
        self.count_label.setAccessibleName("Lead count")
        self.empty_label = QtWidgets.QLabel(self.table.viewport())
        self.empty_label.setObjectName("leadListEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAccessibleName("Lead list message")
        self.empty_label.setForegroundRole(QtGui.QPalette.ColorRole.PlaceholderText)

        self._lay_out()
        self._connect()
        self._message: str | None = None
        self._update_counts()

    def _lay_out(self) -> None:
        filters = QtWidgets.QHBoxLayout()
        filters.setSpacing(6)
        filters.addWidget(self.status_filter, 1)
        filters.addWidget(self.property_filter, 1)
        filters.addWidget(self.label_filter, 1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 4, 4)
        layout.setSpacing(6)
        layout.addWidget(self.search_box)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        # what the backend says about the list (a server that caps it or could not sort it)
        self.notice_label = QtWidgets.QLabel(self, wordWrap=True)
        self.notice_label.setObjectName("leadListNotice")
        self.notice_label.setAccessibleName("Lead list notice")
        self.notice_label.hide()
        layout.addWidget(self.notice_label)
        self._capped = False

    def _connect(self) -> None:
        self._debounce = QTimer(self)
        self._debounce.setObjectName("searchDebounce")
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_filter)
        self.search_box.textChanged.connect(lambda _t: self._debounce.start())
        self.search_box.returnPressed.connect(self.apply_filter)
        for combo in (self.status_filter, self.property_filter, self.label_filter):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        for combo in (self.status_filter, self.property_filter):  # a capped server filters itself
            combo.currentIndexChanged.connect(lambda _i: self._capped and self.reload())
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.activated.connect(self._activated)
        self.model.view_changed.connect(self._update_counts)
        self.model.modelReset.connect(self._update_counts)
        self.search_box.installEventFilter(self)
        # not an event filter on the viewport: that would be a Python call for each of its events
        self.table.resized.connect(self._place_empty_label)

    def _combo(self, name: str, accessible: str) -> QtWidgets.QComboBox:
        combo = QtWidgets.QComboBox(self)
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        combo.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)
        return combo

    # -- filtering ---------------------------------------------------------------------------------
    def current_filter(self) -> LeadFilter:
        def value(combo: QtWidgets.QComboBox) -> str | None:
            data = combo.currentData()
            return None if data in (None, _ANY) else str(data)

        return LeadFilter(
            text=self.search_box.text(),
            status=value(self.status_filter),
            property_id=value(self.property_filter),
            label=value(self.label_filter),
        )

    def apply_filter(self) -> None:
        self._debounce.stop()
        self.model.set_filter(self.current_filter())

    def _server_filter(self) -> dict[str, str | None] | None:
        f = self.current_filter()
        return {"status": f.status, "property_id": f.property_id} if self._capped else None

    def set_notice(self, text: str | None) -> None:
        self.notice_label.setText(text or "")
        self.notice_label.setVisible(bool(text))

    def clear_filters(self) -> None:
        for combo in (self.status_filter, self.property_filter, self.label_filter):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search_box.blockSignals(True)
        self.search_box.clear()
        self.search_box.blockSignals(False)
        self.apply_filter()

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    # -- selection ---------------------------------------------------------------------------------
    def current_lead_id(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.lead_id(index.row()) if index.isValid() else None

    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.lead_id(r) for r in rows]

    def select_row(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        index = self.model.index(row, Column.NAME)
        self.table.selectionModel().setCurrentIndex(
            index,
            QtCore.QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QtCore.QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def select_lead(self, lead_id: str) -> bool:
        row = self.model.view_row_of(lead_id)
        if row is None:
            return False
        self.select_row(row)
        return True

    def _current_changed(self, current: QtCore.QModelIndex, _previous: QtCore.QModelIndex) -> None:
        self.current_lead_changed.emit(self.model.lead_id(current.row()) if current.isValid() else None)

    def _selection_changed(self, *_args: object) -> None:
        self.selection_changed.emit(self.selected_ids())

    def _activated(self, index: QtCore.QModelIndex) -> None:
        if index.isValid():
            self.lead_activated.emit(self.model.lead_id(index.row()))

    def eventFilter(self, watched: QObject, event: QtCore.QEvent) -> bool:
        if watched is self.search_box and event.type() == QtCore.QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key == Qt.Key.Key_Down and self.model.rowCount():
                self.apply_filter()
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)
                if not self.table.currentIndex().isValid():
                    self.select_row(0)
                return True
            if key == Qt.Key.Key_Escape and self.search_box.text():
                self.search_box.clear()
                self.apply_filter()
                return True
        return super().eventFilter(watched, event)

    # -- loading -----------------------------------------------------------------------------------
    def set_backend(self, backend: Backend | None) -> None:
        self._backend = backend
        self._capped = False
        self.set_notice(None)
        if self._load_task is not None and not self._load_task.done():
            self._load_task.cancel()
        self._load_task = None
        if backend is None:
            self.model.set_leads([])
            self.set_message("No backend is open.")

    def reload(self) -> asyncio.Task[int] | None:
        """Start (or restart) loading every lead from the backend in a task."""
        if self._backend is None:
            return None
        if self._load_task is not None and not self._load_task.done():
            self._load_task.cancel()
        task = self._tasks.spawn(self.load(self._backend), what="Loading leads", on_error=self._load_error)
        self._load_task = task
        self.loading = True  # at once, so the list says so before the first page arrives
        self._update_counts()

        def done(t: asyncio.Task[int]) -> None:
            if self._load_task is t:  # a cancelled-before-start load never ran its finally
                self.loading = False
                self._update_counts()

        task.add_done_callback(done)
        return task

    async def load(
        self, backend: Backend, page_size: int = PAGE_SIZE, first_page: int = FIRST_PAGE
    ) -> int:
        """Fetch every lead. A small first page is shown at once; larger pages follow and are merged
        in chunks between which the event loop runs, then the list is re-sorted once."""
        self.loading = True
        self.set_message(None)
        self._update_counts()
        keep = self.current_lead_id()
        ahead: asyncio.Future[LeadRows] | None = None
        try:
            server_filter = self._server_filter()
            page = await backend.list_lead_rows(_query(min(first_page, page_size), None, server_filter))
            if page.capped and not self._capped and not server_filter:
                self._capped = True  # from now on the status and property filters go to the server
                server_filter = self._server_filter()
                if server_filter and any(server_filter.values()):
                    page = await backend.list_lead_rows(_query(min(first_page, page_size), None, server_filter))
            self.set_notice(page.notice)
            self.model.set_leads(page)
            if keep:
                self.select_lead(keep)
            staged = False
            # the next page is read while this one is merged (the store reads without the GIL)
            ahead = _fetch(backend, page_size, page.next_cursor if len(page) else None, server_filter)
            while ahead is not None:
                page = await ahead
                ahead = _fetch(backend, page_size, page.next_cursor if len(page) else None, server_filter)
                for start in range(0, len(page), MERGE_CHUNK):
                    self.model.stage_rows(page.slice(start, start + MERGE_CHUNK))
                    staged = True
                    self._update_counts()
                    await asyncio.sleep(0)
            if staged:
                self.model.commit_staged()
                del page
                release_freed_memory()
                # The list's objects live until the next load: keep the cyclic GC from walking them
                # all on every full collection (a 100k list made each one a ~100 ms GUI stall).
                gc.freeze()
        finally:
            self.loading = False
            if ahead is not None and not ahead.done():  # cancelled or failed mid-load
                ahead.cancel()
            elif ahead is not None and not ahead.cancelled():
                ahead.exception()  # read, so a failed read-ahead is not logged as never retrieved
        self._refresh_property_filter()
        self._update_counts()
        if keep:
            self.select_lead(keep)
        self.loaded.emit(self.model.total)
        return self.model.total

    def _load_error(self, exc: BaseException) -> None:
        log.warning("loading leads failed: %s", exc)
        self.set_message(f"Could not load leads: {exc}\nPress F5 to try again.")
        self.load_failed.emit(exc)

    def refresh_lead(self, lead_id: str) -> None:
        """Re-read one lead (a run finished) and update its row."""
        backend = self._backend
        if backend is None:
            return

        async def refresh() -> None:
            # the current row follows its lead through the model's row moves (persistent index)
            self.model.update_lead(await backend.get_lead(lead_id))

        self._tasks.spawn(refresh(), what=f"Refreshing lead {lead_id}", on_error=lambda e: log.warning(
            "refreshing lead %s failed: %s", lead_id, e))

    def _refresh_property_filter(self) -> None:
        combo = self.property_filter
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("All properties", _ANY)
        for pid, name in sorted(self.model.store.properties.items(), key=lambda kv: kv[1].casefold()):
            combo.addItem(name, pid)
        found = combo.findData(current)
        combo.setCurrentIndex(max(found, 0))
        combo.blockSignals(False)

    # -- messages ----------------------------------------------------------------------------------
    def set_message(self, text: str | None) -> None:
        """A message over the empty table (load errors, no backend)."""
        self._message = text
        self._update_counts()

    def _update_counts(self) -> None:
        shown, total = self.model.rowCount(), self.model.total
        if self.loading:
            self.count_label.setText(f"Loading leads… {total:,} so far")
        elif shown == total:
            self.count_label.setText(f"{total:,} leads")
        else:
            self.count_label.setText(f"{shown:,} of {total:,} leads")
        if self._message:
            text = self._message
        elif shown == 0 and self.loading:
            text = "Loading leads…"
        elif shown == 0 and total == 0:
            text = "No leads yet."
        elif shown == 0:
            text = "No leads match the search and filters.\nPress Esc in the search box to clear it."
        else:
            text = ""
        self.empty_label.setText(text)
        self.empty_label.setVisible(bool(text))
        self._place_empty_label()

    def _place_empty_label(self) -> None:
        self.empty_label.setGeometry(self.table.viewport().rect().adjusted(16, 16, -16, -16))
