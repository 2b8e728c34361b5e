"""Adaptive polling: fast while steps move, slower while a run waits, jittered, bounded."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from leaselab_desktop.backends.cloudflare.polling import AdaptivePoller, StepTimings
from leaselab_desktop.config import PollingSettings
from leaselab_desktop.domain.models import RunSnapshot, StepProgress

SETTINGS = PollingSettings(min_interval_s=0.5, max_interval_s=15.0)


def _snap(status: str, done: int = 0) -> RunSnapshot:
    steps = [StepProgress(name=f"s{i}", status="complete") for i in range(done)]
    return RunSnapshot(run_id="r", status=status, steps=steps)


def test_fast_while_steps_move_then_capped_at_two_seconds() -> None:
    p = AdaptivePoller(SETTINGS, rng=random.Random(1))
    assert p.observe(_snap("running", 1))
    assert p.interval == 1.0
    assert p.observe(_snap("running", 2))
    assert p.interval == 1.0
    for _ in range(20):
        assert not p.observe(_snap("running", 2))
    assert p.interval == 2.0  # never slower than fixed 2 s polling while a run is active
    assert p.observe(_snap("running", 3))
    assert p.interval == 1.0


def test_slow_while_a_job_waits_up_to_the_maximum() -> None:
    p = AdaptivePoller(SETTINGS, rng=random.Random(1))
    seen = []
    for _ in range(30):
        p.observe(_snap("queued"))
        seen.append(p.interval)
    assert seen == sorted(seen) and seen[-1] == 15.0
    assert seen[0] <= 1.0 and seen.index(15.0) >= 4  # reaches the slow pace gradually


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


def _ai_step(run: str, start: datetime, seconds: float | None) -> RunSnapshot:
    done = seconds is not None
    step = StepProgress(name="call-workers-ai", status="complete" if done else "running", attempts=1,
                        started_at=start, ended_at=start + timedelta(seconds=seconds) if done else None)
    return RunSnapshot(run_id=run, status="running", steps=[step])


def test_no_poll_before_a_step_can_have_finished() -> None:
    timings = StepTimings()
    t0 = datetime(2026, 11, 25, 12, tzinfo=UTC)
    for i, seconds in enumerate((9.0, 6.0)):
        timings.learn(_ai_step(f"r{i}", t0, seconds))
        timings.learn(_ai_step(f"r{i}", t0, seconds))  # the same run seen twice counts once
    assert timings.fastest == {"workflow:call-workers-ai": 6.0}
    assert timings.seen == {"workflow:call-workers-ai": 2}
    p = AdaptivePoller(SETTINGS, timings=timings, rng=random.Random(1))
    p.observe(_ai_step("new", t0, None), now=t0 + timedelta(seconds=0.5))
    assert 4.0 <= p.next_delay() <= 4.31  # holds for 80 % of the fastest 6 s, from the step's start
    p.observe(_ai_step("new", t0, None), not_modified=True, now=t0 + timedelta(seconds=4.8))
    assert p.next_delay() <= 2.2  # then back under the 2 s cap


def test_one_sample_is_not_trusted() -> None:
    timings = StepTimings()
    t0 = datetime(2026, 11, 25, 12, tzinfo=UTC)
    timings.learn(_ai_step("r0", t0, 14.0))
    p = AdaptivePoller(SETTINGS, timings=timings, rng=random.Random(1))
    p.observe(_ai_step("new", t0, None), now=t0)
    assert p.next_delay() <= 1.1
