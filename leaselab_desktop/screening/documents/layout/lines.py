"""Lines and cells rebuilt from word boxes.

A line is a run of words whose vertical centres share a band; within a line, a horizontal gap wider
than about one character height starts a new cell (table columns, label/value pairs set apart).
OCR boxes are often whole phrases: they are cells' building blocks just like PDF words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from statistics import median

from leaselab_desktop.screening.documents.layout.text import compact, find_amounts, is_amount_only
from leaselab_desktop.screening.documents.layout.vocab import SINGLE_SPLIT, SPLIT_PHRASES
from leaselab_desktop.screening.documents.words import PageWords, Word

CELL_GAP = 0.9  # a gap wider than this × the line's median word height separates cells


@dataclass(slots=True)
class Cell:
    words: list[Word]
    text: str = ""
    key: str = ""  # compact(text): label matching that survives dropped spaces
    amount_only: bool = False

    def __post_init__(self) -> None:
        self.text = " ".join(w.text for w in self.words).strip()
        self.key = compact(self.text)
        self.amount_only = is_amount_only(self.text)

    @property
    def page(self) -> int:
        return self.words[0].page

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def confidence(self) -> float:
        return min(w.confidence for w in self.words)

    @property
    def amounts(self) -> list[float]:
        return [v for v, _, _ in find_amounts(self.text)]

    def pieces(self) -> list[Cell]:
        """The cell cut so each amount is its own cell with its own box ("2026-09-01 PAYROLL
        2,000.00 3,000.00" written as one run of text still lines up with its columns)."""
        spans = find_amounts(self.text)
        if self.amount_only or not spans:
            return [self]
        groups: list[tuple[int, list[Word]]] = []  # (amount span index or -1, words)
        start = 0
        for w in self.words:
            end = start + len(w.text)
            span = next((k for k, (_, s, e) in enumerate(spans) if s < end and start < e), -1)
            if groups and groups[-1][0] == span:
                groups[-1][1].append(w)
            else:
                groups.append((span, [w]))
            start = end + 1
        return [Cell(words) for _, words in groups]

    def overlaps(self, other: Cell, slack: float = 0.0) -> bool:
        """Horizontal overlap (a value under a label, a cell under a column header)."""
        return self.x0 - slack < other.x1 and other.x0 - slack < self.x1


@dataclass(slots=True)
class Line:
    page: int
    index: int  # position in the document's reading order
    cells: list[Cell] = field(default_factory=list)

    @property
    def top(self) -> float:
        return min(c.top for c in self.cells)

    @property
    def bottom(self) -> float:
        return max(c.bottom for c in self.cells)

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)

    @property
    def text(self) -> str:
        return "   ".join(c.text for c in self.cells)


def _rows(words: list[Word]) -> list[list[Word]]:
    """Words grouped by vertical centre: a word joins the row whose band holds its centre."""
    rows: list[tuple[float, float, list[Word]]] = []  # (top, bottom, words) of each open row
    for w in sorted(words, key=lambda w: ((w.top + w.bottom) / 2, w.x0)):
        mid = (w.top + w.bottom) / 2
        if rows:
            top, bottom, members = rows[-1]
            if top <= mid <= bottom:
                members.append(w)
                rows[-1] = (min(top, w.top), max(bottom, w.bottom), members)
                continue
        rows.append((w.top, w.bottom, [w]))
    return [members for _, _, members in rows]


def _cells(row: list[Word]) -> list[Cell]:
    row = sorted(row, key=lambda w: w.x0)
    height = median(max(w.bottom - w.top, 1.0) for w in row)
    groups: list[list[Word]] = [[row[0]]]
    for prev, w in pairwise(row):
        if w.x0 - prev.x1 > CELL_GAP * height:
            groups.append([w])
        else:
            groups[-1].append(w)
    return [Cell(part) for g in groups for part in _split_phrases(g)]


def _split_phrases(words: list[Word], longest: int = 4) -> list[list[Word]]:
    """Words cut before and after each known label or column header ("Hours Rate This period
    Year to date" → Hours | Rate | This period | Year to date), longest phrase first."""
    if len(words) < 2:
        return [words]
    keys = [compact(w.text) for w in words]
    out: list[list[Word]] = [[]]
    i = 0
    while i < len(words):
        size = next(
            (n for n in range(min(longest, len(words) - i), 0, -1)
             if "".join(keys[i:i + n]) in SPLIT_PHRASES and (n > 1 or keys[i] in SINGLE_SPLIT)),
            0,
        )
        if size:
            if out[-1]:
                out.append([])
            out[-1].extend(words[i:i + size])
            out.append([])
            i += size
        else:
            out[-1].append(words[i])
            i += 1
    return [g for g in out if g]


def build_lines(pages: list[PageWords]) -> list[Line]:
    """Every page's lines in reading order (page, then top to bottom)."""
    out: list[Line] = []
    for page in sorted(pages, key=lambda p: p.page):
        words = [w for w in page.words if w.text.strip()]
        for row in _rows(words):
            out.append(Line(page=page.page, index=len(out), cells=_cells(row)))
    return out
