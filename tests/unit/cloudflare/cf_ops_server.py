"""A loopback ops-API server for client tests, in either flavour of docs/ops-api.md.

``flavour="workflow"`` answers like the project's worker (workflow instances with steps, ETag/304,
paging, bearer token required, the run stream ``/ai-workflows/:id/events`` unless ``stream=False``,
with injectable stream faults); ``flavour="job"`` like a deployed LeaseLab worker (jobs, camelCase
evaluations, 429 quota, at most 50 rows, no paging, 500 on some file lists, signed URLs on another
origin). Runs advance on ``clock()`` (injectable, so benchmarks can use virtual time).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from leaselab_desktop.domain.vocab import WORKFLOW_STEPS

STEPS = WORKFLOW_STEPS


def body_tag(data: Any) -> str:
    """The ETag (without quotes) of the status route's body for ``data``; also the stream's event id."""
    return hashlib.sha1(json.dumps({"success": True, "data": data}).encode()).hexdigest()


def run_delta(prev: dict[str, Any], nxt: dict[str, Any]) -> dict[str, Any] | None:
    """As the worker: the changed top-level fields, and each changed step as its name + changed fields."""
    out: dict[str, Any] = {k: v for k, v in nxt.items() if k != "steps" and prev.get(k) != v}
    old = {s["name"]: s for s in prev.get("steps") or []}
    steps = []
    for step in nxt.get("steps") or []:
        was = old.get(step["name"], {})
        changed = {k: v for k, v in step.items() if k not in was or was[k] != v}
        if changed:
            steps.append({"name": step["name"], **changed})
    if steps:
        out["steps"] = steps
    return out or None


FINISHED = ("complete", "errored", "terminated")


def iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class Run:
    run_id: str
    lead_id: str
    created: float
    queue_s: float
    step_s: tuple[float, ...]  # workflow: one per step; job: (processing,)
    fail_at: int | None = None  # index of the step (or 0 for a job) that fails


@dataclass
class OpsState:
    flavour: str = "workflow"
    site_id: str = "site_demo"
    token: str | None = "tok-secret-123"
    clock: Callable[[], float] = time.time
    quota_limit: int = 20
    used: int = 0
    leads: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    contents: dict[str, bytes] = field(default_factory=dict)
    evaluations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    overrides: list[dict[str, Any]] = field(default_factory=list)
    runs: dict[str, Run] = field(default_factory=dict)
    files_500: set[str] = field(default_factory=set)
    sort_500: bool = False  # job flavour: a 500 to any sortBy, as some deployed workers answer
    queue_s: float = 0.0
    step_s: tuple[float, ...] = (0.02,) * 7
    fail_next: int | None = None
    unavailable_next: int = 0  # answer this many next requests with a 503 (any method)
    idempotency: dict[str, tuple[int, Any]] = field(default_factory=dict)
    log: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    signed_origin: str = ""
    # the run stream (workflow flavour): offered unless ``stream`` is False; the next
    # ``stream_faults`` stream requests get ``stream_fault``: "500", "wrong_ctype", "stall" (snapshot,
    # then silence), "stall_at_once" (not even the snapshot), "garbage" (an event whose data is not
    # JSON), "truncate" (cut mid-event), "drop" (snapshot, then the connection closes)
    stream: bool = True
    stream_fault: str | None = None
    stream_faults: int = 0
    stream_tick_s: float = 0.01
    stream_max_s: float = 60.0  # then ``event: reconnect``
    closing: threading.Event = field(default_factory=threading.Event)

    def take_stream_fault(self) -> str | None:
        if self.stream_faults > 0 and self.stream_fault:
            self.stream_faults -= 1
            return self.stream_fault
        return None

    def seed(self, n: int = 60) -> None:
        for i in range(n):
            lid = f"lead_{i:03d}"
            self.leads[lid] = {
                "id": lid, "propertyId": "prop_1", "unitId": None, "firstName": f"Ann{i}",
                "lastName": "Tester" if i % 2 else "Sample", "email": f"ann{i}@example.com",
                "phone": None, "currentAddress": "1 Main St", "employmentStatus": "employed",
                "moveInDate": "2026-12-01", "message": "", "status": "new" if i % 3 else "mystery_state",
                "aiScore": None if i % 4 == 0 else 40 + i, "aiLabel": None, "landlordNote": "",
                "isActive": True, "createdAt": "2026-11-25 19:55:40",
                "updatedAt": f"2026-11-25T19:{i % 60:02d}:00Z", "isUnitOccupied": False,
                "propertyName": "Elm Court",
            }
            body = f"%PDF-1.4 paystub of lead {i}\n".encode() * 20
            fid = f"file_{i:03d}"
            self.contents[fid] = body
            self.files[lid] = [{
                "id": fid, "leadId": lid, "fileType": "paystub", "fileName": f"paystub{i}.pdf",
                "fileSize": len(body), "mimeType": "application/pdf", "r2Key": f"k/{fid}",
                "uploadedAt": "2026-11-25 19:55:40",
            }]

    # -- runs ----------------------------------------------------------------------------------

    def start(self, lead_id: str) -> Run:
        now = self.clock()
        prefix = "job_" if self.flavour == "job" else "wf_"
        run = Run(f"{prefix}{len(self.runs) + 1:04d}", lead_id, now, self.queue_s,
                  self.step_s if self.flavour == "workflow" else (sum(self.step_s),),
                  fail_at=self.fail_next)
        self.fail_next = None
        self.runs[run.run_id] = run
        return run

    def evaluation_for(self, run: Run, at: float) -> dict[str, Any]:
        score = 70 + int(run.lead_id[-2:]) % 25
        if self.flavour == "job":
            return {"id": f"ev_{run.run_id}", "leadId": run.lead_id, "score": score,
                    "label": "A" if score >= 80 else "B", "summary": "ok",
                    "riskFlags": ["thin_file"], "recommendation": "approve",
                    "fraudSignals": [], "modelVersion": "m1", "evaluatedAt": iso(at)}
        return {"id": f"ev_{run.run_id}", "lead_id": run.lead_id, "score": score,
                "label": "A" if score >= 80 else "B", "summary": "ok", "risk_flags": ["thin_file"],
                "recommendation": "approve", "fraud_signals": [], "evaluated_at": iso(at),
                "model_version": "rules-1", "workflow_instance_id": run.run_id}

    def finish_if_due(self, run: Run) -> None:
        end = run.created + run.queue_s + sum(run.step_s)
        if run.fail_at is None and self.clock() >= end:
            evs = self.evaluations.setdefault(run.lead_id, [])
            if not any(e["id"] == f"ev_{run.run_id}" for e in evs):
                evs.insert(0, self.evaluation_for(run, end))
                lead = self.leads[run.lead_id]
                lead["status"] = "ai_evaluated"
                lead["aiScore"] = evs[0]["score"]

    def status(self, run: Run) -> dict[str, Any]:
        now = self.clock()
        t = run.created + run.queue_s
        steps: list[dict[str, Any]] = []
        state, current, failed, ended = "queued" if now < t else "running", None, False, None
        names = STEPS if self.flavour == "workflow" else ("job",)
        for i, (name, dur) in enumerate(zip(names, run.step_s, strict=True)):
            if now < t or failed:
                break
            if run.fail_at == i and now >= t + dur:
                steps.append({"name": name, "status": "errored", "attempts": 2,
                              "started_at": iso(t), "ended_at": iso(t + dur), "error": "boom"})
                failed, ended, state = True, t + dur, "errored"
                break
            done = now >= t + dur
            steps.append({"name": name, "status": "complete" if done else "running",
                          "attempts": 1, "started_at": iso(t), "ended_at": iso(t + dur) if done else None,
                          "error": None})
            if not done:
                current = name
                break
            t += dur
        else:
            if not failed and now >= t:
                state, ended = "complete", t
        self.finish_if_due(run)
        if self.flavour == "job":
            status = {"queued": "pending", "running": "processing", "complete": "completed",
                      "errored": "failed"}[state]
            data: dict[str, Any] = {"job_id": run.run_id, "lead_id": run.lead_id, "status": status,
                                    "requested_at": iso(run.created)}
            if status == "processing":
                data.update(started_at=iso(run.created + run.queue_s), progress_message="Analysing documents")
            if status == "completed":
                data.update(completed_at=iso(ended or now), duration_ms=1000,
                            evaluation=self.evaluation_for(run, ended or now))
            if status == "failed":
                data.update(error_code="AI_TIMEOUT", error_message="model timed out", can_retry=True)
            return data
        return {"instance_id": run.run_id, "lead_id": run.lead_id, "status": state,
                "current_step": current, "steps": steps, "queued_at": iso(run.created),
                "started_at": iso(run.created + run.queue_s) if now >= run.created + run.queue_s else None,
                "completed_at": iso(ended) if ended and state == "complete" else None,
                "output": self.evaluation_for(run, ended) if state == "complete" and ended else None,
                "error": {"name": "StepError", "message": "boom"} if state == "errored" else None,
                "can_retry": state == "errored"}

    def open_run(self, lead_id: str) -> Run | None:
        for run in self.runs.values():
            if run.lead_id == lead_id and self.status(run)["status"] in ("queued", "running", "pending", "processing"):
                return run
        return None


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, body: Any = None, *, raw: bytes | None = None,
              ctype: str = "application/json", etag: bool = False) -> None:
        data = raw if raw is not None else json.dumps(body).encode()
        tag = '"' + hashlib.sha1(data).hexdigest() + '"'
        if etag and self.headers.get("If-None-Match") == tag:
            self.send_response(304)
            self.send_header("ETag", tag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        if etag:
            self.send_header("ETag", tag)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        st = self.server.state
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        seg = [unquote(p) for p in parts.path.strip("/").split("/")]
        if (method == "GET" and st.flavour == "workflow" and st.stream and len(seg) == 5
                and seg[:3] == ["api", "ops", "ai-workflows"] and seg[4] == "events"):
            return self._events(st, seg[3], {k: v[0] for k, v in parse_qs(parts.query).items()})
        with st.lock:
            st.log.append((method, self.path, dict(self.headers.items())))
            if st.unavailable_next > 0:
                st.unavailable_next -= 1
                return self._send(503, {"error": "Service Unavailable", "message": "try later"})
            try:
                self._route(st, method, parts.path, parse_qs(parts.query), raw)
            except Exception as exc:  # a server bug must still answer
                self._send(500, {"error": "Internal", "message": repr(exc)})

    def _refused(self, st: OpsState) -> bool:
        """Answer 400/401/403 when the headers do not allow the request; True when refused."""
        if "X-Site-Id" not in self.headers:
            self._send(400, {"error": "Missing X-Site-Id header"})
            return True
        bearer = self.headers.get("Authorization")
        if st.flavour == "workflow" and st.token is not None and bearer != f"Bearer {st.token}":
            self._send(401, {"error": "Unauthorized", "message": "Missing or bad token"})
            return True
        if self.headers["X-Site-Id"] != st.site_id:
            self._send(403, {"error": "Forbidden", "message": "No grant for this site"})
            return True
        return False

    def _events(self, st: OpsState, run_id: str, q: dict[str, str]) -> None:
        """The run stream (Server-Sent Events), as the project's worker serves it."""
        with st.lock:
            st.log.append(("GET", self.path, dict(self.headers.items())))
            if st.unavailable_next > 0:
                st.unavailable_next -= 1
                return self._send(503, {"error": "Service Unavailable", "message": "try later"})
            if self._refused(st):
                return None
            run = st.runs.get(run_id)
            if run is None:
                return self._send(404, {"success": False, "error": "WorkflowNotFound",
                                        "message": "Workflow instance not found"})
            fault = st.take_stream_fault()
            try:
                prev = st.status(run)
            except Exception as exc:  # a server bug must still answer
                return self._send(500, {"error": "Internal", "message": repr(exc)})
        if fault == "500":
            return self._send(500, {"error": "Internal error", "message": "Something went wrong"})
        if fault == "wrong_ctype":
            return self._send(200, {"success": True, "data": prev})
        try:
            keepalive = min(max(float(q.get("keepalive") or 10), 0.05), 15.0)
        except ValueError:
            keepalive = 10.0
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Keepalive-Seconds", f"{keepalive:g}")
        self.send_header("Connection", "close")
        self.end_headers()
        last_write = time.monotonic()

        def write(text: str) -> None:
            nonlocal last_write
            self.wfile.write(text.encode())
            self.wfile.flush()
            last_write = time.monotonic()

        since = self.headers.get("Last-Event-ID") or q.get("since")
        opened = time.monotonic()
        try:
            if fault == "stall_at_once":  # the head only, then silence
                while not st.closing.is_set() and time.monotonic() - opened < 30:
                    time.sleep(0.02)
                return None
            tag = body_tag(prev)
            if since == tag and prev["status"] not in FINISHED:
                write(": resumed\n\n")
            else:
                write(f"event: snapshot\nid: {tag}\ndata: {json.dumps(prev)}\n\n")
            if fault == "garbage":
                return write("event: change\nid: x\ndata: {not json\n\n")
            if fault == "truncate":
                return write('event: change\nid: x\ndata: {"status": "runn')
            if fault in ("stall", "drop"):
                while fault == "stall" and not st.closing.is_set() and time.monotonic() - opened < 30:
                    time.sleep(0.02)
                return None
            while prev["status"] not in FINISHED and not st.closing.is_set():
                if time.monotonic() - opened >= st.stream_max_s:
                    return write("event: reconnect\ndata: {}\n\n")
                time.sleep(st.stream_tick_s)
                with st.lock:
                    if run_id not in st.runs:
                        return None
                    nxt = st.status(run)
                delta = run_delta(prev, nxt)
                if delta is not None:
                    write(f"event: change\nid: {body_tag(nxt)}\ndata: {json.dumps(delta)}\n\n")
                    prev = nxt
                elif time.monotonic() - last_write >= keepalive:
                    write(": keep-alive\n\n")
        except OSError:  # the client went away
            return None
        return None

    def _route(self, st: OpsState, method: str, path: str, qs: dict[str, list[str]], raw: bytes) -> None:
        seg = [unquote(p) for p in path.strip("/").split("/")]
        if seg[:1] == ["signed"] and method == "GET":
            return self._send(200, raw=st.contents.get(seg[1], b""), ctype="application/pdf")
        if seg[:2] != ["api", "ops"]:
            return self._send(404, {"error": "Not found", "message": "No such route"})
        if self._refused(st):
            return None
        rest = seg[2:]
        q = {k: v[0] for k, v in qs.items()}
        if method == "GET" and rest == ["leads"]:
            return self._leads(st, q)
        if method == "GET" and rest == ["ai-usage"]:
            return self._send(200, {"success": True, "data": {
                "month": q.get("month", "2026-11"), "evaluation_count": st.used,
                "quota_limit": st.quota_limit, "tier": "free",
                "remaining": max(st.quota_limit - st.used, 0),
                "percentage": round(100 * st.used / st.quota_limit, 1), "reset_date": "2026-12-01"}})
        if rest[:1] == ["leads"] and len(rest) >= 2:
            lead = st.leads.get(rest[1])
            if lead is None:
                if method == "POST":
                    return self._send(404, {"success": False, "error": "LeadNotFound", "message": "Lead not found"})
                return self._send(404, {"error": "Not found", "message": "Lead not found"})
            if method == "GET" and len(rest) == 2:
                if st.flavour == "job":  # deployed shape: the property's name is in the list only
                    lead = {k: v for k, v in lead.items() if k != "propertyName"}
                return self._send(200, {"success": True, "data": lead})
            if method == "GET" and rest[2:] == ["files"]:
                if st.flavour == "job" and rest[1] in st.files_500:
                    return self._send(500, {"error": "Internal Server Error", "message": "R2 list failed"})
                files = [dict(f) for f in st.files.get(rest[1], [])]
                if st.flavour == "job":
                    for f in files:
                        f.update(signedUrl=f"{st.signed_origin}/signed/{f['id']}?sig=abc",
                                 expiresAt="2099-01-01T00:00:00Z")
                return self._send(200, {"success": True, "data": files})
            if method == "GET" and len(rest) == 5 and rest[2] == "files" and rest[4] == "content":
                if st.flavour == "job" or rest[3] not in st.contents:
                    return self._send(404, {"error": "Not found", "message": "No such file"})
                return self._send(200, raw=st.contents[rest[3]], ctype="application/pdf")
            if rest[2:] == ["ai-evaluation"] and method == "POST":
                return self._start(st, rest[1], raw)
            if rest[2:] == ["ai-evaluation"] and method == "GET":
                for run in list(st.runs.values()):
                    st.status(run)
                evs = st.evaluations.get(rest[1]) or []
                if st.flavour == "job":
                    return self._send(200, {"success": True, "data": evs[0] if evs else None})
                if not evs:
                    return self._send(404, {"success": False, "error": "NotFound",
                                            "message": "No evaluation found for this lead"})
                return self._send(200, {"success": True, "data": evs[0]})
            if rest[2:] == ["ai-evaluations"] and method == "GET" and st.flavour == "workflow":
                return self._send(200, {"success": True, "data": st.evaluations.get(rest[1]) or []})
        if rest[:1] == ["ai-workflows"] and len(rest) == 2 and st.flavour == "workflow":
            run = st.runs.get(rest[1])
            if run is None:
                return self._send(404, {"success": False, "error": "WorkflowNotFound",
                                        "message": "Workflow instance not found"})
            return self._send(200, {"success": True, "data": st.status(run)}, etag=True)
        if rest[:1] == ["ai-evaluation-jobs"] and len(rest) == 2 and st.flavour == "job":
            run = st.runs.get(rest[1])
            if run is None:
                return self._send(404, {"error": "JobNotFound", "message": "Job not found"})
            return self._send(200, {"success": True, "data": st.status(run)})
        if rest[:1] == ["ai-evaluations"] and len(rest) == 3 and st.flavour == "workflow":
            if rest[2] == "override" and method == "POST":
                body = json.loads(raw or b"{}")
                if not str(body.get("reason") or "").strip():
                    return self._send(400, {"success": False, "error": "InvalidRequest",
                                            "message": "reason is required"})
                o = {"id": f"ov_{len(st.overrides) + 1}", "evaluation_id": rest[1],
                     "from_recommendation": "approve", "to_recommendation": body["recommendation"],
                     "reason": body["reason"], "user_id": self.headers.get("X-User-Id"),
                     "created_at": iso(st.clock())}
                st.overrides.append(o)
                return self._send(200, {"success": True, "data": o})
            if rest[2] == "overrides" and method == "GET":
                return self._send(200, {"success": True, "data": [
                    o for o in st.overrides if o["evaluation_id"] == rest[1]]})
        return self._send(404, {"error": "Not found", "message": "No such route"})

    def _leads(self, st: OpsState, q: dict[str, str]) -> None:
        rows = [lead for lead in st.leads.values() if lead["isActive"]]
        if q.get("status"):
            rows = [r for r in rows if r["status"] == q["status"]]
        if q.get("propertyId"):
            rows = [r for r in rows if r["propertyId"] == q["propertyId"]]
        if st.flavour == "job":
            if st.sort_500 and q.get("sortBy"):
                return self._send(500, {"error": "Internal Server Error", "message": "D1_ERROR: no such column"})
            return self._send(200, {"success": True, "data": rows[:50]})
        if q.get("q"):
            rows = [r for r in rows if q["q"].lower() in (r["firstName"] + " " + r["lastName"] + r["email"]).lower()]
        rows.sort(key=lambda r: r["id"])
        start = int(q.get("cursor") or 0)
        limit = min(int(q.get("limit") or 100), 500)
        page = rows[start:start + limit]
        nxt = str(start + limit) if start + limit < len(rows) else None
        return self._send(200, {"success": True, "data": page, "next_cursor": nxt})

    def _start(self, st: OpsState, lead_id: str, raw: bytes) -> None:
        body = json.loads(raw or b"{}")
        key = self.headers.get("Idempotency-Key")
        if key and key in st.idempotency and st.flavour == "workflow":
            status, answer = st.idempotency[key]
            return self._send(status, answer)
        if st.flavour == "workflow" and not self.headers.get("X-User-Id"):
            return self._send(400, {"success": False, "error": "Missing required headers"})
        running = st.open_run(lead_id)
        if running is not None:
            if st.flavour == "job":
                return self._send(409, {"error": "JobAlreadyPending", "job_id": running.run_id})
            return self._send(409, {"success": False, "error": "AlreadyRunning", "instance_id": running.run_id,
                                    "message": "An evaluation is already running"})
        evs = st.evaluations.get(lead_id) or []
        if evs and not body.get("force_refresh"):
            if st.flavour == "job":
                return self._send(409, {"error": "AlreadyEvaluated", "evaluation_id": evs[0]["id"]})
            return self._send(409, {"success": False, "error": "DuplicateDocuments",
                                    "message": "Documents unchanged", "last_evaluation_id": evs[0]["id"],
                                    "last_evaluated_at": evs[0]["evaluated_at"], "can_force": True})
        if st.used >= st.quota_limit:
            if st.flavour == "job":
                return self._send(429, {"error": "QuotaExceeded", "message": "Monthly limit reached",
                                        "usage": {"used": st.used, "limit": st.quota_limit,
                                                  "month": "2026-11", "tier": "free"}})
            return self._send(403, {"success": False, "error": "QuotaExceeded",
                                    "message": f"You have reached your monthly limit ({st.used}/{st.quota_limit}).",
                                    "usage": {"remaining": 0, "limit": st.quota_limit, "month": "2026-11"}})
        st.used += 1
        run = st.start(lead_id)
        usage = {"remaining": st.quota_limit - st.used, "limit": st.quota_limit, "month": "2026-11"}
        if st.flavour == "job":
            return self._send(201, {"success": True, "data": {
                "job_id": run.run_id, "lead_id": lead_id, "status": "pending",
                "requested_at": iso(run.created), "estimated_completion": iso(run.created + 60)},
                "usage": usage})
        answer = {"success": True, "data": {"instance_id": run.run_id, "lead_id": lead_id,
                                            "status": "queued", "requested_at": iso(run.created)},
                  "usage": usage}
        if key:
            st.idempotency[key] = (202, answer)
        return self._send(202, answer)


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins every handler: a test leaves no thread behind
    state: OpsState

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.conns: set[socket.socket] = set()

    def process_request(self, request: Any, client_address: Any) -> None:
        self.conns.add(request)
        super().process_request(request, client_address)

    def drop_connections(self) -> None:
        """Cut every open keep-alive connection, as a stopped server would."""
        for conn in list(self.conns):
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        self.conns.clear()


@contextmanager
def serve(state: OpsState) -> Iterator[str]:
    """Serve ``state`` on a free loopback port; yields the base URL (http://127.0.0.1:PORT)."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.state = state
    port = server.server_address[1]
    state.signed_origin = f"http://localhost:{port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="cf-ops-server", daemon=True)
    thread.start()
    state.closing.clear()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        state.closing.set()
        server.shutdown()
        server.drop_connections()  # first: a keep-alive handler waits on its socket
        server.server_close()
        thread.join(5)
