"""Never silent, and forged figures verify nothing: a known document whose key figure could not be
read is named; amounts from a document with a medium or high authenticity signal (an incremental
edit) do not count as verified income, and the earlier revision's figures are shown."""

from __future__ import annotations

from datetime import UTC, datetime

import doc_builders as b
from layout_docs import ocr_page, table_pdf

from leaselab_desktop.domain.models import Lead
from leaselab_desktop.screening.documents import analyse_file
from leaselab_desktop.screening.documents.layout import read_document
from leaselab_desktop.screening.facts import DocumentFacts, DocumentSet, Extraction
from leaselab_desktop.screening.policy import load_policy
from leaselab_desktop.screening.providers.rules import RulesProvider
from leaselab_desktop.screening.scoring import score
from leaselab_desktop.screening.signals import build_document_set

LEAD = Lead(id="L1", first_name="Priya", last_name="Raman", employment_status="employed",
            monthly_income=5500.0, monthly_rent=1500.0, employment_start_date="2022-01-01T00:00:00Z")


def _stub_pdf(gross: str = "2,560.00", net: str = "1,981.70") -> bytes:
    return table_pdf(
        [["Employer", "Harbourfront Dental Group"], ["Employee", "Priya Raman"],
         ["Pay period", "2026-09-01 to 2026-09-14"], ["Pay date", "2026-09-18"]],
        [["Gross Pay", gross], ["Total Deductions", "578.30"], ["Net Pay", net]],
        title="Earnings Statement",
    )


def _evaluate(docs: list[DocumentFacts]) -> tuple[DocumentSet, Extraction]:
    ds = build_document_set(LEAD, docs, {})
    ex = RulesProvider(clock=lambda: datetime(2026, 10, 1, tzinfo=UTC)).extract_sync(LEAD, ds)
    return ds, ex


def test_a_paystub_without_a_readable_gross_gets_a_named_signal() -> None:
    pdf = table_pdf([["Employee", "Priya Raman"], ["Pay date", "2026-09-18"]],
                    "Pay stub. Net pay and deductions are shown on the attached page.",
                    title="Pay Stub")
    doc = analyse_file("f1", "paystub_march.pdf", "paystub", pdf)
    assert doc.error is None and doc.kind == "paystub"
    ds, ex = _evaluate([doc])
    unread = [s for s in ds.signals if s.code == "key_fact_unread"]
    assert len(unread) == 1 and unread[0].severity == "low"
    assert "Could not read the gross pay, net pay on paystub_march.pdf" in unread[0].evidence
    result = score(ex.facts, ex.signals, load_policy())
    factors = {f.code: f for f in result.factors}
    assert factors["document_authenticity"].explanation != "No document signals."
    assert "key_fact_unread" in factors["document_authenticity"].explanation
    assert "Could not read the gross pay" in factors["income_verification"].explanation


def test_an_image_paystub_without_ocr_is_not_silent() -> None:
    doc = analyse_file("f2", "photo.png", "paystub", b.image_bytes("PNG", when=None))
    ds, _ = _evaluate([doc])
    # the blank synthetic PNG is also (rightly) a render, not a photo: a low image_screenshot
    assert sorted(s.code for s in ds.signals) == ["image_screenshot", "key_fact_unread"]


def test_a_fully_read_set_still_says_no_document_signals() -> None:
    doc = analyse_file("f3", "stub.pdf", "paystub", _stub_pdf())
    ds, ex = _evaluate([doc])
    assert ds.signals == []
    result = score(ex.facts, ex.signals, load_policy())
    auth = next(f for f in result.factors if f.code == "document_authenticity")
    assert auth.explanation == "No document signals."
    assert ex.facts.verified_monthly_income == round(2560 * 26 / 12, 2)


def test_unreadable_documents_are_not_called_signal_free() -> None:
    good = analyse_file("f4", "stub.pdf", "paystub", _stub_pdf())
    broken = analyse_file("f5", "bank.pdf", "bank_statement", b"%PDF-1.4\n garbage")
    _, ex = _evaluate([good, broken])
    result = score(ex.facts, ex.signals, load_policy())
    auth = next(f for f in result.factors if f.code == "document_authenticity")
    assert auth.explanation.startswith("No document signals in the documents that could be read; 1 ")


def test_forged_amounts_verify_nothing_and_the_original_is_shown() -> None:
    base = _stub_pdf()
    edited = b.pypdf_incremental_text_edit(
        b.pypdf_incremental_text_edit(base, b"2,560.00", b"4,560.00"), b"1,981.70", b"3,981.70")
    doc = analyse_file("f6", "paystub_march.pdf", "paystub", edited)
    assert doc.pay_stub is not None and doc.pay_stub.gross == 4560.0
    assert doc.original_values["gross"] == 2560.0 and doc.original_values["net"] == 1981.70
    ds, ex = _evaluate([doc])
    rev = next(s for s in ds.signals if s.code == "incremental_revision")
    assert rev.severity == "high" and "earlier revision shows gross 2,560.00" in rev.evidence
    facts = ex.facts
    assert facts.verified_monthly_income is None
    assert any("paystub_march.pdf verifies nothing: incremental_revision (high)" in n
               for n in facts.verification_notes)
    result = score(facts, ex.signals, load_policy())
    income = next(f for f in result.factors if f.code == "income_verification")
    assert income.points < income.max_points and "verifies nothing" in income.explanation
    # the same stub unedited verifies the income with full points
    clean = analyse_file("f7", "paystub_march.pdf", "paystub", base)
    _, ex2 = _evaluate([clean])
    assert ex2.facts.verified_monthly_income == round(2560 * 26 / 12, 2)


def test_forged_statement_balance_is_not_counted() -> None:
    bank = DocumentFacts.model_validate({
        "file_id": "b", "file_name": "bank.pdf", "kind": "bank_statement", "sha256": "x" * 64,
        "md5": "0", "size": 9, "metadata": {"producer": "Adobe Photoshop 25.0"},
        "bank_statement": {"opening_balance": 90000.0, "closing_balance": 95000.0},
    })
    _, ex = _evaluate([bank])
    assert ex.facts.average_bank_balance is None


def test_low_confidence_income_needs_corroboration() -> None:
    rows = [(100, [(100, "PAYSTUB")]), (200, [(100, "PayPeriod"), (500, "2026-09-01to2026-09-14")]),
            (240, [(100, "PayDate"), (500, "2026-09-18")]), (320, [(100, "GrossPay"), (700, "2,560.00")]),
            (400, [(100, "NetPay"), (700, "1,981.70")])]

    def photo(conf: float) -> DocumentFacts:
        d = DocumentFacts(file_id="p", file_name="photo.jpg", declared_type="paystub", sha256="p" * 64,
                          md5="0", size=5, detected_format="jpeg")
        read_document(d, [ocr_page(rows, confidence=conf)])
        return d

    _, alone = _evaluate([photo(0.55)])
    assert alone.facts.verified_monthly_income is None
    assert any("low confidence" in n for n in alone.facts.verification_notes)
    letter = DocumentFacts(file_id="l", file_name="letter.pdf", kind="employment_letter", sha256="l" * 64,
                           md5="0", size=5, employer="Harbourfront", stated_annual_salary=66_000.0)
    _, backed = _evaluate([photo(0.55), letter])
    assert backed.facts.verified_monthly_income == round(2560 * 26 / 12, 2)
    assert not any("low confidence" in n for n in backed.facts.verification_notes)
    _, sure = _evaluate([photo(0.97)])
    assert sure.facts.verified_monthly_income == round(2560 * 26 / 12, 2)
