"""A region whiter than the paper it sits on and without the scanner's noise: a piece of another
image pasted over a scan.

Bare paper is the whitest thing on a scanned page: print only darkens it, and a flatbed or a copier
lights the page evenly, so the medians of blocks of bare paper agree within a grey level or two. An
amount or a name typed on an editor's clean canvas, or cut from another render, comes out whiter
than that paper (often flat at 255). The noise check in ``image_forensics`` cannot see such a
patch: it leaves clipped white out, because on a genuine page that is glare or a blown-out scan,
and after the scan's own JPEG the ringing around the pasted digits is as loud as paper noise. Here
a group of blocks counts only when:

- the page's paper is even (a flatbed or a copier; a photo's light varies far more than the step
  looked for, and its brightest area is a lamp's reflection, not a paste);
- it is whiter than the paper by more than the paper's own spread, and the paper is not already at
  full white (a blown-out scan has nothing whiter);
- it is compact, does not touch the image's edge, and the blocks around it are no whiter than the
  paper (it ends abruptly, where a reflection fades out);
- whiter blocks are rare on the page: a form printed with a tint over most of it has white fields
  (which are its real paper) all over, a pasted amount is a few strips.

Something stuck on the real page (a white label, correction fluid) can be whiter than its paper too;
the evidence says so, and an agent looking at the outlined box tells the two apart.

It is *sure* (medium) from ``SURE_BLOCKS`` blocks: a typed amount is a strip of them, and the
genuine scans measured here never had more than two whiter blocks together.
"""

from __future__ import annotations

import numpy as np

from leaselab_desktop.screening.documents.pixel_blocks import (
    Patch,
    block_levels,
    box_of,
    components,
    fill_of,
    mask_of,
    on_edge,
    ring_of,
)

WHITER_BY = 4.0  # grey levels above the paper's white (block medians of bare paper agree within ~1)
EVEN_PAPER = 3.0  # the paper's spread (robust, grey levels): above it the light is uneven (a photo)
MIN_BLOCKS = 6  # smaller is a speck of dust or a hole in the toner
SURE_BLOCKS = 8
MAX_SHARE = 0.02  # of all blocks whiter than the paper: more is white paper under a printed tint
MIN_FILL = 0.5  # of its bounding box: a pasted strip is compact, a stray line of white is not
PAPER_PERCENTILE = 80  # a block's paper level: its brighter fifth is the paper between the print


def _paper(levels: np.ndarray) -> tuple[float, float]:
    """The paper's white (median of the brighter half of block medians) and its robust spread."""
    flat = levels.ravel()
    upper = flat[flat >= np.median(flat)]
    white = float(np.median(upper))
    return white, float(np.median(np.abs(upper - white))) * 1.4826


def whiter_patches(g: np.ndarray, block: int) -> list[Patch]:
    """Pasted-looking regions whiter than an evenly lit page's paper, largest first."""
    if min(g.shape[:2]) < 8 * block:  # under 8 blocks across: no paper to compare with (a thumbnail)
        return []
    levels = block_levels(g, block, PAPER_PERCENTILE)
    white, spread = _paper(levels)
    step = max(WHITER_BY, 3 * spread)
    if spread > EVEN_PAPER or white + step >= 255:
        return []
    whiter = levels > white + step
    if whiter.mean() > MAX_SHARE:
        return []  # the "paper" found is a tint printed over most of the page; its white fields are the paper
    found = []
    for group in components(whiter):
        if len(group) < MIN_BLOCKS or fill_of(group) < MIN_FILL or on_edge(levels.shape, group):
            continue
        if not _abrupt(levels[ring_of(levels.shape, group)], white, spread):
            continue
        level = float(np.median(levels[mask_of(levels.shape, group)]))
        found.append(Patch(box_of(group, block), level, len(group) >= SURE_BLOCKS, "whiter", paper=white))
    return sorted(found, key=_area, reverse=True)


def _abrupt(around: np.ndarray, white: float, spread: float) -> bool:
    """The blocks around it are no whiter than the paper (they may be darker: print, a shaded
    table row): the region ends at its edge, where a bright reflection fades out."""
    return around.size > 0 and float(np.median(around)) <= white + max(2.0, 2 * spread)


def _area(patch: Patch) -> int:
    x0, y0, x1, y1 = patch.box
    return (x1 - x0) * (y1 - y0)
