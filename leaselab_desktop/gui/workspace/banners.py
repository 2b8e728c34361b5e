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


def run_cost_sentence(u: Usage | None) -> str:
    """Whether a run now counts against the quota, in the meter's words (the Force dialog says it)."""
    if u is None or u.current_counts is None:
        return "A run with a paid AI provider counts against the monthly quota; the built-in rules are free."
    if u.current_counts:
        return (f"A run with {u.current_provider} counts against the monthly quota "
                f"({u.evaluation_count} of {u.quota_limit} paid evaluations used).")
    return f"Runs with the {u.current_provider} are free: they do not count against the monthly quota."


def meter_text(u: Usage) -> str:
    """'0/100 paid evaluations · 20 free (built-in rules)'; 'paid' only where the backend says so."""
    paid = "paid evaluations" if u.counting_rule else "evaluations"
    free = f" · {u.free_count} free ({', '.join(u.free_providers)})" if u.free_count else ""
    return f"{u.evaluation_count}/{u.quota_limit} {paid}{free}"
