"""Words with their boxes: what every reader (a PDF text layer or OCR) produces for layout reading.

PDF words and OCR words are the same kind of thing, so lines, columns, cells and label pairing are
written once, over ``PageWords``. Coordinates have a top-left origin, in the page's own unit (PDF
points for a text layer, pixels of the upright image for OCR); ``width``/``height`` give the scale.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

WordSource = Literal["text", "ocr"]


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    page: int  # 0-based page index within the document
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float = 1.0  # 1.0 for a PDF text layer; the recogniser's score (0..1) for OCR

    @property
    def box(self) -> tuple[float, float, float, float]:
        return (self.x0, self.top, self.x1, self.bottom)


@dataclass(slots=True)
class PageWords:
    page: int
    width: float
    height: float
    source: WordSource
    words: list[Word] = field(default_factory=list)


def split_line(text: str, box: Iterable[float], confidence: float, page: int) -> list[Word]:
    """A line of text known only as a whole (an OCR line, a form field's value) as words, each box
    interpolated by its share of the line's characters (characters of one font are of similar
    width). ``box``: x0, top, x1, bottom."""
    x0, top, x1, bottom = (float(v) for v in box)
    n = len(text)
    out: list[Word] = []
    pos = 0
    for token in text.split():
        begin = text.index(token, pos)
        pos = begin + len(token)
        out.append(Word(
            text=token, page=page, x0=x0 + (x1 - x0) * begin / n, top=top,
            x1=x0 + (x1 - x0) * pos / n, bottom=bottom, confidence=round(confidence, 4),
        ))
    return out
