"""Merging model-reported facts with document-derived facts, conservatively.

Documents win: a model value only fills a gap the documents left, and a model-read income is never
higher than what the applicant stated. Document presence and unreadable counts come from the files
only. Signals are the union (document signals first, duplicates by code and document dropped).
"""

from __future__ import annotations

from leaselab_desktop.domain.models import Signal
from leaselab_desktop.screening.facts import ApplicantFacts
from leaselab_desktop.screening.providers.parse import ModelOutput

GAP_FILLABLE = (
    "public_assistance_monthly", "employment_months", "average_bank_balance", "negative_balance_days",
)


def merge_facts(
    base: ApplicantFacts, model: ModelOutput, forged: bool = False
) -> tuple[ApplicantFacts, list[str]]:
    """``forged``: a document verifies nothing (medium/high authenticity signal); the model, which
    read it too, may then not supply verified income or a bank balance either."""
    notes: list[str] = []
    update: dict[str, float | int] = {}
    income = model.facts.get("verified_monthly_income")
    if forged and (income is not None or model.facts.get("average_bank_balance") is not None):
        notes.append("model income/balance ignored: a document verifies nothing (forged figures)")
    if base.verified_monthly_income is None and income is not None and income > 0 and not forged:
        stated = base.stated_monthly_income
        if stated is not None and stated > 0 and income > stated:
            notes.append(f"model income {income:g} capped at the stated {stated:g}")
            income = stated
        update["verified_monthly_income"] = income
    for name in GAP_FILLABLE:
        value = model.facts.get(name)
        if forged and name == "average_bank_balance":
            continue
        if getattr(base, name) is None and value is not None:
            update[name] = int(value) if name == "negative_balance_days" else value
    return base.model_copy(update=update), notes


def merge_signals(base: list[Signal], model: list[Signal]) -> list[Signal]:
    seen = {(s.code, s.document) for s in base}
    out = list(base)
    for s in model:
        if (s.code, s.document) not in seen:
            seen.add((s.code, s.document))
            out.append(s)
    return out
