"""Opening a file in the OS's default application: os.startfile / open / xdg-open."""

from __future__ import annotations

import functools
import os
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from leaselab_desktop.platforms import long_path, open_command, open_externally

ON_WINDOWS, ON_MACOS = sys.platform == "win32", sys.platform == "darwin"


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "compliance report.pdf"  # a space: must stay one argument
    path.write_bytes(b"%PDF-1.4\n%%EOF\n")
    return path


@pytest.mark.parametrize(("platform", "tool"), [("darwin", "open"), ("linux", "xdg-open"), ("freebsd14", "xdg-open")])
def test_unix_opens_with_the_desktop_tool(platform: str, tool: str, report: Path) -> None:
    ran: list[list[str]] = []

    def runner(argv: Sequence[str]) -> None:
        ran.append(list(argv))

    open_externally(report, platform=platform, runner=runner, startfile=lambda _: pytest.fail("not on Unix"))
    assert ran == [[tool, str(report)]]


def test_windows_opens_with_startfile(report: Path) -> None:
    started: list[str] = []
    open_externally(report, platform="win32", runner=lambda _: pytest.fail("no subprocess"), startfile=started.append)
    assert started == [str(report)]
    assert open_command(report, "win32") is None


@pytest.mark.skipif(not ON_WINDOWS, reason="needs a drive-letter path on disk; long_path's rule on "
                    "Windows path strings is tested on every OS in test_platform_import.py")
def test_windows_hands_startfile_a_long_path_it_can_open(report: Path) -> None:
    started: list[str] = []
    deep = report.parent / ("d" * 120) / ("e" * 120)
    os.makedirs(long_path(deep))  # over 248 characters: needs the prefix itself
    target = deep / report.name
    Path(long_path(target)).write_bytes(report.read_bytes())
    open_externally(target, platform="win32", startfile=started.append)
    assert len(str(target)) > 260 and started[0].startswith("\\\\?\\")


def test_a_missing_file_is_refused_before_any_tool_runs(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        open_externally(tmp_path / "gone.pdf", platform="linux", runner=lambda _: pytest.fail("ran"))


def test_no_opener_installed_is_an_oserror(report: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(report.parent))  # nowhere to find xdg-open
    with pytest.raises(OSError, match="not installed"):
        open_externally(report, platform="linux")
    if not hasattr(os, "startfile"):
        with pytest.raises(OSError, match="only available on Windows"):
            open_externally(report, platform="win32")


@pytest.mark.skipif(ON_WINDOWS, reason="the stand-in xdg-open is a sh script; Windows uses os.startfile")
def test_the_spawned_opener_gets_the_path_as_one_argument(
    report: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir, marker = tmp_path / "bin", tmp_path / "opened.txt"
    bin_dir.mkdir()
    tool = bin_dir / "xdg-open"
    tool.write_text(f'#!/bin/sh\nprintf "%s|%s" "$#" "$1" > "{marker}"\n', encoding="utf-8")
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    open_externally(report, platform="linux")  # no runner: the real, detached spawn
    deadline = time.monotonic() + 10
    while not marker.exists() or not marker.read_text(encoding="utf-8"):
        assert time.monotonic() < deadline, "xdg-open was never run"
        time.sleep(0.02)
    assert marker.read_text(encoding="utf-8") == f"1|{report}"


def test_this_os_has_its_opener() -> None:
    """No injection: the tool open_externally would use exists on this OS."""
    if ON_WINDOWS:
        assert callable(getattr(os, "startfile", None))
    elif ON_MACOS:
        assert shutil.which("open") == "/usr/bin/open"
    elif shutil.which("xdg-open") is None:
        pytest.skip("xdg-open (xdg-utils) is not installed on this machine; Linux desktops ship it")
    else:
        assert open_command("x") == ["xdg-open", "x"]


@pytest.mark.parametrize(("platform", "tool"), [("darwin", "open"), ("linux", "xdg-open")])
def test_settings_shows_the_data_folder_with_the_os_tool(qtbot, tmp_path: Path, platform: str, tool: str) -> None:  # type: ignore[no-untyped-def]
    from leaselab_desktop.config import Paths, Settings
    from leaselab_desktop.gui.settings_dialog import SettingsDialog
    from leaselab_desktop.secrets import MemoryKeyring, SecretStore

    ran: list[list[str]] = []
    paths = Paths(tmp_path / "data")
    opener = functools.partial(open_externally, platform=platform, runner=lambda argv: ran.append(list(argv)))
    dlg = SettingsDialog(paths, Settings(), SecretStore(MemoryKeyring()), open_folder=opener)
    qtbot.addWidget(dlg.dialog)
    dlg.open()
    dlg.open_data_dir.click()
    assert ran == [[tool, str(paths.data_dir)]]

    def broken(_: Path) -> None:
        raise OSError("xdg-open is not installed")

    dlg._open_folder = broken
    dlg.open_data_dir.click()
    assert "Could not open the data folder: xdg-open is not installed" in dlg.validation.text()
    dlg.dialog.reject()
