"""The facts behind every corpus document: people, employers, pay runs, bank transactions.

Everything is computed from fixed inputs and ``random.Random(seed)``, never from the clock, so a
rerun yields the same facts. Amounts are Decimal and rounded to the cent like a payroll system.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def d(x: float | int | str | Decimal) -> Decimal:
    return Decimal(str(x)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    street: str
    city: str
    region: str
    postal: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


@dataclass(frozen=True)
class Employer:
    name: str
    street: str
    city: str
    region: str  # province or state code
    postal: str
    country: str  # CA | US


PEOPLE = [
    Person("Priya", "Raman", "88 Dunlop St", "Toronto", "ON", "M4C 2J7"),
    Person("Marc-André", "Tremblay", "1450 rue Saint-Denis", "Montréal", "QC", "H2X 3K2"),
    Person("Jordan", "Okafor", "2218 W Belmont Ave", "Chicago", "IL", "60618"),
    Person("Hannah", "Kowalczyk", "512 Maple Grove Rd", "Calgary", "AB", "T2Z 4B6"),
    Person("Luis", "Alvarez-Moreno", "77 Ocean View Dr", "San Diego", "CA", "92109"),
    Person("Émilie", "Gagnon", "3021 boul. Laurier", "Québec", "QC", "G1V 2M2"),
    Person("Daniel", "Whitfield", "19 Baker Ln", "Vancouver", "BC", "V5K 1A1"),
    Person("Aisha", "Mahmoud", "402 E 84th St Apt 5C", "New York", "NY", "10028"),
    Person("Kenji", "Watanabe", "15 Elm Crescent", "Ottawa", "ON", "K1S 0B4"),
    Person("Sofia", "Castellanos", "930 Pine St", "Seattle", "WA", "98101"),
    Person("Olivier", "Bergeron", "58 rue des Érables", "Laval", "QC", "H7N 1A3"),
    Person("Grace", "Nyambura", "1207 Oak Hollow Ct", "Austin", "TX", "78704"),
]

EMPLOYERS = {
    "ON": Employer("Lakeshore Logistics Inc.", "4100 Dixie Rd", "Mississauga", "ON", "L4W 1V7", "CA"),
    "QC": Employer("Boulangerie Saint-Laurent ltée", "2200 rue Notre-Dame O", "Montréal", "QC", "H3J 1N4", "CA"),
    "IL": Employer("Prairie Health Partners LLC", "600 W Madison St", "Chicago", "IL", "60661", "US"),
    "AB": Employer("Bow River Energy Services Ltd.", "333 7 Ave SW", "Calgary", "AB", "T2P 2Z1", "CA"),
    "CA": Employer("Pacific Crest Software, Inc.", "4250 Executive Sq", "La Jolla", "CA", "92037", "US"),
    "BC": Employer("Coastal Mountain Dental Group", "1285 W Broadway", "Vancouver", "BC", "V6H 3X8", "CA"),
    "NY": Employer("Hudson & Vine Hospitality Group", "250 Park Ave S", "New York", "NY", "10003", "US"),
    "QC2": Employer(
        "Services informatiques Boréal inc.", "1000 rue De La Gauchetière O", "Montréal", "QC", "H3B 4W5", "CA"
    ),
    "WA": Employer("Evergreen Freight Co.", "1200 6th Ave", "Seattle", "WA", "98101", "US"),
    "TX": Employer("Lone Star Home Health LLC", "901 S MoPac Expy", "Austin", "TX", "78746", "US"),
}

PERIODS_PER_YEAR = {"weekly": 52, "biweekly": 26, "semimonthly": 24, "monthly": 12}

# Rough 2026 withholding rates: realistic-looking, not a payroll engine (the checks are arithmetic
# and continuity, which hold exactly whatever the rates).
CA_RATES = {"CPP": Decimal("0.0595"), "EI": Decimal("0.0164"), "FED": Decimal("0.118"), "PROV": Decimal("0.052")}
QC_RATES = {
    "QPP": Decimal("0.064"),
    "EI": Decimal("0.0131"),
    "QPIP": Decimal("0.00494"),
    "FED": Decimal("0.098"),
    "PROV": Decimal("0.122"),
}
US_STATE_RATE = {
    "IL": Decimal("0.0495"),
    "CA": Decimal("0.061"),
    "NY": Decimal("0.0585"),
    "WA": Decimal("0"),
    "TX": Decimal("0"),
}


@dataclass(frozen=True)
class Line:
    label: str
    current: Decimal
    ytd: Decimal
    rate: Decimal | None = None
    hours: Decimal | None = None


@dataclass(frozen=True)
class Stub:
    employer: Employer
    employee: Person
    employee_id: str
    frequency: str
    pay_date: date
    period_start: date
    period_end: date
    earnings: tuple[Line, ...]
    deductions: tuple[Line, ...]  # keys: canonical codes, see DEDUCTION_LABELS
    gross: Decimal
    total_deductions: Decimal
    net: Decimal
    ytd_gross: Decimal
    ytd_deductions: Decimal
    ytd_net: Decimal
    lang: str = "en"
    period_index: int = 1


def pay_dates(frequency: str, year: int, first: date) -> list[date]:
    """Every pay date of the year for a schedule (semimonthly: 15th and last day; monthly: last day)."""
    out: list[date] = []
    if frequency in ("weekly", "biweekly"):
        step = timedelta(days=7 if frequency == "weekly" else 14)
        day = first
        while day.year == year:
            out.append(day)
            day += step
    else:
        for month in range(1, 13):
            last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
            if frequency == "semimonthly":
                out.append(date(year, month, 15))
            out.append(last)
    return out


def _period(frequency: str, pay: date) -> tuple[date, date]:
    if frequency == "weekly":
        return pay - timedelta(days=12), pay - timedelta(days=6)
    if frequency == "biweekly":
        return pay - timedelta(days=19), pay - timedelta(days=6)
    if frequency == "semimonthly":
        start = pay.replace(day=1) if pay.day == 15 else pay.replace(day=16)
        return start, pay
    return pay.replace(day=1), pay


def _withholding(region: str, country: str, gross: Decimal, lang: str) -> list[tuple[str, Decimal]]:
    if country == "US":
        out = [
            ("FED", d(gross * Decimal("0.104"))),
            ("SS", d(gross * Decimal("0.062"))),
            ("MED", d(gross * Decimal("0.0145"))),
        ]
        if US_STATE_RATE[region]:
            out.append(("STATE", d(gross * US_STATE_RATE[region])))
        out.append(("401K", d(gross * Decimal("0.04"))))
        return out
    rates = QC_RATES if region == "QC" else CA_RATES
    return [(k, d(gross * r)) for k, r in rates.items()]


def make_stub(
    employee: Person,
    employer: Employer,
    frequency: str,
    index: int,
    *,
    seed: int,
    annual: Decimal | None = None,
    hourly: Decimal | None = None,
    lang: str = "en",
    first_pay: date = date(2026, 1, 9),
) -> Stub:
    """The ``index``-th pay (1-based) of 2026; YTD is the exact sum of this and every earlier pay."""
    dates = pay_dates(frequency, 2026, first_pay)
    rng = random.Random(seed)
    hours_each = [Decimal(str(rng.choice([72, 75, 76.5, 78, 80, 80, 80, 82.5]))) for _ in dates]
    ytd_lines: dict[str, Decimal] = {}
    ytd_ded: dict[str, Decimal] = {}
    stub_earn: list[Line] = []
    stub_ded: list[Line] = []
    for i in range(index):
        if annual is not None:
            earn = [("REG", d(annual / PERIODS_PER_YEAR[frequency]), None, None)]
        else:
            assert hourly is not None
            per = {
                "weekly": Decimal(1) / 2,
                "biweekly": Decimal(1),
                "semimonthly": Decimal("1.0833"),
                "monthly": Decimal("2.1667"),
            }[frequency]
            hrs = (hours_each[i] * per).quantize(Decimal("0.25"))
            ot = Decimal(str([0, 0, 2.5, 0, 4, 0, 1.5][i % 7]))
            earn = [("REG", d(hrs * hourly), hourly, hrs)]
            if ot:
                earn.append(("OT", d(ot * hourly * Decimal("1.5")), d(hourly * Decimal("1.5")), ot))
        gross = sum((e[1] for e in earn), Decimal(0))
        ded = _withholding(employer.region, employer.country, gross, lang)
        for code, amt, _, _ in earn:
            ytd_lines[code] = ytd_lines.get(code, Decimal(0)) + amt
        for code, amt in ded:
            ytd_ded[code] = ytd_ded.get(code, Decimal(0)) + amt
        if i == index - 1:
            stub_earn = [Line(code, amt, ytd_lines[code], rate, hrs_) for code, amt, rate, hrs_ in earn]
            # lines this pay does not have still show their YTD (as real stubs do)
            stub_earn += [
                Line(code, Decimal(0), v) for code, v in ytd_lines.items() if code not in {e[0] for e in earn}
            ]
            stub_ded = [Line(code, amt, ytd_ded[code]) for code, amt in ded]
    gross = sum((line.current for line in stub_earn), Decimal(0))
    total = sum((line.current for line in stub_ded), Decimal(0))
    ytd_gross = sum(ytd_lines.values(), Decimal(0))
    ytd_total = sum(ytd_ded.values(), Decimal(0))
    pay = dates[index - 1]
    start, end = _period(frequency, pay)
    emp_id = f"{random.Random(seed * 7 + 1).randint(100000, 999999)}"
    return Stub(
        employer,
        employee,
        emp_id,
        frequency,
        pay,
        start,
        end,
        tuple(stub_earn),
        tuple(stub_ded),
        gross,
        total,
        gross - total,
        ytd_gross,
        ytd_total,
        ytd_gross - ytd_total,
        lang,
        index,
    )


def broken_arithmetic(stub: Stub, delta: Decimal) -> Stub:
    """Net printed larger than gross − deductions (the forger raised net and nothing else)."""
    return replace(stub, net=stub.net + delta, ytd_net=stub.ytd_net + delta)


def ytd_jump(stub: Stub, delta: Decimal) -> Stub:
    """YTD gross that does not continue the previous stub (e.g. copied from a richer colleague)."""
    earn = list(stub.earnings)
    earn[0] = replace(earn[0], ytd=earn[0].ytd + delta)
    return replace(stub, earnings=tuple(earn), ytd_gross=stub.ytd_gross + delta, ytd_net=stub.ytd_net + delta)


EARNING_LABELS = {
    "en": {"REG": "Regular Pay", "OT": "Overtime 1.5x"},
    "fr": {"REG": "Salaire régulier", "OT": "Heures supp. 1,5x"},
}
DEDUCTION_LABELS = {
    "en": {
        "CPP": "CPP Contributions",
        "EI": "EI Premiums",
        "FED": "Federal Income Tax",
        "PROV": "Provincial Tax",
        "QPP": "QPP Contributions",
        "QPIP": "QPIP Premiums",
        "SS": "Social Security (OASDI)",
        "MED": "Medicare",
        "STATE": "State Income Tax",
        "401K": "401(k) Contribution",
    },
    "fr": {
        "QPP": "Régime de rentes du Québec",
        "EI": "Assurance-emploi",
        "QPIP": "RQAP",
        "FED": "Impôt fédéral",
        "PROV": "Impôt du Québec",
        "CPP": "RPC",
        "SS": "Sécurité sociale",
        "MED": "Medicare",
        "STATE": "Impôt de l'État",
        "401K": "401(k)",
    },
}


# --- bank statements -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Txn:
    day: date
    description: str
    amount: Decimal  # + deposit, − withdrawal
    balance: Decimal


@dataclass(frozen=True)
class Statement:
    bank: str
    holder: Person
    account: str
    start: date
    end: date
    opening: Decimal
    txns: tuple[Txn, ...]
    closing: Decimal
    lang: str = "en"
    page_break_after: int = 0  # rows on page 1 (0: let the renderer decide)
    pages_shift: Decimal = Decimal(0)  # page-2 discontinuity: page 2 continues from a different balance
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def deposits(self) -> Decimal:
        return sum((t.amount for t in self.txns if t.amount > 0), Decimal(0))

    @property
    def withdrawals(self) -> Decimal:
        return -sum((t.amount for t in self.txns if t.amount < 0), Decimal(0))


SPEND = [
    ("POS PURCHASE LOBLAWS #1123", 40, 180),
    ("INTERAC E-TRF SENT", 20, 300),
    ("TIM HORTONS #4412", 3, 15),
    ("PRESTO AUTOLOAD", 20, 60),
    ("AMAZON.CA MARKETPLACE", 15, 140),
    ("SHELL C04321", 35, 90),
    ("NETFLIX.COM", 17, 17),
    ("ROGERS WIRELESS PAD", 75, 95),
    ("COSTCO WHOLESALE W534", 60, 260),
    ("UBER *TRIP", 9, 35),
    ("PHARMAPRIX 0312", 8, 55),
    ("HYDRO ONE PAD", 80, 160),
    ("ATM WITHDRAWAL", 20, 200),
    ("SPOTIFY P0C1D2", 11, 11),
    ("DOLLARAMA #212", 4, 30),
    ("SAQ 23118", 18, 70),
]
SPEND_US = [
    ("DEBIT CARD PURCHASE WHOLE FOODS", 30, 170),
    ("ZELLE PAYMENT TO", 20, 250),
    ("STARBUCKS STORE 10442", 4, 14),
    ("VENMO PAYMENT", 10, 120),
    ("AMAZON.COM*2K4", 12, 160),
    ("CHEVRON 0093122", 35, 85),
    ("NETFLIX.COM", 16, 16),
    ("VERIZON WIRELESS AUTOPAY", 70, 110),
    ("TARGET T-1456", 20, 140),
    ("LYFT *RIDE", 8, 40),
    ("CVS/PHARMACY #0881", 6, 50),
    ("COMED ELECTRIC AUTOPAY", 60, 140),
    ("ATM WITHDRAWAL", 20, 200),
]


def make_statement(
    holder: Person,
    bank: str,
    account: str,
    start: date,
    end: date,
    *,
    seed: int,
    payroll: str,
    pay: Decimal,
    pay_days: list[date],
    rent: Decimal,
    opening: Decimal,
    n_spend: int,
    us: bool = False,
    lang: str = "en",
    page_break_after: int = 0,
) -> Statement:
    rng = random.Random(seed)
    pool = SPEND_US if us else SPEND
    rows: list[tuple[date, str, Decimal]] = []
    for p in pay_days:
        rows.append(
            (p, f"PAYROLL DEP {payroll.upper()[:22]}" if lang != "fr" else f"DÉPÔT PAIE {payroll.upper()[:22]}", pay)
        )
    rows.append((start + timedelta(days=0), "RENT PAYMENT PAD" if lang != "fr" else "LOYER DPA", -rent))
    span = (end - start).days
    for _ in range(n_spend):
        desc, lo, hi = rng.choice(pool)
        day = start + timedelta(days=rng.randint(0, span))
        rows.append((day, desc, -d(rng.uniform(lo, hi))))
    rows.append((end, "MONTHLY ACCOUNT FEE" if lang != "fr" else "FRAIS MENSUELS", Decimal("-4.95")))
    rows.sort(key=lambda r: (r[0], -r[2]))  # deposits first on a day, like most banks print
    bal = opening
    txns = []
    for day, desc, amt in rows:
        bal += amt
        txns.append(Txn(day, desc, amt, bal))
    return Statement(bank, holder, account, start, end, opening, tuple(txns), bal, lang, page_break_after)


def break_running_balance(st: Statement, row: int, delta: Decimal) -> Statement:
    """One transaction's amount edited; the printed balances are left as they were."""
    txns = list(st.txns)
    t = txns[row]
    txns[row] = replace(t, amount=t.amount + delta)
    return replace(st, txns=tuple(txns))


def shift_page_two(st: Statement, delta: Decimal) -> Statement:
    """Page 2 spliced in from another statement: its balances do not continue page 1's."""
    assert st.page_break_after
    txns = [replace(t, balance=t.balance + delta) if i >= st.page_break_after else t for i, t in enumerate(st.txns)]
    return replace(st, txns=tuple(txns), closing=st.closing + delta, pages_shift=delta)


# --- formatting ------------------------------------------------------------------------------------


def money(x: Decimal, style: str = "en", *, symbol: bool = False) -> str:
    """en: 1,234.56 · fr: 1 234,56 (space thousands, comma decimals) · paren: (1,234.56) · crdr: 1,234.56 DR."""
    neg = x < 0
    body = f"{abs(x):,.2f}"
    if style == "fr":
        body = body.replace(",", " ").replace(".", ",")
        return ("-" if neg else "") + body + (" $" if symbol else "")
    if style == "paren":
        return f"({'$' if symbol else ''}{body})" if neg else f"{'$' if symbol else ''}{body}"
    if style == "crdr":
        return f"{body} {'DR' if neg else 'CR'}"
    return ("-" if neg else "") + ("$" if symbol else "") + body


def fr_date(day: date) -> str:
    months = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ]
    return f"{day.day} {months[day.month - 1]} {day.year}"
