"""Image metadata with Pillow: format, dimensions, EXIF Software / DateTime / camera (HEIC through
pillow-heif). The pixels are read by OCR elsewhere (ocr_intake)."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field

from leaselab_desktop.screening.documents.limits import Limits

_EXIF_TAGS = {
    0x0131: "exif_software",
    0x0132: "exif_datetime",
    0x010F: "exif_make",
    0x0110: "exif_model",
    0x013B: "exif_artist",
    0x010E: "exif_description",
}
_EXIF_IFD = 0x8769
_EXIF_SUBTAGS = {0x9003: "exif_datetime_original", 0x9004: "exif_datetime_digitized"}


@dataclass
class ImageResult:
    pages: int | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    error_message: str | None = None


def _clean(value: object) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return str(value).replace("\x00", "").strip()[:200]


def extract_image(data: bytes, limits: Limits) -> ImageResult:
    from PIL import Image, UnidentifiedImageError

    from leaselab_desktop.screening.documents.ocr_intake import register_heif

    register_heif()
    out = ImageResult()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # malformed EXIF tags are skipped
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            width, height = img.size
            if width * height > limits.max_image_pixels:
                out.error = "oversized"
                out.error_message = (
                    f"The image is {width}×{height} pixels, more than can be analysed safely."
                )
                return out
            out.metadata["format"] = str(img.format or "").lower()
            out.metadata["width"] = str(width)
            out.metadata["height"] = str(height)
            out.metadata["mode"] = str(img.mode)
            out.pages = int(getattr(img, "n_frames", 1) or 1)
            exif = img.getexif()
            for tag, name in _EXIF_TAGS.items():
                if tag in exif and _clean(exif[tag]):
                    out.metadata[name] = _clean(exif[tag])
            try:
                sub = exif.get_ifd(_EXIF_IFD)
            except Exception:  # broken EXIF sub-IFD
                sub = {}
            for tag, name in _EXIF_SUBTAGS.items():
                if tag in sub and _clean(sub[tag]):
                    out.metadata[name] = _clean(sub[tag])
            software = img.info.get("Software") or img.info.get("software")
            if software and "exif_software" not in out.metadata:
                out.metadata["exif_software"] = _clean(software)
            # getexif() has loaded the image, after which verify() always raises: check the
            # structure on a fresh open (without decoding every pixel)
            Image.open(io.BytesIO(data)).verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        out.error = "corrupt" if isinstance(exc, UnidentifiedImageError) else "oversized"
        out.error_message = (
            "The image could not be decoded; it may be damaged."
            if out.error == "corrupt"
            else "The image is too large to analyse safely."
        )
    except Exception as exc:  # truncated/garbled images
        out.error = "corrupt"
        out.error_message = f"The image could not be read ({type(exc).__name__}); it may be damaged."
    return out
