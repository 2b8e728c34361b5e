"""Stated income vs what the documents support, and "too good to be true" income for the role."""

from __future__ import annotations

import re
from statistics import mean

from leaselab_desktop.domain.models import Lead, Signal
from leaselab_desktop.screening.facts import DocumentFacts
from leaselab_desktop.screening.signals.common import money, signal

TOLERANCE = 0.10
HIGH_GAP = 0.25

# Monthly gross above which the income is implausible for the situation (CAD, Ontario 2026).
STUDENT_MAX = 4_000.0
PART_TIME_MAX = 5_000.0
ENTRY_ROLE_MAX = 6_000.0
_PART_TIME_RX = re.compile(r"\bpart[- ]time\b", re.IGNORECASE)
_ENTRY_ROLE_RX = re.compile(
    r"\b(?:barista|cashier|dishwasher|busser|host(?:ess)?|crew\s+member|retail\s+associate"
    r"|sales\s+associate|stock\s+clerk|delivery\s+(?:driver|rider)|teaching\s+assistant|tutor"
    r"|intern|camp\s+counsell?or|lifeguard)\b",
    re.IGNORECASE,
)


def document_income(docs: list[DocumentFacts]) -> tuple[float | None, list[DocumentFacts], str]:
    """Monthly gross income the documents support: pay stubs first, then employment letters."""
    for kind, what in (("paystub", "pay stubs"), ("employment_letter", "employment letter")):
        used = [d for d in docs if d.kind == kind and d.monthly_income_estimate and not d.error]
        if used:
            return round(mean(d.monthly_income_estimate or 0 for d in used), 2), used, what
    return None, [], ""


def income_mismatch(lead: Lead, docs: list[DocumentFacts]) -> list[Signal]:
    stated = lead.monthly_income
    supported, used, what = document_income(docs)
    if not stated or not supported:
        return []
    ratio = (stated - supported) / supported
    if abs(ratio) <= TOLERANCE:
        return []
    names = ", ".join(d.file_name for d in used)
    if ratio > 0:
        severity = "high" if ratio > HIGH_GAP else "medium"
        return [
            signal(
                "income_mismatch", severity, names,
                f"Application states {money(stated)}/month; the {what} support "
                f"{money(supported)}/month (gross); stated is {ratio * 100:.0f} % higher.",
                "The stated income is not supported by the documents.",
            )
        ]
    return [
        signal(
            "income_mismatch", "low", names,
            f"Application states {money(stated)}/month; the {what} support "
            f"{money(supported)}/month; stated is {-ratio * 100:.0f} % lower.",
            "The applicant understated their income (not a risk in itself).",
        )
    ]


def implausible_income(lead: Lead, docs: list[DocumentFacts]) -> list[Signal]:
    supported, _, what = document_income(docs)
    figures = [(v, src) for v, src in ((lead.monthly_income, "stated"), (supported, what)) if v]
    if not figures:
        return []
    income, source = max(figures)
    # role words only from pay stubs and letters: a bank statement's "CASHIER'S CHEQUE" is no job
    text = " ".join(d.text[:4000] for d in docs if d.kind in ("paystub", "employment_letter"))
    situation: tuple[str, float] | None = None
    status = (lead.employment_status or "").lower()
    role = _ENTRY_ROLE_RX.search(text)
    if status == "student":
        situation = ("employment status 'student'", STUDENT_MAX)
    elif _PART_TIME_RX.search(text):
        situation = ("a part-time position (per the documents)", PART_TIME_MAX)
    elif role:
        situation = (f"the role '{role.group(0)}' (per the documents)", ENTRY_ROLE_MAX)
    if situation is None or income <= situation[1]:
        return []
    what_is, cap = situation
    severity = "high" if income > 2 * cap else "medium"
    return [
        signal(
            "implausible_income", severity, None,
            f"{money(income)}/month ({source}) for {what_is}; more than {money(cap)}/month "
            "would be unusual.",
            "The income looks too good to be true for the stated situation; verify with the employer.",
        )
    ]
