"""Layout reading of OCR-like words (dropped spaces, low confidence, slanted rows), identity
cards, and the number and date parsing both readers share."""

from __future__ import annotations

from layout_docs import ocr_page

from leaselab_desktop.screening.documents.layout import read_document
from leaselab_desktop.screening.documents.layout.text import dates_in, find_amounts
from leaselab_desktop.screening.facts import DocumentFacts


def test_amounts_in_english_and_french_notation() -> None:
    cases = {
        "$4,250.00": 4250.0, "(120.00)": -120.0, "1 234,56 $": 1234.56, "1,234.56 CR": 1234.56,
        "500.00 DR": -500.0, "-1,900.00": -1900.0, "120.00-": -120.0, "1.234,56": 1234.56,
        "1\u00a0234,56\u00a0$": 1234.56, "CA$ 87.10": 87.1,
        "5.010.94": 5010.94, "20.850.00FederalIncomeTax": 20850.0,  # OCR: dots for commas, no gap
    }
    for text, value in cases.items():
        assert [v for v, _, _ in find_amounts(text)] == [value], text
    assert find_amounts("Hours 80") == []
    assert find_amounts("2026-03-15") == []
    assert dates_in("2026-09-01to2026-09-30") == ["2026-09-01", "2026-09-30"]
    assert dates_in("du 1er mars 2026 au 15 mars 2026") == ["2026-03-01", "2026-03-15"]
    for one_year in ("Sep 1 to Sep 30, 2026", "September 1 - 30, 2026", "du 1er au 30 sept. 2026"):
        assert dates_in(one_year) == ["2026-09-01", "2026-09-30"], one_year
    assert dates_in("01-Sep-2026") == ["2026-09-01"]


def test_ocr_words_without_spaces_and_low_confidence() -> None:
    page = ocr_page([
        (100, [(100, "EARNINGSSTATEMENT")]),
        (160, [(100, "Employee:PriyaRaman")]),
        (200, [(100, "PayPeriod"), (500, "2026-09-01to2026-09-14")]),
        (240, [(100, "PayDate"), (500, "2026-09-18")]),
        (320, [(100, "GrossPay"), (700, "2,560.00"), (1000, "40,960.00")]),
        (360, [(100, "TotalDeductions"), (700, "578.30")]),
        (400, [(100, "NetPay"), (700, "1,981.70")]),
    ], confidence=0.62)
    facts = DocumentFacts(file_id="p", file_name="photo.jpg", declared_type="paystub", sha256="",
                          md5="", size=1, detected_format="jpeg")
    read_document(facts, [page])
    s = facts.pay_stub
    assert facts.kind == "paystub" and s is not None
    assert (s.gross, s.deductions, s.net, s.ytd_gross) == (2560.0, 578.30, 1981.70, 40960.0)
    assert s.pay_frequency == "biweekly" and facts.name_on_document == "Priya Raman"
    assert "gross" in facts.low_confidence_facts and facts.fact_sources["gross"].confidence == 0.62
    assert "GrossPay" in facts.text  # an image's text is the words, line by line


def test_ocr_bank_statement_with_dropped_spaces() -> None:
    page = ocr_page([
        (80, [(100, "ACCOUNTSTATEMENT")]),
        (140, [(100, "Statementperiod"), (600, "2026-09-01to2026-09-30")]),
        (180, [(100, "Openingbalance"), (600, "$500.00")]),
        (260, [(100, "Date"), (400, "Description"), (900, "Amount"), (1200, "Balance")]),
        (300, [(100, "2026-09-03"), (400, "PAYROLLDEPOSIT"), (900, "1,500.00"), (1200, "2,000.00")]),
        (340, [(100, "2026-09-08"), (400, "GROCERY"), (900, "-80.00"), (1200, "1,920.00")]),
        (400, [(100, "Closingbalance"), (600, "$1,920.00")]),
    ])
    facts = DocumentFacts(file_id="p", file_name="scan.png", declared_type="other", sha256="",
                          md5="", size=1)
    read_document(facts, [page])
    st = facts.bank_statement
    assert facts.kind == "bank_statement" and st is not None
    assert (st.opening_balance, st.closing_balance, st.period_end) == (500.0, 1920.0, "2026-09-30")
    assert [a for _, a, _ in st.transactions] == [1500.0, -80.0]
    assert st.recurring_income_monthly == 1500.0 and facts.low_confidence_facts == []


def test_words_forming_no_document_leave_facts_alone() -> None:
    facts = DocumentFacts(file_id="p", file_name="x.png", declared_type="government_id", sha256="",
                          md5="", size=1, kind="government_id")
    read_document(facts, [])
    read_document(facts, [ocr_page([(10, [(10, "%%%"), (40, "12")])])])
    assert facts.kind == "government_id" and facts.pay_stub is None and facts.bank_statement is None


def test_slanted_photo_rows_stay_apart_and_ocr_dates_read() -> None:
    """Two rows of a slightly slanted photo share a vertical band; a value under another value
    must not join the row above, and OCR's 'March15.2026toMarch31.2026' still gives two dates."""
    page = ocr_page([
        (100, [(100, "PayStatement")]),
        (200, [(100, "Employeename:"), (560, "Priya Raman")]),
        (210, [(100, "Employee#:"), (572, "992610")]),  # 10 px lower: inside the row band
        (260, [(100, "Pay date:"), (560, "March15.2026")]),
        (300, [(100, "Pay period:"), (560, "March1.2026toMarch15.2026")]),
        (360, [(100, "Gross Pay"), (1000, "3,091.67")]),
        (400, [(100, "NetPay"), (1000, "$2,331.43")]),
    ])
    facts = DocumentFacts(file_id="p", file_name="photo.jpg", declared_type="paystub", sha256="",
                          md5="", size=1)
    read_document(facts, [page])
    s = facts.pay_stub
    assert s is not None and facts.name_on_document == "Priya Raman"
    assert (s.pay_date, s.period_start, s.period_end) == ("2026-03-15", "2026-03-01", "2026-03-15")
    assert s.pay_frequency == "semimonthly" and (s.gross, s.net) == (3091.67, 2331.43)


def test_identity_card_name_below_its_label() -> None:
    page = ocr_page([
        (60, [(100, "CANADAPERMANENTRESIDENTCARDSAMPLE")]),
        (200, [(540, "SURNAME/NOM")]),
        (240, [(540, "RAMAN,PRIYA")]),
        (300, [(540, "NO./NUMBER")]),
        (340, [(540, "C6754-00518-24")]),
    ])
    facts = DocumentFacts(file_id="i", file_name="card.jpg", declared_type="other", sha256="",
                          md5="", size=1)
    read_document(facts, [page])
    assert facts.kind == "government_id" and facts.name_on_document == "RAMAN,PRIYA"
    assert facts.fact_sources["name"].how == "below"


def test_ocr_letter_prose_without_spaces() -> None:
    page = ocr_page([
        (60, [(100, "LakeshoreLogisticsInc.")]),
        (160, [(100, "ToWhom It May Concern,")]),
        (200, [(100, "ThisletterconfirmsthatPriyaRamanhasbeenemployedbyLakeshoreLogisticsInc.since")]),
        (240, [(100, "June1,2021asaSeniorDispatcher.HerannualsalaryisCAD$68,500.00.")]),
    ])
    facts = DocumentFacts(file_id="l", file_name="letter.jpg", declared_type="employment_letter",
                          sha256="", md5="", size=1)
    read_document(facts, [page])
    assert facts.kind == "employment_letter" and facts.name_on_document == "Priya Raman"
    assert facts.employer == "Lakeshore Logistics Inc." and facts.stated_annual_salary == 68500.0
