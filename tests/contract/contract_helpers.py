"""Helpers shared by the contract tests (kept out of conftest so they import by a unique name)."""

from __future__ import annotations

from typing import Any

from leaselab_desktop.backends.base import Backend
from leaselab_desktop.config import PollingSettings
from leaselab_desktop.domain.models import LeadQuery

WORKER_POLLING = PollingSettings(min_interval_s=0.1, max_interval_s=2.0)


def worker_fields(info: Any) -> tuple[str, str, str, str | None]:
    if isinstance(info, tuple | list):
        base_url, token, site_id, other = (list(info) + [None] * 4)[:4]
    else:
        base_url, token, site_id = info.base_url, info.token, info.site_id
        other = getattr(info, "other_token", None) or getattr(info, "other_site_token", None)
    return str(base_url), str(token), str(site_id), other


_USED: dict[str, set[str]] = {}


async def fresh_lead(backend: Backend, min_files: int = 1) -> str:
    """A lead with documents that no earlier test of this session evaluated on this backend."""
    used = _USED.setdefault(f"{backend.kind}", set()) if backend.kind != "local" else set()
    for lead in (await backend.list_leads(LeadQuery(limit=500, sort_by="createdAt"))).items:
        if lead.id in used or lead.status in ("ai_evaluating",):
            continue
        if await backend.active_run(lead.id) is not None or await backend.latest_evaluation(lead.id):
            continue
        if len(await backend.list_files(lead.id)) >= min_files:
            used.add(lead.id)
            return lead.id
    raise AssertionError("no unevaluated lead with documents left in the demo data")
