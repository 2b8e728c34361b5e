"""Scoring: a pure function of (facts, signals, policy, profile) → ScoreResult.

The rule language is documented in ``resources/policy/README.md``; the Cloudflare worker implements
the same interpreter in TypeScript, and the golden vectors in ``resources/policy/vectors.json`` pin
both. Every number goes through ``round_half_up`` exactly where the README says, so both agree to the point.
"""

from __future__ import annotations

from dataclasses import dataclass

from leaselab_desktop.domain.models import Factor, Signal
from leaselab_desktop.screening.facts import ApplicantFacts, ScoreResult
from leaselab_desktop.screening.measures import (
    EPS,
    SOURCES,
    ceil_money,
    fill_template,
    fmt_num,
    fmt_pct,
    fmt_times,
    measure,
    positive,
    round_half_up,
)
from leaselab_desktop.screening.notes import compliance_notes
from leaselab_desktop.screening.policy import (
    SEVERITIES,
    BandsFactor,
    Condition,
    DocumentsFactor,
    FactorRule,
    Policy,
    Profile,
    SignalsFactor,
)

# -- factors ------------------------------------------------------------------------------------

@dataclass
class Outcome:
    factor: Factor
    improve: list[str]


def _severity(signal: Signal) -> str:
    return signal.severity if signal.severity in SEVERITIES else "low"


def _bands_factor(rule: BandsFactor, facts: ApplicantFacts, best_band: bool = False) -> Outcome:
    mv = measure(rule.measure, facts)
    full = rule.bands[0]
    ctx = dict(mv.ctx)
    if full.max is not None:
        ctx["full_pct"] = fmt_pct(full.max)
    if full.min is not None:
        ctx["full_min"] = fmt_num(full.min)
        ctx["full_min_x"] = fmt_times(full.min)
    rent = positive(facts.monthly_rent)
    if rent and full.max:
        ctx["target_income"] = ceil_money(rent / full.max)
    if rent and full.min is not None:
        ctx["target_balance"] = ceil_money(rent * full.min)
    improve: list[str] = []
    notes: list[str] = []
    if mv.value is None:
        points = rule.missing_points
        explanation = rule.missing_explanation
        if points < rule.max_points and rule.missing_hint:
            improve.append(rule.missing_hint)
    else:
        ctx.update(value=fmt_num(mv.value), value_pct=fmt_pct(mv.value), value_x=fmt_times(mv.value))
        band = full if best_band else next(b for b in rule.bands if b.matches(mv.value))
        points = band.points
        explanation = fill_template(rule.explanation, ctx)
        if mv.basis == "stated" and rule.unverified_multiplier < 1:
            points *= rule.unverified_multiplier
            notes.append(
                fill_template(rule.unverified_explanation, {"multiplier": fmt_num(rule.unverified_multiplier)})
            )
            if rule.verify_hint:
                improve.append(rule.verify_hint)
        if band is not full and rule.improve:
            improve.append(fill_template(rule.improve, ctx))
    for adj in rule.adjustments:
        adj_value = measure(adj.measure, facts).value
        if adj_value is not None and adj_value >= adj.min:
            points += adj.points
            notes.append(fill_template(adj.explanation, {"value": fmt_num(adj_value)}))
            if adj.improve:
                improve.append(adj.improve)
    points = min(max(points, 0.0), rule.max_points)
    if rule.measure.name == "rent_to_income":
        source = (
            "application (stated income) and unit rent"
            if mv.basis == "stated"
            else "income documents and unit rent"
        )
    else:
        source = SOURCES.get(rule.measure.name, rule.measure.name)
    if rule.measure.name == "rent_to_income" and facts.verification_notes:
        notes += facts.verification_notes[:4]  # why a document did not verify (never scored)
    text = " ".join(t for t in [explanation, *notes] if t)
    return Outcome(_factor(rule, points, text, source, ctx), improve)


def _documents_factor(rule: DocumentsFactor, facts: ApplicantFacts) -> Outcome:
    present = set(facts.documents_present)
    points = 0.0
    have: list[str] = []
    missing: list[str] = []
    improve: list[str] = []
    for item in rule.items:
        if present.intersection(item.any_of):
            points += item.points
            have.append(item.name)
        else:
            missing.append(item.name)
            improve.append(item.ask)
    parts = [f"Provided: {', '.join(have)}." if have else "No required document provided."]
    if missing:
        parts.append(f"Missing: {', '.join(missing)}.")
    unreadable = max(facts.documents_unreadable, 0)
    if unreadable and rule.unreadable_penalty:
        points -= unreadable * rule.unreadable_penalty
        parts.append(
            f"{unreadable} unreadable document(s) (−{fmt_num(unreadable * rule.unreadable_penalty)})."
        )
        improve.append(f"Replace the {unreadable} unreadable document(s) with readable copies")
    points = min(max(points, 0.0), rule.max_points)
    return Outcome(_factor(rule, points, " ".join(parts), "documents provided", {}), improve)


def signal_penalty(rule: SignalsFactor, signals: list[Signal], ignore: frozenset[str]) -> float:
    total = 0.0
    for sev in SEVERITIES:
        if sev in ignore:
            continue
        count = sum(1 for s in signals if _severity(s) == sev)
        penalty = count * rule.penalties.get(sev, 0.0)
        if sev in rule.caps:
            penalty = min(penalty, rule.caps[sev])
        total += penalty
    return total


def _signals_factor(
    rule: SignalsFactor, signals: list[Signal], unreadable: int = 0,
    ignore: frozenset[str] = frozenset(),
) -> Outcome:
    points = min(max(rule.max_points - signal_penalty(rule, signals, ignore), 0.0), rule.max_points)
    counted = [s for s in signals if _severity(s) not in ignore]
    improve: list[str] = []
    if not counted and unreadable > 0:  # silence would claim documents nobody could read
        text = (
            f"No document signals in the documents that could be read; {unreadable} document(s) "
            "could not be read, so they were not checked."
        )
        source = "document checks"
    elif not counted:
        text = "No document signals."
        source = "document checks"
    else:
        by_sev = [
            f"{n} {sev}" for sev in reversed(SEVERITIES)
            if (n := sum(1 for s in counted if _severity(s) == sev))
        ]
        codes = list(dict.fromkeys(s.code for s in counted))
        text = f"{len(counted)} document signal(s) ({', '.join(by_sev)}): {', '.join(codes)}."
        source = ", ".join(dict.fromkeys(s.document for s in counted if s.document)) or "document checks"
        serious = list(dict.fromkeys(s.code for s in counted if _severity(s) != "low"))
        if serious:
            improve.append(
                "Provide original documents directly from the issuer (employer, bank) to clear: "
                + ", ".join(serious)
            )
    return Outcome(_factor(rule, points, text, source, {}), improve)


def _factor(rule: FactorRule, points: float, text: str, source: str, ctx: dict[str, str]) -> Factor:
    return Factor(
        code=rule.code,
        points=round_half_up(points, 1),
        max_points=rule.max_points,
        explanation=text,
        source=source,
        standard=fill_template(rule.standard, ctx) or None,
    )


def evaluate_factors(
    profile: Profile,
    facts: ApplicantFacts,
    signals: list[Signal],
    *,
    best_band: frozenset[str] = frozenset(),
    ignore_severities: frozenset[str] = frozenset(),
) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for rule in profile.factors:
        if isinstance(rule, BandsFactor):
            out = _bands_factor(rule, facts, rule.code in best_band)
        elif isinstance(rule, DocumentsFactor):
            out = _documents_factor(rule, facts)
        else:
            out = _signals_factor(rule, signals, facts.documents_unreadable, ignore_severities)
        outcomes.append(out)
    return outcomes


def total_score(factors: list[Factor]) -> int:
    total = 0.0
    for f in factors:
        total += f.points
    return int(min(max(round_half_up(total), 0), 100))


# -- recommendation -----------------------------------------------------------------------------

def _signals_at_least(signals: list[Signal], severity: str) -> int:
    rank = SEVERITIES.index(severity)
    return sum(1 for s in signals if SEVERITIES.index(_severity(s)) >= rank)


def condition_holds(
    cond: Condition,
    *,
    policy: Policy,
    profile: Profile,
    facts: ApplicantFacts,
    signals: list[Signal],
    label: str,
    factors: list[Factor],
) -> bool:
    if cond.label_in is not None:
        if cond.assume:
            outcomes = evaluate_factors(
                profile, facts, signals,
                best_band=frozenset(cond.assume.best_band),
                ignore_severities=frozenset(cond.assume.ignore_severities),
            )
            check = policy.label_for(total_score([o.factor for o in outcomes]))
        else:
            check = label
        if check not in cond.label_in:
            return False
    if cond.signals_at_least is not None:
        need = cond.signals_at_least
        if _signals_at_least(signals, need.severity) < need.count:
            return False
    if cond.factor_below is not None:
        below = cond.factor_below
        f = next(f for f in factors if f.code == below.code)
        if not f.points < below.fraction * f.max_points - EPS:
            return False
    if cond.measure is not None:
        value = measure(cond.measure, facts).value
        if value is None:
            return False
        t = cond.measure
        if t.above is not None and not value > t.above:
            return False
        if t.at_least is not None and not value >= t.at_least:
            return False
        if t.below is not None and not value < t.below:
            return False
    return True


# -- the entry point ----------------------------------------------------------------------------

def score(
    facts: ApplicantFacts, signals: list[Signal], policy: Policy, profile: str = "default"
) -> ScoreResult:
    """Score an applicant. Pure: same inputs, same output; no clock, no I/O, no free text."""
    prof = policy.profile(profile)
    readability = set(policy.readability_codes)
    signals = [s for s in signals if s.code not in readability]
    outcomes = evaluate_factors(prof, facts, signals)
    factors = [o.factor for o in outcomes]
    total = total_score(factors)
    label = policy.label_for(total)
    rule = next(
        r for r in prof.recommendation_rules
        if condition_holds(
            r.when, policy=policy, profile=prof, facts=facts, signals=signals, label=label,
            factors=factors,
        )
    )
    improve = list(dict.fromkeys(text for o in outcomes for text in o.improve))
    risk_flags = [
        f.code for f in factors if f.points < policy.adverse_fraction * f.max_points - EPS
    ]
    fraud = list(dict.fromkeys(s.code for s in signals if _severity(s) in ("medium", "high")))
    notes = compliance_notes(policy, prof, facts, rule)
    meaning = next((b.meaning for b in policy.labels if b.label == label), "")
    strong = [f.code for f in factors if f.points >= f.max_points]
    weak = sorted(factors, key=lambda f: (f.points / f.max_points, factors.index(f)))[0]
    summary = (
        f"Score {total}/100, label {label}"
        + (f" ({meaning})" if meaning else "")
        + f": {rule.recommendation.replace('_', ' ')}. {rule.reason}".rstrip()
    )
    if strong:
        summary += f" Full points: {', '.join(strong)}."
    if weak.points < weak.max_points:
        summary += f" Weakest: {weak.code} ({fmt_num(weak.points)}/{fmt_num(weak.max_points)})."
    return ScoreResult(
        score=total,
        label=label,
        recommendation=rule.recommendation,
        factors=factors,
        what_would_change=improve,
        compliance_notes=notes,
        summary=summary,
        risk_flags=risk_flags,
        fraud_signals=fraud,
        policy_version=policy.version,
    )
