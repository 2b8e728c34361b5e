"""The evaluation panel's banners (duplicate documents, quota reached): the frame and its texts."""

from __future__ import annotations

from leaselab_desktop.domain.models import Usage
from leaselab_desktop.gui.qt import QtGui, QtWidgets
from leaselab_desktop.gui.workspace.style import chip_qss, label_color


def make_banner(
    name: str, parent: QtWidgets.QWidget
) -> tuple[QtWidgets.QFrame, QtWidgets.QLabel, QtWidgets.QHBoxLayout]:
    frame = QtWidgets.QFrame(parent)
    frame.setObjectName(name)
    frame.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
    frame.setAccessibleName({"duplicateBanner": "Duplicate documents", "quotaBanner": "Quota exceeded"}
                            .get(name, name))
    text = QtWidgets.QLabel(frame)
    text.setObjectName(name + "Text")
    text.setWordWrap(True)
    lay = QtWidgets.QHBoxLayout(frame)
    lay.addWidget(text, 1)
    frame.hide()
    return frame, text, lay


def banner_qss(name: str, label: str, palette: QtGui.QPalette) -> str:
    """The banner ``name`` tinted as the label ``label``'s chip, with flatter corners."""
    chip = chip_qss(label_color(label, palette), palette).replace("border-radius: 9px", "border-radius: 6px")
    return f"#{name} {{{chip}}}"


def usage_sentence(u: Usage | None) -> str:
    """'20 of 20 evaluations used in 2026-11 (free tier). The quota resets on ...', or ''."""
    if u is None:
        return ""
    reset = f" The quota resets on {u.reset_date}." if u.reset_date else ""
    tier = f" ({u.tier} tier)" if u.tier else ""
    return f"{u.evaluation_count} of {u.quota_limit} evaluations used in {u.month}{tier}.{reset}"
