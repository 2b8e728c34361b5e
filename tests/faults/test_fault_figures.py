"""Faults in figures: per fault kind through the fault proxy, the operations tried, how each was
answered (fresh; from the offline cache; "error": a typed error an agent can read, or health saying
offline/degraded with why), crashes (an untyped exception or a hang) and duplicate starts. Prints
its table; crashes and duplicate starts must be 0."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cf_ops_server import OpsState, serve
from fault_proxy import FaultProxy

from leaselab_desktop.backends.cloudflare import CloudflareBackend, OfflineCache
from leaselab_desktop.backends.errors import AlreadyRunning, BackendError
from leaselab_desktop.config import PollingSettings
from leaselab_desktop.domain.models import Health, LeadQuery
from leaselab_desktop.secrets import SecretStore

KINDS = {"refused": "refuse", "stall": "stall", "502": "502", "truncated body": "truncate",
         "401": "401", "slow drip": "drip"}
OP_LIMIT_S = 15.0  # an operation that takes longer counts as a crash (the UI would hang)


@dataclass
class Figures:
    tried: int = 0
    fresh: int = 0
    cached: int = 0
    errors: int = 0
    crashes: int = 0
    duplicate_starts: int = 0
    slowest_s: float = 0.0


async def _one(fig: Figures, backend: CloudflareBackend, op: Callable[[], Awaitable[Any]], *,
               held: bool = False) -> None:
    fig.tried += 1
    started = time.monotonic()
    try:
        result = await asyncio.wait_for(op(), OP_LIMIT_S)
    except BackendError as exc:
        assert exc.message.strip()  # typed, with words for the agent
        fig.errors += 1
    except Exception:  # anything else (or a hang) is what this counts
        fig.crashes += 1
    else:
        if isinstance(result, Health):  # an answer about the server: counted as told, not read
            if result.state == "online":
                fig.fresh += 1
            else:
                assert result.detail
                fig.errors += 1
        elif held or backend.last_read.stale:
            fig.cached += 1
        else:
            fig.fresh += 1
    fig.slowest_s = max(fig.slowest_s, time.monotonic() - started)


async def _measure(kind: str, mode: str, state: OpsState, upstream: str, folder: Path, lead_no: int) -> Figures:
    fig = Figures()
    proxy = await FaultProxy(upstream).start()
    cache = OfflineCache(folder / f"{mode}.sqlite3", profile=mode, secrets=SecretStore())
    backend = CloudflareBackend(
        proxy.url, site_id="site_demo", user_id="agent@x", token="tok-secret-123", cache=cache,
        polling=PollingSettings(min_interval_s=0.1, max_interval_s=1.0), timeout_s=0.5, read_retries=1,
        rng=random.Random(5))
    try:
        # what an agent had open before the fault: the list, a lead, its documents, a run
        await backend.list_leads(LeadQuery())
        await backend.get_lead("lead_001")
        files = await backend.list_files("lead_001")
        await backend.read_file(files[0])
        await backend.usage()
        await backend.latest_evaluation("lead_001")
        await backend.evaluation_history("lead_001")
        warm_run = await backend.start_evaluation(f"lead_{lead_no + 1:03d}")
        await backend.get_run(warm_run.run_id)

        await proxy.set_mode(mode)
        target = f"lead_{lead_no:03d}"
        held = backend.cache.document("site_demo", files[0].id) is not None
        ops: list[tuple[Callable[[], Awaitable[Any]], bool]] = [
            (lambda: backend.list_leads(LeadQuery()), False),
            (lambda: backend.list_leads(LeadQuery(q="Ann1")), False),
            (lambda: backend.get_lead("lead_001"), False),
            (lambda: backend.list_files("lead_001"), False),
            (lambda: backend.read_file(files[0]), held),
            (lambda: backend.usage(), False),
            (lambda: backend.latest_evaluation("lead_001"), False),
            (lambda: backend.evaluation_history("lead_001"), False),
            (lambda: backend.get_run(warm_run.run_id), False),
            (lambda: backend.health(), False),
            (lambda: backend.start_evaluation(target), False),
        ]
        for op, from_cache in ops:
            await _one(fig, backend, op, held=from_cache)
        await proxy.set_mode("pass")
        # the agent presses Run again once the server is back: never a second run
        with contextlib.suppress(AlreadyRunning):
            await backend.start_evaluation(target)
        runs = [r for r in state.runs.values() if r.lead_id == target]
        fig.duplicate_starts = max(len(runs) - 1, 0)
    finally:
        await backend.aclose()
        cache.close()
        await proxy.aclose()
    return fig


async def test_fault_figures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    state = OpsState(flavour="workflow")
    state.seed(40)
    state.queue_s = 60  # runs stay open, so a second start would be visible
    state.quota_limit = 100
    table: dict[str, Figures] = {}
    with serve(state) as upstream:
        for i, (kind, mode) in enumerate(KINDS.items()):
            table[kind] = await _measure(kind, mode, state, upstream, tmp_path, 10 + 2 * i)
    lines = [f"{'fault':<15}{'tried':>6}{'fresh':>6}{'cache':>6}{'error':>6}{'crash':>6}{'dup.start':>10}"
             f"{'slowest':>9}"]
    for kind, f in table.items():
        lines.append(f"{kind:<15}{f.tried:>6}{f.fresh:>6}{f.cached:>6}{f.errors:>6}{f.crashes:>6}"
                     f"{f.duplicate_starts:>10}{f.slowest_s:>8.2f}s")
    total = Figures(**{k: sum(getattr(f, k) for f in table.values()) for k in
                       ("tried", "fresh", "cached", "errors", "crashes", "duplicate_starts")})
    lines.append(f"{'all':<15}{total.tried:>6}{total.fresh:>6}{total.cached:>6}{total.errors:>6}"
                 f"{total.crashes:>6}{total.duplicate_starts:>10}")
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert total.crashes == 0
    assert total.duplicate_starts == 0
    for kind in ("refused", "stall", "502", "truncated body", "401"):
        assert table[kind].cached >= 9, (kind, table[kind])  # the reads an agent had open still answer
    assert table["slow drip"].crashes == 0 and table["slow drip"].fresh >= 9
