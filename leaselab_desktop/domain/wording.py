"""What an agent reads for each code: the one vocabulary (``resources/spec/wording.json``, which the
worker reads too) and ``plain()``, which rewrites an evaluation's stored texts for display: codes
become their names, ISO timestamps the display format. Stored data is never changed, so older
evaluations read the same way as new ones."""

from __future__ import annotations

import json
import re
from functools import cache

from pydantic import BaseModel, ConfigDict

from leaselab_desktop.domain.timefmt import fmt_date, fmt_datetime, parse_timestamp
from leaselab_desktop.resources import resources_dir


class Wording(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    spec: int
    about: str
    factors: dict[str, str]
    signals: dict[str, str]
    model_flag: str
    steps: dict[str, str]
    providers: dict[str, str]
    provider_fallback: str
    recommendations: dict[str, str]
    severities: dict[str, str]
    file_types: dict[str, str]  # lower case: they sit inside sentences ("2 pay stubs, a photo ID")
    employment_statuses: dict[str, str]
    run_statuses: dict[str, str]


def parse_wording(text: str) -> Wording:
    return Wording.model_validate(json.loads(text))


@cache
def wording() -> Wording:
    return parse_wording((resources_dir() / "spec" / "wording.json").read_text(encoding="utf-8"))


def _words(code: str) -> str:
    """Last resort for a code the vocabulary lacks (a newer server's): 'new_code' -> 'New code'."""
    text = " ".join(code.replace("_", " ").replace("-", " ").split())
    return text[:1].upper() + text[1:] if text else "—"


MODEL_FLAG_PREFIX = "model_flag:"


def factor_name(code: str) -> str:
    return wording().factors.get(code) or _words(code)


def signal_name(code: str) -> str:
    if code.startswith(MODEL_FLAG_PREFIX):
        words = _words(code[len(MODEL_FLAG_PREFIX):]).lower()
        return wording().model_flag.replace("{words}", words)
    return wording().signals.get(code) or _words(code)


def provider_name(kind: str | None) -> str:
    """'workers-ai' -> 'Cloudflare Workers AI'; an evaluation's 'openai-compatible:llama3' reads as its kind."""
    if not kind:
        return wording().provider_fallback
    base = kind.split(":", 1)[0]
    return wording().providers.get(kind) or wording().providers.get(base) or kind


def step_title(name: str, provider: str | None = None) -> str:
    """The step's name for an agent; the model step names the provider (``provider`` is a kind or a
    name already human), so a run on Ollama never reads 'call-workers-ai'."""
    title = wording().steps.get(name) or _words(name)
    if "{provider}" in title:
        known = provider is None or provider.split(":", 1)[0] in wording().providers
        who = provider_name(provider) if known else str(provider)
        title = title.replace("{provider}", who)
    return title[:1].upper() + title[1:]


def recommendation_name(code: str | None) -> str:
    return "—" if not code else wording().recommendations.get(code) or _words(code)


def lead_status_name(code: str | None) -> str:
    """'ai_evaluated' -> 'AI evaluated': the lead list's and the exports' words for a lead status."""
    if not code:
        return ""
    text = _words(code)
    return "AI" + text[2:] if text.startswith("Ai ") else text


def severity_name(code: str | None) -> str:
    return "—" if not code else wording().severities.get(code) or _words(code)


def run_status_name(code: str | None) -> str:
    return wording().run_statuses.get(code or "unknown") or _words(code or "unknown")


# The provider the next run will ask, as the backend last said (a kind or a name already in plain
# words); the model step's title names it. One workstation runs one configured provider at a time.
_current_provider: str | None = None


def set_current_provider(kind_or_name: str | None) -> None:
    global _current_provider
    _current_provider = kind_or_name


def current_provider() -> str | None:
    return _current_provider


def code_name(code: str) -> str | None:
    """The name of any code an evaluation's text may carry (factor, signal, recommendation)."""
    w = wording()
    if code.startswith(MODEL_FLAG_PREFIX):
        return signal_name(code)
    return (w.factors.get(code) or w.signals.get(code) or w.recommendations.get(code)
            or w.file_types.get(code) or w.employment_statuses.get(code))


# an ISO-8601 timestamp as evidence quotes it: 2026-11-25T19:55:40Z, 2026-11-25 19:55:40+00:00, ...
_ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\b")
_DAY = re.compile(r"(?<![\w./-])\d{4}-\d{2}-\d{2}(?![\w/-]|\.\w)")  # a bare date, not in a file name
_CODE = re.compile(r"(?<![\w./-])(?:model_flag:)?[a-z]+(?:_[a-z]+)+(?![\w/-]|\.\w)")  # not in a file name


def _timestamp(match: re.Match[str]) -> str:
    try:
        value = parse_timestamp(match.group(0).replace(" ", "T", 1))
    except ValueError:
        return match.group(0)
    return fmt_datetime(value)


def _day(match: re.Match[str]) -> str:
    try:
        value = parse_timestamp(match.group(0))
    except ValueError:
        return match.group(0)
    return fmt_date(value)


def plain(text: str | None) -> str:
    """A stored explanation, summary or evidence as an agent reads it: codes become their names
    ('to clear: date_mismatch' -> 'to clear: File dates do not fit'), ISO timestamps the display
    format. Unknown snake_case words are left alone: they may be a file name."""
    if not text:
        return ""
    out = _DAY.sub(_day, _ISO.sub(_timestamp, text))
    return _CODE.sub(lambda m: code_name(m.group(0)) or m.group(0), out)
