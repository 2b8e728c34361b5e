"""Painting of the label badge, readable on light, dark and high-contrast palettes.

The badge's colour is the recommendation's, as the result card colours it (approve green, with
conditions blue, with verification amber, reject red), never the letter's: a "B" beside "Reject" is
red. When the recommendation is unknown (a server that does not send it) the badge is outlined in
the text colour, so no colour can contradict it."""

from __future__ import annotations

from leaselab_desktop.gui.lead_list.cells import RECOMMENDATION_TONE
from leaselab_desktop.gui.lead_list.model import LABEL_ROLE, RECOMMENDATION_ROLE
from leaselab_desktop.gui.qt import Qt, QtCore, QtGui, QtWidgets

# (light-palette colour, dark-palette colour) per tone (the recommendation's, as letters)
_LABEL_COLOURS: dict[str, tuple[str, str]] = {
    "A": ("#1e7e34", "#4cc76a"),
    "B": ("#1f5fbf", "#5c9cf0"),
    "C": ("#b26a00", "#f0b041"),
    "D": ("#c0262d", "#f06a6f"),
}
# The label filter's words: the score band only. The policy's meanings ("C: no go") would
# contradict a "C" lead recommended "Approve with verification"; the recommendation says that.
LABEL_MEANING: dict[str, str] = {
    "A": "highest scores",
    "B": "middle scores",
    "C": "lowest scores",
    "D": "older data",
}


def is_dark(palette: QtGui.QPalette) -> bool:
    return palette.color(QtGui.QPalette.ColorRole.Window).lightness() < 128


def label_colour(label: str, palette: QtGui.QPalette) -> QtGui.QColor | None:
    pair = _LABEL_COLOURS.get(label.upper()) if label else None
    if pair is None:
        return None
    return QtGui.QColor(pair[1] if is_dark(palette) else pair[0])


def badge_text_colour(background: QtGui.QColor) -> QtGui.QColor:
    """Black or white, whichever reads better on ``background``."""
    r, g, b = background.redF(), background.greenF(), background.blueF()
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return QtGui.QColor("#111111" if luminance > 0.45 else "#ffffff")


def badge_colour(recommendation: str, palette: QtGui.QPalette) -> QtGui.QColor | None:
    """The badge's fill: the recommendation's tone; None when the recommendation is unknown."""
    return label_colour(RECOMMENDATION_TONE.get(recommendation, ""), palette)


def paint_label_badge(painter: QtGui.QPainter, cell: QtCore.QRectF, label: str, palette: QtGui.QPalette,
                      font: QtGui.QFont, recommendation: str = "") -> None:
    """The label as a rounded pill centred in ``cell``, filled with the recommendation's colour
    (outlined when it is unknown); a faint dash when there is no label."""
    colour = badge_colour(recommendation, palette)
    painter.save()
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    if not label:
        painter.setPen(palette.color(QtGui.QPalette.ColorRole.PlaceholderText))
        painter.drawText(cell, int(Qt.AlignmentFlag.AlignCenter), "–")
        painter.restore()
        return
    metrics = QtGui.QFontMetrics(font)
    height = min(cell.height() - 6, metrics.height() + 4)
    pill = QtCore.QRectF(0, 0, max(height * 1.6, float(metrics.horizontalAdvance(label) + 14)), height)
    pill.moveCenter(cell.center())
    if colour is None:
        text = palette.color(QtGui.QPalette.ColorRole.Text)
        painter.setPen(QtGui.QPen(text, 1.2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        pill.adjust(0.6, 0.6, -0.6, -0.6)
    else:
        text = badge_text_colour(colour)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
    painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
    bold = QtGui.QFont(font)
    bold.setBold(True)
    painter.setFont(bold)
    painter.setPen(text)
    painter.drawText(pill, int(Qt.AlignmentFlag.AlignCenter), label)
    painter.restore()


class LabelBadgeDelegate(QtWidgets.QStyledItemDelegate):
    """Draws the label as a rounded pill in the recommendation's colour; unlabelled rows show a dash."""

    def paint(
        self,
        painter: QtGui.QPainter,
        option: QtWidgets.QStyleOptionViewItem,
        index: QtCore.QModelIndex | QtCore.QPersistentModelIndex,
    ) -> None:
        # background/selection as the style draws it, without text
        opt = QtWidgets.QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else QtWidgets.QApplication.style()
        style.drawControl(QtWidgets.QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)

        paint_label_badge(painter, QtCore.QRectF(option.rect), str(index.data(LABEL_ROLE) or ""),
                          option.palette, option.font, str(index.data(RECOMMENDATION_ROLE) or ""))

    def sizeHint(
        self,
        option: QtWidgets.QStyleOptionViewItem,
        index: QtCore.QModelIndex | QtCore.QPersistentModelIndex,
    ) -> QtCore.QSize:
        base = super().sizeHint(option, index)
        return QtCore.QSize(max(base.width(), 56), base.height())
