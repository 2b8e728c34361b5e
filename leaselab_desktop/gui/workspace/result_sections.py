"""The sections of the result card: factor bars, signals with severity, flags, what would change."""

from __future__ import annotations

from html import escape

from leaselab_desktop.domain.models import Evaluation, Factor, Signal
from leaselab_desktop.domain.wording import factor_name, plain, severity_name, signal_name
from leaselab_desktop.gui.qt import QtCore, QtGui, QtWidgets
from leaselab_desktop.gui.workspace.style import chip_qss, fraction_color, severity_color


class FactorBar(QtWidgets.QWidget):
    """points of max_points as a rounded bar in a palette-derived colour."""

    def __init__(self, factor: Factor, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.fraction = 0.0 if factor.max_points <= 0 else max(0.0, min(1.0, factor.points / factor.max_points))
        self.setMinimumSize(60, 12)
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Fixed)
        self.setAccessibleName(f"{factor_name(factor.code)}: {factor.points:g} of {factor.max_points:g} points")

    def sizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(160, 12)

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        pal = self.palette()
        p = QtGui.QPainter(self)
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        r = QtCore.QRectF(self.rect()).adjusted(0.5, 1.5, -0.5, -1.5)
        p.setPen(QtCore.Qt.PenStyle.NoPen)
        p.setBrush(pal.color(QtGui.QPalette.ColorRole.Midlight))
        p.drawRoundedRect(r, r.height() / 2, r.height() / 2)
        if self.fraction > 0:
            filled = QtCore.QRectF(r.x(), r.y(), max(r.height(), r.width() * self.fraction), r.height())
            p.setBrush(fraction_color(self.fraction, pal))
            p.drawRoundedRect(filled, r.height() / 2, r.height() / 2)
        p.end()


def clear_layout(layout: QtWidgets.QLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            break
        w = item.widget()
        inner = item.layout()
        if w is not None:
            w.hide()
            w.deleteLater()
        elif inner is not None:
            clear_layout(inner)


def heading(text: str, parent: QtWidgets.QWidget) -> QtWidgets.QLabel:
    lab = QtWidgets.QLabel(text, parent)
    f = lab.font()
    f.setBold(True)
    lab.setFont(f)
    return lab


def wrap(
    text: str, parent: QtWidgets.QWidget, *, muted: bool = False, rich: bool = False
) -> QtWidgets.QLabel:
    lab = QtWidgets.QLabel(parent)
    lab.setTextFormat(QtCore.Qt.TextFormat.RichText if rich else QtCore.Qt.TextFormat.PlainText)
    lab.setText(text)
    lab.setWordWrap(True)
    lab.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
    if muted:
        lab.setForegroundRole(QtGui.QPalette.ColorRole.PlaceholderText)
    return lab


def build_sections(ev: Evaluation, b: QtWidgets.QWidget, lay: QtWidgets.QVBoxLayout) -> None:
    """Factors (bars with reason, source, standard), signals, flags, what would change."""
    if ev.factors:
        lay.addWidget(heading("Factors", b))
        grid = QtWidgets.QGridLayout()
        grid.setColumnStretch(1, 1)
        for i, f in enumerate(ev.factors):
            name = QtWidgets.QLabel(factor_name(f.code), b)
            points = QtWidgets.QLabel(f"{f.points:g} / {f.max_points:g}", b)
            points.setObjectName(f"factorPoints_{f.code}")
            grid.addWidget(name, i * 2, 0)
            grid.addWidget(FactorBar(f, b), i * 2, 1)
            grid.addWidget(points, i * 2, 2)
            why = plain(f.explanation)
            if f.source:
                why += f"  (source: {plain(f.source)})"
            if f.standard and f.points < f.max_points:
                why += f"\nStandard for full points: {plain(f.standard)}"
            if why:
                grid.addWidget(wrap(why.strip(), b, muted=True), i * 2 + 1, 0, 1, 3)
        lay.addLayout(grid)
    if ev.signals:
        lay.addWidget(heading("Signals", b))
        for s in ev.signals:
            lay.addWidget(signal_row(s, b))
    flags = [("Risk flags", ev.risk_flags), ("Fraud signals", ev.fraud_signals)]
    for title, items in flags:
        if items:
            names = [(signal_name if title == "Fraud signals" else factor_name)(i) for i in items]
            text = f"<b>{title}:</b> " + escape(", ".join(names))
            lab = wrap(text, b, rich=True)
            lab.setObjectName("riskFlags" if title == "Risk flags" else "fraudSignals")
            lay.addWidget(lab)
    if ev.what_would_change:
        lay.addWidget(heading("What would change the outcome", b))
        for item in ev.what_would_change:
            lay.addWidget(wrap("• " + plain(item), b))


def signal_row(s: Signal, parent: QtWidgets.QWidget) -> QtWidgets.QWidget:
    row = QtWidgets.QWidget(parent)
    h = QtWidgets.QHBoxLayout(row)
    h.setContentsMargins(0, 0, 0, 0)
    sev = QtWidgets.QLabel(severity_name(s.severity), row)
    sev.setObjectName(f"signalSeverity_{s.code}")
    sev.setStyleSheet(chip_qss(severity_color(s.severity, parent.palette()), parent.palette()))
    sev.setAlignment(QtCore.Qt.AlignmentFlag.AlignTop)
    text = f"<b>{escape(signal_name(s.code))}</b>"
    if s.document:
        text += f" — {escape(s.document)}"
    if s.message:
        text += f"<br>{escape(plain(s.message))}"
    if s.evidence:
        text += f"<br><i>Evidence:</i> {escape(plain(s.evidence))}"
    body = QtWidgets.QLabel(row)
    body.setObjectName(f"signalText_{s.code}")
    body.setTextFormat(QtCore.Qt.TextFormat.RichText)
    body.setText(text)
    body.setWordWrap(True)
    h.addWidget(sev, 0, QtCore.Qt.AlignmentFlag.AlignTop)
    h.addWidget(body, 1)
    return row
