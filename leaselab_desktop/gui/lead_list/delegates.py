"""Painting of the label badge (A green, B blue, C amber, D red), readable on light and dark palettes."""

from __future__ import annotations

from leaselab_desktop.gui.lead_list.model import LABEL_ROLE
from leaselab_desktop.gui.qt import Qt, QtCore, QtGui, QtWidgets

# (light-palette colour, dark-palette colour) per label
_LABEL_COLOURS: dict[str, tuple[str, str]] = {
    "A": ("#1e7e34", "#4cc76a"),
    "B": ("#1f5fbf", "#5c9cf0"),
    "C": ("#b26a00", "#f0b041"),
    "D": ("#c0262d", "#f06a6f"),
}
LABEL_MEANING: dict[str, str] = {
    "A": "strongly recommend",
    "B": "check further",
    "C": "no go",
    "D": "decline (older data)",
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


class LabelBadgeDelegate(QtWidgets.QStyledItemDelegate):
    """Draws the label as a rounded pill; unlabelled rows show a faint dash."""

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

        label = str(index.data(LABEL_ROLE) or "")
        palette = option.palette
        colour = label_colour(label, palette)
        painter.save()
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        rect = QtCore.QRectF(option.rect)
        if colour is None:
            painter.setPen(palette.color(QtGui.QPalette.ColorRole.PlaceholderText))
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), "–")
            painter.restore()
            return
        height = min(rect.height() - 6, option.fontMetrics.height() + 4)
        width = max(height * 1.6, float(option.fontMetrics.horizontalAdvance(label) + 14))
        pill = QtCore.QRectF(0, 0, width, height)
        pill.moveCenter(rect.center())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(pill, height / 2, height / 2)
        font = QtGui.QFont(option.font)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(badge_text_colour(colour))
        painter.drawText(pill, int(Qt.AlignmentFlag.AlignCenter), label)
        painter.restore()

    def sizeHint(
        self,
        option: QtWidgets.QStyleOptionViewItem,
        index: QtCore.QModelIndex | QtCore.QPersistentModelIndex,
    ) -> QtCore.QSize:
        base = super().sizeHint(option, index)
        return QtCore.QSize(max(base.width(), 56), base.height())
