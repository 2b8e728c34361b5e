"""Issue 13 item 1: the policy profile follows the property's province; a site setting overrides it."""

from __future__ import annotations

from pathlib import Path

from leaselab_desktop.backends.local import LocalBackend
from leaselab_desktop.config import Paths
from leaselab_desktop.domain.models import Evaluation, LeadQuery


async def _evaluate_odsp_applicant(backend: LocalBackend, run_to_end) -> Evaluation:  # type: ignore[no-untyped-def]
    # the demo's ODSP recipient (Aisha Mohammed) applies for a unit in Toronto, Ontario
    lead = next(x for x in (await backend.list_leads(LeadQuery())).items if x.last_name == "Mohammed")
    await run_to_end(backend, (await backend.start_evaluation(lead.id)).run_id)
    ev = await backend.latest_evaluation(lead.id)
    assert ev is not None
    return ev


async def test_a_toronto_site_scores_under_the_ontario_profile(run_to_end, backend: LocalBackend) -> None:  # type: ignore[no-untyped-def]
    ev = await _evaluate_odsp_applicant(backend, run_to_end)
    assert ev.profile_title == "Ontario"
    assert ev.policy_line == f"Policy {ev.policy_version} · Ontario profile"
    assert any(n.startswith("Public assistance of $1,408/month was counted as income") for n in ev.compliance_notes)
    assert ev.recommendation != "reject"


async def test_a_site_setting_overrides_the_province(run_to_end, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    backend = await LocalBackend.open(Paths(tmp_path / "data"), count_free_providers=True, policy_profile="default")
    try:
        ev = await _evaluate_odsp_applicant(backend, run_to_end)
    finally:
        await backend.aclose()
    assert ev.profile_title == "Default"
    assert any("was not counted as income under this profile" in n for n in ev.compliance_notes)
