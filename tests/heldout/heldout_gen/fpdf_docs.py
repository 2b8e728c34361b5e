"""fpdf2 documents: a US pay stub with Current / Year to Date columns and a transposed summary
(Gross Pay | Total Deductions | Net Pay across, Current / Year to Date down), and a Canadian bank
statement with Debit and Credit columns over two pages."""

from __future__ import annotations

from datetime import UTC, datetime, time

from fpdf import FPDF

from .data import Statement, Stub, us

LINE = 15.0


def _pdf(made: datetime, title: str) -> FPDF:
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_creation_date(made)
    pdf.set_title(title)
    pdf.set_creator("Payroll Express 4.2")
    pdf.set_auto_page_break(False)
    pdf.set_margins(40, 40, 40)
    return pdf


def _row(pdf: FPDF, cells: list[tuple[str, float, str]], bold: bool = False, fill: bool = False) -> None:
    pdf.set_font("Helvetica", "B" if bold else "", 9)
    if fill:
        pdf.set_fill_color(226, 232, 240)
    for text, width, align in cells:
        pdf.cell(width, LINE, text, border="B" if bold else 0, align=align, fill=fill)
    pdf.ln(LINE)


def _mdy(day: object) -> str:
    return day.strftime("%m/%d/%Y")  # type: ignore[attr-defined]


def stub_us(s: Stub) -> bytes:
    made = datetime.combine(s.pay_date, time(6, 30), tzinfo=UTC)
    pdf = _pdf(made, "Earnings Statement")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.cell(330, 20, s.employer.name)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 20, "EARNINGS STATEMENT", align="R")
    pdf.ln(20)
    pdf.set_font("Helvetica", "", 9)
    for text in (s.employer.street, s.employer.city):
        pdf.cell(0, 12, text)
        pdf.ln(12)
    pdf.ln(14)
    info = [
        ("Employee", s.person.name, "Check Date", _mdy(s.pay_date)),
        ("Employee ID", f"E-{sum(map(ord, s.person.last)) * 7}", "Pay Period",
         f"{_mdy(s.period_start)} - {_mdy(s.period_end)}"),
        ("Pay Frequency", s.frequency.capitalize(), "Department", "Data Services"),
    ]
    for a, b, c, e in info:
        pdf.set_font("Helvetica", "B", 9)
        pdf.cell(90, LINE, a)
        pdf.set_font("Helvetica", "", 9)
        pdf.cell(170, LINE, b)
        pdf.set_font("Helvetica", "B", 9)
        pdf.cell(80, LINE, c)
        pdf.set_font("Helvetica", "", 9)
        pdf.cell(0, LINE, e)
        pdf.ln(LINE)
    pdf.ln(12)
    widths = (200, 60, 70, 100, 100)
    _row(pdf, list(zip(("Earnings", "Hours", "Rate", "Current", "Year to Date"), widths,
                       "LRRRR", strict=True)), bold=True, fill=True)
    for label, hours, rate, cur, ytd in s.earnings:
        _row(pdf, list(zip((label, "" if hours is None else f"{hours}", "" if rate is None else us(rate),
                            us(cur), us(ytd)), widths, "LRRRR", strict=True)))
    pdf.ln(10)
    widths2 = (330, 100, 100)
    _row(pdf, list(zip(("Taxes and Deductions", "Current", "Year to Date"), widths2, "LRR", strict=True)),
         bold=True, fill=True)
    for label, cur, ytd in s.deductions:
        _row(pdf, list(zip((label, us(cur), us(ytd)), widths2, "LRR", strict=True)))
    pdf.ln(14)
    widths3 = (130, 130, 140, 130)
    _row(pdf, list(zip(("", "Gross Pay", "Total Deductions", "Net Pay"), widths3, "LRRR", strict=True)),
         bold=True, fill=True)
    _row(pdf, list(zip(("Current", us(s.gross), us(s.total_deductions), us(s.net)), widths3, "LRRR",
                       strict=True)))
    _row(pdf, list(zip(("Year to Date", us(s.ytd_gross), us(s.ytd_deductions), us(s.ytd_net)), widths3,
                       "LRRR", strict=True)))
    pdf.ln(18)
    pdf.set_font("Helvetica", "", 8)
    pdf.multi_cell(0, 11, f"Direct deposit to checking account ending {len(s.person.last) * 1111 % 9000 + 1000}. "
                          "Keep this statement for your records; questions go to payroll@ your employer.")
    return bytes(pdf.output())


def bank_ca(st: Statement, rows_first_page: int) -> bytes:
    made = datetime.combine(st.end, time(23, 10), tzinfo=UTC)
    pdf = _pdf(made, "Account Statement")
    widths = (60, 250, 75, 75, 80)
    heads = ("Date", "Transaction Details", "Debit", "Credit", "Balance")
    pages = [st.rows[:rows_first_page], st.rows[rows_first_page:]]
    balance = st.opening
    for number, rows in enumerate(pages, start=1):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 14)
        pdf.cell(0, 18, st.bank)
        pdf.ln(22)
        pdf.set_font("Helvetica", "", 9)
        if number == 1:
            for text in ("Account Holder: " + st.holder.name, st.holder.street, st.holder.city):
                pdf.cell(0, 12, text)
                pdf.ln(12)
            pdf.ln(8)
            pdf.cell(0, 12, f"Chequing account {st.account}")
            pdf.ln(12)
            pdf.cell(0, 12, f"Statement from {st.start.isoformat()} to {st.end.isoformat()}")
            pdf.ln(20)
        _row(pdf, list(zip(heads, widths, "LLRRR", strict=True)), bold=True, fill=True)
        first = "Opening Balance" if number == 1 else "Balance Brought Forward"
        _row(pdf, list(zip(("", first, "", "", us(balance)), widths, "LLRRR", strict=True)))
        for day, text, amount, bal in rows:
            debit = us(-amount) if amount < 0 else ""
            credit = us(amount) if amount > 0 else ""
            _row(pdf, list(zip((day.strftime("%b %d"), text, debit, credit, us(bal)), widths, "LLRRR",
                               strict=True)))
            balance = bal
        last = "Closing Balance" if number == len(pages) else "Balance Carried Forward"
        _row(pdf, list(zip(("", last, "", "", us(balance)), widths, "LLRRR", strict=True)), bold=True)
        pdf.set_y(740)
        pdf.set_font("Helvetica", "", 8)
        pdf.cell(0, 10, f"Page {number} of {len(pages)}", align="C")
    return bytes(pdf.output())

