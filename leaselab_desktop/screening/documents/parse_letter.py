"""Employment-letter fields (name, employer, salary, start date) and document-kind detection."""

from __future__ import annotations

import re
from dataclasses import dataclass

from leaselab_desktop.screening.documents.parse_bank import looks_like_bank_statement
from leaselab_desktop.screening.documents.parse_common import (
    amounts,
    labelled_text,
    lines_of,
    parse_date,
)
from leaselab_desktop.screening.documents.parse_paystub import looks_like_paystub

_TITLE = r"(?:(?:Mr|Ms|Mrs|Mx|Dr|Miss)\.?\s+)?"
_NAME = r"([A-ZÀ-Ý][\w'’.\-]+(?:\s+[A-ZÀ-Ý][\w'’.\-]*){0,3})"
_NAME_RE = re.compile(
    rf"(?:confirms?|certif(?:y|ies)|verif(?:y|ies)|attests?)\s+that\s+{_TITLE}{_NAME}\s*,?\s+"
    r"(?:has|is|was|\(|began|started|joined|holds)",
)
_EMPLOYER_RE = re.compile(
    r"employed\s+(?:full[- ]time\s+|part[- ]time\s+)?(?:by|with|at)\s+"
    r"([A-Z][\w&.,'’\- ]{1,80}?)\s+(?:as|since|from|on|in)\b"
)
_ANNUAL_RE = re.compile(
    r"(?:annual|yearly|base)\s+(?:gross\s+)?(?:salary|compensation|income|pay|wage)"
    r"[^$\d\n]{0,40}(\$?\s?[\d,]+(?:\.\d{2})?)"
    r"|salary\s+of\s+(\$?\s?[\d,]+(?:\.\d{2})?)\s*(?:per\s+(?:year|annum)|annually|/\s*y(?:ea)?r)",
    re.IGNORECASE,
)
_HOURLY_RE = re.compile(r"\$\s?(\d+(?:\.\d{1,2})?)\s*(?:per|an|/)\s*hour", re.IGNORECASE)
_HOURS_RE = re.compile(r"(\d{1,2}(?:\.\d)?)\s*hours\s+(?:per|a|each|/)\s*week", re.IGNORECASE)
_START_RE = re.compile(
    r"(?:since|effective|start(?:ing)?\s+date\s*(?:of|:)?|commenc\w+\s+on|joined\s+\w+(?:\s+\w+)?\s+on)"
    r"\s+(.{6,24})",
    re.IGNORECASE,
)


@dataclass
class LetterFields:
    name: str | None = None
    employer: str | None = None
    annual_salary: float | None = None
    start: str | None = None


def looks_like_employment_letter(text: str) -> bool:
    low = text.lower()
    return ("employ" in low or "position" in low) and any(
        k in low for k in ("to whom it may concern", "this letter", "confirm", "verification of employment")
    )


def parse_letter(text: str) -> LetterFields:
    flat = " ".join(lines_of(text))
    out = LetterFields()
    m = _NAME_RE.search(flat)
    if m:
        out.name = m.group(1).strip(" .,")
    else:
        out.name = labelled_text(lines_of(text), r"employee(?:\s+name)?|name")
    m = _EMPLOYER_RE.search(flat)
    out.employer = m.group(1).strip(" ,") if m else labelled_text(lines_of(text), r"employer|company")
    m = _ANNUAL_RE.search(flat)
    if m:
        found = amounts(m.group(1) or m.group(2))
        if not found:
            digits = (m.group(1) or m.group(2)).replace("$", "").replace(",", "").strip()
            found = [float(digits)] if digits.replace(".", "", 1).isdigit() else []
        if found and abs(found[0]) >= 1000:
            out.annual_salary = abs(found[0])
    if out.annual_salary is None:
        rate = _HOURLY_RE.search(flat)
        hours = _HOURS_RE.search(flat)
        if rate:
            weekly_hours = float(hours.group(1)) if hours else 40.0
            out.annual_salary = round(float(rate.group(1)) * weekly_hours * 52, 2)
    m = _START_RE.search(flat)
    if m:
        out.start = parse_date(m.group(1))
    return out


def classify(text: str, declared_type: str) -> str:
    """The document kind from its content; the declared type when the text says nothing."""
    if text.strip():
        if looks_like_paystub(text):
            return "paystub"
        if looks_like_bank_statement(text):
            return "bank_statement"
        if looks_like_employment_letter(text):
            return "employment_letter"
        low = text.lower()
        if "notice of assessment" in low or "t1 general" in low or "income tax and benefit return" in low:
            return "tax_return"
        if ("driver" in low and "licen" in low) or "passport" in low:
            return "government_id"
    return declared_type if declared_type else "other"
