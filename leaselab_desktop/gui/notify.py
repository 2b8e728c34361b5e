"""Desktop notifications: the system tray when there is one, otherwise a toast inside the window."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from leaselab_desktop import platforms
from leaselab_desktop.gui.qt import QObject, QtCore, QtGui, QTimer, QtWidgets

TOAST_MS = 6000


@dataclass(frozen=True)
class Channel:
    system: bool  # True: the OS shows it (tray icon message); False: the toast inside the window
    where: str  # for logs and the About box: where the agent will see it


def choose_channel(
    platform: str | None, *, tray_available: bool, supports_messages: bool, bundled: bool
) -> Channel:
    """Where a notification goes on this OS. ``bundled``: running from the frozen app.

    macOS shows a tray icon's messages in Notification Center only for an app bundle; from a
    source checkout (``scripts/run-app``) Qt accepts them and nothing appears, so the toast is used.
    Linux needs a tray (StatusNotifier/XEmbed) and a notification daemon (D-Bus), which GNOME
    without extensions lacks; Windows always has both outside a locked-down session."""
    fam = platforms.family(platform)
    if not (tray_available and supports_messages) or (fam == "macos" and not bundled):
        return Channel(False, "the window's notification toast")
    return Channel(True, {
        "windows": "Windows notifications (Action Center)",
        "macos": "macOS Notification Center",
        "linux": "the desktop's notifications (D-Bus)",
    }[fam])  # fmt: skip


class Toast(QtWidgets.QLabel):
    """A rounded message in the window's bottom-right corner that hides itself."""

    def __init__(self, parent: QtWidgets.QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("toast")
        self.setAccessibleName("Notification")
        self.setWordWrap(True)
        self.setMargin(12)
        self.setMaximumWidth(360)
        self.setMinimumWidth(240)
        self.setAutoFillBackground(True)
        self._apply_palette()
        self.setFrameShape(QtWidgets.QFrame.Shape.Box)
        self.timer = QTimer(self)
        self.timer.setObjectName("toastTimer")
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.hide)
        self.hide()

    def _apply_palette(self) -> None:
        self._tinting = True
        app = QtWidgets.QApplication.palette()
        pal = QtGui.QPalette()  # only these roles are set; the rest follows the parent
        pal.setColor(QtGui.QPalette.ColorRole.Window, app.color(QtGui.QPalette.ColorRole.ToolTipBase))
        pal.setColor(QtGui.QPalette.ColorRole.WindowText, app.color(QtGui.QPalette.ColorRole.ToolTipText))
        try:
            self.setPalette(pal)
        finally:
            self._tinting = False

    def changeEvent(self, event: QtCore.QEvent) -> None:
        # a system light/dark switch arrives as PaletteChange; our own setPalette does too (guarded)
        if event.type() == QtCore.QEvent.Type.PaletteChange and not getattr(self, "_tinting", True):
            self._apply_palette()
        super().changeEvent(event)

    def show_message(self, title: str, message: str, ms: int = TOAST_MS) -> None:
        self.setText(f"<b>{QtCore.QCoreApplication.translate('toast', title)}</b><br>{message}")
        self.adjustSize()
        parent = self.parentWidget()
        if parent is not None:
            margin = 16
            self.move(parent.width() - self.width() - margin, parent.height() - self.height() - 40)
        self.raise_()
        self.show()
        self.timer.start(ms)

    def hideEvent(self, event: QtGui.QHideEvent) -> None:
        self.timer.stop()
        super().hideEvent(event)


class Notifier(QObject):
    """``notify(title, message)``; uses the tray when ``use_tray`` (default: ``choose_channel`` for
    this OS and what Qt reports; ``platform`` injectable for tests)."""

    def __init__(
        self, window: QtWidgets.QWidget, icon: QtGui.QIcon | None = None, use_tray: bool | None = None,
        platform: str | None = None,
    ) -> None:  # fmt: skip
        super().__init__(window)
        self._window = window
        self.toast = Toast(window)
        self.channel = choose_channel(
            platform,
            tray_available=QtWidgets.QSystemTrayIcon.isSystemTrayAvailable(),
            supports_messages=QtWidgets.QSystemTrayIcon.supportsMessages(),
            bundled=bool(getattr(sys, "frozen", False)),
        )
        if use_tray is None:
            use_tray = self.channel.system
        elif not use_tray:
            self.channel = Channel(False, "the window's notification toast")
        self.tray: QtWidgets.QSystemTrayIcon | None = None
        if use_tray:
            self.tray = QtWidgets.QSystemTrayIcon(icon or window.windowIcon(), self)
            self.tray.setToolTip("LeaseLab Desktop")
            self.tray.show()
        self.sent: list[tuple[str, str]] = []

    def notify(self, title: str, message: str) -> None:
        self.sent.append((title, message))
        if self.tray is not None and QtWidgets.QSystemTrayIcon.supportsMessages():
            self.tray.showMessage(title, message, QtWidgets.QSystemTrayIcon.MessageIcon.Information, TOAST_MS)
        else:
            self.toast.show_message(title, message)

    def notify_if_inactive(self, title: str, message: str) -> bool:
        """Only when the window is not the active one (the agent is elsewhere)."""
        if self._window.isActiveWindow() and self._window.isVisible() and not self._window.isMinimized():
            return False
        self.notify(title, message)
        return True

    def shutdown(self) -> None:
        self.toast.timer.stop()
        if self.tray is not None:
            self.tray.hide()

