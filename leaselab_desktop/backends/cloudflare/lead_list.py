"""Reading the lead list from either flavour of server, including deployed workers' quirks.

Deployed workers (contract: "deployed shape") send at most 50 leads, no cursor, and some answer
500 to a ``sortBy``. The list is then finished on this client: sorted and paged with its own
``offset:N`` cursors (so no page repeats), with a notice the agent reads when the server's cap may
hide older leads (the server's own filters, status and property, still reach them) or when it
could not sort.
"""

from __future__ import annotations

import logging
from typing import Any

from leaselab_desktop.backends.cloudflare import flavour as fl
from leaselab_desktop.backends.cloudflare.cache import OfflineCache
from leaselab_desktop.backends.cloudflare.client import OpsClient, server_answer
from leaselab_desktop.backends.cloudflare.offline_list import page_leads
from leaselab_desktop.backends.cloudflare.session import ServerSession
from leaselab_desktop.backends.cloudflare.wire import lead_from
from leaselab_desktop.backends.errors import BackendError
from leaselab_desktop.domain.models import Lead, LeadPage, LeadQuery

log = logging.getLogger(__name__)

# The project worker serves at most 500 leads a page; larger requests are paged by next_cursor.
SERVER_PAGE_LIMIT = 500
# Deployed workers send at most this many leads and no cursor.
DEPLOYED_ROW_CAP = 50


def own_cursor(cursor: str | None) -> bool:
    """A cursor this client made when it paged a deployed worker's rows itself (offline_list.page_leads)."""
    return bool(cursor and cursor.startswith("offset:"))


async def fetch_lead_page(api: OpsClient, session: ServerSession, query: LeadQuery) -> LeadPage:
    params: dict[str, Any] = {
        "status": query.status, "propertyId": query.property_id, "sortBy": query.sort_by,
        "sortOrder": query.sort_order, "limit": min(query.limit, SERVER_PAGE_LIMIT), "cursor": query.cursor,
        "q": query.q, "label": query.label,
    }
    notice = None
    try:
        answer = await api.get("/api/ops/leads", params=params)
    except BackendError as exc:
        status, _ = server_answer(exc)
        if status is None or status < 500:
            raise
        # some deployed workers answer 500 to a sort order: ask for the server's own order (the
        # server is up; the list is sorted here instead)
        log.info("the lead list failed with sortBy=%s (%s); asking without it", query.sort_by, exc)
        answer = await api.get("/api/ops/leads", params={
            k: v for k, v in params.items() if k not in ("sortBy", "sortOrder")})
        notice = f"The server could not sort the leads by {query.sort_by}; they were read in its default order."
    body = answer.payload if isinstance(answer.payload, dict) else {}
    session.observe(fl.from_leads_answer(body))
    leads = [lead_from(x) for x in body.get("data") or []]
    session.cache.put_leads(session.site_id, leads, session.clock())
    if "next_cursor" in body:
        return LeadPage(items=leads, next_cursor=body.get("next_cursor"), notice=notice)
    # a deployed worker: no paging, no search: finish the query here with this client's cursor
    page = page_leads(leads, query if own_cursor(query.cursor) else query.model_copy(update={"cursor": None}))
    capped = len(leads) >= DEPLOYED_ROW_CAP
    if capped:
        said = (f"This server sends at most {DEPLOYED_ROW_CAP} leads: only the newest {len(leads)} are shown, "
                "and search finds only among them. Filter by status or property to see others.")
        notice = f"{notice} {said}" if notice else said
    return page.model_copy(update={"notice": notice, "capped": capped})


def with_property_name(cache: OfflineCache, site_id: str, lead: Lead) -> Lead:
    """Deployed workers name the property in the list only: take the name from a listed lead."""
    if lead.property_name:
        return lead
    held = cache.lead(site_id, lead.id)
    name = held.property_name if held is not None and held.property_id == lead.property_id else None
    name = name or next((x.property_name for x in cache.leads(site_id)
                         if x.property_id == lead.property_id and x.property_name), None)
    return lead.model_copy(update={"property_name": name}) if name else lead
