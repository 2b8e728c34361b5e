"""Damaged documents never raise: seeded byte flips, truncations and cuts of real PDFs/images."""

from __future__ import annotations

import random
import time

import doc_builders as b

from leaselab_desktop.domain.models import Lead
from leaselab_desktop.screening.documents import analyse_file
from leaselab_desktop.screening.facts import DocumentFacts
from leaselab_desktop.screening.signals import detect_signals


def test_mutated_documents_never_raise() -> None:
    pdfdocs = b.load_demo_module("pdfdocs")
    seeds = [
        b.text_pdf(["Gross Pay: $1,000.00", "Total Deductions: $200.00", "Net Pay: $800.00"]),
        b.compressed_pdf(["Opening Balance: $10.00", "2026-10-01 PAYROLL 5.00 15.00"]),
        pdfdocs.append_revision(b.text_pdf(["Net Pay: $800.00"]), [("Net Pay: $800.00", "Net Pay: $900.00")]),
        b.image_bytes("JPEG", software="GIMP"),
        b.image_bytes("PNG", software="x"),
    ]
    rng = random.Random(20261125)
    lead = Lead(id="L", first_name="A", last_name="B", monthly_income=1000.0)
    outcomes: dict[str | None, int] = {}
    worst = 0.0
    for _ in range(150):
        data = bytearray(rng.choice(seeds))
        op = rng.random()
        if op < 0.3:
            data = data[: rng.randrange(len(data))]
        elif op < 0.7:
            for _ in range(rng.randrange(1, 20)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        else:
            a = rng.randrange(len(data))
            data = data[:a] + data[rng.randrange(a, len(data)):]
        t0 = time.perf_counter()
        facts = analyse_file("f", "doc.pdf", "paystub", bytes(data))
        detect_signals(lead, [facts], {})
        worst = max(worst, time.perf_counter() - t0)
        assert isinstance(facts, DocumentFacts)
        assert (facts.error is None) == (facts.error_message is None)
        outcomes[facts.error] = outcomes.get(facts.error, 0) + 1
    print(f"\nfuzz outcomes {outcomes}; slowest {worst * 1000:.0f} ms")
    assert outcomes.get("corrupt", 0) > 0


def test_odd_words_never_break_layout_reading() -> None:
    """Random OCR-like words (empty, overlapping, zero-size, inverted boxes, label soup, huge
    numbers) give a result or nothing, never an exception, and the result stays JSON-able."""
    from leaselab_desktop.screening.documents.layout import read_document
    from leaselab_desktop.screening.documents.words import PageWords, Word

    vocab = ["Gross", "Pay", "GrossPay", "Net", "YTD", "Current", "Balance", "Date", "Amount", "CR",
             "(1,234.50)", "1 234,56 $", "9" * 40, "2026-13-45", "2026-09-01to2026-09-30", "", " ",
             "Deposits", "Withdrawals", "Opening balance", "Carried forward", "Employee:", "ÉÉ", "-",
             "$", "12,50", "Période de paie", "Salaire brut", "Oct 02", "DR", "0.00"]
    rng = random.Random(77)
    for _ in range(300):
        words = []
        for _ in range(rng.randrange(0, 60)):
            x, y = rng.uniform(-50, 700), rng.uniform(-50, 900)
            w, h = rng.choice([0.0, rng.uniform(-20, 200)]), rng.choice([0.0, rng.uniform(-5, 30)])
            words.append(Word(rng.choice(vocab), rng.randrange(0, 3), x, y, x + w, y + h,
                              rng.random()))
        pages = [PageWords(p, 612, 792, "ocr", [w for w in words if w.page == p]) for p in range(3)]
        facts = DocumentFacts(file_id="f", file_name="x.jpg", declared_type=rng.choice(
            ["paystub", "bank_statement", "other"]), sha256="", md5="", size=1)
        read_document(facts, pages)
        facts.model_dump_json()
