"""Statutory withholding that does not fit the gross pay: CPP/QPP, EI, QPIP, Social Security and
Medicare are fixed shares of gross, so a stub whose gross (and net) was raised while its
contributions were left as they were prints contributions well below what that gross requires.

Only a contribution below the tolerant range is flagged, and only when every figure is trusted:
the year and pay frequency are known and in the table, no yearly maximum may have been reached
(which makes a 0 or a partial contribution honest), OCR read the figures clearly and they add up.
A false flag costs an honest applicant, so anything unsure is skipped."""

from __future__ import annotations

import math
from datetime import date

from leaselab_desktop.domain.models import Signal
from leaselab_desktop.screening.documents.parse_common import days_between
from leaselab_desktop.screening.facts import DocumentFacts, PayStub, Withholding
from leaselab_desktop.screening.signals.common import money, signal
from leaselab_desktop.screening.statutory import Statutory, expected_range, statutory


def withholding_mismatch(doc: DocumentFacts, table: Statutory | None = None) -> list[Signal]:
    stub = doc.pay_stub
    if stub is None or not doc.withholdings or not stub.gross or stub.gross <= 0 or not stub.pay_frequency:
        return []
    day = stub.pay_date or stub.period_end
    table = table or statutory()
    if not day or not _figures_trusted(doc, stub, table.tolerance.min_confidence):
        return []
    confirmed = _frequency_confirmed(stub, table)
    if confirmed is False:
        return []  # the pay period contradicts the frequency: one of them is misread
    kinds = {w.kind for w in doc.withholdings}
    paid = {w.kind for w in doc.withholdings if w.amount > 0}
    problems = [
        p
        for w in doc.withholdings
        if (confirmed or w.kind not in ("cpp", "qpp"))  # their exemption depends on the frequency
        and (p := _check(table, w, _table_kind(w.kind, kinds, paid, table), stub, day))
    ]
    if not problems:
        return []
    return [signal("withholding_mismatch", "medium", doc, " ".join(problems), table.wording.message)]


def _table_kind(kind: str, kinds: set[str], paid: set[str], table: Statutory) -> str | None:
    if kind == "ei":  # the lower Quebec rate unless the stub shows CPP (outside Quebec) and no QPP/QPIP
        return "ei" if "cpp" in kinds and not kinds & {"qpp", "qpip"} else "ei_quebec"
    if kind in ("cpp", "qpp") and f"{kind}2" in paid:
        return None  # a second contribution is paid: earnings are past the yearly maximum
    return kind if kind in table.wording.names else None


def _frequency_confirmed(stub: PayStub, table: Statutory) -> bool | None:
    """Whether the pay period's length fits the pay frequency; None without both period dates."""
    span = days_between(stub.period_start, stub.period_end)
    days = table.tolerance.period_days.get(stub.pay_frequency or "")
    if span is None or days is None:
        return None
    return days[0] <= span + 1 <= days[1]


def _figures_trusted(doc: DocumentFacts, stub: PayStub, min_confidence: float) -> bool:
    """A text layer's figures are exact; OCR's only when clearly read and gross − deductions = net
    (a misread gross would otherwise look like a raised one)."""
    if "gross" in doc.low_confidence_facts:
        return False
    source = doc.fact_sources.get("gross")
    if source is None or source.confidence >= 1.0:
        return True
    if source.confidence < min_confidence or None in (stub.gross, stub.deductions, stub.net):
        return False
    return abs((stub.gross or 0.0) - (stub.deductions or 0.0) - (stub.net or 0.0)) <= 0.05


def _check(table: Statutory, w: Withholding, kind: str | None, stub: PayStub, day: str) -> str | None:
    tol = table.tolerance
    assert stub.gross is not None and stub.pay_frequency is not None
    exp = expected_range(table, kind, day[:4], stub.gross, stub.pay_frequency) if kind else None
    if kind is None or exp is None or w.amount <= 0 or w.confidence < tol.min_confidence:
        return None
    if w.amount >= exp.low or w.amount < tol.min_ratio * exp.low:
        return None  # fits, or so far below that it is likely another column's figure
    if _maximum_may_be_reached(table, kind, w, stub, day):
        return None
    rules, words = table.years[day[:4]][kind], table.wording
    rate = f"{rules.rate * 100:.3f}".rstrip("0").rstrip(".")
    exempt = f" above the period's {money(exp.exemption)} exemption" if exp.exemption else ""
    return (
        f'"{w.label}" is {money(w.amount)}; on a gross pay of {money(stub.gross)} paid '
        f"{words.paid.get(stub.pay_frequency, stub.pay_frequency)}, {words.names[kind]} at {rate} %{exempt} "
        f"would be between {money(exp.low)} and {money(exp.high)}."
    )


def _maximum_may_be_reached(table: Statutory, kind: str, w: Withholding, stub: PayStub, day: str) -> bool:
    """Whether this year's maximum may have been reached by this pay (then 0 or a partial amount
    is right). Without a year-to-date gross, assume earlier pays were up to twice this one."""
    rules = table.years[day[:4]][kind]
    tol = table.tolerance
    if rules.max_earnings is None:
        return False
    if w.ytd is not None and rules.max_contribution is not None and w.ytd >= rules.max_contribution - tol.rounding:
        return True
    assert stub.gross is not None and stub.pay_frequency is not None
    if stub.ytd_gross is not None and stub.ytd_gross >= stub.gross:
        return stub.ytd_gross >= tol.max_reached_share * rules.max_earnings
    try:
        day_of_year = date.fromisoformat(day[:10]).timetuple().tm_yday
    except ValueError:
        return True
    pays = math.ceil(day_of_year * table.periods_per_year[stub.pay_frequency] / 365)
    return 2 * stub.gross * pays >= tol.max_reached_share * rules.max_earnings
