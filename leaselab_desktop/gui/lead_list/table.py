"""The lead table: a QTableView whose visible rows are painted in one Python call.

A stock QTableView paints each cell through its delegate, which asks the Python model for about
eight roles per cell: some two thousand Python callbacks per repaint. Each callback has to take the
GIL, and while evaluations run on worker threads every take can wait for a thread switch, so a
repaint that costs 15 ms on an idle app took 30-120 ms during 50 evaluations (bench/gui.py
heartbeat). Here ``paintEvent`` draws the visible rows straight from the model's row store in one
call. Selection, the current row, alternating rows, eliding, alignment and the label badge are drawn
as the style would; the model's roles stay complete for accessibility, tooltips and tests.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from leaselab_desktop.gui.lead_list.cells import OVERRIDDEN_MARK
from leaselab_desktop.gui.lead_list.delegates import LabelBadgeDelegate, paint_label_badge
from leaselab_desktop.gui.lead_list.model import ALIGN_FLAGS, LeadTableModel
from leaselab_desktop.gui.lead_list.rows import COLUMNS, Column
from leaselab_desktop.gui.qt import Qt, QtCore, QtGui, QtWidgets, Signal

_PAD = 6  # text inset from the cell's edges, as the default delegate leaves it
_BADGES = frozenset(i for i, (shown, _field) in enumerate(COLUMNS) if shown.format == "label")
_ALIGNS = [ALIGN_FLAGS[shown.align] for shown, _field in COLUMNS]
_KEEPS_MARK = frozenset(i for i, (shown, _field) in enumerate(COLUMNS) if shown.format == "recommendation")


def elide(metrics: QtGui.QFontMetrics, text: str, col: int, width: int) -> str:
    """``text`` cut to ``width`` at the right; a recommendation keeps its "(overridden)" mark whole
    ("Approve wi… (overridden)")."""
    if col in _KEEPS_MARK and text.endswith(OVERRIDDEN_MARK) and metrics.horizontalAdvance(text) > width:
        room = width - metrics.horizontalAdvance(OVERRIDDEN_MARK)
        head = metrics.elidedText(text[: -len(OVERRIDDEN_MARK)], Qt.TextElideMode.ElideRight, max(0, room))
        return head + OVERRIDDEN_MARK if room > 0 else metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)


@dataclass(frozen=True)
class _Look:
    palette: QtGui.QPalette
    group: QtGui.QPalette.ColorGroup
    key: tuple[object, ...]
    base: QtGui.QColor
    alternate: QtGui.QColor
    highlight: QtGui.QColor
    highlighted_text: QtGui.QColor


class LeadTableView(QtWidgets.QTableView):
    """Paints rows itself when its model is a LeadTableModel; any other model paints as usual.

    Each painted row is kept as a pixmap keyed by everything that decides its look (texts,
    selection, geometry, palette, font, pixel ratio), so a repaint after a run finished blits the
    rows that did not change instead of laying out their text again."""

    CACHE_BYTES = 32 * 1024 * 1024
    resized = Signal()  # the view (and so its viewport) changed size

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: OrderedDict[tuple[object, ...], QtGui.QPixmap] = OrderedDict()
        self._cached_bytes = 0
        self._look: _Look | None = None

    def show_leads(self, model: LeadTableModel) -> None:
        """Show ``model`` the lead list's way: whole rows selected, no editing, fixed row height, and
        each column as ``LEAD_LIST`` says (title, alignment, initial width or stretch, badge)."""
        self.setModel(model)
        for col in _BADGES:
            self.setItemDelegateForColumn(col, LabelBadgeDelegate(self))
        self.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.verticalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Fixed)
        self._set_up_header(model)
        self.setSortingEnabled(True)
        self.setTabKeyNavigation(False)

    def _set_up_header(self, model: LeadTableModel) -> None:
        header = self.horizontalHeader()
        # The header reads its titles from a small C++ model: the lead model's headerData is Python,
        # and the header repaints after every row move (six sections, several roles each).
        self._header_titles = QtGui.QStandardItemModel(0, len(Column), self)
        for col in Column:
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole,
                         Qt.ItemDataRole.TextAlignmentRole):
                value = model.headerData(col, Qt.Orientation.Horizontal, role)
                if value is not None:
                    self._header_titles.setHeaderData(col, Qt.Orientation.Horizontal, value, role)
        header.setModel(self._header_titles)
        header.setAccessibleName("Lead list columns")
        header.setAccessibleDescription("Click a column title to sort by it")
        header.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setHighlightSections(False)
        header.setMinimumSectionSize(40)
        fm = self.fontMetrics()
        for col, (shown, _field) in enumerate(COLUMNS):
            if shown.width_sample is None:
                header.setSectionResizeMode(col, QtWidgets.QHeaderView.ResizeMode.Stretch)
            else:
                self.setColumnWidth(col, fm.horizontalAdvance(shown.width_sample) + 18)
        order = Qt.SortOrder.DescendingOrder if model.descending else Qt.SortOrder.AscendingOrder
        header.setSortIndicator(model.sort_column, order)  # the model's sort (score, best first)

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        model = self.model()
        if not isinstance(model, LeadTableModel):
            super().paintEvent(event)
            return
        painter = QtGui.QPainter(self.viewport())
        try:
            self._paint_rows(painter, model, event.rect())
        finally:
            painter.end()

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        self.resized.emit()

    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() in (QtCore.QEvent.Type.PaletteChange, QtCore.QEvent.Type.FontChange,
                            QtCore.QEvent.Type.StyleChange):
            self.drop_row_cache()
        elif event.type() == QtCore.QEvent.Type.ActivationChange:
            self._look = None  # active and inactive windows use different colour groups
        super().changeEvent(event)

    def drop_row_cache(self) -> None:
        self._rows.clear()
        self._cached_bytes = 0
        self._look = None

    def _current_look(self) -> _Look:
        """Colours and font of the current palette, kept between repaints: every call that
        returns a new Qt object (a palette, a colour, a font) may have to wait for the GIL again
        while worker threads are busy, so a repaint makes as few of them as it can."""
        if self._look is None:
            palette = self.palette()
            group = QtGui.QPalette.ColorGroup.Active if self.isActiveWindow() else QtGui.QPalette.ColorGroup.Inactive
            role = QtGui.QPalette.ColorRole
            self._look = _Look(
                palette=palette, group=group, key=(group, palette.cacheKey(), self.font().key()),
                base=palette.color(group, role.Base), alternate=palette.color(group, role.AlternateBase),
                highlight=palette.color(group, role.Highlight),
                highlighted_text=palette.color(group, role.HighlightedText),
            )
        return self._look

    def _paint_rows(self, painter: QtGui.QPainter, model: LeadTableModel, area: QtCore.QRect) -> None:
        look = self._current_look()
        painter.fillRect(area, look.base)
        rows = model.rowCount()
        first = self.rowAt(area.top()) if rows else -1
        if first < 0:
            return
        last = self.rowAt(area.bottom())
        last = rows - 1 if last < 0 else last
        columns = tuple((col, self.columnViewportPosition(col), self.columnWidth(col))
                        for col in range(len(Column)) if not self.isColumnHidden(col))
        viewport = self.viewport()
        width = viewport.width()
        ratio = viewport.devicePixelRatioF()
        selected_rows = self._selected_rows(first, last)
        current_row = -1
        if self.hasFocus():
            current = self.currentIndex()
            current_row = current.row() if current.isValid() else -1
        shape = (columns, width, ratio, look.key)
        alternate = look.alternate if self.alternatingRowColors() else None
        row_y, row_height = self.rowViewportPosition(first), self.rowHeight(first)  # rows are all alike
        for row in range(first, last + 1):
            y = row_y + (row - first) * row_height
            selected = row in selected_rows
            # backgrounds are filled here, not cached: a row moving shifts its neighbours' stripes
            if selected:
                painter.fillRect(0, y, width, row_height, look.highlight)
            elif alternate is not None and row % 2:
                painter.fillRect(0, y, width, row_height, alternate)
            key = (tuple(model.row_display(row)), model.badge_tone(row), selected, row_height, shape)
            pixmap = self._rows.get(key)
            if pixmap is None:
                pixmap = self._render_row(key, look.palette, look.group, width, row_height, ratio)
            else:
                self._rows.move_to_end(key)
            painter.drawPixmap(0, y, pixmap)
            if row == current_row:
                painter.setPen(look.highlighted_text if selected else look.highlight)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(0, y, width - 1, row_height - 1)

    def _selected_rows(self, first: int, last: int) -> set[int]:
        """The selected rows among ``first..last``, from the selection's ranges (a few calls per
        repaint instead of one per row)."""
        selection = self.selectionModel()
        if selection is None or not selection.hasSelection():
            return set()
        out: set[int] = set()
        for part in selection.selection():  # type: ignore[attr-defined]  # iterable; the stubs miss it
            top, bottom = max(part.top(), first), min(part.bottom(), last)
            out.update(range(top, bottom + 1))
        return out

    def _render_row(self, key: tuple[object, ...], palette: QtGui.QPalette, group: QtGui.QPalette.ColorGroup,
                    width: int, height: int, ratio: float) -> QtGui.QPixmap:
        cells, tone, selected, _height, look = key
        columns = look[0]  # type: ignore[index]
        role = QtGui.QPalette.ColorRole
        pixmap = QtGui.QPixmap(max(1, round(width * ratio)), max(1, round(height * ratio)))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)  # the row's background is painted under it
        text_colour = palette.color(group, role.HighlightedText if selected else role.Text)
        painter = QtGui.QPainter(pixmap)
        try:
            painter.setFont(self.font())
            metrics = painter.fontMetrics()
            for col, x, w in columns:  # type: ignore[attr-defined]
                text = cells[col]  # type: ignore[index]
                cell = QtCore.QRect(x, 0, w, height)
                if col in _BADGES:
                    paint_label_badge(painter, QtCore.QRectF(cell), text, palette, self.font(), str(tone))
                elif text:
                    painter.setPen(text_colour)
                    inner = cell.adjusted(_PAD, 0, -_PAD, 0)
                    shown = elide(metrics, text, col, max(0, inner.width()))
                    painter.drawText(inner, _ALIGNS[col], shown)
        finally:
            painter.end()
        self._rows[key] = pixmap
        self._cached_bytes += pixmap.width() * pixmap.height() * 4
        while self._cached_bytes > self.CACHE_BYTES and len(self._rows) > 1:
            _old, dropped = self._rows.popitem(last=False)
            self._cached_bytes -= dropped.width() * dropped.height() * 4
        return pixmap
