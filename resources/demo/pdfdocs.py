"""Deterministic demo PDFs with reportlab (invariant mode, uncompressed pages) and the byte-level
edits the crafted fraud cases need: fixed metadata dates and a real incremental update."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

INVARIANT_DATE = b"D:20000101000000+00'00'"


@dataclass
class Stub:
    employer: str
    employer_address: str
    employee: str
    employee_id: str
    position: str
    period_start: str
    period_end: str
    pay_date: str
    frequency: str  # label printed, e.g. "Bi-weekly"
    gross: float
    deductions: list[tuple[str, float]]
    net: float
    ytd_gross: float
    hours: float | None = None
    rate: float | None = None
    layout: str = "labels"  # labels | table
    status: str = "Full-time"
    net_font: str | None = None  # crafted case: the net pay retyped in another font


@dataclass
class Statement:
    bank: str
    holder: str
    address: str
    account: str
    period_start: str
    period_end: str
    opening: float
    rows: list[tuple[str, str, float, float]]  # date, description, signed amount, running balance
    closing: float
    total_deposits: float = 0.0
    total_withdrawals: float = 0.0


@dataclass
class Letter:
    employer: str
    employer_address: str
    date: str
    body: list[str] = field(default_factory=list)
    signer: str = ""
    signer_title: str = ""


def fmt(value: float) -> str:
    return f"${value:,.2f}" if value >= 0 else f"-${-value:,.2f}"


def _canvas(buf: io.BytesIO, producer: str | None, creator: str | None, title: str) -> object:
    from reportlab.lib.pagesizes import LETTER
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(buf, pagesize=LETTER, invariant=1, pageCompression=0)
    if producer:
        c.setProducer(producer)
    if creator:
        c.setCreator(creator)
    c.setTitle(title)
    c.setAuthor("")
    return c


def paystub_pdf(stub: Stub, producer: str | None = None, creator: str | None = None) -> bytes:
    buf = io.BytesIO()
    c = _canvas(buf, producer, creator, "Earnings Statement")
    y = 740.0

    def line(text: str, x: float = 60, size: int = 10, bold: bool = False, font: str | None = None) -> None:
        nonlocal y
        c.setFont(font or ("Helvetica-Bold" if bold else "Helvetica"), size)  # type: ignore[attr-defined]
        c.drawString(x, y, text)  # type: ignore[attr-defined]
        y -= size + 6

    line(stub.employer, size=14, bold=True)
    line(stub.employer_address, size=9)
    y -= 8
    line("EARNINGS STATEMENT", size=12, bold=True)
    line(f"Employer: {stub.employer}")
    line(f"Employee: {stub.employee}")
    line(f"Employee ID: {stub.employee_id}")
    line(f"Position: {stub.position} ({stub.status})")
    line(f"Pay Period: {stub.period_start} to {stub.period_end}")
    line(f"Pay Date: {stub.pay_date}")
    line(f"Pay Frequency: {stub.frequency}")
    if stub.hours is not None and stub.rate is not None:
        line(f"Hours: {stub.hours:g} at {fmt(stub.rate)} per hour")
    y -= 8
    total_ded = round(sum(a for _, a in stub.deductions), 2)
    if stub.layout == "table":
        rows = [("Gross Pay", stub.gross, stub.ytd_gross)]
        rows += [(name, amount, None) for name, amount in stub.deductions]
        rows += [("Total Deductions", total_ded, None), ("Net Pay", stub.net, None)]
        c.setFont("Helvetica-Bold", 10)  # type: ignore[attr-defined]
        c.drawString(60, y, "Description")  # type: ignore[attr-defined]
        c.drawString(300, y, "Current")  # type: ignore[attr-defined]
        c.drawString(420, y, "Year to Date")  # type: ignore[attr-defined]
        y -= 16
        c.setFont("Helvetica", 10)  # type: ignore[attr-defined]
        for label, current, ytd in rows:
            text = f"{label}   {current:,.2f}" + (f"   {ytd:,.2f}" if ytd is not None else "")
            c.drawString(60, y, text)  # type: ignore[attr-defined]
            y -= 16
    else:
        line(f"Gross Pay: {fmt(stub.gross)}", bold=True)
        for name, amount in stub.deductions:
            line(f"{name}: {fmt(amount)}", x=80)
        line(f"Total Deductions: {fmt(total_ded)}")
        line(f"Net Pay: {fmt(stub.net)}", bold=True, font=stub.net_font)
        y -= 8
        line(f"YTD Gross: {fmt(stub.ytd_gross)}")
    y -= 10
    line("Direct deposit. Keep this statement for your records.", size=8)
    c.showPage()  # type: ignore[attr-defined]
    c.save()  # type: ignore[attr-defined]
    return buf.getvalue()


def statement_pdf(st: Statement, producer: str | None = None, creator: str | None = None) -> bytes:
    buf = io.BytesIO()
    c = _canvas(buf, producer, creator, "Account Statement")
    y = 740.0

    def line(text: str, x: float = 60, size: int = 10, bold: bool = False) -> None:
        nonlocal y
        c.setFont("Helvetica-Bold" if bold else "Helvetica", size)  # type: ignore[attr-defined]
        c.drawString(x, y, text)  # type: ignore[attr-defined]
        y -= size + 5

    line(st.bank, size=14, bold=True)
    line("ACCOUNT STATEMENT", size=12, bold=True)
    line(f"Account Holder: {st.holder}")
    line(f"Address: {st.address}", size=9)
    line(f"Account Number: {st.account}")
    line(f"Statement Period: {st.period_start} to {st.period_end}")
    line(f"Opening Balance: {fmt(st.opening)}", bold=True)
    y -= 6
    line("Date        Description                          Amount        Balance", bold=True)
    for day, desc, amount, balance in st.rows:
        line(f"{day}  {desc}  {amount:,.2f}  {balance:,.2f}", size=9)
    y -= 6
    line(f"Total Deposits: {fmt(st.total_deposits)}")
    line(f"Total Withdrawals: {fmt(st.total_withdrawals)}")
    line(f"Closing Balance: {fmt(st.closing)}", bold=True)
    c.showPage()  # type: ignore[attr-defined]
    c.save()  # type: ignore[attr-defined]
    return buf.getvalue()


def letter_pdf(letter: Letter, producer: str | None = None, creator: str | None = None) -> bytes:
    from reportlab.lib.utils import simpleSplit

    buf = io.BytesIO()
    c = _canvas(buf, producer, creator, "Employment Verification")
    y = 740.0
    c.setFont("Helvetica-Bold", 14)  # type: ignore[attr-defined]
    c.drawString(60, y, letter.employer)  # type: ignore[attr-defined]
    y -= 16
    c.setFont("Helvetica", 9)  # type: ignore[attr-defined]
    c.drawString(60, y, letter.employer_address)  # type: ignore[attr-defined]
    y -= 30
    c.setFont("Helvetica", 11)  # type: ignore[attr-defined]
    for paragraph in [letter.date, "To whom it may concern,", *letter.body, "Sincerely,",
                      letter.signer, letter.signer_title]:
        for chunk in simpleSplit(paragraph, "Helvetica", 11, 480) or [""]:
            c.drawString(60, y, chunk)  # type: ignore[attr-defined]
            y -= 15
        y -= 8
    c.showPage()  # type: ignore[attr-defined]
    c.save()  # type: ignore[attr-defined]
    return buf.getvalue()


def _pdf_date(iso: str) -> bytes:
    """``2026-10-09T16:05:00`` → ``D:20261009160500+00'00'`` (same length as reportlab's)."""
    digits = re.sub(r"\D", "", iso)[:14].ljust(14, "0")
    return f"D:{digits}+00'00'".encode("ascii")


def set_dates(pdf: bytes, created: str, modified: str | None = None) -> bytes:
    """Replace reportlab's invariant dates in place (same byte length: the xref stays valid)."""
    new_created, new_modified = _pdf_date(created), _pdf_date(modified or created)
    assert len(new_created) == len(INVARIANT_DATE)
    pdf = pdf.replace(b"/CreationDate (" + INVARIANT_DATE + b")", b"/CreationDate (" + new_created + b")", 1)
    return pdf.replace(b"/ModDate (" + INVARIANT_DATE + b")", b"/ModDate (" + new_modified + b")", 1)


def _escape(text: str) -> bytes:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1")


def append_revision(pdf: bytes, replacements: Sequence[tuple[str, str]]) -> bytes:
    """Append a real incremental update that rewrites the page content stream holding the first
    ``old`` text: new object version, new xref section, trailer with ``/Prev``, ``%%EOF``."""
    first_old = _escape(replacements[0][0])
    hit = pdf.find(first_old)
    if hit < 0:
        raise ValueError(f"text {replacements[0][0]!r} not found in the PDF")
    obj_at = pdf.rfind(b" 0 obj", 0, hit)
    line_start = pdf.rfind(b"\n", 0, obj_at) + 1
    number = int(pdf[line_start:obj_at])
    s = pdf.index(b"stream\n", obj_at) + len(b"stream\n")
    e = pdf.index(b"endstream", s)
    content = pdf[s:e]
    for old, new in replacements:
        content = content.replace(_escape(old), _escape(new))
    if not pdf.endswith(b"\n"):
        pdf += b"\n"
    body_at = len(pdf)
    obj = (
        b"%d 0 obj\n<<\n/Length %d\n>>\nstream\n" % (number, len(content)) + content
        + b"endstream\nendobj\n"
    )
    xref_at = body_at + len(obj)
    prev = int(re.findall(rb"startxref\s+(\d+)", pdf)[-1])
    tail = pdf[pdf.rfind(b"trailer"):]
    root = re.search(rb"/Root\s+(\d+ \d+ R)", tail)
    info = re.search(rb"/Info\s+(\d+ \d+ R)", tail)
    size = re.search(rb"/Size\s+(\d+)", tail)
    ident = re.search(rb"/ID\s*(\[[^\]]*\])", tail)
    assert root and info and size
    trailer = b"/Size %s /Root %s /Info %s /Prev %d" % (size.group(1), root.group(1), info.group(1), prev)
    if ident:
        trailer += b" /ID " + ident.group(1)
    update = (
        obj
        + b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \n" % (number, body_at)
        + b"trailer\n<<\n" + trailer + b"\n>>\nstartxref\n%d\n%%%%EOF\n" % xref_at
    )
    return pdf + update
