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

from leaselab_desktop.screening.documents.heap import release_memory
from leaselab_desktop.screening.documents.paper_patch import whiter_patches
from leaselab_desktop.screening.documents.pixel_blocks import (
    Box,
    Cell,
    Patch,
    box_of,
    components,
    gray,
    on_edge,
    quiet_mean,
    residuals,
    ring_of,
    side_by_side,
)

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
# Only those five coefficients are needed: coefficient (u, v) of a block is its 64 pixels dotted
# with outer(DCT[u], DCT[v]), so all blocks take one (blocks × 64) @ (64 × 5) product instead of
# a full 8×8 transform each (12 MP photo: 0.7 s → 0.05 s; the scores are the same).
_DQ_BASIS = np.stack([np.outer(_DCT[u], _DCT[v]).ravel() for u, v in _DQ_FREQUENCIES], axis=1)


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
    blocks = y[:h, :w].reshape(h // 8, 8, w // 8, 8).transpose(0, 2, 1, 3).reshape(-1, 64)
    coefficients = blocks @ _DQ_BASIS
    scores = []
    for j, (u, v) in enumerate(_DQ_FREQUENCIES):
        k = np.abs(np.rint(coefficients[:, j] / steps[u * 8 + v]).astype(np.int64))
        hist = np.bincount(k[k != 0], minlength=40)[1:33].astype(np.float64)
        if hist.sum() < 500:
            continue
        trend = np.convolve(hist, np.ones(5) / 5, mode="same")
        spectrum = np.abs(np.fft.rfft((hist - trend) / (trend + 1.0)))[2:]
        scores.append(float(spectrum.max() / (np.median(spectrum) + 1e-6)))
    return float(np.median(scores)) if scores else None


def block_size(shape: tuple[int, ...]) -> int:
    """Blocks of ~0.6 % of the short side (at least 8 px): a typed amount spans a strip of them."""
    return max(8, min(shape[0], shape[1]) // 160)


def noise_map(image: np.ndarray) -> NoiseMap:
    """Per-block noise floors of an RGB image or of its grey levels (H×W)."""
    g = gray(image)
    block = block_size(g.shape)
    if g.shape[0] < 4 * block or g.shape[1] < 4 * block:  # a sliver or a thumbnail
        return NoiseMap(block=block, floor=np.full((1, 1), np.nan, dtype=np.float32), median=0.0)
    across, down = residuals(g)
    clipped = (g < 12) | (g > WHITE_CLIP)  # ink clipped at black carries no noise
    across[clipped] = down[clipped] = np.nan
    step = block
    floor = np.minimum(*side_by_side(lambda: quiet_mean(across, block, step), lambda: quiet_mean(down, block, step)))
    valid = floor[~np.isnan(floor)]
    return NoiseMap(block=step, floor=floor, median=float(np.median(valid)) if valid.size else 0.0)


def _ring(floor: np.ndarray, group: list[Cell]) -> float:
    """The median noise floor of the blocks around a group: ordinary around a pasted patch, which
    ends abruptly; low around glare or an over-smoothed area, which fades out."""
    around = floor[ring_of(floor.shape, group)]
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
    best: list[Cell] | None = None
    for group in components(odd):
        if on_edge(floor.shape, group):
            continue
        fits = PATCH_MIN_BLOCKS <= len(group) <= PATCH_MAX_SHARE * usable.sum()
        if fits and (best is None or len(group) > len(best)):
            best = group
    if best is None:
        return None
    level = float(np.median([floor[g] for g in best]))
    ring = _ring(floor, best)
    sure = (noise.median >= SURE_NOISE and level < SURE_RATIO * noise.median and len(best) >= SURE_MIN_BLOCKS
            and ring >= RING_RATIO * noise.median)
    return Patch(box_of(best, noise.block), level, sure)


def find_patches(rgb: np.ndarray) -> tuple[NoiseMap, list[Patch]]:
    """The image's noise map and its pasted-looking regions: the noise check's region, or, when
    that is not sure, the regions whiter than an evenly lit page's paper (``paper_patch``: a
    clean white paste that the noise check skips as clipped), the most telling first."""
    g = gray(rgb)  # once: both checks read grey levels
    # the paper check is computed beside the noise map (it is needed unless the noise check is sure)
    noise, whiter = side_by_side(lambda: noise_map(g), lambda: whiter_patches(g, block_size(g.shape)))
    if noise.median < MIN_PHOTO_NOISE:
        return noise, []  # a screenshot or render: no paper, no sensor noise to compare with
    found = pasted_region(noise)
    if found is not None and found.sure:
        return noise, [found]
    if whiter and (whiter[0].sure or found is None):
        return noise, [p for p in whiter if p.sure] or whiter[:1]
    return noise, [found] if found else []


def inspect_image(data: bytes, rgb: np.ndarray) -> dict[str, str]:
    """All pixel-level findings for one image (its first frame, upright), as metadata."""
    out: dict[str, str] = {}
    with contextlib.suppress(Exception):  # the tables are a bonus; the pixels are checked below
        out.update(jpeg_encoder(data))
    # the JPEG's own coefficients are scored beside the pixel checks; kept for photos and scans only
    try:
        (noise, patches), score = side_by_side(lambda: find_patches(rgb), lambda: _double_score(data))
    finally:
        release_memory()  # the helper thread's heap holds a copy of the image's blocks until trimmed
    out["forensic_noise_floor"] = f"{noise.median:.2f}"
    if noise.median >= MIN_PHOTO_NOISE and score is not None:  # flat renders give degenerate histograms
        out["forensic_double_jpeg"] = f"{score:.1f}"
    out["image_kind"] = "photo or scan" if noise.median >= MIN_PHOTO_NOISE else "screenshot or render"
    if patches:
        first = patches[0]
        out["forensic_patch_box"] = _box_text(first.box)
        out["forensic_patch_kind"] = first.kind
        out["forensic_patch_sure"] = "yes" if first.sure else "no"
        if first.kind == "whiter":
            out["forensic_patch_white"] = f"{first.level:.0f}"
            out["forensic_paper_white"] = f"{first.paper or 0:.0f}"
        else:
            out["forensic_patch_noise"] = f"{first.level:.2f}"
        if len(patches) > 1:
            out["forensic_patch_boxes"] = ";".join(_box_text(p.box) for p in patches)
    return out


def _double_score(data: bytes) -> float | None:
    try:
        return double_compression(data)
    except Exception:  # a bonus check: a JPEG its decoder cannot take is judged by its pixels alone
        return None


def _box_text(box: Box) -> str:
    return ",".join(str(v) for v in box)


def patch_boxes(rgb: np.ndarray) -> list[Box]:
    """Pasted-looking regions of an upright image (for the preview, which has the pixels)."""
    return [p.box for p in find_patches(rgb)[1]]


def suspicious_boxes(metadata: dict[str, str]) -> list[Box]:
    """Boxes recorded at intake (pixels of the upright image)."""
    raw = metadata.get("forensic_patch_boxes") or metadata.get("forensic_patch_box")
    if not raw:
        return []
    boxes = []
    for part in raw.split(";"):
        x0, y0, x1, y1 = (int(v) for v in part.split(","))
        boxes.append((x0, y0, x1, y1))
    return boxes
