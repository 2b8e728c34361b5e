"""The comparison as a Qt table: one row per compared item (with a section row before factors and
signals), one column per applicant after the item's name. Rows that differ are bold and marked
"≠"; their tooltip is the plain sentence that explains the difference."""

from __future__ import annotations

from typing import Any

from leaselab_desktop.gui.qt import QtCore, QtGui
from leaselab_desktop.reports.comparison import Comparison, Row

Qt = QtCore.Qt
ModelIndex = QtCore.QModelIndex | QtCore.QPersistentModelIndex
SECTIONS = {"summary": "", "factor": "Factors", "signal": "Document signals"}
DIFFERS = "≠"


class ComparisonModel(QtCore.QAbstractTableModel):
    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.comparison: Comparison | None = None
        self._items: list[str | Row] = []  # a str is a section title
        self._bold = QtGui.QFont()
        self._bold.setBold(True)

    def set_comparison(self, comparison: Comparison | None) -> None:
        self.beginResetModel()
        self.comparison = comparison
        self._items = []
        kind = "summary"
        for row in comparison.rows if comparison else ():
            if row.kind != kind:
                kind = row.kind
                self._items.append(SECTIONS[kind])
            self._items.append(row)
        self.endResetModel()

    def item(self, row: int) -> str | Row:
        return self._items[row]

    def rowCount(self, parent: ModelIndex = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: ModelIndex = QtCore.QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self.comparison is None:
            return 0
        return 1 + len(self.comparison.applicants)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or self.comparison is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if section == 0:
                return "Compared"
            if 0 < section <= len(self.comparison.applicants):
                return self.comparison.names[section - 1]
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if isinstance(self._items[index.row()], str):
            return Qt.ItemFlag.ItemIsEnabled  # a section title: not selectable
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.comparison is None:
            return None
        if not (0 <= index.row() < len(self._items) and 0 <= index.column() < self.columnCount()):
            return None
        item, col = self._items[index.row()], index.column()
        if isinstance(item, str):
            return self._section_data(item, col, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return (f"{DIFFERS} {item.title}" if item.differs else item.title) if col == 0 else item.cells[col - 1]
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if col == 0:
                return f"{item.title}, differs" if item.differs else f"{item.title}, the same for everyone"
            return f"{self.comparison.names[col - 1]}, {item.title}: {item.cells[col - 1]}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.explanation or "The same for every applicant."
        if role == Qt.ItemDataRole.FontRole and item.differs:
            return self._bold
        return None

    def _section_data(self, title: str, col: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return title if col == 0 else ""
        if role == Qt.ItemDataRole.FontRole:
            return self._bold
        if role == Qt.ItemDataRole.BackgroundRole:
            return QtGui.QGuiApplication.palette().brush(QtGui.QPalette.ColorRole.AlternateBase)
        return None
