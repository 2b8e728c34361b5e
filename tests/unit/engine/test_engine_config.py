from __future__ import annotations

from datetime import timedelta

import pytest

from leaselab_desktop.engine import Retries, StepConfig, parse_duration


@pytest.mark.parametrize(
    ("backoff", "expected"),
    [
        ("constant", [3.0, 3.0, 3.0, 3.0]),
        ("linear", [3.0, 6.0, 9.0, 12.0]),
        ("exponential", [3.0, 6.0, 12.0, 24.0]),
    ],
)
def test_backoff_table(backoff: str, expected: list[float]) -> None:
    retries = Retries(limit=4, delay=3, backoff=backoff)  # type: ignore[arg-type]
    assert [retries.delay_before_retry(n) for n in range(1, 5)] == expected


def test_cloudflare_defaults() -> None:
    cfg = StepConfig()
    assert cfg.to_json() == {
        "retries": {"limit": 5, "delay": 10.0, "backoff": "exponential"},
        "timeout": 600.0,
    }


@pytest.mark.parametrize(
    ("value", "seconds"),
    [(1.5, 1.5), (0, 0.0), ("10 seconds", 10.0), ("5 minutes", 300.0), ("2 hours", 7200.0),
     ("250 ms", 0.25), ("1 day", 86400.0), (timedelta(minutes=2), 120.0)],
)
def test_durations(value: object, seconds: float) -> None:
    assert parse_duration(value) == pytest.approx(seconds)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["soon", "5 parsecs", -1, True, None, float("nan")])
def test_bad_durations(value: object) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(value)  # type: ignore[arg-type]


def test_bad_configs_are_refused() -> None:
    with pytest.raises(ValueError, match="limit"):
        Retries(limit=-1)
    with pytest.raises(ValueError, match="backoff"):
        Retries(backoff="fibonacci")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="timeout"):
        StepConfig(timeout=0)
