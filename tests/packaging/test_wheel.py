"""`pip install .` gives a working app: the wheel carries resources/ and ui/ as package data
(hatch_build.py puts them in leaselab_desktop/_data/), and `leaselab-desktop leads` runs from a clean
venv outside the source tree.

Offline and quick: the wheel is built with --no-build-isolation (this venv's hatchling) from a copy
of the sources (the checkout gets no build/ folder), installed with --no-deps into a new venv, and
the new venv sees this venv's site-packages through a .pth line for the dependencies (PySide6,
pydantic, …) instead of downloading them again. A .pth line adds a folder without running the .pth
files in it, so this venv's editable install of the app is not visible there: only the wheel is.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = (
    "pyproject.toml", "hatch_build.py", "README.md", "leaselab_desktop", "resources", "ui", "packaging/opencv-headless",
)
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", "dist")

pytestmark = pytest.mark.slow


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 300) -> str:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"{cmd[:4]} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def _build_wheel(tmp: Path) -> Path:
    src = tmp / "src"
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=SKIP)
        else:
            src.mkdir(exist_ok=True)
            shutil.copy2(path, src / name)
    out = tmp / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
          "--wheel-dir", str(out), str(src)], cwd=tmp)  # fmt: skip
    (wheel,) = out.glob("leaselab_desktop-*.whl")
    return wheel


def _clean_venv(tmp: Path) -> tuple[Path, Path]:
    """A new venv (no app, no pip packages) that borrows this venv's installed dependencies."""
    target = tmp / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    bindir = target / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=tmp).strip())
    (site / "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return python, bindir


def test_the_wheel_carries_resources_and_ui(tmp_path: Path) -> None:
    names = zipfile.ZipFile(_build_wheel(tmp_path)).namelist()
    for required in ("policy/policy.json", "spec/workflow.json", "prompts/extract_system.txt",
                     "demo/generator.py", "icons/app-256.png", "styles/app.qss",
                     "documents/layout-vocab.json", "documents/statutory-withholding.json"):  # fmt: skip
        assert f"leaselab_desktop/_data/resources/{required}" in names, required
    assert any(n.startswith("leaselab_desktop/_data/ui/") and n.endswith(".ui") for n in names)
    assert "leaselab_desktop/store/migrations/0001_initial.sql" in names
    assert not [n for n in names if "__pycache__" in n]


def test_pip_install_then_leads_runs_from_a_clean_venv(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path)
    python, bindir = _clean_venv(tmp_path)
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "--quiet",
          str(wheel)], cwd=tmp_path)  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEASELAB_", "PYTHON", "VIRTUAL_ENV"))}
    env["QT_QPA_PLATFORM"] = "offscreen"
    where = _run([str(python), "-c", "import leaselab_desktop.resources as r; print(r.__file__); "
                  "print(r.resources_dir()); print(r.ui_dir())"], cwd=tmp_path, env=env).split()  # fmt: skip
    installed = tmp_path / "venv"
    assert all(Path(p).is_relative_to(installed) for p in where), f"not the installed wheel: {where}"
    exe = bindir / ("leaselab-desktop.exe" if os.name == "nt" else "leaselab-desktop")
    out = _run([str(exe), "--data-dir", str(tmp_path / "data"), "--allow-unencrypted", "leads"], cwd=tmp_path, env=env)
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["ID", "NAME"], out[-2000:]
    assert sum(line.startswith("lead_demo_") for line in lines) >= 10, out[-2000:]  # the demo data, from the wheel
