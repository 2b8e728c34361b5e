"""Builds the one-folder app with PyInstaller (`packaging/build app`) and runs its --smoke-test
in an empty environment (`packaging/build smoke`), as the release workflow does on each OS.

Reuses ``dist/`` when its build stamp matches the current sources (so a developer who just ran
``packaging/build app`` does not wait twice); otherwise builds into a temporary folder, which
takes about a minute on 2 cores. ``LEASELAB_FROZEN_DIST=DIR`` points it at another build.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from leaselab_desktop import __version__

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "packaging" / "build"
SIZE_LIMIT = 300 * 1000 * 1000  # the budget for the unpacked folder (issue 10)

pytestmark = [
    pytest.mark.packaging,
    pytest.mark.slow,
    pytest.mark.timeout(1200),
    pytest.mark.skipif(sys.platform == "win32", reason="Windows builds with packaging/build.ps1"),
]


def _script_env(dist: Path, work: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "LEASELAB_DATA_DIR"}
    env.update(DIST=str(dist), PYTHON=sys.executable)
    if work is not None:
        env["WORK"] = str(work)
    return env


@pytest.fixture(scope="module")
def dist(frozen: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    chosen = os.environ.get("LEASELAB_FROZEN_DIST")
    if chosen:
        yield Path(chosen).resolve()
        return
    if frozen.is_fresh(frozen.DEFAULT_DIST):
        yield frozen.DEFAULT_DIST
        return
    out = tmp_path_factory.mktemp("frozen")
    started = time.perf_counter()
    proc = subprocess.run(
        [str(BUILD), "app"], cwd=ROOT, env=_script_env(out / "dist", out / "work"),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=1100,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-6000:]
    print(f"frozen app built in {time.perf_counter() - started:.0f} s")
    yield out / "dist"


def test_frozen_smoke_test_passes_in_a_clean_environment(dist: Path) -> None:
    proc = subprocess.run(
        [str(BUILD), "smoke"], cwd=ROOT, env=_script_env(dist),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600,
    )  # fmt: skip
    print(proc.stdout)
    assert proc.returncode == 0, proc.stdout[-6000:]
    assert "frozen smoke test: exit 0" in proc.stdout


def test_frozen_app_reports_its_version(frozen: ModuleType, dist: Path) -> None:
    _, exe = frozen.app_paths(dist)
    proc = subprocess.run(
        [str(exe), "--version"], env=frozen.clean_env(), capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"leaselab-desktop {__version__}"


def test_bundle_has_what_the_app_needs_and_not_what_it_does_not(frozen: ModuleType, dist: Path) -> None:
    folder, _ = frozen.app_paths(dist)
    names = {p.relative_to(folder).as_posix() for p in folder.rglob("*")}

    def has(fragment: str) -> bool:
        return any(fragment in n for n in names)

    assert has("leaselab_desktop/store/migrations/0001_initial.sql")
    assert has("resources/policy/") and has("resources/icons/app.png")
    assert has("resources/demo/")
    assert has("ui/") or not (ROOT / "ui").is_dir()
    assert has("reportlab/fonts/Vera.ttf") and has("reportlab/fonts/VeraBd.ttf")  # compliance PDF
    if sys.platform.startswith("linux"):
        assert has("platforms/libqoffscreen.so") and has("platforms/libqxcb.so")
    assert has("imageformats/")
    assert has("keyring/backends/") or has("keyring-")  # backends + entry-point metadata
    for unused in ("Qt6Quick", "Qt6Qml", "Qt6WebEngine", "Qt63D", "Qt6Multimedia", "libqgtk3"):
        assert not has(unused), unused
    # OCR runs offline: the app's three ONNX models are in the bundle; OpenCV, rapidocr's Python
    # code (which imports it) and its unfused models are not: the app runs its models with
    # onnxruntime, numpy and Pillow
    for model in ("det.onnx", "rec.onnx", "cls.onnx"):
        assert has(f"resources/ocr/{model}"), model
    assert not has("rapidocr_onnxruntime/") and not has("shapely") and not has("pillow_heif")
    if not frozen.app_modules_importing("cv2"):
        assert not has("cv2/") and not has("opencv_python")


def test_frozen_app_stays_within_its_size_budget(frozen: ModuleType, dist: Path) -> None:
    """Measured on Linux: 294 MB, 296.8 MB on 2026-12-03 with the OCR models in resources/ocr
    (PySide6 97, onnxruntime 35, numpy 41, Pillow 17, the OCR models 16, cryptography 12, HEIC
    decoding 4; OpenCV, rapidocr's code and models and pillow-heif's encoder out)."""
    folder, _ = frozen.app_paths(dist)
    size = frozen.folder_size(folder)
    print(f"one-folder build: {size / 1e6:.1f} MB unpacked")
    cv2_users = frozen.app_modules_importing("cv2")
    if cv2_users and size >= SIZE_LIMIT:
        pytest.xfail(f"OpenCV is bundled (~170 MB) while {', '.join(cv2_users)} imports cv2")
    assert size < SIZE_LIMIT


def test_frozen_app_opens_its_window_on_a_normal_start(frozen: ModuleType, dist: Path) -> None:
    """The normal start path (not --smoke-test): main window shown with the demo leads. Prints the
    cold-start figure; the bound only catches a hang, the 2 s aim is checked on a quiet machine
    with `python packaging/frozen.py coldstart`."""
    times = frozen.cold_start(dist, runs=1)
    print(f"frozen cold start to window: {times[0]:.2f} s")
    assert 0 < times[0] < 60


def test_frozen_command_line_reads_the_demo_site(frozen: ModuleType, dist: Path, tmp_path: Path) -> None:
    """The CLI path of the frozen app: migrations, demo generator (run from resources/ by path)
    and the local backend, in an empty environment."""
    _, exe = frozen.app_paths(dist)
    proc = subprocess.run(
        [str(exe), "--data-dir", str(tmp_path / "data"), "--allow-unencrypted", "leads", "--json"],
        env=frozen.clean_env(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    leads = json.loads(proc.stdout)
    assert len(leads) >= 5
    assert all(lead["id"].startswith("lead_") for lead in leads)
    assert (tmp_path / "data" / "leaselab.sqlite3").is_file()
