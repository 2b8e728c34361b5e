"""Pages as applicants photograph and scan them: flatbed scans (skew, grey, noise, JPEG), phone photos
(perspective, desk background, uneven light, blur, camera EXIF), HEIC, PNG screenshots, image-only
PDFs, and the pasted digit patch (a region from another, cleaner image with other compression).

All randomness comes from ``numpy.random.default_rng(seed)``: the same seed gives the same pixels.
"""

from __future__ import annotations

import io
from datetime import datetime

import numpy as np
from PIL import Image, ImageFilter

from .forge import Box, find_text

CAMERA_EXIF = {
    "iphone": ("Apple", "iPhone 13", "17.5.1"),
    "pixel": ("Google", "Pixel 7", "HDR+ 1.0.540104767zd"),
    "samsung": ("samsung", "SM-S911W", "S911WVLS3BXD1"),
}


def render(pdf: bytes, page: int = 0, dpi: int = 150) -> Image.Image:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        img = doc[page].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        doc.close()
    return img


def boxes_px(pdf: bytes, needles: list[str], page: int, dpi: int, height_px: int) -> list[tuple[int, int, int, int]]:
    """Pixel boxes (x0, y0, x1, y1; y down) of every occurrence of the strings on ``page``."""
    s = dpi / 72
    out = []
    for needle in needles:
        for p, (x0, y0, x1, y1) in find_text(pdf, needle):
            if p == page:
                out.append((int(x0 * s) - 3, height_px - int(y1 * s) - 3, int(x1 * s) + 3, height_px - int(y0 * s) + 3))
    return out


def _skew(img: Image.Image, deg: float, fill: tuple[int, int, int]) -> Image.Image:
    return img.rotate(deg, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=fill)


def _noise(arr: np.ndarray, rng: np.random.Generator, sigma: float) -> np.ndarray:
    return np.clip(arr.astype(np.float32) + rng.normal(0, sigma, arr.shape), 0, 255)


def jpeg(img: Image.Image, quality: int, exif: bytes | None = None) -> bytes:
    buf = io.BytesIO()
    kwargs: dict = {"quality": quality, "optimize": True}
    if exif:
        kwargs["exif"] = exif
    img.save(buf, "JPEG", **kwargs)
    return buf.getvalue()


def scan(
    page: Image.Image,
    seed: int,
    *,
    patch: Image.Image | None = None,
    patch_boxes: list[tuple[int, int, int, int]] = (),
    quality: int = 72,
) -> bytes:  # type: ignore[assignment]
    """A flatbed/ADF scan: small skew, grey paper, sensor noise, mild blur, JPEG. With ``patch``, the
    given boxes come from ``patch`` instead (cleaner, no noise), pasted after the scan's noise."""
    rng = np.random.default_rng(seed)
    deg = float(rng.uniform(-1.8, 1.8))
    grey = page.convert("L")
    base = np.asarray(grey, dtype=np.float32)
    base = base * 0.93 + 10  # paper is never white, ink never black
    noisy = _noise(base, rng, 7.5)
    img = Image.fromarray(noisy.astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.6))
    if patch is not None:
        # the pasted region: another render at print quality, JPEG-compressed on its own at high quality
        src = Image.open(io.BytesIO(jpeg(patch.convert("L"), 95))).convert("L")
        for x0, y0, x1, y1 in patch_boxes:
            img.paste(src.crop((x0, y0, x1, y1)), (x0, y0))
    img = img.rotate(deg, resample=Image.Resampling.BICUBIC, fillcolor=238)
    return jpeg(img, quality)


def _exif(camera: str, when: str, orientation: int = 1) -> bytes:
    make, model, software = CAMERA_EXIF[camera]
    ex = Image.Exif()
    ex[0x010F], ex[0x0110], ex[0x0131], ex[0x0132] = make, model, software, when
    ex[0x0112] = orientation
    return ex.tobytes()


def photo(
    page: Image.Image,
    seed: int,
    *,
    camera: str = "iphone",
    when: str = "2026:03:20 18:42:07",
    long_edge: int = 1600,
    patch: Image.Image | None = None,
    patch_boxes: list[tuple[int, int, int, int]] = (),
    orientation: int = 1,
) -> tuple[Image.Image, bytes]:  # type: ignore[assignment]
    """A phone photo of a printed page on a desk: perspective, shading, blur, noise. Returns the
    image and its camera EXIF (the caller chooses JPEG or HEIC). ``orientation`` 6 or 8 stores the
    pixels sideways with that EXIF Orientation, as a phone held in portrait does."""
    import cv2

    rng = np.random.default_rng(seed)
    if patch is not None:
        page = page.copy()
        for x0, y0, x1, y1 in patch_boxes:
            page.paste(patch.crop((x0, y0, x1, y1)), (x0, y0))
    src = np.asarray(page.convert("RGB"), dtype=np.uint8)
    h, w = src.shape[:2]
    out_w, out_h = int(w * 1.25), int(h * 1.18)
    # a desk: warm wood-ish colour with low-frequency blotches
    desk = np.zeros((out_h, out_w, 3), np.float32) + np.array([118, 92, 70], np.float32)
    blot = cv2.resize(rng.normal(0, 18, (12, 12)).astype(np.float32), (out_w, out_h), interpolation=cv2.INTER_CUBIC)
    desk += blot[..., None]
    j = lambda: float(rng.uniform(-0.05, 0.05))  # noqa: E731 - corner jitter as a share of the size
    ox, oy = (out_w - w) / 2, (out_h - h) / 2
    dst = np.float32(
        [
            [ox + w * j(), oy + h * j()],
            [ox + w * (1 + j()), oy + h * j()],
            [ox + w * (1 + j()), oy + h * (1 + j())],
            [ox + w * j(), oy + h * (1 + j())],
        ]
    )
    m = cv2.getPerspectiveTransform(np.float32([[0, 0], [w, 0], [w, h], [0, h]]), dst)
    warped = cv2.warpPerspective(
        src,
        m,
        (out_w, out_h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_TRANSPARENT,
        dst=desk.astype(np.uint8).copy(),
    )
    # uneven light: a bright spot from a lamp and a shadow from the phone
    yy, xx = np.mgrid[0:out_h, 0:out_w].astype(np.float32)
    cx, cy = out_w * rng.uniform(0.2, 0.8), out_h * rng.uniform(0.1, 0.5)
    light = 1.08 - 0.38 * np.sqrt(((xx - cx) / out_w) ** 2 + ((yy - cy) / out_h) ** 2)
    shadow_x = out_w * rng.uniform(0.55, 0.9)
    light *= np.where(xx > shadow_x, 0.82, 1.0) * 1.0
    light = cv2.GaussianBlur(light, (0, 0), 40)
    tint = np.array([1.0, 0.97, 0.9], np.float32)  # warm indoor white balance
    img = warped.astype(np.float32) * light[..., None] * tint
    img = cv2.GaussianBlur(img, (0, 0), 0.9)
    img = _noise(img, rng, 4.0).astype(np.uint8)
    pil = Image.fromarray(img)
    scale = long_edge / max(pil.size)
    pil = pil.resize((int(pil.width * scale), int(pil.height * scale)), Image.Resampling.LANCZOS)
    if orientation == 6:  # stored rotated 90° counter-clockwise; viewers rotate it back clockwise
        pil = pil.transpose(Image.Transpose.ROTATE_90)
    elif orientation == 8:
        pil = pil.transpose(Image.Transpose.ROTATE_270)
    return pil, _exif(camera, when, orientation)


def heic(img: Image.Image, exif: bytes, quality: int = 40) -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    buf = io.BytesIO()
    img.save(buf, "HEIF", quality=quality, exif=exif)
    return buf.getvalue()


def screenshot(page: Image.Image, seed: int) -> bytes:
    """A PNG screenshot of the page open in a browser PDF viewer (dark toolbar, grey margin, no EXIF)."""
    rng = np.random.default_rng(seed)
    w = page.width + 160
    h = min(page.height, int(page.width * 1.05)) + 56  # the window shows the top of the page
    canvas = Image.new("RGB", (w, h), (82, 86, 89))
    bar = Image.new("RGB", (w, 40), (50, 54, 57))
    canvas.paste(bar, (0, 0))
    canvas.paste(page.crop((0, 0, page.width, h - 56)), (80, 48 + int(rng.integers(0, 6))))
    buf = io.BytesIO()
    canvas.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        buf, "PNG", optimize=True
    )
    return buf.getvalue()


def image_pdf(jpeg_bytes: list[bytes], dpi: int = 150) -> bytes:
    """Scanned pages wrapped in a PDF with no text layer (what a copier's scan-to-email sends)."""
    imgs = [Image.open(io.BytesIO(b)).convert("L") for b in jpeg_bytes]
    buf = io.BytesIO()
    imgs[0].save(
        buf,
        "PDF",
        resolution=dpi,
        save_all=True,
        append_images=imgs[1:],
        title="Scanned Document",
        creator="RICOH IM C3000",
        producer="RICOH IM C3000",
        creationDate=datetime(2026, 3, 19, 16, 4, 11).timetuple(),  # a fixed scan time: byte-identical reruns
        modDate=datetime(2026, 3, 19, 16, 4, 11).timetuple(),
    )
    return buf.getvalue()


def pixel_boxes(
    pdf: bytes, needles: list[str], img: Image.Image, dpi: int, page: int = 0
) -> list[tuple[int, int, int, int]]:
    return boxes_px(pdf, needles, page, dpi, img.height)


__all__ = ["Box", "heic", "image_pdf", "jpeg", "photo", "pixel_boxes", "render", "scan", "screenshot"]
