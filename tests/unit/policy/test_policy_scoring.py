"""Scoring beyond the vectors: explanations, standards, what would change, compliance notes,
rounding, purity."""

from __future__ import annotations

from typing import Any

import pytest

from leaselab_desktop.domain.models import Signal
from leaselab_desktop.screening.facts import ApplicantFacts
from leaselab_desktop.screening.measures import fmt_money
from leaselab_desktop.screening.policy import BandsFactor, Policy, load_policy
from leaselab_desktop.screening.scoring import (
    ceil_money,
    fmt_num,
    fmt_pct,
    round_half_up,
    score,
)

ALL_DOCS = ["paystub", "bank_statement", "employment_letter", "government_id"]


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy()


def band_points(policy: Policy, profile: str, code: str, value: float) -> float:
    """The points of the first band of a ``bands`` factor that ``value`` falls in (README §4):
    these tests check the interpreter, so the numbers come from the policy, and a rule change
    edits the vectors beside the policy, not this file."""
    factor = policy.profiles[profile].factor(code)
    assert isinstance(factor, BandsFactor)
    for band in factor.bands:
        if (band.max is None or value <= band.max) and (band.min is None or value >= band.min):
            return band.points
    raise AssertionError("the last band always matches")


def full_ratio(policy: Policy, profile: str = "default") -> float:
    factor = policy.profiles[profile].factor("income_verification")
    assert isinstance(factor, BandsFactor) and factor.bands[0].max is not None
    return factor.bands[0].max


def facts(**kw: Any) -> ApplicantFacts:
    base: dict[str, Any] = dict(
        monthly_rent=1850, stated_monthly_income=5000, verified_monthly_income=5000,
        employment_status="employed", employment_months=36, employer_verified=True,
        documents_present=ALL_DOCS,
        average_bank_balance=5000, negative_balance_days=0, application_fields_complete=1.0,
    )
    base.update(kw)
    return ApplicantFacts(**base)


def test_rounding_is_half_up_and_formatting_is_stable() -> None:
    assert round_half_up(74.5) == 75
    assert round_half_up(2.5) == 3
    assert round_half_up(0.05, 1) == 0.1
    assert round_half_up(1.25, 1) == 1.3
    assert round_half_up(-2.5) == -2  # half up means towards +infinity
    assert fmt_num(30.000000000000004) == "30"
    assert fmt_num(31.94) == "31.9"
    assert fmt_pct(0.3) == "30 %"
    assert fmt_money(6166.5) == "$6,167"
    assert fmt_money(-20.4) == "-$20"
    assert ceil_money(1850 / 0.3) == "$6,167"
    assert ceil_money(1500 / 0.3) == "$5,000"  # 5000.000000000001 is not $5,001


def test_income_factor_explains_source_and_standard_and_what_would_change(policy: Policy) -> None:
    result = score(facts(), [], policy)
    income = result.factors[0]
    assert income.code == "income_verification"
    assert income.points == band_points(policy, "default", "income_verification", 0.37)  # 1850 / 5000
    assert "37 %" in income.explanation and "verified" in income.explanation
    assert income.source == "income documents and unit rent"
    full = full_ratio(policy)
    assert income.standard == f"Rent at most {fmt_pct(full)} of verified monthly income."
    assert f"Monthly income of at least {ceil_money(1850 / full)} (rent ≤ {fmt_pct(full)})" in result.what_would_change


def test_unverified_income_asks_for_pay_stubs(policy: Policy) -> None:
    result = score(facts(verified_monthly_income=None, documents_present=["government_id"]), [], policy)
    income = result.factors[0]
    assert income.source == "application (stated income) and unit rent"
    assert "not verified" in income.explanation
    assert any("pay stubs" in w for w in result.what_would_change)
    assert "Provide two recent pay stubs" in result.what_would_change
    assert "Provide a bank statement covering the last month" in result.what_would_change


def test_a_perfect_applicant_needs_no_change(policy: Policy) -> None:
    result = score(facts(monthly_rent=1500), [], policy)
    assert result.score == 100
    assert result.what_would_change == []
    assert result.risk_flags == []
    assert all(f.points == f.max_points for f in result.factors)


def test_signals_are_named_in_the_authenticity_factor(policy: Policy) -> None:
    sig = Signal(code="paystub_arithmetic", severity="high", document="stub.pdf", evidence="x")
    result = score(facts(monthly_rent=1500), [sig], policy)
    auth = next(f for f in result.factors if f.code == "document_authenticity")
    assert auth.points == 0
    assert "paystub_arithmetic" in auth.explanation
    assert auth.source == "stub.pdf"
    assert result.fraud_signals == ["paystub_arithmetic"]
    assert any("paystub_arithmetic" in w for w in result.what_would_change)
    assert result.recommendation == "approve_with_verification"


def test_low_signals_are_not_fraud_signals(policy: Policy) -> None:
    sig = Signal(code="pdf_producer_unusual", severity="low")
    result = score(facts(monthly_rent=1500), [sig], policy)
    assert result.fraud_signals == []
    assert result.recommendation == "approve"


def _odsp_only(**over: object) -> ApplicantFacts:
    """An applicant whose only income is ODSP, shown by an assistance letter and a bank statement."""
    base: dict[str, object] = dict(
        monthly_rent=1100, stated_monthly_income=1400, verified_monthly_income=None,
        public_assistance_monthly=1400, employment_status="unemployed", employment_months=None,
        documents_present=["bank_statement", "government_id", "public_assistance"],
        average_bank_balance=1500, negative_balance_days=0, application_fields_complete=1.0,
    )
    base.update(over)
    return ApplicantFacts.model_validate(base)


def test_default_profile_notes_say_assistance_was_not_counted_and_the_cut_off(policy: Policy) -> None:
    result = score(_odsp_only(), [], policy, "default")
    notes = result.compliance_notes
    assert notes[0] == f"Scored with the Default profile of policy {policy.version}."
    assert result.factors[0].points == 0  # the assistance is not income here
    assert any("$1,400/month was found in the documents but was not counted as income" in n for n in notes)
    assert any(n.startswith("This profile rejects above 50 % rent-to-income") for n in notes)
    assert any("employment tenure" in n for n in notes)
    # never the old fixed claim that receipt of public assistance was not an input
    assert not any("public assistance as such" in n for n in notes)
    assert not any("counted as income." in n and "not" not in n for n in notes)


def test_ontario_profile_counts_assistance_and_says_so(policy: Policy) -> None:
    result = score(_odsp_only(), [], policy, "ontario")
    notes = result.compliance_notes
    assert notes[0] == f"Scored with the Ontario profile of policy {policy.version}."
    assert result.factors[0].points > 0  # ODSP is income: 1100/1400 is 79 %, still in a band
    assert "Public assistance of $1,400/month was counted as income." in notes
    assert "No rent-to-income cut-off was applied: the income ratio alone could not lead to a reject." in notes
    assert any("stability was scored on the income source" in n for n in notes)
    assert not any("not counted" in n for n in notes)


def test_notes_follow_what_happened_not_the_profile_name(policy: Policy) -> None:
    # no assistance: nothing is said about it, in either profile
    plain = facts()
    for name in ("default", "ontario"):
        assert not any("assistance" in n for n in score(plain, [], policy, name).compliance_notes)
    # the default cut-off decides a reject only when the ratio is above it
    over = facts(verified_monthly_income=2000, monthly_rent=1200)
    result = score(over, [], policy, "default")
    assert any(n.startswith(("The rent-to-income cut-off was applied: rent is 60 %", "Rent is 60 % of income"))
               for n in result.compliance_notes), result.compliance_notes
    assert not any(n.startswith("The rent-to-income cut-off") for n in score(facts(), [], policy).compliance_notes)


@pytest.mark.parametrize(("region", "profile"), [
    ("ON", "ontario"), ("on", "ontario"), (" Ontario ", "ontario"), ("ontario", "ontario"),
    ("BC", "default"), ("QC", "default"), ("", "default"), (None, "default"),
])
def test_the_profile_follows_the_property_region(policy: Policy, region: str | None, profile: str) -> None:
    assert policy.profile_for_region(region) == profile


def test_ontario_counts_assistance_towards_rent_to_income(policy: Policy) -> None:
    f = facts(verified_monthly_income=3000, public_assistance_monthly=1000, monthly_rent=1200)
    # default: 40 % of wages alone; ontario: 30 % of wages + assistance
    assert score(f, [], policy).factors[0].points == band_points(policy, "default", "income_verification", 0.4)
    assert score(f, [], policy, "ontario").factors[0].points == band_points(
        policy, "ontario", "income_verification", 0.3)


def test_summary_states_score_label_and_recommendation(policy: Policy) -> None:
    result = score(facts(), [], policy)
    assert result.summary.startswith(f"Score {result.score}/100, label {result.label}")
    assert result.recommendation.replace("_", " ") in result.summary


def test_score_is_pure(policy: Policy) -> None:
    f = facts()
    sigs = [Signal(code="x", severity="medium")]
    before = (f.model_dump(), [s.model_dump() for s in sigs])
    first = score(f, sigs, policy, "ontario")
    second = score(f, sigs, policy, "ontario")
    assert first == second
    assert (f.model_dump(), [s.model_dump() for s in sigs]) == before


def test_protected_characteristics_are_not_inputs() -> None:
    protected = {
        "age", "date_of_birth", "birth_date", "race", "ethnicity", "ancestry", "place_of_origin",
        "citizenship", "religion", "creed", "sex", "gender", "sexual_orientation", "marital_status",
        "family_status", "children", "pregnant", "disability", "nationality", "language", "photo",
        "message", "first_name", "last_name", "name", "email", "phone", "address",
    }
    assert not protected & set(ApplicantFacts.model_fields)


def test_protected_looking_keys_cannot_reach_the_score(policy: Policy) -> None:
    plain = ApplicantFacts.model_validate(facts().model_dump())
    loaded = ApplicantFacts.model_validate(
        {**facts().model_dump(), "age": 71, "religion": "x", "family_status": "3 children"}
    )
    assert score(plain, [], policy) == score(loaded, [], policy)


def test_tenure_from_the_application_only_counts_half(policy: Policy) -> None:
    result = score(facts(employer_verified=False), [], policy)
    emp = result.factors[1]
    assert emp.points == 10
    assert "application only" in emp.explanation
    assert "Provide an employment letter confirming the start date" in result.what_would_change


def test_readability_signals_are_not_fraud_signals(policy: Policy) -> None:
    unreadable = Signal(code="document_unreadable", severity="medium", document="x.pdf")
    result = score(facts(monthly_rent=1500, documents_unreadable=1), [unreadable], policy)
    assert result.fraud_signals == []
    assert next(f for f in result.factors if f.code == "document_authenticity").points == 15
    assert next(f for f in result.factors if f.code == "document_completeness").points == 13
    assert result.recommendation == "approve"
    assert "Replace the 1 unreadable document(s) with readable copies" in result.what_would_change
