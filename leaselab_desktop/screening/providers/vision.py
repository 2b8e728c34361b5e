"""Page images for vision models: which models take images, and the pages they are shown.

A model takes images when the setting says so (``vision: on``), or, with ``auto`` (the default),
when its name is a known vision model. Pages are rendered locally (photos upright as EXIF says,
PDF pages through pypdfium2), downscaled, JPEG-encoded, and capped in count and bytes so that a
request stays small whatever the applicant uploaded.
"""

from __future__ import annotations

import base64
import io
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from leaselab_desktop.screening.facts import DocumentFacts

log = logging.getLogger(__name__)

VisionSetting = Literal["auto", "on", "off"]

# Model names (Workers AI ids, Ollama/LM Studio/OpenAI names) known to accept images.
_VISION_NAMES = re.compile(
    r"vision|llava|bakllava|pixtral|moondream|minicpm-?v|qwen[\d.]*-?vl|[-_]vl\b|gpt-4o|gpt-4\.1|gpt-5"
    r"|gemma-?3|llama-?4|mistral-small-3\.1|mistral-small3\.1|granite[\d.]*-vision|internvl|glm-4\.\dv",
    re.IGNORECASE,
)


def model_takes_images(model: str | None, setting: str | None = "auto") -> bool:
    choice = (setting or "auto").strip().lower()
    if choice in ("on", "off"):
        return choice == "on"
    return bool(model and _VISION_NAMES.search(model))


@dataclass(frozen=True)
class ImageCaps:
    max_images: int = 4  # pages per request
    max_side: int = 1280  # px, longest side after downscaling
    max_bytes: int = 400_000  # per image, after JPEG encoding
    max_total: int = 1_500_000  # per request
    pdf_pages: int = 2  # first pages of each PDF


@dataclass(frozen=True)
class PageImage:
    document: str  # file name
    page: int  # 1-based
    data: bytes  # JPEG
    mime: str = "image/jpeg"

    def base64(self) -> str:
        return base64.b64encode(self.data).decode("ascii")

    def data_url(self) -> str:
        return f"data:{self.mime};base64,{self.base64()}"


def _jpeg(rgb: object, caps: ImageCaps) -> bytes | None:
    """Downscale to ``max_side`` and encode; lower quality, then size, until under ``max_bytes``."""
    from PIL import Image

    img = Image.fromarray(rgb) if not isinstance(rgb, Image.Image) else rgb  # type: ignore[arg-type]
    img = img.convert("RGB")
    img.thumbnail((caps.max_side, caps.max_side), Image.Resampling.LANCZOS)
    for _ in range(4):
        for quality in (80, 65, 50):
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=quality, optimize=True)
            if buf.tell() <= caps.max_bytes:
                return buf.getvalue()
        img = img.resize((max(1, img.width * 3 // 4), max(1, img.height * 3 // 4)), Image.Resampling.LANCZOS)
    return None


def _frames(doc: DocumentFacts, data: bytes, caps: ImageCaps) -> list[object]:
    from leaselab_desktop.screening.documents.limits import DEFAULT_LIMITS
    from leaselab_desktop.screening.documents.ocr_intake import image_frames, render_pages

    if doc.detected_format == "pdf":
        return list(render_pages(data, list(range(min(doc.pages or 1, caps.pdf_pages)))))
    return list(image_frames(data, DEFAULT_LIMITS)[:1])


def page_images(
    docs: Iterable[DocumentFacts], paths: dict[str, Path], caps: ImageCaps | None = None
) -> list[PageImage]:
    """Rendered pages of the readable documents (``paths`` by file id), within ``caps``."""
    from leaselab_desktop.screening.documents.sniff import IMAGE_FORMATS

    caps = caps or ImageCaps()
    out: list[PageImage] = []
    total = 0
    for doc in docs:
        path = paths.get(doc.file_id)
        if path is None or doc.error not in (None, "mislabelled"):
            continue
        if doc.detected_format != "pdf" and doc.detected_format not in IMAGE_FORMATS:
            continue
        try:
            frames = _frames(doc, path.read_bytes(), caps)
        except Exception as exc:  # a page that cannot be rendered is left out, not fatal
            log.info("no page image of %s: %s", doc.file_name, exc)
            continue
        for index, rgb in enumerate(frames):
            data = _jpeg(rgb, caps)
            if data is None or total + len(data) > caps.max_total:
                continue
            out.append(PageImage(document=doc.file_name, page=index + 1, data=data))
            total += len(data)
            if len(out) >= caps.max_images:
                return out
    return out


def with_image_parts(messages: list[dict[str, str]], images: list[PageImage]) -> list[dict[str, object]]:
    """OpenAI-style chat messages whose last user message carries the pages as image parts."""
    if not images:
        return [dict(m) for m in messages]
    out: list[dict[str, object]] = [dict(m) for m in messages]
    last_user = max(i for i, m in enumerate(messages) if m.get("role") == "user")
    text = messages[last_user]["content"]
    listing = ", ".join(f"{im.document} p.{im.page}" for im in images)
    parts: list[dict[str, object]] = [
        {"type": "text", "text": f"{text}\n\nPage images attached, in order: {listing}."}
    ]
    parts += [{"type": "image_url", "image_url": {"url": im.data_url()}} for im in images]
    out[last_user] = {"role": "user", "content": parts}
    return out
