"""An in-memory Backend test double that can be scripted into error states.

Legitimate use: injecting states the real LocalBackend cannot be forced into cheaply (backend down,
a step that fails or retries, quota exhausted, duplicate documents, a run held mid-step). Happy-path
and full-flow tests run on the real LocalBackend.

Scripting knobs (set them on the instance before acting through the UI):
- ``down``: every call raises BackendUnavailable.
- ``fail_steps[name] = message``: every attempt of that step fails; the run ends ``errored``.
- ``retry_steps[name] = n``: the first n attempts of that step fail, then it succeeds.
- ``gates[name] = asyncio.Event()``: the run waits (step ``running``) until the event is set;
  ``gates[name + ":retry"]`` holds a step in ``retrying``.
- ``duplicate_leads``: start without force raises DuplicateDocuments for these lead ids.
- ``quota``: a Usage; when ``evaluation_count >= quota_limit`` start raises QuotaExceeded.
- ``step_delay``: seconds per step.
"""

from __future__ import annotations

import asyncio
import gc
import io
import itertools
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from leaselab_desktop.backends.errors import (
    AlreadyRunning,
    BackendUnavailable,
    DuplicateDocuments,
    NotFound,
    NotSupported,
    QuotaExceeded,
)
from leaselab_desktop.domain.listing import LeadRows
from leaselab_desktop.domain.models import (
    Evaluation,
    Factor,
    Health,
    Lead,
    LeadFile,
    LeadPage,
    LeadQuery,
    NewLead,
    Override,
    Property,
    RunError,
    RunSnapshot,
    RunTicket,
    Signal,
    StepProgress,
    Unit,
    Usage,
)
from leaselab_desktop.domain.vocab import WORKFLOW_STEPS
from leaselab_desktop.screening.policy import load_policy

T0 = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)


def make_pdf(pages: int = 2, title: str = "Pay statement") -> bytes:
    """A real multi-page PDF made with reportlab."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    for n in range(1, pages + 1):
        c.setFont("Helvetica-Bold", 22)
        c.drawString(72, 700, f"{title} — page {n}")
        c.setFont("Helvetica", 12)
        c.drawString(72, 670, "Employer: Northwind Traders   Gross: 5,200.00   Net: 3,950.00")
        c.rect(72, 500, 300, 120)
        c.showPage()
    c.save()
    return buf.getvalue()


def make_jpeg_rotated() -> bytes:
    """A 120x60 JPEG (red left half) with EXIF orientation 6 (display rotated 90° clockwise)."""
    from PIL import Image

    img = Image.new("RGB", (120, 60), "white")
    for x in range(60):
        for y in range(60):
            img.putpixel((x, y), (220, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif.tobytes())
    return buf.getvalue()


def sample_evaluation(lead_id: str, score: int = 72, n: int = 1, when: datetime = T0) -> Evaluation:
    return Evaluation(
        evaluation_id=f"ev_{lead_id}_{n}",
        lead_id=lead_id,
        score=score,
        label=load_policy().label_for(score),
        recommendation="approve_with_verification" if score < 80 else "approve",
        summary="Income verified from two pay stubs; employment under one year.",
        risk_flags=["short_tenure"],
        fraud_signals=["pdf_modified_after_creation"],
        factors=[
            Factor(code="income_verification", points=24, max_points=30,
                   explanation="Stated income matches pay stubs within 5 %.", source="paystub.pdf",
                   standard="Income ≥ 3× rent verified by two documents"),
            Factor(code="employment_stability", points=10, max_points=20,
                   explanation="Employed 7 months.", source="application",
                   standard="Same employer for 12 months or more"),
            Factor(code="document_completeness", points=15, max_points=15,
                   explanation="ID, pay stubs and bank statement present."),
            Factor(code="document_authenticity", points=8, max_points=15,
                   explanation="One PDF was modified after it was created.", source="paystub.pdf",
                   standard="Documents unmodified since issue"),
            Factor(code="financial_health", points=8, max_points=10, explanation="Positive balance."),
            Factor(code="application_quality", points=7, max_points=10, explanation="Complete form."),
        ],
        signals=[
            Signal(code="pdf_modified_after_creation", severity="medium", document="paystub.pdf",
                   evidence="ModDate 2026-10-02 is 40 days after CreationDate 2026-08-23",
                   message="The pay stub was edited after it was issued."),
            Signal(code="short_tenure", severity="low", document=None,
                   evidence="employment_start_date 2026-04-01", message="Under one year."),
        ],
        what_would_change=["A letter from the employer confirming permanent employment."],
        compliance_notes=["No protected characteristic was used."],
        policy_version="2026.11-default",
        model_version="rules-1",
        provider="rules",
        document_fingerprint="fp_" + lead_id,
        evaluated_at=when,
    )


class FakeBackend:
    def __init__(self, *, kind: str = "local", step_delay: float = 0.0, run_kind: str = "workflow") -> None:
        self.kind = kind
        self.run_kind = run_kind  # "job" scripts a deployed worker's jobs
        self.step_delay = step_delay
        self.down = False
        self.fail_steps: dict[str, str] = {}
        self.retry_steps: dict[str, int] = {}
        self.gates: dict[str, asyncio.Event] = {}
        self.duplicate_leads: set[str] = set()
        self.quota = Usage(month="2026-11", evaluation_count=3, quota_limit=20, tier="free")
        self.start_calls: list[tuple[str, bool, str | None]] = []
        self.closed = False
        self._ids = itertools.count(1)
        self.properties = [Property(id="prop_1", name="Maple Court", city="Toronto"),
                           Property(id="prop_2", name="Harbour View", city="Hamilton")]
        self.units = {"prop_1": [Unit(id="unit_1a", property_id="prop_1", name="1A", monthly_rent=1850.0),
                                 Unit(id="unit_2b", property_id="prop_1", name="2B", monthly_rent=2100.0)],
                      "prop_2": [Unit(id="unit_h1", property_id="prop_2", name="H1", monthly_rent=1600.0)]}
        self.leads: dict[str, Lead] = {}
        self.files: dict[str, list[tuple[LeadFile, bytes]]] = {}
        self.evaluations: dict[str, list[Evaluation]] = {}
        self._overrides: dict[str, list[Override]] = {}
        self.runs: dict[str, RunSnapshot] = {}
        self._drivers: dict[str, asyncio.Task[None]] = {}
        self._listeners: dict[str, list[asyncio.Queue[RunSnapshot]]] = {}
        self._seed()

    # ----------------------------------------------------------------- data
    def _seed(self) -> None:
        self.leads["lead_1"] = Lead(
            id="lead_1", property_id="prop_1", unit_id="unit_1a", first_name="Ada", last_name="Okafor",
            email="ada@example.com", phone="+1 416 555 0101", employment_status="employed",
            employer="Northwind Traders", employment_start_date=datetime(2026, 4, 1, tzinfo=UTC),
            monthly_income=5200.0, monthly_rent=1850.0, status="ai_evaluated", ai_score=72, ai_label="B",
            property_name="Maple Court", unit_name="1A", updated_at=T0)
        self.leads["lead_2"] = Lead(
            id="lead_2", property_id="prop_2", unit_id="unit_h1", first_name="Ben", last_name="Tran",
            email="ben@example.com", employment_status="self_employed", employer="Tran Design",
            monthly_income=4100.0, monthly_rent=1600.0, status="documents_received",
            property_name="Harbour View", unit_name="H1", updated_at=T0)
        for extra in range(3, 9):
            lid = f"lead_{extra}"
            self.leads[lid] = Lead(id=lid, property_id="prop_1", first_name=f"Applicant{extra}",
                                   last_name="Batch", email=f"a{extra}@example.com",
                                   monthly_income=4000.0 + extra * 100, monthly_rent=1800.0,
                                   status="documents_received", property_name="Maple Court")
        self.files["lead_1"] = [
            (LeadFile(id="file_1", lead_id="lead_1", file_type="paystub", file_name="paystub.pdf",
                      mime_type="application/pdf", uploaded_at=T0), make_pdf(2)),
            (LeadFile(id="file_2", lead_id="lead_1", file_type="government_id", file_name="id.jpg",
                      mime_type="image/jpeg", uploaded_at=T0), make_jpeg_rotated()),
            (LeadFile(id="file_3", lead_id="lead_1", file_type="bank_statement", file_name="broken.pdf",
                      mime_type="application/pdf", uploaded_at=T0), b"%PDF-1.7\nthis is not a pdf"),
        ]
        for f, data in self.files["lead_1"]:
            f.file_size = len(data)
        self.evaluations["lead_1"] = [sample_evaluation("lead_1", 72, 1)]

    def _check(self) -> None:
        if self.down:
            raise BackendUnavailable("The backend cannot be reached. Check your connection and retry.")

    def _lead(self, lead_id: str) -> Lead:
        self._check()
        try:
            return self.leads[lead_id]
        except KeyError:
            raise NotFound(f"Lead {lead_id} was not found.") from None

    # ----------------------------------------------------------------- reads
    async def list_leads(self, query: LeadQuery) -> LeadPage:
        self._check()
        return LeadPage(items=list(self.leads.values())[: query.limit])

    async def list_lead_rows(self, query: LeadQuery) -> LeadRows:
        page = await self.list_leads(query)
        return LeadRows.from_leads(page.items, page.next_cursor)

    async def get_lead(self, lead_id: str) -> Lead:
        return self._lead(lead_id).model_copy()

    async def list_files(self, lead_id: str) -> list[LeadFile]:
        self._lead(lead_id)
        return [f for f, _ in self.files.get(lead_id, [])]

    async def read_file(self, file: LeadFile) -> bytes:
        self._check()
        for f, data in self.files.get(file.lead_id, []):
            if f.id == file.id:
                return data
        raise NotFound(f"File {file.file_name} was not found.")

    async def latest_evaluation(self, lead_id: str) -> Evaluation | None:
        self._lead(lead_id)
        history = self.evaluations.get(lead_id, [])
        return history[-1] if history else None

    async def evaluation_history(self, lead_id: str) -> list[Evaluation]:
        self._lead(lead_id)
        return list(reversed(self.evaluations.get(lead_id, [])))

    async def overrides(self, evaluation_id: str) -> list[Override]:
        self._check()
        return list(self._overrides.get(evaluation_id, []))

    async def override(self, evaluation_id: str, recommendation: str, reason: str) -> Override:
        self._check()
        if not reason.strip():
            from leaselab_desktop.backends.errors import InvalidRequest

            raise InvalidRequest("An override needs a reason.")
        ov = Override(id=f"ov_{next(self._ids)}", evaluation_id=evaluation_id,
                      to_recommendation=recommendation, reason=reason, user_id="agent@leaselab.local",
                      created_at=T0 + timedelta(hours=1))
        self._overrides.setdefault(evaluation_id, []).append(ov)
        return ov

    async def usage(self) -> Usage:
        self._check()
        return self.quota.model_copy()

    async def health(self) -> Health:
        if self.down:
            return Health(state="offline", last_contact=T0, detail="unreachable")
        return Health(state="online", last_contact=T0)

    # ----------------------------------------------------------------- intake
    async def list_properties(self) -> list[Property]:
        self._check()
        if self.kind != "local":
            raise NotSupported("Leads are created on the website for this backend.")
        return list(self.properties)

    async def list_units(self, property_id: str) -> list[Unit]:
        self._check()
        return list(self.units.get(property_id, []))

    async def create_lead(self, new: NewLead) -> Lead:
        self._check()
        if self.kind != "local":
            raise NotSupported("Leads are created on the website for this backend.")
        lid = f"lead_new{next(self._ids)}"
        lead = Lead(id=lid, **new.model_dump(), status="new", updated_at=T0)
        self.leads[lid] = lead
        return lead

    async def attach_file(self, lead_id: str, path: Path, file_type: str = "other") -> LeadFile:
        self._lead(lead_id)
        if self.kind != "local":
            raise NotSupported("Attach documents on the website for this backend.")
        data = path.read_bytes()
        f = LeadFile(id=f"file_n{next(self._ids)}", lead_id=lead_id, file_type=file_type,
                     file_name=path.name, file_size=len(data), uploaded_at=T0)
        self.files.setdefault(lead_id, []).append((f, data))
        return f

    # ----------------------------------------------------------------- runs
    async def start_evaluation(self, lead_id: str, force: bool = False,
                               reason: str | None = None) -> RunTicket:
        self.start_calls.append((lead_id, force, reason))
        self._lead(lead_id)
        active = await self.active_run(lead_id)
        if active is not None:
            raise AlreadyRunning("An evaluation of this lead is already running.", run_id=active.run_id)
        if self.quota.evaluation_count >= self.quota.quota_limit:
            raise QuotaExceeded(
                f"The monthly quota of {self.quota.quota_limit} evaluations is used up.",
                usage=self.quota.model_copy())
        if lead_id in self.duplicate_leads and not force:
            last = (self.evaluations.get(lead_id) or [None])[-1]
            raise DuplicateDocuments(
                "These documents were already evaluated.",
                last_evaluation_id=last.evaluation_id if last else None,
                last_evaluated_at=last.evaluated_at if last else T0, last_evaluation=last)
        return self._launch(lead_id)

    def _launch(self, lead_id: str) -> RunTicket:
        run_id = f"run_{lead_id}_{next(self._ids)}"
        self.quota.evaluation_count += 1
        self.quota.remaining = max(self.quota.quota_limit - self.quota.evaluation_count, 0)
        snap = RunSnapshot(run_id=run_id, kind=self.run_kind, lead_id=lead_id, status="queued", queued_at=T0,
                           steps=[StepProgress(name=n) for n in WORKFLOW_STEPS])
        self.runs[run_id] = snap
        self._drivers[run_id] = asyncio.ensure_future(self._drive(run_id))
        return RunTicket(run_id=run_id, lead_id=lead_id, status="queued", usage=self.quota.model_copy())

    def _publish(self, run_id: str) -> None:
        snap = self.runs[run_id].model_copy(deep=True)
        for q in self._listeners.get(run_id, []):
            q.put_nowait(snap)

    async def _drive(self, run_id: str) -> None:
        snap = self.runs[run_id]
        clock = itertools.count()
        snap.status = "running"
        snap.started_at = T0
        try:
            for step in snap.steps:
                snap.current_step = step.name
                step.status = "running"
                step.attempts = 1
                step.started_at = T0 + timedelta(seconds=next(clock))
                self._publish(run_id)
                gate = self.gates.get(step.name)
                if gate is not None:
                    await gate.wait()
                while self.retry_steps.get(step.name, 0) >= step.attempts:
                    await asyncio.sleep(self.step_delay)
                    step.status = "retrying"
                    step.error = f"{step.name} timed out (attempt {step.attempts})"
                    step.attempts += 1
                    self._publish(run_id)
                    held = self.gates.get(step.name + ":retry")
                    if held is not None:
                        await held.wait()
                await asyncio.sleep(self.step_delay)
                if step.name in self.fail_steps:
                    step.status = "errored"
                    step.error = self.fail_steps[step.name]
                    step.ended_at = T0 + timedelta(seconds=next(clock))
                    snap.status = "errored"
                    snap.error = RunError(name="StepError", message=step.error)
                    snap.can_retry = True
                    self._publish(run_id)
                    return
                step.status = "complete"
                step.error = None
                step.ended_at = step.started_at + timedelta(milliseconds=120)
                self._publish(run_id)
            lead_id = snap.lead_id or ""
            history = self.evaluations.setdefault(lead_id, [])
            ev = sample_evaluation(lead_id, 84, len(history) + 1, T0 + timedelta(days=1))
            ev.workflow_instance_id = run_id
            history.append(ev)
            lead = self.leads[lead_id]
            lead.ai_score, lead.ai_label, lead.status = ev.score, ev.label, "ai_evaluated"
            snap.output = ev
            snap.status = "complete"
            snap.completed_at = T0 + timedelta(seconds=next(clock))
            snap.current_step = None
            self._publish(run_id)
        except asyncio.CancelledError:
            snap.status = "terminated"
            self._publish(run_id)
            raise

    async def get_run(self, run_id: str) -> RunSnapshot:
        self._check()
        try:
            return self.runs[run_id].model_copy(deep=True)
        except KeyError:
            raise NotFound(f"Run {run_id} was not found.") from None

    async def watch_run(self, run_id: str) -> AsyncIterator[RunSnapshot]:
        self._check()
        if run_id not in self.runs:
            raise NotFound(f"Run {run_id} was not found.")
        q: asyncio.Queue[RunSnapshot] = asyncio.Queue()
        self._listeners.setdefault(run_id, []).append(q)
        try:
            snap = self.runs[run_id].model_copy(deep=True)
            yield snap
            while not snap.finished:
                snap = await q.get()
                if self.down:
                    raise BackendUnavailable("Lost contact with the backend while following the run.")
                yield snap
        finally:
            self._listeners[run_id].remove(q)

    async def active_run(self, lead_id: str) -> RunSnapshot | None:
        self._check()
        for snap in self.runs.values():
            if snap.lead_id == lead_id and not snap.finished:
                return snap.model_copy(deep=True)
        return None

    async def terminate_run(self, run_id: str) -> None:
        self._check()
        task = self._drivers.get(run_id)
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def retry_run(self, run_id: str) -> RunTicket:
        self._check()
        old = self.runs[run_id]
        if old.status != "errored":
            raise AlreadyRunning("Only an errored run can be retried.", run_id=run_id)
        return self._launch(old.lead_id or "")

    async def aclose(self) -> None:
        self.closed = True
        for g in self.gates.values():
            g.set()
        tasks = [t for t in self._drivers.values() if not t.done()]
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


# ---------------------------------------------------------------------- workspace helpers
@asynccontextmanager
async def open_workspace(backend: Any, tasks: Any, size: tuple[int, int] = (1300, 860)) -> AsyncIterator[Any]:
    """A shown LeadWorkspace on ``backend``; on exit stops its tasks and closes the backend.

    Garbage is collected on the GUI thread before and after: a Qt object in a reference cycle that
    the collector happens to free from a worker thread (pdfium render, engine writer) is destroyed
    there, which Qt reports ("Timers cannot be stopped from another thread") and can crash on.
    """
    from leaselab_desktop.gui.qt import QtCore
    from leaselab_desktop.gui.workspace import LeadWorkspace

    gc.collect()
    ws = LeadWorkspace(tasks)
    ws.resize(*size)
    ws.set_backend(backend)
    ws.show()
    try:
        yield ws
    finally:
        await ws.aclose()
        await tasks.cancel_all()
        await backend.aclose()
        ws.close()
        ws.deleteLater()
        QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)
        gc.collect()


def drop_files(widget: Any, paths: list[Path]) -> Any:
    """Drag local files over ``widget`` and drop them (DragEnter then Drop, as a real drag does)."""
    from leaselab_desktop.gui.qt import QtCore, QtGui, QtWidgets

    mime = QtCore.QMimeData()
    mime.setUrls([QtCore.QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QtCore.QPointF(widget.width() / 2, widget.height() / 2)
    enter = QtGui.QDragEnterEvent(pos.toPoint(), QtCore.Qt.DropAction.CopyAction, mime,
                                  QtCore.Qt.MouseButton.LeftButton, QtCore.Qt.KeyboardModifier.NoModifier)
    QtWidgets.QApplication.sendEvent(widget, enter)
    drop = QtGui.QDropEvent(pos, QtCore.Qt.DropAction.CopyAction, mime,
                            QtCore.Qt.MouseButton.LeftButton, QtCore.Qt.KeyboardModifier.NoModifier)
    QtWidgets.QApplication.sendEvent(widget, drop)
    return drop if enter.isAccepted() else enter


@pytest.fixture(autouse=True)
def collect_garbage_on_gui_thread() -> Iterator[None]:
    """Import into a test module: collect garbage on the GUI thread once the test's loop is closed.

    Each async test gets its own qasync loop; its QObjects (qasync's _SimpleTimer, QThread workers)
    sit in reference cycles. If the collector later frees them from a worker thread (pdfium render,
    engine writer) Qt warns "Timers cannot be stopped from another thread" and can segfault. This
    fixture is set up first and torn down last, after the loop has been closed.
    """
    yield
    gc.collect()
