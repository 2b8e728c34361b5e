"""Words with their boxes from a PDF's text layer, with pdfplumber (MIT; imported lazily)."""

from __future__ import annotations

import io
import logging
import re
from typing import Any

from leaselab_desktop.screening.documents.limits import Limits
from leaselab_desktop.screening.documents.words import PageWords, Word, split_line

logging.getLogger("pdfminer").setLevel(logging.ERROR)  # malformed input is reported, not logged
OVERLAP = 0.4  # two glyphs sharing this much of their width are one drawn over the other
BACKGROUND_SHARE = 0.5  # a white box under more than this share of the page's glyphs is a page fill


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
                hidden = overdrawn(page.chars, page.rects)
                view = page.filter(_shown(hidden)) if hidden else page
                words = [
                    Word(
                        text=str(w["text"]), page=index, x0=float(w["x0"]), top=float(w["top"]),
                        x1=float(w["x1"]), bottom=float(w["bottom"]),
                    )
                    for w in view.extract_words(keep_blank_chars=False, use_text_flow=False)
                ]
                words += form_words(page.annots, index, words)
                out.append(PageWords(index, float(page.width), float(page.height), "text", words))
                page.close()  # frees the page's parsed objects (long statements)
    except Exception:  # pdfminer raises many kinds of errors on damaged files
        return []
    return out


def form_words(annots: list[dict[str, Any]], page: int, drawn: list[Word]) -> list[Word]:
    """The values typed into a fillable form's text fields, as words where the field shows them.
    A filled form keeps them in its fields, not in the page's text: a pay stub template filled
    in by a small employer read as labels with no figures. A field whose place already holds
    page text (a flattened form) adds nothing."""
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    out: list[Word] = []
    for annot in annots:
        data = annot.get("data") or {}
        parent = resolve1(data.get("Parent")) or {}
        field = {**(parent if isinstance(parent, dict) else {}), **data}
        value = resolve1(field.get("V"))
        if str(resolve1(field.get("FT"))) != "/'Tx'" or not isinstance(value, bytes | str) or not value:
            continue
        text = decode_text(value) if isinstance(value, bytes) else value
        x0, top, x1, bottom = (float(annot[k]) for k in ("x0", "top", "x1", "bottom"))
        if not text.strip() or any(x0 <= (w.x0 + w.x1) / 2 <= x1 and top <= (w.top + w.bottom) / 2 <= bottom
                                   for w in drawn):
            continue
        out += _field_words(" ".join(text.split()), x0, top, x1, bottom, field, page)
    return out


def _field_words(text: str, x0: float, top: float, x1: float, bottom: float, field: dict[str, Any],
                 page: int) -> list[Word]:
    """Words of a field's one-line value, placed as the field aligns it (``Q``: 0 left, 1 centre,
    2 right) in its font size (``DA``: "/Helv 9 Tf"), at Helvetica's half an em a character."""
    from pdfminer.pdftypes import resolve1

    appearance = resolve1(field.get("DA"))
    sizes = re.findall(rb"([\d.]+)\s+Tf", appearance) if isinstance(appearance, bytes) else []
    size = float(sizes[-1]) if sizes and float(sizes[-1]) > 0 else min(bottom - top, 12.0) * 0.75
    width = min(x1 - x0 - 4.0, 0.5 * size * len(text))
    align = resolve1(field.get("Q"))
    start = x1 - 2.0 - width if align == 2 else (x0 + x1 - width) / 2 if align == 1 else x0 + 2.0
    middle = (top + bottom) / 2
    return split_line(text, (start, middle - size / 2, start + width, middle + size / 2), 1.0, page)


def _shown(hidden: set[int]) -> Any:
    return lambda obj: id(obj) not in hidden


def overdrawn(
    chars: list[dict[str, Any]], rects: list[dict[str, Any]] | None = None, band: float = 3.0
) -> set[int]:
    """ids of the glyphs (spaces too) another glyph drawn later, in content-stream order, covers;
    and, inside a white box that such a later glyph sits in, every glyph drawn before it (the
    whited-out remainder of a longer old figure). Glyphs whose tops lie within ``band`` points
    share a row: an editor's new figure is rarely set on exactly the same baseline."""
    marked = sorted(enumerate(chars), key=lambda item: float(item[1]["top"]))
    rows: list[list[tuple[int, dict[str, Any]]]] = []
    for item in marked:
        if rows and float(item[1]["top"]) - float(rows[-1][0][1]["top"]) <= band:
            rows[-1].append(item)
        else:
            rows.append([item])
    hidden: set[int] = set()
    over: set[int] = set()  # content-stream order of the glyphs drawn over others
    for row in rows:
        row.sort(key=lambda item: float(item[1]["x0"]))
        for i, (order, ch) in enumerate(row):
            x0, x1 = float(ch["x0"]), float(ch["x1"])
            for other_order, other in row[i + 1:]:
                ox0, ox1 = float(other["x0"]), float(other["x1"])
                if ox0 >= x1:
                    break
                width = max(min(x1 - x0, ox1 - ox0), 0.1)
                if (min(x1, ox1) - max(x0, ox0)) / width >= OVERLAP:
                    under, top = (ch, other_order) if order < other_order else (other, order)
                    hidden.add(id(under))
                    over.add(top)
    if over:
        for rect in rects or []:
            if _white(rect):
                hidden |= _whited_out(chars, rect, over)
    return hidden


def _within(ch: dict[str, Any], rect: dict[str, Any]) -> bool:
    return bool(rect["x0"] - 0.5 <= (ch["x0"] + ch["x1"]) / 2 <= rect["x1"] + 0.5
                and rect["top"] - 0.5 <= (ch["top"] + ch["bottom"]) / 2 <= rect["bottom"] + 0.5)


def _white(rect: dict[str, Any]) -> bool:
    colour = rect.get("non_stroking_color")
    values = colour if isinstance(colour, list | tuple) else [colour]
    return bool(rect.get("fill")) and bool(values) and all(
        isinstance(v, int | float) and v >= 0.98 for v in values
    )


def _whited_out(chars: list[dict[str, Any]], rect: dict[str, Any], over: set[int]) -> set[int]:
    inside = [(order, ch) for order, ch in enumerate(chars) if _within(ch, rect)]
    later = [order for order, _ in inside if order in over]
    # a white box under most of the page's text is its background (a page fill, drawn first), not
    # an editor's white-out over a figure: what is inside it was never covered
    if not later or len(inside) > BACKGROUND_SHARE * len(chars):
        return set()
    cutoff = min(later)
    return {id(ch) for order, ch in inside if order < cutoff}
