"""Which documents may verify income and balances, and why the others cannot.

- A document with a medium or high authenticity signal verifies nothing: an edited pay stub's
  inflated gross must not score as verified income.
- A figure read with low confidence (OCR) does not verify on its own: it counts only when another
  trusted document supports about the same monthly income.
- A document of a known kind whose key figure could not be read is named, never skipped silently.
"""

from __future__ import annotations

from collections.abc import Callable

from leaselab_desktop.domain.models import Signal
from leaselab_desktop.screening.facts import DocumentFacts

# Signals about the applicant's situation or about readability, not about whether the document is
# genuine: they do not stop its figures from counting.
NOT_AUTHENTICITY = frozenset({
    "document_unreadable", "document_encrypted", "document_empty", "document_oversized",
    "unsupported_format", "document_mislabelled", "income_mismatch", "implausible_income",
    "employer_mismatch", "key_fact_unread",
})
SERIOUS = frozenset({"medium", "high"})
CORROBORATION = 0.15  # a low-confidence income counts when another document is within 15 %

# Key figures per kind: (fact name in fact_sources, what to call it, how to get it)
KEY_FACTS: dict[str, list[tuple[str, str, Callable[[DocumentFacts], object]]]] = {
    "paystub": [
        ("gross", "gross pay", lambda d: d.pay_stub and d.pay_stub.gross),
        ("net", "net pay", lambda d: d.pay_stub and d.pay_stub.net),
    ],
    "bank_statement": [
        ("closing_balance", "balance", lambda d: d.bank_statement and (
            d.bank_statement.closing_balance is not None
            or d.bank_statement.opening_balance is not None
            or any(b is not None for _, _, b in d.bank_statement.transactions))),
    ],
    "employment_letter": [
        ("employer", "employer", lambda d: d.employer),
    ],
}


def _doc_names(signal: Signal) -> list[str]:
    return [n.strip() for n in (signal.document or "").split(",") if n.strip()]


def doubtful(docs: list[DocumentFacts], signals: list[Signal]) -> dict[str, list[str]]:
    """File name → the medium/high authenticity signals ("incremental_revision (high)") on it."""
    names = {d.file_name for d in docs}
    out: dict[str, list[str]] = {}
    for s in signals:
        if s.severity not in SERIOUS or s.code in NOT_AUTHENTICITY:
            continue
        for name in _doc_names(s):
            if name in names:
                out.setdefault(name, []).append(f"{s.code} ({s.severity})")
    return out


def unread_key_facts(doc: DocumentFacts) -> list[str]:
    """What a document of a known kind should show but could not be read ("gross pay")."""
    if doc.error not in (None, "mislabelled"):
        return []  # an unreadable file has its own signal
    kind = doc.kind if doc.kind != "other" else doc.declared_type
    return [what for _, what, get in KEY_FACTS.get(kind, []) if not get(doc)]


def low_confidence_income(doc: DocumentFacts) -> bool:
    return bool({"gross", "period", "pay_date"} & set(doc.low_confidence_facts))


def original_note(doc: DocumentFacts) -> str:
    if not doc.original_values:
        return ""
    parts = [
        f"{k.replace('_', ' ')} {v:,.2f}" if isinstance(v, float) else f"{k.replace('_', ' ')} {v}"
        for k, v in doc.original_values.items()
    ]
    return f"; the earlier revision shows {', '.join(parts)}"


def partition(
    docs: list[DocumentFacts], signals: list[Signal]
) -> tuple[list[DocumentFacts], list[DocumentFacts], list[str]]:
    """(trusted documents, low-confidence income documents, notes on what cannot verify and why)."""
    bad = doubtful(docs, signals)
    trusted: list[DocumentFacts] = []
    shaky: list[DocumentFacts] = []
    notes: list[str] = []
    for d in docs:
        if d.file_name in bad:
            notes.append(
                f"{d.file_name} verifies nothing: {', '.join(dict.fromkeys(bad[d.file_name]))}"
                + original_note(d) + "."
            )
            continue
        missing = unread_key_facts(d)
        if missing:
            notes.append(f"Could not read the {', '.join(missing)} on {d.file_name}.")
        if low_confidence_income(d):
            shaky.append(d)  # its note comes once we know whether another document backs it
        else:
            trusted.append(d)
    return trusted, shaky, notes


def low_confidence_note(doc: DocumentFacts) -> str:
    return (
        f"{doc.file_name}: the pay figures were read with low confidence and no other document "
        "supports them, so they were not counted."
    )


def corroborated(
    shaky: list[DocumentFacts], estimate: Callable[[DocumentFacts], float | None],
    others: list[float],
) -> list[DocumentFacts]:
    """The low-confidence documents whose monthly income another document supports."""
    out = []
    for d in shaky:
        value = estimate(d)
        if value and any(o > 0 and abs(value - o) / o <= CORROBORATION for o in others):
            out.append(d)
    return out
