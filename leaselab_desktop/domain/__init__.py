"""Domain models and vocabularies: no I/O, no Qt."""

from leaselab_desktop.domain.models import (
    Evaluation,
    Factor,
    Health,
    Lead,
    LeadFile,
    LeadPage,
    LeadQuery,
    NewLead,
    Override,
    Property,
    RunError,
    RunSnapshot,
    RunTicket,
    Signal,
    StepProgress,
    Unit,
    Usage,
)

__all__ = [
    "Evaluation", "Factor", "Health", "Lead", "LeadFile", "LeadPage", "LeadQuery", "NewLead",
    "Override", "Property", "RunError", "RunSnapshot", "RunTicket", "Signal", "StepProgress",
    "Unit", "Usage",
]
