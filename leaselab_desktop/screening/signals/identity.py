"""Name on a document vs the applicant, tolerant of case, accents, middle names, initials and
"Last, First" order."""

from __future__ import annotations

import re
import unicodedata

from leaselab_desktop.domain.models import Lead, Signal
from leaselab_desktop.screening.facts import DocumentFacts
from leaselab_desktop.screening.signals.common import signal

_TITLES = frozenset({"mr", "mrs", "ms", "mx", "dr", "miss", "jr", "sr", "ii", "iii"})


def name_tokens(name: str) -> list[str]:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    if "," in text:  # "Doe, Jane" → "jane doe"
        last, _, first = text.partition(",")
        text = f"{first} {last}"
    tokens = re.split(r"[^a-z0-9]+", text.replace("'", "").replace("’", ""))
    return [t for t in tokens if t and t not in _TITLES]


def name_match(applicant_first: str, applicant_last: str, on_document: str) -> tuple[bool, bool]:
    """(first name matches, last name matches)."""
    doc = name_tokens(on_document)
    first = name_tokens(applicant_first)
    last = name_tokens(applicant_last)
    last_ok = bool(last) and any(t in doc for t in last)
    first_ok = bool(first) and any(
        t == first[0] or (len(t) == 1 and t == first[0][0]) or (len(first[0]) == 1 and t[0] == first[0])
        for t in doc
    )
    if not (first_ok and last_ok) and first and last:
        # OCR drops spaces: "PRIYARAMAN", "ALVAREZ-MORENOLUIS" (a run of letters) is still the name
        joined, f, ln = "".join(doc), "".join(first), "".join(last)
        if joined in (f + ln, ln + f) or (joined.startswith(f) and joined.endswith(ln)):
            return True, True
        if len(doc) > 1:
            return first_ok, last_ok
        rest = len(joined) - len(ln)
        last_ok = last_ok or (rest >= 2 and (joined.endswith(ln) or joined.startswith(ln)))
        first_ok = first_ok or (len(f) >= 3 and len(joined) - len(f) >= 2 and joined.startswith(f))
    return first_ok, last_ok


def _ocr_read(doc: DocumentFacts) -> bool:
    return "ocr" in doc.metadata.get("text_layer", "") or any(
        src.confidence < 1.0 for src in doc.fact_sources.values()
    )


def _one_letter_off(lead: Lead, on_document: str) -> bool:
    """Some token of the document's name is one edit from the applicant's first or last name."""
    wanted = [t for t in name_tokens(lead.first_name) + name_tokens(lead.last_name) if len(t) >= 4]
    return any(_edits_at_most_one(t, w) for t in name_tokens(on_document) for w in wanted)


def _edits_at_most_one(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def name_mismatch(lead: Lead, docs: list[DocumentFacts]) -> list[Signal]:
    if not lead.first_name.strip() and not lead.last_name.strip():
        return []
    out: list[Signal] = []
    for doc in docs:
        if not doc.name_on_document:
            continue
        first_ok, last_ok = name_match(lead.first_name, lead.last_name, doc.name_on_document)
        if first_ok != last_ok and _ocr_read(doc) and _one_letter_off(lead, doc.name_on_document):
            continue  # OCR misread one letter ("Emile" for "Émilie"); the other name matches
        if first_ok and last_ok:
            continue
        severity = "medium" if (first_ok or last_ok) else "high"
        out.append(
            signal(
                "name_mismatch", severity, doc,
                f'The {doc.kind.replace("_", " ")} names "{doc.name_on_document}"; the applicant is '
                f'"{lead.full_name}".',
                "The document appears to belong to someone else.",
            )
        )
    return out


_EMPLOYER_STOP = frozenset({
    "inc", "incorporated", "ltd", "limited", "ltee", "llc", "llp", "lp", "corp", "corporation", "co",
    "company", "group", "the", "of", "and", "services", "canada", "holdings", "enterprises", "plc",
})


def employer_tokens(name: str) -> set[str]:
    return {t for t in name_tokens(name.replace("&", " ")) if t not in _EMPLOYER_STOP and len(t) > 1}


def _initials(name: str) -> str:
    return "".join(t[0] for t in name_tokens(name.replace("&", " ")) if t not in _EMPLOYER_STOP)


def _run_together(name: str) -> str:
    """The name's significant letters in order, spaces gone ("Pacific Crest Software, Inc." →
    "pacificcrestsoftware"); a run-together OCR token is compared letter by letter."""
    joined = "".join(name_tokens(name.replace("&", " ")))
    for stop in sorted(_EMPLOYER_STOP, key=len, reverse=True):
        if joined.endswith(stop) and len(joined) > len(stop) + 3:
            joined = joined[: -len(stop)]
    return joined


def employer_match(stated: str, on_document: str) -> bool:
    a, b = employer_tokens(stated), employer_tokens(on_document)
    if not a or not b or a & b:
        return True
    run_a, run_b = _run_together(stated), _run_together(on_document)
    if min(len(run_a), len(run_b)) >= 6 and (run_a in run_b or run_b in run_a):
        return True  # OCR drops spaces: "PACIFICCRESTSOFTWARE,INC", "LakeshoreLogisticsInc."
    ia, ib = _initials(stated), _initials(on_document)  # "TD" ~ "Toronto-Dominion Bank" (tdb)
    return any(len(t) > 1 and ib.startswith(t) for t in a) or any(
        len(t) > 1 and ia.startswith(t) for t in b
    )


def employer_mismatch(lead: Lead, docs: list[DocumentFacts]) -> list[Signal]:
    if not lead.employer or (lead.employment_status or "") in ("self_employed", "retired"):
        return []
    out: list[Signal] = []
    for doc in docs:
        if doc.error or not doc.employer or doc.kind not in ("paystub", "employment_letter"):
            continue
        if employer_match(lead.employer, doc.employer):
            continue
        out.append(
            signal(
                "employer_mismatch", "medium", doc,
                f'The {doc.kind.replace("_", " ")} names the employer "{doc.employer}"; the '
                f'application says "{lead.employer}".',
                "The employer on the document differs from the application; confirm with the applicant.",
            )
        )
    return out
