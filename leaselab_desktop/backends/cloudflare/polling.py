"""Adaptive polling: fast while steps move, slower while a run waits, jittered, bounded.

Against polling every 2 s with full bodies it sends fewer requests (backs off while nothing moves,
up to ``max_interval_s`` while a run is queued or a job waits for its scheduled processor) and fewer
bytes (``If-None-Match`` turns unchanged answers into empty 304s). While a run is active the interval
never exceeds ``active_cap_s`` so step changes show at least as fast as with fixed 2 s polling.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

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
class AdaptivePoller:
    settings: PollingSettings = field(default_factory=PollingSettings)
    active_cap_s: float = 2.0
    growth: float = 1.6
    jitter: float = 0.1
    rng: random.Random = field(default_factory=random.Random)
    _interval: float = 0.0
    _last: tuple[object, ...] | None = None

    def __post_init__(self) -> None:
        self._interval = self.settings.min_interval_s

    def observe(self, snapshot: RunSnapshot, *, not_modified: bool = False) -> bool:
        """Record an answer; returns True when it differs from the previous one."""
        fp = self._last if not_modified and self._last is not None else fingerprint(snapshot)
        changed = fp != self._last
        self._last = fp
        low, high = self.settings.min_interval_s, self.settings.max_interval_s
        cap = high if snapshot.status in WAITING_STATUSES else min(self.active_cap_s, high)
        if changed and snapshot.status not in WAITING_STATUSES:
            self._interval = low
        else:
            self._interval = min(max(self._interval, low) * self.growth, cap)
        self._interval = max(low, min(self._interval, cap))
        return changed

    def next_delay(self) -> float:
        """The next wait in seconds, jittered by ±``jitter`` and kept inside the settings' bounds."""
        spread = 1.0 + self.jitter * (2.0 * self.rng.random() - 1.0)
        low, high = self.settings.min_interval_s, self.settings.max_interval_s
        return max(low, min(self._interval * spread, high))

    @property
    def interval(self) -> float:
        return self._interval
