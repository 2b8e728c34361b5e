"""Where a notification goes on each OS (tray message or the in-window toast)."""

from __future__ import annotations

import pytest

from leaselab_desktop.gui.notify import Notifier, choose_channel
from leaselab_desktop.gui.qt import QtWidgets

CAPABLE = {"tray_available": True, "supports_messages": True}


@pytest.mark.parametrize(
    ("platform", "bundled", "where"),
    [
        ("win32", False, "Windows notifications (Action Center)"),
        ("darwin", True, "macOS Notification Center"),
        ("linux", False, "the desktop's notifications (D-Bus)"),
    ],
)
def test_system_notifications_where_the_os_shows_them(platform: str, bundled: bool, where: str) -> None:
    channel = choose_channel(platform, bundled=bundled, **CAPABLE)
    assert channel.system and channel.where == where


def test_macos_from_a_source_checkout_uses_the_toast() -> None:
    # Notification Center ignores an unbundled Python process: the message would vanish.
    assert not choose_channel("darwin", bundled=False, **CAPABLE).system


@pytest.mark.parametrize("platform", ["win32", "darwin", "linux"])
@pytest.mark.parametrize(("tray", "messages"), [(False, True), (True, False), (False, False)])
def test_no_tray_or_no_messages_uses_the_toast(platform: str, tray: bool, messages: bool) -> None:
    channel = choose_channel(platform, tray_available=tray, supports_messages=messages, bundled=True)
    assert not channel.system and "toast" in channel.where


def test_real_notifier_on_this_os(qtbot) -> None:  # type: ignore[no-untyped-def]
    """No injection: what this OS's Qt reports decides; offscreen (CI) has no tray, so the toast shows."""
    window = QtWidgets.QWidget()
    qtbot.addWidget(window)
    window.resize(800, 600)
    notifier = Notifier(window)
    expected = choose_channel(
        None, tray_available=QtWidgets.QSystemTrayIcon.isSystemTrayAvailable(),
        supports_messages=QtWidgets.QSystemTrayIcon.supportsMessages(), bundled=False,
    )  # fmt: skip
    assert notifier.channel == expected
    notifier.notify("Evaluation finished", "Ana Lima: B")
    assert notifier.sent == [("Evaluation finished", "Ana Lima: B")]
    if not expected.system:
        assert notifier.toast.isVisibleTo(window) and "Evaluation finished" in notifier.toast.text()
    notifier.shutdown()
    assert not notifier.toast.timer.isActive()
