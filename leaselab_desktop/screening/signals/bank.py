"""Bank statements whose balances do not add up (summary or running balances)."""

from __future__ import annotations

import re

from leaselab_desktop.domain.models import Signal
from leaselab_desktop.screening.facts import BankStatement, DocumentFacts
from leaselab_desktop.screening.signals.common import money, signal

TOLERANCE = 0.015
# "Page 1 of 2", "page 1/2", and OCR's "Page1of2"
_PAGE_OF = re.compile(r"(?i)\bpage\s*(\d{1,3})\s*(?:of|/|de|sur)\s*(\d{1,3})\b")


def bank_balance_mismatch(doc: DocumentFacts) -> list[Signal]:
    st = doc.bank_statement
    if st is None:
        return []
    problems = (
        st.continuity_breaks + _summary(st)
        + _running(st, complete="text_truncated" not in doc.metadata and not _pages_missing(doc.text),
                   ocr="ocr_pages" in doc.metadata)
    )
    if not problems:
        return []
    return [
        signal(
            "bank_balance_mismatch", "high", doc, " ".join(problems[:3]),
            "The statement's balances do not add up; ask for a statement directly from the bank.",
        )
    ]


def _summary(st: BankStatement) -> list[str]:
    """Only when the statement prints both totals: totals rebuilt from rows that the parser may
    have missed would accuse a genuine statement."""
    deposits, withdrawals = st.total_deposits, st.total_withdrawals
    if None in (st.opening_balance, st.closing_balance, deposits, withdrawals):
        return []
    assert st.opening_balance is not None and st.closing_balance is not None
    assert deposits is not None and withdrawals is not None
    expected = round(st.opening_balance + deposits - withdrawals, 2)
    if abs(expected - st.closing_balance) <= TOLERANCE:
        return []
    return [
        f"Opening {money(st.opening_balance)} + deposits {money(deposits)} − withdrawals "
        f"{money(withdrawals)} = {money(expected)}, but the closing balance is "
        f"{money(st.closing_balance)}."
    ]


def _pages_missing(text: str) -> bool:
    """The statement says "Page N of M" and no page read says it is page M: a photo of page 1 of 2
    shows rows that continue on page 2, so its last row need not be the closing balance."""
    marks = [(int(n), int(m)) for n, m in _PAGE_OF.findall(text or "") if 0 < int(n) <= int(m)]
    return bool(marks) and max(n for n, _ in marks) < max(m for _, m in marks)


def _running(st: BankStatement, complete: bool = True, ocr: bool = False) -> list[str]:
    if st.opening_balance is None or not st.transactions:
        return []
    if any(bal is None for _, _, bal in st.transactions):
        return []  # statements without a balance column cannot be checked row by row
    out: list[str] = []
    previous = st.opening_balance
    for desc, amount, balance in st.transactions:
        assert balance is not None
        expected = round(previous + amount, 2)
        if ocr and abs(expected + balance) <= TOLERANCE and abs(balance) > TOLERANCE:
            # OCR drops a minus sign or the parentheses around a negative balance: the digits agree,
            # only the sign was not read, so the row adds up (and the next row starts from it)
            previous = expected
            continue
        if abs(expected - balance) > TOLERANCE:
            out.append(
                f'Row "{desc}": {money(previous)} {"+" if amount >= 0 else "−"} '
                f"{money(abs(amount))} = {money(expected)}, but the balance shows {money(balance)}."
            )
        previous = balance
    last = st.transactions[-1][2]
    if complete and st.closing_balance is not None and last is not None and (
        abs(last - st.closing_balance) > TOLERANCE
    ):
        out.append(
            f"The last running balance is {money(last)} but the closing balance is "
            f"{money(st.closing_balance)}."
        )
    return out
