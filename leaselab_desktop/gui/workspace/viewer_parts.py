"""The document viewer's parts: the page canvas (a page scaled to the chosen width, with signal
evidence outlined and numbered on it, a tooltip naming each), a label that elides in the middle,
and the private copy another app opens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from leaselab_desktop.domain.evidence import EvidenceMark
from leaselab_desktop.gui.qt import QtCore, QtGui, QtWidgets

MARK_RED = "#dc1e1e"


class ElidedLabel(QtWidgets.QLabel):
    """One line of text elided in the middle ("paystub_…_march.pdf") when narrow; the tooltip and
    accessible description keep the full text, so nothing is lost to the cut."""

    def __init__(self, text: str = "", parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(40)
        self.set_full_text(text)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self.setAccessibleDescription(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def sizeHint(self) -> QtCore.QSize:
        hint = super().sizeHint()
        return QtCore.QSize(self.fontMetrics().horizontalAdvance(self._full) + 8, hint.height())

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(self.contentsRect().width(), 10)
        shown = self.fontMetrics().elidedText(self._full, QtCore.Qt.TextElideMode.ElideMiddle, width)
        if shown != self.text():
            self.setText(shown)


@dataclass(frozen=True)
class PlacedMark:
    number: int  # as in the legend
    rect: QtCore.QRectF  # in canvas coordinates
    mark: EvidenceMark


class PageCanvas(QtWidgets.QWidget):
    """Paints one rendered page at ``display_width`` and the evidence marks of that page."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentPage")
        self.setAccessibleName("Document page")
        self.setMouseTracking(True)
        self._pixmap = QtGui.QPixmap()
        self._units_to_px = 1.0  # rendered pixels per PDF point (1.0 for images)
        self._marks: list[tuple[int, EvidenceMark]] = []
        self._width = 0

    def set_page(self, pixmap: QtGui.QPixmap, units_to_px: float, marks: list[tuple[int, EvidenceMark]]) -> None:
        self._pixmap, self._units_to_px, self._marks = pixmap, units_to_px, list(marks)
        self.set_display_width(self._width or pixmap.width())

    def set_display_width(self, width: int) -> None:
        self._width = max(1, width)
        if self._pixmap.isNull():
            self.setFixedSize(0, 0)
            return
        height = round(self._pixmap.height() * self._width / self._pixmap.width())
        self.setFixedSize(self._width, max(1, height))
        self.update()

    @property
    def display_width(self) -> int:
        return self._width

    def placed_marks(self) -> list[PlacedMark]:
        """The marks of this page where they are drawn (for tooltips, and tests)."""
        if self._pixmap.isNull():
            return []
        factor = self._width / self._pixmap.width()
        out: list[PlacedMark] = []
        for number, mark in self._marks:
            per_unit = factor * (self._units_to_px if mark.unit == "pt" else 1.0)
            x0, top, x1, bottom = mark.box
            out.append(PlacedMark(number, QtCore.QRectF(x0 * per_unit, top * per_unit,
                                                        (x1 - x0) * per_unit, (bottom - top) * per_unit), mark))
        return out

    def paintEvent(self, _event: QtGui.QPaintEvent) -> None:
        if self._pixmap.isNull():
            return
        painter = QtGui.QPainter(self)
        try:
            painter.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawPixmap(self.rect(), self._pixmap)
            painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
            for placed in self.placed_marks():
                self._paint_mark(painter, placed)
        finally:
            painter.end()

    def _paint_mark(self, painter: QtGui.QPainter, placed: PlacedMark) -> None:
        colour = mark_colour(placed.mark, self.palette())
        painter.setPen(QtGui.QPen(colour, 2.5))
        fill = QtGui.QColor(colour)
        fill.setAlpha(28)
        painter.setBrush(fill)
        painter.drawRect(placed.rect)
        # the number of the legend entry, in a tab above the box's top-left corner
        text = str(placed.number)
        metrics = painter.fontMetrics()
        tab = QtCore.QRectF(placed.rect.left(), max(0.0, placed.rect.top() - metrics.height() - 2),
                            metrics.horizontalAdvance(text) + 10, metrics.height() + 2)
        painter.setPen(QtCore.Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRect(tab)
        painter.setPen(QtGui.QColor("white"))
        painter.drawText(tab, QtCore.Qt.AlignmentFlag.AlignCenter, text)

    def mark_at(self, pos: QtCore.QPointF) -> PlacedMark | None:
        return next((p for p in self.placed_marks() if p.rect.adjusted(-4, -20, 4, 4).contains(pos)), None)

    def event(self, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.ToolTip and isinstance(event, QtGui.QHelpEvent):
            placed = self.mark_at(QtCore.QPointF(event.pos()))
            if placed is None:
                QtWidgets.QToolTip.hideText()
                event.ignore()
            else:
                QtWidgets.QToolTip.showText(event.globalPos(), mark_tooltip(placed), self)
            return True
        return super().event(event)


def mark_colour(_mark: EvidenceMark, _palette: QtGui.QPalette) -> QtGui.QColor:
    """One red for every outline: it reads on white paper and on photos alike, and the legend
    (not the colour) says what each box is."""
    return QtGui.QColor(MARK_RED)


def mark_tooltip(placed: PlacedMark) -> str:
    text = f"{placed.number}. {placed.mark.title}"
    return f"{text}\n\n{placed.mark.detail}" if placed.mark.detail else text


def _safe_name(name: str) -> str:
    cleaned = re.sub(r"[^\w.\- ]+", "_", name).strip(" ._")  # separators too: never a folder
    return cleaned or "document"


def write_for_opening(folder: Path, name: str, data: bytes) -> Path:
    """The document as a file another app can open: in a folder only this user can read."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    _forget_old_copies(folder)
    target = folder / _safe_name(name)
    target.write_bytes(data)
    target.chmod(0o600)
    return target


def _forget_old_copies(folder: Path, max_age_s: float = 24 * 3600) -> None:
    """Applicants' documents do not pile up decrypted in the temp folder: copies older than a day
    (long closed in the other app) are deleted whenever another one is written."""
    import contextlib
    import time

    cutoff = time.time() - max_age_s
    for entry in folder.iterdir():
        with contextlib.suppress(OSError):
            if entry.is_file() and entry.stat().st_mtime < cutoff:
                entry.unlink()
