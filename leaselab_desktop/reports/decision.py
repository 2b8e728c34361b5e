"""What the compliance report states, as plain data: the final decision (a manual override wins over
the AI recommendation) and the adverse factors with their reason, source and how to dispute them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from leaselab_desktop.domain.models import Evaluation, Override
from leaselab_desktop.domain.wording import code_name, plain, severity_name

ADVERSE_FRACTION = 0.5  # the policy's adverse_fraction: below half the points counts against
_SERIOUS = ("medium", "high")


def words(code: str | None) -> str:
    """A factor, signal or recommendation code in the console's words (the one vocabulary)."""
    if not code:
        return "—"
    named = code_name(code)
    if named:
        return named
    text = code.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class FinalDecision:
    decision: str  # what the applicant is told, in words
    overridden: bool
    by: str | None = None
    when: datetime | None = None
    reason: str | None = None
    replaced: str | None = None  # the AI recommendation an override replaced


def final_decision(ev: Evaluation, overrides: Sequence[Override]) -> FinalDecision:
    """The latest override decides; without one, the policy's recommendation is the decision."""
    if not overrides:
        return FinalDecision(decision=words(ev.recommendation), overridden=False)
    floor = datetime.min.replace(tzinfo=UTC)
    last = max(enumerate(overrides), key=lambda io: (io[1].created_at or floor, io[0]))[1]
    return FinalDecision(decision=words(last.to_recommendation), overridden=True, by=last.user_id,
                         when=last.created_at, reason=last.reason, replaced=words(ev.recommendation))


@dataclass(frozen=True)
class AdverseItem:
    what: str
    reason: str
    source: str
    dispute: str


def adverse_items(ev: Evaluation) -> list[AdverseItem]:
    """Each factor that counted against the applicant, then each medium/high document signal."""
    items: list[AdverseItem] = []
    for f in ev.factors:
        if f.code not in ev.risk_flags and not f.points < ADVERSE_FRACTION * f.max_points:
            continue
        passing = f" What would pass: {plain(f.standard).rstrip('.')}." if f.standard else ""
        items.append(AdverseItem(
            what=f"{words(f.code)} ({f.points:g} of {f.max_points:g} points)",
            reason=plain(f.explanation) or "No reason was recorded.",
            source=plain(f.source) or "the application form",
            dispute="Tell the leasing office in writing what is wrong and send a document that shows it."
                    + passing,
        ))
    for s in ev.signals:
        if s.severity not in _SERIOUS:
            continue
        detail = " — ".join(plain(x) for x in (s.message, s.evidence) if x)
        items.append(AdverseItem(
            what=f"{words(s.code)} ({severity_name(s.severity).lower()} concern)",
            reason=detail or "A document check raised this concern.",
            source=s.document or "the application form",
            dispute="Ask the issuer (employer, bank, agency) to send the original document to the leasing "
                    "office directly, or explain the difference in writing.",
        ))
    return items
