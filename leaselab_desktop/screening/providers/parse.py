"""Defensive parsing of a language model's answer into facts and signals.

Decisions (documented in ``resources/prompts/README.md``):
- JSON is found inside code fences or prose; the first balanced ``{…}`` that parses wins; trailing
  commas are forgiven.
- Numbers given as text are read (``"4,250"``, ``"$4,250.00"``, ``"CAD 4250"``); anything else
  is dropped with a note, never guessed.
- Out-of-range amounts and counts are **rejected** (dropped with a note); shares (0..1) are
  **clamped**.
- Signals with a known code keep it, with severity capped at ``medium`` (a model alone can never
  produce a high-severity signal, so it can never alone cause a reject). Unknown codes are kept as
  ``model_flag:<slug>`` with severity ``low``. Signals without a code are dropped.
- A score, label or recommendation in the answer is ignored: the policy scores.
- No JSON object at all, or one with neither ``facts`` nor ``signals`` → ``ProviderOutputError``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from leaselab_desktop.domain.models import Signal
from leaselab_desktop.domain.spec import load_spec
from leaselab_desktop.screening.providers.errors import ProviderOutputError

# Codes the prompt offers the model: the shared spec's signals marked `model` (the worker reads the same).
MODEL_SIGNAL_CODES: frozenset[str] = load_spec().model_signal_codes
MODEL_MAX_SEVERITY = load_spec().model_max_severity
_SEVERITY_WORDS = {
    "low": "low", "minor": "low", "info": "low", "informational": "low",
    "medium": "medium", "moderate": "medium", "warning": "medium", "med": "medium",
    "high": "high", "severe": "high", "critical": "high", "major": "high",
}
# field → (min, max, mode) ; mode "reject" drops out-of-range values, "clamp" clamps them
NUMERIC_FIELDS: dict[str, tuple[float, float, str]] = {
    "verified_monthly_income": (0, 1_000_000, "reject"),
    "public_assistance_monthly": (0, 100_000, "reject"),
    "employment_months": (0, 720, "reject"),
    "average_bank_balance": (-10_000_000, 100_000_000, "reject"),
    "negative_balance_days": (0, 10_000, "reject"),
    "application_fields_complete": (0, 1, "clamp"),
}
IGNORED_KEYS = ("score", "label", "recommendation", "ai_score", "ai_label")
MAX_TEXT = 2000


@dataclass
class ModelOutput:
    facts: dict[str, float] = field(default_factory=dict)
    signals: list[Signal] = field(default_factory=list)
    summary: str | None = None
    notes: list[str] = field(default_factory=list)


_FENCE = re.compile(r"```[a-zA-Z0-9_-]*\s*\n?(.*?)```", re.DOTALL)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def _balanced_objects(text: str) -> list[str]:
    """Every top-level ``{…}`` span, honouring strings and escapes."""
    spans: list[str] = []
    depth = 0
    start = -1
    in_str = False
    escape = False
    for i, ch in enumerate(text):
        if in_str:
            if escape:
                escape = False
            elif ch == "\\":
                escape = True
            elif ch == '"':
                in_str = False
            continue
        if ch == '"':
            in_str = depth > 0
        elif ch == "{":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "}" and depth:
            depth -= 1
            if depth == 0:
                spans.append(text[start : i + 1])
    return spans


def find_json_object(text: str) -> dict[str, Any]:
    if not text or not text.strip():
        raise ProviderOutputError("The model returned an empty answer.")
    candidates = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    for chunk in candidates:
        for candidate in [chunk.strip(), *_balanced_objects(chunk)]:
            for attempt in (candidate, _TRAILING_COMMA.sub(r"\1", candidate)):
                try:
                    value = json.loads(attempt)
                except ValueError:
                    continue
                if isinstance(value, dict):
                    return value
    excerpt = " ".join(text.split())[:160]
    raise ProviderOutputError(f"The model's answer contains no JSON object: {excerpt!r}")


_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")


def to_number(value: Any) -> float | None:
    """``4250``, ``"4,250"``, ``"$4,250.00"``, ``"CAD 4250"`` → 4250.0; anything else → None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) if value == value and abs(value) != float("inf") else None
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    for token in ("cad", "usd", "c$", "us$", "$", "/month", "per month", "/mo", "months", "month"):
        text = text.replace(token, "")
    text = text.replace(",", "").replace(" ", "").replace("\u00a0", "")
    negative = text.startswith("(") and text.endswith(")")
    text = text.strip("()")
    if not _NUMBER.match(text):
        return None
    number = float(text)
    return -number if negative else number


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")[:60]


def _severity(value: Any) -> str:
    return _SEVERITY_WORDS.get(str(value or "").strip().lower(), "low")


def parse_signal(item: Any, notes: list[str]) -> Signal | None:
    if isinstance(item, str):
        item = {"code": item}
    if not isinstance(item, dict):
        notes.append(f"signal {item!r} ignored: not an object")
        return None
    raw_code = item.get("code") or item.get("name") or item.get("flag") or item.get("type")
    if not isinstance(raw_code, str) or not _slug(raw_code):
        notes.append("a signal without a code was ignored")
        return None
    code = _slug(raw_code)
    severity = _severity(item.get("severity") or item.get("level"))
    if code in MODEL_SIGNAL_CODES:
        if severity == "high":
            severity = MODEL_MAX_SEVERITY
            notes.append(f"{code}: model severity capped at {MODEL_MAX_SEVERITY}")
    else:
        code, severity = f"model_flag:{code}", "low"
    evidence = item.get("evidence") or item.get("reason") or item.get("detail") or ""
    document = item.get("document") or item.get("file")
    return Signal(
        code=code,
        severity=severity,
        document=str(document)[:200] if document else None,
        evidence=str(evidence)[:MAX_TEXT],
        message="reported by the language model",
    )


def parse_facts(raw: Any, notes: list[str]) -> dict[str, float]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        notes.append("'facts' is not an object; ignored")
        return {}
    out: dict[str, float] = {}
    for name, (low, high, mode) in NUMERIC_FIELDS.items():
        if name not in raw or raw[name] is None:
            continue
        number = to_number(raw[name])
        if number is None:
            notes.append(f"{name}: {raw[name]!r} is not a number; ignored")
            continue
        if not low <= number <= high:
            if mode == "clamp":
                number = min(max(number, low), high)
                notes.append(f"{name}: clamped to {number:g}")
            else:
                notes.append(f"{name}: {number:g} is outside {low:g}..{high:g}; rejected")
                continue
        out[name] = number
    return out


def parse_model_output(answer: str | dict[str, Any]) -> ModelOutput:
    data = answer if isinstance(answer, dict) else find_json_object(answer)
    notes: list[str] = []
    ignored = [k for k in IGNORED_KEYS if k in data]
    if ignored:
        notes.append(f"ignored model-supplied {', '.join(ignored)}: the policy scores")
    facts_raw = data.get("facts")
    if facts_raw is None and any(k in data for k in NUMERIC_FIELDS):
        facts_raw = data  # a flat answer
    if facts_raw is None and "signals" not in data:
        keys = ", ".join(sorted(data)[:8]) or "none"
        raise ProviderOutputError(
            f"The model's JSON has neither 'facts' nor 'signals' (keys: {keys})."
        )
    facts = parse_facts(facts_raw, notes)
    raw_signals = data.get("signals") or data.get("flags") or []
    if not isinstance(raw_signals, list):
        raw_signals = [raw_signals]
    signals = [s for item in raw_signals if (s := parse_signal(item, notes)) is not None]
    summary = data.get("summary")
    return ModelOutput(
        facts=facts,
        signals=signals,
        summary=summary.strip()[:MAX_TEXT] if isinstance(summary, str) and summary.strip() else None,
        notes=notes,
    )
