"""Layouts found by probing with documents made outside the corpora, drawn here by reportlab: a copy
mark where a label's value would be, US numeric dates that could be read day first, a credit
union's "Member of" tagline and a holder's address block beside the statement period."""

from __future__ import annotations

import io

from leaselab_desktop.domain.models import Lead
from leaselab_desktop.screening.documents import analyse_file
from leaselab_desktop.screening.documents.layout.heads import full_name
from leaselab_desktop.screening.documents.layout.text import date_order
from leaselab_desktop.screening.signals import build_document_set

Row = list[tuple[float, str]]


def _pdf(rows: list[Row]) -> bytes:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    y = 740.0
    for row in rows:
        for x, text in row:
            c.setFont("Helvetica", 10)
            c.drawString(x, y, text)
        y -= 18
    c.save()
    return buf.getvalue()


LEAD = Lead(id="l1", first_name="Priya", last_name="Raman", employer="Northgate Logistics Inc.",
            monthly_income=5300.0, employment_status="employed")


def _stub(mark: str) -> list[Row]:
    return [
        [(40, "NORTHGATE LOGISTICS INC."), (420, "PAY STATEMENT")],
        [(40, "2250 Dundas Street West, Mississauga, ON L5K 1R2"), (420, mark)],
        [(40, "Employee: Priya Raman"), (300, "Employee ID: 40718")],
        [(40, "Pay Date: March 20, 2026"), (300, "Pay Frequency: Bi-weekly")],
        [(40, "Gross Pay"), (420, "3,250.00")],
        [(40, "CPP"), (420, "180.42")],
        [(40, "EI"), (420, "53.30")],
        [(40, "Federal Income Tax"), (420, "556.32")],
        [(40, "Total Deductions"), (420, "790.04")],
        [(40, "NET PAY"), (420, "2,459.96")],
    ]


def test_a_copy_mark_is_neither_the_employee_nor_the_employer() -> None:
    for mark in ("EMPLOYEE COPY", "EMPLOYER COPY", "COPIE DE L'EMPLOYÉ"):
        f = analyse_file("s", "stub.pdf", "paystub", _pdf(_stub(mark)))
        assert (f.name_on_document, f.employer) == ("Priya Raman", "NORTHGATE LOGISTICS INC."), mark
        signals = build_document_set(LEAD, [f], {}).signals
        assert not [s.code for s in signals if s.severity in ("medium", "high")], mark


def test_us_numeric_dates_are_month_first_when_the_page_is_from_the_us() -> None:
    rows = [
        [(40, "LONE STAR FREIGHT SERVICES LLC"), (420, "EARNINGS STATEMENT")],
        [(40, "4410 Commerce Street, Dallas, TX 75226")],
        [(40, "Employee: Priya Raman")],
        [(40, "Pay Date: 03/12/2026"), (300, "Pay Period: 03/02/2026 to 03/08/2026")],
        [(40, "Gross Pay"), (420, "1,127.00")],
        [(40, "Social Security"), (420, "69.87")],
        [(40, "Medicare"), (420, "16.34")],
        [(40, "Total Deductions"), (420, "238.68")],
        [(40, "NET PAY"), (420, "888.32")],
    ]
    f = analyse_file("s", "stub.pdf", "paystub", _pdf(rows))
    assert f.pay_stub is not None
    assert (f.pay_stub.pay_date, f.pay_stub.period_start, f.pay_stub.period_end) == (
        "2026-03-12", "2026-03-02", "2026-03-08")


def test_date_order_evidence() -> None:
    assert date_order("Dallas, TX 75226 03/12/2026") == "mdy"
    assert date_order("SocialSecurity 69.87 03/12/2026") == "mdy"
    assert date_order("Toronto ON M5S 1G2 03/12/2026") == "dmy"
    assert date_order("CPP 180.42 Social Security 03/12/2026") == "dmy"  # both: the default
    assert date_order("Certificate of notification 03/12/2026") == "dmy"  # "fica" inside words
    assert date_order("15/03/2026 Dallas, TX 75226") == "dmy"  # the date itself says


def test_a_deposit_insurer_tagline_is_not_the_holder_and_the_address_block_beside_the_period_is() -> None:
    rows = [
        [(40, "MAPLE RIVER CREDIT UNION"), (400, "ACCOUNT STATEMENT")],
        [(40, "Member of Deposit Insurance Corporation of Ontario")],
        [(40, "Priya Raman"), (300, "Statement Period: February 1, 2026 to February 28, 2026")],
        [(40, "45 Harbord Street, Apt 3"), (300, "Account Number: 0042-118845-7")],
        [(40, "Toronto ON M5S 1G2")],
        [(40, "Date"), (110, "Description"), (330, "Withdrawals"), (410, "Deposits"), (490, "Balance")],
        [(40, "2026-02-01"), (110, "Opening Balance"), (490, "2,418.77")],
        [(40, "2026-02-06"), (110, "Payroll Deposit NORTHGATE"), (410, "2,459.96"), (490, "4,878.73")],
        [(40, "2026-02-09"), (110, "Loblaws #1123"), (330, "143.27"), (490, "4,735.46")],
        [(40, "Closing Balance"), (490, "4,735.46")],
    ]
    f = analyse_file("b", "statement.pdf", "bank_statement", _pdf(rows))
    assert f.name_on_document == "Priya Raman"
    assert f.bank_statement is not None and f.bank_statement.closing_balance == 4735.46
    assert not [s.code for s in build_document_set(LEAD, [f], {}).signals if s.severity in ("medium", "high")]


def test_full_name() -> None:
    assert full_name("Priya Raman") and full_name("RAMAN, PRIYA") and full_name("PriyaRaman")
    assert full_name("Émilie Gagnon")
    assert not full_name("FDIC") and not full_name("COPY")
    assert not full_name("of Deposit Insurance Corporation of Ontario")


def test_a_white_page_fill_under_a_kerned_pair_hides_nothing() -> None:
    """Generators paint a white page first. One kerned pair on the page ("y." with the full stop
    tucked under the y) reads as a glyph drawn over another, as an editor's new figure is; the
    white box it sits in was then taken for a white-out, and every glyph drawn before it hidden."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    c.setFillColorRGB(1, 1, 1)
    c.rect(0, 0, letter[0], letter[1], stroke=0, fill=1)  # the page fill, drawn first
    c.setFillColorRGB(0, 0, 0)
    y = 740.0
    for row in _stub("EMPLOYEE COPY"):
        for x, text in row:
            c.setFont("Helvetica", 10)
            c.drawString(x, y, text)
        y -= 18
    c.drawString(40, y - 20, "Questions? Ask Payroll")
    kern = 40 + stringWidth("Questions? Ask Payroll", "Helvetica", 10) - 3.0
    c.drawString(kern, y - 20, ".")  # under the "l"'s right half: a kerned full stop
    c.save()
    f = analyse_file("s", "stub.pdf", "paystub", buf.getvalue())
    assert f.pay_stub is not None and (f.pay_stub.gross, f.pay_stub.net) == (3250.0, 2459.96)
    assert f.name_on_document == "Priya Raman" and f.employer == "NORTHGATE LOGISTICS INC."


def test_the_values_of_a_filled_form_are_read_where_its_fields_show_them() -> None:
    """A fillable pay stub template (reportlab's AcroForm text fields), filled in: the figures live
    in the fields, not in the page's text."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    c.setFont("Helvetica-Bold", 12)
    c.drawString(40, 740, "NORTHGATE LOGISTICS INC.")
    c.setFont("Helvetica", 10)
    fields = [("Employee:", "employee", "Priya Raman"), ("Pay Date:", "pay_date", "March 20, 2026"),
              ("Gross Pay", "gross", "3,250.00"), ("Total Deductions", "deductions", "790.04"),
              ("Net Pay", "net", "2,459.96")]
    y = 700.0
    for label, name, value in fields:
        c.drawString(40, y, label)
        c.acroForm.textfield(name=name, value=value, x=200, y=y - 3, width=150, height=14, fontName="Helvetica",
                             fontSize=9, borderWidth=0)
        y -= 22
    c.save()
    f = analyse_file("s", "filled.pdf", "paystub", buf.getvalue())
    assert f.pay_stub is not None
    assert (f.pay_stub.gross, f.pay_stub.deductions, f.pay_stub.net, f.pay_stub.pay_date) == (
        3250.0, 790.04, 2459.96, "2026-03-20")
    assert f.name_on_document == "Priya Raman"
