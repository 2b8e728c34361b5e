"""The held-out corpus's facts: people, employers, a small payroll model and bank statements.

Nothing here is shared with tests/corpus/corpus_gen: other names, employers, rates and wording, so
the reading is measured on documents it was never tuned on. Every figure is a Decimal computed from
fixed inputs (no clock, no unseeded randomness).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def d(value: str | int | float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def us(value: Decimal) -> str:
    """1,234.56"""
    return f"{value:,.2f}"


def fr(value: Decimal) -> str:
    """1 234,56 $ (French-Canadian: no-break space for thousands, comma for cents)."""
    return f"{value:,.2f}".replace(",", "\u00a0").replace(".", ",") + "\u00a0$"


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    street: str
    city: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


PEOPLE = {
    "quintero": Person("Marisol", "Quintero", "2217 NE Alberta St", "Portland, OR 97211"),
    "lindqvist": Person("Tobias", "Lindqvist", "88 Fremont Ave", "Salem, OR 97301"),
    "deshpande": Person("Anjali", "Deshpande", "415 Corydon Ave", "Winnipeg, MB R3L 0N8"),
    "lavigne": Person("Mélodie", "Lavigne-Côté", "3320 boul. Laurier", "Québec (Québec) G1V 2M3"),
    "ashby": Person("Darnell", "Ashby", "71 Lakeview Terrace", "Madison, WI 53703"),
    "nakamura": Person("Keiko", "Nakamura-Hill", "1908 Fort St", "Victoria, BC V8R 1J5"),
    "adeyemi": Person("Oluwaseun", "Adeyemi", "64 Spadina Cres", "Saskatoon, SK S7K 3H1"),
    "ouellet": Person("Gabrielle", "Ouellet", "12 rue des Érables", "Sherbrooke (Québec) J1H 4A7"),
    "okonkwo": Person("Reginald", "Okonkwo", "509 Birch Rd", "Brandon, MB R7A 1B2"),
    "varghese": Person("Sunita", "Varghese", "7 Orchard Way", "Kelowna, BC V1Y 2C4"),
}


@dataclass(frozen=True)
class Employer:
    name: str
    street: str
    city: str


EMPLOYERS = {
    "redwood": Employer("Redwood Hollow Analytics LLC", "600 SW Madison St, Suite 410", "Portland, OR 97204"),
    "tidewater": Employer("Tidewater Freight Systems Inc.", "1250 Harbor Blvd", "Astoria, OR 97103"),
    "northern": Employer("Northern Lights Dental Clinic Ltd.", "1780 Pembina Hwy", "Winnipeg, MB R3T 2G2"),
    "fleurdelys": Employer("Les Ateliers Fleurdelys inc.", "455 rue du Parvis", "Québec (Québec) G1K 9G5"),
    "granite": Employer("Granite Peak Engineering Ltd.", "220 3rd Ave S", "Saskatoon, SK S7K 1L9"),
    "laurentienne": Employer("Société Laurentienne de Transport inc.", "95 rue King Ouest",
                             "Sherbrooke (Québec) J1H 1N9"),
}

PERIODS = {"weekly": 52, "biweekly": 26, "semimonthly": 24, "monthly": 12}


@dataclass
class Stub:
    person: Person
    employer: Employer
    frequency: str
    period_start: date
    period_end: date
    pay_date: date
    earnings: list[tuple[str, Decimal | None, Decimal | None, Decimal, Decimal]]  # label, hours, rate, cur, ytd
    deductions: list[tuple[str, Decimal, Decimal]]  # label, current, ytd
    gross: Decimal
    ytd_gross: Decimal
    net: Decimal
    ytd_net: Decimal

    @property
    def total_deductions(self) -> Decimal:
        return sum((c for _, c, _ in self.deductions), Decimal(0))

    @property
    def ytd_deductions(self) -> Decimal:
        return sum((y for _, _, y in self.deductions), Decimal(0))


# Withholding as flat shares of gross: a model, not tax law; what matters is that it adds up.
US_RATES = (("Federal Income Tax", "0.1180"), ("Social Security (FICA)", "0.062"), ("Medicare", "0.0145"),
            ("Oregon State Tax", "0.0720"), ("401(k) Contribution", "0.0500"))
CA_RATES = (("CPP Contributions", "0.0545"), ("EI Premiums", "0.0164"), ("Federal Income Tax", "0.1130"),
            ("Manitoba Income Tax", "0.0690"), ("Group Benefits", "0.0100"))
QC_RATES = (("Régime de rentes du Québec", "0.0590"), ("Assurance-emploi", "0.0131"),
            ("RQAP", "0.0049"), ("Impôt fédéral", "0.0960"), ("Impôt du Québec", "0.1120"))


def make_stub(person: Person, employer: Employer, frequency: str, index: int, first_end: date,
              rates: tuple[tuple[str, str], ...], annual: int | None = None,
              hourly: tuple[str, str] | None = None, pay_lag: int = 5,
              earnings_label: str = "Regular Salary") -> Stub:
    """The ``index``-th pay of 2026 (0-based); YTD sums every pay up to and including it."""
    ends = _period_ends(frequency, first_end, index + 1)
    start = _period_start(frequency, ends[-1])
    if annual is not None:
        per = d(Decimal(annual) / PERIODS[frequency])
        hours = rate = None
    else:
        assert hourly is not None
        hours, rate = Decimal(hourly[0]), Decimal(hourly[1])
        per = d(hours * rate)
    ytd_gross = per * (index + 1)
    deductions = [(label, d(per * Decimal(r)), d(per * Decimal(r)) * (index + 1)) for label, r in rates]
    cur_ded = sum((c for _, c, _ in deductions), Decimal(0))
    ytd_ded = sum((y for _, _, y in deductions), Decimal(0))
    return Stub(person, employer, frequency, start, ends[-1], ends[-1] + timedelta(days=pay_lag),
                [(earnings_label, hours, rate, per, ytd_gross)], deductions, per, ytd_gross,
                per - cur_ded, ytd_gross - ytd_ded)


def _period_ends(frequency: str, first_end: date, count: int) -> list[date]:
    out = [first_end]
    while len(out) < count:
        last = out[-1]
        if frequency in ("weekly", "biweekly"):
            out.append(last + timedelta(days=7 if frequency == "weekly" else 14))
        elif frequency == "semimonthly":
            out.append(_month_end(last) if last.day == 15 else (last + timedelta(days=1)).replace(day=15))
        else:
            out.append(_month_end(last + timedelta(days=1)))
    return out


def _month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _period_start(frequency: str, end: date) -> date:
    if frequency == "weekly":
        return end - timedelta(days=6)
    if frequency == "biweekly":
        return end - timedelta(days=13)
    if frequency == "semimonthly":
        return end.replace(day=1) if end.day == 15 else end.replace(day=16)
    return end.replace(day=1)


@dataclass
class Statement:
    holder: Person
    bank: str
    account: str
    start: date
    end: date
    opening: Decimal
    rows: list[tuple[date, str, Decimal, Decimal]] = field(default_factory=list)  # day, text, signed, balance

    @property
    def closing(self) -> Decimal:
        return self.rows[-1][3] if self.rows else self.opening


def make_statement(holder: Person, bank: str, account: str, start: date, end: date, opening: str,
                   pay: tuple[str, str, int, date], seed: int, count: int) -> Statement:
    """``count`` transactions between start and end: pay deposits every ``pay[2]`` days from
    ``pay[3]`` and seeded everyday spending; balances run exactly."""
    rng = random.Random(seed)
    spend = ("COSTCO WHOLESALE #1182", "SHELL OIL 57442", "NETFLIX.COM", "HYDRO BILL PAYMENT",
             "TRANSFER TO SAVINGS", "SAFEWAY STORE 2231", "PHARMACY PLUS", "CITY WATER UTILITY",
             "ATM WITHDRAWAL", "AMAZON MKTPLACE", "BLUE DOOR CAFE", "INSURANCE PREMIUM",
             "MOBILE PHONE BILL", "PARKING METER", "BOOKSHOP ON MAIN")
    days: list[tuple[date, str, Decimal]] = []
    payday = pay[3]
    while payday <= end:
        days.append((payday, pay[0], d(pay[1])))
        payday += timedelta(days=pay[2])
    span = (end - start).days
    for _ in range(count - len(days)):
        day = start + timedelta(days=rng.randint(0, span))
        days.append((day, rng.choice(spend), -d(rng.uniform(6, 240))))
    days.sort(key=lambda t: (t[0], t[2] < 0))
    st = Statement(holder, bank, account, start, end, d(opening))
    balance = st.opening
    for day, text, amount in days:
        balance += amount
        st.rows.append((day, text, amount, balance))
    return st


def break_running_balance(st: Statement, at: int, delta: str) -> Statement:
    """One transaction's printed amount changed; every printed balance left as it was."""
    rows = list(st.rows)
    day, text, amount, balance = rows[at]
    rows[at] = (day, text, amount + d(delta), balance)
    return Statement(st.holder, st.bank, st.account, st.start, st.end, st.opening, rows)
