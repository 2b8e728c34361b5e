"""packaging/linux/install.sh: per-user install from the extracted .tar.gz, upgrade in place,
uninstall that keeps the user's data. Runs on a stand-in folder (no PyInstaller build needed)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux recipe")


def extracted(tmp_path: Path, version: str) -> Path:
    folder = tmp_path / f"extract-{version}" / "LeaseLabDesktop"
    (folder / "_internal" / "resources" / "icons").mkdir(parents=True)
    exe = folder / "LeaseLabDesktop"
    exe.write_text(f"#!/bin/sh\necho leaselab-desktop {version}\n", encoding="utf-8")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    shutil.copy(ROOT / "resources" / "icons" / "app-256.png", folder / "_internal/resources/icons/")
    shutil.copy(LINUX / "leaselab-desktop.desktop", folder)
    shutil.copy(LINUX / "install.sh", folder)
    return folder


def run(script: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    return subprocess.run(["sh", str(script), *args], env=env, capture_output=True, text=True, timeout=60)


def test_install_upgrade_uninstall(tmp_path: Path) -> None:
    home = tmp_path / "home"
    data = home / ".local/share/LeaseLabDesktop"
    data.mkdir(parents=True)
    (data / "leaselab.sqlite3").write_bytes(b"user data")

    first = extracted(tmp_path, "1.0.0")
    proc = run(first / "install.sh", home)
    assert proc.returncode == 0, proc.stderr
    cmd = home / ".local/bin/leaselab-desktop"
    assert subprocess.run([str(cmd)], capture_output=True, text=True).stdout.strip() == "leaselab-desktop 1.0.0"
    desktop = (home / ".local/share/applications/leaselab-desktop.desktop").read_text()
    assert f"Exec={home}/.local/opt/LeaseLabDesktop/LeaseLabDesktop" in desktop
    assert (home / ".local/share/icons/hicolor/256x256/apps/leaselab-desktop.png").is_file()

    proc = run(extracted(tmp_path, "1.1.0") / "install.sh", home)  # upgrade in place
    assert proc.returncode == 0, proc.stderr
    assert subprocess.run([str(cmd)], capture_output=True, text=True).stdout.strip() == "leaselab-desktop 1.1.0"

    proc = run(first / "install.sh", home, "--uninstall")
    assert proc.returncode == 0 and "is kept" in proc.stdout
    assert not (home / ".local/opt/LeaseLabDesktop").exists() and not cmd.is_symlink()
    assert (data / "leaselab.sqlite3").read_bytes() == b"user data"


def test_refuses_to_run_outside_the_release_folder(tmp_path: Path) -> None:
    lone = tmp_path / "lone"
    lone.mkdir()
    shutil.copy(LINUX / "install.sh", lone)
    proc = run(lone / "install.sh", tmp_path / "home")
    assert proc.returncode == 1
    assert "extracted LeaseLabDesktop folder" in proc.stderr
