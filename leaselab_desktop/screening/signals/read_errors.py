"""Per-document read errors as signals. All low or medium: an unreadable file is a reason to ask
for a better copy, never on its own a reason to reject."""

from __future__ import annotations

from leaselab_desktop.domain.models import Signal
from leaselab_desktop.screening.facts import DocumentFacts
from leaselab_desktop.screening.signals.common import signal

# error -> (code, severity, what the agent should do)
READ_ERROR_SIGNALS: dict[str, tuple[str, str, str]] = {
    "corrupt": ("document_unreadable", "medium", "The file is damaged; ask for a new copy."),
    "encrypted": (
        "document_encrypted", "low", "The file is password-protected; ask for an unprotected copy.",
    ),
    "mislabelled": (
        "document_mislabelled", "low", "The file's name does not match its content; it was "
        "analysed as what it really is.",
    ),
    "empty": ("document_empty", "low", "The file is empty; ask the applicant to upload it again."),
    "oversized": ("document_oversized", "low", "The file is too large to analyse; ask for a smaller copy."),
    "too_many_pages": (
        "document_oversized", "low", "The file has too many pages; ask for the relevant pages only.",
    ),
    "unsupported": (
        "unsupported_format", "low", "This file type cannot be analysed; ask for a PDF, JPEG or PNG.",
    ),
}


def read_error_signals(docs: list[DocumentFacts]) -> list[Signal]:
    out: list[Signal] = []
    for doc in docs:
        claimed = doc.metadata.get("claimed_format")
        if claimed and doc.error != "mislabelled":
            code, severity, message = READ_ERROR_SIGNALS["mislabelled"]
            out.append(signal(
                code, severity, doc,
                f"Named as {claimed}, content is {doc.detected_format} (by its first bytes).", message,
            ))
        if doc.error is None:
            continue
        code, severity, message = READ_ERROR_SIGNALS.get(
            doc.error, ("document_unreadable", "medium", "The file could not be analysed.")
        )
        evidence = doc.error_message or doc.error
        if doc.error == "mislabelled":
            evidence = f"Named as {claimed}, content is {doc.detected_format} (by its first bytes)."
        out.append(signal(code, severity, doc, evidence, message))
    return out
