"""Compare applicants for one unit on any backend: read each lead, its latest evaluation and the
overrides of it, then line them up (``reports.comparison``). The CLI and the console both call this."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from leaselab_desktop.backends.base import Backend
from leaselab_desktop.domain.models import LeadQuery
from leaselab_desktop.reports.comparison import (
    MAX_APPLICANTS,
    Applicant,
    Comparison,
    SelectionProblem,
    compare_applicants,
)


async def _applicant(backend: Backend, lead_id: str) -> Applicant:
    lead = await backend.get_lead(lead_id)
    evaluation = await backend.latest_evaluation(lead_id)
    overrides = await backend.overrides(evaluation.evaluation_id) if evaluation else []
    return Applicant(lead, evaluation, tuple(overrides))


async def compare_leads(backend: Backend, lead_ids: Sequence[str]) -> Comparison:
    """Raises ``SelectionProblem`` (the same lead twice, too few or too many, mixed units) and the
    backend's own errors (an unknown lead: ``NotFound``)."""
    ids = list(lead_ids)
    if len(set(ids)) != len(ids):
        raise SelectionProblem("The same applicant was given twice: name each lead once.")
    if len(ids) > MAX_APPLICANTS:  # before reading anything
        raise SelectionProblem(f"Select at most {MAX_APPLICANTS} applicants to compare: {len(ids)} were given.")
    applicants = await asyncio.gather(*(_applicant(backend, i) for i in ids))
    return compare_applicants(applicants)


async def unit_neighbours(backend: Backend, lead_id: str, limit: int = MAX_APPLICANTS) -> list[str]:
    """The lead and the other active applicants for its unit (best score first), at most ``limit``:
    what "Compare with other applicants for this unit" opens."""
    lead = await backend.get_lead(lead_id)
    if not lead.unit_id:
        return [lead_id]
    page = await backend.list_leads(LeadQuery(property_id=lead.property_id, limit=10_000))
    others = [x.id for x in page.items if x.unit_id == lead.unit_id and x.id != lead_id and x.is_active]
    return [lead_id, *others][:limit]
