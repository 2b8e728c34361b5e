"""Timestamps. The domain's ``Timestamp`` takes one canonical form: an aware datetime, or ISO-8601
with a zone ('Z' or an offset). What servers and SQLite also write ('2026-11-25 19:55:40' in UTC
with no zone, epoch numbers, bare dates) is read by the edges that meet it (the store's row
mappers, the Cloudflare wire mappers) with ``parse_timestamp`` / ``edge_times`` before a model is
built."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime
from functools import cache
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, PlainSerializer


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


def _canonical_text(value: str) -> bool:
    return len(value) >= 20 and value[10] == "T" and (value[-1] in "Zz" or value[-6] in "+-")


def _canonical(value: Any) -> Any:
    """The one form a domain timestamp takes: an aware datetime, or ISO-8601 text with a 'T' and a
    zone ('Z' or an offset), as ``format_timestamp`` writes it. Other forms (SQLite's
    'YYYY-MM-DD HH:MM:SS', epoch numbers, bare dates) are read at the edges that meet them, with
    ``parse_timestamp``: the store's row mappers and the Cloudflare wire mappers."""
    if value is None or (isinstance(value, datetime) and value.tzinfo is not None):
        return value
    if isinstance(value, str) and _canonical_text(value):
        return value  # pydantic-core parses RFC 3339 to an aware datetime, fast
    raise ValueError(f"not a canonical timestamp (ISO-8601 with a zone): {value!r}")


Timestamp = Annotated[
    datetime,
    BeforeValidator(_canonical),
    PlainSerializer(format_timestamp, return_type=str | None, when_used="json"),
]


def _is_timestamp(tp: Any) -> bool:
    if get_origin(tp) is Annotated:
        return any(isinstance(m, BeforeValidator) and m.func is _canonical for m in tp.__metadata__)
    return any(_is_timestamp(arg) for arg in get_args(tp))


@cache
def timestamp_fields(model: type[BaseModel]) -> frozenset[str]:
    """The fields of ``model`` that are ``Timestamp`` (optional or not)."""
    return frozenset(
        name for name, f in model.model_fields.items()
        if _is_timestamp(f.annotation)
        or any(isinstance(m, BeforeValidator) and m.func is _canonical for m in f.metadata)
    )


def edge_times(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with the timestamps of ``model`` read from whatever form the edge met them in
    (``parse_timestamp``). A value that cannot be read is left as is: the model refuses it then."""
    out = dict(data)
    for name in timestamp_fields(model):
        value = out.get(name)
        if value is not None and not (isinstance(value, str) and _canonical_text(value)):  # else: already canonical
            with contextlib.suppress(ValueError, TypeError, OverflowError):
                out[name] = parse_timestamp(out[name])
    return out
