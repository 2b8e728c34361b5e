"""Evaluation panel states on the scriptable fake: running, retrying, errored + Retry, terminate,
duplicates + Force with a reason, quota, AlreadyRunning, backend down, the double-click guard."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from leaselab_desktop.domain.timefmt import fmt_datetime
from leaselab_desktop.gui.qt import QtWidgets
from tests.gui.fakes import FakeBackend, collect_garbage_on_gui_thread, open_workspace  # noqa: F401 - the autouse fixture


def _btn(ws, name: str) -> QtWidgets.QPushButton:
    return ws.findChild(QtWidgets.QPushButton, name)


def _status(ws) -> str:
    return ws.findChild(QtWidgets.QLabel, "runStatus").text()


async def _shown(ws, until, lead_id: str = "lead_1") -> None:
    ws.show_lead(lead_id)
    await until(lambda: ws.detail.lead is not None and ws.detail.lead.id == lead_id)


async def test_run_shows_live_steps_then_the_new_result(tasks, until) -> None:
    backend = FakeBackend()
    gate = backend.gates["call-workers-ai"] = asyncio.Event()
    finished: list[tuple[str, object]] = []
    changed: list[str] = []
    async with open_workspace(backend, tasks) as ws:
        ws.run_finished.connect(lambda lid, snap: finished.append((lid, snap)))
        ws.lead_changed.connect(changed.append)
        await _shown(ws, until, "lead_2")
        assert _btn(ws, "runButton").isVisible() and not _btn(ws, "reevaluateButton").isVisible()
        tl = ws.findChild(QtWidgets.QFrame, "stepTimeline")
        assert not tl.isVisible()  # no run yet
        _btn(ws, "runButton").click()
        await until(lambda: tl.state("call-workers-ai") == "running")
        assert tl.isVisible()
        assert tl.state("fetch-lead") == tl.state("load-documents") == "complete"
        assert tl.detail("fetch-lead") == "Done in 120 ms"
        assert tl.state("save-evaluation") == "pending" and tl.detail("save-evaluation") == "Not started yet"
        assert "Running: Evaluate with" in _status(ws) and "call-workers-ai" not in _status(ws)
        assert not _btn(ws, "runButton").isEnabled()
        assert _btn(ws, "terminateButton").isVisible()
        gate.set()
        await until(lambda: finished)
        assert finished[0][0] == "lead_2" and finished[0][1].status == "complete"
        assert all(tl.state(s) == "complete" for s in ("update-lead", "send-email-notification"))
        assert _status(ws) == "Finished: score 84, label A."
        score = ws.findChild(QtWidgets.QLabel, "scoreValue")
        await until(lambda: score.text() == "84")
        assert "lead_2" in changed
        await until(lambda: _btn(ws, "reevaluateButton").isVisible())
        assert _btn(ws, "reevaluateButton").isEnabled() and not _btn(ws, "terminateButton").isVisible()
        assert ws.findChild(QtWidgets.QListWidget, "evaluationHistory").count() == 1


async def test_double_click_never_starts_a_second_run(tasks, until) -> None:
    backend = FakeBackend()
    gate = backend.gates["fetch-lead"] = asyncio.Event()
    async with open_workspace(backend, tasks) as ws:
        await _shown(ws, until, "lead_2")
        run = _btn(ws, "runButton")
        run.click()
        run.click()  # same tick: the button is already disabled
        ws.panel.request_run()  # and the guard holds even when called directly
        await until(lambda: ws.panel.run is not None)
        ws.panel.request_run()
        run.click()
        await asyncio.sleep(0.05)
        assert backend.start_calls == [("lead_2", False, None)]
        assert not run.isEnabled()
        gate.set()
        await until(lambda: ws.panel.run is not None and ws.panel.run.finished)
        assert len(backend.start_calls) == 1


async def test_retrying_step_shows_the_attempt(tasks, until) -> None:
    backend = FakeBackend()
    backend.retry_steps["call-workers-ai"] = 2
    hold = backend.gates["call-workers-ai:retry"] = asyncio.Event()
    async with open_workspace(backend, tasks) as ws:
        await _shown(ws, until, "lead_2")
        _btn(ws, "runButton").click()
        tl = ws.panel.timeline
        await until(lambda: tl.state("call-workers-ai") == "retrying")
        assert tl.detail("call-workers-ai").startswith("Trying again (attempt 2 of 4). “Evaluate with"), \
            tl.detail("call-workers-ai")
        assert "took longer than it is allowed to" in tl.detail("call-workers-ai")
        assert "trying “Evaluate with" in _status(ws) and "(attempt 2 of 4)" in _status(ws)
        hold.set()
        await until(lambda: ws.panel.run is not None and ws.panel.run.status == "complete")
        assert tl.state("call-workers-ai") == "complete"


async def test_errored_run_then_retry_completes(tasks, until) -> None:
    backend = FakeBackend()
    backend.fail_steps["call-workers-ai"] = "Provider answered HTTP 500"
    async with open_workspace(backend, tasks) as ws:
        await _shown(ws, until, "lead_2")
        _btn(ws, "runButton").click()
        await until(lambda: ws.panel.run is not None and ws.panel.run.status == "errored")
        tl = ws.panel.timeline
        assert tl.state("call-workers-ai") == "errored"
        assert tl.detail("call-workers-ai").endswith("had a server error (500).")
        assert tl.state("parse-ai-response") == "pending"
        assert _status(ws).startswith("Stopped by an error.") and _status(ws).endswith("server error (500).")
        banner = ws.findChild(QtWidgets.QFrame, "errorBanner")
        assert banner.isVisible() and "Retry in a few minutes" in banner.body.text()
        assert banner.buttons["open_settings"].isVisible() and not banner.buttons["retry"].isVisible()
        retry = _btn(ws, "retryButton")
        assert retry.isVisible() and retry.isEnabled()
        backend.fail_steps.clear()
        retry.click()
        await until(lambda: ws.panel.run is not None and ws.panel.run.status == "complete")
        assert not retry.isVisible()
        await until(lambda: ws.findChild(QtWidgets.QLabel, "scoreValue").text() == "84")


async def test_terminate_a_local_run(tasks, until) -> None:
    backend = FakeBackend()
    backend.gates["load-documents"] = asyncio.Event()
    async with open_workspace(backend, tasks) as ws:
        await _shown(ws, until, "lead_2")
        _btn(ws, "runButton").click()
        await until(lambda: ws.panel.timeline.state("load-documents") == "running")
        _btn(ws, "terminateButton").click()
        await until(lambda: ws.panel.run is not None and ws.panel.run.status == "terminated")
        assert _status(ws).startswith("Stopped. The evaluation was stopped before it finished.")
        assert _btn(ws, "retryButton").isVisible() and _btn(ws, "runButton").isEnabled()


async def test_terminate_is_offered_for_remote_workflow_runs(tasks, until) -> None:
    backend = FakeBackend(kind="cloudflare")
    gate = backend.gates["fetch-lead"] = asyncio.Event()
    async with open_workspace(backend, tasks) as ws:
        await _shown(ws, until, "lead_2")
        _btn(ws, "runButton").click()
        await until(lambda: ws.panel.timeline.state("fetch-lead") == "running")
        assert _btn(ws, "terminateButton").isVisible()
        gate.set()
        await until(lambda: ws.panel.run is not None and ws.panel.run.finished)


async def test_terminate_is_not_offered_for_deployed_worker_jobs(tasks, until) -> None:
    backend = FakeBackend(kind="cloudflare", run_kind="job")
    gate = backend.gates["fetch-lead"] = asyncio.Event()
    async with open_workspace(backend, tasks) as ws:
        await _shown(ws, until, "lead_2")
        _btn(ws, "runButton").click()
        await until(lambda: ws.panel.timeline.state("fetch-lead") == "running")
        assert not _btn(ws, "terminateButton").isVisible()
        gate.set()
        await until(lambda: ws.panel.run is not None and ws.panel.run.finished)


async def test_duplicate_documents_banner_and_forced_run_with_reason(tasks, until) -> None:
    backend = FakeBackend()
    backend.duplicate_leads.add("lead_1")
    async with open_workspace(backend, tasks) as ws:
        await _shown(ws, until)
        _btn(ws, "reevaluateButton").click()
        banner = ws.findChild(QtWidgets.QFrame, "duplicateBanner")
        await until(banner.isVisible)
        text = ws.findChild(QtWidgets.QLabel, "duplicateBannerText").text()
        assert fmt_datetime(datetime(2026, 11, 20, 15, 30, tzinfo=UTC)) in text
        assert "ev_lead_1_1" not in text and "Force re-evaluate" in text  # no internal ids, the way on
        assert ws.panel.run is None and _btn(ws, "reevaluateButton").isEnabled()
        force = _btn(banner, "forceButton")
        assert force.text() == "Force re-evaluate…"
        force.click()
        dlg = ws.panel._force_dialog
        assert dlg is not None and dlg.dialog.isVisible()
        assert not dlg.ok_button.isEnabled()  # no reason yet
        dlg._try_accept()  # even forced, an empty reason is refused
        assert dlg.dialog.isVisible() and len(backend.start_calls) == 1
        dlg.reason_edit.setPlainText("  Policy updated to 2026.12  ")
        assert dlg.ok_button.isEnabled()
        dlg.ok_button.click()
        await until(lambda: ws.panel.run is not None and ws.panel.run.status == "complete")
        assert backend.start_calls[-1] == ("lead_1", True, "Policy updated to 2026.12")
        assert not banner.isVisible()


async def test_quota_exceeded_banner_shows_the_usage(tasks, until) -> None:
    backend = FakeBackend()
    backend.quota.evaluation_count = 20
    async with open_workspace(backend, tasks) as ws:
        await _shown(ws, until, "lead_2")
        _btn(ws, "runButton").click()
        banner = ws.findChild(QtWidgets.QFrame, "quotaBanner")
        await until(banner.isVisible)
        text = ws.findChild(QtWidgets.QLabel, "quotaBannerText").text()
        assert "20 of 20 evaluations used in November 2026 (free tier)" in text
        assert "quota" in _status(ws)
        assert ws.panel.run is None


async def test_already_running_attaches_to_that_run(tasks, until, monkeypatch) -> None:
    backend = FakeBackend()
    gate = backend.gates["call-workers-ai"] = asyncio.Event()
    async with open_workspace(backend, tasks) as ws:
        await _shown(ws, until, "lead_2")
        ticket = backend._launch("lead_2")  # started elsewhere after the lead was shown
        _btn(ws, "runButton").click()
        await until(lambda: ws.panel.run is not None and ws.panel.run.run_id == ticket.run_id)
        assert backend.start_calls == [("lead_2", False, None)]  # refused with AlreadyRunning
        await until(lambda: ws.panel.timeline.state("call-workers-ai") == "running")
        assert len(backend.runs) == 1
        gate.set()
        await until(lambda: ws.panel.run is not None and ws.panel.run.status == "complete")


async def test_showing_a_lead_resumes_its_active_run(tasks, until) -> None:
    backend = FakeBackend()
    gate = backend.gates["parse-ai-response"] = asyncio.Event()
    async with open_workspace(backend, tasks) as ws:
        ticket = backend._launch("lead_2")
        await _shown(ws, until, "lead_2")
        await until(lambda: ws.panel.run is not None and ws.panel.run.run_id == ticket.run_id)
        await until(lambda: ws.panel.timeline.state("parse-ai-response") == "running")
        assert not _btn(ws, "runButton").isEnabled()
        # switch away and back: following resumes; the run itself never stopped
        await _shown(ws, until, "lead_1")
        assert ws.panel.run is None and ws.panel.timeline.state("parse-ai-response") == "pending"
        await _shown(ws, until, "lead_2")
        await until(lambda: ws.panel.timeline.state("parse-ai-response") == "running")
        gate.set()
        await until(lambda: ws.panel.run is not None and ws.panel.run.status == "complete")


async def test_backend_down_when_starting(tasks, until) -> None:
    backend = FakeBackend()
    async with open_workspace(backend, tasks) as ws:
        await _shown(ws, until, "lead_2")
        backend.down = True
        _btn(ws, "runButton").click()
        await until(lambda: "The backend cannot be reached. Check your connection and retry." in _status(ws))
        banner = ws.findChild(QtWidgets.QFrame, "errorBanner")
        assert banner.isVisible() and banner.what.text() == _status(ws)  # the backend's own words lead
        assert banner.buttons["retry"].isVisible()
        assert _btn(ws, "runButton").isEnabled()  # the agent can try again
        backend.down = False
        banner.buttons["retry"].click()  # the banner's Retry starts the run
        await until(lambda: ws.panel.run is not None and ws.panel.run.status == "complete")


async def test_backend_lost_while_following(tasks, until) -> None:
    backend = FakeBackend()
    gate = backend.gates["load-documents"] = asyncio.Event()
    async with open_workspace(backend, tasks) as ws:
        await _shown(ws, until, "lead_2")
        _btn(ws, "runButton").click()
        await until(lambda: ws.panel.timeline.state("load-documents") == "running")
        backend.down = True
        gate.set()
        await until(lambda: "Lost contact with the backend while following the run." in _status(ws))
        assert "select the lead again to resume" in _status(ws)
        assert _btn(ws, "runButton").isEnabled()


async def test_a_run_left_behind_still_reports_its_end(tasks, until) -> None:
    backend = FakeBackend()
    gate = backend.gates["call-workers-ai"] = asyncio.Event()
    finished: list[tuple[str, str]] = []
    async with open_workspace(backend, tasks) as ws:
        ws.run_finished.connect(lambda lid, snap: finished.append((lid, snap.status)))
        await _shown(ws, until, "lead_2")
        _btn(ws, "runButton").click()
        await until(lambda: ws.panel.timeline.state("call-workers-ai") == "running")
        await _shown(ws, until, "lead_1")  # the agent moves on while the run goes
        assert ws.panel.run is None and len(ws.panel.followed_runs) == 1
        gate.set()
        await until(lambda: finished)
        assert finished == [("lead_2", "complete")]
        assert ws.panel.followed_runs == []
        assert ws.findChild(QtWidgets.QLabel, "scoreValue").text() == "72"  # lead_1's card untouched
        assert _status(ws) == "" and not ws.panel.timeline.isVisible()
        await _shown(ws, until, "lead_2")
        await until(lambda: ws.findChild(QtWidgets.QLabel, "scoreValue").text() == "84")


async def test_coming_back_to_a_running_lead_reuses_its_watch(tasks, until) -> None:
    backend = FakeBackend()
    gate = backend.gates["load-documents"] = asyncio.Event()
    finished: list[str] = []
    async with open_workspace(backend, tasks) as ws:
        ws.run_finished.connect(lambda lid, _s: finished.append(lid))
        await _shown(ws, until, "lead_2")
        _btn(ws, "runButton").click()
        await until(lambda: ws.panel.timeline.state("load-documents") == "running")
        await _shown(ws, until, "lead_1")
        await _shown(ws, until, "lead_2")
        await until(lambda: ws.panel.run is not None)
        assert len(ws.panel.followed_runs) == 1
        gate.set()
        await until(lambda: ws.panel.run is not None and ws.panel.run.status == "complete")
        await asyncio.sleep(0.05)
        assert finished == ["lead_2"]  # reported once


async def test_already_evaluated_from_a_deployed_worker_offers_force(tasks, until, monkeypatch) -> None:
    from leaselab_desktop.backends.errors import AlreadyEvaluated

    backend = FakeBackend(kind="cloudflare")

    async def refuse(lead_id: str, force: bool = False, reason: str | None = None):  # type: ignore[no-untyped-def]
        backend.start_calls.append((lead_id, force, reason))
        if not force:
            raise AlreadyEvaluated("This lead already has an evaluation <b>x</b>.", evaluation_id="ev_9")
        return backend._launch(lead_id)

    monkeypatch.setattr(backend, "start_evaluation", refuse)
    async with open_workspace(backend, tasks) as ws:
        await _shown(ws, until)
        _btn(ws, "reevaluateButton").click()
        banner = ws.findChild(QtWidgets.QFrame, "duplicateBanner")
        await until(banner.isVisible)
        text = ws.findChild(QtWidgets.QLabel, "duplicateBannerText").text()
        assert "already evaluated" in text and "ev_9" not in text
        ws.findChild(QtWidgets.QPushButton, "forceButton").click()
        dlg = ws.panel._force_dialog
        dlg.reason_edit.setPlainText("Second opinion requested")
        dlg.ok_button.click()
        await until(lambda: ws.panel.run is not None and ws.panel.run.status == "complete")
        assert backend.start_calls[-1] == ("lead_1", True, "Second opinion requested")
