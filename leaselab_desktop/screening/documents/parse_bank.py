"""Bank-statement figures: balances, totals, transactions with running balances, recurring income."""

from __future__ import annotations

import re

from leaselab_desktop.screening.documents.parse_common import (
    DATE_RE,
    all_dates,
    amounts,
    days_between,
    labelled,
    labelled_text,
    lines_of,
)
from leaselab_desktop.screening.facts import BankStatement

_OPENING = r"opening\s+balance|beginning\s+balance|previous\s+balance|balance\s+forward|starting\s+balance"
_CLOSING = r"closing\s+balance|ending\s+balance|new\s+balance|balance\s+at\s+end(?:\s+of\s+period)?"
_DEPOSITS = r"total\s+(?:deposits|credits)|deposits(?:\s+and\s+(?:other\s+)?credits)?(?:\s+total)?"
_WITHDRAWALS = (
    r"total\s+(?:withdrawals|debits)|withdrawals(?:\s+and\s+(?:other\s+)?debits)?(?:\s+total)?"
)
INCOME_RX = re.compile(
    r"payroll|salary|direct\s+dep|\bpay\b|wages|\bdd\b|employer|pension|\bei\b", re.IGNORECASE
)
ASSISTANCE_RX = re.compile(
    r"ontario\s+works|\bodsp\b|\bont\s+works\b|social\s+assistance|disability\s+support",
    re.IGNORECASE,
)
_SUMMARY_RX = re.compile(
    rf"^\s*(?:{_OPENING}|{_CLOSING}|{_DEPOSITS}|{_WITHDRAWALS}|page\b|sub-?total|total)",
    re.IGNORECASE,
)
_CREDIT_WORDS = re.compile(r"deposit|payroll|salary|credit|refund|transfer\s+in|interest", re.I)


def looks_like_bank_statement(text: str) -> bool:
    low = text.lower()
    hits = sum(
        1
        for k in ("opening balance", "closing balance", "statement period", "account statement",
                  "beginning balance", "ending balance", "account number", "transactions",
                  "bank statement", "withdrawals", "deposits")
        if k in low
    )
    return hits >= 2


def parse_bank_statement(text: str) -> tuple[BankStatement, str | None, float | None]:
    """The statement, the account holder's name, and public-assistance deposits per month."""
    lines = lines_of(text)
    st = BankStatement()
    hit = labelled(lines, _OPENING)
    st.opening_balance = hit[1][0] if hit else None
    hit = labelled(lines, _CLOSING)
    st.closing_balance = hit[1][0] if hit else None
    hit = labelled(lines, _DEPOSITS)
    st.total_deposits = abs(hit[1][0]) if hit else None
    hit = labelled(lines, _WITHDRAWALS)
    st.total_withdrawals = abs(hit[1][0]) if hit else None
    st.transactions = _transactions(lines, st.opening_balance)
    st.period_start, st.period_end = _period(lines)
    months = _months_covered(st.period_start, st.period_end)
    income = sum(a for d, a, _ in st.transactions if a > 0 and INCOME_RX.search(d))
    assistance = sum(a for d, a, _ in st.transactions if a > 0 and ASSISTANCE_RX.search(d))
    st.recurring_income_monthly = round(income / months, 2) if income else None
    name = labelled_text(lines, r"account\s+holder|name|customer|prepared\s+for|client")
    return st, name, (round(assistance / months, 2) if assistance else None)


def _transactions(
    lines: list[str], opening: float | None
) -> list[tuple[str, float, float | None]]:
    """Dated rows with amounts. When an undated line carrying amounts sits between them (a wrapped
    row the parser cannot place), running balances are dropped: they could not be checked fairly."""
    out: list[tuple[str, float, float | None]] = []
    previous = opening
    stray_at: list[int] = []
    row_at: list[int] = []
    for index, line in enumerate(lines):
        m = DATE_RE.match(line)
        rest = line[m.end():] if m else ""
        found = amounts(rest) if m else []
        if not m or not found or re.match(r"\s*(?:to|-|–)\s*\d", rest):
            if amounts(line) and not _SUMMARY_RX.match(line):
                stray_at.append(index)
            continue
        row_at.append(index)
        desc = _description(rest)
        balance: float | None = None
        if len(found) >= 2:
            amount, balance = found[-2], found[-1]
        else:
            amount = found[0]
        if amount > 0:  # unsigned: a debit or a credit; the running balance or the words decide
            if balance is not None and previous is not None:
                if abs(previous - amount - balance) < abs(previous + amount - balance):
                    amount = -amount
            elif not _CREDIT_WORDS.search(desc):
                amount = -amount
        out.append((desc, round(amount, 2), balance))
        previous = balance if balance is not None else (
            None if previous is None else previous + amount
        )
    if row_at and any(row_at[0] < i < row_at[-1] for i in stray_at):
        out = [(d, a, None) for d, a, _ in out]
    return out


def _description(rest: str) -> str:
    cut = re.split(r"\s[-−(]?\s?\$?\d[\d,]*\.\d{2}", " " + rest, maxsplit=1)[0]
    return cut.strip(" :|")


def _period(lines: list[str]) -> tuple[str | None, str | None]:
    for line in lines:
        if re.match(r"^\s*(?:statement\s+)?period|^\s*statement\s+(?:dates|from)", line, re.I):
            found = all_dates(line)
            if len(found) >= 2:
                return found[0], found[1]
    return None, None


def _months_covered(start: str | None, end: str | None) -> float:
    span = days_between(start, end)
    if span is not None and span > 0:
        return max(round((span + 1) / 30.4), 1)
    return 1.0
