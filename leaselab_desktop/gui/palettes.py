"""The high-contrast appearance: white on black, a bright focus and selection colour, borders that
show. Everything else in the console derives its colours from the palette (badges, chips, banners
pick their dark-window variants on it), so swapping the application palette is the whole switch.

``View → High contrast`` toggles it; the choice is kept in the settings (``Settings.high_contrast``)
and applied at start-up before the window is shown."""

from __future__ import annotations

from leaselab_desktop.gui.qt import QtGui, QtWidgets

# Contrast against black: white 21:1, cyan highlight 14:1, yellow links 19:1, grey hints 9:1. Borders
# (Mid) are white; Midlight, the track of bars and gauges, is a dim grey so an empty bar looks empty.
_HIGH_CONTRAST = (
    ("Window", "#000000"), ("WindowText", "#ffffff"), ("Base", "#000000"), ("AlternateBase", "#141414"),
    ("Text", "#ffffff"), ("Button", "#000000"), ("ButtonText", "#ffffff"), ("BrightText", "#ffffff"),
    ("Highlight", "#00e5ff"), ("HighlightedText", "#000000"), ("ToolTipBase", "#000000"),
    ("ToolTipText", "#ffffff"), ("PlaceholderText", "#bdbdbd"), ("Link", "#ffff00"), ("LinkVisited", "#ff80ff"),
    ("Light", "#ffffff"), ("Midlight", "#4d4d4d"), ("Mid", "#ffffff"), ("Dark", "#ffffff"), ("Shadow", "#ffffff"),
)
_DISABLED = "#9e9e9e"  # still 7.7:1 on black, yet plainly dimmer than enabled text
_system: QtGui.QPalette | None = None  # the palette the system gave, restored when switched off


def high_contrast_palette() -> QtGui.QPalette:
    pal = QtGui.QPalette()
    role = QtGui.QPalette.ColorRole
    for name, colour in _HIGH_CONTRAST:
        pal.setColor(getattr(role, name), QtGui.QColor(colour))
    for name in ("Text", "ButtonText", "WindowText"):
        pal.setColor(QtGui.QPalette.ColorGroup.Disabled, getattr(role, name), QtGui.QColor(_DISABLED))
    return pal


def is_high_contrast(app: QtWidgets.QApplication) -> bool:
    return bool(app.property("highContrast"))


def apply_high_contrast(app: QtWidgets.QApplication, on: bool) -> None:
    """Switch the application to the high-contrast palette, or back to the system's."""
    global _system
    if on == is_high_contrast(app):
        return
    if on:
        _system = QtGui.QPalette(app.palette())
        app.setPalette(high_contrast_palette())
    else:
        app.setPalette(_system if _system is not None else app.style().standardPalette())
    app.setProperty("highContrast", on)
    app.setStyleSheet(app.styleSheet())  # re-resolve palette(...) references in the stylesheet
