"""The main window's size, position and splitters, kept between sessions.

Stored with QSettings in an INI file whose path is given (the data folder's ``window.ini``; tests
pass a temporary one). A saved position that no connected screen shows any more (a monitor was
unplugged) is moved back onto the primary screen, and a size larger than that screen is shrunk to it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from leaselab_desktop.gui.qt import QtCore, QtGui, QtWidgets

_MIN_VISIBLE = 120  # px of the title bar that must stay on a screen to grab it


class HasLayout(Protocol):
    def save_layout(self) -> QtCore.QByteArray: ...
    def restore_layout(self, state: QtCore.QByteArray) -> bool: ...


def layouts_of(window: QtWidgets.QWidget) -> dict[str, HasLayout]:
    """The window's parts with a layout to keep: its panes and, when it has one, the workspace's."""
    parts: dict[str, HasLayout] = {}
    for name, attr in (("main", "panes"), ("workspace", "workspace")):
        part = getattr(window, attr, None)
        if part is not None and hasattr(part, "save_layout") and hasattr(part, "restore_layout"):
            parts[name] = part
    return parts


class WindowState(QtCore.QObject):
    """Restores ``window`` on request and saves it when it closes (an event filter: the window's
    own close handling stays as it is)."""

    def __init__(self, path: Path, window: QtWidgets.QWidget) -> None:
        super().__init__(window)
        self.path = path
        self.window = window
        self._settings = QtCore.QSettings(str(path), QtCore.QSettings.Format.IniFormat)
        window.installEventFilter(self)

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if watched is self.window and event.type() == QtCore.QEvent.Type.Close:
            self.save()
        return False

    def save(self) -> None:
        window, layouts = self.window, layouts_of(self.window)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            return  # a read-only data folder: the layout is not kept, the app goes on
        s = self._settings
        s.setValue("window/geometry", window.saveGeometry())
        s.setValue("window/maximized", window.isMaximized())
        for name, part in layouts.items():
            s.setValue(f"splitters/{name}", part.save_layout())
        s.sync()

    def restore(self) -> bool:
        """Apply what was saved; False when nothing (usable) was."""
        window, layouts = self.window, layouts_of(self.window)
        geometry = self._settings.value("window/geometry")
        restored = isinstance(geometry, QtCore.QByteArray) and window.restoreGeometry(geometry)
        if restored:
            clamp_to_screens(window)
        for name, part in layouts.items():
            state = self._settings.value(f"splitters/{name}")
            if isinstance(state, QtCore.QByteArray) and not state.isEmpty():
                part.restore_layout(state)
        if restored and str(self._settings.value("window/maximized", "false")).lower() == "true":
            window.setWindowState(window.windowState() | QtCore.Qt.WindowState.WindowMaximized)
        return restored


def clamp_to_screens(window: QtWidgets.QWidget, screens: list[QtCore.QRect] | None = None) -> QtCore.QRect:
    """Keep the window on a visible screen: shrink it to the screen and pull its title bar into it."""
    areas = screens if screens is not None else [s.availableGeometry() for s in QtGui.QGuiApplication.screens()]
    if not areas:
        return window.geometry()
    frame = window.geometry()
    title = QtCore.QRect(frame.left(), frame.top(), frame.width(), 30)
    home = next((a for a in areas if a.intersected(title).width() >= min(_MIN_VISIBLE, frame.width())), None)
    area = home or areas[0]
    width, height = min(frame.width(), area.width()), min(frame.height(), area.height())
    left = min(max(frame.left(), area.left()), area.right() - width + 1)
    top = min(max(frame.top(), area.top()), area.bottom() - height + 1)
    placed = QtCore.QRect(left, top, width, height)
    if placed != frame:
        window.setGeometry(placed)
    return placed
