"""Properties the policy promises, checked over many seeded random applicants."""

from __future__ import annotations

import random
from typing import Any

import pytest

from leaselab_desktop.domain.models import Signal
from leaselab_desktop.screening.facts import ApplicantFacts
from leaselab_desktop.screening.policy import Policy, load_policy
from leaselab_desktop.screening.scoring import score

KINDS = ["paystub", "bank_statement", "employment_letter", "government_id", "tax_return",
         "public_assistance"]
CODES = ["editing_software", "date_mismatch", "name_mismatch", "income_mismatch", "x_custom"]


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy()


def random_facts(rng: random.Random) -> dict[str, Any]:
    def maybe(value: Any, p: float = 0.8) -> Any:
        return value if rng.random() < p else None

    return dict(
        stated_monthly_income=maybe(rng.choice([0, 900, 1400, 2500, 4000, 6000, 9000])),
        verified_monthly_income=maybe(rng.uniform(500, 10000), 0.6),
        public_assistance_monthly=maybe(rng.uniform(300, 1500), 0.2),
        monthly_rent=maybe(rng.choice([900, 1500, 1850, 2400, 3300]), 0.9),
        employment_status=rng.choice(["employed", "self_employed", "unemployed", "student", None]),
        employment_months=maybe(rng.uniform(0, 120), 0.7),
        employer_verified=rng.random() < 0.5,
        documents_present=rng.sample(KINDS, rng.randint(0, len(KINDS))),
        documents_unreadable=rng.choice([0, 0, 0, 1, 2]),
        average_bank_balance=maybe(rng.uniform(-500, 20000), 0.7),
        negative_balance_days=maybe(rng.choice([0, 0, 1, 5]), 0.7),
        application_fields_complete=rng.choice([0.0, 0.4, 0.5, 0.8, 1.0]),
    )


def random_signals(rng: random.Random, severities: list[str]) -> list[Signal]:
    return [
        Signal(code=rng.choice(CODES), severity=rng.choice(severities), document="d.pdf")
        for _ in range(rng.randint(0, 3))
    ]


@pytest.mark.parametrize("profile", ["default", "ontario"])
def test_low_severity_signals_alone_never_cause_a_reject(policy: Policy, profile: str) -> None:
    rng = random.Random(f"low-{profile}")
    for _ in range(400):
        facts = ApplicantFacts(**random_facts(rng))
        base = random_signals(rng, ["medium", "high"])
        lows = [Signal(code=f"low_{i}", severity="low") for i in range(rng.randint(1, 6))]
        without = score(facts, base, policy, profile)
        with_lows = score(facts, base + lows, policy, profile)
        if without.recommendation != "reject":
            assert with_lows.recommendation != "reject", (facts, base, lows)
        assert with_lows.fraud_signals == without.fraud_signals


def test_in_ontario_the_income_amount_alone_never_decides_a_reject(policy: Policy) -> None:
    rng = random.Random("ontario-income")
    for _ in range(400):
        raw = random_facts(rng)
        signals = random_signals(rng, ["low", "medium", "high"])
        raw["verified_monthly_income"] = rng.uniform(200, 12000)
        other = {**raw, "verified_monthly_income": rng.uniform(200, 12000)}
        a = score(ApplicantFacts(**raw), signals, policy, "ontario")
        b = score(ApplicantFacts(**other), signals, policy, "ontario")
        assert (a.recommendation == "reject") == (b.recommendation == "reject"), (raw, other)


def test_scores_labels_and_points_stay_in_range(policy: Policy) -> None:
    rng = random.Random("ranges")
    for _ in range(300):
        facts = ApplicantFacts(**random_facts(rng))
        signals = random_signals(rng, ["low", "medium", "high", "bogus"])
        for profile in policy.profiles:
            r = score(facts, signals, policy, profile)
            assert 0 <= r.score <= 100
            assert r.label == policy.label_for(r.score)
            assert all(0 <= f.points <= f.max_points for f in r.factors)
            assert all(round(f.points * 10) == f.points * 10 for f in r.factors)
            assert abs(sum(f.points for f in r.factors) - r.score) <= 0.5 + 1e-9
            assert set(r.fraud_signals) <= {s.code for s in signals if s.severity in ("medium", "high")}


def test_more_verified_income_never_lowers_the_score(policy: Policy) -> None:
    rng = random.Random("monotone")
    for _ in range(300):
        raw = random_facts(rng)
        raw["verified_monthly_income"] = rng.uniform(500, 6000)
        richer = {**raw, "verified_monthly_income": raw["verified_monthly_income"] * 1.5}
        for profile in policy.profiles:
            low = score(ApplicantFacts(**raw), [], policy, profile).score
            high = score(ApplicantFacts(**richer), [], policy, profile).score
            assert high >= low
