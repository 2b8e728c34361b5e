"""The screening policy: a versioned JSON file (``resources/policy/policy.json``) validated here.

The same file is read by the Cloudflare worker; ``resources/policy/README.md`` documents the rule
language both interpreters implement. This module only loads and validates; ``scoring.py`` applies it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from leaselab_desktop.resources import resources_dir  # re-exported: tests and prompts import it here

SEVERITIES: tuple[str, ...] = ("low", "medium", "high")
RECOMMENDATIONS: tuple[str, ...] = (
    "approve", "approve_with_conditions", "approve_with_verification", "reject",
)
BAND_MEASURES: tuple[str, ...] = (
    "rent_to_income", "employment_months", "income_stability_months", "balance_to_rent",
    "application_completeness", "negative_balance_days",
)
FACTOR_TOTAL = 100.0


class PolicyError(ValueError):
    """The policy file is missing, not JSON, or breaks the rule language; the message says where."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LabelBand(_Strict):
    label: str
    min_score: int = Field(ge=0, le=100)
    meaning: str = ""


class Measure(_Strict):
    name: str
    include_public_assistance: bool = False
    fallback_to_stated: bool = False
    public_assistance_months: float | None = None
    verified_income_months: float | None = None

    @model_validator(mode="after")
    def _known(self) -> Measure:
        if self.name not in BAND_MEASURES:
            raise ValueError(f"unknown measure {self.name!r}; known: {', '.join(BAND_MEASURES)}")
        return self


class Band(_Strict):
    """First matching band wins. ``max``: value ≤ max; ``min``: value ≥ min; neither: catch-all."""

    min: float | None = None
    max: float | None = None
    points: float

    @model_validator(mode="after")
    def _one_bound(self) -> Band:
        if self.min is not None and self.max is not None:
            raise ValueError("a band has either 'min' or 'max', not both")
        return self

    def matches(self, value: float) -> bool:
        if self.max is not None:
            return value <= self.max
        if self.min is not None:
            return value >= self.min
        return True


class Adjustment(_Strict):
    measure: Measure
    min: float
    points: float
    explanation: str = ""
    improve: str = ""


class _FactorBase(_Strict):
    code: str
    title: str
    max_points: float = Field(gt=0)
    standard: str = ""


class BandsFactor(_FactorBase):
    type: Literal["bands"]
    measure: Measure
    bands: list[Band] = Field(min_length=1)
    adjustments: list[Adjustment] = Field(default_factory=list)
    unverified_multiplier: float = Field(default=1.0, ge=0, le=1)
    missing_points: float = 0
    explanation: str = ""
    missing_explanation: str = ""
    unverified_explanation: str = ""
    improve: str = ""
    verify_hint: str = ""
    missing_hint: str = ""

    @model_validator(mode="after")
    def _bands(self) -> BandsFactor:
        if self.measure.name == "negative_balance_days":
            raise ValueError(f"{self.code}: negative_balance_days is only usable in adjustments")
        last = self.bands[-1]
        if last.min is not None or last.max is not None:
            raise ValueError(f"{self.code}: the last band must be a catch-all (no min/max)")
        kinds = {"min" if b.min is not None else "max" for b in self.bands[:-1]}
        if len(kinds) > 1:
            raise ValueError(f"{self.code}: bands mix 'min' and 'max'")
        bounds = [b.min if b.min is not None else (b.max or 0.0) for b in self.bands[:-1]]
        if kinds == {"min"} and bounds != sorted(bounds, reverse=True):
            raise ValueError(f"{self.code}: 'min' bands must be in descending order")
        if kinds == {"max"} and bounds != sorted(bounds):
            raise ValueError(f"{self.code}: 'max' bands must be in ascending order")
        for b in [*self.bands, *[Band(points=self.missing_points)]]:
            if not 0 <= b.points <= self.max_points:
                raise ValueError(f"{self.code}: band points {b.points} outside 0..{self.max_points}")
        if self.bands[0].points != self.max_points:
            raise ValueError(f"{self.code}: the first band must give max_points")
        return self


class DocumentItem(_Strict):
    any_of: list[str] = Field(min_length=1)
    points: float = Field(gt=0)
    name: str
    ask: str


class DocumentsFactor(_FactorBase):
    type: Literal["documents"]
    items: list[DocumentItem] = Field(min_length=1)
    unreadable_penalty: float = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _sum(self) -> DocumentsFactor:
        total = sum(i.points for i in self.items)
        if abs(total - self.max_points) > 1e-9:
            raise ValueError(f"{self.code}: item points sum to {total}, not {self.max_points}")
        return self


class SignalsFactor(_FactorBase):
    type: Literal["signals"]
    penalties: dict[str, float]
    caps: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _severities(self) -> SignalsFactor:
        unknown = (set(self.penalties) | set(self.caps)) - set(SEVERITIES)
        if unknown:
            raise ValueError(f"{self.code}: unknown severities {sorted(unknown)}")
        return self


FactorRule = Annotated[BandsFactor | DocumentsFactor | SignalsFactor, Field(discriminator="type")]


class SignalCount(_Strict):
    severity: str
    count: int = Field(ge=1)


class Assume(_Strict):
    """What-if for a ``label_in`` test: ``best_band`` factors are scored as if their measure fell
    in their first band (multiplier and adjustments still apply; a missing measure stays missing);
    signals of ``ignore_severities`` cost no points."""

    best_band: list[str] = Field(default_factory=list)
    ignore_severities: list[str] = Field(default_factory=list)


class FactorBelow(_Strict):
    code: str
    fraction: float = Field(gt=0, le=1)


class MeasureTest(Measure):
    above: float | None = None
    at_least: float | None = None
    below: float | None = None


class Condition(_Strict):
    label_in: list[str] | None = None
    assume: Assume | None = None
    signals_at_least: SignalCount | None = None
    measure: MeasureTest | None = None
    factor_below: FactorBelow | None = None


class RecommendationRule(_Strict):
    when: Condition
    recommendation: str
    reason: str = ""

    @model_validator(mode="after")
    def _known(self) -> RecommendationRule:
        if self.recommendation not in RECOMMENDATIONS:
            raise ValueError(f"unknown recommendation {self.recommendation!r}")
        return self


class Profile(_Strict):
    title: str
    description: str = ""
    factors: list[FactorRule] = Field(min_length=1)
    recommendation_rules: list[RecommendationRule] = Field(min_length=1)
    compliance_notes: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Profile:
        total = sum(f.max_points for f in self.factors)
        if abs(total - FACTOR_TOTAL) > 1e-9:
            raise ValueError(f"factor max_points sum to {total}, not {FACTOR_TOTAL:g}")
        codes = [f.code for f in self.factors]
        if len(set(codes)) != len(codes):
            raise ValueError(f"duplicate factor codes in {codes}")
        for rule in self.recommendation_rules:
            cond = rule.when
            if cond.assume:
                bands = {f.code for f in self.factors if isinstance(f, BandsFactor)}
                bad = set(cond.assume.best_band) - bands
                if bad:
                    raise ValueError(f"assume.best_band names no 'bands' factor: {sorted(bad)}")
                if cond.label_in is None:
                    raise ValueError("'assume' only applies together with 'label_in'")
                if set(cond.assume.ignore_severities) - set(SEVERITIES):
                    raise ValueError("assume.ignore_severities names an unknown severity")
            if cond.factor_below and cond.factor_below.code not in codes:
                raise ValueError(f"factor_below names an unknown factor {cond.factor_below.code!r}")
            if cond.signals_at_least and cond.signals_at_least.severity not in SEVERITIES:
                raise ValueError(f"unknown severity {cond.signals_at_least.severity!r}")
        if rule.when != Condition():
            raise ValueError("the last recommendation rule must have an empty 'when' (fallback)")
        return self

    def factor(self, code: str) -> FactorRule:
        for f in self.factors:
            if f.code == code:
                return f
        raise KeyError(code)


class Policy(_Strict):
    schema_: int = Field(alias="schema")
    version: str = Field(min_length=1)
    labels: list[LabelBand] = Field(min_length=1)
    severity_order: list[str]
    adverse_fraction: float = Field(ge=0, le=1)
    # Signals about whether a file could be read, not about authenticity: scored only through
    # document completeness (documents_unreadable), never as fraud signals.
    readability_codes: list[str] = Field(default_factory=list)
    profiles: dict[str, Profile]

    @model_validator(mode="after")
    def _consistent(self) -> Policy:
        if self.schema_ != 1:
            raise ValueError(f"policy schema {self.schema_} is not supported (this app reads 1)")
        mins = [b.min_score for b in self.labels]
        if mins != sorted(mins, reverse=True) or mins[-1] != 0:
            raise ValueError("label bands must be in descending min_score order, ending at 0")
        if tuple(self.severity_order) != SEVERITIES:
            raise ValueError(f"severity_order must be {list(SEVERITIES)}")
        if "default" not in self.profiles:
            raise ValueError("the policy needs a 'default' profile")
        known = {b.label for b in self.labels}
        for name, prof in self.profiles.items():
            for rule in prof.recommendation_rules:
                if rule.when.label_in and set(rule.when.label_in) - known:
                    raise ValueError(f"profile {name!r}: label_in names an unknown label")
        return self

    def profile(self, name: str) -> Profile:
        try:
            return self.profiles[name]
        except KeyError:
            known = ", ".join(sorted(self.profiles))
            raise PolicyError(f"unknown policy profile {name!r}; this policy has: {known}") from None

    def label_for(self, score: int) -> str:
        for band in self.labels:
            if score >= band.min_score:
                return band.label
        return self.labels[-1].label


def default_policy_path() -> Path:
    return resources_dir() / "policy" / "policy.json"


def parse_policy(data: Any, *, source: str = "<policy>") -> Policy:
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['msg']}" for err in exc.errors()
        )
        raise PolicyError(f"invalid policy {source}: {problems}") from None


def load_policy(path: str | Path | None = None) -> Policy:
    """Read and validate a policy file (default: the bundled ``resources/policy/policy.json``)."""
    file = Path(path) if path is not None else default_policy_path()
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(f"cannot read policy file {file}: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PolicyError(f"policy file {file} is not valid JSON: {exc.msg} at line {exc.lineno}") from None
    return parse_policy(data, source=str(file))
