"""Screenshots of the workspace states for ``--screenshot DIR`` (offscreen).

Real data throughout (the open backend): the lead detail, a PDF page preview, a real run's result
card, a real override and a real batch. States that cannot be forced on a healthy local backend
(mid-run, a retrying step, an errored run, duplicate documents, quota exceeded) are rendered by
feeding the panel the snapshot / error it would receive, then the real state is restored.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from leaselab_desktop.backends.errors import DuplicateDocuments, QuotaExceeded
from leaselab_desktop.domain.models import LeadQuery, RunError, RunSnapshot, StepProgress, Usage
from leaselab_desktop.domain.timefmt import utcnow
from leaselab_desktop.domain.vocab import WORKFLOW_STEPS
from leaselab_desktop.domain.wording import current_provider, set_current_provider
from leaselab_desktop.gui.qt import QtCore, QtWidgets
from leaselab_desktop.gui.shots import save as _save
from leaselab_desktop.gui.shots import settle as _settle
from leaselab_desktop.gui.shots import wait_for as _wait
from leaselab_desktop.gui.workspace.override_dialog import OverrideDialog
from leaselab_desktop.gui.workspace.timeline import run_error
from leaselab_desktop.gui.workspace.workspace import LeadWorkspace

Shot = Callable[..., None]  # shot(file name, widget=None): save the window (or widget) as PNG

log = logging.getLogger(__name__)


def _snapshot(lead_id: str, upto: int, current: str, **step: Any) -> RunSnapshot:
    t0 = utcnow() - timedelta(seconds=5)
    steps = []
    for i, name in enumerate(WORKFLOW_STEPS):
        if i < upto:
            start = t0 + timedelta(milliseconds=300 * i)
            steps.append(StepProgress(name=name, status="complete", attempts=1, started_at=start,
                                      ended_at=start + timedelta(milliseconds=40 + 37 * i)))
        elif i == upto:
            steps.append(StepProgress(name=name, **step))
        else:
            steps.append(StepProgress(name=name))
    status = "errored" if step.get("status") == "errored" else "running"
    return RunSnapshot(run_id="run_preview", lead_id=lead_id, status=status, current_step=current,
                       steps=steps, started_at=t0, can_retry=status == "errored",
                       error=RunError(name="StepError", message=step.get("error") or "")
                       if status == "errored" else None)


def _scroll_right_to(ws: LeadWorkspace, widget: QtWidgets.QWidget) -> None:
    ws.panes.show_pane(ws.evaluation_page)
    ws.result_scroll.ensureWidgetVisible(widget, 0, 40)


async def _pick_lead(ws: LeadWorkspace, window: Any) -> str | None:
    backend = ws.backend
    if backend is None:
        return None
    page = await backend.list_leads(LeadQuery(limit=200))
    fresh = [lead for lead in page.items if lead.ai_score is None]
    candidates = fresh or page.items
    if not candidates:
        return None
    chosen = candidates[0]
    lead_list: Any = getattr(window, "lead_list", None)
    model: Any = getattr(lead_list, "model", None)
    row = None
    if model is not None and hasattr(model, "store"):
        row = model.store.row_of(chosen.id)
    if row is not None and hasattr(lead_list, "select_row"):
        for visible in range(model.rowCount()):
            if model.lead_id(visible) == chosen.id:
                lead_list.select_row(visible)
                break
        else:
            ws.show_lead(chosen.id)
    else:
        ws.show_lead(chosen.id)
    if ws.lead_id != chosen.id:
        ws.show_lead(chosen.id)
    return chosen.id


async def render_workspace_states(window: QtWidgets.QWidget, out_dir: Path) -> list[Path]:
    """Drive the workspace through its states and save ``ws-NN-*.png`` in ``out_dir``."""
    ws = window if isinstance(window, LeadWorkspace) else window.findChild(LeadWorkspace)
    if ws is None or ws.backend is None:
        log.warning("no workspace with a backend to screenshot")
        return []
    out_dir.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []

    def shot(name: str, widget: QtWidgets.QWidget | None = None) -> None:
        shots.append(_save(widget or window, out_dir / name))

    lead_id = await _pick_lead(ws, window)
    if lead_id is None:
        return shots
    await _wait(lambda: ws.detail.lead is not None and ws.detail.lead.id == lead_id)
    await _settle(200)
    shot("ws-01-lead-detail.png")
    await _shoot_preview(ws, shot)
    await _shoot_run_states(ws, lead_id, shot)
    await _shoot_real_run(ws, lead_id, shot)
    await _shoot_error_under_result(ws, lead_id, shot)
    await _shoot_dialogs(ws, shot)
    await _shoot_batch(ws, lead_id, shot)
    QtCore.QCoreApplication.processEvents()
    return shots


async def _shoot_preview(ws: LeadWorkspace, shot: Shot) -> None:
    tree = ws.detail.documents.tree
    items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    pdf_item = next((it for it in items if it is not None and it.text(0).lower().endswith(".pdf")), None)
    if pdf_item is not None:
        tree.setCurrentItem(pdf_item)
        preview = ws.detail.documents.preview
        await _wait(lambda: not preview.pixmap.isNull() or "could not" in preview.message.text(), 15)
        await _settle(150)
        shot("ws-02-document-preview.png")


async def _shoot_run_states(ws: LeadWorkspace, lead_id: str, shot: Shot) -> None:
    """A running, retrying and errored timeline, then the duplicate and quota banners."""
    panel = ws.panel
    configured = current_provider()
    set_current_provider("workers-ai")  # the errors below are Workers AI's
    _scroll_right_to(ws, panel)
    panel.show_snapshot(_snapshot(lead_id, 2, "call-workers-ai", status="running", attempts=1,
                                  started_at=utcnow()))
    await _settle()
    shot("ws-03-running-timeline.png")
    panel.show_snapshot(_snapshot(lead_id, 2, "call-workers-ai", status="retrying", attempts=2,
                                  started_at=utcnow(),
                                  error="Workers AI answered 503 Service Unavailable"))
    await _settle()
    shot("ws-04-retrying-step.png")
    panel.show_snapshot(_snapshot(lead_id, 3, "parse-ai-response", status="errored", attempts=4,
                                  started_at=utcnow(), ended_at=utcnow(),
                                  error="The model output did not match the evaluation schema"))
    await _settle()
    shot("ws-05-errored-run.png")
    set_current_provider(configured)

    panel.set_lead(None)
    ws.show_lead(lead_id)  # back to the real state
    await _wait(lambda: ws.detail.lead is not None)
    panel.show_duplicate(DuplicateDocuments(
        "The documents have not changed since the last evaluation. Force a re-evaluation with a "
        "reason if needed.", last_evaluation_id="ev_run_2c1f0a", last_evaluated_at=utcnow() - timedelta(days=2)))
    await _settle()
    shot("ws-06-duplicate-banner.png")
    panel.duplicate_banner.hide()
    month = utcnow().strftime("%Y-%m")
    panel.show_quota(QuotaExceeded("You have reached your monthly AI evaluation limit (20/20).",
                                   usage=Usage(month=month, evaluation_count=20, quota_limit=20, tier="free")))
    await _settle()
    shot("ws-07-quota-exceeded.png")
    panel.quota_banner.hide()


async def _shoot_real_run(ws: LeadWorkspace, lead_id: str, shot: Shot) -> None:
    panel = ws.panel
    # a real run through the UI
    panel.set_lead(None)
    ws.show_lead(lead_id)
    await _wait(lambda: ws.detail.lead is not None and not panel.busy)
    finished: list[RunSnapshot] = []
    ws.run_finished.connect(lambda _lid, snap: finished.append(snap))
    ws.run_current()
    await _wait(lambda: finished, 60)
    await _wait(lambda: ws.card.evaluation is not None, 20)
    await _settle(250)
    shot("ws-08-result-card.png")
    _scroll_right_to(ws, ws.card.body)
    await _settle()
    shot("ws-09-result-factors.png")


async def _shoot_dialogs(ws: LeadWorkspace, shot: Shot) -> None:
    if ws.card.evaluation is not None:
        dlg = ws.card.open_override_dialog()
        if dlg is not None:
            dlg.combo.setCurrentIndex(max(dlg.combo.findData("approve_with_conditions"), 0))
            dlg.reason_edit.setPlainText("Guarantor letter received and verified by phone.")
            await _settle()
            shot("ws-10-override-dialog.png", dlg.dialog)
            dlg.ok_button.click()
            await _shoot_override_confirmation(dlg, shot)
            await _wait(lambda: bool(ws.card.overrides), 15)
            _scroll_right_to(ws, ws.card.trail)
            await _settle(150)
            shot("ws-11-override-trail.png")

    ws.open_new_lead_dialog()
    if await _wait(lambda: ws._new_lead_dialog is not None, 10) and ws._new_lead_dialog is not None:
        nd = ws._new_lead_dialog
        await _settle(150)
        shot("ws-12-new-lead-dialog.png", nd.dialog)
        nd.dialog.reject()


async def _shoot_override_confirmation(dlg: OverrideDialog, shot: Shot) -> None:
    """Approving against a high signal asks once more: that question, then "Approve anyway"."""
    if dlg.dialog.isVisible() and dlg.needs_confirmation is False and dlg.high_signals:
        await _settle()
        shot("ws-10b-override-confirm.png", dlg.dialog)
        dlg.ok_button.click()


async def _shoot_batch(ws: LeadWorkspace, lead_id: str, shot: Shot) -> None:
    backend = ws.backend
    if backend is None:
        return
    page = await backend.list_leads(LeadQuery(limit=200))
    ids = [lead.id for lead in page.items if lead.ai_score is None and lead.id != lead_id][:8]
    if ids and ws.start_batch(ids):
        await _wait(lambda: ws.batch_panel.bar.value() >= 1, 60)
        await _settle(30)
        shot("ws-13-batch-progress.png")
        await asyncio.wait_for(ws.batch.wait(), 120)
        await _settle(150)
        shot("ws-14-batch-finished.png")


async def _shoot_error_under_result(ws: LeadWorkspace, lead_id: str, shot: Shot) -> None:
    """A run that failed at the AI step (the provider down) above the lead's earlier result: the error
    banner with its buttons and the card marked as the previous result."""
    if ws.card.evaluation is None:
        return
    error = ("ProviderUnavailable: The model server at http://127.0.0.1:11434/v1 cannot be reached at "
             "http://127.0.0.1:11434/v1/chat/completions: ConnectError. (gave up after 3 attempts)")
    snap = _snapshot(lead_id, 2, "call-workers-ai", status="errored", attempts=4, started_at=utcnow(),
                     ended_at=utcnow(), error=error)
    configured = current_provider()
    set_current_provider("openai-compatible")  # the provider that failed: a model server here
    ws.panel.duplicate_banner.hide()
    ws.panel.quota_banner.hide()
    ws.panel.show_snapshot(snap)
    ws.card.mark_previous(run_error(snap).what)
    _scroll_right_to(ws, ws.panel.error_banner)
    await _settle(150)
    shot("ws-20-error-banner.png")
    _scroll_right_to(ws, ws.card.previous_note)
    await _settle(150)
    shot("ws-21-previous-result.png")
    set_current_provider(configured)
    ws.panel.set_lead(None)
    ws.show_lead(lead_id)  # back to the real state
    await _wait(lambda: ws.detail.lead is not None and ws.card.evaluation is not None)
