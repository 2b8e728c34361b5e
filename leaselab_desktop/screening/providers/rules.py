"""The built-in rules provider: deterministic, offline, fast.

Facts come from the application (stated income, rent, employment) and from the parsed documents
(the documents win for everything they can verify). The applicant's free-text message and names are
never read.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from leaselab_desktop.domain.models import Lead, Signal
from leaselab_desktop.domain.timefmt import utcnow
from leaselab_desktop.screening import verification
from leaselab_desktop.screening.facts import ApplicantFacts, DocumentFacts, DocumentSet, Extraction
from leaselab_desktop.screening.policy import Policy

RULES_VERSION = "rules-1"
PERIODS_PER_YEAR = {"weekly": 52, "biweekly": 26, "semimonthly": 24, "monthly": 12}
DAYS_PER_MONTH = 30.4375
# Errors that leave a document usable (a .pdf that is really a JPEG is still read).
USABLE_ERRORS = frozenset({"mislabelled"})
# Required application fields; free text (the message) is deliberately not one of them.
APPLICATION_FIELDS = (
    "first_name", "last_name", "email", "phone", "current_address", "employment_status",
    "monthly_income", "move_in_date",
)


def _usable(doc: DocumentFacts) -> bool:
    return doc.error is None or doc.error in USABLE_ERRORS


def _kind(doc: DocumentFacts) -> str:
    return doc.kind if doc.kind != "other" else doc.declared_type


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def _as_date(value: str | datetime | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).date()
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def months_between(start: date, end: date) -> float:
    return max(round((end - start).days / DAYS_PER_MONTH, 1), 0.0)


def stub_monthly(doc: DocumentFacts) -> float | None:
    stub = doc.pay_stub
    if stub is None or stub.gross is None or stub.gross <= 0:
        return None
    periods = PERIODS_PER_YEAR.get((stub.pay_frequency or "").lower())
    if periods is None:
        return doc.monthly_income_estimate
    return stub.gross * periods / 12


def verified_income(docs: list[DocumentFacts]) -> tuple[float | None, str]:
    """Monthly income the documents support, and which documents it rests on.

    Priority: pay stubs (mean of gross × periods / 12), employment letter salary / 12, recurring
    bank deposits, any other document's own estimate. Public assistance is kept apart.
    """
    stubs = [m for d in docs if _kind(d) == "paystub" and (m := stub_monthly(d))]
    if stubs:
        return _mean(stubs), f"{len(stubs)} pay stub(s)"
    letters = [d.stated_annual_salary / 12 for d in docs if d.stated_annual_salary]
    if letters:
        return _mean(letters), "employment letter"
    bank = [
        d.bank_statement.recurring_income_monthly for d in docs
        if d.bank_statement and d.bank_statement.recurring_income_monthly
    ]
    if bank:
        return _mean(bank), "bank deposits"
    other = [d.monthly_income_estimate for d in docs if d.monthly_income_estimate]
    if other:
        return _mean(other), "document estimate"
    return None, ""


def bank_figures(docs: list[DocumentFacts]) -> tuple[float | None, int | None]:
    """Average balance over all statements, and how many printed balances were below zero."""
    averages: list[float] = []
    negatives: int | None = None
    for d in docs:
        st = d.bank_statement
        if st is None:
            continue
        balances = [b for _, _, b in st.transactions if b is not None]
        if not balances:
            balances = [b for b in (st.opening_balance, st.closing_balance) if b is not None]
        if not balances:
            continue
        averages.append(sum(balances) / len(balances))
        negatives = (negatives or 0) + sum(1 for b in balances if b < 0)
    return _mean(averages), negatives


def application_completeness(lead: Lead) -> float:
    filled = 0
    for name in APPLICATION_FIELDS:
        value = getattr(lead, name)
        if value is not None and value != "":
            filled += 1
    return round(filled / len(APPLICATION_FIELDS), 4)


def checked_income(
    usable: list[DocumentFacts], signals: list[Signal]
) -> tuple[float | None, str, list[DocumentFacts], list[str]]:
    """Verified income from the documents that may verify (see ``screening.verification``), the
    documents that may count for balances, and notes on why others do not."""
    trusted, shaky, notes = verification.partition(usable, signals)
    income, source = verified_income(trusted)
    if shaky:
        others = [m for d in trusted if (m := stub_monthly(d) if _kind(d) == "paystub" else None)]
        others += [d.stated_annual_salary / 12 for d in trusted if d.stated_annual_salary]
        others += [
            d.bank_statement.recurring_income_monthly for d in trusted
            if d.bank_statement and d.bank_statement.recurring_income_monthly
        ]
        backed = verification.corroborated(shaky, stub_monthly, others)
        if backed:
            income, source = verified_income(trusted + backed)
        notes += [verification.low_confidence_note(d) for d in shaky if d not in backed]
    return income, source, trusted + shaky, notes


def build_facts(lead: Lead, docs: DocumentSet, today: date) -> tuple[ApplicantFacts, str]:
    usable = [d for d in docs.documents if _usable(d)]
    income, income_source, countable, notes = checked_income(usable, docs.signals)
    assistance = max((d.public_assistance_monthly or 0.0 for d in countable), default=0.0) or None
    start = next(
        (s for d in countable if _kind(d) == "employment_letter" and (s := _as_date(d.employment_start))),
        None,
    ) or _as_date(lead.employment_start_date)
    status = (lead.employment_status or "").strip().lower() or None
    months = months_between(start, today) if start and status != "unemployed" else None
    kinds = sorted({_kind(d) for d in usable})
    if assistance:
        kinds.append("public_assistance")
    balance, negatives = bank_figures(countable)
    facts = ApplicantFacts(
        stated_monthly_income=lead.monthly_income,
        verified_monthly_income=income,
        public_assistance_monthly=assistance,
        monthly_rent=lead.monthly_rent,
        employment_status=status,
        employment_months=months,
        employer_verified=any(
            d.employer for d in countable if _kind(d) in ("paystub", "employment_letter")
        ),
        documents_present=kinds,
        documents_unreadable=len(docs.documents) - len(usable),
        average_bank_balance=balance,
        negative_balance_days=negatives,
        application_fields_complete=application_completeness(lead),
        verification_notes=notes,
    )
    return facts, income_source


def _money(x: float | None) -> str:
    return "unknown" if x is None else f"${x:,.0f}"


def describe(facts: ApplicantFacts, docs: DocumentSet, income_source: str) -> str:
    """A factual, neutral summary of what was found (no judgement; the policy judges)."""
    parts = [f"Stated income {_money(facts.stated_monthly_income)}/month"]
    if facts.verified_monthly_income is not None:
        parts.append(f"verified {_money(facts.verified_monthly_income)}/month from {income_source}")
    else:
        parts.append("no income verified by documents")
    if facts.public_assistance_monthly:
        parts.append(f"public assistance {_money(facts.public_assistance_monthly)}/month")
    parts.append(f"rent {_money(facts.monthly_rent)}/month")
    text = "; ".join(parts) + "."
    n = len(docs.documents)
    text += f" {n} document(s)"
    if facts.documents_unreadable:
        text += f", {facts.documents_unreadable} unreadable"
    if facts.documents_present:
        text += f" ({', '.join(facts.documents_present)})"
    text += "."
    if facts.employment_months is not None:
        text += f" {facts.employment_months:g} months with the current employer."
    serious = [s for s in docs.signals if s.severity in ("medium", "high")]
    if docs.signals:
        text += f" {len(docs.signals)} document signal(s), {len(serious)} medium or high."
    if facts.verification_notes:
        text += " " + " ".join(facts.verification_notes)
    return text


class RulesProvider:
    """``rules``: the default provider. ``clock`` gives the evaluation date (tenure is measured to it)."""

    name = "rules"

    def __init__(self, clock: Callable[[], datetime] = utcnow) -> None:
        self._clock = clock

    def extract_sync(self, lead: Lead, docs: DocumentSet) -> Extraction:
        facts, source = build_facts(lead, docs, _as_date(self._clock()) or date.today())
        signals = [Signal.model_validate(s.model_dump()) for s in docs.signals]
        return Extraction(
            facts=facts,
            signals=signals,
            summary=describe(facts, docs, source),
            provider=self.name,
            model_version=RULES_VERSION,
        )

    async def extract(self, lead: Lead, docs: DocumentSet, policy: Policy | None = None) -> Extraction:
        return self.extract_sync(lead, docs)
