"""Backends benchmark: the same evaluation on the local backend and on the worker under wrangler dev.

    python bench/backends.py --json out.json [--samples 5] [--no-worker]

Figures:
- ``local_latency_ms`` / ``worker_latency_ms``: median create → complete of one evaluation (rules
  provider), started with ``start_evaluation`` and followed with ``watch_run`` (on the worker by
  polling every 0.1 s, so neither polling nor the stream's 300 ms server tick hides its latency).
- ``local_conc50_s`` / ``worker_conc50_s``: 50 evaluations started at once, until the last completes
  (on the worker each followed as the app does: through the run stream).
- ``poll_requests_ratio`` / ``poll_bytes_ratio``: workflow runs on the project worker (wrangler dev,
  its AI step an openai-compatible loopback model that answers after 4–10 s), each followed at once
  by the client's ``watch_run`` (the run stream) and by a plain client polling every 2 s with full
  bodies; requests and bytes counted on the wire by an httpx transport (a stream's bytes as they
  arrive). ``step_change_delay_s``: for every step start/end and the run's end (the server's own
  timestamps), the mean and worst time until each client had a snapshot showing it.
  ``--no-worker``: the same on the loopback server streaming in real time.
- ``*_job``: deployed workers' jobs (adaptive + ETag polling; jobs wait for a scheduled processor),
  and ``*_workflow_polled``: workflow runs on a server without the stream (the fallback), both
  against every-2-s polling, replayed in virtual time by a loopback server (information).
Targets: local ≥ 5× faster on both latency figures; both polling ratios ≤ 0.5 with step changes
shown no later than by every-2-s polling.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
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
from leaselab_desktop.domain.models import LeadQuery, NewLead, RunSnapshot  # noqa: E402
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
        backend.api.stream_support = False  # the run stream's 300 ms server tick would hide it too
        crowd = CloudflareBackend(base_url, site_id=site_id, user_id="bench@x", token=token, cache=cache,
                                  polling=PollingSettings(), timeout_s=60)  # the app's way: the run stream
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


# -- following runs: the client's watch_run vs polling every 2 s with full bodies ----------------

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


class _CountedBody(httpx.AsyncByteStream):
    """A response body counted as it arrives (a stream's events are counted when they come)."""

    def __init__(self, inner: httpx.AsyncByteStream, meter: WireMeter) -> None:
        self.inner, self.meter = inner, meter

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self.inner:
            self.meter.bytes += len(chunk)
            yield chunk

    async def aclose(self) -> None:
        await self.inner.aclose()


class _MeteredTransport(httpx.AsyncBaseTransport):
    def __init__(self, meter: WireMeter) -> None:
        self.meter = meter
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        m = self.meter
        m.requests += 1
        m.times.append(m.now())
        m.bytes += len(request.method) + len(str(request.url)) + 11 + len(request.content)
        m.bytes += sum(len(k) + len(v) + 4 for k, v in request.headers.raw)
        response = await self.inner.handle_async_request(request)
        m.bytes += 17 + sum(len(k) + len(v) + 4 for k, v in response.headers.raw)
        assert isinstance(response.stream, httpx.AsyncByteStream)
        return httpx.Response(response.status_code, headers=response.headers,
                              stream=_CountedBody(response.stream, m), extensions=response.extensions)

    async def aclose(self) -> None:
        await self.inner.aclose()


class WireMeter:
    """Counts requests and bytes both ways on the wire (request line + headers + body; status line +
    headers + body bytes as they arrive, so an open stream is counted event by event)."""

    def __init__(self, now: Callable[[], float]) -> None:
        self.now = now
        self.requests = 0
        self.bytes = 0
        self.times: list[float] = []

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=_MeteredTransport(self), timeout=60)


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


def _versus_fixed(name: str, ours: Any, fixed: Any, delays: dict[str, list[float]]) -> dict[str, Any]:
    """Requests and bytes of one way of following runs against every-2-s polling, with the delays."""
    return {"requests": {name: ours.requests, "fixed_2s": fixed.requests},
            "bytes": {name: ours.bytes, "fixed_2s": fixed.bytes},
            "requests_ratio": round(ours.requests / fixed.requests, 3),
            "bytes_ratio": round(ours.bytes / fixed.bytes, 3),
            "delay_s": {k: _delay_stats(v) for k, v in delays.items()}}


def _delay_stats(values: list[float]) -> dict[str, float]:
    return {"mean": round(statistics.mean(values), 3), "max": round(max(values), 3)}


async def _baseline(client: httpx.AsyncClient, url: str, vt: VirtualTime, flavour: str) -> None:
    kind = "job" if flavour == "job" else "workflow"
    while True:
        answer = (await client.get(url, headers={"X-Site-Id": "site_demo", "Authorization": "Bearer t"})).json()
        if run_snapshot(answer["data"], kind).finished:
            return
        await vt.sleep(2.0)


async def virtual_polling_figures(flavour: str, runs: int = 12, seed: int = 11) -> dict[str, Any]:
    """Adaptive + ETag polling (jobs; workflow runs on a server without the stream) against
    polling every 2 s, on the loopback server in virtual time (minutes of waiting take ms)."""
    from cf_ops_server import OpsState, serve

    rng = random.Random(seed if flavour == "workflow" else seed + 1)
    delays: dict[str, list[float]] = {"adaptive": [], "fixed_2s": []}
    vt = VirtualTime()
    state = OpsState(flavour=flavour, token="t", clock=vt.now)
    state.seed(runs)
    adaptive, fixed = WireMeter(vt.now), WireMeter(vt.now)
    with serve(state) as url:
        cache = OfflineCache(Path(tempfile.mkdtemp()) / "p.sqlite3", profile="p",
                             secrets=SecretStore(MemoryKeyring()))
        backend = CloudflareBackend(url, site_id="site_demo", user_id="u", token="t", cache=cache,
                                    clock=vt.dt, sleep=vt.sleep, client=adaptive.client(),
                                    polling=PollingSettings(), rng=random.Random(seed))
        backend.api.stream_support = False  # polling only (a server without the run stream)
        plain = fixed.client()
        for i in range(runs):
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
            vt.t = max(end, vt.t) + 1
        await backend.aclose()
        await plain.aclose()
        cache.close()
    return _versus_fixed("adaptive", adaptive, fixed, delays)


# Workflow runs, followed in real time: the client's watch_run (the run stream) vs every 2 s.

AI_SECONDS = (4.0, 10.0)  # the model's answer time (the slow step), uniform


@contextlib.contextmanager
def slow_model_server(rng: random.Random) -> Iterator[str]:
    """An OpenAI-compatible chat endpoint on loopback that answers after AI_SECONDS."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    lock = threading.Lock()
    content = json.dumps({
        "facts": {"verified_monthly_income": 5200, "public_assistance_monthly": None, "employment_months": 30,
                  "average_bank_balance": 4100, "negative_balance_days": 0},
        "signals": [], "summary": "Income and employment are documented. Nothing unusual was found."})

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with lock:
                delay = rng.uniform(*AI_SECONDS)
            time.sleep(delay)
            body = json.dumps({"id": "bench", "object": "chat.completion", "model": "bench-slow-model",
                               "choices": [{"index": 0, "finish_reason": "stop",
                                            "message": {"role": "assistant", "content": content}}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


Seen = list[tuple[float, RunSnapshot]]


def _first_seen(seen: Seen, test: Callable[[RunSnapshot], bool]) -> float | None:
    return next((t for t, snap in seen if test(snap)), None)


def _step(snap: RunSnapshot, name: str) -> Any:
    return next((s for s in snap.steps if s.name == name), None)


def _run_delays(final: RunSnapshot, seen: Seen) -> list[float]:
    """For each change of the run (a step starts, a step ends, the run ends, at the server's own
    timestamps), how long until the client had a snapshot showing it."""
    def started(name: str) -> Callable[[RunSnapshot], bool]:
        return lambda s: any(x.name == name and x.status != "pending" for x in s.steps)

    def ended(name: str) -> Callable[[RunSnapshot], bool]:
        return lambda s: any(x.name == name and x.status in ("complete", "errored") for x in s.steps)

    changes: list[tuple[datetime, Callable[[RunSnapshot], bool]]] = []
    for step in final.steps:
        if step.started_at is not None:
            changes.append((step.started_at, started(step.name)))
        if step.ended_at is not None:
            changes.append((step.ended_at, ended(step.name)))
    if final.completed_at is not None:
        changes.append((final.completed_at, lambda s: s.finished))
    out = []
    for at, test in changes:
        t = _first_seen(seen, test)
        if t is not None:
            out.append(max(t - at.timestamp(), 0.0))
    return out


async def _fixed_2s(client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> Seen:
    seen: Seen = []
    while True:
        answer = await client.get(url, headers=headers)
        snap = run_snapshot(answer.json()["data"], "workflow")
        seen.append((time.time(), snap))
        if snap.finished:
            return seen
        await asyncio.sleep(2.0)


async def _watched(backend: CloudflareBackend, run_id: str) -> Seen:
    return [(time.time(), snap) async for snap in backend.watch_run(run_id)]


async def stream_figures(base_url: str, token: str, site_id: str, leads: list[str],
                         start: Callable[[str], Awaitable[str]], runs: int, parallel: int) -> dict[str, Any]:
    """``runs`` workflow runs (``parallel`` at a time), each followed at once by the client's
    watch_run and by a plain client polling every 2 s with full bodies; both counted on the wire."""
    stream_meter, fixed_meter = WireMeter(time.time), WireMeter(time.time)
    cache = OfflineCache(Path(tempfile.mkdtemp()) / "s.sqlite3", profile="s", secrets=SecretStore(MemoryKeyring()))
    metered = stream_meter.client()
    follower = CloudflareBackend(base_url, site_id=site_id, user_id="bench@x", token=token, cache=cache,
                                 client=metered, polling=PollingSettings(), timeout_s=60)
    plain = fixed_meter.client()
    headers = {"Authorization": f"Bearer {token}", "X-Site-Id": site_id}
    delays: dict[str, list[float]] = {"stream": [], "fixed_2s": []}
    ends: list[str] = []
    ai_seconds: list[float] = []

    async def lane(lead_id: str, count: int) -> None:
        for _ in range(count):  # one run at a time per lead
            run_id = await start(lead_id)
            streamed, polled = await asyncio.gather(
                _watched(follower, run_id), _fixed_2s(plain, f"{base_url}/api/ops/ai-workflows/{run_id}", headers))
            final = polled[-1][1]
            if streamed[-1][1] != final or final.status != "complete":
                raise RuntimeError(f"run {run_id}: stream ended {streamed[-1][1].status}, polling {final.status}")
            ends.append(final.status)
            ai = _step(final, "call-workers-ai")
            if ai is not None and ai.duration_ms is not None:
                ai_seconds.append(ai.duration_ms / 1000)
            delays["stream"] += _run_delays(final, streamed)
            delays["fixed_2s"] += _run_delays(final, polled)

    lanes = min(parallel, len(leads))
    try:
        await asyncio.gather(*(lane(leads[j], runs // lanes + (j < runs % lanes)) for j in range(lanes)))
        stream_support = follower.api.stream_support
    finally:
        await follower.aclose()
        await plain.aclose()
        await metered.aclose()
        cache.close()
    return {**_versus_fixed("stream", stream_meter, fixed_meter, delays),
            "runs": len(ends), "stream_used": stream_support is True,
            "ai_step_s": {"min": round(min(ai_seconds), 2), "max": round(max(ai_seconds), 2)} if ai_seconds else None}


async def worker_stream_figures(runs: int, parallel: int, seed: int) -> dict[str, Any]:
    """The project worker under wrangler dev, its AI step an openai-compatible model that answers
    after several seconds (a loopback server), followed through the run stream."""
    import worker_server
    from contract_helpers import worker_fields

    with slow_model_server(random.Random(seed)) as ai_url, worker_server.run_worker_dev(
        Path(tempfile.mkdtemp(prefix="bench-stream-")),
        worker_vars={"AI_PROVIDER": "openai-compatible", "AI_BASE_URL": ai_url, "AI_MODEL": "bench-slow-model"},
    ) as server:
        base_url, token, site_id, _ = worker_fields(server)
        await asyncio.to_thread(server.set_usage, site_id, 0)
        cache = OfflineCache(Path(tempfile.mkdtemp()) / "st.sqlite3", profile="st",
                             secrets=SecretStore(MemoryKeyring()))
        starter = CloudflareBackend(base_url, site_id=site_id, user_id="bench@x", token=token, cache=cache,
                                    timeout_s=60)
        try:
            leads = (await _leads_with_documents(starter))[:parallel]

            async def start(lead_id: str) -> str:
                return str((await _start(starter, lead_id)).run_id)

            out = await stream_figures(base_url, token, site_id, leads, start, runs, parallel)
        finally:
            await starter.aclose()
            cache.close()
    out["source"] = f"worker under wrangler dev; AI step = openai-compatible model answering in {AI_SECONDS} s"
    return out


async def loopback_stream_figures(runs: int, parallel: int, seed: int) -> dict[str, Any]:
    """Without Node: the loopback server streams in real time, with the same kind of timelines."""
    from cf_ops_server import OpsState, serve

    rng = random.Random(seed)
    state = OpsState(flavour="workflow", token="t")
    state.seed(parallel)
    with serve(state) as url:
        async def start(lead_id: str) -> str:
            queue, steps = _timeline("workflow", rng)
            state.queue_s, state.step_s = queue, (*steps[:2], rng.uniform(*AI_SECONDS), *steps[3:])
            return state.start(lead_id).run_id

        out = await stream_figures(url, "t", "site_demo", [f"lead_{i:03d}" for i in range(parallel)],
                                   start, runs, parallel)
    out["source"] = "loopback server in real time (no worker)"
    return out


async def polling_figures(worker: bool, runs: int = 12, parallel: int = 4, seed: int = 11) -> dict[str, Any]:
    wf = await (worker_stream_figures if worker else loopback_stream_figures)(runs, parallel, seed)
    job = await virtual_polling_figures("job", runs, seed)
    wf_polled = await virtual_polling_figures("workflow", runs, seed)
    return {
        "poll_requests_ratio": wf["requests_ratio"],
        "poll_bytes_ratio": wf["bytes_ratio"],
        "poll_requests": wf["requests"],
        "poll_bytes": wf["bytes"],
        "step_change_delay_s": wf["delay_s"],
        "poll_workflow_runs": wf["runs"],
        "poll_workflow_stream_used": wf["stream_used"],
        "poll_workflow_ai_step_s": wf["ai_step_s"],
        "poll_workflow_source": wf["source"],
        # information: deployed workers' jobs (adaptive polling, virtual time)
        "poll_requests_ratio_job": job["requests_ratio"],
        "poll_bytes_ratio_job": job["bytes_ratio"],
        "poll_requests_job": job["requests"],
        "poll_bytes_job": job["bytes"],
        "step_change_delay_s_job": job["delay_s"],
        # information: workflow runs on a server without the stream (the fallback, virtual time)
        "poll_requests_ratio_workflow_polled": wf_polled["requests_ratio"],
        "poll_bytes_ratio_workflow_polled": wf_polled["bytes_ratio"],
        "step_change_delay_s_workflow_polled": wf_polled["delay_s"],
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
    delay = results["step_change_delay_s"]
    out["poll_delay_not_worse"] = (delay["stream"]["mean"] <= delay["fixed_2s"]["mean"]
                                   and delay["stream"]["max"] <= delay["fixed_2s"]["max"])
    return out


async def run(samples: int, worker: bool) -> dict[str, Any]:
    results: dict[str, Any] = {}
    results.update(await local_figures(samples))
    if worker:
        results.update(await worker_figures(samples))
    results.update(await polling_figures(worker))
    results.update(_verdict(results))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--samples", type=int, default=5, help="single-run latency samples per backend")
    parser.add_argument("--no-worker", action="store_true", help="skip the worker (no Node/wrangler)")
    args = parser.parse_args(argv)
    import keyring

    from leaselab_desktop.secrets import MemoryKeyring

    # the local data is encrypted with a key in the keyring: a throwaway in-memory one, so the
    # figures include the encryption and no OS keyring is touched (or needed) by a benchmark
    keyring.set_keyring(MemoryKeyring(secure=True))
    results = asyncio.run(run(args.samples, not args.no_worker))
    for key, value in results.items():
        print(f"{key:36} {value}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
