"""Writes (or checks) the layout reading's shared files from the Python layout package.

The labels and words both runtimes read are not written here: ``resources/documents/layout-vocab.json``
is their one copy (``layout/vocab.py`` loads it, the worker bundles it); edit it by hand.

- ``resources/documents/layout-cases.json``: inputs and what the Python reading makes of them
  (amounts, dates, label splits, and whole pages of words → pay stub / bank facts); the worker's
  ``test/layout.test.ts`` expects the same from its port, so the two readings cannot drift apart.
- with ``--corpus``, also ``worker/test/corpus-python-signals.json``: the signal codes and
  severities the desktop app raises on each born-digital corpus file (as bench/documents.py runs
  it); ``test/corpus.test.ts`` compares the worker's with them (about a minute of analysis).

    .venv/bin/python worker/scripts/layout_shared.py [--check] [--corpus]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from leaselab_desktop.screening.documents.layout import bank, lines, pairing, paystub, vocab  # noqa: E402
from leaselab_desktop.screening.documents.layout import text as ltext  # noqa: E402
from leaselab_desktop.screening.documents.words import PageWords, Word  # noqa: E402

CASES = REPO / "resources" / "documents" / "layout-cases.json"
CORPUS_SIGNALS = REPO / "worker" / "test" / "corpus-python-signals.json"

AMOUNTS = [
    "$4,250.00",
    "(120.00)",
    "1,900.00 CR",
    "1,900.00 DR",
    "-45.10",
    "45.10-",
    "4 250,00 $",
    "1 234,56",
    "2 382,00 $",
    "12.345,67",
    "CA$1,000",
    "40 hours",
    "2026-09-01 PAYROLL 2,000.00 3,000.00",
    "5.010.94",
    "Solde 1\u00a0234,56",
    "Net pay: $3,120.55",
    "Period 2026-09-01 to 2026-09-15 gross 4,250.00",
]
DATES = [
    "2026-09-01",
    "Sep 1 to Sep 30, 2026",
    "September 1 to September 30, 2026",
    "du 1er au 30 septembre 2026",
    "1 - 30 septembre 2026",
    "15/03/2026",
    "03/15/2026",
    "Oct 17, 2026",
    "17 oct. 2026",
    "1er mars 2026",
    "2026-09-01to2026-09-30",
    "Pay date: March 20, 2026",
    "31/02/2026",
]
DATE_ORDERS = [
    "03/15/2026 and 04/01/2026",
    "15/03/2026",
    "01/02/2026",
    "4410 Commerce Street, Dallas, TX 75226 Pay Date: 03/12/2026",  # a US address: month first
    "Pay Date: 03/12/2026 Social Security 69.87 Medicare 16.34",  # US payroll words
    "SocialSecurity 69.87 03/12/2026",  # OCR: no space
    "Toronto ON M5S 1G2 Pay Date: 03/12/2026",  # a Canadian postal code: day first
    "CPP 180.42 EI 53.30 Social Security 03/12/2026",  # Canadian and US words: day first
    "15/03/2026 Dallas, TX 75226",  # the date itself says
    "Certificate of notification 03/12/2026",  # "fica" inside words is no US word
    "Dallas, TX 75226",  # no numeric date
]
SPLITS: list[tuple[str, str]] = [
    ("Gross Pay", "GROSS"),
    ("Gross Pay: $4,250.00", "GROSS"),
    ("Net", "NET"),
    ("Netflix", "NET"),
    ("YTD Gross", "GROSS"),
    ("Gross YTD 12,000.00", "GROSS"),
    ("Salaire brut :", "GROSS"),
    ("Employee: Jane Doe", "EMPLOYEE"),
    ("Employee|Priya", "EMPLOYEE"),
    ("Employer", "EMPLOYEE"),
    ("Nom de l'employé(e)", "EMPLOYEE"),
    ("Solde d'ouverture", "OPENING"),
    ("Cumul brut", "GROSS"),
    ("Account holder Priya Raman", "HOLDER"),
    ("Statement period", "STATEMENT_PERIOD"),
]


def _page(rows: list[list[tuple[float, str]]], page: int = 0, pitch: float = 14.0,
          tops: list[float] | None = None) -> PageWords:
    """Words of a page from rows of (x, cell text): 5 points a character, 10 points high; rows
    ``pitch`` apart, or at ``tops`` (a value wrapped onto a line closer than a row)."""
    words: list[Word] = []
    for r, cells in enumerate(rows):
        top = tops[r] if tops else 40.0 + r * pitch
        for x, cell in cells:
            at = x
            for w in cell.split():
                words.append(Word(w, page, at, top, at + 5 * len(w), top + 10))
                at += 5 * (len(w) + 1)
    return PageWords(page, 612, 792, "text", words)


PAGES: dict[str, list[list[list[tuple[float, str]]]]] = {
    "stub_columns": [
        [
            [(40, "Lakeshore Logistics Inc.")],
            [(40, "Employee"), (140, "Priya Raman"), (300, "Pay date"), (400, "2026-09-15")],
            [(40, "Pay period"), (140, "2026-09-01 to 2026-09-15")],
            [(40, "Earnings"), (300, "Current"), (420, "Year to date")],
            [(40, "Gross pay"), (300, "4,250.00"), (420, "38,250.00")],
            [(40, "Federal tax"), (300, "612.40"), (420, "5,511.60")],
            [(40, "CPP"), (300, "243.10"), (420, "2,187.90")],
            [(40, "EI"), (300, "69.70"), (420, "627.30")],
            [(40, "Net pay"), (300, "3,324.80"), (420, "29,923.20")],
        ]
    ],
    "stub_fr": [
        [
            [(40, "Boulangerie Saint-Laurent ltée")],
            [(40, "Nom de l'employé"), (180, "Marc-André Tremblay")],
            [(40, "Période de paie"), (180, "du 1er au 14 mars 2026")],
            [(40, "Date de paie"), (180, "20 mars 2026")],
            [(40, "Salaire brut"), (400, "2 382,00 $")],
            [(40, "Retenues totales"), (400, "538,23 $")],
            [(40, "Salaire net"), (400, "1 843,77 $")],
            [(40, "Brut cumulatif"), (400, "11 626,31 $")],
        ]
    ],
    "stub_us_withholding": [
        [
            [(40, "Evergreen Freight Co.")],
            [(40, "Employee"), (140, "Jordan Okafor"), (300, "Pay date"), (400, "2026-03-20")],
            [(40, "Pay period"), (140, "2026-03-02 to 2026-03-15")],
            [(40, "Earnings"), (300, "Current"), (420, "YTD")],
            [(40, "Gross pay"), (300, "4,000.00"), (420, "24,000.00")],
            [(40, "Federal withholding"), (300, "480.00"), (420, "2,880.00")],
            [(40, "Social Security"), (140, "(OASDI)"), (300, "124.00"), (420, "744.00")],
            [(40, "FICA Medicare"), (300, "29.00"), (420, "174.00")],
            [(40, "Additional Medicare"), (300, "0.00"), (420, "0.00")],
            [(40, "Net pay"), (300, "3,367.00"), (420, "20,202.00")],
        ]
    ],
    "stub_qc_withholding": [
        [
            [(40, "Boulangerie Saint-Laurent ltée")],
            [(40, "Nom de l'employé"), (180, "Marc-André Tremblay")],
            [(40, "Période de paie"), (180, "du 1er au 14 mars 2026")],
            [(40, "Date de paie"), (180, "20 mars 2026")],
            [(40, "Gains"), (300, "Courant"), (420, "Cumulatif")],
            [(40, "Salaire brut"), (300, "2 382,00"), (420, "11 910,00")],
            [(40, "Impôt du Québec"), (300, "290,00"), (420, "1 450,00")],
            [(40, "Cotisation RRQ"), (300, "143,83"), (420, "719,15")],
            [(40, "RRQ2"), (300, "0,00"), (420, "0,00")],
            [(40, "Assurance-emploi"), (300, "30,97"), (420, "154,85")],
            [(40, "RQAP"), (300, "10,24"), (420, "51,20")],
            [(40, "Salaire net"), (300, "1 906,96"), (420, "9 534,80")],
        ]
    ],
    "bank_two_pages": [
        [
            [(40, "Maple Trust Bank")],
            [(40, "Account holder"), (160, "Jordan Okafor")],
            [(40, "Statement period"), (160, "March 1, 2026 to March 31, 2026")],
            [(40, "Opening balance"), (400, "2,598.37")],
            [(40, "Date"), (100, "Description"), (300, "Withdrawals"), (380, "Deposits"), (460, "Balance")],
            [(40, "03/02"), (100, "PAYROLL DEP"), (380, "3,500.00"), (460, "6,098.37")],
            [(40, "03/05"), (100, "RENT E-TRANSFER"), (300, "1,800.00"), (460, "4,298.37")],
            [(40, "03/09"), (100, "GROCERY"), (300, "143.83"), (460, "4,154.54")],
            [(100, "Balance carried forward"), (460, "4,154.54")],
        ],
        [
            [(100, "Balance brought forward"), (460, "4,054.54")],
            [(40, "Date"), (100, "Description"), (300, "Withdrawals"), (380, "Deposits"), (460, "Balance")],
            [(40, "03/20"), (100, "HYDRO"), (300, "900.00"), (460, "3,154.54")],
            [(40, "Closing balance"), (460, "3,154.54")],
        ],
    ],
    "bank_signed_amount": [
        [
            [(40, "Relevé de compte")],
            [(40, "Titulaire"), (160, "Olivier Bergeron")],
            [(40, "Période du relevé"), (160, "2026-03-01 au 2026-03-31")],
            [(40, "Solde d'ouverture"), (400, "2 638,48")],
            [(40, "Date"), (100, "Description"), (330, "Montant"), (440, "Solde")],
            [(40, "01/03"), (100, "DÉPÔT DIRECT PAIE"), (330, "1 850,00"), (440, "4 488,48")],
            [(40, "03/03"), (100, "NETFLIX.COM"), (330, "-17,00"), (440, "4 471,48")],
            [(40, "Solde de fermeture"), (440, "4 471,48")],
        ]
    ],
    # held-out layouts (tests/heldout): a title beside the letterhead, a pay period wrapped in its
    # cell, a transposed summary (Gross Pay | Total Deductions | Net Pay across, Current / Year to
    # Date down)
    "stub_transposed_summary": [
        [
            [(40, "Harbour Lane Outfitters LLC"), (420, "EARNINGS STATEMENT")],
            [(40, "Employee"), (140, "Dana Whitcombe"), (300, "Check Date"), (400, "04/17/2026")],
            [(40, "Department"), (140, "Outdoor Retail"), (300, "Pay Period"), (400, "March 29, 2026 to April 11,")],
            [(400, "2026")],
            [(40, "Earnings"), (300, "Current"), (420, "Year to Date")],
            [(40, "Regular Salary"), (300, "3,100.00"), (420, "21,700.00")],
            [(140, "Gross Pay"), (260, "Total Deductions"), (400, "Net Pay")],
            [(40, "Current"), (140, "3,100.00"), (260, "802.45"), (400, "2,297.55")],
            [(40, "Year to Date"), (140, "21,700.00"), (260, "5,617.15"), (400, "16,082.85")],
        ]
    ],
    "stub_period_bottom_aligned": [
        [
            [(40, "Pay Statement")],
            [(300, "March 16, 2026 to")],
            [(40, "Employee Name"), (140, "Anjali Rao"), (220, "Pay Period"), (300, "March 31, 2026")],
            [(40, "Position"), (140, "Hygienist"), (220, "Payment Date"), (300, "March 31, 2026")],
            [(40, "Gross Pay"), (300, "2,562.50")],
            [(40, "Net Pay"), (300, "1,888.81")],
        ]
    ],
    # probed with documents from outside the corpora: a copy mark after the address, "Member of"
    # a deposit insurer in a sentence, the holder's address block beside the statement period
    "stub_employee_copy_mark": [
        [
            [(40, "NORTHGATE LOGISTICS INC."), (420, "PAY STATEMENT")],
            [(40, "2250 Dundas Street West, Mississauga, ON L5K 1R2"), (420, "EMPLOYEE COPY")],
            [(40, "Employee:"), (100, "Priya Raman"), (300, "Employee ID:"), (380, "40718")],
            [(40, "Pay Date:"), (100, "March 20, 2026")],
            [(40, "Gross Pay"), (400, "3,250.00")],
            [(40, "Total Deductions"), (400, "790.04")],
            [(40, "NET PAY"), (400, "2,459.96")],
        ]
    ],
    "bank_member_of_sentence": [
        [
            [(40, "MAPLE RIVER CREDIT UNION"), (420, "ACCOUNT STATEMENT")],
            [(40, "Member of Deposit Insurance Corporation of Ontario")],
            [(40, "Priya Raman"), (300, "Statement Period:"), (400, "February 1, 2026 to February 28, 2026")],
            [(40, "45 Harbord Street, Apt 3"), (300, "Account Number:"), (400, "0042-118845-7")],
            [(40, "Toronto ON M5S 1G2")],
            [(40, "Date"), (100, "Description"), (330, "Withdrawals"), (400, "Deposits"), (470, "Balance")],
            [(40, "2026-02-01"), (100, "Opening Balance"), (470, "2,418.77")],
            [(40, "2026-02-02"), (100, "Rent e-Transfer"), (330, "1,850.00"), (470, "568.77")],
            [(40, "Closing Balance"), (470, "568.77")],
        ]
    ],
    "bank_member_fdic": [
        [
            [(40, "Lakeside Home Savings"), (420, "Account Statement")],
            [(40, "Member FDIC")],
            [(40, "Priscilla Overton")],
            [(40, "48 Juniper Court")],
            [(40, "Statement Period"), (160, "April 1, 2026 through April 30, 2026")],
            [(40, "Beginning Balance"), (400, "910.00")],
            [(40, "Date"), (100, "Description"), (330, "Amount"), (440, "Balance")],
            [(40, "04/03"), (100, "PAYROLL DEPOSIT"), (330, "+1,500.00"), (440, "2,410.00")],
            [(40, "04/09"), (100, "GROCERY"), (330, "-75.25"), (440, "2,334.75")],
            [(40, "Ending Balance"), (400, "2,334.75")],
        ]
    ],
}
ROW_TOPS = {
    "stub_transposed_summary": [40.0, 62.0, 76.0, 89.0, 110.0, 124.0, 146.0, 160.0, 174.0],
    "stub_period_bottom_aligned": [40.0, 70.0, 82.0, 100.0, 124.0, 138.0],
}


# Withholding lines as a stub prints them, and what withholding_mismatch makes of them: the worker's
# port (worker/src/documents/statutory.ts) must give the same signals, word for word.
_W = [["cpp", "CPP", 110.99, None], ["ei", "EI", 32.6, None]]  # the contributions of a 2,000.00 gross
_BIWEEKLY = {"pay_frequency": "biweekly", "period_start": "2026-03-02", "period_end": "2026-03-15"}
WITHHOLDING_SIGNALS: list[dict[str, Any]] = [
    {"gross": 3000.0, **_BIWEEKLY, "pay_date": "2026-03-20", "ytd_gross": 18000.0, "withholdings": _W},
    {"gross": 2000.0, **_BIWEEKLY, "pay_date": "2026-03-20", "ytd_gross": 12000.0, "withholdings": _W},
    {"gross": 3000.0, "pay_frequency": None, "pay_date": "2026-03-20", "ytd_gross": 18000.0, "withholdings": _W},
    # a frequency the pay period does not confirm: CPP (its exemption depends on it) is not checked
    {"gross": 3000.0, "pay_frequency": "biweekly", "pay_date": "2026-03-20", "ytd_gross": 18000.0, "withholdings": _W},
    # a frequency the pay period contradicts: nothing is checked
    {"gross": 3000.0, "pay_frequency": "weekly", "period_start": "2026-03-01", "period_end": "2026-03-31",
     "pay_date": "2026-04-03", "ytd_gross": 18000.0, "withholdings": _W},
    {"gross": 3000.0, **_BIWEEKLY, "pay_date": "2019-03-20", "ytd_gross": 18000.0, "withholdings": _W},
    {"gross": 3000.0, "pay_frequency": "biweekly", "period_start": "2025-03-02", "period_end": "2025-03-15",
     "pay_date": None, "ytd_gross": None, "withholdings": _W},
    {"gross": 3000.0, **_BIWEEKLY, "pay_date": "2026-11-20", "ytd_gross": None, "withholdings": _W},
    {"gross": 9000.0, "pay_frequency": "monthly", "period_start": "2026-11-01", "period_end": "2026-11-30",
     "pay_date": "2026-11-30", "ytd_gross": 99000.0,
     "withholdings": [["cpp", "CPP", 37.15, 4230.45], ["ei", "EI", 0.0, 1123.07]]},
    {"gross": 3000.0, **_BIWEEKLY, "pay_date": "2026-03-20", "ytd_gross": 18000.0,
     "withholdings": [["cpp", "CPP", 110.99, None], ["cpp2", "CPP2", 4.0, None]]},
    {"gross": 3000.0, **_BIWEEKLY, "pay_date": "2026-03-20", "ytd_gross": 18000.0,
     "withholdings": [["cpp", "CPP", 110.99, None], ["cpp2", "CPP2", 0.0, None]]},
    {"gross": 3000.0, **_BIWEEKLY, "pay_date": "2026-03-20", "ytd_gross": 18000.0,
     "withholdings": [["cpp", "CPP", 5.95, None]]},
    {"gross": 3382.0, **_BIWEEKLY, "pay_date": "2026-03-20", "ytd_gross": 20292.0,
     "withholdings": [["qpp", "RRQ", 143.83, None], ["ei", "Assurance-emploi", 30.97, None],
                      ["qpip", "RQAP", 10.24, None]]},
    # the same Quebec stub with every contribution fitting its gross (QPP 6.3 %, EI 1.30 %, QPIP 0.43 %)
    {"gross": 3382.0, **_BIWEEKLY, "pay_date": "2026-03-20", "ytd_gross": 20292.0,
     "withholdings": [["qpp", "RRQ", 204.58, None], ["ei", "Assurance-emploi", 43.97, None],
                      ["qpip", "RQAP", 14.54, None]]},
    {"gross": 3000.0, "pay_frequency": "weekly", "period_start": "2026-03-09", "period_end": "2026-03-15",
     "pay_date": "2026-03-20", "ytd_gross": 33000.0,
     "withholdings": [["social_security", "Social Security (OASDI)", 124.0, 1364.0],
                      ["medicare", "Medicare", 29.0, None]]},
    {"gross": 7500.0, "pay_frequency": "semimonthly", "period_start": "2026-03-01", "period_end": "2026-03-15",
     "pay_date": "2026-03-15", "ytd_gross": 37500.0,
     "withholdings": [["social_security", "FICA", 372.0, None], ["medicare", "FICA Medicare", 87.0, None]]},
]


def _withholding_signals() -> list[list[Any]]:
    from leaselab_desktop.screening.facts import DocumentFacts, PayStub, Withholding
    from leaselab_desktop.screening.signals.withholding import withholding_mismatch

    out: list[list[Any]] = []
    for case in WITHHOLDING_SIGNALS:
        stub = PayStub(**{k: v for k, v in case.items() if k != "withholdings"})
        held = [Withholding(kind=k, label=label, amount=a, ytd=y) for k, label, a, y in case["withholdings"]]
        doc = DocumentFacts(
            file_id="f", file_name="stub.pdf", sha256="", md5="", size=1, pay_stub=stub, withholdings=held
        )
        out.append([case, [[s.code, s.severity, s.evidence, s.message] for s in withholding_mismatch(doc)]])
    return out


def _stub(reading: paystub.StubReading) -> dict[str, Any]:
    return {
        **reading.stub.model_dump(),
        "employee": reading.employee,
        "itemised": reading.itemised,
        "withholdings": [w.model_dump() for w in reading.withholdings],
    }


def _bank(reading: bank.BankReading) -> dict[str, Any]:
    st = reading.statement
    return {
        "opening_balance": st.opening_balance,
        "closing_balance": st.closing_balance,
        "total_deposits": st.total_deposits,
        "total_withdrawals": st.total_withdrawals,
        "period_start": st.period_start,
        "period_end": st.period_end,
        "transactions": [list(t) for t in st.transactions],
        "continuity_breaks": st.continuity_breaks,
        "recurring_income_monthly": st.recurring_income_monthly,
        "assistance_monthly": reading.assistance_monthly,
        "holder": reading.holder,
    }


def cases_json() -> dict[str, Any]:
    pages: dict[str, Any] = {}
    for name, spec in PAGES.items():
        words = [_page(rows, page=i, tops=ROW_TOPS.get(name)) for i, rows in enumerate(spec)]
        built = lines.build_lines(words)
        reading = _stub(paystub.read_paystub(built)) if name.startswith("stub") else _bank(bank.read_bank(built))
        pages[name] = {
            "words": [[[w.text, w.page, w.x0, w.top, w.x1, w.bottom] for w in p.words] for p in words],
            "lines": [[c.text for c in line.cells] for line in built],
            "read": reading,
        }
    return {
        "about": "What the Python layout reading makes of these inputs; the worker's port must agree "
        "(worker/test/layout.test.ts). Regenerate with worker/scripts/layout_shared.py.",
        "amounts": [[t, [list(a) for a in ltext.find_amounts(t)]] for t in AMOUNTS],
        "dates": [[t, [list(d) for d in ltext.find_dates(t)]] for t in DATES],
        "date_order": [[t, ltext.date_order(t)] for t in DATE_ORDERS],
        "compact": [[t, ltext.compact(t)] for t in ("Salaire brut :", "Employé(e)", "Période de paie", "Net\u00a0pay")],
        "split_label": [
            [t, k, list(r) if (r := pairing.split_label(t, getattr(vocab, k))) is not None else None] for t, k in SPLITS
        ],
        "pages": pages,
        "withholding_signals": _withholding_signals(),
    }


def corpus_signals_json() -> dict[str, Any]:
    """Per born-digital corpus file: the sorted ``code:severity`` of the signals on it, with its
    companions analysed alongside and the entry's applicant (as bench/documents.py does)."""
    from leaselab_desktop.domain.models import Lead
    from leaselab_desktop.screening.documents import analyse_file
    from leaselab_desktop.screening.signals import build_document_set

    corpus = REPO / "tests" / "corpus"
    entries = json.loads((corpus / "expected.json").read_text(encoding="utf-8"))["entries"]
    out: dict[str, list[str]] = {}
    for e in entries:
        if e["medium"] != "digital":
            continue
        docs = [
            analyse_file(f"companion_{i}", rel, e["declared_type"], corpus / rel)
            for i, rel in enumerate(e["companions"])
        ]
        docs.append(analyse_file("file", e["path"], e["declared_type"], corpus / e["path"]))
        a = e["lead"]
        lead = Lead(
            id="lead_corpus",
            first_name=a["first_name"],
            last_name=a["last_name"],
            employer=a.get("employer"),
            monthly_income=a.get("monthly_income"),
            employment_status="employed" if a.get("employer") else None,
        )
        signals = build_document_set(lead, docs, {}).signals
        out[e["path"]] = sorted({f"{s.code}:{s.severity}" for s in signals if s.document == e["path"]})
    return {
        "about": "Signal code:severity per born-digital corpus file as the desktop app raises them "
        "(worker/scripts/layout_shared.py --corpus); worker/test/corpus.test.ts compares the worker's.",
        "files": out,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a file is not what this writes")
    parser.add_argument("--corpus", action="store_true", help="also the corpus signals (about a minute)")
    args = parser.parse_args()
    stale = []
    files: list[tuple[Path, dict[str, Any]]] = [(CASES, cases_json())]
    if args.corpus:
        files.append((CORPUS_SIGNALS, corpus_signals_json()))
    for path, content in files:
        text = json.dumps(content, indent=1, ensure_ascii=False) + "\n"
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path)
        else:
            path.write_text(text, encoding="utf-8")
    for path in stale:
        print(f"stale: {path.relative_to(REPO)} (run worker/scripts/layout_shared.py)")
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
