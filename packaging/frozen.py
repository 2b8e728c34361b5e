"""Checks on the frozen (PyInstaller) app, shared by ``packaging/build``, ``build.ps1``, the release
workflow and ``tests/packaging``. Standard library only.

    python packaging/frozen.py smoke [--dist DIST] [--timeout S]   run the frozen --smoke-test
    python packaging/frozen.py coldstart [--dist DIST] [--runs N]  spawn -> main window with leads
    python packaging/frozen.py hash                                hash of the build's sources
    python packaging/frozen.py stamp [--dist DIST] [--sources H]   record what the build was made from
    python packaging/frozen.py fresh [--dist DIST]                 exit 0 if that build is up to date
    python packaging/frozen.py size  [--dist DIST]                 unpacked size of the app folder

``smoke`` runs the app with an empty environment (``env -i`` on macOS/Linux; on Windows only the
variables Windows itself needs) plus ``QT_QPA_PLATFORM=offscreen`` and a temporary ``--data-dir``.
It fails when the app exits non-zero, times out, or changes anything inside its own folder: the
installed app must keep all its data under the data dir (platformdirs or ``--data-dir``).
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIST = ROOT / "dist"
APP_NAME = "LeaseLabDesktop"
STAMP_NAME = f"{APP_NAME}.build.json"
# What a build is made from: a change in any of these makes an existing build stale.
SOURCES = (
    "pyproject.toml", "leaselab_desktop", "resources", "ui",
    "packaging/leaselab.spec", "packaging/launcher.py", "packaging/appmeta.py",
)  # fmt: skip
_SKIP = {"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".DS_Store"}
# Windows refuses to start processes (or Qt to find fonts) without these; everything else is dropped.
_WINDOWS_KEEP = ("SYSTEMROOT", "SYSTEMDRIVE", "WINDIR", "TEMP", "TMP")


class FrozenAppError(Exception):
    """The frozen app is missing or broken; the message says what to do."""


def app_paths(dist: Path, platform: str = sys.platform) -> tuple[Path, Path]:
    """(folder that is installed, executable inside it) for this OS's build in ``dist``."""
    if platform == "darwin":
        bundle = dist / f"{APP_NAME}.app"
        return bundle, bundle / "Contents" / "MacOS" / APP_NAME
    folder = dist / APP_NAME
    exe = folder / (f"{APP_NAME}.exe" if platform == "win32" else APP_NAME)
    return folder, exe


def installed_paths(app: Path, platform: str = sys.platform) -> tuple[Path, Path]:
    """(folder, executable) of an app outside dist/: an installed folder (Windows' Program Files,
    Linux's ~/.local/opt) or a ``.app`` bundle (macOS, e.g. inside the mounted .dmg)."""
    if app.suffix == ".app":
        return app, app / "Contents" / "MacOS" / APP_NAME
    return app, app / (f"{APP_NAME}.exe" if platform == "win32" else APP_NAME)


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every entry under ``folder`` (files, dirs, symlinks) with size and mtime."""
    result: dict[str, tuple[int, int]] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in (*dirnames, *filenames):
            p = Path(dirpath, name)
            st = p.lstat()
            size = 0 if p.is_dir() and not p.is_symlink() else st.st_size
            result[p.relative_to(folder).as_posix()] = (size, st.st_mtime_ns)
    return result


def diff_snapshots(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> list[str]:
    changes = [f"added {k}" for k in sorted(after.keys() - before.keys())]
    changes += [f"removed {k}" for k in sorted(before.keys() - after.keys())]
    changes += [f"changed {k}" for k in sorted(before.keys() & after.keys()) if before[k] != after[k]]
    return changes


def clean_env(platform: str = sys.platform) -> dict[str, str]:
    env = {"QT_QPA_PLATFORM": "offscreen"}
    if platform == "win32":
        env.update({k: v for k, v in os.environ.items() if k.upper() in _WINDOWS_KEEP})
    return env


def smoke_command(exe: Path, data_dir: Path, platform: str = sys.platform) -> list[str]:
    args = [str(exe), "--smoke-test", "--data-dir", str(data_dir)]
    env_tool = shutil.which("env") if platform != "win32" else None
    if env_tool:
        # Literally `env -i`: not even PATH or HOME reach the app.
        return [env_tool, "-i", *(f"{k}={v}" for k, v in clean_env(platform).items()), *args]
    return args


@dataclass
class SmokeResult:
    command: list[str]
    returncode: int | None  # None: timed out
    seconds: float
    output: str
    changes_in_app_folder: list[str] = field(default_factory=list)
    data_files: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.changes_in_app_folder

    def report(self) -> str:
        status = "timed out" if self.returncode is None else f"exit {self.returncode}"
        lines = [f"frozen smoke test: {status} in {self.seconds:.2f} s", f"  $ {' '.join(self.command)}"]
        if self.changes_in_app_folder:
            lines.append("  the app changed its own install folder (it must write only to the data dir):")
            lines += [f"    {c}" for c in self.changes_in_app_folder[:50]]
        lines.append(f"  data dir received {len(self.data_files)} file(s)")
        if self.output.strip():
            lines.append("  output:")
            lines += [f"    {line}" for line in self.output.rstrip().splitlines()[-60:]]
        return "\n".join(lines)


def run_smoke(dist: Path, timeout: float = 300.0, work: Path | None = None, app: Path | None = None) -> SmokeResult:
    """The smoke test of the build in ``dist``, or of the installed copy at ``app`` when given."""
    folder, exe = installed_paths(app) if app else app_paths(dist)
    if not exe.is_file():
        raise FrozenAppError(f"no frozen app at {exe}: build it first with `packaging/build app`")
    owned = None if work else tempfile.TemporaryDirectory(prefix="leaselab-smoke-")
    base = work or Path(owned.name)  # type: ignore[union-attr]
    try:
        data_dir = base / "data"
        command = smoke_command(exe, data_dir)
        before = snapshot(folder)
        start = time.perf_counter()
        try:
            proc = subprocess.run(
                command, cwd=base, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, timeout=timeout, env=clean_env(),
            )  # fmt: skip
            code: int | None = proc.returncode
            out = proc.stdout.decode("utf-8", "replace")
        except subprocess.TimeoutExpired as exc:
            code, out = None, (exc.output or b"").decode("utf-8", "replace")
        seconds = time.perf_counter() - start
        changes = diff_snapshots(before, snapshot(folder))
        data_files = sorted(
            p.relative_to(data_dir).as_posix() for p in data_dir.rglob("*") if p.is_file()
        ) if data_dir.is_dir() else []  # fmt: skip
        return SmokeResult(command, code, seconds, out, changes, data_files)
    finally:
        if owned:
            owned.cleanup()


def cold_start(dist: Path, runs: int = 3, timeout: float = 120.0) -> list[float]:
    """Seconds from spawning the frozen app until its main window shows the demo leads (the app
    prints ``LEASELAB_READY <epoch>`` then when ``LEASELAB_BENCH_READY`` is set, and quits).
    One untimed run first creates the demo data, so the timed runs measure start-up only.
    Like ``smoke``, it fails if a run changes anything inside the app's own folder."""
    folder, exe = app_paths(dist)
    if not exe.is_file():
        raise FrozenAppError(f"no frozen app at {exe}: build it first with `packaging/build app`")
    env = {**clean_env(), "LEASELAB_BENCH_READY": "1"}
    times: list[float] = []
    before = snapshot(folder)
    with tempfile.TemporaryDirectory(prefix="leaselab-coldstart-") as tmp:
        for i in range(runs + 1):
            t0 = time.time()
            proc = subprocess.run(
                [str(exe), "--data-dir", str(Path(tmp, "data"))], cwd=tmp, env=env,
                stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout,
            )  # fmt: skip
            ready = [ln for ln in proc.stdout.splitlines() if ln.startswith("LEASELAB_READY ")]
            if proc.returncode != 0 or not ready:
                raise FrozenAppError(
                    f"cold start run failed (exit {proc.returncode}, no LEASELAB_READY line): "
                    f"{(proc.stdout + proc.stderr)[-3000:]}"
                )
            if i:
                times.append(float(ready[0].split()[1]) - t0)
    changes = diff_snapshots(before, snapshot(folder))
    if changes:
        raise FrozenAppError(f"the app changed its own install folder: {changes[:20]}")
    return times


def _source_files(root: Path) -> Iterable[Path]:
    for rel in SOURCES:
        p = root / rel
        if p.is_file():
            yield p
        elif p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and not _SKIP & set(f.relative_to(root).parts) and f.suffix != ".pyc":
                    yield f


def source_hash(root: Path = ROOT) -> str:
    h = hashlib.sha256()
    h.update(f"{sys.platform} {sys.version_info[:2]}".encode())
    for f in _source_files(root):
        h.update(f.relative_to(root).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


def write_stamp(
    dist: Path, root: Path = ROOT, seconds: float | None = None, sources: str | None = None
) -> Path:
    """Record what the build in ``dist`` was made from. Pass ``sources`` (``source_hash()`` taken
    before the build started) so edits made during a build leave it stale, not falsely fresh."""
    folder, _ = app_paths(dist)
    stamp = dist / STAMP_NAME
    info = {
        "source_hash": sources or source_hash(root),
        "size_bytes": folder_size(folder),
        "build_seconds": seconds,
    }
    stamp.write_text(json.dumps(info, indent=2), encoding="utf-8")
    return stamp


def is_fresh(dist: Path, root: Path = ROOT) -> bool:
    _, exe = app_paths(dist)
    try:
        info = json.loads((dist / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return exe.is_file() and info.get("source_hash") == source_hash(root)


def app_modules_importing(module: str, root: Path = ROOT) -> list[str]:
    """The app's source files (``leaselab_desktop/``) that import ``module`` or one of its
    submodules. The build leaves OpenCV out only when this is empty for ``cv2``."""
    found = []
    for f in sorted((root / "leaselab_desktop").rglob("*.py")):
        tree = ast.parse(f.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 else []
            )
            if any(n == module or n.startswith(f"{module}.") for n in names):
                found.append(f.relative_to(root).as_posix())
                break
    return found


def folder_size(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Checks on the frozen LeaseLab Desktop app.")
    parser.add_argument("command", choices=("smoke", "coldstart", "hash", "stamp", "fresh", "size"))
    parser.add_argument("--dist", type=Path, default=DEFAULT_DIST, help="PyInstaller dist folder")
    parser.add_argument("--timeout", type=float, default=300.0, help="smoke: seconds before failing")
    parser.add_argument("--runs", type=int, default=3, help="coldstart: timed runs")
    parser.add_argument("--build-seconds", type=float, default=None, help="stamp: build duration")
    parser.add_argument("--sources", default=None, help="stamp: `hash` output from before the build")
    parser.add_argument("--app", type=Path, default=None,
                        help="smoke: an installed copy (install folder or .app) instead of --dist")
    args = parser.parse_args(argv)
    dist = args.dist.resolve()
    if args.command == "smoke":
        try:
            result = run_smoke(dist, timeout=args.timeout, app=args.app.resolve() if args.app else None)
        except FrozenAppError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(result.report())
        return 0 if result.ok else 1
    if args.command == "coldstart":
        try:
            times = cold_start(dist, runs=max(1, args.runs))
        except FrozenAppError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        runs = ", ".join(f"{t:.2f}" for t in times)
        print(f"frozen cold start to window: median {statistics.median(times):.2f} s ({runs})")
        return 0
    if args.command == "hash":
        print(source_hash())
        return 0
    if args.command == "stamp":
        print(write_stamp(dist, seconds=args.build_seconds, sources=args.sources))
        return 0
    if args.command == "fresh":
        return 0 if is_fresh(dist) else 1
    folder, _ = app_paths(dist)
    if not folder.is_dir():
        print(f"error: no frozen app folder at {folder}", file=sys.stderr)
        return 2
    print(f"{folder_size(folder) / 1e6:.1f} MB  {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
