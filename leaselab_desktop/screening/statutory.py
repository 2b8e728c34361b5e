"""Statutory payroll contributions (``resources/documents/statutory-withholding.json``, which the
worker reads too): rates, yearly exemption and maximums of CPP, QPP, EI, QPIP, US Social Security
and Medicare, the tolerances and the words of the ``withholding_mismatch`` check; plus the range a
pay period's contribution may fall in for a given gross."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, model_validator

from leaselab_desktop.resources import resources_dir
from leaselab_desktop.screening.resource_json import read_model


class StatutoryError(RuntimeError):
    """The statutory-withholding file is missing or malformed."""


class Contribution(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rate: float
    basic_exemption: float
    max_earnings: float | None
    max_contribution: float | None
    source: str
    checked: bool


class Tolerance(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    about: str
    rounding: float
    exemption_slack: float
    exempt_share: dict[str, float]
    min_ratio: float
    max_reached_share: float
    min_confidence: float
    period_days: dict[str, tuple[int, int]]  # the span of a pay period, first to last day inclusive


class Wording(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    about: str
    message: str
    names: dict[str, str]  # contribution kind → its name in the evidence
    paid: dict[str, str]  # pay frequency → how it reads after "paid"


class Statutory(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    about: str
    years: dict[str, dict[str, Contribution]]
    wording: Wording
    periods_per_year: dict[str, int]
    tolerance: Tolerance

    @model_validator(mode="after")
    def _every_kind_and_frequency_has_words(self) -> Statutory:
        unnamed = sorted({k for kinds in self.years.values() for k in kinds} - set(self.wording.names))
        wordless = sorted(set(self.periods_per_year) - set(self.wording.paid))
        if unnamed or wordless:
            raise ValueError(f"wording lacks names for {unnamed} and words for {wordless}")
        return self


def statutory_path() -> Path:
    return resources_dir() / "documents" / "statutory-withholding.json"


def load_statutory(path: Path | None = None) -> Statutory:
    return read_model(Statutory, path or statutory_path(), StatutoryError, "the statutory withholding table")


@cache
def statutory() -> Statutory:
    return load_statutory()


@dataclass(frozen=True)
class Expected:
    low: float  # the least this period's contribution may be, every tolerance given
    high: float  # the full rate on the whole gross (rounded up)
    exemption: float  # the pay period's even share of the yearly exemption


def expected_range(table: Statutory, kind: str, year: str, gross: float, frequency: str) -> Expected | None:
    """What a pay period's ``kind`` contribution should be on ``gross``; None when the year, kind or
    frequency is not in the table."""
    rules = table.years.get(year, {}).get(kind)
    periods = table.periods_per_year.get(frequency)
    if rules is None or not periods:
        return None
    tol = table.tolerance
    exemption = rules.basic_exemption / periods
    contributory = gross * (1 - tol.exempt_share.get(kind, 0.0)) - tol.exemption_slack * exemption
    low = max(0.0, rules.rate * contributory - tol.rounding)
    high = rules.rate * gross + tol.rounding
    if rules.max_contribution is not None:
        high = min(high, rules.max_contribution)
    return Expected(round(low, 2), round(high, 2), round(exemption, 2))
