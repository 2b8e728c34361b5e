"""What an agent reads, scanned: the result card, the timeline, the run status, the banners, the
error panel, the offline banner and the compliance report, for real demo leads on the LocalBackend
and for every kind of error. Fails on snake_case codes, step ids, class names, ev_/run_ ids, raw ISO
timestamps, module paths and a URL said twice; checks each error has its buttons and that a result
shown under a failed run is marked as the previous one."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pypdf import PdfReader

from leaselab_desktop.backends.errors import BackendUnavailable, QuotaExceeded, Unauthorized
from leaselab_desktop.backends.local import LocalBackend
from leaselab_desktop.domain.explain import explain_exception
from leaselab_desktop.domain.models import LeadQuery, RunError, RunSnapshot, StepProgress
from leaselab_desktop.domain.spec import load_spec
from leaselab_desktop.domain.timefmt import set_display_locale
from leaselab_desktop.domain.vocab import WORKFLOW_STEPS
from leaselab_desktop.gui.errors import ErrorPanel, ErrorReport, error_actions
from leaselab_desktop.gui.qt import QtWidgets
from leaselab_desktop.gui.status_bar import offline_text
from leaselab_desktop.reports.compliance import build_compliance_report
from tests.gui.fakes import collect_garbage_on_gui_thread, open_workspace  # noqa: F401 - the autouse fixture

TIMEOUT = 60.0
URL = re.compile(r"https?://[^\s)\"'<>]+")
RULES = {
    "snake_case code": re.compile(r"(?<![\w.@/-])[a-z]+(?:_[a-z0-9]+)+(?![\w.@/-])"),
    "internal id": re.compile(r"\b(?:ev|run|lead|evt)_[A-Za-z0-9]"),
    "class name": re.compile(r"\b[A-Z][A-Za-z]+(?:Error|Exception|Unavailable|Exceeded|Unauthorized|Keyring)\b"),
    "module path": re.compile(r"\b[a-z_]+\.[a-z_]+\.[a-z_.]+[A-Z]?\w*"),
    "ISO timestamp": re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}"),
    "gave up": re.compile(r"gave up", re.I),
}
# what a provider really says when it fails, one per kind (the issue's message first)
STEP_ERRORS = {
    "unreachable": "ProviderUnavailable: The model server at http://127.0.0.1:11434/v1 cannot be reached at "
                   "http://127.0.0.1:11434/v1/chat/completions: ConnectError. (gave up after 3 attempts)",
    "busy": "ProviderUnavailable: Workers AI is rate-limiting requests (429): Too Many Requests",
    "server": "ProviderUnavailable: Workers AI failed (503): upstream connect error",
    "slow": "ProviderUnavailable: Workers AI did not answer within 180 s.",
    "token": "NonRetryableError: Workers AI refused the credentials (401). Check the API token in Settings.",
    "output": "NonRetryableError: Workers AI answered 200 with something that is not JSON: '<html>'",
    "timeout": "StepTimeoutError: step 'call-workers-ai' attempt 4 timed out after 180 s",
    "unknown": "KeyError: 'net_pay' at https://x.example/api",
    "terminated": "Terminated: the instance was terminated during this attempt",
}


@pytest.fixture(autouse=True)
def _fixed_format() -> Any:
    set_display_locale("en_US", tz=UTC)
    yield
    set_display_locale(None)


def offences(text: str, allowed: tuple[str, ...] = ()) -> list[str]:
    for ok in allowed:  # file names and e-mail addresses the agent typed or uploaded
        text = text.replace(ok, "")
    found = [f"{name}: {m.group(0)!r}" for name, rx in RULES.items() for m in rx.finditer(text)]
    found += [f"step id: {s!r}" for s in WORKFLOW_STEPS if s in text]
    urls = URL.findall(text)
    found += [f"URL repeated: {u!r}" for u in set(urls) if urls.count(u) > 1]
    return found


def shown_texts(root: QtWidgets.QWidget) -> list[str]:
    """Every visible text under ``root`` (labels without their markup, buttons, list rows)."""
    out: list[str] = []
    for lab in root.findChildren(QtWidgets.QLabel):
        if lab.isVisibleTo(root) and lab.text():
            out.append(re.sub(r"<[^>]+>", "", lab.text()))
    out += [b.text() for b in root.findChildren(QtWidgets.QAbstractButton) if b.isVisibleTo(root)]
    for lst in root.findChildren(QtWidgets.QListWidget):
        out += [lst.item(i).text() for i in range(lst.count())]
    return out


def _failed(lead_id: str, error: str) -> RunSnapshot:
    t0 = datetime(2026, 11, 25, 19, 55, tzinfo=UTC)
    steps = [StepProgress(name=n, status="complete", attempts=1, started_at=t0, ended_at=t0 + timedelta(seconds=1))
             for n in WORKFLOW_STEPS[:2]]
    steps.append(StepProgress(name="call-workers-ai", status="errored", attempts=4, started_at=t0,
                              ended_at=t0 + timedelta(seconds=40), error=error))
    steps += [StepProgress(name=n) for n in WORKFLOW_STEPS[3:]]
    return RunSnapshot(run_id="run_9f2c0855b", lead_id=lead_id, status="errored", current_step="call-workers-ai",
                       steps=steps, started_at=t0, can_retry=True, error=RunError(name="Error", message=error))


async def _evaluate(backend: LocalBackend, n: int) -> None:
    """Evaluate ``n`` demo leads that have documents (the built-in rules: offline, quick)."""
    page = await backend.list_leads(LeadQuery(limit=200))
    done = 0
    for lead in page.items:
        if done == n:
            break
        if lead.ai_score is None and await backend.list_files(lead.id):
            ticket = await backend.start_evaluation(lead.id)
            async for snap in backend.watch_run(ticket.run_id):
                last = snap
            assert last.status == "complete", last
            done += 1


async def _evaluated_leads(backend: LocalBackend, n: int) -> list[str]:
    """Demo leads whose latest evaluation has the most signals (the richest cards)."""
    await _evaluate(backend, n)
    page = await backend.list_leads(LeadQuery(limit=200))
    scored = []
    for lead in page.items:
        history = await backend.evaluation_history(lead.id)
        if history:
            latest = max(history, key=lambda e: e.evaluated_at or datetime.min.replace(tzinfo=UTC))
            scored.append((len(latest.signals) + len(latest.what_would_change), lead.id))
    assert scored, "the demo data has evaluated leads"
    return [lid for _n, lid in sorted(scored, reverse=True)[:n]]


async def test_cards_and_reports_of_demo_leads_read_plainly(paths, tasks, until) -> None:
    backend = await LocalBackend.open(paths)
    async with open_workspace(backend, tasks) as ws:
        for lead_id in await _evaluated_leads(backend, 3):
            ws.show_lead(lead_id)
            await until(lambda lid=lead_id: ws.card.evaluation is not None and ws.card.evaluation.lead_id == lid,
                        timeout=TIMEOUT)
            await until(lambda: ws.card.trail.count() > 0, timeout=TIMEOUT)
            lead, ev = ws.detail.lead, ws.card.evaluation
            assert lead is not None and ev is not None
            files = (*tuple(f.file_name for f in await backend.list_files(lead_id)), lead.email or "")
            texts = shown_texts(ws.card)
            bad = [f"{t!r}: {o}" for t in texts for o in offences(t, files)]
            assert not bad, f"{lead_id} card: {bad}"
            pdf = build_compliance_report(lead, ev, ws.card.overrides, generated_at=datetime.now(UTC))
            report = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
            # audit references are the record a regulator asks for: named as such, and allowed there
            report = re.sub(r"(?:Evaluation|Run|Lead) reference \S+|Document fingerprint \S+", "", report)
            for name in files:  # a table cell may wrap a file name: match it across the break
                report = re.sub(r"\s?".join(map(re.escape, name)), "", report)
            bad = offences(report, files)
            assert not bad, f"{lead_id} report: {bad}"


async def test_every_error_kind_reads_plainly_with_its_buttons(paths, tasks, until, qtbot) -> None:
    backend = await LocalBackend.open(paths)
    asked: list[str] = []
    error_actions().requested.connect(asked.append)
    async with open_workspace(backend, tasks) as ws:
        (lead_id,) = await _evaluated_leads(backend, 1)
        ws.show_lead(lead_id)
        await until(lambda: ws.card.evaluation is not None, timeout=TIMEOUT)
        banner = ws.findChild(QtWidgets.QFrame, "errorBanner")
        for kind, error in STEP_ERRORS.items():
            ws.panel.show_snapshot(_failed(lead_id, error))
            ws.card.mark_previous(ws.panel.run_status.text())
            texts = [*shown_texts(ws.panel), *shown_texts(ws.card)]
            bad = [f"{t!r}: {o}" for t in texts for o in offences(t)]
            assert not bad, f"{kind}: {bad}"
            assert banner.isVisible() and banner.what.text() and banner.body.text(), kind
            assert ws.card.previous_note.isVisible() and ws.card.previous_note.text().startswith("Previous result")
            assert error in banner.toolTip()  # the original words stay reachable for support
        # the provider errors offer the way forward as buttons; Retry is the panel's own, beside it
        ws.panel.show_snapshot(_failed(lead_id, STEP_ERRORS["unreachable"]))
        shown = {k for k, b in banner.buttons.items() if b.isVisible()}
        assert shown == {"open_settings", "use_rules"} and ws.panel.retry_button.isVisible()
        banner.buttons["open_settings"].click()
        banner.buttons["use_rules"].click()
        assert asked == ["open_settings", "use_rules"]
        # a new result clears the mark
        ws.card.show_evaluation(ws.card.evaluation)
        assert not ws.card.previous_note.isVisible()
    error_actions().requested.disconnect(asked.append)


@pytest.mark.parametrize("exc", [
    BackendUnavailable("The backend cannot be reached."),
    Unauthorized("The server refused the token (401)."),
    QuotaExceeded("The monthly quota of 20 evaluations is used up."),
    KeyError("net_pay"),
    RuntimeError("ConnectError at http://10.0.0.2:8787/api and http://10.0.0.2:8787/api"),
])
def test_error_panel_reads_plainly(qtbot, exc: BaseException) -> None:
    panel = ErrorPanel(None)
    qtbot.addWidget(panel)
    e = explain_exception(exc)
    panel.show_report(ErrorReport("Loading leads failed", e.text(), repr(exc), datetime.now(UTC), e))
    texts = shown_texts(panel)
    bad = [f"{t!r}: {o}" for t in texts for o in offences(t)]
    assert not bad, bad
    if "open_settings" in e.actions:
        assert panel.action_buttons["open_settings"].isVisibleTo(panel)


def test_offline_banner_and_status_read_plainly() -> None:
    for kind in ("local", "cloudflare"):
        for state in ("offline", "stale"):
            text = re.sub(r"<[^>]+>", "", offline_text(kind, state, "5 min ago"))  # type: ignore[arg-type]
            assert not offences(text) and "Retry now" in text


def test_the_scan_catches_what_the_issue_lists() -> None:
    """The checker itself: each thing the issue quoted is caught."""
    for text in ("document_authenticity", "to clear: date_mismatch", "2026-11-25T19:55:40Z",
                 "ev_run_f2c0855b", "Running - call-workers-ai", "Keyring: keyring.backends.fail.Keyring",
                 "ProviderUnavailable: x", "at http://a/b then http://a/b", "(gave up after 3 attempts)"):
        assert offences(text), text
    assert not offences("File dates do not fit · pay_stub_2026.pdf", ("pay_stub_2026.pdf",))
    assert load_spec().step_names == WORKFLOW_STEPS
