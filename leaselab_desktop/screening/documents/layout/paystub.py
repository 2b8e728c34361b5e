"""Pay-stub facts from lines and cells: gross, deductions, net, YTD gross, pay date, period,
frequency, employer and employee."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from leaselab_desktop.screening.documents.layout import vocab
from leaselab_desktop.screening.documents.layout.heads import address_name, full_name, letterhead
from leaselab_desktop.screening.documents.layout.lines import Line
from leaselab_desktop.screening.documents.layout.pairing import (
    Found,
    amount_at,
    find_amount,
    find_dates,
    find_text,
    split_label,
)
from leaselab_desktop.screening.documents.layout.text import compact, dates_in, find_amounts
from leaselab_desktop.screening.documents.layout.withholding import read_withholdings
from leaselab_desktop.screening.documents.parse_common import days_between
from leaselab_desktop.screening.facts import FactSource, PayStub, Withholding

_FREQ_WORDS = (  # compact words, most specific first ("biweekly" before "weekly")
    ("biweekly", ("biweekly", "everytwoweeks", "fortnightly", "auxdeuxsemaines", "bihebdomadaire",
                  "auxquinzejours")),
    ("semimonthly", ("semimonthly", "twiceamonth", "bimensuel", "semimensuel", "deuxfoisparmois")),
    ("weekly", ("weekly", "hebdomadaire", "chaquesemaine")),
    ("monthly", ("monthly", "mensuel", "mensuelle", "chaquemois")),
)


@dataclass
class StubReading:
    stub: PayStub
    employee: str | None = None
    itemised: bool = False
    sources: dict[str, FactSource] = field(default_factory=dict)
    withholdings: list[Withholding] = field(default_factory=list)


def read_paystub(lines: Sequence[Line]) -> StubReading:
    out = StubReading(PayStub())
    stub = out.stub

    def take(name: str, found: Found | None) -> float | str | list[str] | None:
        if found is None:
            return None
        out.sources[name] = found.source()
        return found.value

    gross = take("gross", find_amount(lines, vocab.GROSS))
    stub.gross = abs(gross) if isinstance(gross, float) else None
    net = take("net", find_amount(lines, vocab.NET))
    stub.net = abs(net) if isinstance(net, float) else None
    ytd = take("ytd_gross", find_amount(lines, vocab.GROSS, ytd=True))
    stub.ytd_gross = abs(ytd) if isinstance(ytd, float) else None
    ded = take("deductions", find_amount(lines, vocab.TOTAL_DEDUCTIONS))
    if isinstance(ded, float):
        stub.deductions = abs(ded)
    else:
        parts = _itemised(lines)
        if parts and not _partial_ocr(lines, stub.gross, stub.net, sum(parts)):
            stub.deductions, out.itemised = round(sum(parts), 2), True
    pay_date = take("pay_date", find_dates(lines, vocab.PAY_DATE))
    stub.pay_date = pay_date[0] if isinstance(pay_date, list) else None
    stub.period_start, stub.period_end = _period(lines, out)
    stub.pay_frequency = _frequency(lines, stub.period_start, stub.period_end)
    stops = vocab.STOPS
    employer = take("employer", find_text(lines, vocab.EMPLOYER, stop=stops) or letterhead(lines))
    stub.employer = employer if isinstance(employer, str) else None
    name = take("employee", find_text(lines, vocab.EMPLOYEE, stop=stops, accept=full_name) or address_name(lines))
    out.employee = name if isinstance(name, str) else None
    out.withholdings = read_withholdings(lines)
    return out


def _partial_ocr(lines: Sequence[Line], gross: float | None, net: float | None, itemised: float) -> bool:
    """OCR read the page and the deduction lines it recognised do not make gross minus net: a line
    whose label it misread is missing from the sum, so the sum says nothing (a text layer's labels
    are exact, and there a gap stays a finding)."""
    ocr = any(c.confidence < 1.0 for line in lines for c in line.cells)
    return ocr and gross is not None and net is not None and abs(gross - itemised - net) > 0.015


def _itemised(lines: Sequence[Line]) -> list[float]:
    """Current amounts of itemised deduction lines (each label once: the YTD table repeats them)."""
    seen: set[str] = set()
    out: list[float] = []
    for line in lines:
        for i, cell in enumerate(line.cells):
            split = split_label(cell.text, vocab.DEDUCTION_LINES)
            if split is None or split[1] or cell.key in seen:
                continue
            found = amount_at(lines, line, i, split[0], False, False)
            if found is not None and isinstance(found.value, float):
                seen.add(cell.key)
                out.append(abs(found.value))
    return out


def _period(lines: Sequence[Line], out: StubReading) -> tuple[str | None, str | None]:
    found = find_dates(lines, vocab.PERIOD)
    if found is not None and isinstance(found.value, list) and len(found.value) >= 2:
        out.sources["period"] = found.source()
        return found.value[0], found.value[1]
    start = find_dates(lines, vocab.PERIOD_START)
    end = find_dates(lines, vocab.PERIOD_END)
    s = start.value[0] if start is not None and isinstance(start.value, list) else None
    e = end.value[0] if end is not None and isinstance(end.value, list) else None
    return s, e


def _frequency(lines: Sequence[Line], start: str | None, end: str | None) -> str | None:
    labelled = find_text(lines, vocab.FREQUENCY)
    if labelled is not None and isinstance(labelled.value, str):
        word = _freq_word(compact(labelled.value))
        if word:
            return word
    if _half_month(start, end):
        return "semimonthly"  # 1st-15th or 16th-month end, whatever February makes of the span
    span = days_between(start, end)
    if span is not None:
        span += 1
        for name, low, high in (("weekly", 5, 8), ("biweekly", 13, 14), ("semimonthly", 15, 16),
                                ("monthly", 28, 31)):
            if low <= span <= high:
                return name
    return _freq_word(compact(" ".join(line.text for line in lines)))


def _half_month(start: str | None, end: str | None) -> bool:
    if not start or not end or start[:7] != end[:7]:
        return False
    try:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        return False
    month_end = (last.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return (first.day, last.day) in ((1, 15), (16, month_end.day))


def _freq_word(key: str) -> str | None:
    for name, words in _FREQ_WORDS:
        if any(w in key for w in words):
            return name
    return None


def has_figures(lines: Sequence[Line]) -> bool:
    return any(find_amounts(c.text) or dates_in(c.text) for line in lines for c in line.cells)
