"""Applicants for one unit side by side: the comparison model, its sentences, and the PDF (reportlab
output read back with pypdf)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from leaselab_desktop.domain.models import Evaluation, Factor, Lead, Override, Signal
from leaselab_desktop.reports.compare import build_comparison_pdf, default_name, write_comparison_pdf
from leaselab_desktop.reports.comparison import Applicant, SelectionProblem, compare_applicants, selection_problem

WHEN = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def _lead(i: int, first: str, unit: str | None = "u_1708", income: float = 6000) -> Lead:
    return Lead(id=f"lead_{i}", first_name=first, last_name="Lee", property_id="p_sq1", unit_id=unit,
                property_name="Square One Towers", unit_name="1708", monthly_income=income, monthly_rent=2200)


def _ev(i: int, score: int, income_pts: float, signals: list[Signal] | None = None, **kw: object) -> Evaluation:
    return Evaluation.model_validate(dict(
        evaluation_id=f"ev_{i}", lead_id=f"lead_{i}", score=score, label="B" if score >= 60 else "C",
        recommendation="approve_with_verification",
        factors=[Factor(code="income_verification", points=income_pts, max_points=30,
                        explanation="Rent is 46.3 % of verified monthly income. Second sentence."),
                 Factor(code="application_quality", points=10, max_points=10, explanation="Complete.")],
        signals=signals or [], policy_version="2026.11.1",
        compliance_notes=["Scored with the Ontario profile of policy 2026.11.1."], **kw))


def _pair() -> list[Applicant]:
    ov = Override(id="o1", evaluation_id="ev_2", to_recommendation="approve", reason="Guarantor", created_at=WHEN)
    return [
        Applicant(_lead(1, "Daniel", income=7167), _ev(1, 79, 24, [
            Signal(code="editing_software", severity="high"), Signal(code="font_mismatch", severity="low"),
            Signal(code="font_mismatch", severity="medium")])),
        Applicant(_lead(2, "Emma", income=4750), _ev(2, 59, 12, [Signal(code="font_mismatch", severity="low")]),
                  (ov,)),
    ]


def test_rows_say_what_differs_by_how_much_and_why() -> None:
    c = compare_applicants(_pair())
    rows = {r.code: r for r in c.rows}
    assert c.unit == "Square One Towers · 1708" and c.names == ("Daniel Lee", "Emma Lee")
    assert rows["decision"].cells == ("Approve with verification", "Approve (overridden)")
    assert rows["score"].spread == 20 and "Daniel Lee scores 20 points more than Emma Lee" in rows["score"].explanation
    inc = rows["income_verification"]
    assert inc.title == "Income verification" and inc.cells == ("24 / 30", "12 / 30") and inc.spread == 12
    # one sentence: the lower one's recorded reason, first sentence only, quoted
    assert inc.explanation == ("Daniel Lee gets 12 more points than Emma Lee for income verification (24 against "
                               "12 of 30): for Emma Lee the evaluation recorded “Rent is 46.3 % of verified "
                               "monthly income”.")
    assert not rows["application_quality"].differs and rows["application_quality"].spread == 0
    sw = rows["editing_software"]
    assert sw.cells == ("high concern", "none")
    assert sw.explanation.startswith(
        "Daniel Lee has a high “made with editing software” concern that Emma Lee does not: PDF ")
    # the worst of a code's signals is the one compared
    assert rows["font_mismatch"].cells == ("medium concern", "low concern")
    assert "Daniel Lee's is medium, Emma Lee's is low" in rows["font_mismatch"].explanation
    assert not rows["policy"].differs and rows["rent_to_income"].differs
    for r in c.differences:
        assert r.explanation.endswith(".") and r.explanation.count(". ") == 0, r.explanation


def test_an_applicant_without_an_evaluation_is_compared_on_the_application() -> None:
    a, _ = _pair()
    c = compare_applicants([a, Applicant(_lead(3, "Noah"))])
    rows = {r.code: r for r in c.rows}
    assert rows["decision"].cells[1] == "Not evaluated"
    assert "Noah Lee has no evaluation yet" in rows["score"].explanation
    assert rows["income_verification"].cells == ("24 / 30", "—")
    assert "Noah Lee was not scored on income verification" in rows["income_verification"].explanation


@pytest.mark.parametrize(("names", "units", "needle"), [
    (["A"], ["u"], "at least two"),
    (["A", "B", "C", "D", "E"], ["u"] * 5, "at most 4"),
    (["A", "B"], ["u1", "u2"], "different units"),
    (["A", "B"], ["u1", None], "B applied for no particular unit"),
])
def test_selections_that_cannot_be_compared_are_refused_with_a_reason(
    names: list[str], units: list[str | None], needle: str,
) -> None:
    problem = selection_problem(names, units)
    assert problem is not None and needle in problem
    assert selection_problem(["A", "B"], ["u", "u"]) is None


def test_mixed_units_raise() -> None:
    a, _ = _pair()
    with pytest.raises(SelectionProblem, match="different units"):
        compare_applicants([a, Applicant(_lead(9, "Zed", unit="u_905"))])


def test_pdf_has_header_page_numbers_names_and_explanations(tmp_path: Path) -> None:
    c = compare_applicants(_pair())
    pdf = build_comparison_pdf(c, generated_at=WHEN, generated_by="agent@leaselab.local")
    reader = PdfReader(io.BytesIO(pdf))
    pages = [" ".join(p.extract_text().split()) for p in reader.pages]
    text = " ".join(pages)
    for needle in ("Applicant comparison", "Daniel Lee", "Emma Lee", "Approve (overridden)", "Income verification",
                   "Made with editing software", "The differences, explained", "12 more points",
                   "agent@leaselab.local"):
        assert needle in text, needle
    # letter, as the running header is placed (an A4 page would put it over the title)
    assert all((float(p.mediabox.width), float(p.mediabox.height)) == (612, 792) for p in reader.pages)
    for n, page in enumerate(pages, 1):
        assert "Applicant comparison · Square One Towers · 1708 · Dec 2, 2026" in page
        assert f"Page {n} of {len(pages)}" in page
    out = write_comparison_pdf(tmp_path / "cmp", c, generated_at=WHEN)
    assert out.name == "cmp.pdf" and out.read_bytes().startswith(b"%PDF-")
    assert default_name(c, WHEN) == "compare-square-one-towers-1708-20261202.pdf"


def test_four_applicants_fit_and_many_signals_run_onto_more_pages() -> None:
    many = [Signal(code=f"model_flag:odd_{k}", severity="low") for k in range(60)]
    apps = [Applicant(_lead(i, f"Applicant{i}"), _ev(i, 50 + i, 10 + i, many[: 15 * i])) for i in range(1, 5)]
    reader = PdfReader(io.BytesIO(build_comparison_pdf(compare_applicants(apps), generated_at=WHEN)))
    assert len(reader.pages) >= 2
    last = " ".join(reader.pages[-1].extract_text().split())
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in last


def test_quoted_reasons_read_in_plain_words() -> None:
    """A stored reason that names a signal by its code is quoted with the signal's name."""
    from leaselab_desktop.reports.comparison import _first_sentence

    quoted = _first_sentence("1 document signal(s) (1 high): implausible_income. Standard: none.")
    assert quoted == "1 document signal(s) (1 high): Income unusually high for the job"
