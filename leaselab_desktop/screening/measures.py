"""Measures and number formatting of the screening policy's rule language.

See ``resources/policy/README.md`` §3 (measures) and §7 (rounding and formatting): the worker's
TypeScript port must compute exactly the same values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from leaselab_desktop.screening.facts import ApplicantFacts
from leaselab_desktop.screening.policy import Measure

EPS = 1e-9


# -- number formatting (README "Rounding and formatting") ---------------------------------------

def round_half_up(x: float, digits: int = 0) -> float:
    scale = 10.0**digits
    return math.floor(x * scale + 0.5 + EPS) / scale


def fmt_num(x: float) -> str:
    r = round_half_up(x, 1)
    return str(int(r)) if r == int(r) else f"{r:.1f}"


def fmt_pct(ratio: float) -> str:
    return f"{fmt_num(ratio * 100)} %"


def fmt_money(x: float) -> str:
    r = int(round_half_up(abs(x)))
    return f"{'-' if x < 0 and r else ''}${r:,}"


def fmt_times(x: float) -> str:
    return f"{fmt_num(x)}×"


def ceil_money(x: float) -> str:
    return f"${math.ceil(x - EPS):,}"


def fill_template(template: str, ctx: dict[str, str]) -> str:
    out = template
    for key, value in ctx.items():
        out = out.replace("{" + key + "}", value)
    return out


# -- measures -----------------------------------------------------------------------------------

@dataclass
class MeasureValue:
    value: float | None
    basis: str = "verified"  # rent_to_income: verified | stated
    ctx: dict[str, str] = field(default_factory=dict)


def positive(x: float | None) -> float:
    return x if x is not None and x > 0 else 0.0


def measure(m: Measure, facts: ApplicantFacts) -> MeasureValue:
    name = m.name
    if name == "rent_to_income":
        rent = positive(facts.monthly_rent)
        verified = positive(facts.verified_monthly_income)
        if m.include_public_assistance:
            verified += positive(facts.public_assistance_monthly)
        stated = positive(facts.stated_monthly_income)
        if not rent:
            return MeasureValue(None)
        if verified:
            income, basis = verified, "verified"
        elif m.fallback_to_stated and stated:
            income, basis = stated, "stated"
        else:
            return MeasureValue(None)
        ctx = {"income": fmt_money(income), "income_basis": basis, "rent": fmt_money(rent)}
        return MeasureValue(rent / income, basis, ctx)
    if name == "employment_months":
        if facts.employment_months is not None:
            basis = "verified" if facts.employer_verified else "stated"
            return MeasureValue(max(facts.employment_months, 0.0), basis)
        return MeasureValue(0.0 if facts.employment_status == "unemployed" else None)
    if name == "income_stability_months":
        # Verified sources first; unverified tenure only when no source is verified.
        ctx = {"assistance_months": fmt_num(m.public_assistance_months or 0)}
        employed = facts.employment_months is not None and facts.employment_status != "unemployed"
        tenure = max(facts.employment_months or 0.0, 0.0)
        sources: list[float] = [tenure] if employed and facts.employer_verified else []
        if positive(facts.public_assistance_monthly) and m.public_assistance_months is not None:
            sources.append(m.public_assistance_months)
        if positive(facts.verified_monthly_income) and m.verified_income_months is not None:
            sources.append(m.verified_income_months)
        if sources:
            return MeasureValue(max(sources), "verified", ctx)
        if employed:
            return MeasureValue(tenure, "stated", ctx)
        return MeasureValue(None, ctx=ctx)
    if name == "balance_to_rent":
        rent = positive(facts.monthly_rent)
        if facts.average_bank_balance is None or not rent:
            return MeasureValue(None)
        ctx = {"balance": fmt_money(facts.average_bank_balance), "rent": fmt_money(rent)}
        return MeasureValue(facts.average_bank_balance / rent, ctx=ctx)
    if name == "application_completeness":
        return MeasureValue(min(max(facts.application_fields_complete, 0.0), 1.0))
    if name == "negative_balance_days":
        days = facts.negative_balance_days
        return MeasureValue(None if days is None else float(days))
    raise ValueError(f"unknown measure {name!r}")  # unreachable: the policy validator refuses it


SOURCES = {
    "employment_months": "employment letter or application (employment start date)",
    "income_stability_months": "income documents (pay stubs, employment letter, assistance deposits)",
    "balance_to_rent": "bank statements and unit rent",
    "application_completeness": "application form",
}
