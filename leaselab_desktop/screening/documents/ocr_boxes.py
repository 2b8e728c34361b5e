"""Text-line boxes from the detector's probability map (DB post-processing), in numpy + pyclipper.

The same steps as PaddleOCR's ``DBPostProcess`` (rapidocr's copy uses OpenCV for them): threshold
the map, dilate by one pixel, find the connected regions, fit each a minimum-area rectangle, score
it by the mean probability inside, grow it ("unclip", by area × ratio / perimeter) with pyclipper,
and fit the grown outline again. Regions are found from row runs (a page map holds a few thousand),
joined with a vectorised union-find, so no per-pixel Python loop runs.
"""

from __future__ import annotations

import numpy as np
import pyclipper
from PIL import Image, ImageDraw

THRESH = 0.3  # probability above which a pixel is text
BOX_THRESH = 0.5  # mean probability inside a box below which it is dropped
UNCLIP_RATIO = 1.6
MAX_CANDIDATES = 1000
MIN_SIZE = 3  # px of the map: shorter sides are noise (at least 3: _too_thin relies on it)

Quad = np.ndarray  # 4×2 float32, clockwise from top-left


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Horizontal runs of set pixels: row, first column, end column (exclusive), row-major."""
    padded = np.zeros((mask.shape[0], mask.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    step = np.diff(padded, axis=1)
    rows, starts = np.nonzero(step == 1)
    _, ends = np.nonzero(step == -1)
    return rows, starts, ends


def _labels(rows: np.ndarray, starts: np.ndarray, ends: np.ndarray, width: int) -> np.ndarray:
    """Component label of each run (8-connectivity: runs of adjacent rows that touch, corners too)."""
    count = len(rows)
    span = width + 2
    start_keys = rows * span + starts
    end_keys = rows * span + ends  # both sorted: runs are row-major and disjoint within a row
    # the runs of the next row overlapping run i form one contiguous range [lo, hi)
    lo = np.searchsorted(end_keys, (rows + 1) * span + starts, side="left")
    hi = np.searchsorted(start_keys, (rows + 1) * span + ends, side="right")
    n = np.maximum(hi - lo, 0)
    a = np.repeat(np.arange(count), n)
    b = (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)) + np.repeat(lo, n)
    labels = np.arange(count)
    while True:
        low = np.minimum(labels[a], labels[b])
        new = labels.copy()
        np.minimum.at(new, a, low)
        np.minimum.at(new, b, low)
        while True:  # pointer jumping: every run points at the smallest run of its component
            jumped = new[new]
            if np.array_equal(jumped, new):
                break
            new = jumped
        if np.array_equal(new, labels):
            return labels
        labels = new


def _hull(points: np.ndarray) -> np.ndarray:
    """Convex hull (Andrew's monotone chain) of N×2 points, counter-clockwise."""
    pts: list[tuple[float, float]] = sorted(set(map(tuple, points.tolist())))
    if len(pts) < 3:
        return np.array(pts, dtype=np.float64).reshape(-1, 2)

    def half(seq: list[tuple[float, float]]) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for px, py in seq:
            while len(out) >= 2:
                (ax, ay), (bx, by) = out[-2], out[-1]
                if (bx - ax) * (py - ay) - (by - ay) * (px - ax) > 0:
                    break
                out.pop()
            out.append((px, py))
        return out

    lower, upper = half(pts), half(pts[::-1])
    return np.array(lower[:-1] + upper[:-1], dtype=np.float64)


def min_area_rect(points: np.ndarray) -> tuple[np.ndarray, float]:
    """The minimum-area rectangle around the points (rotating calipers over the hull's edges):
    its four corners and its shorter side."""
    hull = _hull(points)
    if len(hull) < 3:
        lo, hi = hull.min(axis=0), hull.max(axis=0)
        corners = np.array([lo, [hi[0], lo[1]], hi, [lo[0], hi[1]]], dtype=np.float64)
        return corners, float(min(hi - lo))
    edges = np.roll(hull, -1, axis=0) - hull
    angles = np.unique(np.mod(np.arctan2(edges[:, 1], edges[:, 0]), np.pi / 2))
    cos, sin = np.cos(angles), np.sin(angles)
    axes = np.stack([np.stack([cos, sin], 1), np.stack([-sin, cos], 1)], 1)  # A×2×2
    proj = np.einsum("nd,akd->ank", hull, axes)  # A×N×2: coordinates along each rectangle's axes
    lo, hi = proj.min(axis=1), proj.max(axis=1)
    best = int(np.argmin(np.prod(hi - lo, axis=1)))
    (u0, v0), (u1, v1), axis = lo[best], hi[best], axes[best]
    corners = np.array([[u0, v0], [u1, v0], [u1, v1], [u0, v1]]) @ axis
    return corners, float(min(u1 - u0, v1 - v0))


def _ordered(corners: np.ndarray) -> np.ndarray:
    """Corners as PaddleOCR's ``get_mini_boxes`` orders them: top-left, top-right, bottom-right,
    bottom-left (the two leftmost by x, each pair split by y)."""
    pts = corners[np.argsort(corners[:, 0], kind="stable")]
    left = pts[:2] if pts[1][1] > pts[0][1] else pts[[1, 0]]
    right = pts[2:] if pts[3][1] > pts[2][1] else pts[[3, 2]]
    return np.array([left[0], right[0], right[1], left[1]], dtype=np.float64)


def _score(prob: np.ndarray, box: np.ndarray) -> float:
    """Mean probability inside the box (PaddleOCR's "fast" score: the box polygon, filled)."""
    h, w = prob.shape
    x0 = int(np.clip(np.floor(box[:, 0].min()), 0, w - 1))
    x1 = int(np.clip(np.ceil(box[:, 0].max()), 0, w - 1))
    y0 = int(np.clip(np.floor(box[:, 1].min()), 0, h - 1))
    y1 = int(np.clip(np.ceil(box[:, 1].max()), 0, h - 1))
    canvas = Image.new("L", (x1 - x0 + 1, y1 - y0 + 1), 0)
    ImageDraw.Draw(canvas).polygon([(int(x - x0), int(y - y0)) for x, y in box], fill=1, outline=1)
    inside = np.asarray(canvas, dtype=bool)
    region = prob[y0 : y1 + 1, x0 : x1 + 1]
    return float(region[inside].mean()) if inside.any() else 0.0


def _unclip(box: np.ndarray) -> np.ndarray | None:
    x, y = box[:, 0], box[:, 1]
    area = 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))
    perimeter = float(np.linalg.norm(np.roll(box, -1, axis=0) - box, axis=1).sum())
    if perimeter == 0:
        return None
    offset = pyclipper.PyclipperOffset()
    offset.AddPath(box.tolist(), pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
    grown = offset.Execute(area * UNCLIP_RATIO / perimeter)
    return np.array(grown[0], dtype=np.float64) if len(grown) == 1 else None


def boxes_from_map(prob: np.ndarray, out_w: int, out_h: int) -> list[Quad]:
    """Text-line quadrilaterals from a H×W probability map, in the coordinates of an image of
    ``out_w``×``out_h`` pixels, clockwise from top-left, in no particular order."""
    h, w = prob.shape
    mask = prob > THRESH
    mask[:-1, :-1] |= mask[1:, :-1] | mask[:-1, 1:] | mask[1:, 1:]  # 2×2 dilation (as cv2.dilate)
    rows, starts, ends = _runs(mask)
    if len(rows) == 0:
        return []
    labels = _labels(rows, starts, ends, w)
    order = np.argsort(labels, kind="stable")
    cuts = np.flatnonzero(np.diff(labels[order])) + 1
    out: list[Quad] = []
    for group in np.split(order, cuts)[:MAX_CANDIDATES]:
        if _too_thin(rows[group], starts[group], ends[group]):
            continue
        pts = np.concatenate([
            np.stack([starts[group], rows[group]], 1), np.stack([ends[group] - 1, rows[group]], 1),
        ])  # fmt: skip
        corners, short = min_area_rect(pts)
        if short < MIN_SIZE:
            continue
        box = _ordered(corners)
        if _score(prob, box) < BOX_THRESH:
            continue
        grown = _unclip(box)
        if grown is None:
            continue
        corners, short = min_area_rect(grown)
        if short < MIN_SIZE + 2:
            continue
        box = _ordered(corners)
        box[:, 0] = np.clip(np.round(box[:, 0] / w * out_w), 0, out_w)
        box[:, 1] = np.clip(np.round(box[:, 1] / h * out_h), 0, out_h)
        quad = _clockwise(box)
        quad[:, 0] = np.clip(quad[:, 0], 0, out_w - 1).astype(np.int32)
        quad[:, 1] = np.clip(quad[:, 1], 0, out_h - 1).astype(np.int32)
        if int(np.linalg.norm(quad[0] - quad[1])) > 3 and int(np.linalg.norm(quad[0] - quad[3])) > 3:
            out.append(quad.astype(np.float32))
    return out


def _too_thin(rows: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> bool:
    """A region spanning at most 2 px of the map (between its extreme pixels) down or across: its
    minimum-area rectangle's short side is under 3 px (so under ``MIN_SIZE``), and it is skipped
    before the costly rectangle fit; about half a page's regions are such specks. Exact: the
    axis-aligned rectangle, sides e ≤ 2 and E, encloses the region, so the best one (s ≤ l) has
    s·l ≤ 2E, and its diagonal spans the region, s² + l² ≥ E²; s ≥ 3 would give l ≤ 2E/3 and
    s² + l² ≤ 8E²/9."""
    return int(rows.max() - rows.min()) <= 2 or int((ends - 1).max() - starts.min()) <= 2


def _clockwise(pts: np.ndarray) -> np.ndarray:
    """Top-left, top-right, bottom-right, bottom-left: the two leftmost points by x, split by y."""
    by_x = pts[np.argsort(pts[:, 0], kind="stable")]
    left = by_x[:2][np.argsort(by_x[:2, 1], kind="stable")]
    right = by_x[2:][np.argsort(by_x[2:, 1], kind="stable")]
    return np.array([left[0], right[0], right[1], left[1]], dtype=np.float64)


def reading_order(boxes: list[Quad]) -> list[Quad]:
    """Top to bottom, and left to right within 10 px of the same top (PaddleOCR's ``sorted_boxes``)."""
    out = sorted(boxes, key=lambda b: (float(b[0][1]), float(b[0][0])))
    for i in range(len(out) - 1):
        for j in range(i, -1, -1):
            if abs(out[j + 1][0][1] - out[j][0][1]) < 10 and out[j + 1][0][0] < out[j][0][0]:
                out[j], out[j + 1] = out[j + 1], out[j]
            else:
                break
    return out


def _perspective(src: np.ndarray, width: int, height: int) -> tuple[float, ...]:
    """Pillow's PERSPECTIVE coefficients mapping the output rectangle onto the quad ``src``."""
    dst = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float64)
    rows = []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    coeffs = np.linalg.solve(np.array(rows), src.reshape(8).astype(np.float64))
    return tuple(float(c) for c in coeffs)


def crop(img: Image.Image, quad: Quad) -> Image.Image:
    """The quad's pixels as an upright rectangle (PaddleOCR's ``get_rotate_crop_image``): a
    perspective warp, then turned a quarter if it is much taller than wide (vertical text)."""
    width = max(1, int(max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[2] - quad[3]))))
    height = max(1, int(max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2]))))
    x0, y0 = (max(0, int(v) - 2) for v in quad.min(axis=0))
    x1, y1 = (min(lim, int(v) + 3) for v, lim in zip(quad.max(axis=0), img.size, strict=True))
    region = img.crop((x0, y0, x1, y1))  # warp only the neighbourhood: cheaper on a large page
    local = quad.astype(np.float64) - [x0, y0]
    try:
        coeffs = _perspective(local, width, height)
    except np.linalg.LinAlgError:  # a degenerate quad: its bounding box will do
        return region
    out = region.transform((width, height), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC)
    return out.transpose(Image.Transpose.ROTATE_90) if height / width >= 1.5 else out
