"""Bank-statement facts from lines and cells: summary balances and totals, the statement period,
and the transaction table (Date | Description | Withdrawals | Deposits | Balance, or one signed
Amount column), across pages, with balances carried forward."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from leaselab_desktop.screening.documents.layout import vocab
from leaselab_desktop.screening.documents.layout.heads import address_name, full_name
from leaselab_desktop.screening.documents.layout.lines import Cell, Line
from leaselab_desktop.screening.documents.layout.pairing import (
    Found,
    find_amount,
    find_dates,
    find_text,
    split_label,
)
from leaselab_desktop.screening.documents.layout.text import (
    MONTH_NAMES,
    compact,
    dates_in,
    find_amounts,
    fold,
)
from leaselab_desktop.screening.documents.layout.text import find_dates as find_dates_at
from leaselab_desktop.screening.documents.parse_common import days_between
from leaselab_desktop.screening.facts import BankStatement, FactSource

_INCOME = re.compile(r"payroll|salary|directdep|wages|pension|paie|salaire|depotdirect|paycheque"
                     r"|paycheck|employer")
_INCOME_WORD = re.compile(r"\b(?:pay|dd|ei)\b", re.IGNORECASE)
_ASSISTANCE = re.compile(r"ontarioworks|odsp|ontworks|socialassistance|disabilitysupport"
                         r"|aidesociale|solidaritesociale")
_TOTALS = ("total", "subtotal", "soustotal", "totaux")
_MONEY_ROLES = ("debit", "credit", "amount", "balance")
_DAY_RE = re.compile(  # a day without its year at the start of a row: "Oct 02", "02/10", "2 oct."
    rf"^\s*(?:\d{{1,2}}[/-]\d{{1,2}}|(?:{MONTH_NAMES})\.?\s*\d{{1,2}}|\d{{1,2}}\s*(?:{MONTH_NAMES})\.?)\s+(?=\S)",
    re.IGNORECASE,
)
_EXPLICIT = re.compile(r"\+|(?<![a-z])cr(?![a-z])")


@dataclass
class Column:
    role: str  # date | desc | debit | credit | amount | balance
    x0: float
    x1: float


@dataclass
class BankReading:
    statement: BankStatement
    holder: str | None = None
    assistance_monthly: float | None = None
    sources: dict[str, FactSource] = field(default_factory=dict)


def read_bank(lines: Sequence[Line]) -> BankReading:
    st = BankStatement()
    out = BankReading(st)

    def amount(name: str, labels: tuple[str, ...], pages: set[int] | None = None) -> float | None:
        found = find_amount(lines, labels, pages=pages)
        if found is None or not isinstance(found.value, float):
            return None
        out.sources[name] = found.source()
        return found.value

    st.opening_balance = amount("opening_balance", vocab.OPENING)
    st.closing_balance = amount("closing_balance", vocab.CLOSING)
    deposits = amount("total_deposits", vocab.TOTAL_DEPOSITS)
    withdrawals = amount("total_withdrawals", vocab.TOTAL_WITHDRAWALS)
    st.total_deposits = abs(deposits) if deposits is not None else None
    st.total_withdrawals = abs(withdrawals) if withdrawals is not None else None
    period = _period(lines)
    if period is not None and isinstance(period.value, list):
        st.period_start, st.period_end = period.value[0], period.value[1]
        out.sources["period"] = period.source()
    st.transactions, st.continuity_breaks = _transactions(lines, st.opening_balance)
    if st.closing_balance is None and st.transactions and st.transactions[-1][2] is not None:
        st.closing_balance = st.transactions[-1][2]
    months = 1.0
    span = days_between(st.period_start, st.period_end)
    if span is not None and span > 0:
        months = max(round((span + 1) / 30.4), 1)
    income = sum(a for d, a, _ in st.transactions if a > 0 and _is_income(d))
    assistance = sum(a for d, a, _ in st.transactions if a > 0 and _ASSISTANCE.search(compact(d)))
    st.recurring_income_monthly = round(income / months, 2) if income else None
    out.assistance_monthly = round(assistance / months, 2) if assistance else None
    holder = find_text(lines, vocab.HOLDER, stop=vocab.STOPS, accept=full_name) or address_name(lines)
    if holder is not None and isinstance(holder.value, str):
        out.holder = holder.value
        out.sources["name"] = holder.source()
    return out


def _is_income(desc: str) -> bool:
    key = compact(desc)
    return bool(_INCOME.search(key) or _INCOME_WORD.search(desc)) and not _ASSISTANCE.search(key)


def _period(lines: Sequence[Line]) -> Found | None:
    found = find_dates(lines, vocab.STATEMENT_PERIOD)
    if found is not None and isinstance(found.value, list) and len(found.value) >= 2:
        return found
    for line in lines[:30]:  # "September 1 to September 30, 2026" printed without a label
        dates = dates_in(line.text)
        if len(dates) == 2 and dates[0] < dates[1] and not find_amounts(line.text):
            cell = line.cells[0]
            return Found(dates, cell, cell, "same line")
    return None


def _header(line: Line) -> list[Column] | None:
    cols: list[Column] = []
    for cell in line.cells:
        role = _col_role(cell.key)
        if role:
            cols.append(Column(role, cell.x0, cell.x1))
    roles = {c.role for c in cols}
    if "date" in roles and roles & {"amount", "balance", "debit", "credit"}:
        return cols
    return None


def _col_role(key: str) -> str | None:
    for role, names in (("date", vocab.COL_DATE), ("desc", vocab.COL_DESC),
                        ("debit", vocab.COL_DEBIT), ("credit", vocab.COL_CREDIT),
                        ("amount", vocab.COL_AMOUNT), ("balance", vocab.COL_BALANCE)):
        if key in names or any(key.startswith(n) and len(n) > 4 for n in names):
            return role
    return None


def _roles(cols: list[Column], cells: list[Cell]) -> list[str | None]:
    """Each amount's column: the money column it overlaps. When amounts do not line up (a row
    written as one run of text), the rightmost amounts take the rightmost money columns."""
    money = sorted((c for c in cols if c.role in _MONEY_ROLES), key=lambda c: c.x0)
    roles: list[str | None] = []
    for cell in cells:
        over = [c for c in money if min(c.x1, cell.x1 + 2) - max(c.x0, cell.x0 - 2) > 0]
        roles.append(over[0].role if len(over) == 1 else None)
    if None not in roles and len(set(roles)) == len(roles):
        return roles
    if len(cells) <= 2 and {c.role for c in money} & {"debit", "credit"} == set():
        tail = [c.role for c in money][-len(cells):] if cells else []
        roles = [None] * (len(cells) - len(tail)) + list(tail)
        if roles == [None, "balance"] and not any(c.role == "amount" for c in money):
            return ["amount", "balance"]  # OCR lost the Amount header: the figure before the balance
    return roles


def _text_column(cols: list[Column], cell: Cell) -> str | None:
    """The column a text cell sits in (the date column holds year-less dates like "Sep 03")."""
    over = [c for c in cols if min(c.x1, cell.x1) - max(c.x0, cell.x0) > 0]
    return over[0].role if len(over) == 1 else None


@dataclass
class _Row:
    desc: list[str]
    page: int = 0
    bottom: float = 0.0
    amount: float | None = None
    balance: float | None = None
    signed: bool = True  # False: an unsigned figure in a single Amount column
    unread: bool = False  # its amount cell holds digits that are no amount (OCR: "(34.8)", "1O4.50")


def _transactions(
    lines: Sequence[Line], opening: float | None
) -> tuple[list[tuple[str, float, float | None]], list[str]]:
    """The rows, and where a page does not continue from the one before (a balance carried or
    brought forward that is not the balance printed above it)."""
    rows: list[_Row] = []
    breaks: list[str] = []
    cols: list[Column] | None = None
    last: _Row | None = None
    now: tuple[float, int] | None = None  # the latest printed balance and its page
    for line in lines:
        header = _header(line)
        if header is not None:
            cols, last = header, None  # each page may repeat (or move) the header
            continue
        if cols is None:
            continue
        carried, kind = _carry(line)
        if carried is not None and kind == "opening" and rows:
            continue  # a summary box after the table repeats the opening balance
        if carried is not None:
            if now is not None and abs(now[0] - carried) > 0.015:
                where = f"page {line.page + 1} starts from" if line.page > now[1] else "carried forward"
                breaks.append(
                    f"Balance {where} {carried:,.2f}, but the balance before it (page {now[1] + 1}) "
                    f"is {now[0]:,.2f}."
                )
            now, last = (carried, line.page), None
            continue
        row = _read_row(line, cols)
        if row is not None:
            rows.append(row)
            last = row
            if row.balance is not None:
                now = (row.balance, line.page)
        elif (last is not None and not find_amounts(line.text) and line.page == last.page
              and line.top - last.bottom < 1.5 * line.height):
            last.desc.append(line.text)  # a description wrapped onto the next line
            last.bottom = line.bottom
        else:
            last = None
    return _signed(rows, opening), breaks


def _carry(line: Line) -> tuple[float | None, str]:
    """The balance on a carried/brought-forward line ("carried") or an opening line ("opening")."""
    text = next((c.text for c in line.cells if not c.amount_only and not dates_in(c.text)), "")
    kind = "carried" if text and split_label(text, vocab.CARRIED) is not None else (
        "opening" if text and split_label(text, vocab.OPENING) is not None else "")
    found = find_amounts(line.text) if kind else []
    return (found[-1][0], kind) if found else (None, "")


def _read_row(line: Line, cols: list[Column]) -> _Row | None:
    """A transaction row, or None for a line that is not one (totals, carried-forward lines,
    opening/closing lines, wrapped descriptions). Undated rows with an amount belong to the date
    above (many banks print a day's date once)."""
    row = _Row(desc=[], page=line.page, bottom=line.bottom)
    money: list[tuple[Cell, float]] = []
    for cell in (piece for c in line.cells for piece in c.pieces()):
        found = find_amounts(cell.text)
        dates = find_dates_at(cell.text)
        if found and not dates:
            money.append((cell, found[-1][0]))
        elif not dates and _text_column(cols, cell) in ("debit", "credit", "amount") and any(
            ch.isdigit() for ch in cell.text
        ):
            row.unread = True
        elif _text_column(cols, cell) != "date":
            text = cell.text[dates[-1][2]:] if dates else cell.text
            if text.strip():
                row.desc.append(text.strip())
    for (cell, value), role in zip(money, _roles(cols, [c for c, _ in money]), strict=True):
        if role == "balance":
            row.balance = value
        elif role in ("debit", "credit", "amount"):
            row.amount = -abs(value) if role == "debit" else abs(value) if role == "credit" else value
            row.signed = role != "amount" or value < 0 or bool(_EXPLICIT.search(fold(cell.text)))
    if row.amount is None and not (row.unread and row.balance is not None):
        return None  # opening / carried-forward / closing lines carry only a balance
    if row.desc:  # "Oct 02 PAYROLL …": the day without a year is the date column's, not the text's
        day = _DAY_RE.match(fold(row.desc[0]))  # folded: "déc." matches like "dec."
        row.desc[0] = row.desc[0][day.end():] if day else row.desc[0]
    first = row.desc[0] if row.desc else ""
    if compact(first).startswith(_TOTALS) or split_label(
        first, vocab.CARRIED + vocab.OPENING + vocab.CLOSING
    ):
        return None
    return row


def _signed(rows: list[_Row], opening: float | None) -> list[tuple[str, float, float | None]]:
    """Unsigned amounts in a single Amount column take their sign from the running balance. A row
    whose amount could not be read (OCR) but whose balance could takes the balance's change: the
    row is kept, so the rows after it are still checked against the right balance."""
    out: list[tuple[str, float, float | None]] = []
    previous = opening
    for row in rows:
        if row.amount is None:
            if previous is None or row.balance is None:
                previous = row.balance
                continue
            row.amount = row.balance - previous
        amount = row.amount
        if (not row.signed and row.balance is not None and previous is not None
                and abs(previous - amount - row.balance) < abs(previous + amount - row.balance)):
            amount = -amount
        out.append((" ".join(row.desc).strip(), round(amount, 2), row.balance))
        previous = row.balance if row.balance is not None else (
            None if previous is None else previous + amount
        )
    return out
