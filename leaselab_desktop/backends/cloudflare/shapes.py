"""Shared pieces of reading server JSON: camelCase keys to the domain's snake_case, and usage.

The domain models know one shape (snake_case fields); every wire variant is turned into it here
or in the flavour's module (``workflow_wire.py``, ``job_wire.py``)."""

from __future__ import annotations

import re
from typing import Any

from leaselab_desktop.domain.models import Evaluation, Usage
from leaselab_desktop.domain.timefmt import edge_times, utcnow

_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def snake(key: str) -> str:
    """'aiScore' -> 'ai_score', 'r2Key' -> 'r2_key'; snake_case keys are left as they are."""
    return _HUMP.sub("_", key).lower() if not key.islower() else key


def snake_keys(raw: dict[str, Any]) -> dict[str, Any]:
    """Top-level keys in snake_case; when a server sends both spellings, the snake_case one wins."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        name = snake(key)
        if name not in out or name == key:
            out[name] = value
    return out


def first(raw: dict[str, Any], *keys: str) -> Any:
    """The value of the first of ``keys`` present and not None."""
    for key in keys:
        if raw.get(key) is not None:
            return raw[key]
    return None


def usage_from(raw: Any, month: str | None = None) -> Usage | None:
    """Usage as either flavour sends it: ``evaluation_count``/``quota_limit`` (usage route),
    ``remaining``/``limit`` (a start's answer), ``used``/``limit`` (a deployed worker's 429)."""
    if not isinstance(raw, dict):
        return None
    data = snake_keys(raw)
    count = first(data, "evaluation_count", "used")
    limit = first(data, "quota_limit", "limit")
    fields = {k: v for k, v in data.items() if k in Usage.model_fields}
    fields.pop("evaluation_count", None)
    fields.pop("quota_limit", None)
    if count is not None:
        fields["evaluation_count"] = count
    if limit is not None:
        fields["quota_limit"] = limit
    fields.setdefault("month", month or utcnow().strftime("%Y-%m"))
    try:
        return Usage.model_validate(fields)
    except ValueError:
        return None


def evaluation_from(raw: Any, lead_id: str | None = None) -> Evaluation | None:
    """An evaluation in either flavour's casing (``id`` or ``evaluation_id``; camelCase or snake_case)."""
    if not isinstance(raw, dict):
        return None
    data = snake_keys(raw)
    data["evaluation_id"] = first(data, "evaluation_id", "id")
    data["lead_id"] = data.get("lead_id") or lead_id
    return Evaluation.model_validate(edge_times(Evaluation, data))
