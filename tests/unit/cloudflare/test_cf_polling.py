"""Adaptive polling: fast while steps move, slower while a run waits, jittered, bounded."""

from __future__ import annotations

import random

from leaselab_desktop.backends.cloudflare.polling import AdaptivePoller
from leaselab_desktop.config import PollingSettings
from leaselab_desktop.domain.models import RunSnapshot, StepProgress

SETTINGS = PollingSettings(min_interval_s=0.5, max_interval_s=15.0)


def _snap(status: str, done: int = 0) -> RunSnapshot:
    steps = [StepProgress(name=f"s{i}", status="complete") for i in range(done)]
    return RunSnapshot(run_id="r", status=status, steps=steps)


def test_fast_while_steps_move_then_capped_at_two_seconds() -> None:
    p = AdaptivePoller(SETTINGS, rng=random.Random(1))
    assert p.observe(_snap("running", 1))
    assert p.interval == 0.5
    assert p.observe(_snap("running", 2))
    assert p.interval == 0.5
    for _ in range(20):
        assert not p.observe(_snap("running", 2))
    assert p.interval == 2.0  # never slower than fixed 2 s polling while a run is active
    assert p.observe(_snap("running", 3))
    assert p.interval == 0.5


def test_slow_while_a_job_waits_up_to_the_maximum() -> None:
    p = AdaptivePoller(SETTINGS, rng=random.Random(1))
    seen = []
    for _ in range(30):
        p.observe(_snap("queued"))
        seen.append(p.interval)
    assert seen == sorted(seen) and seen[-1] == 15.0
    assert seen[0] < 1.0 and seen.index(15.0) >= 6  # reaches the slow pace gradually


def test_not_modified_counts_as_unchanged() -> None:
    p = AdaptivePoller(SETTINGS, rng=random.Random(1))
    p.observe(_snap("running", 1))
    before = p.interval
    assert not p.observe(_snap("running", 1), not_modified=True)
    assert p.interval > before


def test_jitter_stays_inside_bounds() -> None:
    p = AdaptivePoller(PollingSettings(min_interval_s=1.0, max_interval_s=4.0), rng=random.Random(3))
    p.observe(_snap("queued"))
    delays = {round(p.next_delay(), 4) for _ in range(200)}
    assert len(delays) > 50  # really jittered
    assert all(1.0 <= d <= 4.0 for d in delays)
    for _ in range(20):
        p.observe(_snap("queued"))
    assert all(p.next_delay() <= 4.0 for _ in range(100))
