"""Issue 13 item 6: page 1 states the final decision (an override wins) and the profile; a running
header and page numbers on every page; the compliance statement once; an adverse-action section."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from pypdf import PdfReader

from leaselab_desktop.domain.models import Evaluation, Factor, Lead, Override, Signal
from leaselab_desktop.domain.timefmt import fmt_date, fmt_datetime
from leaselab_desktop.reports.compliance import build_compliance_report

WHEN = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def _lead() -> Lead:
    return Lead(id="lead_4", first_name="Aisha", last_name="Mohammed", email="aisha@example.com",
                employment_status="unemployed", monthly_income=1408, monthly_rent=1850,
                property_name="Annex Gardens", unit_name="1C")


def _evaluation(many_factors: int = 0) -> Evaluation:
    factors = [
        Factor(code="income_verification", points=0, max_points=30, source="bank_statement.pdf",
               explanation="Public assistance was not counted as income; no other income was verified.",
               standard="Rent at most 30 % of verified income"),
        Factor(code="employment_stability", points=0, max_points=20,
               explanation="No employment.", standard="24 months with the same employer"),
        Factor(code="application_quality", points=10, max_points=10, explanation="Complete form."),
    ]
    factors += [Factor(code=f"extra_{i}", points=5, max_points=10, explanation="Filler " * 30)
                for i in range(many_factors)]
    return Evaluation(
        evaluation_id="ev_4", lead_id="lead_4", score=33, label="C", recommendation="reject",
        factors=factors, risk_flags=["income_verification", "employment_stability"],
        signals=[Signal(code="pdf_modified_after_creation", severity="high", document="paystub.pdf",
                        message="The pay stub was edited after it was issued.", evidence="ModDate 40 days later"),
                 Signal(code="short_tenure", severity="low", evidence="Under a year")],
        compliance_notes=[
            "Scored with the Default profile of policy 2026.11.1.",
            "No protected characteristic (age, race) or proxy for one was an input.",
            "Public assistance of $1,408/month was found in the documents but was not counted as income.",
        ],
        policy_version="2026.11.1", provider="rules", model_version="rules-1", evaluated_at=WHEN,
    )


def _pages(pdf: bytes) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def test_page_one_states_the_override_as_the_decision_and_what_it_replaced() -> None:
    first = Override(id="o1", evaluation_id="ev_4", from_recommendation="reject", to_recommendation="approve",
                     reason="Guarantor", user_id="sam@office", created_at=WHEN)
    last = Override(id="o2", evaluation_id="ev_4", from_recommendation="approve",
                    to_recommendation="approve_with_conditions", reason="ODSP letter confirms income",
                    user_id="maria@office", created_at=WHEN + timedelta(hours=1))
    page1 = _pages(build_compliance_report(_lead(), _evaluation(), [last, first], generated_at=WHEN))[0]
    assert "Final decision Approve with conditions (manual override)" in page1
    assert f"Decided by maria@office on {fmt_datetime(WHEN + timedelta(hours=1))}".replace("\u202f", " ") in page1
    assert "ODSP letter confirms income" in page1
    assert "Replaced AI recommendation: Reject (score 33 / 100, label C)" in page1
    assert "Scored under Policy 2026.11.1 · Default profile" in page1


def test_without_override_the_ai_recommendation_is_the_decision() -> None:
    page1 = _pages(build_compliance_report(_lead(), _evaluation(), generated_at=WHEN))[0]
    assert "Final decision Reject (AI recommendation)" in page1
    assert "Replaced" not in page1


def test_every_page_has_the_running_header_and_its_number() -> None:
    pages = _pages(build_compliance_report(_lead(), _evaluation(many_factors=12), generated_at=WHEN))
    assert len(pages) >= 2
    for n, text in enumerate(pages, start=1):
        assert f"Aisha Mohammed · Annex Gardens / 1C · {fmt_date(WHEN)}" in text, n
        assert f"Page {n} of {len(pages)}" in text, n


def test_the_compliance_statement_is_printed_once() -> None:
    text = " ".join(_pages(build_compliance_report(_lead(), _evaluation(), generated_at=WHEN)))
    assert text.count("No protected characteristic") == 1
    assert "was not counted as income" in text  # the notes that say what happened stay


def test_adverse_action_lists_each_factor_with_reason_source_and_dispute() -> None:
    text = " ".join(_pages(build_compliance_report(_lead(), _evaluation(), generated_at=WHEN)))
    section = text[text.index("Adverse action: what counted against the applicant"):text.index("Manual overrides")]
    assert "Income verification (0 of 30 points)" in section
    assert "Public assistance was not counted as income" in section and "bank_statement.pdf" in section
    assert "What would pass: Rent at most 30 % of verified income." in section
    assert "Employment stability (0 of 20 points)" in section and "the application form" in section
    assert "Pdf modified after creation (high concern)" in section
    assert "original document" in section
    assert "Application quality" not in section  # full points: nothing against the applicant
    assert "Short tenure" not in section  # a low signal is not an adverse factor
