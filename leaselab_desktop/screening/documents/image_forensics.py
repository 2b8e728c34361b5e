"""Pixel-level checks of photos and scans, run at intake on the decoded image.

1. **Re-saved by an editor.** A JPEG's quantisation tables say which encoder wrote it. Editors and
   image libraries (Pillow, GIMP, OpenCV, most web tools) write libjpeg's standard (IJG) tables
   scaled to a quality; Photoshop marks its files with Adobe APP13/APP14 segments. The cameras of
   the makers listed in ``CUSTOM_TABLE_MAKES`` write tables of their own, so IJG tables in a file
   whose EXIF names one of those cameras mean the photo was opened and saved again by software.
   Without such EXIF, periodic DCT histograms show a JPEG compressed twice (weaker evidence:
   messaging apps recompress photos too).
2. **A pasted region.** Every camera or scanner image carries sensor noise in its flat areas. The
   noise floor is measured per block (a low percentile of a high-pass residual, so text edges do
   not count); a compact group of blocks far cleaner than the rest is a patch from elsewhere (digits
   typed over a photo or scan). Its box is the evidence.
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
NOISE_FLOOR_PERCENTILE = 30
MIN_PHOTO_NOISE = 0.4  # grey levels; below this over the whole image there is no sensor noise
PATCH_RATIO = 0.3  # a patch's noise floor below 30 % of the image's
PATCH_MIN_BLOCKS = 4
DOUBLE_JPEG_SCORE = 5.5  # periodicity above this: compressed twice (single saves stay under 3.7)
PATCH_MAX_SHARE = 0.08  # of the image's usable blocks: a bigger "patch" is lighting, not pasting

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


def noise_map(rgb: np.ndarray) -> NoiseMap:
    import cv2

    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
    residual = np.abs(gray - cv2.blur(gray, (3, 3)))  # high-pass: noise, grain, and text edges
    residual[(gray < 12) | (gray > 243)] = np.nan  # clipped pixels (ink, glare) carry no noise
    block = max(16, min(gray.shape) // 60)
    ny, nx = gray.shape[0] // block, gray.shape[1] // block
    if ny == 0 or nx == 0:  # a sliver or a thumbnail: nothing to measure
        return NoiseMap(block=block, floor=np.full((max(ny, 1), max(nx, 1)), np.nan, dtype=np.float32), median=0.0)
    cells = residual[: ny * block, : nx * block].reshape(ny, block, nx, block).transpose(0, 2, 1, 3)
    cells = np.nan_to_num(cells.reshape(ny, nx, -1), nan=np.inf)  # clipped pixels sort last
    k = block * block * NOISE_FLOOR_PERCENTILE // 100
    # a low percentile: text edges and lines (the high residuals) do not raise it
    floor = np.partition(cells, k, axis=-1)[..., k].astype(np.float32)
    floor[np.count_nonzero(np.isfinite(cells), axis=-1) < 0.5 * block * block] = np.nan
    valid = floor[~np.isnan(floor)]
    return NoiseMap(block=block, floor=floor, median=float(np.median(valid)) if valid.size else 0.0)


def pasted_region(noise: NoiseMap) -> tuple[Box, float] | None:
    """The box (pixels) of the largest compact group of blocks whose noise floor is below
    ``PATCH_RATIO`` of the image's, and that group's median floor; None when there is none."""
    import cv2

    if noise.median < MIN_PHOTO_NOISE:
        return None  # no sensor noise to compare against (screenshot, render)
    floor = noise.floor
    usable = ~np.isnan(floor)
    # only too-clean blocks: dense print (a bold title) raises a block's floor as noise would, so
    # "too noisy" cannot be told from text; a pasted patch of typed digits is clean
    odd = usable & (floor < PATCH_RATIO * noise.median)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(odd.astype(np.uint8), connectivity=8)
    best: tuple[int, int] | None = None
    for label in range(1, count):
        size = int(stats[label, cv2.CC_STAT_AREA])
        if size >= PATCH_MIN_BLOCKS and size <= PATCH_MAX_SHARE * usable.sum() and (best is None or size > best[1]):
            best = (label, size)
    if best is None:
        return None
    x, y, w, h = (int(v) for v in stats[best[0], :4])
    b = noise.block
    return (x * b, y * b, (x + w) * b, (y + h) * b), float(np.median(floor[labels == best[0]]))


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
        (x0, y0, x1, y1), level = found
        out["forensic_patch_box"] = f"{x0},{y0},{x1},{y1}"
        out["forensic_patch_noise"] = f"{level:.2f}"
    return out


def patch_boxes(rgb: np.ndarray) -> list[Box]:
    """Pasted-looking regions of an upright image (for the preview, which has the pixels)."""
    found = pasted_region(noise_map(rgb))
    return [found[0]] if found else []


def suspicious_boxes(metadata: dict[str, str]) -> list[Box]:
    """Boxes recorded at intake (pixels of the upright image)."""
    raw = metadata.get("forensic_patch_box")
    if not raw:
        return []
    x0, y0, x1, y1 = (int(v) for v in raw.split(","))
    return [(x0, y0, x1, y1)]
