"""OCR of page images with the PP-OCRv4 models the app ships (``resources/ocr``, from rapidocr-onnxruntime).

Why our own pipeline: rapidocr's Python code does its image work with OpenCV, which costs ~170 MB
of the frozen app (cv2, its OpenBLAS and FFmpeg) for a resize, a rotation and DB post-processing.
The models run on onnxruntime directly (``ocr_models``), the pre/post-processing is numpy, Pillow
and pyclipper (``ocr_boxes``). Nothing is downloaded: the three ONNX models are package data.
The models are loaded once, lazily, under a lock, and one page runs at a time (two cores;
onnxruntime's own threads do the rest).

Per page: detection runs on a downscaled copy (the expensive part), recognition on crops of the
full-resolution image (small text stays legible). Orientation: pages whose text lines stand
upright are turned 90°, and a handful of lines go through the angle classifier to catch a page
upside down (on every page: a phone held flat over a desk writes an EXIF orientation that may be
wrong). Skew: box corners are rotated back by the page's line angle, so a skewed photo yields
level lines. A line
read with little confidence is read once more from a crop trimmed at the top and bottom (a box
reaches into its neighbours; on single-spaced print their ink confuses the recogniser).
"""

from __future__ import annotations

import itertools
import math
import os
import threading
import time
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from leaselab_desktop.screening.documents.heap import release_memory
from leaselab_desktop.screening.documents.ocr_boxes import Quad, crop, reading_order
from leaselab_desktop.screening.documents.ocr_models import Models, ModelsMissing, Reading
from leaselab_desktop.screening.documents.ocr_spaces import with_word_spaces
from leaselab_desktop.screening.documents.words import PageWords, Word, split_line

DET_MAX_SIDE = 1024  # detection input (px): ~1.0 s CPU per phone-photo page in all, vs 1.2 s at 1152
REC_MAX_SIDE = 2400  # recognition crops come from the image at most this large
MIN_SCORE = 0.5  # recogniser score below which a line is dropped (rapidocr's own default)
MAX_ASPECT = 4  # detection input is padded to at most this long:short ratio
RETRY_SCORE = 0.85  # a line read with less confidence is read again from a tighter crop
RETRY_GAIN = 0.05  # ... and that reading kept when its confidence is at least this much higher
TRIM = 0.15  # share of a line crop's height trimmed from its top and from its bottom for that
TRIM_MIN_HEIGHT = 12  # px: a thinner crop is left as it is (a trim would cut into its letters)
CLS_SAMPLE = 8  # lines the angle classifier looks at to decide "upside down"
THREADS = max(1, min(4, os.cpu_count() or 1))  # onnxruntime's threads for one page (2 here)

_engine: Models | None = None
_engine_lock = threading.Lock()  # guards loading
_run_lock = threading.Lock()  # one page at a time: bounded memory, no contention for 2 cores


class OcrUnavailable(RuntimeError):
    """The OCR engine could not be loaded (not installed on this Python, or a broken install)."""


@dataclass
class OcrPage:
    words: PageWords
    lines: list[str] = field(default_factory=list)  # text lines, top to bottom, words left to right
    mean_confidence: float | None = None
    rotation: int = 0  # degrees the page was turned (clockwise) to read it upright
    skew_deg: float = 0.0
    seconds: float = 0.0


def engine() -> Models:
    """The shared OCR models, loaded on first use (about 0.2 s)."""
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                try:
                    _engine = Models.load(THREADS)
                except ModelsMissing as exc:  # no onnxruntime for this Python, or a broken install
                    raise OcrUnavailable(f"OCR is not installed ({exc})") from exc
    return _engine


def _scaled(img: Image.Image, max_side: int) -> tuple[Image.Image, float]:
    scale = min(1.0, max_side / max(img.size))
    if scale == 1.0:
        return img, 1.0
    size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
    return img.resize(size, Image.Resampling.BOX), scale  # area averaging, as cv2.INTER_AREA


def _bounded_aspect(img: Image.Image) -> Image.Image:
    """Pad (bottom/right, so coordinates stay) a sliver to at most 4:1: the detector scales the
    short side up to 736 px, which for a 5×3000 strip would mean a 736×440,000 image."""
    w, h = img.size
    short = max(h, w) // MAX_ASPECT
    pad_w, pad_h = max(0, short - w), max(0, short - h)
    if not (pad_h or pad_w):
        return img
    out = Image.new(img.mode, (w + pad_w, h + pad_h))
    out.paste(img, (0, 0))
    if pad_w:  # the last column repeated (as cv2.BORDER_REPLICATE)
        out.paste(img.crop((w - 1, 0, w, h)).resize((pad_w, h)), (w, 0))
    if pad_h:
        out.paste(out.crop((0, h - 1, w + pad_w, h)).resize((w + pad_w, pad_h)), (0, h))
    return out


def _detect(models: Models, img: Image.Image) -> list[Quad]:
    """Text-line quadrilaterals (points clockwise from top-left) in ``img`` coordinates."""
    small, scale = _scaled(img, DET_MAX_SIDE)
    boxes = models.detect(_bounded_aspect(small))
    return [b / scale for b in reading_order(boxes)]


def _edges(box: np.ndarray) -> tuple[float, float]:
    return float(np.linalg.norm(box[1] - box[0])), float(np.linalg.norm(box[3] - box[0]))


def _mostly_vertical(boxes: list[Quad]) -> bool:
    """Text lines are wider than tall; on a page turned 90° most detected lines stand upright."""
    shaped = [_edges(b) for b in boxes]
    tall = sum(1 for w, h in shaped if h > 1.5 * w)
    wide = sum(1 for w, h in shaped if w > 1.5 * h)
    return tall > wide


def _upside_down(models: Models, img: Image.Image, boxes: list[Quad]) -> bool:
    longest = sorted(boxes, key=lambda b: -_edges(b)[0])[:CLS_SAMPLE]
    results = models.upside_down([crop(img, b) for b in longest])
    flipped = sum(1 for turned, score in results if turned and score > 0.8)
    return flipped > len(results) / 2


def _rotate(img: Image.Image, degrees: int) -> Image.Image:
    turn = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}
    return img.transpose(turn[degrees]) if degrees else img  # Pillow turns counter-clockwise


def _skew(boxes: list[Quad]) -> float:
    """Angle (degrees) of the top edges of lines that are clearly wider than tall: their median,
    each line weighted by its width. A box's angle is only as precise as its length allows: the
    detector fits a short word at 1° as a level box (one pixel of its map over its width), so on a
    scan skewed by 1° half the boxes said 0°, the plain median was 0°, and amounts drifted onto
    the row above across a wide table."""
    lines = [(b, w) for b in boxes for w, h in [_edges(b)] if w > 3 * h]
    if not lines:
        return 0.0
    angles = np.array([math.degrees(math.atan2(float(b[1][1] - b[0][1]), float(b[1][0] - b[0][0]))) for b, _ in lines])
    weights = np.array([w for _, w in lines])
    order = np.argsort(angles, kind="stable")
    cumulative = np.cumsum(weights[order])
    return float(angles[order][int(np.searchsorted(cumulative, cumulative[-1] / 2))])


Read = tuple[Image.Image, int, list[Quad], list[tuple[str, float]]]  # page, rotation, boxes, texts


def _read(models: Models, img: Image.Image) -> Read:
    """Upright the page, then find and read its lines: (page, rotation, boxes, texts). The angle
    classifier looks at every page, also a photo whose EXIF orientation says it is upright: a
    phone held flat over a document on a desk cannot tell which way is up, and writes "upright"
    for a page photographed upside down or sideways."""
    boxes = _detect(models, img)
    rotation = 0
    if boxes and _mostly_vertical(boxes):
        rotation = 90
        img = _rotate(img, 90)
        boxes = _detect(models, img)
    if boxes and _upside_down(models, img, boxes):
        rotation = (rotation + 180) % 360
        img = _rotate(img, 180)
        boxes = _detect(models, img)
    crops = [crop(img, b) for b in boxes]
    recognised = models.recognise(crops) if boxes else []
    _reread_weak(models, crops, recognised)
    # the recogniser drops the spaces of lines in capitals; the gaps in their ink still show them
    texts = [(with_word_spaces(r.text, r.centres, c), r.score) for r, c in zip(recognised, crops, strict=True)]
    return img, rotation, boxes, texts


def _reread_weak(models: Models, crops: list[Image.Image], recognised: list[Reading]) -> None:
    """Lines read with little confidence, read again from a crop with its top and bottom trimmed;
    the better reading is kept (in place). A detected box reaches into the lines above and below
    by design (DB's "unclip"); on single-spaced print, or a page photographed at an angle, the
    neighbours' ascenders and descenders enter the crop and the recogniser loses the line."""
    weak = [i for i, r in enumerate(recognised) if r.score < RETRY_SCORE and crops[i].height >= TRIM_MIN_HEIGHT]
    if not weak:
        return
    tight = [_trimmed(crops[i]) for i in weak]
    for i, narrow, again in zip(weak, tight, models.recognise(tight), strict=True):
        if again.score >= recognised[i].score + RETRY_GAIN and _keeps_figures(recognised[i].text, again.text):
            crops[i], recognised[i] = narrow, again


def _keeps_figures(first: str, second: str) -> bool:
    """Whether ``second`` has every digit, comma and full stop of ``first``, in order. The tighter
    crop is there to recover what the neighbours' ink hid, not to change figures already read:
    the trim can cut a comma's tail, and "1,299.38" then reads "1.299.38"."""
    rest = iter(_figures(second))
    return all(ch in rest for ch in _figures(first))  # a subsequence: `in` consumes the iterator


def _figures(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit() or ch in ",.")


def _trimmed(line: Image.Image) -> Image.Image:
    cut = round(line.height * TRIM)
    return line.crop((0, cut, line.width, line.height - cut))


def read_page(rgb: np.ndarray, page: int = 0) -> OcrPage:
    """OCR one page image (RGB uint8, H×W×3). Coordinates of the words are pixels of the upright,
    deskewed page, with a top-left origin."""
    start = time.perf_counter()
    models = engine()
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"expected an RGB uint8 H×W×3 image, got {rgb.dtype} {rgb.shape}")
    img, _ = _scaled(Image.fromarray(np.ascontiguousarray(rgb), "RGB"), REC_MAX_SIDE)
    with _run_lock:
        try:
            img, rotation, boxes, recognised = _read(models, img)
        finally:
            release_memory()
    w, h = img.size
    skew = _skew(boxes)
    words = PageWords(page=page, width=float(w), height=float(h), source="ocr")
    kept: list[tuple[np.ndarray, str, float]] = [
        (_deskewed(box, skew, w, h), text.strip(), score)
        for box, (text, score) in zip(boxes, recognised, strict=False)
        if score >= MIN_SCORE and text.strip()
    ]
    for box, text, score in kept:
        words.words.extend(split_line(text, box, score, page))
    scores = [score for _, _, score in kept]
    return OcrPage(
        words=words, lines=text_lines(words.words),
        mean_confidence=round(sum(scores) / len(scores), 3) if scores else None,
        rotation=rotation, skew_deg=round(skew, 2), seconds=time.perf_counter() - start,
    )


def _deskewed(box: np.ndarray, skew: float, w: int, h: int) -> np.ndarray:
    """Axis-aligned (x0, top, x1, bottom) of the box rotated back by ``skew`` about the centre."""
    theta = math.radians(-skew)
    c, s = math.cos(theta), math.sin(theta)
    centre = np.array([w / 2.0, h / 2.0], dtype=np.float32)
    rot = np.array([[c, -s], [s, c]], dtype=np.float32)
    pts = (box - centre) @ rot.T + centre
    x0, top = np.clip(pts.min(axis=0), 0, [w, h])
    x1, bottom = np.clip(pts.max(axis=0), 0, [w, h])
    return np.array([x0, top, x1, bottom], dtype=np.float32)


def text_lines(words: list[Word]) -> list[str]:
    """Words grouped into visual lines (vertical centres within half a line height), left to
    right; a wide gap between words (a table cell) becomes two spaces."""
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda wd: (wd.top + wd.bottom) / 2):
        centre, height = (word.top + word.bottom) / 2, word.bottom - word.top
        if rows:
            last = rows[-1]
            last_centre = sum((x.top + x.bottom) / 2 for x in last) / len(last)
            if abs(centre - last_centre) < 0.5 * max(height, 1.0):
                last.append(word)
                continue
        rows.append([word])
    lines = []
    for row in rows:
        row.sort(key=lambda wd: wd.x0)
        parts = [row[0].text]
        for prev, word in itertools.pairwise(row):
            gap = word.x0 - prev.x1
            parts.append(("  " if gap > 1.5 * (prev.bottom - prev.top) else " ") + word.text)
        lines.append("".join(parts))
    return lines
