"""What a file really is, from its first bytes — never from its name. Pure and I/O-free: in the
domain so the GUI (preview) and screening (analysis) share the rules without the GUI importing screening."""

from __future__ import annotations

from pathlib import PurePath

SUPPORTED_FORMATS = frozenset({"pdf", "jpeg", "png", "gif", "tiff", "webp", "bmp", "text"})
IMAGE_FORMATS = frozenset({"jpeg", "png", "gif", "tiff", "webp", "bmp"})

_EXTENSIONS: dict[str, str] = {
    ".pdf": "pdf",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".jpe": "jpeg",
    ".png": "png",
    ".gif": "gif",
    ".tif": "tiff",
    ".tiff": "tiff",
    ".webp": "webp",
    ".bmp": "bmp",
    ".txt": "text",
    ".csv": "text",
    ".heic": "heic",
    ".heif": "heic",
    ".docx": "zip",
    ".xlsx": "zip",
    ".zip": "zip",
    ".doc": "ole",
    ".xls": "ole",
}

MIME_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "tiff": "image/tiff",
    "webp": "image/webp",
    "bmp": "image/bmp",
    "text": "text/plain",
}


def sniff(head: bytes) -> str:
    """Format name from the first bytes (at least 1 KiB recommended)."""
    if not head:
        return "empty"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:2] == b"BM" and len(head) > 14:
        return "bmp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heim"):
        return "heic"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if _looks_like_text(head):
        return "text"
    return "unknown"


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # a multibyte sequence cut at the end of the head is still text
        try:
            text = head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return False
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\r\n\t")
    return printable >= 0.95 * max(len(text), 1)


def format_from_name(file_name: str) -> str | None:
    """The format a file name claims, or None when its extension says nothing."""
    return _EXTENSIONS.get(PurePath(file_name.replace("\\", "/")).suffix.lower())


def is_mislabelled(file_name: str, detected: str) -> bool:
    claimed = format_from_name(file_name)
    if claimed is None or detected in ("empty", "unknown"):
        return False
    if claimed == "text":  # .csv/.txt holding anything textual is fine
        return detected != "text"
    return claimed != detected
