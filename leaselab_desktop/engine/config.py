"""Step configuration (Cloudflare's ``WorkflowStepConfig``) and durations."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any, Literal

Backoff = Literal["constant", "linear", "exponential"]
Duration = float | int | str | timedelta

_UNITS = {
    "ms": 0.001, "millisecond": 0.001, "milliseconds": 0.001,
    "s": 1.0, "sec": 1.0, "second": 1.0, "seconds": 1.0,
    "m": 60.0, "min": 60.0, "minute": 60.0, "minutes": 60.0,
    "h": 3600.0, "hour": 3600.0, "hours": 3600.0,
    "d": 86400.0, "day": 86400.0, "days": 86400.0,
    "week": 604800.0, "weeks": 604800.0,
}
_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$")


def parse_duration(value: Duration) -> float:
    """Seconds from a number of seconds, a timedelta, or a string like ``"5 minutes"``."""
    if isinstance(value, bool):
        raise ValueError(f"not a duration: {value!r}")
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        match = _DURATION_RE.match(value.lower())
        if not match or match.group(2) not in _UNITS:
            raise ValueError(
                f"not a duration: {value!r} (use seconds, or e.g. '10 seconds', '5 minutes')"
            )
        seconds = float(match.group(1)) * _UNITS[match.group(2)]
    else:
        raise ValueError(f"not a duration: {value!r}")
    if math.isnan(seconds) or seconds < 0:
        raise ValueError(f"a duration must be zero or more seconds, got {value!r}")
    return seconds


def to_epoch(when: datetime | float | int) -> float:
    """Epoch seconds from a datetime (naive = UTC) or epoch seconds / milliseconds."""
    if isinstance(when, datetime):
        if when.tzinfo is None:
            from datetime import UTC

            when = when.replace(tzinfo=UTC)
        return when.timestamp()
    if isinstance(when, bool) or not isinstance(when, int | float):
        raise ValueError(f"sleep_until needs a datetime or epoch seconds, got {when!r}")
    value = float(when)
    return value / 1000.0 if value > 10_000_000_000 else value


@dataclass(frozen=True)
class Retries:
    """``limit`` counts retries: attempts = limit + 1. ``delay`` in seconds (or a duration)."""

    limit: int = 5
    delay: Duration = 10.0
    backoff: Backoff = "exponential"

    def __post_init__(self) -> None:
        if isinstance(self.limit, bool) or not isinstance(self.limit, int) or self.limit < 0:
            raise ValueError(f"retries.limit must be a whole number ≥ 0, got {self.limit!r}")
        if self.backoff not in ("constant", "linear", "exponential"):
            raise ValueError(
                f"retries.backoff must be constant, linear or exponential, got {self.backoff!r}"
            )
        parse_duration(self.delay)

    def delay_before_retry(self, n: int) -> float:
        """Wait before retry number ``n`` (1-based): d, d·n or d·2^(n-1)."""
        d = parse_duration(self.delay)
        if self.backoff == "constant":
            return d
        if self.backoff == "linear":
            return d * n
        return d * 2.0 ** (n - 1)


@dataclass(frozen=True)
class StepConfig:
    """Cloudflare's defaults: 5 retries, 10 s exponential, timeout 10 minutes per attempt."""

    retries: Retries = field(default_factory=Retries)
    timeout: Duration = 600.0

    def __post_init__(self) -> None:
        if parse_duration(self.timeout) <= 0:
            raise ValueError(f"timeout must be more than zero, got {self.timeout!r}")

    @cached_property
    def timeout_s(self) -> float:
        return parse_duration(self.timeout)

    def to_json(self) -> dict[str, Any]:
        return dict(self._json)

    @cached_property
    def _json(self) -> dict[str, Any]:
        return {
            "retries": {
                "limit": self.retries.limit,
                "delay": parse_duration(self.retries.delay),
                "backoff": self.retries.backoff,
            },
            "timeout": self.timeout_s,
        }
