"""Layout-aware reading: words with boxes → lines and cells → typed facts with where they came from.

The one entry point is ``read_document(facts, pages)``. PDF text layers and OCR both produce
``PageWords`` (``screening/documents/words.py``), so both go through the same reading.
"""

from __future__ import annotations

from leaselab_desktop.screening.documents.layout.bank import read_bank
from leaselab_desktop.screening.documents.layout.letter import read_letter
from leaselab_desktop.screening.documents.layout.lines import Line, build_lines
from leaselab_desktop.screening.documents.layout.pairing import find_text
from leaselab_desktop.screening.documents.layout.paystub import read_paystub
from leaselab_desktop.screening.documents.layout.text import (
    DATE_ORDER,
    compact,
    date_order,
    fix_legal_suffix,
    uncamel,
)
from leaselab_desktop.screening.documents.layout.vocab import (
    BANK_WORDS,
    ID_NAME,
    ID_WORDS,
    LETTER_WORDS,
    PAYSTUB_WORDS,
    STOPS,
)
from leaselab_desktop.screening.documents.limits import DEFAULT_LIMITS
from leaselab_desktop.screening.documents.parse_common import clean_person_name
from leaselab_desktop.screening.documents.parse_letter import classify
from leaselab_desktop.screening.documents.parse_paystub import monthly_from_stub
from leaselab_desktop.screening.documents.words import PageWords
from leaselab_desktop.screening.facts import BankStatement, DocumentFacts, FactSource, PayStub

LOW_CONFIDENCE = 0.80  # an OCR fact below this is marked and never verifies income on its own

__all__ = ["LOW_CONFIDENCE", "build_lines", "layout_text", "read_document"]


def read_document(facts: DocumentFacts, pages: list[PageWords]) -> None:
    """Read a document's words (PDF text layer or OCR) into ``facts``, in place.

    Fills ``kind``, ``pay_stub`` / ``bank_statement`` (with ``period_start``/``period_end``),
    ``name_on_document``, ``employer``, ``monthly_income_estimate``, ``public_assistance_monthly``,
    employment-letter fields, ``fact_sources`` (page, box, confidence of each fact) and
    ``low_confidence_facts``. Where the layout reads a field it wins over what the plain-text path
    (``analyse.parse_content``) found; fields the layout leaves unread keep that value. When
    ``facts.text`` is empty (images), it is set to the words' text, line by line. Never raises for
    odd input: words that form no recognisable document leave ``facts`` as they were.

    Call it after ``parse_content``, once per document, with every page: for a PDF whose pages are
    partly scans, the text-layer ``PageWords`` of the pages that have one and the OCR
    ``PageWords`` of the others, in page order (a statement's table runs across both).
    """
    lines = build_lines(pages)
    if not lines:
        return
    text = layout_text(lines)
    if not facts.text.strip():
        facts.text = text[: DEFAULT_LIMITS.max_text_chars]
    facts.kind = _kind(lines, text, facts)
    sources: dict[str, FactSource] = {}
    order = DATE_ORDER.set(date_order(text))
    try:
        if facts.kind == "paystub":
            sources = _read_paystub(facts, lines)
        elif facts.kind == "bank_statement":
            sources = _read_bank(facts, lines)
        elif facts.kind == "employment_letter":
            sources = _read_letter(facts, lines, text)
        elif facts.kind == "government_id":
            sources = _read_id(facts, lines)
    finally:
        DATE_ORDER.reset(order)
    if facts.employer and any(p.source == "ocr" for p in pages):
        facts.employer = fix_legal_suffix(uncamel(facts.employer))  # OCR: "Prairie HealthPartners LLC"
    facts.fact_sources.update(sources)
    facts.low_confidence_facts = sorted(
        name for name, src in facts.fact_sources.items() if src.confidence < LOW_CONFIDENCE
    )


def layout_text(lines: list[Line]) -> str:
    return "\n".join(line.text for line in lines)


def _kind(lines: list[Line], text: str, facts: DocumentFacts) -> str:
    key = compact(text)
    pay = sum(1 for w in PAYSTUB_WORDS if w in key)
    bank = sum(1 for w in BANK_WORDS if w in key)
    if pay >= 2 and pay >= bank:
        return "paystub"
    if bank >= 2:
        return "bank_statement"
    if any(w in key for w in LETTER_WORDS):
        return "employment_letter"
    if any(w in key for w in ID_WORDS):
        return "government_id"
    if facts.kind in ("paystub", "bank_statement", "employment_letter") and facts.kind != facts.declared_type:
        return facts.kind  # the plain-text path recognised it
    return classify(text, facts.declared_type)


def _merge(old: object | None, new: object, fields: list[str]) -> None:
    for name in fields:
        if getattr(new, name) is None and old is not None:
            setattr(new, name, getattr(old, name))


def _person(raw: str | None) -> str | None:
    return clean_person_name(uncamel(raw)) if raw else None


def _read_paystub(facts: DocumentFacts, lines: list[Line]) -> dict[str, FactSource]:
    got = read_paystub(lines)
    stub = got.stub
    _merge(facts.pay_stub, stub, list(PayStub.model_fields))
    if got.itemised and "deductions" not in got.sources:
        facts.metadata["deductions_source"] = "itemised lines (no total printed)"
    elif "deductions" in got.sources:
        facts.metadata.pop("deductions_source", None)
    if any(v is not None for v in stub.model_dump().values()):
        facts.pay_stub = stub
    facts.employer = stub.employer or facts.employer
    facts.name_on_document = _person(got.employee) or facts.name_on_document
    facts.withholdings = got.withholdings
    facts.monthly_income_estimate = monthly_from_stub(stub) or facts.monthly_income_estimate
    return got.sources


def _read_bank(facts: DocumentFacts, lines: list[Line]) -> dict[str, FactSource]:
    got = read_bank(lines)
    st = got.statement
    old = facts.bank_statement
    _merge(old, st, [f for f in BankStatement.model_fields if f != "transactions"])
    if not st.transactions and old is not None:
        st.transactions = old.transactions
    if st.transactions or st.opening_balance is not None or st.closing_balance is not None:
        facts.bank_statement = st
    facts.name_on_document = _person(got.holder) or facts.name_on_document
    facts.monthly_income_estimate = st.recurring_income_monthly or facts.monthly_income_estimate
    facts.public_assistance_monthly = got.assistance_monthly or facts.public_assistance_monthly
    return got.sources


def _read_letter(facts: DocumentFacts, lines: list[Line], text: str) -> dict[str, FactSource]:
    got = read_letter(lines, text)
    facts.name_on_document = _person(got.name) or facts.name_on_document
    facts.employer = got.employer or facts.employer
    facts.stated_annual_salary = got.annual_salary or facts.stated_annual_salary
    facts.employment_start = got.start or facts.employment_start
    if facts.stated_annual_salary:
        facts.monthly_income_estimate = round(facts.stated_annual_salary / 12, 2)
    return got.sources


def _read_id(facts: DocumentFacts, lines: list[Line]) -> dict[str, FactSource]:
    """An identity card: the holder's name (NAME / NOM, often "LAST, FIRST" below its label)."""
    found = find_text(lines, ID_NAME, stop=STOPS)
    if found is None or not isinstance(found.value, str):
        return {}
    facts.name_on_document = _person(found.value) or facts.name_on_document
    return {"name": found.source()}
