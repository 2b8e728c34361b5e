"""The lead list's final decision on the Cloudflare backend: the servers send none today, so the list
shows none (never a guess from the label); a server that sends it is read."""

from __future__ import annotations

from cf_ops_server import OpsState

from leaselab_desktop.domain.models import LeadQuery


async def test_no_recommendation_from_the_server_means_none_in_the_list(make_backend, job_url: str,
                                                                        job_state: OpsState) -> None:
    job_state.leads["lead_001"].update(aiScore=64, aiLabel="B")
    backend = make_backend(job_url, token=None)
    rows = await backend.list_lead_rows(LeadQuery(limit=500))
    at = rows.ids.index("lead_001")
    assert rows.labels[at] == "B"
    assert set(rows.recommendations) == {""} and not any(rows.overridden)
    # a server that sends the final decision (camelCase, as leads come) is read as it is
    job_state.leads["lead_001"].update(aiRecommendation="reject", aiOverridden=True)
    rows = await backend.list_lead_rows(LeadQuery(limit=500))
    at = rows.ids.index("lead_001")
    assert (rows.recommendations[at], rows.overridden[at]) == ("reject", True)
    lead = await backend.get_lead("lead_001")
    assert (lead.ai_recommendation, lead.ai_overridden) == ("reject", True)
