"""Timestamps: servers send '2026-11-25 19:55:40' (UTC, no zone) or ISO-8601 with 'Z'."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer


def parse_timestamp(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float):
        # epoch milliseconds (Workflows event timestamps) or seconds
        seconds = value / 1000 if value > 10_000_000_000 else value
        return datetime.fromtimestamp(seconds, UTC)
    if isinstance(value, str) and value.strip().replace(".", "", 1).isdigit():
        return parse_timestamp(float(value))  # an epoch number kept as text (SQLite's TEXT affinity)
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("Z") or text.endswith("z"):
            text = text[:-1] + "+00:00"
        if len(text) == 10:  # a bare date
            return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
        parsed = datetime.fromisoformat(text.replace(" ", "T", 1))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise ValueError(f"not a timestamp: {value!r}")


def format_timestamp(value: datetime | None) -> str | None:
    """Canonical form: ISO-8601 UTC with milliseconds and 'Z'."""
    if value is None:
        return None
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def utcnow() -> datetime:
    return datetime.now(UTC)


def _before(value: Any) -> Any:
    if isinstance(value, str) and len(value) >= 20 and value[-1] == "Z" and value[10] == "T":
        return value  # canonical RFC 3339: pydantic-core parses it to an aware UTC datetime, fast
    return parse_timestamp(value)


Timestamp = Annotated[
    datetime,
    BeforeValidator(_before),
    PlainSerializer(format_timestamp, return_type=str | None, when_used="json"),
]
