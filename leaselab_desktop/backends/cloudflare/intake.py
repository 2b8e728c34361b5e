"""What a Cloudflare site manages on the server (LeaseLab on the web), not in the desktop app."""

from __future__ import annotations

from pathlib import Path

from leaselab_desktop.backends.errors import NotSupported
from leaselab_desktop.domain.models import Lead, LeadFile, NewLead, Property, Unit


class ServerManagedIntake:
    """Intake the ops API does not offer: each raises NotSupported with a reason."""

    async def list_properties(self) -> list[Property]:
        raise NotSupported("Properties are managed in LeaseLab on the web for Cloudflare sites.")

    async def list_units(self, property_id: str) -> list[Unit]:
        raise NotSupported("Units are managed in LeaseLab on the web for Cloudflare sites.")

    async def create_lead(self, new: NewLead) -> Lead:
        raise NotSupported("New applicants are added in LeaseLab on the web for Cloudflare sites.")

    async def attach_file(self, lead_id: str, path: Path, file_type: str = "other") -> LeadFile:
        raise NotSupported("Documents are uploaded in LeaseLab on the web for Cloudflare sites.")
