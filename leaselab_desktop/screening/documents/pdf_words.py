"""Words with their boxes from a PDF's text layer, with pdfplumber (MIT; imported lazily)."""

from __future__ import annotations

import io
import logging
from collections import defaultdict
from typing import Any

from leaselab_desktop.screening.documents.limits import Limits
from leaselab_desktop.screening.documents.words import PageWords, Word

logging.getLogger("pdfminer").setLevel(logging.ERROR)  # malformed input is reported, not logged
OVERLAP = 0.4  # two glyphs sharing this much of their width are one drawn over the other


def pdf_words(data: bytes, limits: Limits) -> list[PageWords]:
    """One ``PageWords(source="text")`` per page (empty ``words`` for an image-only page).
    Glyphs drawn over other glyphs (an editor's new figure over a whited-out one) hide them, as
    on the rendered page. A PDF pdfplumber cannot read gives ``[]``: the plain-text path still
    has its say."""
    import pdfplumber

    out: list[PageWords] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for index, page in enumerate(pdf.pages[: limits.max_pdf_pages]):
                hidden = overdrawn(page.chars)
                view = page.filter(_shown(hidden)) if hidden else page
                words = [
                    Word(
                        text=str(w["text"]), page=index, x0=float(w["x0"]), top=float(w["top"]),
                        x1=float(w["x1"]), bottom=float(w["bottom"]),
                    )
                    for w in view.extract_words(keep_blank_chars=False, use_text_flow=False)
                ]
                out.append(PageWords(index, float(page.width), float(page.height), "text", words))
                page.close()  # frees the page's parsed objects (long statements)
    except Exception:  # pdfminer raises many kinds of errors on damaged files
        return []
    return out


def _shown(hidden: set[int]) -> Any:
    return lambda obj: id(obj) not in hidden


def overdrawn(chars: list[dict[str, Any]]) -> set[int]:
    """ids of the glyphs another glyph, drawn later (content-stream order), covers."""
    rows: dict[int, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for order, ch in enumerate(chars):
        if str(ch.get("text", "")).strip():
            rows[round(float(ch["top"]) / 2)].append((order, ch))
    hidden: set[int] = set()
    for row in rows.values():
        row.sort(key=lambda item: float(item[1]["x0"]))
        for i, (order, ch) in enumerate(row):
            x0, x1 = float(ch["x0"]), float(ch["x1"])
            for other_order, other in row[i + 1:]:
                ox0, ox1 = float(other["x0"]), float(other["x1"])
                if ox0 >= x1:
                    break
                width = max(min(x1 - x0, ox1 - ox0), 0.1)
                if (min(x1, ox1) - max(x0, ox0)) / width >= OVERLAP:
                    hidden.add(id(ch) if order < other_order else id(other))
    return hidden
