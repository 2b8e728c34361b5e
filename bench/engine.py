"""Benchmark of the durable workflow engine (not a test).

A 7-step workflow of trivial steps on a fresh database file:
  seq_p50_ms / seq_p95_ms     create → complete, one instance at a time, 200 instances
  conc50_total_s / conc200_total_s   all created at once, until the last completes
  heartbeat_worst_gap_ms      worst lateness of a 5 ms timer on the same loop while 100 run
  seq_cpu_ms_per_instance     process CPU time per sequential instance (not a target)

Usage: .venv/bin/python bench/engine.py [--json out.json] [--repeat N] [--concurrency C] [--db PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from leaselab_desktop.domain.vocab import WORKFLOW_STEPS
from leaselab_desktop.engine import Engine, Retries, StepConfig, WorkflowEntrypoint

STEPS = WORKFLOW_STEPS  # the shared spec's names; the config below is the bench's own (fast) one
CONFIG = StepConfig(retries=Retries(limit=2, delay=1, backoff="exponential"), timeout=30)
TARGETS = {"seq_p50_ms": 3.0, "conc200_total_s": 1.0, "heartbeat_worst_gap_ms": 20.0}
# Cloudflare's local runtime (wrangler dev) on this machine, from FIELD-NOTES.md.
BASELINE = {"seq_p50_ms": 51.0, "conc50_total_s": 2.6, "conc200_total_s": 10.3}


class Trivial(WorkflowEntrypoint):
    async def run(self, event: Any, step: Any) -> Any:
        total = 0
        for i, name in enumerate(STEPS):
            total += await step.do(name, lambda i=i: i, config=CONFIG)
        return {"total": total}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def sequential(engine: Engine, n: int) -> list[float]:
    wf = engine.workflow("trivial")
    for _ in range(10):  # warm-up, not counted
        await (await wf.create()).wait()
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        h = await wf.create()
        st = await h.wait()
        times.append((time.perf_counter() - t0) * 1000)
        assert st["status"] == "complete", st
    return times


async def concurrent(engine: Engine, n: int) -> float:
    wf = engine.workflow("trivial")
    t0 = time.perf_counter()
    batches = [[{"params": None}] * min(100, n - i) for i in range(0, n, 100)]
    handles = [h for hs in await asyncio.gather(*(wf.create_batch(b) for b in batches)) for h in hs]
    results = await asyncio.gather(*(h.wait() for h in handles))
    elapsed = time.perf_counter() - t0
    assert all(r["status"] == "complete" for r in results)
    return elapsed


async def heartbeat(engine: Engine, n: int) -> float:
    loop = asyncio.get_running_loop()
    worst = 0.0
    stop = asyncio.Event()

    async def beat() -> None:
        nonlocal worst
        while not stop.is_set():
            t = loop.time()
            await asyncio.sleep(0.005)
            worst = max(worst, loop.time() - t - 0.005)

    task = asyncio.ensure_future(beat())
    await asyncio.sleep(0.02)
    await concurrent(engine, n)
    stop.set()
    await task
    return worst * 1000


async def main(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(args.db) if args.db else Path(tmp) / "bench-engine.db"
        if db.exists():
            raise SystemExit(f"{db} exists; the benchmark needs a fresh database file")
        engine = Engine(db, {"trivial": Trivial()}, max_concurrency=args.concurrency)
        await engine.start()
        try:
            cpu0 = time.process_time()
            seq = await sequential(engine, 200)
            seq_cpu = (time.process_time() - cpu0) * 1000 / 210
            conc50 = await concurrent(engine, 50)
            conc200 = await concurrent(engine, 200)
            gap = await heartbeat(engine, 100)
        finally:
            await engine.close()
    return {
        "seq_p50_ms": round(statistics.median(seq), 3),
        "seq_p95_ms": round(percentile(seq, 0.95), 3),
        "conc50_total_s": round(conc50, 4),
        "conc200_total_s": round(conc200, 4),
        "heartbeat_worst_gap_ms": round(gap, 3),
        "seq_cpu_ms_per_instance": round(seq_cpu, 3),
        "max_concurrency": args.concurrency,
        "python": platform.python_version(),
        "loadavg_1m_before": args.load_before,
        "loadavg_1m_after": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
    }


FIGURES = ("seq_p50_ms", "seq_p95_ms", "conc50_total_s", "conc200_total_s",
           "heartbeat_worst_gap_ms", "seq_cpu_ms_per_instance")


def report(figures: dict[str, Any]) -> bool:
    ok = True
    for key in FIGURES[:-1]:
        value = figures[key]
        line = f"{key:24s} {value:10.3f}"
        if key in TARGETS:
            met = value <= TARGETS[key]
            ok &= met
            line += f"   target ≤ {TARGETS[key]:g}: {'met' if met else 'MISSED'}"
        if key in BASELINE:
            line += f"   (wrangler dev baseline {BASELINE[key]:g}, ×{BASELINE[key] / value:.0f})"
        print(line)
    print(f"{'seq_cpu_ms_per_instance':24s} {figures['seq_cpu_ms_per_instance']:10.3f}"
          "   (CPU time of both threads per sequential instance; load-independent)")
    if "repeats" in figures:
        print(f"medians of {len(figures['repeats']['seq_p50_ms'])} runs")
    print(f"max_concurrency {figures['max_concurrency']}, Python {figures['python']}, "
          f"{figures['cpus']} CPUs, load average {figures['loadavg_1m_before']} → "
          f"{figures['loadavg_1m_after']} (other work on the machine skews the figures)")
    return ok


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--json", help="write the figures to this JSON file")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run N times (fresh file each) and report each figure's median")
    parser.add_argument("--db", help="database file to create (default: a temporary one)")
    parser.add_argument("--concurrency", type=int, default=10,
                        help="engine max_concurrency (default 10, the engine's and the app's)")
    ns = parser.parse_args()
    if ns.db and ns.repeat > 1:
        parser.error("--db names one fresh file: use it without --repeat")
    ns.load_before = round(os.getloadavg()[0], 2)
    runs = [asyncio.run(main(ns)) for _ in range(ns.repeat)]
    result = dict(runs[-1])
    if ns.repeat > 1:  # the median of each figure over the repeats, each on a fresh file
        for key in FIGURES:
            result[key] = round(statistics.median(r[key] for r in runs), 3)
        result["repeats"] = {key: [r[key] for r in runs] for key in FIGURES}
    all_met = report(result)
    if ns.json:
        Path(ns.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {ns.json}")
    sys.exit(0 if all_met else 1)
