"""Pay-stub figures from extracted text: gross, deductions, net, YTD, period, frequency."""

from __future__ import annotations

import re

from leaselab_desktop.screening.documents.parse_common import (
    all_dates,
    amounts,
    days_between,
    labelled,
    labelled_text,
    lines_of,
    parse_date,
)
from leaselab_desktop.screening.facts import PayStub

PERIODS_PER_YEAR = {"weekly": 52, "biweekly": 26, "semimonthly": 24, "monthly": 12}

_GROSS = r"(?:total\s+)?gross(?:\s+(?:pay|earnings|income|wages|amount))?|total\s+earnings"
_NET = r"net(?:\s+(?:pay|amount|earnings|deposit|income))?|take[- ]home(?:\s+pay)?|amount\s+deposited"
_TOTAL_DED = (
    r"total\s+(?:taxes\s+and\s+)?deductions|deductions\s+total|total\s+withholdings|deductions"
)
_DED_LINES = (
    r"(?:federal|provincial|income)\s+tax|tax\s+withheld|cpp2?|qpp|ei|employment\s+insurance"
    r"|rrsp|pension|union\s+dues|group\s+benefits|benefits|health|dental"
)
_YTD = re.compile(r"\b(?:ytd|year[- ]to[- ]date)\b", re.IGNORECASE)
_FREQ_WORDS = [
    ("biweekly", r"bi-?weekly|every\s+two\s+weeks|fortnightly"),
    ("semimonthly", r"semi-?monthly|twice\s+a\s+month"),
    ("weekly", r"\bweekly\b"),
    ("monthly", r"\bmonthly\b"),
]


def looks_like_paystub(text: str) -> bool:
    low = text.lower()
    hits = sum(
        1
        for k in ("net pay", "gross pay", "earnings statement", "pay stub", "paystub", "pay period",
                  "deductions", "pay date", "ytd", "year to date", "take home")
        if k in low
    )
    return hits >= 2


def parse_paystub(text: str) -> tuple[PayStub, str | None]:
    """The pay stub and the employee name printed on it (or None)."""
    stub, name, _ = parse_paystub_detail(text)
    return stub, name


def parse_paystub_detail(text: str) -> tuple[PayStub, str | None, bool]:
    """As ``parse_paystub`` plus whether deductions were summed from itemised lines (no total
    printed), which makes the arithmetic check less certain."""
    lines = lines_of(text)
    stub = PayStub()
    body: list[str] = []  # each line cut before its YTD column ("Net Pay: 3,150.00  YTD: 60,000.00")
    for line in lines:
        m = _YTD.search(line)
        if m is None:
            body.append(line)
            continue
        pre, post = line[: m.start()], line[m.end():]
        if pre.strip():
            body.append(pre)
        if stub.ytd_gross is None and re.search(r"gross|earnings", line, re.IGNORECASE):
            found = amounts(post) or amounts(line)
            if found:
                stub.ytd_gross = abs(found[0] if amounts(post) else found[-1])
    hit = labelled(body, _GROSS)
    if hit:
        stub.gross = abs(hit[1][0])
        if len(hit[1]) >= 2 and stub.ytd_gross is None:
            stub.ytd_gross = abs(hit[1][1])  # "Gross Pay  4,250.00  51,000.00" (current, YTD)
    hit = labelled(body, _NET)
    if hit:
        stub.net = abs(hit[1][0])
    itemised = False
    hit = labelled(body, _TOTAL_DED)
    if hit:
        stub.deductions = abs(hit[1][0])
    else:
        parts = _deduction_lines(body)
        if parts:
            stub.deductions = round(sum(parts), 2)
            itemised = True
    stub.pay_date = _date_after(lines, r"pay\s*date|date\s+paid|payment\s+date|cheque\s+date|deposit\s+date")
    stub.period_start, stub.period_end = _period(lines)
    stub.pay_frequency = _frequency(text, stub.period_start, stub.period_end)
    stub.employer = labelled_text(lines, r"employer(?:\s+name)?|company(?:\s+name)?")
    name = labelled_text(lines, r"employee(?:\s+name)?|name|pay\s+to(?:\s+the\s+order\s+of)?")
    return stub, name, itemised


def _deduction_lines(lines: list[str]) -> list[float]:
    rx = re.compile(rf"^\s*(?:{_DED_LINES})\b", re.IGNORECASE)
    out = []
    for line in lines:
        if rx.match(line) and not _YTD.search(line):
            found = amounts(line)
            if found:
                out.append(abs(found[0]))
    return out


def _date_after(lines: list[str], pattern: str) -> str | None:
    rx = re.compile(rf"^\s*(?:{pattern})\b", re.IGNORECASE)
    for line in lines:
        if rx.match(line):
            found = parse_date(line)
            if found:
                return found
    return None


def _period(lines: list[str]) -> tuple[str | None, str | None]:
    rx = re.compile(r"^\s*(?:pay\s+)?period\b", re.IGNORECASE)
    for line in lines:
        if rx.match(line):
            found = all_dates(line)
            if len(found) >= 2:
                return found[0], found[1]
    start = _date_after(lines, r"period\s+(?:start|begin(?:ning)?)|from")
    end = _date_after(lines, r"period\s+end(?:ing)?|to")
    return start, end


def _frequency(text: str, start: str | None, end: str | None) -> str | None:
    low = text.lower()
    for name, rx in _FREQ_WORDS:
        if re.search(rx, low):
            return name
    span = days_between(start, end)
    if span is None:
        return None
    span += 1
    if span <= 8:
        return "weekly"
    if 13 <= span <= 14:
        return "biweekly"
    if 15 <= span <= 16:
        return "semimonthly"
    if 28 <= span <= 31:
        return "monthly"
    return None


def monthly_from_stub(stub: PayStub) -> float | None:
    if stub.gross is None or stub.pay_frequency not in PERIODS_PER_YEAR:
        return None
    return round(stub.gross * PERIODS_PER_YEAR[stub.pay_frequency] / 12, 2)
