"""The shared spec (``resources/spec/workflow.json``): what the local app and the Cloudflare worker
must agree on, read by both. Step names and retry/timeout configs, lead statuses and their allowed
transitions, signal codes and severities, and thresholds (duplicate documents, quota tiers).

Score label bands are not here: they are part of the versioned screening policy
(``resources/policy/policy.json``), so an evaluation's ``policy_version`` pins them.

The file is read once, validated, and cached; a broken spec fails loudly at import of the vocab.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from leaselab_desktop.resources import resources_dir

Backoff = Literal["constant", "linear", "exponential"]
Severity = Literal["low", "medium", "high"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RetrySpec(_Strict):
    limit: int = Field(ge=0, le=10, description="retries after the first attempt")
    delay_ms: int = Field(ge=0, description="wait before the first retry")
    backoff: Backoff


class StepSpec(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z-]*$")
    title: str
    retries: RetrySpec
    timeout_ms: int = Field(gt=0)
    why: str


class WorkflowSpec(_Strict):
    name: str
    steps: tuple[StepSpec, ...]


class StatusSpec(_Strict):
    name: str = Field(pattern=r"^[a-z_]+$")
    title: str


class TransitionSpec(_Strict):
    event: str = Field(pattern=r"^[a-z_]+$")
    from_: tuple[str, ...] = Field(alias="from")
    to: str


class LabelsSpec(_Strict):
    current: tuple[str, ...]
    legacy: tuple[str, ...]
    bands_in: str


class SignalSpec(_Strict):
    severities: tuple[Severity, ...]
    meaning: str
    model: bool = False  # offered to the language model in the prompt
    readability: bool = False  # about reading the file, not about its authenticity


class ThresholdsSpec(_Strict):
    duplicate_documents: float = Field(gt=0, le=1, description="share of files equal to the last evaluation's")
    quota_tiers: dict[str, int]


class Spec(_Strict):
    schema_ref: str = Field(alias="$schema")
    spec: Literal[1]
    workflow: WorkflowSpec
    lead_statuses: tuple[StatusSpec, ...]
    lead_transitions: tuple[TransitionSpec, ...]
    labels: LabelsSpec
    severities: tuple[Severity, ...]
    signals: dict[str, SignalSpec]
    model_flag_prefix: str
    model_max_severity: Severity
    thresholds: ThresholdsSpec

    @model_validator(mode="after")
    def _consistent(self) -> Spec:
        names = [s.name for s in self.workflow.steps]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate step names in {names}")
        statuses = {s.name for s in self.lead_statuses}
        events = [t.event for t in self.lead_transitions]
        if len(set(events)) != len(events):
            raise ValueError(f"duplicate transition events in {events}")
        for t in self.lead_transitions:
            unknown = ({t.to} | set(t.from_)) - statuses
            if unknown:
                raise ValueError(f"transition {t.event!r} names unknown statuses {sorted(unknown)}")
        capped = set(self.severities[: self.severities.index(self.model_max_severity) + 1])
        for code, sig in self.signals.items():
            if sig.model and not capped <= set(sig.severities):
                raise ValueError(f"signal {code!r} is offered to the model, so it needs severities {sorted(capped)}")
        if "free" not in self.thresholds.quota_tiers:
            raise ValueError("quota_tiers needs a 'free' tier (the fallback for unknown tiers)")
        return self

    # --- what the code asks ---------------------------------------------------------------------

    @property
    def step_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.workflow.steps)

    def step(self, name: str) -> StepSpec:
        for s in self.workflow.steps:
            if s.name == name:
                return s
        raise KeyError(f"step {name!r} is not in the spec")

    @property
    def status_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.lead_statuses)

    def next_status(self, status: str, event: str) -> str | None:
        """The status a lead in ``status`` moves to on ``event``; None when the event does not
        apply from there (the lead keeps its status). Unknown events are a programming error."""
        for t in self.lead_transitions:
            if t.event == event:
                return t.to if status in t.from_ else None
        raise KeyError(f"lead event {event!r} is not in the spec")

    def allows_signal(self, code: str, severity: str) -> bool:
        if code.startswith(self.model_flag_prefix):
            return severity in self.severities
        known = self.signals.get(code)
        return known is not None and severity in known.severities

    @property
    def model_signal_codes(self) -> frozenset[str]:
        return frozenset(c for c, s in self.signals.items() if s.model)


def spec_path() -> Path:
    return resources_dir() / "spec" / "workflow.json"


def parse_spec(text: str) -> Spec:
    return Spec.model_validate(json.loads(text))


@cache
def load_spec() -> Spec:
    return parse_spec(spec_path().read_text(encoding="utf-8"))
