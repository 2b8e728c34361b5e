"""Qt-free reports (compliance report PDF)."""

from leaselab_desktop.reports.compliance import (
    NO_PROTECTED_CHARACTERISTICS,
    build_compliance_report,
    write_compliance_report,
)

__all__ = ["NO_PROTECTED_CHARACTERISTICS", "build_compliance_report", "write_compliance_report"]
