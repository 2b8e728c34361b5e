"""GUI benchmark: cold start, 100k-lead list (load, filter, sort, RSS) and event-loop heartbeat.

    python bench/gui.py [--json PATH] [--leads 100000] [--evaluations 50] [--keep DIR]

Figures (each printed against its target):
- cold_start_s: a subprocess from spawn until the main window shows the demo leads (median of 3,
  after one unmeasured run that writes the bytecode cache as an install would).
- load_100k_s: LocalBackend -> lead list model, all pages, 100,000 leads inserted with sqlite3.
- filter_ms: one keystroke in the search box at 100k: the worst keystroke of typing a word and
  deleting it, median of 3 trials.
- sort_ms: one header click at 100k: the worst column/direction, median of 3 trials.
- rss_100k_mb: resident memory with the 100k list loaded.
- heartbeat_worst_gap_ms: worst gap of a 5 ms QTimer while 50 local evaluations run in the app.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGETS = {
    "cold_start_s": 1.5,
    "load_100k_s": 1.5,
    "filter_ms": 100.0,
    "sort_ms": 300.0,
    "rss_100k_mb": 400.0,
    "heartbeat_worst_gap_ms": 30.0,
}
FIRST = ["Ava", "Liam", "Olivia", "Noah", "Emma", "Ethan", "Mia", "Lucas", "Chloé", "Omar", "Priya",
         "Mei", "Jonas", "Sofia", "Aisha", "Mateo", "Zoë", "Hiroshi", "Fatima", "Grace", "Daniel"]
LAST = ["Nguyen", "Smith", "Patel", "Tremblay", "Okafor", "Kim", "Rossi", "Haddad", "Brown", "Chen",
        "Martin", "Lévesque", "Schmidt", "Wilson", "Raman", "Clarke", "Blake", "Ivanova", "Silva"]
TRIALS = 3
STATUSES = ["new", "documents_pending", "documents_received", "ai_evaluated", "screening", "approved",
            "rejected"]


def rss_mb() -> float:
    if sys.platform == "win32":  # no /proc and no `resource` module: the working set, from psapi
        import ctypes
        from ctypes import wintypes

        class Counters(ctypes.Structure):
            _fields_ = [("cb", wintypes.DWORD), ("PageFaultCount", wintypes.DWORD),
                        *((name, ctypes.c_size_t) for name in (
                            "PeakWorkingSetSize", "WorkingSetSize", "QuotaPeakPagedPoolUsage",
                            "QuotaPagedPoolUsage", "QuotaPeakNonPagedPoolUsage", "QuotaNonPagedPoolUsage",
                            "PagefileUsage", "PeakPagefileUsage"))]  # fmt: skip

        counters = Counters(cb=ctypes.sizeof(Counters))
        windll = ctypes.windll  # type: ignore[attr-defined]
        windll.psapi.GetProcessMemoryInfo(windll.kernel32.GetCurrentProcess(), ctypes.byref(counters), counters.cb)
        return counters.WorkingSetSize / (1024 * 1024)
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


# ---------------------------------------------------------------------------------------- data
async def prepare_demo(data_dir: Path, *, encrypted: bool = True) -> None:
    """Create a data dir with the demo data (the first open loads it). ``encrypted=False`` for the
    cold-start folder: the cold-start processes use no keyring (none is touched by a benchmark),
    so they could not read documents sealed with this process's in-memory key."""
    from leaselab_desktop.backends.local import LocalBackend
    from leaselab_desktop.config import Paths
    from leaselab_desktop.secrets import MemoryKeyring, SecretStore

    secrets = None if encrypted else SecretStore(MemoryKeyring(secure=False))
    backend = await LocalBackend.open(Paths(data_dir), load_demo=True, secrets=secrets,
                                      allow_unencrypted=not encrypted)
    await backend.documents_analysed()  # as in an app that stayed open while they arrived
    await backend.aclose()


def insert_leads(database: Path, count: int, fresh: int, seed: int = 1) -> list[str]:
    """Insert ``count`` leads with plain sqlite3; the first ``fresh`` are unscored and get copies of
    the demo leads' documents (so evaluations of them do real work). Returns the fresh lead ids."""
    rnd = random.Random(seed)
    conn = sqlite3.connect(database)
    try:
        site_id = conn.execute("SELECT id FROM sites LIMIT 1").fetchone()[0]
        units = conn.execute("SELECT id, property_id FROM units WHERE site_id = ?", (site_id,)).fetchall()
        files = conn.execute(
            "SELECT lead_id, file_type, file_name, file_size, mime_type, r2_key, sha256, md5, uploaded_at "
            "FROM lead_files WHERE site_id = ? ORDER BY lead_id, id", (site_id,)).fetchall()
        by_lead: dict[str, list[tuple[Any, ...]]] = {}
        for row in files:
            by_lead.setdefault(row[0], []).append(row[1:])
        donors = [docs for docs in by_lead.values() if docs]
        rows = []
        fresh_ids: list[str] = []
        file_rows = []
        for i in range(count):
            lead_id = f"lead_bench_{i:06d}"
            unit_id, property_id = units[i % len(units)]
            first, last = rnd.choice(FIRST), rnd.choice(LAST)
            stamp = f"2026-{1 + i % 11:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00.000Z"
            if i < fresh:
                score = label = None
                status = "documents_received"
                fresh_ids.append(lead_id)
                for n, doc in enumerate(donors[i % len(donors)] if donors else []):
                    file_rows.append((f"file_bench_{i:06d}_{n}", lead_id, site_id, *doc))
            else:
                score = rnd.randint(5, 99) if rnd.random() < 0.6 else None
                label = None if score is None else "A" if score >= 80 else "B" if score >= 50 else "C"
                status = "ai_evaluated" if score is not None else rnd.choice(STATUSES)
            rows.append((lead_id, site_id, property_id, unit_id, first, f"{last}{i}",
                         f"{first.lower()}.{last.lower()}{i}@example.com", "employed", 5200.0 + i % 3000,
                         status, score, label, stamp, stamp))
        with conn:
            conn.executemany(
                "INSERT INTO leads (id, site_id, property_id, unit_id, first_name, last_name, email, "
                "employment_status, monthly_income, status, ai_score, ai_label, created_at, updated_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
            conn.executemany(
                "INSERT INTO lead_files (id, lead_id, site_id, file_type, file_name, file_size, mime_type, "
                "r2_key, sha256, md5, uploaded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", file_rows)
        return fresh_ids
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------- cold start
def cold_start(data_dir: Path, runs: int = 3) -> list[float]:
    """A new process each run. One unmeasured run first writes the bytecode cache, as installing
    the app does (this checkout may run with PYTHONDONTWRITEBYTECODE, which would make every run
    compile all sources); the OS file cache is not dropped."""
    # keyring's "fail" backend: the OS keyring is never touched; the app answers its own question
    # (an unattended benchmark run) and opens the unencrypted cold-start folder
    env = dict(os.environ, LEASELAB_BENCH_READY="1", QT_QPA_PLATFORM="offscreen",
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    times = []
    for n in range(runs + 1):
        t0 = time.time()
        proc = subprocess.run(
            [sys.executable, "-m", "leaselab_desktop", "--data-dir", str(data_dir)],
            env=env, capture_output=True, text=True, timeout=120, cwd=ROOT,
        )
        ready = [ln for ln in proc.stdout.splitlines() if ln.startswith("LEASELAB_READY")]
        if proc.returncode != 0 or not ready:
            raise RuntimeError(f"cold start run failed (exit {proc.returncode}): {proc.stderr[-2000:]}")
        if n:
            times.append(float(ready[0].split()[1]) - t0)
    return times


# ---------------------------------------------------------------------------------------- in-app
async def list_and_heartbeat(data_dir: Path, fresh_ids: list[str], evaluations: int) -> dict[str, Any]:
    from leaselab_desktop.backends.local import LocalBackend
    from leaselab_desktop.config import Paths
    from leaselab_desktop.gui.errors import ErrorReporter
    from leaselab_desktop.gui.lead_list.rows import COLUMNS, Column
    from leaselab_desktop.gui.main_window import MainWindow
    from leaselab_desktop.gui.qt import Qt, QTimer, QtWidgets
    from leaselab_desktop.gui.tasks import TaskRunner
    from leaselab_desktop.secrets import SecretStore

    paths = Paths(data_dir)
    out: dict[str, Any] = {}

    async def opener(*_a: Any) -> Any:  # as the app's default opener: on the backend's own thread
        from leaselab_desktop.backends.threaded import ThreadedBackend

        return await ThreadedBackend.start(lambda: LocalBackend.open(paths, load_demo=False))

    from leaselab_desktop.config import Settings

    tasks = TaskRunner()
    window = MainWindow(paths, Settings(), SecretStore(), tasks, ErrorReporter(), opener=opener,
                        use_tray=False)
    window.resize(1440, 900)
    window.show()
    panel = window.lead_list
    backend = await LocalBackend.open(paths, load_demo=False)
    try:
        rss_before = rss_mb()
        t0 = time.perf_counter()
        total = await panel.load(backend)
        QtWidgets.QApplication.processEvents()
        out["load_100k_s"] = time.perf_counter() - t0
        out["leads_loaded"] = total
        out["rss_100k_mb"] = rss_mb()
        out["rss_before_load_mb"] = rss_before

        # one keystroke = text change + filter + repaint of the visible rows. Three trials of a
        # typed word and its deletion; a trial's figure is its worst keystroke, the result the
        # median trial (one scheduler hiccup on a busy machine does not decide the figure).
        def keystroke(text: str) -> tuple[float, float]:
            t0 = time.perf_counter()
            panel.search_box.setText(text)
            panel.apply_filter()
            panel.table.viewport().repaint()
            return (time.perf_counter() - t0) * 1000, panel.model.last_filter_ms

        filter_trials: list[float] = []
        model_trials: list[float] = []
        all_keys: list[float] = []
        for _trial in range(TRIALS):
            word = "emma"
            texts = [word[:n] for n in range(1, len(word) + 1)] + [word[:n] for n in range(len(word) - 1, -1, -1)]
            timings = [keystroke(t) for t in texts]
            filter_trials.append(max(t for t, _ in timings))
            model_trials.append(max(m for _, m in timings))
            all_keys += [t for t, _ in timings]
        out["filter_ms"] = statistics.median(filter_trials)
        out["filter_ms_trials"] = [round(v, 1) for v in filter_trials]
        out["filter_model_only_ms"] = statistics.median(model_trials)
        out["filter_ms_median_keystroke"] = statistics.median(all_keys)

        # one header click (sort + repaint); per trial the worst column/direction, median trial
        header = panel.table.horizontalHeader()
        sort_trials: list[float] = []
        by_column: dict[str, list[float]] = {}
        for _trial in range(TRIALS):
            worst = 0.0
            for col in (Column.NAME, Column.PLACE, Column.STATUS, Column.UPDATED, Column.LABEL,
                        Column.RECOMMENDATION, Column.SCORE):
                for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
                    t0 = time.perf_counter()
                    header.setSortIndicator(col, order)  # what a header click does
                    panel.table.viewport().repaint()
                    ms = (time.perf_counter() - t0) * 1000
                    by_column.setdefault(f"{COLUMNS[col][0].key}_{order.name[:-5].lower()}", []).append(ms)
                    worst = max(worst, ms)
            sort_trials.append(worst)
        out["sort_ms"] = statistics.median(sort_trials)
        out["sort_ms_trials"] = [round(v, 1) for v in sort_trials]
        out["sort_ms_by_column_median"] = {k: round(statistics.median(v), 1) for k, v in by_column.items()}
        panel.set_backend(None)
    finally:
        await backend.aclose()

    # heartbeat: the full window on the LocalBackend, evaluations started and followed
    await window.open_backend()
    while panel.loading or panel.model.total == 0:
        await asyncio.sleep(0.02)
    be = window.backend
    assert be is not None
    gaps: list[float] = []
    last = [time.perf_counter()]

    def beat() -> None:
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1000)
        last[0] = now

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(5)
    timer.timeout.connect(beat)
    ids = fresh_ids[:evaluations]

    async def one(lead_id: str) -> str:
        ticket = await be.start_evaluation(lead_id)
        status = "unknown"
        async for snap in be.watch_run(ticket.run_id):
            status = snap.status
        window.lead_list.refresh_lead(lead_id)
        return status

    await asyncio.sleep(0.2)
    last[0] = time.perf_counter()
    timer.start()
    t0 = time.perf_counter()
    profile = None
    if os.environ.get("LEASELAB_BENCH_PROFILE"):  # where the GUI thread's time goes during the heartbeat
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
    stalls = _StallSampler(last) if os.environ.get("LEASELAB_BENCH_STALLS") else None
    statuses = await asyncio.gather(*(one(i) for i in ids), return_exceptions=True)
    elapsed = time.perf_counter() - t0
    if stalls is not None:
        stalls.stop()
        out["stall_samples"] = stalls.report()
    if profile is not None:
        profile.disable()
        profile.dump_stats(os.environ["LEASELAB_BENCH_PROFILE"])
    await asyncio.sleep(0.1)
    timer.stop()
    out["heartbeat_worst_gap_ms"] = max(gaps) if gaps else float("nan")
    out["heartbeat_p99_gap_ms"] = sorted(gaps)[int(len(gaps) * 0.99)] if gaps else float("nan")
    out["heartbeat_beats"] = len(gaps)
    out["evaluations"] = len(ids)
    out["evaluations_complete"] = sum(1 for s in statuses if s == "complete")
    out["evaluations_s"] = elapsed
    failures = [repr(s) for s in statuses if s != "complete"]
    if failures:
        out["evaluation_failures"] = failures[:5]
    await window.shutdown()
    window.close()
    return out


class _StallSampler:
    """While the heartbeat runs: whenever the GUI thread has not beaten for 15 ms, note what every
    thread is executing (top frames), to tell GUI work from GIL holders elsewhere."""

    def __init__(self, last: list[float], threshold_s: float = 0.015) -> None:
        import collections
        import threading

        self._last, self._threshold = last, threshold_s
        self._main = threading.main_thread().ident
        self.samples: collections.Counter[str] = collections.Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stall-sampler", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import traceback

        while not self._stop.wait(0.003):
            if time.perf_counter() - self._last[0] < self._threshold:
                continue
            for ident, frame in sys._current_frames().items():
                if ident == self._thread.ident:
                    continue
                stack = traceback.extract_stack(frame)[-4:]
                who = "GUI" if ident == self._main else "other"
                self.samples[who + ": " + " < ".join(f"{Path(f.filename).name}:{f.lineno}:{f.name}"
                                                       for f in reversed(stack))] += 1

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def report(self, top: int = 25) -> list[tuple[str, int]]:
        return self.samples.most_common(top)


def run_in_app(data_dir: Path, fresh_ids: list[str], evaluations: int) -> dict[str, Any]:
    from leaselab_desktop.gui import loop
    from leaselab_desktop.gui.app import create_application

    app = create_application([sys.argv[0]])
    return loop.run(app, lambda: list_and_heartbeat(data_dir, fresh_ids, evaluations))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", type=Path, help="write the figures to this JSON file")
    ap.add_argument("--leads", type=int, default=100_000)
    ap.add_argument("--evaluations", type=int, default=50)
    ap.add_argument("--keep", type=Path, help="use (and keep) this folder instead of a temp dir")
    args = ap.parse_args(argv)

    import keyring

    from leaselab_desktop.secrets import MemoryKeyring

    keyring.set_keyring(MemoryKeyring(secure=True))  # no OS keyring is touched by a benchmark
    base = args.keep or Path(tempfile.mkdtemp(prefix="leaselab-bench-"))
    try:
        demo_dir, big_dir = base / "demo", base / "big"
        for d in (demo_dir, big_dir):
            shutil.rmtree(d, ignore_errors=True)
        asyncio.run(prepare_demo(demo_dir, encrypted=False))
        asyncio.run(prepare_demo(big_dir))
        t0 = time.perf_counter()
        from leaselab_desktop.config import Paths

        fresh = insert_leads(Paths(big_dir).database, args.leads - 18, args.evaluations)
        print(f"inserted {args.leads - 18:,} leads in {time.perf_counter() - t0:.1f} s", flush=True)

        cold = cold_start(demo_dir)
        figures: dict[str, Any] = {"cold_start_s": statistics.median(cold),
                                   "cold_start_runs_s": [round(c, 3) for c in cold]}
        figures.update(run_in_app(big_dir, fresh, args.evaluations))
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)

    print(f"\nLeaseLab Desktop GUI benchmark ({args.leads:,} leads, {args.evaluations} evaluations)")
    ok = True
    for key, target in TARGETS.items():
        value = figures.get(key)
        if value is None:
            print(f"  {key:<24} missing")
            ok = False
            continue
        passed = value <= target
        ok &= passed
        print(f"  {key:<24} {value:10.3f}   target ≤ {target:<6g} {'ok' if passed else 'MISSED'}"
              f"   ratio {value / target:.2f}")
    extra = {k: v for k, v in figures.items() if k not in TARGETS}
    print("  details:", json.dumps(extra, default=str))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({**figures, "targets": TARGETS, "all_targets_met": ok},
                                        indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
