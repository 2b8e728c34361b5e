"""Each detector fires on its case with checkable evidence, and stays quiet on the clean variant."""

from __future__ import annotations

import hashlib

import pytest

from leaselab_desktop.domain.models import Lead
from leaselab_desktop.screening.facts import BankStatement, DocumentFacts, PayStub
from leaselab_desktop.screening.signals import (
    READ_ERROR_SIGNALS,
    build_document_set,
    document_fingerprint,
    employer_match,
    name_match,
)
from leaselab_desktop.screening.signals import detect_signals as _detect_all

LEAD = Lead(id="L1", first_name="Jane", last_name="Public", employment_status="employed",
            monthly_income=5000.0)


def doc(name: str = "doc.pdf", kind: str = "other", **kw: object) -> DocumentFacts:
    sha = hashlib.sha256(name.encode()).hexdigest()
    return DocumentFacts(file_id=name, file_name=name, kind=kind, sha256=sha, md5="0", size=10, **kw)  # type: ignore[arg-type]


def stub(name: str, pay_date: str, gross: float, ded: float, net: float, ytd: float,
         employer: str | None = "Acme", monthly: float | None = None) -> DocumentFacts:
    return doc(name, "paystub", pay_stub=PayStub(pay_date=pay_date, gross=gross, deductions=ded, net=net,
                                                  ytd_gross=ytd, employer=employer, pay_frequency="biweekly"),
               monthly_income_estimate=monthly if monthly is not None else round(gross * 26 / 12, 2),
               name_on_document="Jane Public")


def detect_signals(lead: Lead, docs: list[DocumentFacts], reused: dict) -> list:  # type: ignore[type-arg]
    """The detectors under test. The synthetic documents here carry only the figures each test
    needs, so key_fact_unread (tested in test_sig_unread.py) is left out."""
    return [s for s in _detect_all(lead, docs, reused) if s.code != "key_fact_unread"]


def codes(signals: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(s.code, s.severity) for s in signals]


@pytest.mark.parametrize(
    ("meta", "severity"),
    [
        ({"producer": "Adobe Photoshop 25.0 (Windows)"}, "high"),
        ({"exif_software": "GIMP 2.10.34"}, "high"),
        ({"creator": "iLovePDF", "producer": "iLovePDF"}, "high"),
        ({"xmp_creator_tool": "Sejda PDF Desktop"}, "high"),
        ({"producer": "Adobe Acrobat Pro DC 23.1"}, "medium"),
        ({"exif_software": "Snapseed 2.0"}, "medium"),
    ],
)
def test_editing_software_fires(meta: dict[str, str], severity: str) -> None:
    sigs = detect_signals(LEAD, [doc(metadata=meta)], {})
    assert codes(sigs) == [("editing_software", severity)]
    assert next(iter(meta.values())) in sigs[0].evidence and sigs[0].document == "doc.pdf"


@pytest.mark.parametrize(
    "meta",
    [
        {"producer": "Microsoft® Word for Microsoft 365", "creator": "Microsoft® Word for Microsoft 365"},
        {"producer": "ReportLab PDF Library - www.reportlab.com"},
        {"producer": "Acrobat Distiller 23.0 (Windows)", "creator": "PScript5.dll Version 5.2.2"},
        {"creator": "Acrobat PDFMaker 23 for Word"},
        {"producer": "iText 7.2.5 (AGPL version)", "creator": "ADP Workforce Now"},
        {"producer": "macOS Version 14.1 Quartz PDFContext"},
        {"producer": "Skia/PDF m119", "creator": "Mozilla/5.0 Chrome"},
        {"exif_software": "17.1.2", "exif_make": "Apple"},
        {"exif_software": "HDR+ 1.0.5"},
    ],
)
def test_ordinary_generators_are_not_flagged(meta: dict[str, str]) -> None:
    assert detect_signals(LEAD, [doc(metadata=meta)], {}) == []


def test_date_mismatch() -> None:
    meta = {"creation_date": "2026-10-01T03:00:00+00:00", "mod_date": "2026-10-20T10:00:00+00:00"}
    sigs = detect_signals(LEAD, [doc(metadata=meta)], {})
    assert codes(sigs) == [("date_mismatch", "medium")]
    assert "2026-10-01T03:00:00+00:00" in sigs[0].evidence and "19 days later" in sigs[0].evidence
    same_day = {"creation_date": "2026-10-01T03:00:00+00:00", "mod_date": "2026-10-01T09:00:00"}
    assert detect_signals(LEAD, [doc(metadata=same_day)], {}) == []
    photo = {"exif_datetime_original": "2026:09:01 10:00:00", "exif_datetime": "2026:10:01 10:00:00"}
    assert codes(detect_signals(LEAD, [doc(metadata=photo)], {})) == [("date_mismatch", "low")]


def test_incremental_revision_severity_depends_on_text_change() -> None:
    changed = doc(revisions=2, metadata={"earlier_revision": "differs",
                                         "revision_changes": "Net Pay: $2,100.00 → $4,100.00"})
    sigs = detect_signals(LEAD, [changed], {})
    assert codes(sigs) == [("incremental_revision", "high")]
    assert "Net Pay: $2,100.00 → $4,100.00" in sigs[0].evidence
    same = doc(revisions=3, metadata={"earlier_revision": "same text"})
    assert codes(detect_signals(LEAD, [same], {})) == [("incremental_revision", "low")]
    assert detect_signals(LEAD, [doc(revisions=1)], {}) == []


def test_paystub_arithmetic() -> None:
    bad = stub("s.pdf", "2026-10-09", 4250.0, 1100.0, 4100.0, 0.0, monthly=5000)
    sigs = [s for s in detect_signals(LEAD, [bad], {}) if s.code == "paystub_arithmetic"]
    assert codes(sigs) == [("paystub_arithmetic", "high")]
    assert "$4,250.00" in sigs[0].evidence and "$3,150.00" in sigs[0].evidence and "$950.00" in sigs[0].evidence
    within_cent = stub("s.pdf", "2026-10-09", 4250.0, 1100.0, 3150.01, 4250.0, monthly=5000)
    assert not [s for s in detect_signals(LEAD, [within_cent], {}) if s.code == "paystub_arithmetic"]
    no_ded = doc("n.pdf", "paystub", pay_stub=PayStub(gross=100.0, net=150.0))
    assert codes(detect_signals(LEAD, [no_ded], {})) == [("paystub_arithmetic", "high")]


def test_ytd_discontinuity_consecutive_gap_year_employer() -> None:
    a = stub("a.pdf", "2026-10-09", 2000.0, 500.0, 1500.0, 42000.0, monthly=5000)
    ok = stub("b.pdf", "2026-10-23", 2000.0, 500.0, 1500.0, 44000.0, monthly=5000)
    assert detect_signals(LEAD, [ok, a], {}) == []
    jump = stub("b.pdf", "2026-10-23", 2000.0, 500.0, 1500.0, 56000.0, monthly=5000)
    sigs = detect_signals(LEAD, [jump, a], {})
    assert codes(sigs) == [("ytd_discontinuity", "high")]
    assert "$44,000.00" in sigs[0].evidence and "$56,000.00" in sigs[0].evidence
    assert sigs[0].document == "b.pdf"
    later = stub("c.pdf", "2026-12-18", 2000.0, 500.0, 1500.0, 52000.0, monthly=5000)
    assert detect_signals(LEAD, [a, later], {}) == []  # stubs in between missing: growth allowed
    new_year = stub("d.pdf", "2027-01-08", 2000.0, 500.0, 1500.0, 2000.0, monthly=5000)
    assert detect_signals(LEAD, [a, new_year], {}) == []
    other = stub("e.pdf", "2026-10-23", 2000.0, 500.0, 1500.0, 9000.0, employer="Other Co", monthly=5000)
    assert detect_signals(LEAD, [a, other], {}) == []
    low = stub("f.pdf", "2026-10-23", 2000.0, 500.0, 1500.0, 1000.0, monthly=5000)
    assert ("ytd_discontinuity", "medium") in codes(detect_signals(LEAD, [low], {}))


@pytest.mark.parametrize(
    "on_doc",
    ["Jane Public", "JANE PUBLIC", "Public, Jane", "Jane Q. Public", "J. Public", "Jane Quinn Public",
     "Mrs. Jane Public", "Jane Public & John Public", "JANEPUBLIC", "PublicJane", "PUBLIC,JANE"],
)
def test_name_tolerances(on_doc: str) -> None:
    assert detect_signals(LEAD, [doc(name_on_document=on_doc, kind="paystub")], {}) == []


def test_name_tolerates_accents_and_hyphens() -> None:
    lead = Lead(id="L", first_name="Marc-André", last_name="Lévesque")
    assert name_match("Marc-André", "Lévesque", "MARC-ANDRE LEVESQUE") == (True, True)
    assert detect_signals(lead, [doc(name_on_document="Marc-Andre Levesque")], {}) == []


def test_name_mismatch() -> None:
    sigs = detect_signals(LEAD, [doc("letter.pdf", "employment_letter", name_on_document="Rebecca Thompson")], {})
    assert codes(sigs) == [("name_mismatch", "high")]
    assert '"Rebecca Thompson"' in sigs[0].evidence and '"Jane Public"' in sigs[0].evidence
    partial = detect_signals(LEAD, [doc(name_on_document="John Public")], {})
    assert codes(partial) == [("name_mismatch", "medium")]
    run_together = detect_signals(LEAD, [doc(name_on_document="JOHNPUBLIC")], {})  # OCR, no space
    assert codes(run_together) == [("name_mismatch", "medium")]
    ocr = doc(name_on_document="Jame Public", metadata={"text_layer": "ocr"})  # one letter misread
    assert detect_signals(LEAD, [ocr], {}) == []
    typed = doc(name_on_document="Jame Public")  # the same on a text layer is not an OCR slip
    assert codes(detect_signals(LEAD, [typed], {})) == [("name_mismatch", "medium")]
    hyphen = Lead(id="L2", first_name="Luis", last_name="Alvarez-Moreno")
    assert detect_signals(hyphen, [doc(name_on_document="ALVAREZ-MORENOLUIS")], {}) == []  # OCR
    stranger = detect_signals(LEAD, [doc(name_on_document="REBECCATHOMPSON")], {})
    assert codes(stranger) == [("name_mismatch", "high")]


def test_income_mismatch_bands() -> None:
    stubs = [stub("a.pdf", "2026-10-09", 2307.69, 500.0, 1807.69, 0.0, monthly=5000.0)]
    for stated, expected in ((5400.0, []), (7000.0, [("income_mismatch", "high")]),
                             (5800.0, [("income_mismatch", "medium")]), (3000.0, [("income_mismatch", "low")])):
        lead = LEAD.model_copy(update={"monthly_income": stated})
        got = [c for c in codes(detect_signals(lead, stubs, {})) if c[0] == "income_mismatch"]
        assert got == expected, stated
    lead = LEAD.model_copy(update={"monthly_income": 7000.0})
    sig = next(s for s in detect_signals(lead, stubs, {}) if s.code == "income_mismatch")
    assert "$7,000.00" in sig.evidence and "$5,000.00" in sig.evidence and "40 %" in sig.evidence


def test_income_from_letter_when_no_stub_and_never_from_bank_alone() -> None:
    letter = doc("l.pdf", "employment_letter", monthly_income_estimate=4000.0, stated_annual_salary=48000.0)
    lead = LEAD.model_copy(update={"monthly_income": 6000.0})
    assert [c[0] for c in codes(detect_signals(lead, [letter], {}))] == ["income_mismatch"]
    bank = doc("b.pdf", "bank_statement", monthly_income_estimate=3000.0, bank_statement=BankStatement())
    assert detect_signals(lead, [bank], {}) == []


def test_bank_balance_mismatch_summary_and_running() -> None:
    good = BankStatement(opening_balance=1000.0, closing_balance=1300.0, total_deposits=500.0,
                         total_withdrawals=200.0,
                         transactions=[("PAYROLL", 500.0, 1500.0), ("RENT", -200.0, 1300.0)])
    assert detect_signals(LEAD, [doc("b.pdf", "bank_statement", bank_statement=good)], {}) == []
    bad = good.model_copy(update={
        "closing_balance": 6300.0,
        "transactions": [("PAYROLL", 500.0, 6500.0), ("RENT", -200.0, 6300.0)],
    })
    sigs = detect_signals(LEAD, [doc("b.pdf", "bank_statement", bank_statement=bad)], {})
    assert codes(sigs) == [("bank_balance_mismatch", "high")]
    assert "closing balance is $6,300.00" in sigs[0].evidence and 'Row "PAYROLL"' in sigs[0].evidence
    no_balances = BankStatement(opening_balance=1.0, transactions=[("X", 5.0, None)])
    assert detect_signals(LEAD, [doc("b.pdf", "bank_statement", bank_statement=no_balances)], {}) == []


def test_file_reused() -> None:
    d = doc("s.pdf")
    sigs = detect_signals(LEAD, [d], {d.sha256: ["L7", "L3", "L7"], "other": ["L9"]})
    assert codes(sigs) == [("file_reused", "high")]
    assert "L3, L7" in sigs[0].evidence and d.sha256[:12] in sigs[0].evidence
    assert detect_signals(LEAD, [d], {d.sha256: []}) == []


def test_implausible_income() -> None:
    student = Lead(id="S", first_name="Jane", last_name="Public", employment_status="student",
                   monthly_income=9500.0)
    sigs = detect_signals(student, [], {})
    assert codes(sigs) == [("implausible_income", "high")]
    assert "$9,500.00/month (stated)" in sigs[0].evidence and "student" in sigs[0].evidence
    assert detect_signals(student.model_copy(update={"monthly_income": 1800.0}), [], {}) == []
    part_time = doc("s.pdf", "paystub", text="Position: Clerk (Part-time)")
    lead = LEAD.model_copy(update={"monthly_income": 6000.0})
    assert codes(detect_signals(lead, [part_time], {})) == [("implausible_income", "medium")]
    barista = doc("s.pdf", "paystub", text="Position: Barista")
    assert codes(detect_signals(lead.model_copy(update={"monthly_income": 7000.0}), [barista], {})) == [
        ("implausible_income", "medium")
    ]
    manager = doc("s.pdf", "paystub", text="Position: Operations Manager")
    assert detect_signals(lead.model_copy(update={"monthly_income": 12000.0}), [manager], {}) == []


@pytest.mark.parametrize("error", sorted(READ_ERROR_SIGNALS))
def test_read_errors_are_low_or_medium(error: str) -> None:
    d = doc(error=error, error_message=f"because {error}", detected_format="jpeg",
            metadata={"claimed_format": "pdf"} if error == "mislabelled" else {})
    sigs = detect_signals(LEAD, [d], {})
    assert len(sigs) == 1
    code, severity, _ = READ_ERROR_SIGNALS[error]
    assert (sigs[0].code, sigs[0].severity) == (code, severity)
    assert severity in ("low", "medium") and sigs[0].evidence


def test_mislabelled_plus_other_error_gives_both() -> None:
    d = doc(error="corrupt", error_message="damaged", detected_format="pdf",
            metadata={"claimed_format": "jpeg"})
    assert sorted(c for c, _ in codes(detect_signals(LEAD, [d], {}))) == [
        "document_mislabelled", "document_unreadable"]


def test_fingerprint_and_document_set() -> None:
    assert document_fingerprint([]) == ""
    a, b = "a" * 64, "b" * 64
    assert document_fingerprint([b, a]) == document_fingerprint([a, b])
    assert document_fingerprint([a, b]) == hashlib.sha256(f"{a}\n{b}".encode()).hexdigest()
    docs = [doc("x.pdf"), doc("y.pdf", metadata={"producer": "GIMP"})]
    ds = build_document_set(LEAD, docs, {})
    assert ds.fingerprint == document_fingerprint(d.sha256 for d in docs)
    assert [s.code for s in ds.signals] == ["editing_software"]
    assert ds.hashes == sorted(d.sha256 for d in docs)
    assert build_document_set(LEAD, [], {}).fingerprint == ""


def test_signals_sorted_most_severe_first() -> None:
    docs = [doc("a.pdf", error="encrypted", error_message="locked"),
            doc("b.pdf", metadata={"producer": "Adobe Photoshop"})]
    assert [s.severity for s in detect_signals(LEAD, docs, {})] == ["high", "low"]


def test_bank_summary_needs_printed_totals() -> None:
    partial = BankStatement(opening_balance=1000.0, closing_balance=5000.0,
                            transactions=[("PAYROLL", 500.0, None)])
    assert detect_signals(LEAD, [doc("b.pdf", "bank_statement", bank_statement=partial)], {}) == []


def test_arithmetic_on_itemised_deductions_is_medium() -> None:
    d = doc("s.pdf", "paystub", pay_stub=PayStub(gross=1000.0, deductions=150.0, net=900.0),
            metadata={"deductions_source": "itemised lines (no total printed)"})
    sigs = detect_signals(LEAD, [d], {})
    assert codes(sigs) == [("paystub_arithmetic", "medium")]
    assert "itemised deductions" in sigs[0].evidence


def test_truncated_statement_skips_last_row_vs_closing() -> None:
    st = BankStatement(opening_balance=100.0, closing_balance=900.0,
                       transactions=[("PAYROLL", 500.0, 600.0)])
    cut = doc("b.pdf", "bank_statement", bank_statement=st,
              metadata={"text_truncated": "first 100000 characters analysed"})
    assert detect_signals(LEAD, [cut], {}) == []
    whole = doc("b.pdf", "bank_statement", bank_statement=st)
    assert codes(detect_signals(LEAD, [whole], {})) == [("bank_balance_mismatch", "high")]


@pytest.mark.parametrize(("text", "partial"), [
    ("Statement ... Page 1 of 2", True), ("Page1of2 (OCR)", True), ("page 2/2", False),
    ("Page 1 of 2 ... Page 2 of 2", False), ("no page marks", False),
])
def test_a_page_of_a_longer_statement_skips_last_row_vs_closing(text: str, partial: bool) -> None:
    """A photo of page 1 of 2: the closing balance printed on page 1 is reached on page 2."""
    st = BankStatement(opening_balance=100.0, closing_balance=900.0, transactions=[("PAYROLL", 500.0, 600.0)])
    found = detect_signals(LEAD, [doc("b.heic", "bank_statement", bank_statement=st, text=text)], {})
    assert (found == []) is partial


def test_ocr_sign_lost_on_a_balance_is_not_a_break_but_a_real_break_still_is() -> None:
    """OCR drops the parentheses of (1,230.58): digits that agree with the sum are not a forgery.
    The same lost sign in a born-digital PDF (no OCR) still is."""
    rows = [("RENT", -1500.0, -1000.0), ("GAS", -57.56, 1057.56), ("COFFEE", -5.85, -1063.41)]
    st = BankStatement(opening_balance=500.0, closing_balance=-1063.41, transactions=rows)
    ocr = doc("b.jpg", "bank_statement", bank_statement=st, metadata={"ocr_pages": "1"})
    assert detect_signals(LEAD, [ocr], {}) == []
    assert codes(detect_signals(LEAD, [doc("b.pdf", "bank_statement", bank_statement=st)], {})) == [
        ("bank_balance_mismatch", "high")]
    tampered = st.model_copy(update={"transactions": [*rows[:2], ("COFFEE", -5.85, -963.41)]})
    ocr_tampered = doc("b.jpg", "bank_statement", bank_statement=tampered, metadata={"ocr_pages": "1"})
    assert codes(detect_signals(LEAD, [ocr_tampered], {})) == [("bank_balance_mismatch", "high")]


@pytest.mark.parametrize(
    ("kind", "severity"), [("changed", "high"), ("added", "medium"), ("signature", "low")]
)
def test_incremental_revision_by_change_kind(kind: str, severity: str) -> None:
    d = doc(revisions=2, metadata={"earlier_revision": "differs", "revision_change_kind": kind,
                                   "revision_changes": "added: Digitally signed by Jamie Ellis"})
    assert codes(detect_signals(LEAD, [d], {})) == [("incremental_revision", severity)]


@pytest.mark.parametrize(
    ("stated", "on_doc", "match"),
    [
        ("Northwind Analytics Inc.", "NORTHWIND ANALYTICS", True),
        ("TD", "Toronto-Dominion Bank", True),
        ("Toronto Dominion Bank", "TD Bank Group", True),
        ("Trillium Health Partners", "Trillium Health Partners - Credit Valley", True),
        ("Acme Widgets Ltd.", "Globex Corporation", False),
        ("Acme", "Inc.", True),  # nothing significant to compare
        ("Pacific Crest Software, Inc.", "PACIFICCRESTSOFTWARE,INC", True),  # OCR, no spaces
        ("Lakeshore Logistics Inc.", "LakeshoreLogisticsInc.", True),
        ("Bell Canada", "CampbellFoods", False),  # a short name inside another is no match
    ],
)
def test_employer_match(stated: str, on_doc: str, match: bool) -> None:
    assert employer_match(stated, on_doc) is match


def test_employer_mismatch_signal() -> None:
    lead = LEAD.model_copy(update={"employer": "Acme Widgets Ltd."})
    letter = doc("l.pdf", "employment_letter", employer="Globex Corporation")
    sigs = detect_signals(lead, [letter], {})
    assert codes(sigs) == [("employer_mismatch", "medium")]
    assert '"Globex Corporation"' in sigs[0].evidence and '"Acme Widgets Ltd."' in sigs[0].evidence
    self_employed = lead.model_copy(update={"employment_status": "self_employed"})
    assert detect_signals(self_employed, [letter], {}) == []
    same = doc("l.pdf", "employment_letter", employer="ACME WIDGETS")
    assert detect_signals(lead, [same], {}) == []


def test_role_words_on_bank_statements_are_ignored() -> None:
    bank = doc("b.pdf", "bank_statement", text="2026-10-02 CASHIER'S CHEQUE -500.00 1,000.00")
    lead = LEAD.model_copy(update={"monthly_income": 9000.0})
    assert detect_signals(lead, [bank], {}) == []


def test_font_mismatch_severity_by_label() -> None:
    d = doc(metadata={"font_outlier": '"Net Pay: $4,430.00" is set in courier; …',
                      "font_outlier_strength": "labelled"})
    sigs = detect_signals(LEAD, [d], {})
    assert codes(sigs) == [("font_mismatch", "medium")]
    assert "courier" in sigs[0].evidence
    weak = doc(metadata={"font_outlier": '"9.99" is set in courier', "font_outlier_strength": "unlabelled"})
    assert codes(detect_signals(LEAD, [weak], {})) == [("font_mismatch", "low")]


def test_empty_files_are_never_reused_files() -> None:
    empty = doc("e.pdf", error="empty", error_message="The file is empty (0 bytes).")
    empty.sha256, empty.size = hashlib.sha256(b"").hexdigest(), 0
    assert codes(detect_signals(LEAD, [empty], {empty.sha256: ["L2"]})) == [("document_empty", "low")]


def test_file_reused_is_medium_when_the_document_names_the_applicant() -> None:
    own = doc("s.pdf", "bank_statement", name_on_document="Jane Public")
    sigs = detect_signals(LEAD, [own], {own.sha256: ["L2"]})
    assert codes(sigs) == [("file_reused", "medium")]
    assert 'names this applicant ("Jane Public")' in sigs[0].evidence
    other = doc("s.pdf", "bank_statement", name_on_document="Liam Tremblay")
    assert ("file_reused", "high") in codes(detect_signals(LEAD, [other], {other.sha256: ["L2"]}))
