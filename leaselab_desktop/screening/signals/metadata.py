"""Metadata forensics: editing software, creation vs modification dates, incremental revisions."""

from __future__ import annotations

import re
from datetime import datetime

from leaselab_desktop.domain.models import Signal
from leaselab_desktop.screening.facts import DocumentFacts
from leaselab_desktop.screening.signals.common import signal
from leaselab_desktop.screening.verification import original_note

# Tools made for altering images or editing existing PDFs. Ordinary generators (word processors,
# reportlab, payroll and banking systems, print drivers, Acrobat Distiller/PDFMaker) are not listed.
_HIGH_EDITORS = re.compile(
    r"photoshop|\bgimp\b|paint\.net|pixelmator|affinity\s+(?:photo|designer)|\bcanva\b"
    r"|corel\s*(?:draw|photo-?paint)|inkscape|sejda|pdfescape|pdffiller|smallpdf|ilovepdf"
    r"|pdf\s*candy|dochub|pdf-?xchange\s+editor|foxit\s+(?:phantompdf|pdf\s+editor)"
    r"|nitro\s+(?:pro|pdf)|pdfelement|wondershare|formswift|soda\s*pdf|pdf\s*buddy|apowerpdf"
    r"|online\s+pdf\s+editor|pdf\s+editor|photopea|fotor|picsart",
    re.IGNORECASE,
)
_MEDIUM_EDITORS = re.compile(
    r"acrobat\s+(?:pro|standard)|adobe\s+acrobat\s+\d|lightroom|snapseed|facetune",
    re.IGNORECASE,
)
_NOT_EDITORS = re.compile(r"distiller|pdfmaker|paper\s+capture|acrobat\s+reader", re.IGNORECASE)
_FIELDS = (
    ("producer", "Producer"),
    ("creator", "Creator"),
    ("xmp_creator_tool", "XMP CreatorTool"),
    ("xmp_producer", "XMP Producer"),
    ("exif_software", "EXIF Software"),
)
DATE_GAP_DAYS = 1.0


def editing_software(doc: DocumentFacts) -> list[Signal]:
    high: list[str] = []
    medium: list[str] = []
    for key, label in _FIELDS:
        value = doc.metadata.get(key)
        if not value or _NOT_EDITORS.search(value):
            continue
        quoted = f'{label}: "{value}"'
        if _HIGH_EDITORS.search(value):
            high.append(quoted)
        elif _MEDIUM_EDITORS.search(value):
            medium.append(quoted)
    if not high and not medium:
        return []
    severity = "high" if high else "medium"
    found = list(dict.fromkeys(high + medium))
    return [
        signal(
            "editing_software", severity, doc, "; ".join(found),
            "The file was last written by software used to edit documents or images; "
            "check it against an original from the issuer.",
        )
    ]


def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    text = value.strip()
    if re.match(r"^\d{4}:\d{2}:\d{2} ", text):  # EXIF "2026:10:17 09:30:00"
        text = text.replace(":", "-", 2)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed


def _gap_days(created: datetime, modified: datetime) -> float:
    if (created.tzinfo is None) != (modified.tzinfo is None):
        created, modified = created.replace(tzinfo=None), modified.replace(tzinfo=None)
    return (modified - created).total_seconds() / 86400


def date_mismatch(doc: DocumentFacts) -> list[Signal]:
    meta = doc.metadata
    created, modified = _parse(meta.get("creation_date")), _parse(meta.get("mod_date"))
    if created and modified:
        gap = _gap_days(created, modified)
        if gap > DATE_GAP_DAYS:
            return [
                signal(
                    "date_mismatch", "medium", doc,
                    f"Created {meta['creation_date']}, modified {meta['mod_date']} "
                    f"({gap:.0f} days later).",
                    "The file was changed well after it was created; generated statements and "
                    "pay stubs are normally never modified.",
                )
            ]
        if gap < -DATE_GAP_DAYS:
            return [
                signal(
                    "date_mismatch", "low", doc,
                    f"Modified {meta['mod_date']} before it was created {meta['creation_date']}.",
                    "The file's dates are inconsistent.",
                )
            ]
    shot = _parse(meta.get("exif_datetime_original"))
    saved = _parse(meta.get("exif_datetime"))
    if shot and saved and _gap_days(shot, saved) > DATE_GAP_DAYS:
        return [
            signal(
                "date_mismatch", "low", doc,
                f"Photo taken {meta['exif_datetime_original']}, saved again {meta['exif_datetime']}.",
                "The photo was re-saved after it was taken (often harmless, e.g. cropping).",
            )
        ]
    return []


def incremental_revision(doc: DocumentFacts) -> list[Signal]:
    if doc.revisions <= 1:
        return []
    state = doc.metadata.get("earlier_revision")
    if state == "differs":
        kind = doc.metadata.get("revision_change_kind", "changed")
        severity, what = {
            "changed": ("high", "the visible text changed"),
            "added": ("medium", "text was added"),
            "signature": ("low", "only a signature stamp was added"),
        }.get(kind, ("high", "the visible text changed"))
        return [
            signal(
                "incremental_revision", severity, doc,
                f"{doc.revisions} revisions; text changed since the earlier revision: "
                f"{doc.metadata.get('revision_changes', '')}{original_note(doc)}",
                f"The PDF was edited after it was first produced and {what}.",
            )
        ]
    detail = (
        "the earlier revision has the same text (e.g. a signature or form fill)"
        if state == "same text"
        else "the earlier revision could not be compared"
    )
    return [
        signal(
            "incremental_revision", "low", doc,
            f"{doc.revisions} revisions; {detail}.",
            "The PDF was saved more than once.",
        )
    ]


def font_mismatch(doc: DocumentFacts) -> list[Signal]:
    evidence = doc.metadata.get("font_outlier")
    if not evidence:
        return []
    labelled = doc.metadata.get("font_outlier_strength") == "labelled"
    return [
        signal(
            "font_mismatch", "medium" if labelled else "low", doc, evidence,
            "One amount is set in a different font from every other figure, as happens when a "
            "number is retyped in an editor.",
        )
    ]
