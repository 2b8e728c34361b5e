"""Word spaces the recogniser left out, put back from the gaps in the line's ink.

PP-OCRv4's recogniser often reads a line of capitals without its spaces ("WHITFIELDDANIEL",
"PACIFICCRESTSOFTWARE,INC."): names on ID cards and employers in pay-stub headers, exactly the
facts that are compared with the application. The picture still shows the space: a run of blank
columns between two characters (over the height of the text's band, so an L's foot or a T's bar
closes the gaps inside a word). Measured on the corpus's scans and photos, between the characters
of words the recogniser did space, the blank is under 0.21 of the band's height in 95 % of cases;
every gap of 0.4 and more was a space it had dropped. Between 0.28 and 0.4, digits (a "1" in
tabular figures) and punctuation ("NETFLIX.COM", "(s)") showed gaps too. So a space goes back
only between two capitals or a capital and a digit (or after a comma), across a gap of at least
``GAP_OF_HEIGHT``, where the recogniser put nothing between them. A line without clear ink (too
little contrast) is left as read; light print on a dark band counts (the print is whichever of
the two is the minority).
"""

from __future__ import annotations

import numpy as np
from PIL import Image

GAP_OF_HEIGHT = 0.35  # a blank at least this share of the ink's height separates words
MIN_CONTRAST = 40  # grey levels between paper and ink below which the ink is not told apart
ROW_INK_SHARE = 0.02  # a row belongs to the text when this share of its columns is ink
MIN_RUN = 6  # lines whose longest run of characters without a space is shorter are left as read


def word_gaps(crop: Image.Image) -> list[tuple[int, int]]:
    """Blank column runs (first, end) inside the line's ink wide enough to be word spaces."""
    g = np.asarray(crop.convert("L"))
    if g.size == 0:
        return []
    # the 5th and 95th percentiles of the grey levels, from their histogram (a few µs a line)
    cumulative = np.cumsum(np.bincount(g.ravel(), minlength=256))
    ink_level, paper = (int(np.searchsorted(cumulative, share * g.size)) for share in (0.05, 0.95))
    if paper - ink_level < MIN_CONTRAST:
        return []
    ink = g < (paper + ink_level) / 2
    if ink.mean() > 0.5:  # light print on a dark band (a card's header): the print is the minority
        ink = ~ink
    rows = np.flatnonzero(ink.mean(axis=1) >= ROW_INK_SHARE)
    if len(rows) == 0:
        return []
    top, bottom = int(rows[0]), int(rows[-1]) + 1  # the text's band: slivers of neighbours left out
    columns = np.asarray(ink[top:bottom].any(axis=0))
    inked = np.flatnonzero(columns)
    if len(inked) < 2:
        return []
    blank = ~columns[inked[0] : inked[-1] + 1]
    edges = np.diff(np.concatenate([[0], blank.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    least = GAP_OF_HEIGHT * (bottom - top)
    first = int(inked[0])
    return [(int(a) + first, int(b) + first) for a, b in zip(starts, ends, strict=True) if b - a >= least]


def with_word_spaces(text: str, centres: tuple[float, ...], crop: Image.Image) -> str:
    """``text`` with a space between two characters whose centres lie on either side of a word gap
    of ``crop`` and between which the recogniser put none."""
    if len(centres) != len(text) or max(map(len, text.split()), default=0) < MIN_RUN:
        return text
    gaps = word_gaps(crop)
    if not gaps:
        return text
    out = [text[0]]
    for i in range(1, len(text)):
        if _may_part(text[i - 1], text[i]) and any(centres[i - 1] < a and b <= centres[i] for a, b in gaps):
            out.append(" ")
        out.append(text[i])
    return "".join(out)


def _may_part(before: str, after: str) -> bool:
    """Two characters a dropped space can lie between: capitals, or a capital and a digit, or a
    comma and a capital or digit (never two digits: the gaps around a "1" are wide). Lower case is
    left as read: the recogniser seldom drops its spaces, and on the corpus, spacing a mixed-case
    label ("GrossPay") of a photo taken at a steep angle paired it with the amount of the row above."""
    if not (after.isupper() or after.isdigit()):
        return False
    if before == ",":
        return True
    return (before.isupper() or before.isdigit()) and (before.isalpha() or after.isalpha())
