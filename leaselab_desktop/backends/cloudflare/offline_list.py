"""The lead list held by the client (a deployed worker's 50 rows, or the offline cache): filtered,
sorted and paged here as the project worker would."""

from __future__ import annotations

from typing import Any

from leaselab_desktop.domain.models import Lead, LeadPage, LeadQuery


def lead_matches(lead: Lead, query: LeadQuery) -> bool:
    if query.status and lead.status != query.status:
        return False
    if query.property_id and lead.property_id != query.property_id:
        return False
    if query.label and (lead.ai_label or "") != query.label:
        return False
    if query.q:
        needle = query.q.strip().lower()
        hay = f"{lead.first_name} {lead.last_name} {lead.email}".lower()
        if needle not in hay:
            return False
    return True


def _sort_key(query: LeadQuery) -> Any:
    def key(lead: Lead) -> tuple[Any, ...]:
        if query.sort_by == "aiScore":
            value: Any = lead.ai_score
        elif query.sort_by == "name":
            value = lead.full_name.lower()
        elif query.sort_by == "createdAt":
            value = lead.created_at
        else:
            value = lead.updated_at
        # leads without a value go last whatever the order
        missing = value is None
        return (missing, value if not missing else 0, lead.id)

    return key


def sort_leads(leads: list[Lead], query: LeadQuery) -> list[Lead]:
    key = _sort_key(query)
    present = [lead for lead in leads if not key(lead)[0]]
    absent = [lead for lead in leads if key(lead)[0]]
    present.sort(key=key, reverse=query.sort_order == "desc")
    absent.sort(key=lambda lead: lead.id)
    return present + absent


def page_leads(leads: list[Lead], query: LeadQuery) -> LeadPage:
    """Filter, sort and page a list held by the client; cursors are ``offset:N``."""
    chosen = sort_leads([lead for lead in leads if lead.is_active and lead_matches(lead, query)], query)
    start = 0
    if query.cursor and query.cursor.startswith("offset:"):
        try:
            start = max(int(query.cursor.split(":", 1)[1]), 0)
        except ValueError:
            start = 0
    end = start + query.limit
    return LeadPage(items=chosen[start:end], next_cursor=f"offset:{end}" if end < len(chosen) else None)
