"""Font consistency of amounts: a lone amount in another font family is reported."""

from __future__ import annotations

import io

import pytest

from leaselab_desktop.screening.documents import analyse_file
from leaselab_desktop.screening.documents.fonts import FontCollector, font_family


def _pdf(lines: list[tuple[str, str]]) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    y = 760
    for font, text in lines:
        c.setFont(font, 10)
        c.drawString(60, y, text)
        y -= 16
    c.showPage()
    c.save()
    return buf.getvalue()


STUB = [
    ("Helvetica-Bold", "Gross Pay: $4,250.00"),
    ("Helvetica", "Federal Tax: $500.00"),
    ("Helvetica", "CPP: $250.00"),
    ("Helvetica", "EI: $70.00"),
    ("Helvetica", "Total Deductions: $820.00"),
    ("Helvetica-Bold", "Net Pay: $3,430.00"),
]


@pytest.mark.parametrize(
    ("base", "family"),
    [("/ABCDEF+Arial-BoldMT", "arial"), ("/Helvetica-Oblique", "helvetica"), ("/TimesNewRomanPSMT", "timesnewroman"),
     ("/Calibri,Bold", "calibri"), ("/", "?")],
)
def test_font_family(base: str, family: str) -> None:
    assert font_family(base) == family


def test_same_family_in_bold_and_regular_is_consistent() -> None:
    f = analyse_file("f", "s.pdf", "paystub", _pdf(STUB))
    assert "font_outlier" not in f.metadata


def test_one_amount_in_another_family_is_reported() -> None:
    lines = [*STUB[:-1], ("Courier-Bold", "Net Pay: $4,430.00")]
    f = analyse_file("f", "s.pdf", "paystub", _pdf(lines))
    assert f.metadata["font_outlier"] == (
        '"Net Pay: $4,430.00" is set in courier; the other 5 amounts use helvetica (5).'
    )
    assert f.metadata["font_outlier_strength"] == "labelled"


def test_two_families_used_repeatedly_or_too_few_amounts_are_not_reported() -> None:
    mixed = [*STUB, ("Times-Roman", "Opening $1.00"), ("Times-Roman", "Closing $2.00")]
    assert "font_outlier" not in analyse_file("f", "m.pdf", "other", _pdf(mixed)).metadata
    short = [("Helvetica", "A $1.00"), ("Helvetica", "B $2.00"), ("Courier", "C $3.00")]
    assert "font_outlier" not in analyse_file("f", "s.pdf", "other", _pdf(short)).metadata


def test_collector_caps_and_strength() -> None:
    c = FontCollector()
    font = {"/BaseFont": "/Helvetica"}
    for i in range(6):
        c.visit(f"{i}.00", None, None, font, 10)
    c.visit("Promo 9.99", None, None, {"/BaseFont": "/Courier"}, 10)
    c.visit("no amount here", None, None, font, 10)
    c.visit("$5.00", None, None, None, 10)
    assert c.outlier() == ('"Promo 9.99" is set in courier; the other 6 amounts use helvetica (6).', "unlabelled")
