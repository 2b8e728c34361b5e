"""PDF text, metadata and revision history with pypdf (imported lazily: it costs ~0.2 s)."""

from __future__ import annotations

import contextlib
import io
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from leaselab_desktop.screening.documents.fonts import FontCollector
from leaselab_desktop.screening.documents.limits import Limits
from leaselab_desktop.screening.documents.revisions import (
    count_revisions,
    earlier_revision,
    first_revision,
)

_PDF_DATE_RE = re.compile(
    r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*(Z|[+-]\d{2}'?\d{2}'?)?"
)
logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed input is reported, not logged


@dataclass
class PdfResult:
    pages: int | None = None
    text: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    revisions: int = 1
    error: str | None = None
    error_message: str | None = None
    earlier: bytes | None = None  # the earlier revision, when its text differs (never stored)
    earlier_text: str = ""


def pdf_date_to_iso(raw: str) -> str | None:
    """``D:20261017093000+05'00'`` → ``2026-10-17T09:30:00+05:00``; None when unreadable."""
    m = _PDF_DATE_RE.match(raw.strip())
    if not m:
        return None
    y, mo, d, h, mi, s, tz = m.groups()
    mo, d, h, mi, s = mo or "01", d or "01", h or "00", mi or "00", s or "00"
    if not (1 <= int(mo) <= 12 and 1 <= int(d) <= 31 and int(h) < 24 and int(mi) < 60):
        return None
    zone = ""
    if tz == "Z":
        zone = "+00:00"
    elif tz:
        digits = tz.replace("'", "")
        zone = f"{digits[:3]}:{digits[3:5] or '00'}"
    return f"{y}-{mo}-{d}T{h}:{mi}:{s}{zone}"


def _open(data: bytes) -> Any:
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data), strict=False)


def _info(reader: Any) -> dict[str, str]:
    meta: dict[str, str] = {}
    try:
        info = reader.metadata or {}
    except Exception:  # a broken /Info is not fatal
        info = {}
    for key, name in (
        ("/Producer", "producer"), ("/Creator", "creator"), ("/Author", "author"),
        ("/Title", "title"), ("/CreationDate", "creation_date"), ("/ModDate", "mod_date"),
    ):
        try:
            value = info.get(key)
        except Exception:
            value = None
        if value is None:
            continue
        text = str(value).strip()
        if not text or text in ("untitled", "anonymous", "unspecified"):
            continue
        if name.endswith("_date"):
            meta[name + "_raw"] = text[:64]
            iso = pdf_date_to_iso(text)
            if iso:
                meta[name] = iso
        else:
            meta[name] = text[:200]
    try:
        xmp = reader.xmp_metadata
        if xmp is not None:
            tool = xmp.xmp_creator_tool
            producer = xmp.pdf_producer
            if tool:
                meta["xmp_creator_tool"] = str(tool)[:200]
            if producer:
                meta["xmp_producer"] = str(producer)[:200]
    except Exception:  # malformed XMP is ignored
        pass
    return meta


def _text(reader: Any, cap: int, fonts: FontCollector | None = None) -> str:
    parts: list[str] = []
    size = 0
    for page in reader.pages:
        chunk = (page.extract_text(visitor_text=fonts.visit) if fonts else page.extract_text()) or ""
        parts.append(chunk)
        size += len(chunk)
        if size >= cap:
            break
    return "\n".join(parts)[:cap]


def extract_pdf(data: bytes, limits: Limits) -> PdfResult:
    out = PdfResult()
    try:
        reader = _open(data)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception:  # unknown handler / missing crypto
                opened = 0
            if not opened:
                out.error = "encrypted"
                out.error_message = (
                    "The PDF is password-protected, so its contents cannot be checked. "
                    "Ask the applicant for an unprotected copy."
                )
                return out
            out.metadata["encryption"] = "owner password only (opened)"
        out.pages = len(reader.pages)
        out.metadata.update(_info(reader))
        header = data[data.find(b"%PDF-"):][:8].decode("latin-1", "replace")
        out.metadata["pdf_version"] = header[5:8]
    except Exception as exc:  # anything pypdf throws means unreadable
        out.error = "corrupt"
        out.error_message = f"The PDF could not be read ({type(exc).__name__}); it may be damaged or incomplete."
        return out
    out.revisions = count_revisions(data, limits.max_revisions)
    if out.pages == 0:
        out.error = "empty"
        out.error_message = "The PDF has no pages."
        return out
    if out.pages > limits.max_pdf_pages:
        out.error = "too_many_pages"
        out.error_message = (
            f"The PDF has {out.pages} pages; at most {limits.max_pdf_pages} are analysed. "
            "Ask for the relevant pages only."
        )
        return out
    fonts = FontCollector()
    try:
        out.text = _text(reader, limits.max_text_chars, fonts)
    except Exception as exc:
        out.error = "corrupt"
        out.error_message = f"The PDF's text could not be read ({type(exc).__name__}); it may be damaged."
        return out
    if not out.text.strip():
        out.metadata["text_layer"] = "none"
    outlier = fonts.outlier()
    if outlier:
        out.metadata["font_outlier"], out.metadata["font_outlier_strength"] = outlier
    if len(out.text) >= limits.max_text_chars:
        out.metadata["text_truncated"] = f"first {limits.max_text_chars} characters analysed"
    if out.revisions > 1:
        _compare_revisions(data, out, limits)
    return out


def _compare_revisions(data: bytes, out: PdfResult, limits: Limits) -> None:
    earlier = earlier_revision(data, limits.max_revisions)
    if earlier is None:
        return
    try:
        old_text = _text(_open(earlier), limits.max_text_chars)
    except Exception:  # an unreadable earlier revision is just not compared
        out.metadata["earlier_revision"] = "unreadable"
        return
    changes = text_changes(old_text, out.text, limit=10_000)
    out.metadata["earlier_revision"] = "differs" if changes else "same text"
    if changes:
        out.earlier, out.earlier_text = earlier, old_text
        first = first_revision(data, limits.max_revisions) if out.revisions > 2 else None
        if first is not None and first != earlier:
            # several edits: the original is what the first revision printed (if it reads)
            with contextlib.suppress(Exception):
                out.earlier, out.earlier_text = first, _text(_open(first), limits.max_text_chars)
        out.metadata["revision_changes"] = "; ".join(changes[:8])[:1000]
        out.metadata["revision_change_kind"] = change_kind(changes)


_SIGNATURE_RX = re.compile(
    r"digitally\s+signed|signed\s+by|signature|e-?signed|docusign|adobe\s+sign|^added:\s*(?:reason|location|date)\s*:",
    re.IGNORECASE,
)


def change_kind(changes: list[str]) -> str:
    """``changed`` (text replaced or removed), ``signature`` (only a signature stamp added) or
    ``added`` (only new lines)."""
    if any(not c.startswith("added: ") for c in changes):
        return "changed"
    if all(_SIGNATURE_RX.search(c) for c in changes):
        return "signature"
    return "added"


def text_changes(old: str, new: str, limit: int = 8) -> list[str]:
    """Lines that changed between revisions, paired by their label: ``Net Pay: $2,100.00 → $4,100.00``."""
    old_lines = [ln.strip() for ln in old.splitlines() if ln.strip()]
    new_lines = [ln.strip() for ln in new.splitlines() if ln.strip()]
    new_set, old_set = set(new_lines), set(old_lines)
    removed = [ln for ln in old_lines if ln not in new_set]
    added = [ln for ln in new_lines if ln not in old_set]
    out: list[str] = []
    for line in removed:
        label = _label(line)
        partner = next((a for a in added if label and _label(a) == label), None)
        if partner is not None:
            added.remove(partner)
            out.append(f"{line} → {partner[len(label):].strip(' :')}" if label else f"{line} → {partner}")
        else:
            out.append(f"removed: {line}")
    out.extend(f"added: {line}" for line in added)
    return out[:limit]


def _label(line: str) -> str:
    m = re.match(r"^([A-Za-z][A-Za-z ./#&-]{1,40}?)\s*[:]?\s*(?=[-$(\d])", line)
    return m.group(1).strip() if m else ""
