"""A label and its value: in the same cell, in a cell to its right, in the cell below, or under a
column header (Earnings | Rate | Hours | Current | YTD).

Labels are compact strings (``compact("Gross Pay")`` = "grosspay") so a label matches with or
without the spaces OCR drops. Short labels ("net", "ei") only match a whole cell or a cell whose
rest is not a letter, so "Net" never matches "Netflix".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise

from leaselab_desktop.screening.documents.layout import vocab
from leaselab_desktop.screening.documents.layout.lines import Cell, Line
from leaselab_desktop.screening.documents.layout.text import compact, dates_in, find_amounts, fold
from leaselab_desktop.screening.facts import FactSource

YTD_MARKS = vocab.YTD_MARKS  # column headers, from the shared vocabulary
CURRENT_HEADERS = vocab.CURRENT_HEADERS
TABLE_GAP = 1.3  # a row gap this many times the usual pitch separates two tables
BELOW_REACH = 3.0  # a value below its label sits within this many line heights
_CONNECTORS = ("", "to", "au", "a", "through", "thru", "until", "jusquau")


@dataclass(slots=True)
class Found:
    value: float | str | list[str]
    label: Cell
    cell: Cell
    source_kind: str

    def source(self) -> FactSource:
        c = self.cell
        return FactSource(
            page=c.page,
            box=(round(c.x0, 1), round(c.top, 1), round(c.x1, 1), round(c.bottom, 1)),
            confidence=round(min(self.label.confidence, c.confidence), 3),
            how=self.source_kind,
        )


def _cut(text: str, n_alnum: int) -> int:
    """Index in ``text`` just after its first ``n_alnum`` letters/digits."""
    folded = fold(text)
    seen = 0
    for i, ch in enumerate(folded):
        if seen == n_alnum:
            return i
        if ch.isascii() and ch.isalnum():
            seen += 1
    return len(text)


def _after(text: str, n_alnum: int) -> str:
    """``text`` after its first ``n_alnum`` letters/digits (spaces and punctuation skipped);
    "" when only punctuation is left ("Employé(e)" → "")."""
    rest = text[_cut(text, n_alnum):].strip(" :#.-|\t")
    return rest if compact(rest) or "$" in rest else ""


def _mid_word(text: str, n_alnum: int) -> bool:
    """The label would end inside a word ("Employe|r"), not at a space or a dropped space's
    case change ("Employee|PriyaRaman")."""
    i = _cut(text, n_alnum)
    if i == 0 or i >= len(text):
        return False
    before, after = text[i - 1], text[i]
    return before.isalpha() and after.isalpha() and not (before.islower() and after.isupper())


def split_label(text: str, labels: Sequence[str]) -> tuple[str, bool] | None:
    """(the text after the label, whether the label is a year-to-date one) or None."""
    key = compact(text)
    ytd = False
    for mark in YTD_MARKS:
        if key.startswith(mark):
            key, text, ytd = key[len(mark):], _after(text, len(mark)), True
            break
    for label in labels:
        if not key.startswith(label):
            continue
        if _mid_word(text, len(label)) and compact(_after(text, len(label)))[:3] not in ("ytd", "cum"):
            continue
        rest = _after(text, len(label))
        if len(label) < 5 and rest[:1].isalpha() and compact(rest)[:3] not in ("ytd", "cum"):
            continue
        rest_key = compact(rest)
        for mark in YTD_MARKS:
            if rest_key.startswith(mark):
                return _after(rest, len(mark)), True
        return rest, ytd
    return None


def _segment(line: Line, start: int) -> list[Cell]:
    """Cells right of ``start`` up to the next text cell (side-by-side tables share a line)."""
    out: list[Cell] = []
    for cell in line.cells[start + 1:]:
        if not find_amounts(cell.text) and not dates_in(cell.text):
            break
        out.append(cell)
    return out


def _header_above(lines: Sequence[Line], line: Line, reach: int = 25) -> Line | None:
    """The nearest Current/YTD header row above ``line`` in the same table: a gap between rows
    wider than the table's usual row pitch means another table starts (a summary box under the
    earnings table does not take its columns)."""
    tops = [line.top]
    for other in reversed(lines[max(0, line.index - reach): line.index]):
        if other.page != line.page:
            break
        tops.append(other.top)
        keys = [c.key for c in other.cells]
        if any(k in YTD_MARKS or k in CURRENT_HEADERS for k in keys) and not any(
            find_amounts(c.text) for c in other.cells
        ):
            pitches = sorted(a - b for a, b in pairwise(tops))
            others = pitches[:-1] or pitches  # the widest gap is the one judged: not in the usual
            usual = others[len(others) // 2]
            return None if pitches[-1] > TABLE_GAP * usual + 1.0 else other
    return None


def _role(header: Line | None, cell: Cell) -> str | None:
    if header is None:
        return None
    best = min(header.cells, key=lambda h: abs(h.centre - cell.centre))
    if not best.overlaps(cell, slack=4.0):
        return None
    if best.key in YTD_MARKS or any(best.key.startswith(m) for m in YTD_MARKS):
        return "ytd"
    if best.key in CURRENT_HEADERS:
        return "current"
    return "other"


def _below(lines: Sequence[Line], line: Line, label: Cell, want_text: bool) -> Cell | None:
    found = _below_at(lines, line, label, want_text)
    return found[1] if found else None


def _below_at(lines: Sequence[Line], line: Line, label: Cell, want_text: bool) -> tuple[Line, Cell] | None:
    for other in lines[line.index + 1: line.index + 4]:
        if other.page != line.page or other.top - line.bottom > BELOW_REACH * line.height:
            return None
        for cell in other.cells:
            if not cell.overlaps(label):
                continue
            if want_text and cell.text and not cell.amount_only:
                return other, cell
            if not want_text and cell.amount_only:
                return other, cell
            return None
    return None


def _row_role(row: Line, cell: Cell) -> str | None:
    """A row header's say on the amounts of its row: "Year to date" → ytd, "Current" → current."""
    head = row.cells[0]
    if head is cell or head.amount_only:
        return None
    if head.key in YTD_MARKS or any(head.key.startswith(m) for m in YTD_MARKS):
        return "ytd"
    return "current" if head.key in CURRENT_HEADERS else None


def _column_below(lines: Sequence[Line], line: Line, label: Cell) -> list[tuple[float, Cell, str | None]]:
    """The amounts under a label that heads a column. A transposed summary (Gross Pay | Deductions |
    Net Pay across, rows headed Current / Year to date) gives one per row, each with its row's
    role; without row headers only the first amount below counts, as before."""
    first = _below_at(lines, line, label, want_text=False)
    if first is None:
        return []
    row, cell = first
    out = [(cell.amounts[0], cell, _row_role(row, cell))]
    for other in lines[row.index + 1: row.index + 4]:
        if other.page != row.page or other.top - row.bottom > BELOW_REACH * row.height:
            break
        under = next((c for c in other.cells if c.overlaps(label)), None)
        if under is None or not under.amount_only:
            break
        out.append((under.amounts[0], under, _row_role(other, under)))
        row = other
    return out if any(role for _, _, role in out) else [(out[0][0], out[0][1], None)]


def find_amount(
    lines: Sequence[Line], labels: Sequence[str], ytd: bool = False, pages: set[int] | None = None
) -> Found | None:
    """The first labelled amount (the current one, or with ``ytd`` the year-to-date one)."""
    for line in lines:
        if pages is not None and line.page not in pages:
            continue
        for i, cell in enumerate(line.cells):
            split = split_label(cell.text, labels)
            if split is None:
                continue
            rest, is_ytd = split
            found = amount_at(lines, line, i, rest, is_ytd, ytd)
            if found is not None:
                return found
    return None


def amount_at(
    lines: Sequence[Line], line: Line, i: int, rest: str, is_ytd: bool, want_ytd: bool
) -> Found | None:
    """The amount for the label in ``line.cells[i]`` (``rest``: the cell's text after it)."""
    cell = line.cells[i]
    header = _header_above(lines, line)
    values: list[tuple[float, Cell, str | None]] = []
    if find_amounts(rest):  # "Gross Pay 4,250.00 51,000.00" set as one run of text
        values = [(p.amounts[0], p, _role(header, p)) for p in cell.pieces() if p.amount_only]
    values += [(v, c, _role(header, c)) for c in _segment(line, i) for v, _, _ in find_amounts(c.text)]
    how = "same line"
    if not values:
        values, how = _column_below(lines, line, cell), "below"
        if not values:
            return None
    if is_ytd:
        return Found(values[0][0], cell, values[0][1], how) if want_ytd else None
    roles = [r for _, _, r in values]
    if "current" in roles or "ytd" in roles:
        want = "ytd" if want_ytd else "current"
        pick = next(((v, c) for v, c, r in values if r == want), None)
        if pick is None and not want_ytd:
            pick = next(((v, c) for v, c, r in values if r != "ytd"), None)
        return Found(pick[0], cell, pick[1], "under column header") if pick else None
    if want_ytd:
        return Found(values[1][0], cell, values[1][1], how) if len(values) >= 2 else None
    return Found(values[0][0], cell, values[0][1], how)


def find_text(
    lines: Sequence[Line], labels: Sequence[str], stop: Sequence[str] = (),
    accept: Callable[[str], bool] | None = None,
) -> Found | None:
    """Text after a label: same cell ("Employee: Jane Doe"), next cell, or the cell below.
    ``stop`` labels are other fields' labels: a cell starting with one is not this value.
    ``accept`` judges a value: one it refuses does not end the search (the next label may hold it)."""
    for found in _texts(lines, labels, stop):
        if accept is None or (isinstance(found.value, str) and accept(found.value)):
            return found
    return None


def _texts(lines: Sequence[Line], labels: Sequence[str], stop: Sequence[str]) -> Iterator[Found]:
    for line in lines:
        for i, cell in enumerate(line.cells):
            split = split_label(cell.text, labels)
            if split is None or split[1] or cell.text.rstrip().endswith(","):
                continue  # "… our employee, we confirm …" is prose, not a label
            rest = split[0]
            if rest and not find_amounts(rest) and _is_value(rest, stop):
                yield Found(rest, cell, cell, "same cell")
                continue
            if rest:
                continue
            if i + 1 < len(line.cells) and _is_value(line.cells[i + 1].text, stop):
                yield Found(line.cells[i + 1].text, cell, line.cells[i + 1], "cell to the right")
                continue
            below = _below(lines, line, cell, want_text=True)
            if below is not None and _is_value(below.text, stop):
                yield Found(below.text, cell, below, "below")


def _unwrapped(lines: Sequence[Line], line: Line, label: Cell, value: Cell,
               found: list[str]) -> tuple[list[str], Cell]:
    """``found`` with the value's cell read whole when a narrow table cell wrapped it ("March 16,
    2026 to March 31," / "2026"): its rest on the next line (cells aligned at the top) or its start
    on the line before (aligned at the bottom), when that gives more dates."""
    own = len(dates_in(value.text))
    for step in (1, -1):
        other = _wrapped(lines, line, label, value, step)
        if other is None:
            continue
        text = f"{value.text} {other.text}" if step == 1 else f"{other.text} {value.text}"
        if len(dates_in(text)) > own:
            return found[: len(found) - own] + dates_in(text), other
    return found, value


def _wrapped(lines: Sequence[Line], line: Line, label: Cell, value: Cell, step: int) -> Cell | None:
    """The cell continuing ``value`` on the line after (``step`` 1) or before (-1): in the value's
    column, closer than half a line (table rows are further apart), with nothing over the label."""
    k = line.index + step
    if not 0 <= k < len(lines):
        return None
    other = lines[k]
    gap = other.top - line.bottom if step == 1 else line.top - other.bottom
    if other.page != line.page or gap > 0.5 * line.height or any(c.overlaps(label) for c in other.cells):
        return None
    return next((c for c in other.cells if c.overlaps(value) and abs(c.x0 - value.x0) < line.height), None)


def _is_value(text: str, stop: Sequence[str]) -> bool:
    """A short text that is not itself a label (a name or a company, not a sentence)."""
    if not text.strip() or find_amounts(text) or len(text.split()) > 8:
        return False
    key = compact(text)
    return bool(key) and not any(key.startswith(s) for s in stop)


def find_dates(lines: Sequence[Line], labels: Sequence[str]) -> Found | None:
    """Dates after a label on its line (right of it), else in the cell below."""
    for line in lines:
        for i, cell in enumerate(line.cells):
            split = split_label(cell.text, labels)
            if split is None or split[1]:
                continue
            found = dates_in(split[0])
            last = cell
            for other in line.cells[i + 1:]:
                more = dates_in(other.text)
                if not more:
                    if found and compact(other.text) not in _CONNECTORS:
                        break
                    continue
                else:
                    found += more
                    last = other
            if last is not cell:
                found, last = _unwrapped(lines, line, cell, last, found)
            if found:
                return Found(found, cell, last, "same line")
            below = _below(lines, line, cell, want_text=True)
            if below is not None and dates_in(below.text):
                return Found(dates_in(below.text), cell, below, "below")
    return None
