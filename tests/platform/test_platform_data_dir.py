"""The data folder per OS: injected here, and equal to platformdirs' answer on the real OS."""

from __future__ import annotations

import sys
from pathlib import Path, PurePosixPath, PureWindowsPath

import platformdirs
import pytest

from leaselab_desktop import platforms
from leaselab_desktop.config import APP_AUTHOR, APP_NAME, ENV_DATA_DIR, Paths, default_data_dir

HOME = PurePosixPath("/home/ana")


@pytest.mark.parametrize(
    ("platform", "env", "expected"),
    [
        ("win32", {"LOCALAPPDATA": r"C:\Users\ana\AppData\Local"},
         PureWindowsPath(r"C:\Users\ana\AppData\Local\LeaseLab\LeaseLabDesktop")),
        ("darwin", {}, PurePosixPath("/home/ana/Library/Application Support/LeaseLabDesktop")),
        ("linux", {}, PurePosixPath("/home/ana/.local/share/LeaseLabDesktop")),
        ("linux", {"XDG_DATA_HOME": "/srv/xdg"}, PurePosixPath("/srv/xdg/LeaseLabDesktop")),
        # XDG: a relative XDG_DATA_HOME is invalid and ignored
        ("linux", {"XDG_DATA_HOME": "relative/xdg"}, PurePosixPath("/home/ana/.local/share/LeaseLabDesktop")),
        ("freebsd14", {}, PurePosixPath("/home/ana/.local/share/LeaseLabDesktop")),
    ],
)  # fmt: skip
def test_data_dir_per_os(platform: str, env: dict[str, str], expected: object) -> None:
    assert default_data_dir(platform, env, HOME) == expected


def test_the_windows_installer_deletes_the_same_folder() -> None:
    # leaselab.iss hard-codes the folder its "Also delete my data" removes: it must be this one.
    iss = (Path(__file__).parents[2] / "packaging" / "windows" / "leaselab.iss").read_text(encoding="utf-8")
    data = default_data_dir("win32", {"LOCALAPPDATA": "{localappdata}"}, HOME)
    assert f'#define DataDir "{data}"' in iss


def test_real_data_dir_matches_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    """No injection: on each CI OS, our folder is the one platformdirs (the OS's API) names."""
    monkeypatch.delenv(ENV_DATA_DIR, raising=False)
    expected = Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
    assert Path(default_data_dir()) == expected
    assert Paths.resolve().data_dir == expected.expanduser().resolve()


def test_family_of_each_sys_platform() -> None:
    assert [platforms.family(p) for p in ("win32", "cygwin", "darwin", "linux", "freebsd14")] == [
        "windows", "windows", "macos", "linux", "linux"]
    assert platforms.family() == platforms.family(sys.platform)
