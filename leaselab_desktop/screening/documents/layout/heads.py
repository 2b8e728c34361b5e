"""What the top of page one says without labels: the issuer's letterhead and the addressee's name
above their street address."""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from leaselab_desktop.screening.documents.layout import vocab
from leaselab_desktop.screening.documents.layout.lines import Cell, Line
from leaselab_desktop.screening.documents.layout.pairing import Found, split_label
from leaselab_desktop.screening.documents.layout.text import compact, find_amounts, uncamel

_COMPANY = re.compile(
    r"\b(?:inc|ltd|llc|corp|corporation|co|company|group|limited|lt[ée]e|lp|llp|plc|enterprises"
    r"|services|solutions|holdings|senc|s\.e\.n\.c|cie)\b\.?",
    re.IGNORECASE,
)
_TITLES = ("stub", "statement", "payslip", "advice", "releve", "talon", "bulletin", "confidential",
           "earnings", "paie", "remuneration", "page")


def letterhead(lines: Sequence[Line], reach: int = 5) -> Found | None:
    """The employer's name as a letterhead: an unlabelled line at the top of page one, with a
    company suffix (Inc., Ltd., LLC…) or set larger than the text around it."""
    heights = sorted(c.bottom - c.top for line in lines[:40] for c in line.cells)
    usual = heights[len(heights) // 2] if heights else 0.0
    candidates: list[tuple[Cell, bool]] = []
    for line in lines[:reach]:
        if line.page != 0 or find_amounts(line.text):
            break  # the figures begin: no letterhead below them
        # the document's title may share the letterhead's row ("Acme LLC ... EARNINGS STATEMENT")
        cells = [c for c in line.cells if not _is_title(c.key)] if len(line.cells) > 1 else line.cells
        if len(cells) != 1 or any(ch.isdigit() for ch in cells[0].text):
            continue
        text = cells[0].text
        key = compact(text)
        if not key or _is_title(key) or split_label(text, vocab.STOPS) is not None:
            continue
        candidates.append((cells[0], cells[0].bottom - cells[0].top >= 1.2 * usual))
    pick = next((c for c, _ in candidates if _COMPANY.search(uncamel(c.text))), None)
    pick = pick or next((c for c, big in candidates if big), None)
    if pick is None:
        return None
    return Found(pick.text.strip(), pick, pick, "letterhead")


def _is_title(key: str) -> bool:
    return any(t in key for t in _TITLES)


_PERSON = re.compile(r"^(?:[A-ZÀ-Ý][\w'’.\-]*\s+){1,3}[A-ZÀ-Ý][\w'’\-]+$")
_STREET = re.compile(r"^\d{1,6}[A-Za-z]?[\s,-]*[A-Za-zÀ-ÿ]")  # "930 Pine St", OCR "930PineSt"
_ISSUER = re.compile(r"bank|banque|credit|union|trust|caisse|financial|savings|payroll", re.I)


def full_name(value: str) -> bool:
    """A person after a name label (employee, account holder) is named with two words or more, the
    first capitalised. One word is something else ("Member FDIC": the bank's deposit insurer;
    "EMPLOYEE COPY": which copy of the stub this is), and a name does not start in lower case
    ("Member of Deposit Insurance Corporation of Ontario": a sentence)."""
    words = uncamel(value).replace(",", " ").split()
    return len(words) >= 2 and words[0][:1].isupper()


def address_name(lines: Sequence[Line], reach: int = 12) -> Found | None:
    """A person's name printed just above a street address ("Sofia Castellanos" / "930 Pine St"),
    as statements and pay stubs address their holder without a label: alone on its line, or as
    the first box of it, left-aligned with the street, when the statement's period or account
    number sits beside the address block."""
    top = [ln for ln in lines[1:reach] if ln.page == 0]  # line one is the issuer's letterhead
    for line, below in pairwise(top):
        cell, street = line.cells[0], below.cells[0]
        text = uncamel(cell.text.strip())  # OCR: "SofiaCastellanos"
        if not _PERSON.match(text) or _COMPANY.search(text):
            continue
        if _ISSUER.search(text) or split_label(text, vocab.STOPS) is not None:
            continue
        if len(line.cells) > 1 and abs(cell.x0 - street.x0) > cell.bottom - cell.top:
            continue  # beside other boxes, the name and the street start at the same x
        if _STREET.match(street.text.strip()) and not find_amounts(street.text):
            return Found(text, cell, cell, "address block")
    return None
