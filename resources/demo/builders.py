"""Each demo applicant's documents as bytes, including the crafted (tampered) ones."""

from __future__ import annotations

import importlib.util
import random
import sys
import unicodedata
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

_HERE = Path(__file__).resolve().parent


def _sibling(name: str) -> ModuleType:
    key = f"_leaselab_demo_{name}"
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, _HERE / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    spec.loader.exec_module(module)
    return module


pdfdocs = _sibling("pdfdocs")
images = _sibling("images")

PAY_DATES = (("2026-09-26", "2026-10-09", "2026-10-09"), ("2026-10-10", "2026-10-23", "2026-10-23"))
PAYDAYS_BEFORE_FIRST = 21  # bi-weekly paydays in 2026 up to and including 2026-10-09
BANK = "Maple Trust Bank"
BANK_ADDRESS = "200 Bay St, Toronto, ON M5J 2J2"
PAYROLL_META = {
    "Ceridian Dayforce": (None, "Ceridian Dayforce Payroll"),
    "ADP Workforce Now": ("iText 7.2.5 (AGPL version) 2000-2023 iText Group NV", "ADP Workforce Now"),
}
WORD = "Microsoft® Word for Microsoft 365"
MIME = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".png": "image/png"}


def ascii_fold(text: str) -> str:
    norm = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in norm if ch.isalnum() and not unicodedata.combining(ch))


def mime_of(file_name: str) -> str:
    return MIME.get(Path(file_name).suffix.lower(), "application/octet-stream")


def _long_date(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d:%B} {d.day}, {d.year}"


def _gross(p: Any) -> float:
    if p.hourly:
        return round(p.hourly * p.hours, 2)
    return round(p.annual / 26, 2)


def _stub(p: Any, index: int) -> Any:
    start, end, pay = PAY_DATES[index]
    gross = _gross(p)
    deductions = [
        ("Federal Income Tax", round(gross * 0.12, 2)),
        ("Provincial Income Tax", round(gross * 0.055, 2)),
        ("CPP", round(gross * 0.0595, 2)),
        ("EI", round(gross * 0.0164, 2)),
    ]
    net = round(gross - sum(a for _, a in deductions), 2)
    part_time = bool(p.hourly) or p.employment_status == "student"
    return pdfdocs.Stub(
        employer=p.employer,
        employer_address=f"{500 + p.n * 11} Commerce Blvd, Toronto, ON",
        employee=p.name.upper() if p.layout == "table" else p.name,
        employee_id=f"E-{1000 + p.n * 37}",
        position=p.position,
        period_start=start,
        period_end=end,
        pay_date=pay,
        frequency="Bi-weekly",
        gross=gross,
        deductions=deductions,
        net=net,
        ytd_gross=round(gross * (PAYDAYS_BEFORE_FIRST + index), 2),
        hours=p.hours if p.hourly else None,
        rate=p.hourly,
        layout=p.layout,
        status="Part-time" if part_time else "Full-time",
    )


def _paystub_bytes(p: Any, stub: Any) -> bytes:
    producer, creator = PAYROLL_META.get(p.payroll, (None, p.payroll))
    return pdfdocs.set_dates(pdfdocs.paystub_pdf(stub, producer, creator), f"{stub.pay_date}T06:00:00")


def _statement(p: Any, stubs: list[Any]) -> Any:
    moves: list[tuple[str, str, float]] = [
        ("2026-10-01", "RENT PAYMENT E-TRANSFER", -p.current_rent)
    ]
    if p.assistance:
        moves.append(("2026-10-01", "ODSP DEPOSIT", p.assistance))
    moves.append(("2026-10-03", "GROCERY FRESHCO", -round(96.40 + p.n * 3.17, 2)))
    if stubs:
        moves.append((stubs[0].pay_date, f"PAYROLL DEPOSIT {p.employer.upper()}", stubs[0].net))
    moves += [("2026-10-12", "TORONTO HYDRO", -72.15), ("2026-10-15", "ROGERS WIRELESS", -65.00),
              ("2026-10-18", "GROCERY NO FRILLS", -round(88.25 + p.n * 2.11, 2))]
    if len(stubs) > 1:
        moves.append((stubs[1].pay_date, f"PAYROLL DEPOSIT {p.employer.upper()}", stubs[1].net))
    moves.append(("2026-10-27", "TTC PRESTO RELOAD", -156.00))
    if p.savings > 3000:
        moves.append(("2026-10-29", "TRANSFER TO SAVINGS", -200.00))
    balance = p.savings
    rows = []
    for day, desc, amount in moves:
        balance = round(balance + amount, 2)
        rows.append((day, desc, round(amount, 2), balance))
    return pdfdocs.Statement(
        bank=BANK, holder=p.name, address=f"{100 + p.n * 7} Demo Street, Unit {p.n}, Toronto, ON",
        account=f"****{4100 + p.n * 13}", period_start="2026-10-01", period_end="2026-10-31",
        opening=p.savings, rows=rows, closing=balance,
        total_deposits=round(sum(a for _, _, a in moves if a > 0), 2),
        total_withdrawals=round(-sum(a for _, _, a in moves if a < 0), 2),
    )


def _statement_bytes(st: Any, created: str = "2026-11-01T03:00:00", modified: str | None = None) -> bytes:
    pdf = pdfdocs.statement_pdf(st, "Apache FOP Version 2.8", "Maple Trust eStatements")
    return pdfdocs.set_dates(pdf, created, modified)


def _letter_bytes(p: Any, name: str) -> bytes:
    since = _long_date(p.start)
    if p.hourly:
        body = [
            f"This letter confirms that {name} has been employed part-time with {p.employer} as a "
            f"{p.position} since {since}, working approximately {p.hours / 2:g} hours per week at "
            f"${p.hourly:.2f} per hour.",
        ]
    else:
        basis = "part-time" if p.employment_status == "student" else "full-time, permanent"
        body = [
            f"This letter confirms that {name} has been employed with {p.employer} as a "
            f"{p.position} since {since}, on a {basis} basis.",
            f"The annual base salary for this position is ${p.annual:,.2f}, paid bi-weekly.",
        ]
    body.append("Please contact Human Resources at 416-555-0199 should you require further information.")
    letter = pdfdocs.Letter(
        employer=p.employer, employer_address=f"{500 + p.n * 11} Commerce Blvd, Toronto, ON",
        date="November 5, 2026", body=body, signer="Jamie Ellis", signer_title="Human Resources Manager",
    )
    return pdfdocs.set_dates(pdfdocs.letter_pdf(letter, WORD, WORD), "2026-11-05T14:20:00")


def documents_for(p: Any) -> list[tuple[str, str, bytes]]:
    """(file name, file type, bytes) for one applicant, crafted case applied."""
    out: list[tuple[str, str, bytes]] = []
    kinds = list(p.docs)
    stubs = [_stub(p, i) for i in range(kinds.count("paystub"))]
    if p.case == "ytd_discontinuity":
        stubs[1].ytd_gross = round(stubs[1].ytd_gross + 12_000.0, 2)
    if p.case == "paystub_arithmetic":
        stubs[1].net = round(stubs[1].net + 600.0, 2)
    for i, stub in enumerate(stubs):
        name = f"paystub_{stub.pay_date}.pdf"
        data = _paystub_bytes(p, stub)
        if p.case == "editing_software" and i == 1:
            photoshop = "Adobe Photoshop 25.0 (Windows)"
            stub.net_font = "Times-Bold"
            data = pdfdocs.set_dates(pdfdocs.paystub_pdf(stub, photoshop, photoshop), f"{stub.pay_date}T06:00:00")
        if p.case == "incremental_revision" and i == 1:
            old = f"Net Pay: {pdfdocs.fmt(stub.net)}"
            data = pdfdocs.append_revision(data, [(old, f"Net Pay: {pdfdocs.fmt(stub.net + 2000)}")])
        if p.case == "mislabelled_file" and i == 1:
            data = images.document_photo(
                [stub.employer, "EARNINGS STATEMENT", f"Employee: {p.name}", f"Pay Date: {stub.pay_date}",
                 f"Gross Pay: {pdfdocs.fmt(stub.gross)}", f"Net Pay: {pdfdocs.fmt(stub.net)}"]
            )
        out.append((name, "paystub", data))
    if "bank_statement" in kinds:
        st = _statement(p, stubs)
        if p.case == "bank_balance_mismatch":
            rows = [(d, desc, a, round(b + 5000.0, 2) if i >= 4 else b) for i, (d, desc, a, b) in enumerate(st.rows)]
            st.rows, st.closing = rows, round(st.closing + 5000.0, 2)
        modified = "2026-11-14T21:14:00" if p.case == "date_mismatch" else None
        data = _statement_bytes(st, modified=modified)
        if p.case == "corrupt_file":
            rng = random.Random(17)
            data = data[:64] + bytes(rng.getrandbits(8) for _ in range(len(data) - 64))
        out.append(("bank_statement_2026-10.pdf", "bank_statement", data))
    if "employment_letter" in kinds:
        name = "Rebecca Thompson" if p.case == "name_mismatch" else p.name
        out.append(("employment_letter.pdf", "employment_letter", _letter_bytes(p, name)))
    if "government_id" in kinds:
        ext = "png" if p.id_format == "PNG" else "jpg"
        card = images.id_card(p.name, f"P{p.n:04d}-{31337 * p.n % 100000:05d}", fmt=p.id_format)
        out.append((f"photo_id.{ext}", "government_id", card))
    return out


def apply_cross_lead_cases(everyone: list[Any], built: dict[int, list[tuple[str, str, bytes]]]) -> None:
    """The reused-file case: lead 14 uploads lead 13's bank statement (identical bytes)."""
    by_case = {p.case: p for p in everyone}
    original, copy = by_case.get("file_reused_original"), by_case.get("file_reused_copy")
    if original is None or copy is None:
        return
    source = next(d for n, t, d in built[original.n] if t == "bank_statement")
    built[copy.n] = [
        ("bank_statement_october.pdf", t, source) if t == "bank_statement" else (n, t, d)
        for n, t, d in built[copy.n]
    ]
