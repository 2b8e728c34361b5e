"""Issue 13 item 7: the quota meter says which providers count and shows free runs as such; the
Force re-evaluate dialog uses the same words."""

from __future__ import annotations

from pathlib import Path

import pytest

from leaselab_desktop.backends.errors import QuotaExceeded
from leaselab_desktop.backends.local import LocalBackend
from leaselab_desktop.config import Paths, ProviderSettings
from leaselab_desktop.domain.models import LeadQuery, Usage
from leaselab_desktop.gui.qt import QtWidgets
from leaselab_desktop.gui.status_bar import QuotaMeter
from tests.gui.fakes import FakeBackend, collect_garbage_on_gui_thread, open_workspace  # noqa: F401 - the autouse fixture


async def _evaluate_two(backend: LocalBackend) -> None:
    leads = (await backend.list_leads(LeadQuery())).items[:2]
    for lead in leads:
        ticket = await backend.start_evaluation(lead.id)
        async for _ in backend.watch_run(ticket.run_id):
            pass


async def test_free_runs_show_as_free_and_do_not_fill_the_meter(qapp, tmp_path: Path) -> None:
    backend = await LocalBackend.open(Paths(tmp_path / "data"))  # built-in rules: free
    try:
        await _evaluate_two(backend)
        usage = await backend.usage()
    finally:
        await backend.aclose()
    assert (usage.evaluation_count, usage.free_count, usage.free_providers) == (0, 2, ["the built-in rules"])
    assert usage.current_counts is False
    meter = QuotaMeter()
    meter.set_usage(usage)
    assert meter.format() == f"0/{usage.quota_limit} paid evaluations · 2 free (built-in rules)"
    assert meter.value() == 0
    tip = meter.toolTip()
    assert "Only paid AI providers count against the monthly quota: Workers AI" in tip
    assert "Runs with the built-in rules are free: they do not count against the monthly quota." in tip


async def test_counted_runs_fill_the_meter_and_nothing_is_called_free(qapp, tmp_path: Path) -> None:
    backend = await LocalBackend.open(Paths(tmp_path / "data"), count_free_providers=True)
    try:
        await _evaluate_two(backend)
        usage = await backend.usage()
    finally:
        await backend.aclose()
    assert (usage.evaluation_count, usage.free_count) == (2, 0)
    meter = QuotaMeter()
    meter.set_usage(usage)
    assert meter.format() == f"2/{usage.quota_limit} paid evaluations"
    assert "counts against the monthly quota (2 of" in meter.toolTip()


def test_a_backend_that_does_not_say_keeps_the_plain_wording(qapp) -> None:
    meter = QuotaMeter()
    meter.set_usage(Usage(month="2026-11", evaluation_count=3, quota_limit=20))
    assert meter.format() == "3/20 evaluations"


async def test_force_dialog_says_what_the_meter_says(tasks, until) -> None:
    backend = FakeBackend()
    backend.duplicate_leads.add("lead_1")
    backend.quota = Usage(month="2026-11", evaluation_count=0, quota_limit=100, free_count=20,
                          free_providers=["built-in rules"], current_provider="the built-in rules",
                          current_counts=False, counting_rule="Only paid AI providers count.")
    async with open_workspace(backend, tasks) as ws:
        ws.show_lead("lead_1")
        await until(lambda: ws.card.evaluation is not None)
        ws.findChild(QtWidgets.QPushButton, "reevaluateButton").click()
        await until(ws.findChild(QtWidgets.QFrame, "duplicateBanner").isVisible)
        ws.findChild(QtWidgets.QPushButton, "forceButton").click()
        dlg = ws.panel._force_dialog
        await until(lambda: "Runs with" in dlg.intro.text())
        assert "Runs with the built-in rules are free: they do not count against the monthly quota." in dlg.intro.text()
        assert "counts against" not in dlg.intro.text().replace("do not count against", "")
        dlg.dialog.reject()
        backend.quota = backend.quota.model_copy(update={"current_provider": "Workers AI", "current_counts": True})
        ws.findChild(QtWidgets.QPushButton, "forceButton").click()
        dlg = ws.panel._force_dialog
        await until(lambda: "Workers AI" in dlg.intro.text())
        expected = "A run with Workers AI counts against the monthly quota (0 of 100 paid evaluations used)."
        assert expected in dlg.intro.text()
        dlg.dialog.reject()


async def test_a_quota_refusal_still_shows_the_free_runs(qapp, tmp_path: Path) -> None:
    """A paid provider at its limit: the refusal's usage (it reaches the meter) keeps the free runs."""
    paths = Paths(tmp_path / "data")
    free = await LocalBackend.open(paths)
    try:
        await _evaluate_two(free)
    finally:
        await free.aclose()
    paid = await LocalBackend.open(paths, provider_settings=ProviderSettings(kind="workers-ai", account_id="acct"))
    try:
        limit = (await paid.usage()).quota_limit
        month = (await paid.usage()).month
        await paid.db.write(lambda c: c.execute(
            "INSERT INTO ai_evaluation_usage (site_id, month, evaluation_count, updated_at) VALUES (?,?,?,?)",
            (paid.site_id, month, limit, "2026-11-01T00:00:00Z")))
        lead = (await paid.list_leads(LeadQuery())).items[5]
        with pytest.raises(QuotaExceeded) as refused:
            await paid.start_evaluation(lead.id)
    finally:
        await paid.aclose()
    usage = refused.value.usage
    assert usage is not None and usage.current_counts is True and usage.current_provider == "Cloudflare Workers AI"
    meter = QuotaMeter()
    meter.set_usage(usage)
    assert meter.format() == f"{limit}/{limit} paid evaluations · 2 free (built-in rules) – limit reached"
