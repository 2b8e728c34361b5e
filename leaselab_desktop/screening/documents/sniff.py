"""Moved to ``leaselab_desktop.domain.filetypes`` (the GUI needs it and never imports screening)."""

from leaselab_desktop.domain.filetypes import (
    IMAGE_FORMATS,
    MIME_TYPES,
    SUPPORTED_FORMATS,
    format_from_name,
    is_mislabelled,
    sniff,
)

__all__ = ["IMAGE_FORMATS", "MIME_TYPES", "SUPPORTED_FORMATS", "format_from_name", "is_mislabelled", "sniff"]
