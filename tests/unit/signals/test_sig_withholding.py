"""withholding_mismatch on pay stubs laid out by reportlab (tables our code did not lay out): the
contributions each stub prints are worked out here with the published rates, independently of
``resources/documents/statutory-withholding.json``, and a raised gross with the original
contributions is caught while clean stubs, a yearly maximum reached and unsure readings are not."""

from __future__ import annotations

import pytest
from layout_docs import table_pdf

from leaselab_desktop.domain.models import Lead
from leaselab_desktop.screening.documents import analyse_file
from leaselab_desktop.screening.facts import DocumentFacts, FactSource, PayStub, Withholding
from leaselab_desktop.screening.signals import detect_signals
from leaselab_desktop.screening.signals.withholding import withholding_mismatch

PERIODS = {"weekly": 52, "biweekly": 26, "semimonthly": 24, "monthly": 12}
PERIOD_DATES = {  # (period, pay date) of a 2026 pay in each frequency
    "weekly": ("2026-03-09 to 2026-03-15", "2026-03-20"),
    "biweekly": ("2026-03-02 to 2026-03-15", "2026-03-20"),
    "semimonthly": ("2026-03-01 to 2026-03-15", "2026-03-20"),
    "monthly": ("2026-03-01 to 2026-03-31", "2026-04-03"),
}


def _m(x: float) -> str:
    return f"{x:,.2f}"


def _canada(gross: float, frequency: str, exemption: bool = True) -> list[tuple[str, float]]:
    """CPP 5.95 % above the period's share of $3,500 (or on all of gross, as simpler payrolls do),
    EI 1.63 % (2026), income tax 15 %."""
    share = 3500 / PERIODS[frequency] if exemption else 0.0
    return [("Federal Income Tax", round(gross * 0.15, 2)), ("CPP Contributions", round(0.0595 * (gross - share), 2)),
            ("EI Premiums", round(0.0163 * gross, 2))]


def _us(gross: float) -> list[tuple[str, float]]:
    return [("Federal Withholding", round(gross * 0.12, 2)), ("Social Security", round(0.062 * gross, 2)),
            ("Medicare", round(0.0145 * gross, 2))]


def _stub(gross: float, deductions: list[tuple[str, float]], frequency: str | None, *, pays: int = 6,
          ytd_lines: dict[str, float] | None = None, ytd_gross: float | None = None, net_extra: float = 0.0,
          shown_gross: float | None = None) -> DocumentFacts:
    """A stub whose YTD is ``pays`` equal pays; ``shown_gross``/``net_extra`` forge a raised gross."""
    gross = round(gross, 2)
    total = round(sum(a for _, a in deductions), 2)
    printed_gross = round(shown_gross if shown_gross is not None else gross, 2)
    net = round(gross - total + net_extra, 2)
    period, pay_date = PERIOD_DATES[frequency or "biweekly"]
    head = [["Employer", "Lakeshore Logistics Inc."], ["Employee", "Priya Raman"], ["Pay date", pay_date]]
    if frequency is not None:
        head.append(["Pay period", period])
    ytd = ytd_lines or {}
    table = [["Earnings and deductions", "Current", "YTD"],
             ["Gross Pay", _m(printed_gross), _m(ytd_gross if ytd_gross is not None else gross * pays)]]
    table += [[label, _m(a), _m(ytd.get(label, a * pays))] for label, a in deductions]
    table += [["Total Deductions", _m(total), _m(total * pays)], ["Net Pay", _m(net), _m(net * pays)]]
    pdf = table_pdf(head, table, title="Earnings Statement")
    facts = analyse_file("stub.pdf", "stub.pdf", "paystub", pdf)
    assert facts.error is None and facts.pay_stub is not None
    assert facts.pay_stub.gross == printed_gross
    return facts


@pytest.mark.parametrize("frequency", list(PERIODS))
@pytest.mark.parametrize("exemption", [True, False])
def test_a_clean_canadian_stub_at_each_frequency_is_not_flagged(frequency: str, exemption: bool) -> None:
    gross = round(62_000 / PERIODS[frequency], 2)
    doc = _stub(gross, _canada(gross, frequency, exemption), frequency)
    assert doc.pay_stub is not None and doc.pay_stub.pay_frequency == frequency
    assert {w.kind: w.amount for w in doc.withholdings} == {
        "cpp": _canada(gross, frequency, exemption)[1][1], "ei": _canada(gross, frequency, exemption)[2][1]}
    assert withholding_mismatch(doc) == []


@pytest.mark.parametrize("frequency", list(PERIODS))
def test_a_clean_us_stub_at_each_frequency_is_not_flagged(frequency: str) -> None:
    gross = round(58_000 / PERIODS[frequency], 2)
    doc = _stub(gross, _us(gross), frequency)
    assert {w.kind for w in doc.withholdings} == {"social_security", "medicare"}
    assert withholding_mismatch(doc) == []


def test_a_quebec_stub_in_french_reads_rrq_ae_rqap_and_is_not_flagged() -> None:
    gross = 2382.0
    ded = [("Impôt du Québec", 290.0), ("RRQ", round(0.064 * (gross - 3500 / 26), 2)),
           ("Assurance-emploi", round(0.013 * gross, 2)), ("RQAP", round(0.0043 * gross, 2))]
    doc = _stub(gross, ded, "biweekly")
    assert {w.kind for w in doc.withholdings} == {"qpp", "ei", "qpip"}
    assert withholding_mismatch(doc) == []
    forged = _stub(gross, ded, "biweekly", shown_gross=3382.0, net_extra=1000.0)
    assert [s.code for s in withholding_mismatch(forged)] == ["withholding_mismatch"]


@pytest.mark.parametrize("frequency", list(PERIODS))
def test_a_raised_gross_with_the_original_contributions_is_flagged(frequency: str) -> None:
    gross = round(52_000 / PERIODS[frequency], 2)
    raised = round(gross * 1.35, 2)
    doc = _stub(gross, _canada(gross, frequency), frequency, shown_gross=raised, net_extra=raised - gross)
    found = withholding_mismatch(doc)
    assert [(s.code, s.severity) for s in found] == [("withholding_mismatch", "medium")]
    cpp = _canada(gross, frequency)[1][1]
    assert "CPP Contributions" in found[0].evidence and f"${cpp:,.2f}" in found[0].evidence
    assert f"${raised:,.2f}" in found[0].evidence and "would be between" in found[0].evidence
    assert "Tax withheld does not fit the gross pay" in found[0].message
    lead = Lead(id="lead_1", first_name="Priya", last_name="Raman")
    assert "withholding_mismatch" in {s.code for s in detect_signals(lead, [doc])}


def test_a_raised_us_gross_is_flagged_on_social_security_and_medicare() -> None:
    gross = 2000.0
    doc = _stub(gross, _us(gross), "biweekly", shown_gross=3000.0, net_extra=1000.0)
    evidence = withholding_mismatch(doc)[0].evidence
    assert "Social Security" in evidence and "Medicare" in evidence and "$124.00" in evidence


def test_a_stub_past_the_yearly_maximum_is_not_flagged() -> None:
    """November: year-to-date gross is past the YMPE and the maximum insurable earnings, so CPP and
    EI are 0 (or a last partial amount) on a large gross."""
    gross = 9_000.0
    ded = [("Federal Income Tax", 2100.0), ("CPP Contributions", 37.15), ("EI Premiums", 0.0)]
    doc = _stub(gross, ded, "monthly", ytd_gross=99_000.0,
                ytd_lines={"CPP Contributions": 4230.45, "EI Premiums": 1123.07})
    assert {w.kind: w.ytd for w in doc.withholdings} == {"cpp": 4230.45, "ei": 1123.07}
    assert withholding_mismatch(doc) == []


def test_an_unknown_pay_frequency_is_skipped() -> None:
    gross = 2000.0
    doc = _stub(gross, _canada(gross, "biweekly"), None, shown_gross=2900.0, net_extra=900.0)
    assert doc.pay_stub is not None and doc.pay_stub.pay_frequency is None
    assert withholding_mismatch(doc) == []


def _facts(confidence: float, *, year: str = "2026", adds_up: bool = True) -> DocumentFacts:
    """An OCR'd stub (by hand): gross 3,000 biweekly with CPP/EI of a 2,000 gross."""
    stub = PayStub(gross=3000.0, deductions=500.0, net=2500.0 if adds_up else 2400.0,
                   pay_frequency="biweekly", pay_date=f"{year}-03-20", ytd_gross=18_000.0)
    box = (0.0, 0.0, 1.0, 1.0)
    return DocumentFacts(
        file_id="f", file_name="photo.jpg", sha256="0" * 64, md5="0" * 32, size=1, kind="paystub", pay_stub=stub,
        withholdings=[Withholding(kind="cpp", label="CPP", amount=110.99, confidence=confidence),
                      Withholding(kind="ei", label="EI", amount=32.60, confidence=confidence)],
        fact_sources={"gross": FactSource(page=0, box=box, confidence=confidence)},
        low_confidence_facts=["gross"] if confidence < 0.8 else [],
    )


def test_ocr_figures_are_checked_only_when_clearly_read_and_adding_up() -> None:
    assert [s.code for s in withholding_mismatch(_facts(0.97))] == ["withholding_mismatch"]
    assert withholding_mismatch(_facts(0.85)) == []  # below the bar
    assert withholding_mismatch(_facts(0.6)) == []  # low confidence
    assert withholding_mismatch(_facts(0.97, adds_up=False)) == []  # a misread gross would look raised


def test_a_year_the_table_does_not_hold_is_skipped() -> None:
    assert withholding_mismatch(_facts(1.0, year="2019")) == []
    assert withholding_mismatch(_facts(1.0)) != []


def test_a_figure_far_below_any_rate_is_taken_for_another_column_not_a_forgery() -> None:
    doc = _facts(1.0)
    doc.withholdings = [Withholding(kind="cpp", label="CPP", amount=5.95)]  # the rate column
    assert withholding_mismatch(doc) == []


def test_cpp_is_checked_only_when_the_pay_period_confirms_the_frequency() -> None:
    """A frequency found only as a word in the text may be wrong, and CPP's exemption depends on it;
    EI's does not. A pay period that contradicts the frequency stops the whole check."""
    doc = _facts(1.0)
    assert doc.pay_stub is not None and doc.pay_stub.period_start is None
    evidence = withholding_mismatch(doc)[0].evidence
    assert '"EI"' in evidence and '"CPP"' not in evidence
    doc.pay_stub.period_start, doc.pay_stub.period_end = "2026-03-02", "2026-03-15"
    evidence = withholding_mismatch(doc)[0].evidence
    assert '"EI"' in evidence and '"CPP"' in evidence
    doc.pay_stub.period_end = "2026-03-31"  # a month, on a stub read as bi-weekly
    assert withholding_mismatch(doc) == []
