"""The full flow through the workspace UI on the real LocalBackend (temp data dir, demo data):
detail + preview, Run → live timeline → result, override, export, duplicate → forced re-run,
attach by drag-and-drop, new lead, batch."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from pypdf import PdfReader

from leaselab_desktop.backends.local import LocalBackend
from leaselab_desktop.domain.models import LeadQuery, RunSnapshot
from leaselab_desktop.domain.vocab import WORKFLOW_STEPS
from leaselab_desktop.gui.qt import QtWidgets
from leaselab_desktop.gui.workspace.banners import month_name
from leaselab_desktop.gui.workspace.timeline import describe
from tests.gui.fakes import collect_garbage_on_gui_thread, drop_files, make_pdf, open_workspace  # noqa: F401 - the autouse fixture

TIMEOUT = 60.0


async def _unevaluated(backend: LocalBackend, n: int = 1) -> list[str]:
    page = await backend.list_leads(LeadQuery(limit=100))
    out = []
    for lead in page.items:
        if lead.ai_score is None and await backend.list_files(lead.id) and not await backend.active_run(lead.id):
            out.append(lead.id)
        if len(out) == n:
            break
    assert len(out) == n, "the demo data should have leads with documents and no evaluation"
    return out


async def test_full_evaluation_flow_on_the_local_backend(paths, tasks, until, tmp_path) -> None:
    backend = await LocalBackend.open(paths)
    finished: list[tuple[str, object]] = []
    changed: list[str] = []
    async with open_workspace(backend, tasks) as ws:
        ws.run_finished.connect(lambda lid, snap: finished.append((lid, snap)))
        ws.lead_changed.connect(changed.append)
        (lead_id,) = await _unevaluated(backend)
        ws.show_lead(lead_id)
        await until(lambda: ws.detail.lead is not None, timeout=TIMEOUT)
        tree = ws.findChild(QtWidgets.QTreeWidget, "documentsList")
        assert tree.topLevelItemCount() >= 1
        pdf_row = next(i for i in range(tree.topLevelItemCount()) if tree.topLevelItem(i).text(0).endswith(".pdf"))
        tree.setCurrentItem(tree.topLevelItem(pdf_row))
        preview = ws.detail.documents.preview
        await until(lambda: not preview.pixmap.isNull(), timeout=TIMEOUT)
        assert ws.panes.current_pane() is ws.viewer  # opening a document brings the viewer to the front
        ws.panes.show_pane(ws.evaluation_page)  # the agent clicks the Evaluation tab

        run = ws.findChild(QtWidgets.QPushButton, "runButton")
        assert run.isVisible() and run.isEnabled()
        run.click()
        run.click()
        await until(lambda: finished, timeout=TIMEOUT)
        lid, snap = finished[0]
        assert lid == lead_id and snap.status == "complete" and snap.output is not None
        assert all(ws.panel.timeline.state(s) == "complete" for s in WORKFLOW_STEPS)
        assert ws.panel.timeline.detail("call-workers-ai").startswith("Done")
        score = ws.findChild(QtWidgets.QLabel, "scoreValue")
        await until(lambda: score.text() == str(snap.output.score), timeout=TIMEOUT)
        assert ws.findChild(QtWidgets.QLabel, "labelBadge").text() == f"Label {snap.output.label}"
        assert ws.findChild(QtWidgets.QListWidget, "evaluationHistory").count() == 1
        assert lead_id in changed
        assert len(await backend.evaluation_history(lead_id)) == 1  # the double click started one run

        # override through the dialog, then the trail comes from the backend
        await until(lambda: ws.card.trail.count() == 1)
        ws.findChild(QtWidgets.QPushButton, "overrideButton").click()
        dlg = ws.card._dialog
        dlg.combo.setCurrentIndex(0)
        chosen = dlg.recommendation
        dlg.reason_edit.setPlainText("Landlord reference checked by phone")
        dlg.ok_button.click()
        if dlg.dialog.isVisible():  # approving against a high signal asks once more
            assert dlg.ok_button.text() == "Approve anyway"
            dlg.ok_button.click()
        await until(lambda: len(ws.card.overrides) == 1, timeout=TIMEOUT)
        stored = await backend.overrides(snap.output.evaluation_id)
        assert [(o.to_recommendation, o.reason) for o in stored] == [(chosen, "Landlord reference checked by phone")]

        out = await ws.card.export_to(tmp_path / "report.pdf")
        assert out is not None
        text = " ".join(" ".join(p.extract_text() for p in PdfReader(out).pages).split())
        assert ws.detail.lead.full_name in text
        assert "Landlord reference checked by phone" in text
        assert "No protected characteristic was used" in text
        assert (snap.output.policy_version or "") in text

        # same documents again: the duplicate banner, then a forced re-run with a reason
        ws.findChild(QtWidgets.QPushButton, "reevaluateButton").click()
        banner = ws.findChild(QtWidgets.QFrame, "duplicateBanner")
        await until(banner.isVisible, timeout=TIMEOUT)
        ws.findChild(QtWidgets.QPushButton, "forceButton").click()
        force = ws.panel._force_dialog
        force.reason_edit.setPlainText("Applicant asked for a review")
        force.ok_button.click()
        await until(lambda: len(finished) == 2, timeout=TIMEOUT)
        await until(lambda: ws.findChild(QtWidgets.QListWidget, "evaluationHistory").count() == 2,
                    timeout=TIMEOUT)


async def test_intake_and_batch_on_the_local_backend(paths, tasks, until, tmp_path) -> None:
    backend = await LocalBackend.open(paths)
    async with open_workspace(backend, tasks) as ws:
        ws.open_new_lead_dialog()
        await until(lambda: ws._new_lead_dialog is not None, timeout=TIMEOUT)
        dlg = ws._new_lead_dialog
        assert dlg.property_combo.count() >= 1
        dlg.first.setText("Katherine")
        dlg.last.setText("Johnson")
        dlg.email.setText("kj@example.com")
        dlg.income.setValue(7200)
        dlg.dialog.findChild(QtWidgets.QDialogButtonBox, "buttonBox").button(
            QtWidgets.QDialogButtonBox.StandardButton.Ok).click()
        await until(lambda: ws.detail.lead is not None and ws.detail.lead.first_name == "Katherine",
                    timeout=TIMEOUT)
        new_id = ws.detail.lead.id

        pdf = tmp_path / "employment_letter.pdf"
        pdf.write_bytes(make_pdf(1, "Employment letter"))
        assert drop_files(ws.detail.documents, [pdf]).isAccepted()
        await until(lambda: ws.detail.documents.tree.topLevelItemCount() == 1, timeout=TIMEOUT)
        files = await backend.list_files(new_id)
        assert [(f.file_name, f.file_type) for f in files] == [("employment_letter.pdf", "employment_letter")]

        ids = [new_id, *[i for i in await _unevaluated(backend, 3) if i != new_id][:2]]
        progress: list[tuple[int, int]] = []
        ws.batch_progress.connect(lambda d, t: progress.append((d, t)))
        assert ws.start_batch(ids)
        states = await asyncio.wait_for(ws.batch.wait(), TIMEOUT)
        assert set(states) == set(ids)
        assert set(states.values()) <= {"complete", "errored"} and states[ids[1]] == "complete"
        assert progress[-1] == (3, 3)
        for lid in ids:
            if states[lid] == "complete":
                assert await backend.latest_evaluation(lid) is not None
        Path(pdf).unlink()


class _ModelServer:
    """An OpenAI-compatible chat endpoint on loopback: refuses (401) or answers, as scripted."""

    def __init__(self) -> None:
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.mode = "refuse"  # refuse (401) | busy (503 for the next `busy_left` requests) | answer
        self.busy_left = 0
        self.requests = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                owner.requests += 1
                self.rfile.read(int(self.headers.get("content-length") or 0))
                if owner.mode == "busy" and owner.busy_left > 0:
                    owner.busy_left -= 1
                    status, body = 503, {"error": "loading model"}
                elif owner.mode == "refuse":
                    status, body = 401, {"error": "bad token"}
                else:
                    answer = {"facts": {"employment_months": 30}, "signals": [],
                              "summary": "Documents are consistent."}
                    status, body = 200, {"choices": [{"index": 0, "message": {
                        "role": "assistant", "content": json.dumps(answer)}, "finish_reason": "stop"}]}
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="model-server", daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


async def test_errored_run_and_retry_on_the_local_backend(paths, tasks, until) -> None:
    from leaselab_desktop.config import ProviderSettings

    server = _ModelServer()
    try:
        settings = ProviderSettings(kind="openai-compatible", base_url=server.url, model="llama3.2")
        backend = await LocalBackend.open(paths, provider_settings=settings)
        async with open_workspace(backend, tasks) as ws:
            (lead_id,) = await _unevaluated(backend)
            ws.show_lead(lead_id)
            await until(lambda: ws.detail.lead is not None, timeout=TIMEOUT)
            ws.findChild(QtWidgets.QPushButton, "runButton").click()
            await until(lambda: ws.panel.run is not None and ws.panel.run.status == "errored", timeout=TIMEOUT)
            tl = ws.panel.timeline
            assert tl.state("load-documents") == "complete"
            assert tl.state("call-workers-ai") == "errored"
            assert tl.detail("call-workers-ai").endswith("refused the access token.")
            assert "(401)" in tl.findChild(QtWidgets.QLabel, "step-call-workers-ai-detail").toolTip()
            status = ws.findChild(QtWidgets.QLabel, "runStatus").text()
            assert status.startswith("Stopped by an error.") and "refused the access token" in status
            banner = ws.findChild(QtWidgets.QFrame, "errorBanner")
            assert banner.isVisible() and "Settings" in banner.body.text()
            shown = {k for k, b in banner.buttons.items() if b.isVisible()}
            assert shown == {"open_settings", "use_rules"}  # Retry is the panel's own button
            retry = ws.findChild(QtWidgets.QPushButton, "retryButton")
            assert retry.isVisible() and retry.isEnabled()
            server.mode = "answer"
            retry.click()
            await until(lambda: ws.panel.run is not None and ws.panel.run.status == "complete", timeout=TIMEOUT)
            assert all(tl.state(s) == "complete" for s in WORKFLOW_STEPS)
            score = ws.findChild(QtWidgets.QLabel, "scoreValue")
            await until(lambda: score.text().isdigit(), timeout=TIMEOUT)
            assert ws.card.evaluation is not None and ws.card.evaluation.provider == "openai-compatible"
            assert server.requests >= 2
    finally:
        server.close()


async def test_retrying_step_on_the_local_backend(paths, tasks, until) -> None:
    from leaselab_desktop.config import ProviderSettings

    server = _ModelServer()
    server.mode, server.busy_left = "busy", 3  # the provider's own 3 tries fail: the step retries
    try:
        settings = ProviderSettings(kind="openai-compatible", base_url=server.url, model="llama3.2")
        backend = await LocalBackend.open(paths, provider_settings=settings)
        async with open_workspace(backend, tasks) as ws:
            (lead_id,) = await _unevaluated(backend)
            ws.show_lead(lead_id)
            await until(lambda: ws.detail.lead is not None, timeout=TIMEOUT)
            seen: list[tuple[str, str]] = []
            ws.panel.timeline.update_snapshot = _spy(ws.panel.timeline.update_snapshot, seen)  # type: ignore[method-assign]
            ws.findChild(QtWidgets.QPushButton, "runButton").click()
            await until(lambda: ws.panel.run is not None and ws.panel.run.status == "complete", timeout=TIMEOUT)
            retrying = [d for st, d in seen if st == "retrying"]
            assert retrying and retrying[0].startswith("Trying again (attempt 2 of 4)."), seen
            assert "503" in retrying[0]
            assert ws.panel.timeline.state("call-workers-ai") == "complete"
    finally:
        server.close()


def _spy(update: Callable[[RunSnapshot], None], seen: list[tuple[str, str]]) -> Callable[[RunSnapshot], None]:
    """Wrap the timeline's update to record every state call-workers-ai passed through."""

    def wrapped(snap: RunSnapshot) -> None:
        update(snap)
        step = next(s for s in snap.steps if s.name == "call-workers-ai")
        seen.append((step.status, describe(step)))

    return wrapped


async def test_quota_exceeded_on_the_local_backend(paths, tasks, until) -> None:
    from leaselab_desktop.domain.timefmt import utcnow
    from leaselab_desktop.store import usage as usage_repo

    backend = await LocalBackend.open(paths, count_free_providers=True)
    month = usage_repo.month_of(utcnow())

    def use_it_all(c: object) -> int:
        n = 0
        while usage_repo.try_consume(c, backend.site_id, month) is not None:  # type: ignore[arg-type]
            n += 1
        return n

    used = await backend.db.write(use_it_all)
    usage_seen: list[object] = []
    async with open_workspace(backend, tasks) as ws:
        ws.usage_changed.connect(usage_seen.append)
        (lead_id,) = await _unevaluated(backend)
        ws.show_lead(lead_id)
        await until(lambda: ws.detail.lead is not None, timeout=TIMEOUT)
        ws.findChild(QtWidgets.QPushButton, "runButton").click()
        banner = ws.findChild(QtWidgets.QFrame, "quotaBanner")
        await until(banner.isVisible, timeout=TIMEOUT)
        text = ws.findChild(QtWidgets.QLabel, "quotaBannerText").text()
        assert f"{used} of {used} evaluations used in {month_name(month)}" in text  # "December 2026"
        assert ws.panel.run is None and await backend.active_run(lead_id) is None
        assert usage_seen and usage_seen[-1].evaluation_count == used  # type: ignore[attr-defined]
