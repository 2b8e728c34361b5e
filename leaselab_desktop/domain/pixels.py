"""Images of any sample depth and transparency as the page they show, for everything that reads or
shows their pixels.

Scanners write 16-bit greyscale PNG and TIFF (SANE's ``--depth 16``, "48-bit" modes in grey).
Pillow opens those as mode ``I;16`` (a 32-bit integer TIFF as ``I``, a float one as ``F``), and
its ``convert("RGB")`` clips every value above 255: all but the blackest ink turns white, so OCR
read one fact in six of such a scan and the viewer showed a blank page. They are scaled by their
depth here instead. The other modes (1-bit, palette, CMYK, 8-bit with or without alpha, 48-bit
RGB, which Pillow already reduces to 8 bits a channel) convert correctly and are left as they are.

A transparent image (a document cut out of its background, an export with no page colour) keeps
whatever colour its encoder stored under the transparent pixels, most often black: dark print on
it could not be read. For reading, it is laid on white paper (``page_rgb``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

_EIGHT_BIT = 255.0
_SIXTEEN_BIT = 65535.0


def is_wide(mode: str) -> bool:
    """Whether Pillow's ``mode`` holds samples wider than 8 bits (and clips them on conversion)."""
    return mode in ("I", "F") or mode.startswith("I;16")


def eight_bit(img: Image.Image) -> Image.Image:
    """``img`` with 8-bit samples: a wide greyscale image scaled to ``L`` by its depth (16-bit
    modes by 65535; ``I`` and ``F`` by the range their values use: 0–1, 0–255 or 0–65535), any
    other image returned as it is."""
    if not is_wide(img.mode):
        return img
    import numpy as np
    from PIL import Image

    values = np.asarray(img, dtype=np.float32)
    if img.mode.startswith("I;16"):
        full = _SIXTEEN_BIT
    else:
        peak = float(values.max()) if values.size else 0.0
        if img.mode == "F" and peak <= 1.0:
            full = 1.0  # a float image in 0..1
        elif peak <= _EIGHT_BIT:
            full = _EIGHT_BIT  # 8-bit values in a wide container
        else:
            full = _SIXTEEN_BIT if peak <= _SIXTEEN_BIT else peak
    scaled = np.clip(np.rint(values * (_EIGHT_BIT / full)), 0, _EIGHT_BIT).astype(np.uint8)
    return Image.fromarray(scaled, "L")


def page_rgb(img: Image.Image) -> Image.Image:
    """``img`` as 8-bit RGB, as a page: 8-bit samples (``eight_bit``), transparency laid on white."""
    from PIL import Image

    img = eight_bit(img)
    if img.mode == "P" and "transparency" in img.info:
        img = img.convert("RGBA")  # the palette's transparent entry
    elif img.mode in ("LA", "La", "PA", "RGBa"):
        img = img.convert("RGBA")
    if img.mode == "RGBA":
        paper = Image.new("RGB", img.size, (255, 255, 255))
        paper.paste(img, mask=img.getchannel("A"))
        return paper
    return img.convert("RGB")
