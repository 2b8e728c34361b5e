"""Palette-aware colours and small formatting helpers of the workspace.

Colours are derived from the current QPalette: the same hue is shown darker on a light window and
lighter on a dark one, so labels stay readable in both system themes.
"""

from __future__ import annotations

from datetime import datetime

from leaselab_desktop.domain.timefmt import fmt_datetime, fmt_money
from leaselab_desktop.gui.lead_list.cells import RECOMMENDATION_TONE
from leaselab_desktop.gui.qt import QtGui

# (on a light window, on a dark window)
_LABEL = {
    "A": ("#1e7e34", "#5fd07c"),  # green
    "B": ("#1a5fc4", "#7cb0ff"),  # blue
    "C": ("#a86400", "#f5b342"),  # amber
    "D": ("#c0261f", "#f28b82"),  # red
}
_SEVERITY = {"low": "B", "medium": "C", "high": "D"}
_STEP = {"complete": "A", "running": "B", "retrying": "C", "errored": "D"}


def is_dark(palette: QtGui.QPalette) -> bool:
    return palette.color(QtGui.QPalette.ColorRole.Window).lightness() < 128


def _pick(pair: tuple[str, str] | None, palette: QtGui.QPalette) -> QtGui.QColor:
    if pair is None:
        return palette.color(QtGui.QPalette.ColorRole.PlaceholderText)
    return QtGui.QColor(pair[1] if is_dark(palette) else pair[0])


def label_color(label: str | None, palette: QtGui.QPalette) -> QtGui.QColor:
    return _pick(_LABEL.get((label or "").upper()), palette)


def severity_color(severity: str | None, palette: QtGui.QPalette) -> QtGui.QColor:
    return label_color(_SEVERITY.get((severity or "").lower()), palette)


def recommendation_color(rec: str | None, palette: QtGui.QPalette) -> QtGui.QColor:
    return label_color(RECOMMENDATION_TONE.get(rec or ""), palette)


def step_color(status: str, palette: QtGui.QPalette) -> QtGui.QColor:
    return label_color(_STEP.get(status), palette)


def fraction_color(fraction: float, palette: QtGui.QPalette) -> QtGui.QColor:
    return label_color("A" if fraction >= 0.8 else "B" if fraction >= 0.5 else "C", palette)


def chip_qss(color: QtGui.QColor, palette: QtGui.QPalette) -> str:
    """A rounded pill: tinted background, coloured text and border, readable in light and dark."""
    bg = QtGui.QColor(color)
    bg.setAlpha(40 if not is_dark(palette) else 60)
    return (
        f"color: {color.name()}; background-color: rgba({bg.red()},{bg.green()},{bg.blue()},"
        f"{bg.alpha()}); border: 1px solid {color.name()}; border-radius: 9px; padding: 1px 8px;"
        " font-weight: 600;"
    )


def human(code: str | None) -> str:
    """'approve_with_verification' → 'Approve with verification'."""
    if not code:
        return "—"
    words = code.replace("_", " ").replace("-", " ").split()
    words = ["AI" if w.lower() == "ai" else w for w in words]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def money(value: float | None) -> str:
    return fmt_money(value)  # the one money format (domain/timefmt.py), the system locale's


def when(value: datetime | None) -> str:
    return fmt_datetime(value)  # the one date-and-time format, the system locale's


def size(n: int) -> str:
    step = 1024.0
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < step or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= step
    return f"{n} B"


def duration(ms: float | None) -> str:
    if ms is None:
        return ""
    if ms < 1000:
        return f"{ms:.0f} ms"
    if ms < 60_000:
        return f"{ms / 1000:.1f} s"
    return f"{int(ms // 60_000)} min {int(ms % 60_000 // 1000)} s"
