"""Block-grid primitives shared by the pixel checks (``image_forensics`` for noise, ``paper_patch``
for paper whiteness): grey levels, noise residuals, per-block statistics, connected groups of
blocks and the region they make."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

A = TypeVar("A")
B = TypeVar("B")

_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)

Box = tuple[int, int, int, int]
Cell = tuple[int, int]


@dataclass
class Patch:
    """A pasted-looking region: its box (pixels of the upright image), its level, whether the
    check is sure of it, and which check found it ("noise": cleaner than the image's noise;
    "whiter": whiter than the paper it sits on)."""

    box: Box
    level: float  # "noise": the region's noise floor; "whiter": its paper level
    sure: bool
    kind: str = "noise"
    paper: float | None = None  # "whiter": the page's own paper level


def side_by_side(first: Callable[[], A], second: Callable[[], B]) -> tuple[A, B]:
    """Both results, ``second`` computed on a thread of its own meanwhile. The pixel checks run on
    one core after OCR has used both; numpy lets go of the GIL in its array work, so two independent
    parts of a check take the two cores (same results; the thread ends with the call)."""
    with ThreadPoolExecutor(1, thread_name_prefix="pixel-check") as pool:
        later = pool.submit(second)
        return first(), later.result()


def gray(rgb: np.ndarray) -> np.ndarray:
    if rgb.ndim == 2:
        return rgb.astype(np.float32)
    return rgb[..., :3].astype(np.float32) @ _LUMA


def residuals(g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """|second difference| along rows and along columns: zero on flat areas and on linear ramps
    (lighting, vignetting). Sensor noise shows in both; a printed pattern of lines (a card's
    guilloche, table rules) only across its lines, so the smaller of the two is the noise."""
    across = np.full(g.shape, np.nan, dtype=np.float32)
    down = np.full(g.shape, np.nan, dtype=np.float32)
    across[:, 1:-1] = np.abs(g[:, 1:-1] - (g[:, :-2] + g[:, 2:]) / 2)
    down[1:-1, :] = np.abs(g[1:-1, :] - (g[:-2, :] + g[2:, :]) / 2)
    return across, down


def quiet_mean(residual: np.ndarray, window: int, step: int) -> np.ndarray:
    """Per window (``window`` px square, every ``step`` px): the mean of its quieter half, or NaN
    when over half its pixels are unusable. The quieter half is paper between the print, so
    print edges (the loud half) do not raise it; unlike a percentile it does not collapse to 0
    on the quantised residual of a JPEG."""
    from numpy.lib.stride_tricks import sliding_window_view

    views = sliding_window_view(np.where(np.isnan(residual), np.float32(np.inf), residual), (window, window))
    grid = views[::step, ::step]
    cells = np.array(grid).reshape(grid.shape[0], grid.shape[1], -1)
    k = window * window // 2
    cells.partition(k, axis=-1)  # in place: the copy above is the only one made
    quiet = cells[..., :k]
    usable = np.isfinite(quiet).all(axis=-1)
    return np.where(usable, np.where(np.isfinite(quiet), quiet, 0).mean(axis=-1), np.nan).astype(np.float32)


def block_levels(g: np.ndarray, block: int, percentile: float) -> np.ndarray:
    """A percentile of the grey levels of each ``block`` px square (the grid ``quiet_mean`` uses
    with ``step == block``), as ``np.percentile`` computes it (linear between the two nearest
    ranks) but from one sort of all blocks: numpy's vectorised sort is ~3× faster than
    ``np.percentile``, which selects block by block. ``test_pixel_blocks`` pins them equal."""
    from numpy.lib.stride_tricks import sliding_window_view

    views = sliding_window_view(g, (block, block))[::block, ::block]
    cells = np.sort(views.reshape(views.shape[0], views.shape[1], -1), axis=-1)
    rank = percentile / 100 * (cells.shape[-1] - 1)
    below = int(np.floor(rank))
    above = min(below + 1, cells.shape[-1] - 1)
    t = rank - below
    lower, upper = cells[..., below], cells[..., above]
    step = upper - lower
    # numpy's own lerp: from the lower rank under half way, from the upper one past it
    levels: np.ndarray = lower + step * np.float32(t) if t < 0.5 else upper - step * np.float32(1 - t)
    return levels.astype(np.float32)


def components(mask: np.ndarray) -> list[list[Cell]]:
    """8-connected groups of True cells (the block grid is small: a plain flood fill)."""
    seen = np.zeros_like(mask, dtype=bool)
    groups = []
    for start in zip(*np.nonzero(mask), strict=True):
        if seen[start]:
            continue
        seen[start] = True
        stack, group = [start], []
        while stack:
            y, x = stack.pop()
            group.append((int(y), int(x)))
            for yy in range(max(0, y - 1), min(mask.shape[0], y + 2)):
                for xx in range(max(0, x - 1), min(mask.shape[1], x + 2)):
                    if mask[yy, xx] and not seen[yy, xx]:
                        seen[yy, xx] = True
                        stack.append((yy, xx))
        groups.append(group)
    return groups


def grow(mask: np.ndarray, steps: int) -> np.ndarray:
    grown = mask.copy()
    for _ in range(steps):
        g = grown.copy()
        g[1:, :] |= grown[:-1, :]
        g[:-1, :] |= grown[1:, :]
        g[:, 1:] |= grown[:, :-1]
        g[:, :-1] |= grown[:, 1:]
        grown = g
    return grown


def mask_of(shape: tuple[int, ...], group: list[Cell]) -> np.ndarray:
    inside = np.zeros(shape, dtype=bool)
    for y, x in group:
        inside[y, x] = True
    return inside


def ring_of(shape: tuple[int, ...], group: list[Cell]) -> np.ndarray:
    """The blocks around a group, the 2nd and 3rd out (the 1st straddles its edge)."""
    inside = mask_of(shape, group)
    ring: np.ndarray = grow(inside, 3) & ~grow(inside, 1)
    return ring


def on_edge(shape: tuple[int, ...], group: list[Cell]) -> bool:
    """Touches the image's edge: the fill a scanner's deskew adds, a margin, a desk corner."""
    ys, xs = [g[0] for g in group], [g[1] for g in group]
    return min(ys) == 0 or min(xs) == 0 or max(ys) == shape[0] - 1 or max(xs) == shape[1] - 1


def box_of(group: list[Cell], block: int) -> Box:
    ys, xs = [g[0] for g in group], [g[1] for g in group]
    return (min(xs) * block, min(ys) * block, (max(xs) + 1) * block, (max(ys) + 1) * block)


def fill_of(group: list[Cell]) -> float:
    """The share of its bounding box the group covers (a typed strip is compact)."""
    ys, xs = [g[0] for g in group], [g[1] for g in group]
    return len(group) / ((max(ys) - min(ys) + 1) * (max(xs) - min(xs) + 1))
