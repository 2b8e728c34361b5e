"""The generic reading rules the held-out corpus (tests/heldout/) called for, each on a PDF that
reportlab lays out here (not our code), with what the page prints as the expected value, and a
control that shows the rule does not overreach:

- a document title set on the letterhead's row does not hide the letterhead (the employer);
- a transposed summary (Gross Pay | Total Deductions | Net Pay across, rows headed Current / Year
  to Date) gives each figure its row's role, whatever the row order;
- a date range wrapped in a narrow table cell is read whole;
- one word after a holder-like label ("Member FDIC") is not the account holder;
- "Date du versement" labels a French pay date.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from leaselab_desktop.screening.documents import analyse_file
from leaselab_desktop.screening.facts import DocumentFacts

Row = tuple[float, list[tuple[float, str]]]  # (baseline from the top, [(x, text)])


def _canvas_pdf(rows: list[Row], big_first: bool = True) -> bytes:
    """Text placed at fixed points: the first row in a large bold face (a letterhead)."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter, invariant=True)
    height = letter[1]
    for n, (y, cells) in enumerate(rows):
        for x, text in cells:
            c.setFont("Helvetica-Bold", 15) if n == 0 and big_first and x < 300 else c.setFont("Helvetica", 9)
            c.drawString(x, height - y, text)
    c.save()
    return buf.getvalue()


def _tables_pdf(*tables: Sequence[Sequence[object]], widths: list[list[float] | None] | None = None) -> bytes:
    buf = io.BytesIO()
    story: list[object] = []
    for i, rows in enumerate(tables):
        table = Table([list(r) for r in rows], colWidths=(widths[i] if widths else None), hAlign="LEFT")
        story += [table, Spacer(1, 14)]
    SimpleDocTemplate(buf, pagesize=letter, invariant=True).build(story)  # type: ignore[arg-type]
    return buf.getvalue()


def _read(data: bytes, declared: str) -> DocumentFacts:
    facts = analyse_file("doc.pdf", "doc.pdf", declared, data)
    assert facts.error is None, facts.error_message
    return facts


STUB_BODY: list[Row] = [
    (110, [(40, "Employee"), (130, "Dana Whitcombe"), (320, "Check Date"), (400, "2026-04-17")]),
    (124, [(40, "Pay Period"), (130, "2026-03-29 to 2026-04-11")]),
    (150, [(40, "Gross Pay"), (330, "3,100.00")]),
    (164, [(40, "Total Deductions"), (330, "802.45")]),
    (178, [(40, "Net Pay"), (330, "2,297.55")]),
]


def test_a_title_on_the_letterheads_row_leaves_the_letterhead_the_employer() -> None:
    pdf = _canvas_pdf([(50, [(40, "Harbour Lane Outfitters LLC"), (430, "EARNINGS STATEMENT")]),
                       (66, [(40, "17 Quay Street, Halifax NS")]), *STUB_BODY])
    f = _read(pdf, "paystub")
    assert f.kind == "paystub" and f.employer == "Harbour Lane Outfitters LLC"


def test_two_names_side_by_side_are_no_letterhead() -> None:
    """Only a title beside it is set aside: two company names on one row say nothing about which
    one employs the applicant."""
    pdf = _canvas_pdf([(50, [(40, "Harbour Lane Outfitters LLC"), (400, "Quayside Payroll Inc.")]),
                       (66, [(40, "17 Quay Street, Halifax NS")]), *STUB_BODY])
    f = _read(pdf, "paystub")
    assert f.pay_stub is not None and f.pay_stub.gross == 3100.0
    assert f.employer not in ("Harbour Lane Outfitters LLC", "Quayside Payroll Inc.")


def _summary(rows: list[list[object]]) -> bytes:
    head = [["Employee", "Dana Whitcombe", "Pay Date", "2026-04-17"],
            ["Pay Period", "2026-03-29 to 2026-04-11", "", ""]]
    return _tables_pdf(head, [["", "Gross Pay", "Total Deductions", "Net Pay"], *rows],
                       widths=[None, [110, 110, 130, 110]])


def test_a_transposed_summary_gives_each_row_its_role() -> None:
    f = _read(_summary([["Current", "3,100.00", "802.45", "2,297.55"],
                        ["Year to Date", "21,700.00", "5,617.15", "16,082.85"]]), "paystub")
    s = f.pay_stub
    assert s is not None
    assert (s.gross, s.deductions, s.net, s.ytd_gross) == (3100.0, 802.45, 2297.55, 21700.0)


def test_the_row_header_not_the_row_order_decides() -> None:
    f = _read(_summary([["Year to Date", "21,700.00", "5,617.15", "16,082.85"],
                        ["Current", "3,100.00", "802.45", "2,297.55"]]), "paystub")
    s = f.pay_stub
    assert s is not None
    assert (s.gross, s.net, s.ytd_gross) == (3100.0, 2297.55, 21700.0)


def test_a_summary_without_row_headers_reads_its_first_row_only() -> None:
    f = _read(_summary([["", "3,100.00", "802.45", "2,297.55"]]), "paystub")
    s = f.pay_stub
    assert s is not None and (s.gross, s.net, s.ytd_gross) == (3100.0, 2297.55, None)


def test_a_date_range_wrapped_in_its_cell_is_read_whole() -> None:
    style = getSampleStyleSheet()["Normal"]
    period = Paragraph("March 16, 2026 to March 31, 2026", style)
    pdf = _tables_pdf([["Employee Name", "Anjali Rao", "Pay Period", period],
                       ["Position", "Hygienist", "Payment Date", "March 31, 2026"]],
                      [["Gross Pay", "2,562.50"], ["Net Pay", "1,888.81"]],
                      widths=[[90, 110, 80, 110], None])
    f = _read(pdf, "paystub")
    s = f.pay_stub
    assert s is not None
    assert (s.period_start, s.period_end, s.pay_date) == ("2026-03-16", "2026-03-31", "2026-03-31")


def test_the_next_rows_date_is_not_taken_for_a_wrapped_value() -> None:
    """A date under the value with its own label is the next field, not the rest of this one."""
    pdf = _canvas_pdf([(50, [(40, "Pay Statement")]), (80, [(40, "Pay Period"), (140, "Since March 16, 2026")]),
                       (91, [(40, "Pay Date"), (140, "March 31, 2026")]),
                       (120, [(40, "Gross Pay"), (330, "2,562.50")]), (134, [(40, "Net Pay"), (330, "1,888.81")])],
                      big_first=False)
    s = _read(pdf, "paystub").pay_stub
    assert s is not None and s.pay_date == "2026-03-31" and s.period_end != "2026-03-31"


STATEMENT_TABLE = [["Date", "Description", "Amount", "Balance"],
                   ["04/03/2026", "PAYROLL DEPOSIT", "+1,500.00", "2,410.00"],
                   ["04/09/2026", "GROCERY", "-75.25", "2,334.75"]]


def _statement(top: list[Row]) -> bytes:
    rows: list[Row] = [*top, (170, [(40, "Statement Period: April 1, 2026 through April 30, 2026")]),
            (184, [(40, "Beginning Balance"), (300, "910.00")]), (198, [(40, "Ending Balance"), (300, "2,334.75")]),
            (230, [(40, "Date"), (110, "Description"), (300, "Amount"), (380, "Balance")])]
    for n, (day, text, amount, balance) in enumerate(STATEMENT_TABLE[1:]):
        rows.append((246 + 14 * n, [(40, str(day)), (110, str(text)), (300, str(amount)), (380, str(balance))]))
    return _canvas_pdf(rows)


def test_member_fdic_is_not_the_account_holder() -> None:
    f = _read(_statement([(50, [(40, "Lakeside Home Savings")]), (64, [(40, "Member FDIC")]),
                          (100, [(40, "Priscilla Overton")]), (112, [(40, "48 Juniper Court")]),
                          (124, [(40, "Madison, WI 53703")])]), "bank_statement")
    assert f.kind == "bank_statement" and f.name_on_document == "Priscilla Overton"
    assert f.bank_statement is not None and f.bank_statement.closing_balance == 2334.75


def test_a_labelled_holder_after_member_fdic_is_still_found() -> None:
    f = _read(_statement([(50, [(40, "Lakeside Home Savings")]), (64, [(40, "Member FDIC")]),
                          (100, [(40, "Account Holder:"), (130, "Priscilla Overton")])]), "bank_statement")
    assert f.name_on_document == "Priscilla Overton"


def test_date_du_versement_labels_the_pay_date() -> None:
    pdf = _tables_pdf([["Employé(e) :", "Mélodie Roy", "Date du versement :", "2026-03-26"],
                       ["Période :", "du 2026-03-08 au 2026-03-21", "", ""]],
                      [["Salaire brut", "2 055,00 $"], ["Total des retenues", "585,68 $"],
                       ["Salaire net", "1 469,32 $"]])
    s = _read(pdf, "paystub").pay_stub
    assert s is not None and s.pay_date == "2026-03-26" and s.gross == 2055.0
