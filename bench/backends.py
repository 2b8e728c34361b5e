"""Backends benchmark: the same evaluation on the local backend and on the worker under wrangler dev.

    python bench/backends.py --json out.json [--samples 5] [--no-worker]

Figures:
- ``local_latency_ms`` / ``worker_latency_ms``: median create → complete of one evaluation (rules
  provider), started with ``start_evaluation`` and followed with ``watch_run`` as the app does.
- ``local_conc50_s`` / ``worker_conc50_s``: 50 evaluations started at once, until the last completes.
- ``poll_requests_ratio`` / ``poll_bytes_ratio``: the client's adaptive + ETag polling against polling
  every 2 s with full bodies, for the same runs, counted on the wire with an httpx event hook. The runs
  follow realistic timelines (a slow AI step; deployed-worker jobs waiting for their scheduled
  processor), replayed in virtual time by a loopback server so minutes of waiting take milliseconds;
  the mean and worst delay before a step change is shown are reported for both strategies.
Targets: local ≥ 5× faster on both latency figures; both polling ratios ≤ 0.5.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "unit" / "cloudflare"), str(ROOT / "tests" / "contract")]

from leaselab_desktop.backends.base import Backend  # noqa: E402
from leaselab_desktop.backends.cloudflare import CloudflareBackend, OfflineCache  # noqa: E402
from leaselab_desktop.backends.cloudflare.polling import fingerprint  # noqa: E402
from leaselab_desktop.backends.cloudflare.wire import run_snapshot  # noqa: E402
from leaselab_desktop.backends.errors import BackendUnavailable  # noqa: E402
from leaselab_desktop.backends.local import LocalBackend  # noqa: E402
from leaselab_desktop.config import Paths, PollingSettings  # noqa: E402
from leaselab_desktop.domain.models import LeadQuery, NewLead  # noqa: E402
from leaselab_desktop.secrets import MemoryKeyring, SecretStore  # noqa: E402

TARGET_SPEEDUP = 5.0
TARGET_RATIO = 0.5


# -- latency and concurrency ---------------------------------------------------------------------

RETRIES: dict[str, int] = {}


async def _start(backend: Backend, lead_id: str) -> Any:
    """Start once; after a 503/timeout send it again with the same Idempotency-Key (safe retry)."""
    if not isinstance(backend, CloudflareBackend):
        return await backend.start_evaluation(lead_id, force=True, reason="benchmark")
    key = f"bench-{lead_id}-{time.time_ns()}"
    for attempt in range(4):
        try:
            return await backend.start_evaluation(lead_id, force=True, reason="benchmark", idempotency_key=key)
        except BackendUnavailable:
            if attempt == 3:
                raise
            RETRIES[backend.kind] = RETRIES.get(backend.kind, 0) + 1
            await asyncio.sleep(0.5)
    raise AssertionError("unreachable")


SERVER_MS: dict[str, list[float]] = {}


async def _evaluate(backend: Backend, lead_id: str) -> float:
    """Client-observed create → complete in ms (also notes the server's own queued → completed)."""
    t0 = time.perf_counter()
    ticket = await _start(backend, lead_id)
    async for snap in backend.watch_run(ticket.run_id):
        last = snap
    if last.status != "complete":
        raise RuntimeError(f"run {ticket.run_id} ended {last.status}: {last.error}")
    elapsed = (time.perf_counter() - t0) * 1000
    if last.queued_at and last.completed_at:
        SERVER_MS.setdefault(backend.kind, []).append((last.completed_at - last.queued_at).total_seconds() * 1000)
    return elapsed


async def _leads_with_documents(backend: Backend) -> list[str]:
    out = []
    for lead in (await backend.list_leads(LeadQuery(limit=500))).items:
        if await backend.list_files(lead.id):
            out.append(lead.id)
    return out


async def measure(backend: Backend, samples: int, conc_leads: list[str],
                  conc_backend: Backend | None = None) -> tuple[float, float]:
    """Median single-run latency, then 50 runs at once (on ``conc_backend`` when given)."""
    leads = [lead for lead in await _leads_with_documents(backend) if lead not in conc_leads]
    await _evaluate(backend, leads[0])  # warm-up (imports, JIT of the dev server)
    SERVER_MS.pop(backend.kind, None)
    lat = [await _evaluate(backend, leads[(i + 1) % len(leads)]) for i in range(samples)]
    server = SERVER_MS.get(backend.kind)
    if server:
        SERVER_MS[backend.kind + ":median"] = [statistics.median(server)]
    t0 = time.perf_counter()
    await asyncio.gather(*(_evaluate(conc_backend or backend, lead) for lead in conc_leads))
    return statistics.median(lat), time.perf_counter() - t0


async def local_figures(samples: int) -> dict[str, float]:
    data = Path(tempfile.mkdtemp(prefix="bench-local-"))
    backend = await LocalBackend.open(Paths(data), max_concurrency=50)
    try:
        donor = (await _leads_with_documents(backend))[0]
        blobs = [(f, await backend.read_file(f)) for f in await backend.list_files(donor)]
        prop = (await backend.list_properties())[0].id
        conc = []
        for i in range(50):
            lead = await backend.create_lead(NewLead(
                property_id=prop, first_name=f"Bench{i}", last_name="Applicant",
                email=f"bench{i}@example.com", employment_status="employed", monthly_income=6000))
            for f, blob in blobs:
                await backend.attach_bytes(lead.id, f.file_name, blob, f.file_type)
            conc.append(lead.id)
        latency, conc50 = await measure(backend, samples, conc)
    finally:
        await backend.aclose()
    return {"local_latency_ms": round(latency, 1), "local_conc50_s": round(conc50, 2),
            "local_server_latency_ms": round(SERVER_MS.get("local:median", [0])[0], 1)}


async def _clone_worker_leads(server: Any, backend: CloudflareBackend, n: int) -> list[str]:
    """n new leads on the worker, each with the documents of a demo lead (SQL + the upload route)."""
    donor = (await _leads_with_documents(backend))[0]
    files = [(f, await backend.read_file(f)) for f in await backend.list_files(donor)]
    ids = [f"lead_bench_{i:03d}" for i in range(n)]
    cols = ("site_id, property_id, unit_id, first_name, last_name, email, phone, current_address, "
            "employment_status, employer, employment_start_date, monthly_income, move_in_date, message, "
            "status, landlord_note, is_active, created_at, updated_at")
    sql = " ".join(
        f"INSERT INTO leads (id, {cols}) SELECT '{lead_id}', "
        + cols.replace("email", f"'{lead_id}@bench.example'")
        + f" FROM leads WHERE id = '{donor}';"
        for lead_id in ids
    )
    await asyncio.to_thread(server.execute_sql, sql)
    headers = {"Authorization": f"Bearer {server.token}", "X-Site-Id": server.site_id}
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
        for lead_id in ids:
            for f, blob in files:
                r = await http.post(f"/api/ops/leads/{lead_id}/files", content=blob, headers={
                    **headers, "X-File-Name": f.file_name, "X-File-Type": f.file_type,
                    "Content-Type": f.mime_type or "application/octet-stream"})
                r.raise_for_status()
    return ids


async def worker_figures(samples: int) -> dict[str, Any]:
    import worker_server  # tests/contract/worker_server.py, written with the worker
    from contract_helpers import worker_fields  # tests/contract/contract_helpers.py

    with worker_server.run_worker_dev(Path(tempfile.mkdtemp(prefix="bench-worker-"))) as server:
        base_url, token, site_id, _ = worker_fields(server)
        cache = OfflineCache(Path(tempfile.mkdtemp()) / "c.sqlite3", profile="bench",
                             secrets=SecretStore(MemoryKeyring()))
        # single runs followed closely (0.1 s), so polling does not hide the worker's own latency;
        # 50 at once followed with the app's default polling, as agents' clients would
        backend = CloudflareBackend(base_url, site_id=site_id, user_id="bench@x", token=token, cache=cache,
                                    polling=PollingSettings(min_interval_s=0.1, max_interval_s=2.0),
                                    timeout_s=60)
        crowd = CloudflareBackend(base_url, site_id=site_id, user_id="bench@x", token=token, cache=cache,
                                  polling=PollingSettings(), timeout_s=60)
        try:
            conc = await _clone_worker_leads(server, backend, 50)
            await asyncio.to_thread(server.set_usage, site_id, 0)
            latency, conc_s = await measure(backend, samples, conc, crowd)
        finally:
            await backend.aclose()
            await crowd.aclose()
            cache.close()
    return {"worker_latency_ms": round(latency, 1), "worker_conc50_s": round(conc_s, 2),
            "worker_server_latency_ms": round(SERVER_MS.get("cloudflare:median", [0])[0], 1),
            "worker_start_retries_after_503": RETRIES.get("cloudflare", 0)}


# -- polling: adaptive + ETag vs every 2 s with full bodies -------------------------------------

class VirtualTime:
    def __init__(self) -> None:
        self.t = 1_780_000_000.0

    def now(self) -> float:
        return self.t

    def dt(self) -> datetime:
        return datetime.fromtimestamp(self.t, UTC)

    async def sleep(self, seconds: float) -> None:
        self.t += seconds
        await asyncio.sleep(0)


class WireMeter:
    """Counts requests and bytes both ways (request line + headers + body, status + headers + body)."""

    def __init__(self, vt: VirtualTime) -> None:
        self.vt = vt
        self.requests = 0
        self.bytes = 0
        self.times: list[float] = []

    async def on_request(self, request: httpx.Request) -> None:
        self.requests += 1
        self.times.append(self.vt.t)
        self.bytes += len(request.method) + len(str(request.url)) + 11 + len(request.content)
        self.bytes += sum(len(k) + len(v) + 4 for k, v in request.headers.raw)

    async def on_response(self, response: httpx.Response) -> None:
        await response.aread()
        self.bytes += 17 + len(response.content) + sum(len(k) + len(v) + 4 for k, v in response.headers.raw)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(event_hooks={"request": [self.on_request], "response": [self.on_response]})


def _timeline(flavour: str, rng: random.Random) -> tuple[float, tuple[float, ...]]:
    if flavour == "job":  # waits for the scheduled processor (every 2 min), then processes
        return rng.uniform(5, 120), (rng.uniform(5, 20),)
    steps = (rng.uniform(0.05, 0.2), rng.uniform(0.5, 2.0), rng.uniform(4, 15), rng.uniform(0.03, 0.1),
             rng.uniform(0.05, 0.2), rng.uniform(0.03, 0.1), rng.uniform(0.2, 1.0))
    return rng.uniform(0.2, 1.0), steps


def _change_times(t0: float, queue: float, steps: tuple[float, ...]) -> list[float]:
    out, t = [t0 + queue], t0 + queue
    for d in steps:
        t += d
        out.append(t)
    return out


def _delays(changes: list[float], polls: list[float]) -> list[float]:
    return [min((p for p in polls if p >= c - 1e-9), default=c) - c for c in changes]


async def _baseline(client: httpx.AsyncClient, url: str, vt: VirtualTime, flavour: str) -> None:
    kind = "job" if flavour == "job" else "workflow"
    while True:
        answer = (await client.get(url, headers={"X-Site-Id": "site_demo", "Authorization": "Bearer t"})).json()
        if run_snapshot(answer["data"], kind).finished:
            return
        await vt.sleep(2.0)


async def polling_figures(runs_per_flavour: int = 12, seed: int = 11) -> dict[str, Any]:
    from cf_ops_server import OpsState, serve

    rng = random.Random(seed)
    totals: dict[str, dict[str, float]] = {}
    delays: dict[str, list[float]] = {"adaptive": [], "fixed_2s": []}
    flavour_delays: dict[tuple[str, str], list[float]] = {}
    for flavour in ("workflow", "job"):
        vt = VirtualTime()
        state = OpsState(flavour=flavour, token="t", clock=vt.now)
        state.seed(runs_per_flavour)
        adaptive, fixed = WireMeter(vt), WireMeter(vt)
        with serve(state) as url:
            cache = OfflineCache(Path(tempfile.mkdtemp()) / "p.sqlite3", profile="p",
                                 secrets=SecretStore(MemoryKeyring()))
            backend = CloudflareBackend(url, site_id="site_demo", user_id="u", token="t", cache=cache,
                                        clock=vt.dt, sleep=vt.sleep, client=adaptive.client(),
                                        polling=PollingSettings(), rng=random.Random(seed))
            plain = fixed.client()
            for i in range(runs_per_flavour):
                state.queue_s, state.step_s = _timeline(flavour, rng)
                t0 = vt.t
                run = state.start(f"lead_{i:03d}")
                changes = _change_times(t0, run.queue_s, run.step_s)
                n0 = len(adaptive.times)
                async for snap in backend.watch_run(run.run_id):
                    fingerprint(snap)
                delays["adaptive"] += _delays(changes, adaptive.times[n0:])
                end = vt.t
                vt.t = t0
                n1 = len(fixed.times)
                path = "ai-evaluation-jobs" if flavour == "job" else "ai-workflows"
                await _baseline(plain, f"{url}/api/ops/{path}/{run.run_id}", vt, flavour)
                delays["fixed_2s"] += _delays(changes, fixed.times[n1:])
                flavour_delays.setdefault((flavour, "adaptive"), []).extend(_delays(changes, adaptive.times[n0:]))
                flavour_delays.setdefault((flavour, "fixed_2s"), []).extend(_delays(changes, fixed.times[n1:]))
                vt.t = max(end, vt.t) + 1
            await backend.aclose()
            await plain.aclose()
            cache.close()
        totals[flavour] = {"adaptive_requests": adaptive.requests, "fixed_requests": fixed.requests,
                           "adaptive_bytes": adaptive.bytes, "fixed_bytes": fixed.bytes}
    a_req = sum(t["adaptive_requests"] for t in totals.values())
    f_req = sum(t["fixed_requests"] for t in totals.values())
    a_b = sum(t["adaptive_bytes"] for t in totals.values())
    f_b = sum(t["fixed_bytes"] for t in totals.values())
    per = {f"poll_{k}_{flavour}": round(v, 3) for flavour, t in totals.items() for k, v in {
        "requests_ratio": t["adaptive_requests"] / t["fixed_requests"],
        "bytes_ratio": t["adaptive_bytes"] / t["fixed_bytes"]}.items()}
    return {
        "poll_requests_ratio": round(a_req / f_req, 3),
        "poll_bytes_ratio": round(a_b / f_b, 3),
        **per,
        "poll_requests": {"adaptive": a_req, "fixed_2s": f_req},
        "poll_bytes": {"adaptive": a_b, "fixed_2s": f_b},
        "step_change_delay_s": {k: {"mean": round(statistics.mean(v), 3), "max": round(max(v), 3)}
                                for k, v in delays.items()},
        "step_change_delay_s_by_flavour": {
            f"{f}/{k}": {"mean": round(statistics.mean(v), 3), "max": round(max(v), 3)}
            for (f, k), v in flavour_delays.items()},
    }


def _verdict(results: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "worker_latency_ms" in results:
        out["latency_speedup"] = round(results["worker_latency_ms"] / results["local_latency_ms"], 2)
        out["conc50_speedup"] = round(results["worker_conc50_s"] / results["local_conc50_s"], 2)
        out["latency_target_met"] = out["latency_speedup"] >= TARGET_SPEEDUP
        out["conc50_target_met"] = out["conc50_speedup"] >= TARGET_SPEEDUP
    out["poll_requests_target_met"] = results["poll_requests_ratio"] <= TARGET_RATIO
    out["poll_bytes_target_met"] = results["poll_bytes_ratio"] <= TARGET_RATIO
    return out


async def run(samples: int, worker: bool) -> dict[str, Any]:
    results: dict[str, Any] = {}
    results.update(await local_figures(samples))
    if worker:
        results.update(await worker_figures(samples))
    results.update(await polling_figures())
    results.update(_verdict(results))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--samples", type=int, default=5, help="single-run latency samples per backend")
    parser.add_argument("--no-worker", action="store_true", help="skip the worker (no Node/wrangler)")
    args = parser.parse_args(argv)
    results = asyncio.run(run(args.samples, not args.no_worker))
    for key, value in results.items():
        print(f"{key:36} {value}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
