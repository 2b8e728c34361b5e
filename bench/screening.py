"""Screening benchmark: one evaluation's latency, 100 at once, and fraud-case detection.

    python bench/screening.py [--json PATH] [--runs N]

Runs the real local backend (engine + store + documents + rules provider) on the demo data in a
fresh temporary data dir.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import percentile, report

from leaselab_desktop.backends.demo_loader import _generator, demo_source
from leaselab_desktop.backends.local import LocalBackend
from leaselab_desktop.config import Paths
from leaselab_desktop.domain.models import LeadQuery, NewLead, RunSnapshot

TARGETS = {
    "eval_p50_ms": ("<=", 150.0),
    "batch100_s": ("<=", 15.0),
    "clean_docs_false_flags": ("<=", 0),
}


async def follow(backend: LocalBackend, run_id: str) -> RunSnapshot:
    last = None
    async for snap in backend.watch_run(run_id):
        last = snap
    assert last is not None
    return last


async def timed_eval(backend: LocalBackend, lead_id: str, force: bool) -> tuple[float, RunSnapshot]:
    t0 = time.perf_counter()
    ticket = await backend.start_evaluation(lead_id, force=force, reason="benchmark" if force else None)
    final = await follow(backend, ticket.run_id)
    if final.status != "complete":
        raise RuntimeError(f"{lead_id}: {final.status} {final.error}")
    return (time.perf_counter() - t0) * 1000, final


async def main_async(runs: int) -> dict[str, float | int]:
    with tempfile.TemporaryDirectory(prefix="leaselab-bench-") as tmp:
        backend = await LocalBackend.open(Paths(Path(tmp)), max_concurrency=8)
        try:
            gen = _generator()
            cases = gen.load_cases(demo_source() / "demo.json")
            signals = {}
            for case in cases:
                _, final = await timed_eval(backend, case.lead_id, force=False)
                assert final.output is not None
                signals[case.lead_id] = final.output.signals
            detection = gen.detection_figures(cases, signals)
            lead = "lead_demo_01"
            for _ in range(3):  # warm caches and lazy imports
                await timed_eval(backend, lead, force=True)
            latencies = [(await timed_eval(backend, lead, force=True))[0] for _ in range(runs)]
            batch_s = await batch(backend, lead, 100)
        finally:
            await backend.aclose()
    figures: dict[str, float | int] = {
        "eval_p50_ms": round(percentile(latencies, 0.5), 2),
        "eval_p95_ms": round(percentile(latencies, 0.95), 2),
        "batch100_s": round(batch_s, 3),
        "fraud_cases_total": detection["fraud_cases_total"],
        "fraud_cases_flagged": detection["fraud_cases_flagged"],
        "clean_docs_false_flags": detection["clean_docs_false_flags"],
    }
    if detection["missed"] or detection["false_flags"]:
        print(f"  missed: {detection['missed']}  false flags: {detection['false_flags']}")
    return figures


async def batch(backend: LocalBackend, template_id: str, n: int) -> float:
    """n fresh leads with the template's documents, all started at once; seconds to the last complete."""
    template = await backend.get_lead(template_id)
    files = await backend.list_files(template_id)
    blobs = [(f.file_name, f.file_type, await backend.read_file(f)) for f in files]
    ids = []
    for i in range(n):
        lead = await backend.create_lead(NewLead(
            property_id=template.property_id or "", unit_id=template.unit_id, first_name=template.first_name,
            last_name=f"{template.last_name}{i}", email=f"bench{i}@example.com",
            monthly_income=template.monthly_income, employment_status=template.employment_status,
            employer=template.employer, employment_start_date=template.employment_start_date))
        for name, kind, data in blobs:
            await backend.attach_bytes(lead.id, name, data, kind)
        ids.append(lead.id)
    t0 = time.perf_counter()
    tickets = await asyncio.gather(*(backend.start_evaluation(i) for i in ids))
    finals = await asyncio.gather(*(follow(backend, t.run_id) for t in tickets))
    elapsed = time.perf_counter() - t0
    bad = [f for f in finals if f.status != "complete"]
    if bad:
        raise RuntimeError(f"{len(bad)} batch runs did not complete: {bad[0].error}")
    assert len((await backend.list_leads(LeadQuery(limit=1000))).items) >= n
    return elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()
    import keyring

    from leaselab_desktop.secrets import MemoryKeyring

    # the local data is encrypted with a key in the keyring: a throwaway in-memory one, so the
    # figures include the encryption and no OS keyring is touched (or needed) by a benchmark
    keyring.set_keyring(MemoryKeyring(secure=True))
    figures = asyncio.run(main_async(args.runs))
    targets = dict(TARGETS)
    targets["fraud_cases_flagged"] = (">=", float(figures["fraud_cases_total"]))
    return report("screening (local backend, rules provider)", figures, targets, args.json)


if __name__ == "__main__":
    raise SystemExit(main())
