"""The frozen-app smoke check itself: it must fail on a failing app, on an app that writes into
its own folder, and run the app with an empty environment. Uses small stand-in executables so it
runs in milliseconds; test_frozen_app.py runs it on the real PyInstaller build."""

from __future__ import annotations

import stat
import sys
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="stand-in apps are sh scripts")


def fake_app(frozen: ModuleType, dist: Path, body: str) -> Path:
    folder, exe = frozen.app_paths(dist)
    exe.parent.mkdir(parents=True)
    (folder / "_internal").mkdir(exist_ok=True)
    (folder / "_internal" / "lib.txt").write_text("bundled", encoding="utf-8")
    # the script gets `--smoke-test --data-dir DIR`: $3 is the data dir
    exe.write_text(f'#!/bin/sh\nAPP="$(dirname "$0")"\nDATA="$3"\n{body}\n', encoding="utf-8")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    return exe


def test_a_good_app_passes_and_writes_only_to_its_data_dir(frozen: ModuleType, tmp_path: Path) -> None:
    fake_app(frozen, tmp_path, 'mkdir -p "$DATA/logs" && echo ok > "$DATA/logs/app.log"\necho passed')
    result = frozen.run_smoke(tmp_path, timeout=30)
    assert result.ok, result.report()
    assert result.returncode == 0
    assert result.data_files == ["logs/app.log"]
    assert "passed" in result.output
    assert "--smoke-test" in result.command and "--data-dir" in result.command


def test_a_failing_app_fails(frozen: ModuleType, tmp_path: Path) -> None:
    fake_app(frozen, tmp_path, "echo 'evaluation did not finish' >&2\nexit 1")
    result = frozen.run_smoke(tmp_path, timeout=30)
    assert not result.ok
    assert result.returncode == 1
    assert "evaluation did not finish" in result.report()


def test_writing_into_the_install_folder_fails(frozen: ModuleType, tmp_path: Path) -> None:
    fake_app(frozen, tmp_path, 'echo cache > "$APP/_internal/settings.json"\necho x >> "$APP/_internal/lib.txt"')
    result = frozen.run_smoke(tmp_path, timeout=30)
    assert result.returncode == 0
    assert not result.ok
    changes = result.changes_in_app_folder
    assert any("added _internal/settings.json" in c for c in changes)
    assert any("changed _internal/lib.txt" in c for c in changes)
    assert "changed its own install folder" in result.report()


def test_the_app_gets_an_empty_environment(
    frozen: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEASELAB_SECRET_TEST_VAR", "leaked")
    fake_app(frozen, tmp_path, 'mkdir -p "$DATA" && /usr/bin/env > "$DATA/env.txt" || env > "$DATA/env.txt"')
    work = tmp_path / "work"
    work.mkdir()
    result = frozen.run_smoke(tmp_path, timeout=30, work=work)
    assert result.ok, result.report()
    names = {line.split("=", 1)[0] for line in (work / "data" / "env.txt").read_text().splitlines()}
    assert "QT_QPA_PLATFORM" in names
    assert not names & {"LEASELAB_SECRET_TEST_VAR", "HOME", "PATH", "LEASELAB_DATA_DIR"}


def test_a_hanging_app_times_out(frozen: ModuleType, tmp_path: Path) -> None:
    fake_app(frozen, tmp_path, "exec sleep 30")
    result = frozen.run_smoke(tmp_path, timeout=0.5)
    assert result.returncode is None and not result.ok
    assert "timed out" in result.report()


def test_missing_build_says_how_to_make_one(frozen: ModuleType, tmp_path: Path) -> None:
    with pytest.raises(frozen.FrozenAppError, match="packaging/build app"):
        frozen.run_smoke(tmp_path)
    assert frozen.main(["smoke", "--dist", str(tmp_path)]) == 2


def test_build_stamp_tracks_the_sources(frozen: ModuleType, tmp_path: Path) -> None:
    root = tmp_path / "src"
    (root / "leaselab_desktop").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\n", encoding="utf-8")
    module = root / "leaselab_desktop" / "x.py"
    module.write_text("A = 1\n", encoding="utf-8")
    dist = tmp_path / "dist"
    fake_app(frozen, dist, "true")
    assert not frozen.is_fresh(dist, root)  # no stamp yet
    frozen.write_stamp(dist, root)
    assert frozen.is_fresh(dist, root)
    (root / "leaselab_desktop" / "__pycache__").mkdir()
    (root / "leaselab_desktop" / "__pycache__" / "x.pyc").write_bytes(b"ignored")
    assert frozen.is_fresh(dist, root)
    module.write_text("A = 2\n", encoding="utf-8")
    assert not frozen.is_fresh(dist, root)


def test_app_locations_per_os(frozen: ModuleType, tmp_path: Path) -> None:
    assert frozen.app_paths(tmp_path, "darwin")[1].as_posix().endswith(
        "LeaseLabDesktop.app/Contents/MacOS/LeaseLabDesktop"
    )
    assert frozen.app_paths(tmp_path, "win32")[1].name == "LeaseLabDesktop.exe"
    assert frozen.app_paths(tmp_path, "linux")[0] == tmp_path / "LeaseLabDesktop"
    env = frozen.clean_env("linux")
    assert env == {"QT_QPA_PLATFORM": "offscreen"}


def test_cold_start_reads_the_ready_line_and_guards_the_install_folder(
    frozen: ModuleType, tmp_path: Path
) -> None:
    # cold start runs the app as `EXE --data-dir DIR`: $2 is the data dir
    ready = 'mkdir -p "$2"\n[ -n "$LEASELAB_BENCH_READY" ] && echo "LEASELAB_READY $(date +%s.%N) 12"'
    fake_app(frozen, tmp_path / "good", ready)
    times = frozen.cold_start(tmp_path / "good", runs=2, timeout=30)
    assert len(times) == 2 and all(0 <= t < 30 for t in times)

    fake_app(frozen, tmp_path / "silent", "exit 0")
    with pytest.raises(frozen.FrozenAppError, match="no LEASELAB_READY line"):
        frozen.cold_start(tmp_path / "silent", runs=1, timeout=30)

    fake_app(frozen, tmp_path / "writer", ready + '\ntouch "$APP/_internal/cache.db"')
    with pytest.raises(frozen.FrozenAppError, match="changed its own install folder"):
        frozen.cold_start(tmp_path / "writer", runs=1, timeout=30)


def test_a_stamp_taken_from_sources_before_the_build_stays_stale_after_an_edit(
    frozen: ModuleType, tmp_path: Path
) -> None:
    root = tmp_path / "src"
    (root / "leaselab_desktop").mkdir(parents=True)
    module = root / "leaselab_desktop" / "x.py"
    module.write_text("A = 1\n", encoding="utf-8")
    before_build = frozen.source_hash(root)
    module.write_text("A = 2\n", encoding="utf-8")  # edited while PyInstaller ran
    dist = tmp_path / "dist"
    fake_app(frozen, dist, "true")
    frozen.write_stamp(dist, root, sources=before_build)
    assert not frozen.is_fresh(dist, root)
