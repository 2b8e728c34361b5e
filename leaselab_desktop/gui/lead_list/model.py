"""The lead list's Qt item model: a view (filtered, sorted row numbers) over a LeadRowStore.

Filtering and sorting happen here on precomputed keys, not in a QSortFilterProxyModel, which
calls ``lessThan``/``filterAcceptsRow`` through Python once per row per pass and is far too slow at
100,000 leads.
"""

from __future__ import annotations

import bisect
import contextlib
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from leaselab_desktop.domain.listing import LeadRows
from leaselab_desktop.domain.models import Lead, RunSnapshot
from leaselab_desktop.gui.lead_list.cells import (
    LiveStates,
    format_recommendation,
    format_status,
    format_updated,
)
from leaselab_desktop.gui.lead_list.rows import COLUMNS, Column, LeadFilter, LeadRowStore
from leaselab_desktop.gui.qt import Qt, QtCore, Signal

ModelIndex = QtCore.QModelIndex | QtCore.QPersistentModelIndex

LEAD_ID_ROLE = Qt.ItemDataRole.UserRole + 1
LABEL_ROLE = Qt.ItemDataRole.UserRole + 2
BATCH_STATE_ROLE = Qt.ItemDataRole.UserRole + 3
SCORE_ROLE = Qt.ItemDataRole.UserRole + 4
RECOMMENDATION_ROLE = Qt.ItemDataRole.UserRole + 5  # the final decision's code ("" when unknown)
LIVE_ROLE = Qt.ItemDataRole.UserRole + 6  # the live run state's text, None when no run is live

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_HANDLED_ROLES = frozenset(
    {_DISPLAY, _ACCESSIBLE, _ALIGN, _TOOLTIP, int(LEAD_ID_ROLE), int(LABEL_ROLE), int(SCORE_ROLE),
     int(BATCH_STATE_ROLE), int(RECOMMENDATION_ROLE), int(LIVE_ROLE)}
)
ALIGN_FLAGS: dict[str, int] = {
    "left": int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
    "right": int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
    "center": int(Qt.AlignmentFlag.AlignCenter),
}
# Left is the default: cells say nothing, so the delegate and the header keep their own.
_ALIGNMENTS: list[int | None] = [None if shown.align == "left" else ALIGN_FLAGS[shown.align]
                                 for shown, _field in COLUMNS]
_HEADER_ALIGNMENTS = [ALIGN_FLAGS["right"] if shown.align == "right" else None for shown, _field in COLUMNS]
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
_NO_FLAGS = Qt.ItemFlag.NoItemFlags

class LeadTableModel(QtCore.QAbstractTableModel):
    """Columns as ``LEAD_LIST`` shows them (name, label, recommendation, AI score, status, place, updated).
    Default sort: score, best first."""

    view_changed = Signal()  # after a filter/sort/load changed which rows are visible

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.store = LeadRowStore()
        self._sort_column = Column.SCORE
        self._descending = True
        self._sorted: list[int] = []
        self._view: list[int] = []
        self._filter = LeadFilter()
        self._hay_sorted: list[str] | None = None  # search keys aligned with _sorted (lazy)
        self._states = LiveStates()  # batch rows and followed runs: what their rows say
        self._stamp_text: dict[float, str] = {}  # cleared on every load (this year's dates are shorter)
        self.last_filter_ms = 0.0
        self.last_sort_ms = 0.0

    # -- Qt model API --------------------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._view)

    def columnCount(self, parent: ModelIndex = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(Column):
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return COLUMNS[section][0].title
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _HEADER_ALIGNMENTS[section]
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else _NO_FLAGS

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # called ~1,000 times per repaint: unhandled roles (font, colours, decoration...) leave first
        if role not in _HANDLED_ROLES or not index.isValid():
            return None
        vrow = index.row()
        if vrow >= len(self._view):
            return None
        row = self._view[vrow]
        col = index.column()
        s = self.store
        if role in (_DISPLAY, _ACCESSIBLE):
            return self._display(row, col, role == _ACCESSIBLE)
        if role == _ALIGN:
            return _ALIGNMENTS[col] if 0 <= col < len(_ALIGNMENTS) else None
        if role == LEAD_ID_ROLE:
            return s.ids[row]
        if role == LABEL_ROLE:
            return s.values["labels"][row]
        if role == SCORE_ROLE:
            return s.values["scores"][row]
        if role == BATCH_STATE_ROLE:
            return self._states.batch.get(s.ids[row])
        if role == RECOMMENDATION_ROLE:
            return s.values["recommendations"][row]
        if role == LIVE_ROLE:
            return self._states.text(s.ids[row])
        # tooltip
        tip = f"{s.names[row]} <{s.emails[row]}>"
        rec = format_recommendation(s.values["recommendations"][row], s.values["overridden"][row])
        tip = f"{tip}\nRecommendation: {rec}" if rec else tip
        live = self._states.text(s.ids[row])
        return f"{tip}\nNow: {live}" if live else tip

    def badge_tone(self, vrow: int) -> str:
        """The recommendation code that colours view row ``vrow``'s label badge ("" when unknown)."""
        return str(self.store.values["recommendations"][self._view[vrow]])

    def row_display(self, vrow: int) -> list[str]:
        """The shown text of every column of view row ``vrow`` (the label column: the label)."""
        row = self._view[vrow]
        return [self._display(row, col, False) for col in range(len(Column))]

    def _display(self, row: int, col: int, accessible: bool) -> str:
        if not 0 <= col < len(COLUMNS):
            return ""
        shown, field = COLUMNS[col]
        value = self.store.values[field][row]
        fmt = shown.format
        if fmt == "text":
            return str(value)
        if fmt == "number" or value is None:
            return "" if value is None else str(value)
        if fmt == "status":
            text = format_status(value)
            live = self._states.text(self.store.ids[row])  # first: a narrow column elides the status
            return f"{live[:1].upper()}{live[1:]} · {text}" if live else text
        if fmt == "label":
            if accessible:
                return f"Label {value}" if value else "Not evaluated"
            return str(value)
        if fmt == "recommendation":
            return format_recommendation(value, self.store.values["overridden"][row], accessible=accessible)
        if fmt == "time":
            return self._updated_text(value)
        if fmt == "flag":
            return (shown.title if accessible else shown.mark) if value else ""
        return str(value)

    def _updated_text(self, stamp: float) -> str:
        """format_updated, remembered per time stamp (repaints ask for the same few dozen rows)."""
        text = self._stamp_text.get(stamp)
        if text is None:
            if len(self._stamp_text) > 4096:
                self._stamp_text.clear()
            text = self._stamp_text[stamp] = format_updated(datetime.fromtimestamp(stamp, UTC))
        return text

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(Column):
            return
        self._sort_column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._relayout(resort=True)

    # -- our API -------------------------------------------------------------------------------
    @property
    def sort_column(self) -> int:
        return self._sort_column

    @property
    def descending(self) -> bool:
        return self._descending

    @property
    def current_filter(self) -> LeadFilter:
        return self._filter

    @property
    def total(self) -> int:
        return len(self.store)

    def lead_id(self, view_row: int) -> str:
        return self.store.ids[self._view[view_row]]

    def view_row_of(self, lead_id: str) -> int | None:
        row = self.store.row_of(lead_id)
        if row is None or not self.store.filter([row], self._filter):
            return None
        key = self.store.sort_key(self._sort_column, self._descending)
        return _find(self._view, row, key(row), key)  # by bisection: no scan of 100k rows

    def set_leads(self, leads: Iterable[Lead] | LeadRows) -> None:
        """Replace everything (a fresh load)."""
        self.beginResetModel()
        self.store.clear()
        self._states.clear()
        self._stamp_text.clear()
        self.store.extend_rows(leads if isinstance(leads, LeadRows) else LeadRows.from_leads(leads))
        self._resort()
        self._view = self._filter_all(self._filter)
        self.endResetModel()
        self.view_changed.emit()

    def add_leads(self, leads: Iterable[Lead]) -> None:
        """Append a page of leads (or update those already listed), keeping sort and filter."""
        self.store.extend(leads)
        self._relayout(resort=True)

    def stage_rows(self, rows: LeadRows) -> None:
        """Store rows without re-sorting (a load in progress); ``commit_staged`` shows them."""
        self.store.extend_rows(rows)

    def commit_staged(self) -> None:
        self._relayout(resort=True)

    def update_lead(self, lead: Lead) -> bool:
        """A lead changed (e.g. a run finished): refresh its row and move it to its new place.

        The row is found and re-placed with ``bisect`` on the sort key and moved with Qt's row-move
        signals, so a run finishing while 100k leads are listed costs microseconds on the GUI
        thread, not a scan, copy and relayout of every row."""
        row = self.store.row_of(lead.id)
        if row is None:
            self.add_leads([lead])
            return True
        if self._states.held:  # runs are live: the row changes where it is, the order waits
            return self._update_in_place(lead)
        if self.store.names[row] != lead.full_name:  # the tie-break order changed: re-sort once
            self.store.update(lead)
            self._relayout(resort=True)
            return True
        key = self.store.sort_key(self._sort_column, self._descending)
        old_key = key(row)
        spos = _find(self._sorted, row, old_key, key)
        if spos is None:  # not in the sorted order at all (cannot happen): rebuild it
            self.store.update(lead)
            self._relayout(resort=True)
            return True
        vpos = _find(self._view, row, old_key, key) if self.store.filter([row], self._filter) else None
        self.store.update(lead)
        new_key = key(row)
        del self._sorted[spos]
        new_spos = bisect.bisect_left(self._sorted, new_key, key=key)
        self._sorted.insert(new_spos, row)
        if self._hay_sorted is not None:  # keep the search keys aligned instead of rebuilding 100k
            del self._hay_sorted[spos]
            self._hay_sorted.insert(new_spos, self.store.search_keys([row])[0])
        visible = bool(self.store.filter([row], self._filter))
        view, root = self._view, QtCore.QModelIndex()
        if vpos is not None:
            del view[vpos]
        new_vpos = bisect.bisect_left(view, new_key, key=key) if visible else None
        if vpos is not None:
            view.insert(vpos, row)  # back in place until Qt has been told
        if vpos is not None and new_vpos == vpos:
            self.dataChanged.emit(self.index(vpos, 0), self.index(vpos, len(Column) - 1))
            return True
        if vpos is not None and new_vpos is not None:
            self.beginMoveRows(root, vpos, vpos, root, new_vpos + 1 if new_vpos > vpos else new_vpos)
            del view[vpos]
            view.insert(new_vpos, row)
            self.endMoveRows()
        elif vpos is not None:
            self.beginRemoveRows(root, vpos, vpos)
            del view[vpos]
            self.endRemoveRows()
        elif new_vpos is not None:
            self.beginInsertRows(root, new_vpos, new_vpos)
            view.insert(new_vpos, row)
            self.endInsertRows()
        else:
            return True
        self.view_changed.emit()
        return True

    def set_filter(self, flt: LeadFilter) -> None:
        if flt == self._filter:
            return
        t0 = time.perf_counter()
        if flt.narrows(self._filter) and len(self._view) < len(self._sorted) // 2:
            new_view = self.store.filter(self._view, flt)  # few rows left: narrow them
        else:
            new_view = self._filter_all(flt)
        self._filter = flt
        self._apply_view(new_view)
        self.last_filter_ms = (time.perf_counter() - t0) * 1000

    def _filter_all(self, flt: LeadFilter) -> list[int]:
        if not flt.needle:
            return self.store.filter(self._sorted, flt)
        if self._hay_sorted is None:
            self._hay_sorted = self.store.search_keys(self._sorted)
        return self.store.filter(self._sorted, flt, aligned_hay=self._hay_sorted)

    def set_batch_state(self, lead_id: str, state: str | None) -> None:
        self._after_state(lead_id, self._states.set_batch(lead_id, state))

    def set_run_state(self, lead_id: str, snapshot: RunSnapshot | None) -> None:
        """A followed run's latest snapshot (None: no longer followed): the row shows its step."""
        changed, resort = self._states.set_run(lead_id, snapshot)
        if changed:
            self._after_state(lead_id, resort)

    def batch_state(self, lead_id: str) -> str | None:
        return self._states.batch.get(lead_id)

    @property
    def holding(self) -> bool:
        """True while a run is live in the list: rows keep their place until none is."""
        return bool(self._states.held)

    def _after_state(self, lead_id: str, resort: bool) -> None:
        if resort:
            self._relayout(resort=True)
        vrow = self.view_row_of(lead_id)
        if vrow is not None:
            self.dataChanged.emit(self.index(vrow, 0), self.index(vrow, len(Column) - 1),
                                  [Qt.ItemDataRole.DisplayRole, BATCH_STATE_ROLE, LIVE_ROLE])

    def _update_in_place(self, lead: Lead) -> bool:
        self.store.update(lead)
        self._states.stale = True
        self._hay_sorted = None  # its name or email may have changed: rebuilt on the next search
        self._after_state(lead.id, False)
        return True

    # -- internals -----------------------------------------------------------------------------
    def _resort(self) -> None:
        self._hay_sorted = None
        t0 = time.perf_counter()
        self._sorted = self.store.sort_order(self._sort_column, self._descending)
        self.last_sort_ms = (time.perf_counter() - t0) * 1000

    def _relayout(self, *, resort: bool) -> None:
        if resort:
            self._resort()
        self._apply_view(self._filter_all(self._filter))

    def _apply_view(self, new_view: list[int]) -> None:
        """Swap the visible rows, keeping persistent indexes (selection, current) on their leads."""
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        old_rows = [
            self._view[p.row()] if p.isValid() and p.row() < len(self._view) else None
            for p in persistent
        ]
        self._view = new_view
        if persistent:
            position = _positions(new_view, {r for r in old_rows if r is not None})
            invalid = QtCore.QModelIndex()
            for p, store_row in zip(persistent, old_rows, strict=True):
                vrow = position.get(store_row) if store_row is not None else None
                self.changePersistentIndex(
                    p, invalid if vrow is None else self.index(vrow, p.column())
                )
        self.layoutChanged.emit()
        self.view_changed.emit()


def _find(rows: list[int], row: int, row_key: Any, key: Any) -> int | None:
    """Where ``row`` sits in ``rows`` (sorted by ``key``, whose value for ``row`` was ``row_key``),
    by bisection; None when it is not there."""
    pos = bisect.bisect_left(rows, row_key, key=key)
    if pos < len(rows) and rows[pos] == row:
        return pos
    try:  # not where the order says (should not happen): look everywhere rather than lose it
        return rows.index(row)
    except ValueError:
        return None


def _positions(view: list[int], rows: set[int]) -> dict[int, int]:
    """Where each of ``rows`` sits in ``view`` (absent rows are left out). A few rows (the current
    one, a small selection) are found with C-level ``list.index`` scans; many with one dict pass."""
    if len(rows) <= 16:
        found: dict[int, int] = {}
        for r in rows:
            with contextlib.suppress(ValueError):
                found[r] = view.index(r)
        return found
    return {r: i for i, r in enumerate(view) if r in rows}
