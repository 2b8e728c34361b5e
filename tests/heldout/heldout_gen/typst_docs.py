"""Typst documents (the ``typst`` PyPI package, its own embedded fonts only): a Canadian pay stub with
CPP / EI / income tax, a US bank statement with one signed Amount column, a French employment letter."""

from __future__ import annotations

from datetime import UTC, datetime, time

import typst

from .data import Employer, Person, Statement, Stub, fr, us

_MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
              "octobre", "novembre", "décembre")


def _esc(text: str) -> str:
    """Typst markup: escape the characters that start markup."""
    for ch in "\\#$*_@<>[]`~":
        text = text.replace(ch, "\\" + ch)
    return text


def _compile(body: str, made: datetime) -> bytes:
    head = (
        f"#set document(title: \"Document\", author: \"Records\", date: datetime(year: {made.year}, "
        f"month: {made.month}, day: {made.day}, hour: {made.hour}, minute: {made.minute}, second: 0))\n"
        "#set page(paper: \"us-letter\", margin: 1.6cm)\n"
        "#set text(font: \"Libertinus Serif\", size: 10pt)\n"
    )
    out = typst.compile((head + body).encode("utf-8"), ignore_system_fonts=True,
                        timestamp=int(made.timestamp()))
    assert isinstance(out, bytes)
    return out


def _cells(*texts: str) -> str:
    return ", ".join(f"[{_esc(t)}]" for t in texts)


def _long(day: object) -> str:
    return day.strftime("%B %-d, %Y")  # type: ignore[attr-defined]


def stub_ca(s: Stub) -> bytes:
    e = s.employer
    rows = "\n".join(f"  {_cells(label, us(cur), us(ytd))}," for label, _, _, cur, ytd in s.earnings)
    ded = "\n".join(f"  {_cells(label, us(cur), us(ytd))}," for label, cur, ytd in s.deductions)
    body = f"""
#text(size: 16pt, weight: "bold")[{_esc(e.name)}] \\
{_esc(e.street)} \\
{_esc(e.city)}

#v(0.4cm)
#align(right)[#text(size: 13pt, weight: "bold")[Pay Statement]]
#v(0.3cm)
#table(columns: (3.2cm, 6cm, 3.2cm, 4.5cm), stroke: none,
  [*Employee Name*], [{_esc(s.person.name)}], [*Payment Date*], [{_long(s.pay_date)}],
  [*Employee No.*], [{sum(map(ord, s.person.first)) * 3}], [*Pay Period*],
  [{_long(s.period_start)} to {_long(s.period_end)}],
  [*Position*], [Dental Hygienist], [*Frequency*], [Semi-monthly],
)
#v(0.3cm)
#table(columns: (8cm, 4cm, 4cm), align: (left, right, right), stroke: (bottom: 0.4pt + gray),
  [*Earnings*], [*This Period*], [*Year-to-Date*],
{rows}
  [*Total Earnings*], [*{us(s.gross)}*], [*{us(s.ytd_gross)}*],
)
#v(0.3cm)
#table(columns: (8cm, 4cm, 4cm), align: (left, right, right), stroke: (bottom: 0.4pt + gray),
  [*Deductions*], [*This Period*], [*Year-to-Date*],
{ded}
  [*Total Deductions*], [*{us(s.total_deductions)}*], [*{us(s.ytd_deductions)}*],
)
#v(0.5cm)
#table(columns: (8cm, 4cm, 4cm), align: (left, right, right), stroke: none,
  [*Net Deposit*], [*{us(s.net)}*], [{us(s.ytd_net)}],
)
#v(0.8cm)
#text(size: 8pt)[Amounts in Canadian dollars. Direct deposit made to your account on file.]
"""
    return _compile(body, datetime.combine(s.pay_date, time(7, 45), tzinfo=UTC))


def bank_us_signed(st: Statement) -> bytes:
    rows = "\n".join(
        f"  {_cells(day.strftime('%m/%d'), text, ('+' if amt > 0 else '-') + us(abs(amt)), us(bal))},"
        for day, text, amt, bal in st.rows
    )
    deposits = sum((a for _, _, a, _ in st.rows if a > 0), start=st.opening * 0)
    withdrawals = sum((-a for _, _, a, _ in st.rows if a < 0), start=st.opening * 0)
    body = f"""
#grid(columns: (1fr, 1fr),
  [#text(size: 15pt, weight: "bold")[{_esc(st.bank)}] \\ Member FDIC],
  align(right)[Account Statement \\ Account number {_esc(st.account)}],
)
#v(0.4cm)
{_esc(st.holder.name)} \\
{_esc(st.holder.street)} \\
{_esc(st.holder.city)}

#v(0.3cm)
Statement Period: {_long(st.start)} through {_long(st.end)}

#table(columns: (6cm, 4cm), stroke: none, align: (left, right),
  [Beginning Balance], [{us(st.opening)}],
  [Deposits and Additions], [{us(deposits)}],
  [Withdrawals and Subtractions], [{us(withdrawals)}],
  [Ending Balance], [{us(st.closing)}],
)
#v(0.3cm)
#table(columns: (1.8cm, 8.5cm, 3cm, 3cm), align: (left, left, right, right),
  stroke: (bottom: 0.3pt + gray),
  [*Date*], [*Description*], [*Amount*], [*Balance*],
{rows}
)
"""
    return _compile(body, datetime.combine(st.end, time(22, 0), tzinfo=UTC))


def letter_fr(person: Person, employer: Employer, title: str, start: object, salary: object,
              signed: object) -> bytes:
    def fr_date(day: object) -> str:
        n = day.day  # type: ignore[attr-defined]
        return f"{'1er' if n == 1 else n} {_MONTHS_FR[day.month - 1]} {day.year}"  # type: ignore[attr-defined]

    body = f"""
#text(size: 15pt, weight: "bold")[{_esc(employer.name)}] \\
{_esc(employer.street)} \\
{_esc(employer.city)}

#v(0.8cm)
#align(right)[Sherbrooke, le {fr_date(signed)}]
#v(0.5cm)
*Objet : Attestation d'emploi*

#v(0.3cm)
À qui de droit,

Nous confirmons par la présente que Mme {_esc(person.name)} occupe le poste de {_esc(title)} au sein
de notre entreprise depuis le {fr_date(start)}. Elle détient un poste permanent à temps plein
de 37,5 heures par semaine.

Son salaire annuel brut s.élève à {_esc(fr(salary))}, versé toutes les deux semaines.

Pour toute vérification, vous pouvez joindre le Service des ressources humaines au 819 555-0142.

#v(0.6cm)
Veuillez agréer l'expression de nos sentiments distingués.

#v(1cm)
Josée Beaulieu \\
Directrice, ressources humaines
"""
    return _compile(body, datetime.combine(signed, time(10, 15), tzinfo=UTC))  # type: ignore[arg-type]
