"""Layout reading of what OCR makes of a turned phone photo: labels and values far apart on a
sloping line, an amount it could not read in a statement row, a deduction line whose label it
misread, and the legal suffix it reads with a capital I."""

from __future__ import annotations

from dataclasses import replace

from layout_docs import ocr_page

from leaselab_desktop.screening.documents.layout import build_lines, read_document
from leaselab_desktop.screening.documents.layout.lines import slope
from leaselab_desktop.screening.documents.layout.text import fix_legal_suffix
from leaselab_desktop.screening.documents.words import PageWords
from leaselab_desktop.screening.facts import DocumentFacts

STUB = [
    (100, [(100, "EARNINGSSTATEMENT")]),
    (160, [(100, "Employee:PriyaRaman")]),
    (530, [(100, "Northwind"), (210, "Logistics"), (320, "Inc"), (364, "1200"), (420, "Harbour"), (510, "Road")]),
    (560, [(100, "Toronto"), (188, "ON"), (222, "M5V"), (267, "2T6"), (312, "Canada")]),
    (200, [(100, "PayPeriod"), (500, "2026-09-01to2026-09-14")]),
    (240, [(100, "PayDate"), (500, "2026-09-18")]),
    (280, [(100, "RegularPay"), (500, "80.00"), (700, "32.00")]),
    (310, [(100, "OvertimePay"), (500, "0.00"), (700, "48.00")]),
    (340, [(100, "FederalIncomeTax"), (1300, "310.00")]),
    (370, [(100, "CPP"), (1300, "140.00")]),
    (400, [(100, "EI"), (1300, "40.00")]),
    (430, [(100, "GrossPay"), (1300, "2,560.00")]),
    (460, [(100, "TotalDeductions"), (1300, "490.00")]),
    (490, [(100, "NetPay"), (1300, "2,070.00")]),
]


def _facts(name: str = "photo.jpg", kind: str = "paystub") -> DocumentFacts:
    return DocumentFacts(file_id="p", file_name=name, declared_type=kind, sha256="", md5="", size=1,
                         detected_format="jpeg")


def _turned(page: PageWords, tilt: float) -> PageWords:
    """The page as a slightly turned photo shows it: each word lower the further right it is."""
    words = [replace(w, top=w.top + tilt * w.x0, bottom=w.bottom + tilt * w.x0) for w in page.words]
    return PageWords(page.page, page.width, page.height, page.source, words)


def test_turned_photo_keeps_labels_with_their_values() -> None:
    """At 1.5° a value 1200 px right of its label sits 31 px lower: a whole row down without
    levelling. The page's slope, measured from words side by side, puts it back."""
    page = _turned(ocr_page(STUB), 0.026)
    assert abs(slope(page.words) - 0.026) < 0.01
    texts = [line.text for line in build_lines([page])]
    assert any("GrossPay" in t and "2,560.00" in t for t in texts), texts
    facts = _facts()
    read_document(facts, [page])
    s = facts.pay_stub
    assert s is not None and (s.gross, s.deductions, s.net) == (2560.0, 490.0, 2070.0)


def test_level_text_layer_is_left_as_it_is() -> None:
    page = ocr_page(STUB)
    assert slope(page.words) == 0.0
    assert slope([]) == 0.0


def test_unreadable_amount_keeps_its_statement_row() -> None:
    """OCR read "(34.8)" for (34.83): the row stays, its amount from the balance change, so the
    next row is checked against the right balance and nothing is called broken."""
    page = ocr_page([
        (80, [(100, "ACCOUNTSTATEMENT")]),
        (140, [(100, "Statementperiod"), (600, "2026-03-01to2026-03-31")]),
        (180, [(100, "Openingbalance"), (600, "$1,000.00")]),
        (260, [(100, "Date"), (300, "Description"), (900, "Amount"), (1200, "Balance")]),
        (300, [(100, "03/02"), (300, "GROCERY"), (900, "(40.00)"), (1200, "960.00")]),
        (340, [(100, "03/03"), (300, "VENMOPAYMENT"), (900, "(34.8)"), (1200, "925.17")]),
        (380, [(100, "03/04"), (300, "PHARMACY"), (900, "(25.17)"), (1200, "900.00")]),
        (440, [(100, "Closingbalance"), (600, "$900.00")]),
    ])
    facts = _facts("statement.jpg", "bank_statement")
    read_document(facts, [page])
    st = facts.bank_statement
    assert st is not None
    assert [round(a, 2) for _, a, _ in st.transactions] == [-40.0, -34.83, -25.17]


def test_ocr_itemised_deductions_that_miss_a_line_are_left_unread() -> None:
    """No total printed, and OCR misread one deduction's label: the recognised lines do not make
    gross minus net, so the sum is not reported (it would call a genuine stub's arithmetic broken)."""
    rows = [r for r in STUB if r[1][0][1] not in ("TotalDeductions",)]
    rows = [(t, [(100, "FedralncmeTx") if c[0][1] == "FederalIncomeTax" else c[0], *c[1:]]) for t, c in rows]
    facts = _facts()
    read_document(facts, [ocr_page(rows)])
    s = facts.pay_stub
    assert s is not None and s.gross == 2560.0 and s.net == 2070.0 and s.deductions is None
    complete = [r for r in STUB if r[1][0][1] != "TotalDeductions"]
    facts = _facts()
    read_document(facts, [ocr_page(complete)])
    assert facts.pay_stub is not None and facts.pay_stub.deductions == 490.0  # all three lines read


def test_legal_suffixes_misread_by_ocr() -> None:
    assert fix_legal_suffix("Boulangerie Saint-Laurent Itée") == "Boulangerie Saint-Laurent ltée"
    assert fix_legal_suffix("Acme lnc.") == "Acme Inc."
    assert fix_legal_suffix("Itemised Inc") == "Itemised Inc"  # only the whole suffix word


def test_statement_whose_amount_header_ocr_lost() -> None:
    """The header reads only "Date | Description | Balance": the figure before each balance is
    still the row's amount."""
    page = ocr_page([
        (80, [(100, "CHECKINGACCOUNTACTIVITY")]),
        (140, [(100, "Statementperiod"), (600, "2026-03-01to2026-03-31")]),
        (180, [(100, "Openingbalance"), (600, "$1,000.00")]),
        (260, [(100, "Date"), (300, "Description"), (1200, "Balance")]),
        (300, [(100, "03/02/2026"), (300, "GROCERY"), (900, "-40.00"), (1200, "960.00")]),
        (340, [(100, "03/06/2026"), (300, "PAYROLL"), (900, "2,000.00"), (1200, "2,960.00")]),
    ])
    facts = _facts("statement.jpg", "bank_statement")
    read_document(facts, [page])
    st = facts.bank_statement
    assert st is not None and [a for _, a, _ in st.transactions] == [-40.0, 2000.0]
    assert st.closing_balance == 2960.0


def test_french_letter_prose_without_spaces_or_accents() -> None:
    page = ocr_page([
        (100, [(100, "Servicesinformatiques Boréal inc.")]),
        (160, [(100, "ATTESTATIOND'EMPLOI")]),
        (220, [(100, "Nous attestonsqueOlivierBergeronestal'emploideServicesinformatiquesBoreal inc.depuisle3")]),
        (250, [(100, "septembre 2019 a titre de analyste, a temps plein.")]),
        (280, [(100, "Sonsalaireannueldebaseestde78900,00$.")]),
    ])
    facts = _facts("attestation.png", "employment_letter")
    read_document(facts, [page])
    assert facts.name_on_document == "Olivier Bergeron"
