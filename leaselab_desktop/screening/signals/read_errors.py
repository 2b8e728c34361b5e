"""Per-document read errors as signals. All low or medium: an unreadable file is a reason to ask
for a better copy, never on its own a reason to reject."""

from __future__ import annotations

from leaselab_desktop.domain.models import Signal
from leaselab_desktop.screening.facts import DocumentFacts
from leaselab_desktop.screening.signals.common import signal
from leaselab_desktop.screening.verification import unread_key_facts

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


def key_fact_unread(doc: DocumentFacts) -> list[Signal]:
    """A pay stub, bank statement or employment letter whose key figures could not be read: named,
    so a document the reader could not follow is never taken as clean. Low: not a sign of fraud."""
    missing = unread_key_facts(doc)
    if not missing:
        return []
    kind = (doc.kind if doc.kind != "other" else doc.declared_type).replace("_", " ")
    return [signal(
        "key_fact_unread", "low", doc,
        f"Could not read the {', '.join(missing)} on {doc.file_name} ({kind}).",
        "Its figures could not be checked or used to verify anything; ask for a clearer copy or "
        "check it by hand.",
    )]
