"""Document layouts: which labels, tables and date/number styles a pay stub, statement or letter uses.

Each layout mimics a family of real documents (payroll exports, bank e-statements, HR letters):
labels and amounts in separate cells, Earnings | Rate | Hours | Current | YTD grids, values under
their headers, French-Canadian wording and numbers. None is derived from resources/demo.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from .data import DEDUCTION_LABELS, EARNING_LABELS, Person, Statement, Stub, fr_date, money
from .render import Doc, PageBreak, Space, Table, Text

FREQ_EN = {"weekly": "Weekly", "biweekly": "Bi-Weekly", "semimonthly": "Semi-Monthly", "monthly": "Monthly"}
FREQ_FR = {
    "weekly": "Hebdomadaire",
    "biweekly": "Aux deux semaines",
    "semimonthly": "Bimensuelle",
    "monthly": "Mensuelle",
}


def _stamp(day: date, days: int, hour: int) -> datetime:
    """When the issuer's software made the file: payroll runs before pay day, statements the night
    after the period, letters on the day they are signed."""
    return datetime.combine(day + timedelta(days=days), time(hour, 0))


def _long(day: date) -> str:
    return day.strftime("%B %-d, %Y")


def _us(day: date) -> str:
    return day.strftime("%m/%d/%Y")


def _addr(p: Person) -> list[str]:
    return [p.street, f"{p.city}, {p.region}  {p.postal}"]


def _earn_rows(s: Stub, style: str, *, rate_hours: bool = True) -> list[list[str]]:
    rows = []
    for line in s.earnings:
        label = EARNING_LABELS[s.lang][line.label]
        cur = money(line.current, style) if line.current else ""
        rate = money(line.rate, style) if line.rate is not None else ""
        hrs = f"{line.hours:.2f}".replace(".", "," if style == "fr" else ".") if line.hours is not None else ""
        rows.append(
            [label, rate, hrs, cur, money(line.ytd, style)] if rate_hours else [label, cur, money(line.ytd, style)]
        )
    return rows


def _ded_rows(s: Stub, style: str) -> list[list[str]]:
    return [[DEDUCTION_LABELS[s.lang][x.label], money(x.current, style), money(x.ytd, style)] for x in s.deductions]


# --- pay stubs -------------------------------------------------------------------------------------


def stub_ca_grid(s: Stub) -> Doc:
    """Canadian payroll-service style: info grid, Earnings | Rate | Hours | Current | YTD, totals under headers."""
    e, p = s.employer, s.employee
    blocks = [
        Text([e.name], size=14, bold=True),
        Text([e.street, f"{e.city} {e.region} {e.postal}"], size=8.5),
        Space(6),
        Text(["EARNINGS STATEMENT"], size=11, bold=True, align="right"),
        Table(
            [
                ["Employee", p.name, "Pay Date", s.pay_date.isoformat()],
                [
                    "Employee ID",
                    s.employee_id,
                    "Pay Period",
                    f"{s.period_start.isoformat()} - {s.period_end.isoformat()}",
                ],
                [
                    "Pay Frequency",
                    FREQ_EN[s.frequency],
                    "Cheque/Advice No.",
                    f"DD{s.employee_id[-3:]}{s.period_index:03d}",
                ],
            ],
            [0.18, 0.32, 0.2, 0.3],
            align="llll",
            header=0,
        ),
        Space(6),
        Table(
            [
                ["Earnings", "Rate", "Hours", "Current", "YTD"],
                *_earn_rows(s, "en"),
                ["Gross Pay", "", "", money(s.gross), money(s.ytd_gross)],
            ],
            [0.34, 0.14, 0.12, 0.2, 0.2],
            bold_rows=[-1],
        ),
        Table(
            [
                ["Deductions", "Current", "YTD"],
                *_ded_rows(s, "en"),
                ["Total Deductions", money(s.total_deductions), money(s.ytd_deductions)],
            ],
            [0.6, 0.2, 0.2],
            bold_rows=[-1],
        ),
        Space(4),
        Table(
            [
                ["Gross Pay", "Total Deductions", "Net Pay", "YTD Net Pay"],
                [money(s.gross), money(s.total_deductions), money(s.net), money(s.ytd_net)],
            ],
            [0.25, 0.25, 0.25, 0.25],
            align="rrrr",
        ),
        Text([f"Deposited to account ****{s.employee_id[-4:]}. Please retain for your records."], size=7.5),
    ]
    return Doc(blocks, created=_stamp(s.pay_date, -2, 14), title="Earnings Statement", author=e.name)


def stub_us_keyvalue(s: Stub) -> Doc:
    """US small-business payroll: a key/value column, Earnings | Hours | Rate | This Period | Year to Date."""
    e, p = s.employer, s.employee
    earn = [[r[0], r[2], r[1], r[3], r[4]] for r in _earn_rows(s, "en")]
    blocks = [
        Text([e.name.upper()], size=13, bold=True),
        Text([*_addr_e(e)], size=8.5),
        Space(8),
        Table(
            [
                ["Employee Name", p.name],
                ["Address", f"{p.street}, {p.city}, {p.region} {p.postal}"],
                ["Employee Number", s.employee_id],
                ["Check Date", _us(s.pay_date)],
                ["Period Beginning", _us(s.period_start)],
                ["Period Ending", _us(s.period_end)],
                ["Pay Frequency", FREQ_EN[s.frequency]],
            ],
            [0.3, 0.7],
            align="ll",
            header=0,
            grid=False,
        ),
        Space(6),
        Table(
            [["Earnings", "Hours", "Rate", "This Period", "Year to Date"], *earn],
            [0.32, 0.12, 0.14, 0.21, 0.21],
            grid=False,
        ),
        Table(
            [["Taxes & Deductions", "This Period", "Year to Date"], *_ded_rows(s, "en")], [0.58, 0.21, 0.21], grid=False
        ),
        Space(6),
        Table(
            [
                ["Gross Pay", money(s.gross, symbol=True)],
                ["Total Taxes & Deductions", money(s.total_deductions, symbol=True)],
                ["Net Pay", money(s.net, symbol=True)],
                ["YTD Gross", money(s.ytd_gross, symbol=True)],
            ],
            [0.7, 0.3],
            header=0,
            bold_rows=[2],
        ),
    ]
    return Doc(blocks, created=_stamp(s.pay_date, -2, 14), title="Pay Stub", author="QuickPay")


def _addr_e(e: object) -> list[str]:
    return [e.street, f"{e.city}, {e.region} {e.postal}"]  # type: ignore[attr-defined]


def stub_ca_docx(s: Stub) -> Doc:
    """Word template an office manager fills in: vertical label | value table, Description | Hours | Rate | Amount."""
    e, p = s.employer, s.employee
    earn = [[r[0], r[2], r[1], r[3], r[4]] for r in _earn_rows(s, "en")]
    blocks = [
        Text([e.name], size=15, bold=True, align="center"),
        Text(_addr_e(e), size=8.5, align="center"),
        Space(6),
        Text(["Pay Statement"], size=12, bold=True),
        Table(
            [
                ["Employee name:", p.name],
                ["Employee #:", s.employee_id],
                ["Pay date:", _long(s.pay_date)],
                ["Pay period:", f"{_long(s.period_start)} to {_long(s.period_end)}"],
                ["Pay schedule:", FREQ_EN[s.frequency]],
            ],
            [0.28, 0.72],
            align="ll",
            header=0,
        ),
        Space(6),
        Table(
            [
                ["Description", "Hours", "Rate", "Amount", "Year-to-Date"],
                *earn,
                ["Total Gross", "", "", money(s.gross), money(s.ytd_gross)],
            ],
            [0.32, 0.12, 0.14, 0.21, 0.21],
            bold_rows=[-1],
        ),
        Space(4),
        Table(
            [
                ["Deduction", "Amount", "Year-to-Date"],
                *_ded_rows(s, "en"),
                ["Total Deductions", money(s.total_deductions), money(s.ytd_deductions)],
            ],
            [0.58, 0.21, 0.21],
            bold_rows=[-1],
        ),
        Space(4),
        Table([["Net Pay", f"${money(s.net)}"]], [0.79, 0.21], header=0, bold_rows=[0]),
    ]
    return Doc(blocks, created=_stamp(s.pay_date, -2, 14), title="Pay Statement", author="Office")


def stub_us_xlsx(s: Stub) -> Doc:
    """Spreadsheet payroll register: earnings and deductions side by side, totals in their own cells."""
    e, p = s.employer, s.employee
    ded = _ded_rows(s, "en")
    earn = _earn_rows(s, "en", rate_hours=False)
    n = max(len(ded), len(earn))
    side = [(earn[i] if i < len(earn) else ["", "", ""]) + (ded[i] if i < len(ded) else ["", "", ""]) for i in range(n)]
    blocks = [
        Text([e.name], size=13, bold=True),
        Text([f"Payroll advice - {FREQ_EN[s.frequency]} payroll"]),
        Space(),
        Table(
            [
                ["Employee", "ID", "Pay date", "Period start", "Period end"],
                [p.name, s.employee_id, s.pay_date.isoformat(), s.period_start.isoformat(), s.period_end.isoformat()],
            ],
            [0.3, 0.12, 0.18, 0.2, 0.2],
            align="lllll",
        ),
        Space(),
        Table(
            [["Earnings", "Current", "YTD", "Deductions", "Current", "YTD"], *side],
            [0.18, 0.13, 0.15, 0.26, 0.13, 0.15],
            align="lrrlrr",
        ),
        Space(),
        Table(
            [
                ["Gross Pay", "Deductions", "Net Pay", "YTD Gross", "YTD Net"],
                [money(s.gross), money(s.total_deductions), money(s.net), money(s.ytd_gross), money(s.ytd_net)],
            ],
            [0.2, 0.2, 0.2, 0.2, 0.2],
            align="rrrrr",
        ),
    ]
    return Doc(blocks, created=_stamp(s.pay_date, -2, 14), title="Payroll advice", author="Payroll")


def stub_qc_fr(s: Stub) -> Doc:
    """Relevé de paie québécois: Gains | Taux | Heures | Montant | Cumul annuel, amounts as 1 234,56 $."""
    e, p = s.employer, s.employee
    blocks = [
        Text([e.name], size=14, bold=True),
        Text(_addr_e(e), size=8.5),
        Space(6),
        Text(["RELEVÉ DE PAIE"], size=12, bold=True, align="center"),
        Table(
            [
                ["Employé(e)", p.name, "Date de paie", fr_date(s.pay_date)],
                [
                    "Matricule",
                    s.employee_id,
                    "Période",
                    f"du {s.period_start.isoformat()} au {s.period_end.isoformat()}",
                ],
                ["Fréquence", FREQ_FR[s.frequency], "Mode", "Dépôt direct"],
            ],
            [0.16, 0.34, 0.16, 0.34],
            align="llll",
            header=0,
        ),
        Space(6),
        Table(
            [["Gains", "Taux", "Heures", "Montant", "Cumul annuel"], *_earn_rows(s, "fr")], [0.34, 0.14, 0.12, 0.2, 0.2]
        ),
        Table([["Retenues", "Montant", "Cumul annuel"], *_ded_rows(s, "fr")], [0.6, 0.2, 0.2]),
        Space(6),
        Table(
            [
                ["Salaire brut", money(s.gross, "fr", symbol=True)],
                ["Total des retenues", money(s.total_deductions, "fr", symbol=True)],
                ["Salaire net", money(s.net, "fr", symbol=True)],
                ["Brut cumulatif", money(s.ytd_gross, "fr", symbol=True)],
            ],
            [0.7, 0.3],
            header=0,
            bold_rows=[2],
        ),
    ]
    return Doc(blocks, created=_stamp(s.pay_date, -2, 14), title="Relevé de paie", author=e.name, letter=False)


def stub_us_html(s: Stub) -> Doc:
    """Payroll-provider web statement printed to PDF: statutory and voluntary deductions, summary box."""
    e, p = s.employer, s.employee
    stat = [r for r, x in zip(_ded_rows(s, "en"), s.deductions, strict=True) if x.label != "401K"]
    vol = [r for r, x in zip(_ded_rows(s, "en"), s.deductions, strict=True) if x.label == "401K"]
    blocks = [
        Text([e.name], size=14, bold=True),
        Text(["Statement of Earnings and Deductions"], size=10),
        Space(4),
        Table(
            [
                ["Employee", "Employee ID", "Check Date", "Pay Period"],
                [
                    p.name,
                    s.employee_id,
                    s.pay_date.strftime("%b %d, %Y"),
                    f"{s.period_start.strftime('%b %d')} - {s.period_end.strftime('%b %d, %Y')}",
                ],
            ],
            [0.3, 0.18, 0.22, 0.3],
            align="llll",
        ),
        Text([f"Pay frequency: {FREQ_EN[s.frequency]}"], size=8.5),
        Table(
            [["Earnings", "Rate", "Hours", "This Period", "Year to Date"], *_earn_rows(s, "en")],
            [0.34, 0.14, 0.12, 0.2, 0.2],
            grid=False,
        ),
        Table([["Statutory Deductions", "This Period", "Year to Date"], *stat], [0.6, 0.2, 0.2], grid=False),
        Table([["Voluntary Deductions", "This Period", "Year to Date"], *vol], [0.6, 0.2, 0.2], grid=False),
        Table(
            [
                ["", "This Period", "Year to Date"],
                ["Gross Pay", money(s.gross, symbol=True), money(s.ytd_gross, symbol=True)],
                ["Total Deductions", money(s.total_deductions, symbol=True), money(s.ytd_deductions, symbol=True)],
                ["Net Pay", money(s.net, symbol=True), money(s.ytd_net, symbol=True)],
            ],
            [0.6, 0.2, 0.2],
            bold_rows=[-1],
        ),
        Text([p.name, *_addr(p)], size=8.5),
    ]
    return Doc(blocks, created=_stamp(s.pay_date, -2, 14), title="Earnings Statement", author="")


def stub_ca_qt_weekly(s: Stub) -> Doc:
    """One combined table, deductions as negative lines, NET PAY as the last row (hourly, weekly)."""
    e, p = s.employer, s.employee
    rows = [["Description", "Hours", "Rate", "Current", "YTD"]]
    rows += [[r[0], r[2], r[1], r[3], r[4]] for r in _earn_rows(s, "en")]
    rows.append(["GROSS EARNINGS", "", "", money(s.gross), money(s.ytd_gross)])
    rows += [
        [
            x.label if x.label in ("CPP", "EI") else DEDUCTION_LABELS["en"][x.label],
            "",
            "",
            money(-x.current),
            money(-x.ytd),
        ]
        for x in s.deductions
    ]
    rows.append(["TOTAL DEDUCTIONS", "", "", money(-s.total_deductions), money(-s.ytd_deductions)])
    rows.append(["NET PAY", "", "", money(s.net), money(s.ytd_net)])
    blocks = [
        Text(["PAY ADVICE"], size=13, bold=True),
        Text([e.name, *_addr_e(e)], size=8.5),
        Space(),
        Table(
            [
                ["Employee", "Emp. No.", "Period Ending", "Pay Date", "Frequency"],
                [p.name, s.employee_id, s.period_end.isoformat(), s.pay_date.isoformat(), FREQ_EN[s.frequency]],
            ],
            [0.28, 0.14, 0.2, 0.2, 0.18],
            align="lllll",
        ),
        Space(),
        Table(rows, [0.36, 0.12, 0.12, 0.2, 0.2], bold_rows=[len(s.earnings) + 1, -2, -1]),
    ]
    return Doc(blocks, created=_stamp(s.pay_date, -2, 14), title="Pay Advice", author="Payroll")


def stub_qc_fr_docx(s: Stub) -> Doc:
    """Talon de paie (Word): Brut | Retenues | Net | Cumul brut headers with the values in the row below."""
    e, p = s.employer, s.employee
    blocks = [
        Text([e.name], size=13, bold=True),
        Text(_addr_e(e), size=8.5),
        Space(6),
        Text(["Talon de paie"], size=12, bold=True),
        Table(
            [
                ["Nom de l'employé", "No d'employé", "Date du dépôt", "Période de paie"],
                [
                    p.name,
                    s.employee_id,
                    s.pay_date.isoformat(),
                    f"{s.period_start.isoformat()} au {s.period_end.isoformat()}",
                ],
            ],
            [0.3, 0.16, 0.18, 0.36],
            align="llll",
        ),
        Text([f"Fréquence de paie : {FREQ_FR[s.frequency]}"], size=8.5),
        Space(4),
        Table(
            [["Description", "Montant", "Cumulatif"], *_earn_rows(s, "fr", rate_hours=False), *_ded_rows(s, "fr")],
            [0.6, 0.2, 0.2],
        ),
        Space(4),
        Table(
            [
                ["Brut", "Retenues", "Net", "Cumul brut"],
                [
                    money(s.gross, "fr", symbol=True),
                    money(s.total_deductions, "fr", symbol=True),
                    money(s.net, "fr", symbol=True),
                    money(s.ytd_gross, "fr", symbol=True),
                ],
            ],
            [0.25, 0.25, 0.25, 0.25],
            align="rrrr",
        ),
    ]
    return Doc(blocks, created=_stamp(s.pay_date, -2, 14), title="Talon de paie", author="Paie", letter=False)


# --- bank statements -------------------------------------------------------------------------------


def _split(st: Statement) -> tuple[list, list]:
    n = st.page_break_after or len(st.txns)
    return list(st.txns[:n]), list(st.txns[n:])


def bank_ca_5col(st: Statement) -> Doc:
    """Date | Description | Withdrawals | Deposits | Balance; balance carried forward to page 2."""
    h = st.holder
    p1, p2 = _split(st)

    def rows(txns: list) -> list[list[str]]:
        return [
            [
                t.day.strftime("%b %d"),
                t.description,
                money(-t.amount) if t.amount < 0 else "",
                money(t.amount) if t.amount > 0 else "",
                money(t.balance),
            ]
            for t in txns
        ]

    head = ["Date", "Description", "Withdrawals ($)", "Deposits ($)", "Balance ($)"]
    w = [0.1, 0.42, 0.16, 0.16, 0.16]
    blocks: list = [
        Text([st.bank], size=14, bold=True),
        Text(["Chequing Account Statement"], size=10),
        Table(
            [
                ["Account holder", h.name, "Account number", st.account],
                ["Statement period", f"{_long(st.start)} to {_long(st.end)}", "Branch", "00412"],
            ],
            [0.17, 0.38, 0.17, 0.28],
            align="llll",
            header=0,
            grid=False,
        ),
        Text([h.name, *_addr(h)], size=8.5),
        Space(),
        Table(
            [
                head,
                ["", "Opening balance", "", "", money(st.opening)],
                *rows(p1),
                *([["", "Balance carried forward", "", "", money(p1[-1].balance)]] if p2 else []),
            ],
            w,
            align="llrrr",
        ),
    ]
    if p2:
        fwd = p2[0].balance - p2[0].amount
        blocks += [
            PageBreak(),
            Text([f"{st.bank} - {h.name} - {st.account} - page 2"], size=8),
            Table([head, ["", "Balance forward", "", "", money(fwd)], *rows(p2)], w, align="llrrr"),
        ]
    blocks += [
        Space(),
        Table(
            [
                ["Opening balance", money(st.opening)],
                ["Total deposits", money(st.deposits)],
                ["Total withdrawals", money(st.withdrawals)],
                ["Closing balance", money(st.closing)],
            ],
            [0.75, 0.25],
            header=0,
            bold_rows=[-1],
        ),
    ]
    return Doc(blocks, created=_stamp(st.end, 1, 3), title="Account Statement", author=st.bank)


def bank_us_signed(st: Statement) -> Doc:
    """Online-banking export: one signed Amount column, MM/DD/YYYY dates."""
    h = st.holder
    p1, p2 = _split(st)

    def rows(txns: list) -> list[list[str]]:
        return [[_us(t.day), t.description, money(t.amount), money(t.balance)] for t in txns]

    blocks: list = [
        Text([st.bank], size=13, bold=True),
        Text([f"Checking Account Activity  {_us(st.start)} - {_us(st.end)}"]),
        Table(
            [
                ["Account Owner", "Account", "Beginning Balance", "Ending Balance"],
                [h.name, st.account, money(st.opening, symbol=True), money(st.closing, symbol=True)],
            ],
            [0.3, 0.2, 0.25, 0.25],
            align="llrr",
        ),
        Space(),
        Table([["Date", "Description", "Amount", "Balance"], *rows(p1)], [0.14, 0.5, 0.18, 0.18], align="llrr"),
    ]
    if p2:
        blocks += [
            PageBreak(),
            Table([["Date", "Description", "Amount", "Balance"], *rows(p2)], [0.14, 0.5, 0.18, 0.18], align="llrr"),
        ]
    return Doc(blocks, created=_stamp(st.end, 1, 3), title="Account Activity", author=st.bank)


def bank_ca_crdr(st: Statement) -> Doc:
    """Credit-union statement: amounts and balances with CR/DR suffixes, BALANCE FORWARD on page 2."""
    h = st.holder
    p1, p2 = _split(st)

    def rows(txns: list) -> list[list[str]]:
        return [[t.day.isoformat(), t.description, money(t.amount, "crdr"), money(t.balance, "crdr")] for t in txns]

    head = ["Date", "Particulars", "Amount", "Balance"]
    w = [0.15, 0.49, 0.18, 0.18]
    blocks: list = [
        Text([st.bank], size=13, bold=True),
        Text([f"Member: {h.name}", *_addr(h)], size=9),
        Text([f"Account {st.account}   Statement from {st.start.isoformat()} to {st.end.isoformat()}"], size=9),
        Space(),
        Table([head, ["", "OPENING BALANCE", "", money(st.opening, "crdr")], *rows(p1)], w, align="llrr"),
    ]
    if p2:
        fwd = p2[0].balance - p2[0].amount
        blocks += [
            PageBreak(),
            Table([head, ["", "BALANCE FORWARD", "", money(fwd, "crdr")], *rows(p2)], w, align="llrr"),
        ]
    blocks += [Table([["CLOSING BALANCE", money(st.closing, "crdr")]], [0.64, 0.36], header=0, bold_rows=[0])]
    return Doc(blocks, created=_stamp(st.end, 1, 3), title="Statement", author=st.bank)


def bank_us_paren(st: Statement) -> Doc:
    """Bank e-statement: summary box first, withdrawals in parentheses, balance carried forward."""
    h = st.holder
    p1, p2 = _split(st)

    def rows(txns: list) -> list[list[str]]:
        return [
            [t.day.strftime("%m/%d"), t.description, money(t.amount, "paren"), money(t.balance, "paren")] for t in txns
        ]

    head = ["Date", "Description", "Amount", "Balance"]
    w = [0.1, 0.54, 0.18, 0.18]
    blocks: list = [
        Text([st.bank], size=14, bold=True),
        Text([h.name, *_addr(h)]),
        Text([f"Statement Period {_us(st.start)} through {_us(st.end)}", f"Account Number {st.account}"]),
        Table(
            [
                ["Account Summary", ""],
                ["Beginning Balance", money(st.opening, "paren", symbol=True)],
                ["Deposits and Other Credits", money(st.deposits, "paren", symbol=True)],
                ["Withdrawals and Other Debits", money(-st.withdrawals, "paren", symbol=True)],
                ["Ending Balance", money(st.closing, "paren", symbol=True)],
            ],
            [0.7, 0.3],
            bold_rows=[-1],
        ),
        Text(["Transaction Detail"], size=11, bold=True),
        Table(
            [head, *rows(p1), *([["", "Balance carried forward", "", money(p1[-1].balance, "paren")]] if p2 else [])],
            w,
            grid=False,
            align="llrr",
        ),
    ]
    if p2:
        fwd = p2[0].balance - p2[0].amount
        blocks += [
            PageBreak(),
            Text([f"{h.name}  Account {st.account}  (continued)"], size=8),
            Table(
                [head, ["", "Balance brought forward", "", money(fwd, "paren")], *rows(p2)], w, grid=False, align="llrr"
            ),
        ]
    return Doc(blocks, created=_stamp(st.end, 1, 3), title="Statement", author=st.bank)


def bank_qc_fr(st: Statement) -> Doc:
    """Relevé de compte (Word): Date | Description | Retraits | Dépôts | Solde, numbers 1 234,56."""
    h = st.holder
    p1, p2 = _split(st)

    def rows(txns: list) -> list[list[str]]:
        return [
            [
                t.day.strftime("%d/%m"),
                t.description,
                money(-t.amount, "fr") if t.amount < 0 else "",
                money(t.amount, "fr") if t.amount > 0 else "",
                money(t.balance, "fr"),
            ]
            for t in txns
        ]

    head = ["Date", "Description", "Retraits", "Dépôts", "Solde"]
    w = [0.1, 0.45, 0.15, 0.15, 0.15]
    blocks: list = [
        Text([st.bank], size=14, bold=True),
        Text(["Relevé de compte - Compte chèques"], size=10),
        Table(
            [["Titulaire", h.name], ["Folio", st.account], ["Période", f"du {fr_date(st.start)} au {fr_date(st.end)}"]],
            [0.25, 0.75],
            align="ll",
            header=0,
        ),
        Space(),
        Table([head, ["", "Solde d'ouverture", "", "", money(st.opening, "fr")], *rows(p1)], w, align="llrrr"),
    ]
    if p2:
        fwd = p2[0].balance - p2[0].amount
        blocks += [
            PageBreak(),
            Table([head, ["", "Solde reporté", "", "", money(fwd, "fr")], *rows(p2)], w, align="llrrr"),
        ]
    blocks += [
        Space(),
        Table([["Solde de clôture", money(st.closing, "fr", symbol=True)]], [0.75, 0.25], header=0, bold_rows=[0]),
    ]
    return Doc(blocks, created=_stamp(st.end, 1, 3), title="Relevé de compte", author=st.bank, letter=False)


# --- employment letters ----------------------------------------------------------------------------


def letter_en(emp: object, p: Person, title: str, start: date, salary: Decimal, signed: date) -> Doc:
    e = emp
    pron = "their"
    blocks = [
        Text([e.name], size=14, bold=True),
        Text(_addr_e(e), size=8.5),
        Space(14),  # type: ignore[attr-defined]
        Text([_long(signed)]),
        Space(8),
        Text(["To Whom It May Concern,"]),
        Space(6),
        Text(
            [
                f"This letter confirms that {p.name} has been employed by {e.name} since {_long(start)} "  # type: ignore[attr-defined]
                f"as a {title}, on a full-time, permanent basis."
            ]
        ),
        Text(
            [
                f"{p.first}'s current annual base salary is ${money(salary)}, paid bi-weekly, exclusive of "
                f"overtime and bonuses. {p.first} is in good standing and {pron} employment is not under notice."
            ]
        ),
        Space(6),
        Text(["Please contact Human Resources at the number above should you require anything further."]),
        Space(18),
        Text(["Sincerely,", "", "Margaret Liu", "Human Resources Manager"]),
    ]
    return Doc(blocks, created=_stamp(signed, 0, 10), title="Employment confirmation", author="HR")


def letter_fr(emp: object, p: Person, title: str, start: date, salary: Decimal, signed: date) -> Doc:
    e = emp
    blocks = [
        Text([e.name], size=14, bold=True),
        Text(_addr_e(e), size=8.5),
        Space(14),  # type: ignore[attr-defined]
        Text([f"Montréal, le {fr_date(signed)}"]),
        Space(8),
        Text(["ATTESTATION D'EMPLOI"], bold=True, size=11),
        Space(6),
        Text(["À qui de droit,"]),
        Text(
            [
                f"Nous attestons que {p.name} est à l'emploi de {e.name} depuis le {fr_date(start)} "  # type: ignore[attr-defined]
                f"à titre de {title}, à temps plein et de façon permanente."
            ]
        ),
        Text([f"Son salaire annuel de base est de {money(salary, 'fr')} $."]),
        Space(18),
        Text(
            ["Veuillez agréer nos salutations distinguées.", "", "Sylvie Beaulieu", "Conseillère, ressources humaines"]
        ),
    ]
    return Doc(blocks, created=_stamp(signed, 0, 10), title="Attestation d'emploi", author="RH", letter=False)


def letter_us_table(emp: object, p: Person, title: str, start: date, salary: Decimal, signed: date) -> Doc:
    e = emp
    blocks = [
        Text([e.name], size=14, bold=True),
        Text(_addr_e(e), size=8.5),
        Space(10),  # type: ignore[attr-defined]
        Text(["Verification of Employment"], size=12, bold=True),
        Text([f"Date: {_us(signed)}"]),
        Space(6),
        Text([f"At the request of our employee, we confirm the following employment details with {e.name}."]),  # type: ignore[attr-defined]
        Table(
            [
                ["Employee", p.name],
                ["Position", title],
                ["Date of hire", _us(start)],
                ["Employment status", "Active - Full time"],
                ["Annual base salary", f"${money(salary)}"],
            ],
            [0.35, 0.65],
            align="ll",
            header=0,
        ),
        Space(10),
        Text(["This information is provided in confidence for the purpose of a rental application."]),
        Space(14),
        Text(["Regards,", "", "Talent & People Operations"]),
    ]
    return Doc(blocks, created=_stamp(signed, 0, 10), title="Verification of Employment", author="People Ops")


STUB_LAYOUTS: dict[str, Callable[[Stub], Doc]] = {
    "stub_ca_grid": stub_ca_grid,
    "stub_us_keyvalue": stub_us_keyvalue,
    "stub_ca_docx": stub_ca_docx,
    "stub_us_xlsx": stub_us_xlsx,
    "stub_qc_fr": stub_qc_fr,
    "stub_us_html": stub_us_html,
    "stub_ca_qt_weekly": stub_ca_qt_weekly,
    "stub_qc_fr_docx": stub_qc_fr_docx,
}
BANK_LAYOUTS: dict[str, Callable[[Statement], Doc]] = {
    "bank_ca_5col": bank_ca_5col,
    "bank_us_signed": bank_us_signed,
    "bank_ca_crdr": bank_ca_crdr,
    "bank_us_paren": bank_us_paren,
    "bank_qc_fr": bank_qc_fr,
}
