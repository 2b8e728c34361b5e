"""`frozen.py smoke --app PATH`: the smoke check of an installed copy (Windows' install folder,
the .app inside the mounted .dmg), which install-check and dmg-check run on their OS in CI."""

from __future__ import annotations

import importlib.util
import stat
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the stand-in apps are sh scripts")


@pytest.fixture(scope="module")
def frozen() -> ModuleType:
    key = "leaselab_packaging_frozen"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, ROOT / "packaging" / "frozen.py")
        assert spec and spec.loader
        sys.modules[key] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[key])
    return sys.modules[key]


def stand_in(exe: Path, body: str) -> None:
    exe.parent.mkdir(parents=True, exist_ok=True)
    exe.write_text(f'#!/bin/sh\nAPP="$(dirname "$0")"\nDATA="$3"\n{body}\n', encoding="utf-8")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)


@pytest.mark.parametrize("kind", ["folder", "bundle"])
def test_smoke_of_an_installed_copy(frozen: ModuleType, tmp_path: Path, kind: str) -> None:
    app = tmp_path / ("Programs" / Path("LeaseLab Desktop") if kind == "folder" else Path("mnt/LeaseLabDesktop.app"))
    folder, exe = frozen.installed_paths(app, platform="darwin" if kind == "bundle" else "linux")
    assert folder == app
    stand_in(exe, 'mkdir -p "$DATA" && echo ok > "$DATA/ran"')
    empty_dist = tmp_path / "dist"  # nothing built here: --app alone decides
    result = frozen.run_smoke(empty_dist, timeout=30, app=app)
    assert result.ok, result.report()
    assert result.command[-4:-2] == [str(exe), "--smoke-test"] and result.data_files == ["ran"]


def test_an_installed_copy_writing_into_its_folder_fails_from_the_command_line(
    frozen: ModuleType, tmp_path: Path
) -> None:
    app = tmp_path / "Programs" / "LeaseLab Desktop"
    _, exe = frozen.installed_paths(app, platform="linux")
    stand_in(exe, 'echo cache > "$APP/settings.json"')
    done = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "frozen.py"), "smoke", "--app", str(app), "--timeout", "30"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 1 and "added settings.json" in done.stdout


def test_installed_paths_per_os(frozen: ModuleType) -> None:
    assert frozen.installed_paths(Path("C:/P/LeaseLab Desktop"), "win32")[1].name == "LeaseLabDesktop.exe"
    assert frozen.installed_paths(Path("/Volumes/x/LeaseLabDesktop.app"), "darwin")[1] == Path(
        "/Volumes/x/LeaseLabDesktop.app/Contents/MacOS/LeaseLabDesktop")
