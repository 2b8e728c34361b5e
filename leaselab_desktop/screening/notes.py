"""Compliance notes said from what the profile actually did with this applicant, never a fixed
claim: whether public assistance counted as income, whether a rent-to-income cut-off applied, what
stability was scored on. The worker's ``scoring.ts`` (``complianceNotes``) says the same things."""

from __future__ import annotations

from leaselab_desktop.screening.facts import ApplicantFacts
from leaselab_desktop.screening.measures import fmt_money, fmt_pct, measure, positive
from leaselab_desktop.screening.policy import BandsFactor, Policy, Profile, RecommendationRule


def compliance_notes(policy: Policy, prof: Profile, facts: ApplicantFacts, rule: RecommendationRule) -> list[str]:
    notes = [f"Scored with the {prof.title} profile of policy {policy.version}."]
    notes += prof.compliance_notes
    for said in (_assistance(prof, facts), _cutoff(prof, facts, rule), _stability(prof)):
        if said:
            notes.append(said)
    return notes


def _bands(prof: Profile, measure_name: str) -> BandsFactor | None:
    return next((f for f in prof.factors if isinstance(f, BandsFactor) and f.measure.name == measure_name), None)


def _assistance(prof: Profile, facts: ApplicantFacts) -> str | None:
    income = _bands(prof, "rent_to_income")
    amount = positive(facts.public_assistance_monthly)
    if income is None or not amount:
        return None
    if income.measure.include_public_assistance:
        return f"Public assistance of {fmt_money(amount)}/month was counted as income."
    return (f"Public assistance of {fmt_money(amount)}/month was found in the documents but was not counted "
            "as income under this profile: rent-to-income used the other income only.")


def _cutoff(prof: Profile, facts: ApplicantFacts, decided: RecommendationRule) -> str:
    cut = next((r for r in prof.recommendation_rules
                if r.recommendation == "reject" and r.when.measure is not None
                and r.when.measure.name == "rent_to_income" and r.when.measure.above is not None), None)
    if cut is None or cut.when.measure is None or cut.when.measure.above is None:
        return "No rent-to-income cut-off was applied: the income ratio alone could not lead to a reject."
    limit = fmt_pct(cut.when.measure.above)
    ratio = measure(cut.when.measure, facts).value
    if cut is decided:
        shown = fmt_pct(ratio) if ratio is not None else "unknown"
        return f"The rent-to-income cut-off was applied: rent is {shown} of income, above the {limit} limit."
    if ratio is None:
        return (f"This profile rejects above {limit} rent-to-income; "
                "the ratio could not be worked out, so it was not applied.")
    if ratio > cut.when.measure.above:
        return (f"Rent is {fmt_pct(ratio)} of income, above this profile's {limit} cut-off; "
                "an earlier rule had already decided the recommendation.")
    return f"This profile rejects above {limit} rent-to-income; this applicant's {fmt_pct(ratio)} is within it."


def _stability(prof: Profile) -> str | None:
    if _bands(prof, "income_stability_months"):
        return "Employment was not required: stability was scored on the income source, whatever it is."
    if _bands(prof, "employment_months"):
        return "Stability was scored on employment tenure; income without employment earns no stability points."
    return None
