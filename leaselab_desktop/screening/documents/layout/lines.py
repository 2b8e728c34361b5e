"""Lines and cells rebuilt from word boxes.

A line is a run of words whose vertical centres share a band; within a line, a horizontal gap wider
than about one character height starts a new cell (table columns, label/value pairs set apart).
OCR boxes are often whole phrases: they are cells' building blocks just like PDF words.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import pairwise
from statistics import median

from leaselab_desktop.screening.documents.layout.text import compact, find_amounts, is_amount_only
from leaselab_desktop.screening.documents.layout.vocab import SINGLE_SPLIT, SPLIT_PHRASES
from leaselab_desktop.screening.documents.words import PageWords, Word

CELL_GAP = 0.9  # a gap wider than this × the line's median word height separates cells
ROW_BAND = 0.5  # a word joins a row when its centre is within this × its height of the row's
RECENT_ROWS = 6  # rows still open to words further down (words come sorted by height on the page)
SLOPE_GAP = 6.0  # words at most this × their height apart measure the slope of their line
SLOPE_MIN_PAIRS = 8
MIN_SLOPE = 0.002  # below this (0.1°) rows are level enough as they are


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


def _mid(w: Word) -> float:
    return (w.top + w.bottom) / 2


def _fits(row: list[Word], w: Word) -> float | None:
    """How far ``w`` sits from ``row`` (vertical distance to the row's word nearest in x), or None
    when it does not belong: too far up or down, or overlapping a word already there (two rows of
    a slanted photo share a band but never a place on the line)."""
    height = max(w.bottom - w.top, 1.0)
    centre = (w.x0 + w.x1) / 2
    near = min(row, key=lambda r: abs((r.x0 + r.x1) / 2 - centre))
    distance = abs(_mid(near) - _mid(w))
    if distance > ROW_BAND * max(height, near.bottom - near.top):
        return None
    for r in row:
        overlap = min(r.x1, w.x1) - max(r.x0, w.x0)
        if overlap > 0.3 * max(min(r.x1 - r.x0, w.x1 - w.x0), 0.1):
            return None
    return distance


def _rows(words: list[Word]) -> list[list[Word]]:
    """Words grouped into rows, top to bottom. A word joins the nearby row it fits best, judged
    against that row's word nearest in x, so a slightly slanted photo keeps its rows apart."""
    rows: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (_mid(w), w.x0)):
        fits = [(d, i) for i, row in enumerate(rows[-RECENT_ROWS:], start=max(len(rows) - RECENT_ROWS, 0))
                if (d := _fits(row, w)) is not None]
        if fits:
            rows[min(fits)[1]].append(w)
        else:
            rows.append([w])
    return sorted(rows, key=lambda row: sorted(_mid(w) for w in row)[len(row) // 2])


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


def slope(words: list[Word]) -> float:
    """The page's text slope (dy/dx) from words side by side on one line: a photo or scan that is
    slightly turned. 0 when too few pairs say so."""
    ordered = sorted(words, key=lambda w: w.x0)
    slopes: list[float] = []
    for i, w in enumerate(ordered):
        height = max(w.bottom - w.top, 1.0)
        for v in ordered[i + 1:]:
            if v.x0 - w.x1 > SLOPE_GAP * height:
                break
            dx = (v.x0 + v.x1 - w.x0 - w.x1) / 2
            dy = _mid(v) - _mid(w)
            if v.x0 >= w.x1 - 0.2 * height and dx > 0 and abs(dy) < 0.6 * height:
                slopes.append(dy / dx)
    return median(slopes) if len(slopes) >= SLOPE_MIN_PAIRS else 0.0


def _levelled(words: list[Word]) -> dict[int, Word]:
    """Each word (by id) moved up or down by the page's slope at its x, so rows of a turned page
    are level again; used to group rows only (cells keep the words' real boxes)."""
    tilt = slope(words) if words else 0.0
    if abs(tilt) < MIN_SLOPE:
        return {id(w): w for w in words}
    return {
        id(w): replace(w, top=w.top - tilt * (w.x0 + w.x1) / 2, bottom=w.bottom - tilt * (w.x0 + w.x1) / 2)
        for w in words
    }


def build_lines(pages: list[PageWords]) -> list[Line]:
    """Every page's lines in reading order (page, then top to bottom)."""
    out: list[Line] = []
    for page in sorted(pages, key=lambda p: p.page):
        words = [w for w in page.words if w.text.strip()]
        level = _levelled(words) if page.source == "ocr" else {id(w): w for w in words}
        real = {id(level[id(w)]): w for w in words}
        for row in _rows(list(level.values())):
            out.append(Line(page=page.page, index=len(out), cells=_cells([real[id(w)] for w in row])))
    return out
