"""JSON encoding with the 1 MiB limit Cloudflare applies to step results, params and events."""

from __future__ import annotations

import json
from typing import Any

MAX_BYTES = 1024 * 1024


class EncodeError(ValueError):
    pass


def encode(value: Any, what: str) -> str:
    """JSON text of ``value``; :class:`EncodeError` with a clear message when it cannot be stored."""
    try:
        text = json.dumps(value, allow_nan=False, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise EncodeError(
            f"{what} is not JSON-serialisable ({type(value).__name__}: {exc}); "
            "return plain dicts, lists, strings, numbers, booleans or None"
        ) from None
    if len(text) > MAX_BYTES // 4 and len(text.encode("utf-8")) > MAX_BYTES:
        size = len(text.encode("utf-8")) / MAX_BYTES
        raise EncodeError(
            f"{what} is {size:.2f} MiB of JSON; the limit is 1 MiB "
            "(store large data elsewhere and return a reference)"
        )
    return text


def decode(text: str | None) -> Any:
    return None if text is None else json.loads(text)
