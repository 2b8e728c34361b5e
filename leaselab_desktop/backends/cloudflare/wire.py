"""Reading server answers into domain models, and the offline lead list (filter, sort, page)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from leaselab_desktop.backends.cloudflare.client import Answer
from leaselab_desktop.backends.cloudflare.flavour import from_start_answer
from leaselab_desktop.backends.errors import BackendUnavailable
from leaselab_desktop.domain.models import (
    Evaluation,
    Lead,
    LeadPage,
    LeadQuery,
    Override,
    RunSnapshot,
    RunTicket,
    Usage,
)


def run_snapshot(data: Any, kind: str) -> RunSnapshot:
    """A workflow status or a job answer → RunSnapshot (jobs carry ``error_code``/``error_message``)."""
    if not isinstance(data, dict):
        raise ValueError("run answer is not an object")
    body = dict(data)
    if kind == "job" and body.get("error") is None and (body.get("error_code") or body.get("error_message")):
        body["error"] = {
            "name": str(body.get("error_code") or "JobFailed"),
            "message": str(body.get("error_message") or ""),
        }
    body["kind"] = kind
    return RunSnapshot.model_validate(body)


def evaluation(data: Any, lead_id: str | None = None) -> Evaluation | None:
    if not isinstance(data, dict):
        return None
    ev = Evaluation.model_validate(data)
    if ev.lead_id is None and lead_id is not None:
        ev.lead_id = lead_id
    return ev


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


def start_ticket(payload: Any, lead_id: str) -> RunTicket:
    """A 202 (workflow) or 201 (job) start answer → RunTicket with the run's kind and usage."""
    body = payload if isinstance(payload, dict) else {}
    data = body.get("data")
    if not isinstance(data, dict):
        raise BackendUnavailable("The server's answer to the start could not be read.")
    raw_usage = body.get("usage")
    usage = Usage.model_validate(raw_usage) if isinstance(raw_usage, dict) and "month" in raw_usage else None
    kind = from_start_answer(data).run_kind
    return RunTicket.model_validate(
        {**data, "kind": kind, "lead_id": data.get("lead_id") or lead_id, "usage": usage}
    )


def seg(value: str) -> str:
    return quote(value, safe="")


def answer_data(answer: Answer) -> Any:
    payload = answer.payload
    if isinstance(payload, dict) and "data" in payload:
        return payload["data"]
    raise BackendUnavailable("The server answered without a 'data' field; it may not be a LeaseLab server.")


def override_from(raw: Any, evaluation_id: str) -> Override:
    if not isinstance(raw, dict):
        raise BackendUnavailable("The server's answer to the override could not be read.")
    return Override.model_validate({"evaluation_id": evaluation_id, **raw})
