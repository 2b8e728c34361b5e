"""Helpers shared by the detectors: money formatting and signal construction."""

from __future__ import annotations

from leaselab_desktop.domain.models import Signal
from leaselab_desktop.screening.facts import DocumentFacts


def money(value: float) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"


def signal(
    code: str, severity: str, doc: DocumentFacts | str | None, evidence: str, message: str
) -> Signal:
    name = doc.file_name if isinstance(doc, DocumentFacts) else doc
    return Signal(code=code, severity=severity, document=name, evidence=evidence, message=message)
