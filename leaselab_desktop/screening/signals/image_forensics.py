"""Signals from the pixel-level image checks (``screening.documents.image_forensics``).

- ``jpeg_resaved``: the JPEG was saved again after the camera or scanner wrote it. Medium with
  Photoshop's segments, or libjpeg tables under a camera's EXIF *and* a second sign (periodic DCT
  histograms of a second compression, or a pasted region); low on one sign alone: phones' share,
  export and "reduce size" paths and messaging apps re-encode photos with libjpeg and keep EXIF.
- ``pasted_region``: a region with no sensor noise inside a photo or scan, or one whiter than the
  bare paper of an evenly lit scan; medium when the pixel check is sure (a strip of many blocks),
  else low. Its box is in the evidence and drawn on the document preview.
- ``image_screenshot`` (low): a screenshot or digital render, not a photo or scan of the paper.
"""

from __future__ import annotations

from leaselab_desktop.domain.models import Signal
from leaselab_desktop.screening.documents.image_forensics import (
    CUSTOM_TABLE_MAKES,
    DOUBLE_JPEG_SCORE,
    MIN_PHOTO_NOISE,
)
from leaselab_desktop.screening.facts import DocumentFacts
from leaselab_desktop.screening.signals.common import signal

IMAGE_FORENSIC_CODES = ("jpeg_resaved", "pasted_region", "image_screenshot")


def _camera(doc: DocumentFacts) -> str:
    return " ".join(x for x in (doc.metadata.get("exif_make"), doc.metadata.get("exif_model")) if x)


def jpeg_resaved(doc: DocumentFacts) -> list[Signal]:
    tables = doc.metadata.get("forensic_jpeg_tables", "")
    adobe = doc.metadata.get("forensic_adobe", "")
    if "APP13 Photoshop" in adobe:
        return [signal(
            "jpeg_resaved", "medium", doc,
            f"The JPEG carries Adobe Photoshop's segments ({adobe}) and "
            + ("libjpeg-style tables" if tables.startswith("ijg") else "Photoshop's own quantisation tables")
            + ": it was saved by Photoshop, not by the camera or scanner that captured it.",
            "The image was re-saved by an image editor.",
        )]
    make = (doc.metadata.get("exif_make") or "").strip().lower()
    score = doc.metadata.get("forensic_double_jpeg")
    twice = bool(score) and float(score or 0) > DOUBLE_JPEG_SCORE
    pasted = doc.metadata.get("forensic_patch_sure") == "yes"
    if tables.startswith("ijg") and make.startswith(CUSTOM_TABLE_MAKES):
        quality = tables.split("q=", 1)[-1]
        second = (" Its DCT histograms also show a second compression." if twice
                  else " A region of it also looks pasted in." if pasted else
                  " Nothing else shows an edit: phones' share and export paths re-encode photos this way too.")
        return [signal(
            "jpeg_resaved", "medium" if twice or pasted else "low", doc,
            f"The JPEG's quantisation tables are libjpeg's standard tables at quality {quality} (as "
            f"written by Pillow, GIMP and most editors), but its EXIF names a {_camera(doc)} camera, "
            "which writes tables of its own: the photo was saved again by software after it was taken."
            + second,
            "The photo was re-saved by software after it was taken.",
        )]
    if twice:
        return [signal(
            "jpeg_resaved", "low", doc,
            f"The JPEG was compressed twice: its DCT coefficient histograms are periodic (score {score}; "
            f"a single save stays under {DOUBLE_JPEG_SCORE}). An editor, or an app that recompresses "
            "photos (a messenger), saved it again after it was first taken or scanned.",
            "The photo was compressed twice.",
        )]
    return []


def pasted_region(doc: DocumentFacts) -> list[Signal]:
    box = doc.metadata.get("forensic_patch_box")
    if not box:
        return []
    x0, y0, x1, y1 = box.split(",")
    sure = doc.metadata.get("forensic_patch_sure") == "yes"
    page = doc.metadata.get("forensic_page")
    unit = f"points of page {page}, from its top-left corner" if doc.metadata.get("forensic_patch_unit") == "pt" \
        else "pixels of the upright image"
    where = f"The region x {x0}–{x1}, y {y0}–{y1} ({unit})"
    others = len((doc.metadata.get("forensic_patch_boxes") or "").split(";")) - 1
    more = f" {others} more region{'s' if others > 1 else ''} like it {'are' if others > 1 else 'is'} outlined too." \
        if others > 0 else ""
    on_page = f" of the scanned page {page}" if page and unit.startswith("pixels") else ""
    if doc.metadata.get("forensic_patch_kind") == "whiter":
        evidence = (
            f"{where}{on_page} is whiter than the paper it sits on (level "
            f"{doc.metadata.get('forensic_patch_white', '?')} against {doc.metadata.get('forensic_paper_white', '?')} "
            "for the bare paper of this evenly lit scan) and ends abruptly. Print only darkens paper, so this is "
            "a piece of another image pasted over the scan, or something stuck on the page before it was scanned."
        )
    else:
        evidence = (
            f"{where}{on_page} has a noise level of {doc.metadata.get('forensic_patch_noise', '?')} against "
            f"{doc.metadata.get('forensic_noise_floor', '?')} for the rest of the image: it carries no camera or "
            "scanner noise, as content pasted or typed over the picture would."
        )
    return [signal(
        "pasted_region", "medium" if sure else "low", doc,
        f"{evidence} The region is outlined in the document preview.{more}",
        "Part of the image looks pasted in.",
    )]


def image_screenshot(doc: DocumentFacts) -> list[Signal]:
    if doc.metadata.get("image_kind") != "screenshot or render":
        return []
    camera = _camera(doc)
    evidence = (
        f"Flat areas have no sensor noise (noise level {doc.metadata.get('forensic_noise_floor', '0')}; photos "
        f"and scans show at least {MIN_PHOTO_NOISE}): this is a screenshot or a digital render, not a photo or "
        "scan of a paper document, so physical features cannot be checked."
    )
    if camera:
        evidence += f" Yet its EXIF names a {camera} camera."
    return [signal("image_screenshot", "low", doc, evidence, "The image is a screenshot, not a photo.")]


def image_forensic_signals(doc: DocumentFacts) -> list[Signal]:
    if doc.error not in (None, "mislabelled"):
        return []
    return [*jpeg_resaved(doc), *pasted_region(doc), *image_screenshot(doc)]
