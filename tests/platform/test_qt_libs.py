"""The Linux desktop check before Qt starts: which libraries, when it applies, what it prints."""

from __future__ import annotations

import ctypes.util

import pytest

from leaselab_desktop import cli
from leaselab_desktop.qt_libs import REQUIRED, install_advice, missing_libraries, uses_xcb

X11 = {"DISPLAY": ":0"}


def _only(*present: str):
    return lambda name: f"lib{name}.so" if name in present else None


@pytest.mark.parametrize(
    ("env", "platform", "expected"),
    [
        (X11, "linux", True),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}, "linux", True),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux", False),
        ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, "linux", False),
        ({}, "linux", False),  # no display: Qt's own message is the right one
        (X11, "win32", False),
        (X11, "darwin", False),
    ],
)
def test_the_check_applies_only_where_qt_would_use_xcb(env, platform, expected):
    assert uses_xcb(env, platform) is expected


def test_missing_libraries_are_named_with_their_packages():
    missing = missing_libraries(X11, "linux", find=_only("xcb-cursor", "xkbcommon-x11"))
    assert [lib[1] for lib in missing] == ["libxcb-icccm4", "libxcb-keysyms1"]
    advice = install_advice(missing)
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in advice
    assert "sudo dnf install xcb-util-wm xcb-util-keysyms" in advice
    assert missing_libraries(X11, "linux", find=_only(*(lib[0] for lib in REQUIRED))) == []


def test_the_app_stops_before_qt_with_the_install_command(monkeypatch, capsys):
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr("leaselab_desktop.qt_libs.family", lambda platform=None: "linux")
    monkeypatch.setattr(ctypes.util, "find_library", _only("xcb-icccm", "xcb-keysyms", "xkbcommon-x11"))
    assert cli.main([]) == 3
    err = capsys.readouterr().err
    assert "sudo apt-get install libxcb-cursor0" in err
    assert "Traceback" not in err


def test_screenshots_and_smoke_tests_run_offscreen_without_the_check(monkeypatch):
    called = []
    monkeypatch.setattr(cli, "missing_libraries", lambda env: called.append(env) or [("x", "y", "z")])
    monkeypatch.setattr("leaselab_desktop.gui.app.run_gui", lambda args: 0)
    assert cli.main(["--smoke-test"]) == 0
    assert called == []
