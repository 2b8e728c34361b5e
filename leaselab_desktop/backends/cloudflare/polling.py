"""Adaptive polling: fast while steps move, slower while a run waits, jittered, bounded.

Against polling every 2 s with full bodies it sends fewer requests and bytes:
- while a run is queued or a job waits for its scheduled processor the interval grows up to
  ``max_interval_s``;
- while a step runs that has run before, nothing is asked before the fastest time that step ever
  took (``StepTimings``, learned from the runs this client followed), because it cannot have
  finished earlier; after that the interval never exceeds ``active_cap_s`` (2 s), so step changes
  show at least as fast as with fixed 2 s polling;
- ``If-None-Match`` turns unchanged answers into empty 304s (the project's worker sends ETags).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from leaselab_desktop.config import PollingSettings
from leaselab_desktop.domain.models import RunSnapshot

WAITING_STATUSES = frozenset({"queued", "waiting", "paused", "waitingForPause", "unknown"})


def fingerprint(snapshot: RunSnapshot) -> tuple[object, ...]:
    """What the agent sees change: status, current step, each step's state and attempts."""
    return (
        snapshot.status,
        snapshot.current_step,
        snapshot.progress_message,
        tuple((s.name, s.status, s.attempts) for s in snapshot.steps),
        snapshot.output is not None,
    )


@dataclass
class StepTimings:
    """The fastest each step (or a job's processing) has been seen to take, in seconds."""

    fastest: dict[str, float] = field(default_factory=dict)
    seen: dict[str, int] = field(default_factory=dict)
    _learned: set[tuple[str, str]] = field(default_factory=set)
    min_samples: int = 2
    margin: float = 0.8  # hold for this share of the fastest time (durations vary)

    def learn(self, snapshot: RunSnapshot, job_started: datetime | None = None, *, kind: str = "workflow") -> None:
        """``kind``: "workflow" (timed per step) or "job" (timed as a whole)."""
        for step in snapshot.steps:
            if step.status == "complete" and step.duration_ms is not None:
                self._note(snapshot.run_id, f"{kind}:{step.name}", step.duration_ms / 1000)
        started = snapshot.started_at or job_started  # finished jobs may omit started_at
        if kind == "job" and snapshot.status == "complete" and started and snapshot.completed_at:
            self._note(snapshot.run_id, "job:processing", (snapshot.completed_at - started).total_seconds())

    def _note(self, run_id: str, key: str, seconds: float) -> None:
        if seconds >= 0 and (run_id, key) not in self._learned:
            self._learned.add((run_id, key))
            self.fastest[key] = min(seconds, self.fastest.get(key, seconds))
            self.seen[key] = self.seen.get(key, 0) + 1

    def earliest_end(self, snapshot: RunSnapshot, kind: str = "workflow") -> datetime | None:
        """When the phase now running can finish at the earliest, if it ran before."""
        if snapshot.status != "running":
            return None
        if kind == "job":
            key, started = "job:processing", snapshot.started_at
        else:
            step = next((s for s in snapshot.steps if s.status in ("running", "retrying")), None)
            if step is None or step.attempts > 1:
                return None
            key, started = f"workflow:{step.name}", step.started_at
        if started is None or self.seen.get(key, 0) < self.min_samples:
            return None
        return started + timedelta(seconds=self.fastest[key] * self.margin)


@dataclass
class AdaptivePoller:
    settings: PollingSettings = field(default_factory=PollingSettings)
    timings: StepTimings = field(default_factory=StepTimings)
    active_cap_s: float = 2.0
    after_change: float = 2.0  # a step just moved: look again after this many min_interval_s
    growth: float = 2.0
    jitter: float = 0.1
    rng: random.Random = field(default_factory=random.Random)
    kind: str = "workflow"  # of the run followed: "job" runs are timed as a whole
    _interval: float = 0.0
    _hold_s: float = 0.0
    _last: tuple[object, ...] | None = None
    _job_started: datetime | None = None
    _held: bool = False

    def __post_init__(self) -> None:
        self._interval = self.settings.min_interval_s

    def observe(self, snapshot: RunSnapshot, *, not_modified: bool = False,
                now: datetime | None = None) -> bool:
        """Record an answer; returns True when it differs from the previous one."""
        fp = self._last if not_modified and self._last is not None else fingerprint(snapshot)
        changed = fp != self._last
        self._last = fp
        if self.kind == "job" and snapshot.started_at is not None:
            self._job_started = snapshot.started_at
        if changed:
            self.timings.learn(snapshot, self._job_started, kind=self.kind)
        low, high = self.settings.min_interval_s, self.settings.max_interval_s
        waiting = snapshot.status in WAITING_STATUSES
        cap = high if waiting else min(self.active_cap_s, high)
        if changed and not waiting:
            self._interval = max(low, min(low * self.after_change, cap / 2))
        elif self._held:  # the step's fastest time has passed: it may end any moment now
            self._interval = cap
        else:
            self._interval = min(max(self._interval, low) * self.growth, cap)
        self._interval = max(low, min(self._interval, cap))
        self._hold_s, self._held = 0.0, False
        earliest = self.timings.earliest_end(snapshot, self.kind) if now is not None else None
        if earliest is not None and now is not None:
            self._hold_s = min((earliest - now).total_seconds(), high)
        return changed

    def next_delay(self) -> float:
        """The next wait in seconds, jittered by ±``jitter`` and kept inside the settings' bounds."""
        low, high = self.settings.min_interval_s, self.settings.max_interval_s
        if self._hold_s > self._interval:
            self._held = True
            return max(low, min(self._hold_s, high))  # the step cannot be done before then
        spread = 1.0 + self.jitter * (2.0 * self.rng.random() - 1.0)
        return max(low, min(self._interval * spread, high))

    @property
    def interval(self) -> float:
        return self._interval
