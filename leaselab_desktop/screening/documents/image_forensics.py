"""Pixel-level checks of photos and scans, run at intake on the decoded image.

1. **Re-saved by an editor.** A JPEG's quantisation tables say which encoder wrote it. Editors and
   image libraries (Pillow, GIMP, OpenCV, most web tools) write libjpeg's standard (IJG) tables
   scaled to a quality; Photoshop marks its files with Adobe APP13/APP14 segments. The cameras of
   the makers listed in ``CUSTOM_TABLE_MAKES`` write tables of their own, so IJG tables in a file
   whose EXIF names one of those cameras mean the photo was opened and saved again by software.
   Without such EXIF, periodic DCT histograms show a JPEG compressed twice (weaker evidence:
   messaging apps recompress photos too).
2. **A pasted region.** Every camera or scanner image carries sensor noise in its flat areas. The
   noise floor is measured per small block (the quieter half of a second-difference residual,
   across rows and down columns, the smaller of the two: print edges and printed line patterns do
   not count; clipped black ink and white glare are left out). A compact group of blocks far
   cleaner than the image's own distribution (robust z-score on log floors), not touching the
   image's edge, is a patch from elsewhere (digits or a name typed over a photo or scan); it is
   *sure* (medium) when it is a strip of many blocks almost free of clear noise while the blocks
   around it carry the image's usual noise (glare fades out, a paste ends abruptly). Its box is
   the evidence. Scanned PDF pages are checked on their own embedded images (``ocr_intake``).
3. **Screenshot or photo.** A screenshot or digital render has no noise floor at all.

Findings are stored as ``forensic_*`` metadata (strings: facts carry no pixels); the signal
detectors in ``screening.signals.image_forensics`` turn them into signals.
"""

from __future__ import annotations

import contextlib
import functools
import io
from dataclasses import dataclass

import numpy as np

CUSTOM_TABLE_MAKES = (
    "apple", "canon", "nikon", "sony", "fujifilm", "olympus", "om digital", "panasonic", "pentax",
    "ricoh", "leica",
)
NOISE_FLOOR_SHARE = 0.5  # the quieter half of a block's pixels: paper between the print
MIN_PHOTO_NOISE = 0.1  # grey levels; below this over the whole image there is no sensor noise
PATCH_RATIO = 0.3  # a patch's noise floor below 30 % of the image's ...
PATCH_Z = -3.0  # ... and an outlier of the image's own (log) distribution of block floors
PATCH_MIN_BLOCKS = 6  # blocks are ~0.6 % of the short side: smaller is a speck, not a pasted line
RING_RATIO = 0.6  # the blocks around it as noisy as the image's (most of them)
SURE_MIN_BLOCKS = 16  # a typed amount or name is a strip of many blocks
PATCH_MAX_SHARE = 0.08  # of the image's usable blocks: a bigger "patch" is lighting, not pasting
SURE_NOISE = 0.2  # an image with clear sensor noise (scans, most photos) ...
SURE_RATIO = 0.05  # ... and a region with almost none of it: medium, not low
DOUBLE_JPEG_SCORE = 5.5  # periodicity above this: compressed twice (single saves stay under 3.7)
WHITE_CLIP = 249  # paper blown to white and glare show no noise either: unusable, not "clean"
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)

Box = tuple[int, int, int, int]


@dataclass
class NoiseMap:
    block: int
    floor: np.ndarray  # per block noise floor (grey levels); NaN where saturated
    median: float


@functools.lru_cache(maxsize=1)
def _ijg_tables() -> dict[tuple[tuple[int, ...], ...], int]:
    """libjpeg's standard tables at every quality, as Pillow (which uses libjpeg) writes them."""
    from PIL import Image

    tiny = Image.new("RGB", (16, 16), (128, 128, 128))
    out: dict[tuple[tuple[int, ...], ...], int] = {}
    for quality in range(1, 101):
        buf = io.BytesIO()
        tiny.save(buf, "JPEG", quality=quality)
        tables = Image.open(buf).quantization  # type: ignore[attr-defined]
        out.setdefault(tuple(tuple(tables[i]) for i in sorted(tables)), quality)
        out.setdefault((tuple(tables[0]),), quality)  # a greyscale JPEG (scanners) has the luma table only
    return out


def jpeg_encoder(data: bytes) -> dict[str, str]:
    """``forensic_jpeg_tables``: "ijg q=NN" or "custom"; ``forensic_adobe``: the Adobe segments."""
    from PIL import Image

    img = Image.open(io.BytesIO(data))
    if img.format != "JPEG":
        return {}
    tables = getattr(img, "quantization", None) or {}
    key = tuple(tuple(tables[i]) for i in sorted(tables))
    quality = _ijg_tables().get(key)
    out = {"forensic_jpeg_tables": f"ijg q={quality}" if quality else "custom"}
    markers = [(marker, payload[:14]) for marker, payload in getattr(img, "applist", [])]
    adobe = [name for marker, head in markers for name, sig in (("APP13 Photoshop", b"Photoshop 3.0"),
             ("APP14 Adobe", b"Adobe")) if head.startswith(sig) and marker in ("APP13", "APP14")]
    if adobe:
        out["forensic_adobe"] = ", ".join(sorted(set(adobe)))
    return out


_DCT = np.array([[np.sqrt((1 if k == 0 else 2) / 8) * np.cos((2 * n + 1) * k * np.pi / 16) for n in range(8)]
                 for k in range(8)])
_DQ_FREQUENCIES = ((0, 1), (1, 0), (1, 1), (0, 2), (2, 0))


def double_compression(data: bytes) -> float | None:
    """How strongly the histograms of low-frequency DCT coefficients (in units of the file's own
    quantisation steps) are periodic: a JPEG decoded and saved again with other steps shows
    regularly empty or doubled bins (double quantisation). Single saves measured 1.4–3.7 here,
    re-saves with a different quality 7–9 (subtle ones, e.g. quality 92 then 90, stay near 3)."""
    from PIL import Image

    img = Image.open(io.BytesIO(data))
    if img.format != "JPEG" or not getattr(img, "quantization", None):
        return None
    steps = np.array(img.quantization[0], dtype=np.float64)  # type: ignore[attr-defined]
    img.draft("YCbCr", img.size)  # the decoder's own Y plane, no RGB round trip
    y = np.asarray(img.convert("YCbCr"))[..., 0].astype(np.float64) - 128.0
    h, w = (y.shape[0] // 8) * 8, (y.shape[1] // 8) * 8
    blocks = y[:h, :w].reshape(h // 8, 8, w // 8, 8).transpose(0, 2, 1, 3).reshape(-1, 8, 8)
    coefficients = _DCT @ blocks @ _DCT.T
    scores = []
    for u, v in _DQ_FREQUENCIES:
        k = np.abs(np.rint(coefficients[:, u, v] / steps[u * 8 + v]).astype(np.int64))
        hist = np.bincount(k[k != 0], minlength=40)[1:33].astype(np.float64)
        if hist.sum() < 500:
            continue
        trend = np.convolve(hist, np.ones(5) / 5, mode="same")
        spectrum = np.abs(np.fft.rfft((hist - trend) / (trend + 1.0)))[2:]
        scores.append(float(spectrum.max() / (np.median(spectrum) + 1e-6)))
    return float(np.median(scores)) if scores else None


def _gray(rgb: np.ndarray) -> np.ndarray:
    if rgb.ndim == 2:
        return rgb.astype(np.float32)
    return rgb[..., :3].astype(np.float32) @ _LUMA


def _residuals(g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """|second difference| along rows and along columns: zero on flat areas and on linear ramps
    (lighting, vignetting). Sensor noise shows in both; a printed pattern of lines (a card's
    guilloche, table rules) only across its lines, so the smaller of the two is the noise."""
    across = np.full(g.shape, np.nan, dtype=np.float32)
    down = np.full(g.shape, np.nan, dtype=np.float32)
    across[:, 1:-1] = np.abs(g[:, 1:-1] - (g[:, :-2] + g[:, 2:]) / 2)
    down[1:-1, :] = np.abs(g[1:-1, :] - (g[:-2, :] + g[2:, :]) / 2)
    return across, down


def _quiet_mean(residual: np.ndarray, window: int, step: int) -> np.ndarray:
    """Per window (``window`` px square, every ``step`` px): the mean of its quieter half, or NaN
    when over half its pixels are unusable. The quieter half is paper between the print, so
    print edges (the loud half) do not raise it; unlike a percentile it does not collapse to 0
    on the quantised residual of a JPEG."""
    from numpy.lib.stride_tricks import sliding_window_view

    views = sliding_window_view(np.nan_to_num(residual, nan=np.inf), (window, window))[::step, ::step]
    cells = views.reshape(views.shape[0], views.shape[1], -1)
    k = window * window // 2
    quiet = np.partition(cells, k, axis=-1)[..., :k]
    usable = np.isfinite(quiet).all(axis=-1)
    return np.where(usable, np.where(np.isfinite(quiet), quiet, 0).mean(axis=-1), np.nan).astype(np.float32)


def noise_map(rgb: np.ndarray) -> NoiseMap:
    gray = _gray(rgb)
    block = max(8, min(gray.shape) // 160)
    if gray.shape[0] < 4 * block or gray.shape[1] < 4 * block:  # a sliver or a thumbnail
        return NoiseMap(block=block, floor=np.full((1, 1), np.nan, dtype=np.float32), median=0.0)
    across, down = _residuals(gray)
    clipped = (gray < 12) | (gray > WHITE_CLIP)  # ink clipped at black carries no noise
    across[clipped] = down[clipped] = np.nan
    step = block
    floor = np.minimum(_quiet_mean(across, block, step), _quiet_mean(down, block, step))
    valid = floor[~np.isnan(floor)]
    return NoiseMap(block=step, floor=floor, median=float(np.median(valid)) if valid.size else 0.0)


def _components(mask: np.ndarray) -> list[list[tuple[int, int]]]:
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


@dataclass
class Patch:
    box: Box
    level: float  # the region's median noise floor
    sure: bool  # far below the image's noise, in an image with clear sensor noise


def _grow(mask: np.ndarray, steps: int) -> np.ndarray:
    grown = mask.copy()
    for _ in range(steps):
        g = grown.copy()
        g[1:, :] |= grown[:-1, :]
        g[:-1, :] |= grown[1:, :]
        g[:, 1:] |= grown[:, :-1]
        g[:, :-1] |= grown[:, 1:]
        grown = g
    return grown


def _ring(floor: np.ndarray, group: list[tuple[int, int]]) -> float:
    """The median noise floor of the blocks around a group (the 2nd and 3rd block out: the 1st
    straddles the edge): ordinary around a pasted patch, which ends abruptly; low around glare or
    an over-smoothed area, which fades out."""
    inside = np.zeros(floor.shape, dtype=bool)
    for y, x in group:
        inside[y, x] = True
    around = floor[_grow(inside, 3) & ~_grow(inside, 1)]
    around = around[~np.isnan(around)]
    return float(np.median(around)) if around.size else 0.0


def pasted_region(noise: NoiseMap) -> Patch | None:
    """The largest compact group of blocks inside the image whose noise floor is far below the
    image's own (under ``PATCH_RATIO`` of its median and a robust z-score under ``PATCH_Z``);
    None when there is none."""
    if noise.median < MIN_PHOTO_NOISE:
        return None  # no sensor noise to compare against (screenshot, render)
    floor = noise.floor
    usable = ~np.isnan(floor)
    logs = np.log(floor[usable] + 0.05)
    centre = float(np.median(logs))
    spread = max(float(np.median(np.abs(logs - centre))) * 1.4826, 0.05)
    with np.errstate(invalid="ignore"):
        z = (np.log(floor + 0.05) - centre) / spread
        # only too-clean blocks: dense print raises a block's floor as noise would, so "too noisy"
        # cannot be told from text; a patch of typed digits on clean paper is quiet
        odd = usable & (floor < PATCH_RATIO * noise.median) & (z < PATCH_Z)
    ny, nx = floor.shape
    best: list[tuple[int, int]] | None = None
    for group in _components(odd):
        ys, xs = [g[0] for g in group], [g[1] for g in group]
        # blocks on the image's edge: the fill a scanner's deskew adds, a margin, a desk corner
        if min(ys) == 0 or min(xs) == 0 or max(ys) == ny - 1 or max(xs) == nx - 1:
            continue
        fits = PATCH_MIN_BLOCKS <= len(group) <= PATCH_MAX_SHARE * usable.sum()
        if fits and (best is None or len(group) > len(best)):
            best = group
    if best is None:
        return None
    ys, xs = [g[0] for g in best], [g[1] for g in best]
    b = noise.block
    level = float(np.median([floor[g] for g in best]))
    ring = _ring(floor, best)
    sure = (noise.median >= SURE_NOISE and level < SURE_RATIO * noise.median and len(best) >= SURE_MIN_BLOCKS
            and ring >= RING_RATIO * noise.median)
    return Patch((min(xs) * b, min(ys) * b, (max(xs) + 1) * b, (max(ys) + 1) * b), level, sure)


def inspect_image(data: bytes, rgb: np.ndarray) -> dict[str, str]:
    """All pixel-level findings for one image (its first frame, upright), as metadata."""
    out: dict[str, str] = {}
    with contextlib.suppress(Exception):  # the tables are a bonus; the pixels are checked below
        out.update(jpeg_encoder(data))
    noise = noise_map(rgb)
    out["forensic_noise_floor"] = f"{noise.median:.2f}"
    if noise.median >= MIN_PHOTO_NOISE:  # flat renders give degenerate histograms
        with contextlib.suppress(Exception):
            score = double_compression(data)
            if score is not None:
                out["forensic_double_jpeg"] = f"{score:.1f}"
    out["image_kind"] = "photo or scan" if noise.median >= MIN_PHOTO_NOISE else "screenshot or render"
    found = pasted_region(noise)
    if found is not None:
        x0, y0, x1, y1 = found.box
        out["forensic_patch_box"] = f"{x0},{y0},{x1},{y1}"
        out["forensic_patch_noise"] = f"{found.level:.2f}"
        out["forensic_patch_sure"] = "yes" if found.sure else "no"
    return out


def patch_boxes(rgb: np.ndarray) -> list[Box]:
    """Pasted-looking regions of an upright image (for the preview, which has the pixels)."""
    found = pasted_region(noise_map(rgb))
    return [found.box] if found else []


def suspicious_boxes(metadata: dict[str, str]) -> list[Box]:
    """Boxes recorded at intake (pixels of the upright image)."""
    raw = metadata.get("forensic_patch_box")
    if not raw:
        return []
    x0, y0, x1, y1 = (int(v) for v in raw.split(","))
    return [(x0, y0, x1, y1)]
