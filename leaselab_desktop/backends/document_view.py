"""What the GUI may learn about a document's pixels and reading without importing screening.

The preview outlines the regions the pixel checks call pasted, opens HEIC photos, and the
``--smoke-test`` confirms that OCR read a photo (the frozen app must carry the OCR models). These
are thin calls into ``screening.documents``; run them off the GUI thread.
"""

from __future__ import annotations

from typing import Any

Box = tuple[int, int, int, int]


def register_image_formats() -> None:
    """Let Pillow open HEIC/HEIF (iPhone photos)."""
    from leaselab_desktop.screening.documents.ocr_intake import register_heif

    register_heif()


def suspicious_regions(rgb: Any) -> list[Box]:
    """Regions of an upright RGB image (numpy array) that look pasted in (pixels)."""
    from leaselab_desktop.screening.documents.image_forensics import patch_boxes

    return patch_boxes(rgb)


def reading_report(file_id: str, file_name: str, file_type: str, data: bytes) -> dict[str, str]:
    """How a document was read (analysis cached by content): text layer, OCR confidence, errors."""
    from leaselab_desktop.screening.documents import analyse_file

    facts = analyse_file(file_id, file_name, file_type, data)
    keys = ("text_layer", "ocr_mean_confidence", "ocr_error")
    out = {k: facts.metadata[k] for k in keys if k in facts.metadata}
    out["characters"] = str(len("".join(facts.text.split())))
    if facts.error_message:
        out["error"] = facts.error_message
    return out
