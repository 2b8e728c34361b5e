"""The provider interface: lead + documents → facts and signals (never a score)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from leaselab_desktop.domain.models import Lead
from leaselab_desktop.screening.facts import DocumentSet, Extraction
from leaselab_desktop.screening.policy import Policy


@runtime_checkable
class Provider(Protocol):
    name: str

    async def extract(self, lead: Lead, docs: DocumentSet, policy: Policy | None = None) -> Extraction:
        """Facts and signals for the policy to score. Raises ``ProviderError`` subclasses."""
        ...
