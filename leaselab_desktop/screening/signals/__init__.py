"""Fraud and quality signals over a lead's analysed documents.

Public API::

    detect_signals(lead, docs, reused) -> list[Signal]
    build_document_set(lead, analysed, reused) -> DocumentSet
    document_fingerprint(hashes) -> str   # sha256 of the sorted sha256 hex digests joined by "\\n"

``reused`` maps a file's sha256 to the ids of *other* leads of the same site holding that file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence

from leaselab_desktop.domain.models import Lead, Signal
from leaselab_desktop.screening.facts import DocumentFacts, DocumentSet
from leaselab_desktop.screening.signals.bank import bank_balance_mismatch
from leaselab_desktop.screening.signals.common import signal
from leaselab_desktop.screening.signals.identity import (
    employer_match,
    employer_mismatch,
    name_match,
    name_mismatch,
)
from leaselab_desktop.screening.signals.image_forensics import IMAGE_FORENSIC_CODES, image_forensic_signals
from leaselab_desktop.screening.signals.income import implausible_income, income_mismatch
from leaselab_desktop.screening.signals.metadata import (
    date_mismatch,
    editing_software,
    font_mismatch,
    incremental_revision,
)
from leaselab_desktop.screening.signals.paystubs import paystub_arithmetic, ytd_discontinuity
from leaselab_desktop.screening.signals.read_errors import (
    READ_ERROR_SIGNALS,
    key_fact_unread,
    read_error_signals,
)
from leaselab_desktop.screening.signals.withholding import withholding_mismatch

SIGNAL_CODES: tuple[str, ...] = (
    "editing_software", "date_mismatch", "incremental_revision", "paystub_arithmetic",
    "ytd_discontinuity", "name_mismatch", "income_mismatch", "bank_balance_mismatch",
    "file_reused", "implausible_income", "document_unreadable", "document_encrypted",
    "document_mislabelled", "document_empty", "document_oversized", "unsupported_format",
    "employer_mismatch", "font_mismatch", "key_fact_unread", "withholding_mismatch", *IMAGE_FORENSIC_CODES,
)
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def file_reused(
    docs: Sequence[DocumentFacts], reused: Mapping[str, Iterable[str]], lead: Lead | None = None
) -> list[Signal]:
    """High, or medium when the document names this applicant (a joint account or a co-applicant
    can explain one file on two applications; the other applicant gets the high one)."""
    out: list[Signal] = []
    for doc in docs:
        if not doc.sha256 or doc.size == 0:  # every empty upload has the same hash
            continue
        others = sorted(set(reused.get(doc.sha256, ())))
        if not others:
            continue
        own = bool(
            lead is not None and doc.name_on_document
            and all(name_match(lead.first_name, lead.last_name, doc.name_on_document))
        )
        evidence = (
            f"The identical file (sha256 {doc.sha256[:12]}…) was also submitted for "
            f"{len(others)} other applicant(s): {', '.join(others[:5])}."
        )
        if own:
            evidence += f' It names this applicant ("{doc.name_on_document}").'
        out.append(
            signal(
                "file_reused", "medium" if own else "high", doc, evidence,
                "The same document was submitted by different applicants.",
            )
        )
    return out


def detect_signals(
    lead: Lead, docs: list[DocumentFacts], reused: Mapping[str, Iterable[str]] | None = None
) -> list[Signal]:
    """Every signal for a lead's documents, most severe first (stable order within a severity)."""
    out: list[Signal] = read_error_signals(docs)
    for doc in docs:
        out += editing_software(doc)
        out += date_mismatch(doc)
        out += incremental_revision(doc)
        out += font_mismatch(doc)
        out += paystub_arithmetic(doc)
        out += withholding_mismatch(doc)
        out += bank_balance_mismatch(doc)
        out += image_forensic_signals(doc)
        out += key_fact_unread(doc)
    out += ytd_discontinuity(docs)
    out += name_mismatch(lead, docs)
    out += employer_mismatch(lead, docs)
    out += income_mismatch(lead, docs)
    out += implausible_income(lead, docs)
    out += file_reused(docs, reused or {}, lead)
    return sorted(out, key=lambda s: SEVERITY_ORDER.get(s.severity, 3))


def document_fingerprint(hashes: Iterable[str]) -> str:
    ordered = sorted(h for h in hashes if h)
    if not ordered:
        return ""
    return hashlib.sha256("\n".join(ordered).encode("ascii")).hexdigest()


def build_document_set(
    lead: Lead, analysed: list[DocumentFacts], reused: Mapping[str, Iterable[str]] | None = None
) -> DocumentSet:
    return DocumentSet(
        documents=analysed,
        signals=detect_signals(lead, analysed, reused),
        fingerprint=document_fingerprint(d.sha256 for d in analysed),
    )


__all__ = [
    "READ_ERROR_SIGNALS",
    "SIGNAL_CODES",
    "build_document_set",
    "detect_signals",
    "document_fingerprint",
    "employer_match",
    "file_reused",
    "name_match",
]
