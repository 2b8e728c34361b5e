"""Zero medium/high signals on a seeded variety of clean documents: different layouts, amounts,
pay frequencies, producers, name spellings and statement shapes."""

from __future__ import annotations

import random

import doc_builders as b

from leaselab_desktop.domain.models import Lead
from leaselab_desktop.screening.documents import analyse_file
from leaselab_desktop.screening.signals import detect_signals

FIRST = ["Jane", "Marc-André", "Zoë", "Olu", "Siobhán", "Li", "José", "Anne-Marie"]
LAST = ["Public", "Lévesque", "O'Brien", "Nguyen", "Müller", "Okafor", "García", "St-Pierre"]
EMPLOYERS = ["Acme Widgets Ltd.", "Northwind Analytics Inc.", "TD Bank Group", "City of Mississauga"]
PRODUCERS = [
    (None, "Ceridian Dayforce Payroll"),
    ("iText 7.2.5 (AGPL version)", "ADP Workforce Now"),
    ("Microsoft® Word for Microsoft 365", "Microsoft® Word for Microsoft 365"),
    ("macOS Version 14.1 (Build 23B74) Quartz PDFContext", "Pages"),
    ("Skia/PDF m119", "Chromium"),
]
FREQ = [("Weekly", 7, 52), ("Bi-weekly", 14, 26), ("Semi-monthly", 15, 24), ("Monthly", 30, 12)]


def _applicant(
    rng: random.Random, n: int, tamper: str | None = None
) -> tuple[Lead, list[tuple[str, str, bytes]]]:
    pdfdocs = b.load_demo_module("pdfdocs")
    first, last = rng.choice(FIRST), rng.choice(LAST)
    employer = rng.choice(EMPLOYERS)
    label, days, per_year = rng.choice(FREQ)
    annual = round(rng.uniform(38_000, 160_000), 2)
    gross = round(annual / per_year, 2)
    printed = rng.choice([f"{first} {last}", f"{first.upper()} {last.upper()}", f"{last}, {first}",
                          f"{first} Q. {last}"])
    layout = rng.choice(["labels", "table"])
    producer, creator = rng.choice(PRODUCERS)
    files: list[tuple[str, str, bytes]] = []
    ytd = gross * rng.randrange(3, 20)
    for i in range(2):
        ded = [("Income Tax", round(gross * rng.uniform(0.1, 0.25), 2)), ("CPP", round(gross * 0.0595, 2)),
               ("EI", round(gross * 0.0164, 2))]
        net = round(gross - sum(a for _, a in ded), 2)
        ytd = round(ytd + gross, 2)
        if tamper == "net" and i == 1:
            net = round(net + rng.choice([-1, 1]) * rng.uniform(0.05, 900), 2)
        if tamper == "ytd" and i == 1:
            ytd = round(ytd + rng.uniform(50, 9000), 2)
        pay_day = f"2026-{7 + i}-{10 + (days % 5)}" if days >= 28 else f"2026-08-{1 + i * days:02d}"
        pay_day = "-".join(part.zfill(2) for part in pay_day.split("-"))
        stub = pdfdocs.Stub(employer=employer, employer_address="1 Main St, Toronto, ON", employee=printed,
                            employee_id=f"E{n}", position="Analyst", period_start=pay_day, period_end=pay_day,
                            pay_date=pay_day, frequency=label, gross=gross, deductions=ded, net=net,
                            ytd_gross=ytd, layout=layout)
        pdf = pdfdocs.paystub_pdf(stub, producer, creator)
        files.append((f"stub{i}.pdf", "paystub", pdfdocs.set_dates(pdf, f"{pay_day}T0{rng.randrange(10)}:00:00")))
    balance = round(rng.uniform(-200, 20_000), 2)
    opening = balance
    rows = []
    for day in range(1, 29, rng.randrange(2, 6)):
        amount = round(rng.choice([1, -1]) * rng.uniform(5, 2500), 2)
        balance = round(balance + amount, 2)
        desc = rng.choice(["PAYROLL DEPOSIT", "GROCERY", "E-TRANSFER", "HYDRO", "CASHIER'S CHEQUE", "ATM"])
        shown = round(balance + 1000, 2) if tamper == "balance" and day > 10 else balance
        rows.append((f"2026-09-{day:02d}", desc, amount, shown))
    st = pdfdocs.Statement(bank="Maple Trust Bank", holder=printed, address="1 Main St", account="****1234",
                           period_start="2026-09-01", period_end="2026-09-30", opening=opening, rows=rows,
                           closing=balance,
                           total_deposits=round(sum(a for _, _, a, _ in rows if a > 0), 2),
                           total_withdrawals=round(-sum(a for _, _, a, _ in rows if a < 0), 2))
    files.append(("statement.pdf", "bank_statement", pdfdocs.statement_pdf(st, producer, creator)))
    stated = round(annual / 12 * rng.uniform(0.92, 1.08), 2)
    lead = Lead(id=f"V{n}", first_name=first, last_name=last, employer=employer,
                employment_status="employed", monthly_income=stated)
    return lead, files


def test_clean_variety_has_no_medium_or_high_signal() -> None:
    rng = random.Random(4242)
    flagged: list[str] = []
    for n in range(25):
        lead, files = _applicant(rng, n)
        facts = [analyse_file(f"{n}-{i}", name, kind, data) for i, (name, kind, data) in enumerate(files)]
        assert all(f.error is None for f in facts)
        assert sum(1 for f in facts if f.pay_stub and f.pay_stub.net) == 2
        assert all(f.name_on_document and f.monthly_income_estimate for f in facts if f.kind == "paystub")
        statement = facts[2].bank_statement
        assert statement and statement.transactions and statement.total_deposits is not None
        assert all(bal is not None for _, _, bal in statement.transactions)
        for s in detect_signals(lead, facts, {}):
            if s.severity != "low":
                flagged.append(f"{lead.full_name}: {s.code} {s.evidence}")
    assert flagged == []


def test_tampered_variety_is_flagged() -> None:
    rng = random.Random(777)
    expected = {"net": "paystub_arithmetic", "ytd": "ytd_discontinuity", "balance": "bank_balance_mismatch"}
    missed: list[str] = []
    for n in range(18):
        tamper = list(expected)[n % 3]
        lead, files = _applicant(rng, n, tamper)
        facts = [analyse_file(f"t{n}-{i}", name, kind, data) for i, (name, kind, data) in enumerate(files)]
        codes = {s.code for s in detect_signals(lead, facts, {}) if s.severity != "low"}
        if expected[tamper] not in codes:
            missed.append(f"{n}:{tamper}")
    assert missed == []
