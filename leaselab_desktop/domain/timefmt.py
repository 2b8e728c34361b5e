"""Timestamps. The domain's ``Timestamp`` takes one canonical form: an aware datetime, or ISO-8601
with a zone ('Z' or an offset). What servers and SQLite also write ('2026-11-25 19:55:40' in UTC
with no zone, epoch numbers, bare dates) is read by the edges that meet it (the store's row
mappers, the Cloudflare wire mappers) with ``parse_timestamp`` / ``edge_times`` before a model is
built."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
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


# --- what an agent reads: one date, one date-and-time and one money format, in the system locale ---
# Qt-free on purpose: the report (reportlab) and the CLI format the same way as the console. The GUI
# injects the system locale's name once at start (QLocale at the edge); elsewhere it comes from the
# environment (LC_ALL / LC_TIME / LANG), and en_US when that names none.


@dataclass(frozen=True)
class DisplayFormat:
    """How dates and money read. ``tz`` None is the workstation's local zone."""

    locale: str = "en_US"
    currency: str = "USD"
    tz: tzinfo | None = None

    def date(self, value: datetime | date | None) -> str:
        if value is None:
            return "—"
        from babel.dates import format_date

        day = value.astimezone(self.tz).date() if isinstance(value, datetime) else value
        return format_date(day, "medium", locale=self.locale)

    def datetime(self, value: datetime | None) -> str:
        if value is None:
            return "—"
        from babel.dates import format_time, get_datetime_format

        local = value.astimezone(self.tz)
        pattern = str(get_datetime_format("medium", locale=self.locale))
        clock = format_time(local.time(), "short", locale=self.locale)
        return pattern.replace("{1}", self.date(local)).replace("{0}", clock)

    def money(self, value: float | None) -> str:
        if value is None:
            return "—"
        from babel.numbers import format_currency

        return format_currency(value, self.currency, locale=self.locale)


def _locale_or_default(name: str | None) -> str:
    from babel import Locale, UnknownLocaleError

    base = (name or "").split(".")[0].split("@")[0].replace("-", "_")
    if base in ("", "C", "POSIX", "en_US_POSIX"):  # no locale set: the POSIX one would print "$ 2100.50"
        return "en_US"
    try:
        return str(Locale.parse(base))
    except (UnknownLocaleError, ValueError, TypeError):
        return "en_US"


_display: DisplayFormat | None = None


def set_display_locale(name: str | None, currency: str = "USD", tz: tzinfo | None = None) -> DisplayFormat:
    """Set the one format every screen and the report use; an unknown name falls back to en_US."""
    global _display
    _display = DisplayFormat(_locale_or_default(name), currency, tz)
    return _display


_system_name: str | None = None


def use_system_locale(name: str | None) -> None:
    """Name the system locale (the GUI passes QLocale's); resolved at the first date shown, so the
    start-up does not import babel."""
    global _display, _system_name
    _system_name, _display = name, None


def display_format() -> DisplayFormat:
    if _display is None:
        if _system_name is not None:
            return set_display_locale(_system_name)
        from babel import default_locale

        return set_display_locale(default_locale("LC_TIME"))
    return _display


def fmt_date(value: datetime | date | None) -> str:
    return display_format().date(value)


def fmt_datetime(value: datetime | None) -> str:
    return display_format().datetime(value)


def fmt_money(value: float | None) -> str:
    return display_format().money(value)
