"""A custom-painted score gauge (0–100) coloured by label, following the palette."""

from __future__ import annotations

from leaselab_desktop.gui.qt import QtCore, QtGui, QtWidgets
from leaselab_desktop.gui.workspace.style import label_color

_START = 225.0  # degrees, Qt counts counter-clockwise from 3 o'clock
_SPAN = -270.0


class ScoreGauge(QtWidgets.QWidget):
    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scoreGauge")
        self.setAccessibleName("Score gauge")
        self._score: int | None = None
        self._label: str | None = None
        self.setMinimumSize(120, 120)
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Fixed, QtWidgets.QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(128, 128)

    @property
    def score(self) -> int | None:
        return self._score

    def set_score(self, score: int | None, label: str | None = None) -> None:
        if score is not None and not 0 <= score <= 100:
            raise ValueError(f"score must be within 0..100, got {score}")
        self._score = score
        self._label = label if score is not None else None  # bands are policy: the label comes with the score
        self.setAccessibleDescription(
            "No score" if score is None else f"Score {score} of 100, label {self._label}"
        )
        self.update()

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        pal = self.palette()
        p = QtGui.QPainter(self)
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        side = min(self.width(), self.height())
        pen_w = max(8.0, side / 11)
        rect = QtCore.QRectF(
            (self.width() - side) / 2 + pen_w / 2, (self.height() - side) / 2 + pen_w / 2,
            side - pen_w, side - pen_w,
        )
        track = QtGui.QPen(pal.color(QtGui.QPalette.ColorRole.Midlight), pen_w)
        track.setCapStyle(QtCore.Qt.PenCapStyle.RoundCap)
        p.setPen(track)
        p.drawArc(rect, int(_START * 16), int(_SPAN * 16))
        if self._score is not None:
            colour = label_color(self._label, pal)
            value = QtGui.QPen(colour, pen_w)
            value.setCapStyle(QtCore.Qt.PenCapStyle.RoundCap)
            p.setPen(value)
            span = _SPAN * self._score / 100
            if self._score > 0:
                p.drawArc(rect, int(_START * 16), int(span * 16))
        text = "—" if self._score is None else str(self._score)
        font = QtGui.QFont(self.font())
        font.setPointSizeF(max(9.0, side / 5.2))
        font.setWeight(QtGui.QFont.Weight.Bold)
        p.setFont(font)
        p.setPen(pal.color(QtGui.QPalette.ColorRole.WindowText))
        p.drawText(rect, QtCore.Qt.AlignmentFlag.AlignCenter, text)
        small = QtGui.QFont(self.font())
        small.setPointSizeF(max(7.0, side / 14))
        p.setFont(small)
        p.setPen(pal.color(QtGui.QPalette.ColorRole.PlaceholderText))
        below = rect.adjusted(0, rect.height() / 2 + side * 0.16, 0, 0)
        p.drawText(below, QtCore.Qt.AlignmentFlag.AlignHCenter | QtCore.Qt.AlignmentFlag.AlignTop,
                   "of 100")
        p.end()
