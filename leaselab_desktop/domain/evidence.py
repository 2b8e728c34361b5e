"""Where on a document a signal's evidence lies, for drawing it on the page in the viewer.

A signal names its document; some also know a region: image forensics writes the pasted region's
box into the evidence text ("The region x 120–480, y 300–360 (pixels of the upright image) …", or
"(points of page 2 …)" for a scanned PDF page), and
a signal that carries structured ``page`` / ``box`` attributes (layout facts keep page and box) is
used as it is. Signals without a region are not drawn. Qt-free: the viewer scales the boxes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from leaselab_desktop.domain.models import Signal

Unit = Literal["px", "pt"]  # image pixels (upright) | PDF points of the page

_REGION_BOX = re.compile(
    r"\bx\s*(\d+)\s*[–-]\s*(\d+),\s*y\s*(\d+)\s*[–-]\s*(\d+)\s*\((pixels|points)", re.IGNORECASE
)
_PAGE = re.compile(r"\bpage\s+(\d+)\b", re.IGNORECASE)


@dataclass(frozen=True)
class EvidenceMark:
    """A rectangle to outline: ``box`` = (x0, top, x1, bottom) in ``unit`` on ``page`` (0-based)."""

    page: int
    box: tuple[float, float, float, float]
    unit: Unit
    title: str  # plain words: what the signal says
    detail: str = ""  # the evidence sentence, for the tooltip
    severity: str = "low"


def _structured(sig: Signal) -> tuple[int, tuple[float, float, float, float]] | None:
    page, box = getattr(sig, "page", None), getattr(sig, "box", None)
    if not isinstance(page, int) or not isinstance(box, list | tuple) or len(box) != 4:
        return None
    try:
        x0, top, x1, bottom = (float(v) for v in box)
    except (TypeError, ValueError):
        return None
    return page, (x0, top, x1, bottom)


def mark_of(sig: Signal) -> EvidenceMark | None:
    """The region a signal points at, or None when its evidence has no place on the page."""
    title = (sig.message or sig.code.replace("_", " ")).strip()
    found = _structured(sig)
    if found is not None:
        page, box = found
        unit: Unit = "px" if getattr(sig, "unit", "pt") == "px" else "pt"
        return _valid(EvidenceMark(page, box, unit, title, sig.evidence, sig.severity))
    hit = _REGION_BOX.search(sig.evidence or "")
    if hit is None:
        return None
    x0, x1, y0, y1 = (float(v) for v in hit.groups()[:4])
    page_hit = _PAGE.search(sig.evidence)
    page = int(page_hit.group(1)) - 1 if page_hit else 0
    unit = "pt" if hit.group(5).lower() == "points" else "px"
    return _valid(EvidenceMark(max(page, 0), (x0, y0, x1, y1), unit, title, sig.evidence, sig.severity))


def _valid(mark: EvidenceMark) -> EvidenceMark | None:
    x0, top, x1, bottom = mark.box
    if x1 <= x0 or bottom <= top or min(mark.box) < 0:
        return None  # an empty or inverted box outlines nothing
    return mark


def marks_for(signals: Iterable[Signal], document: str) -> list[EvidenceMark]:
    """The drawable evidence of the signals about ``document`` (matched by file name)."""
    out: list[EvidenceMark] = []
    for sig in signals:
        if sig.document and sig.document == document:
            mark = mark_of(sig)
            if mark is not None and mark not in out:
                out.append(mark)
    return out
