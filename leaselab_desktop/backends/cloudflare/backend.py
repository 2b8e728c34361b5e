"""CloudflareBackend: the Backend protocol over the ops API, with the offline cache behind every read."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

import httpx

from leaselab_desktop.backends.cloudflare import flavour as fl
from leaselab_desktop.backends.cloudflare.cache import OfflineCache
from leaselab_desktop.backends.cloudflare.client import (
    Answer,
    Clock,
    GenericNotFound,
    OpsClient,
    Sleep,
    server_answer,
)
from leaselab_desktop.backends.cloudflare.followups import follow_run
from leaselab_desktop.backends.cloudflare.freshness import ReadInfo
from leaselab_desktop.backends.cloudflare.intake import ServerManagedIntake
from leaselab_desktop.backends.cloudflare.polling import StepTimings
from leaselab_desktop.backends.cloudflare.wire import (
    answer_data,
    evaluation,
    override_from,
    page_leads,
    run_snapshot,
    seg,
    start_ticket,
)
from leaselab_desktop.backends.errors import (
    BackendError,
    BackendUnavailable,
    InvalidRequest,
    NotFound,
    NotSupported,
    Unauthorized,
)
from leaselab_desktop.config import PollingSettings
from leaselab_desktop.domain.listing import LeadRows
from leaselab_desktop.domain.models import (
    Evaluation,
    Health,
    Lead,
    LeadFile,
    LeadPage,
    LeadQuery,
    Override,
    RunSnapshot,
    RunTicket,
    Usage,
)
from leaselab_desktop.domain.timefmt import utcnow
from leaselab_desktop.domain.vocab import RECOMMENDATIONS
from leaselab_desktop.store.retention import CLOSED_STATUSES

log = logging.getLogger(__name__)
T = TypeVar("T")
_MISSING: Any = object()
FALLBACK_ERRORS = (BackendUnavailable, Unauthorized)
OFFER_LOCAL = (
    "Evaluations cannot be started while the Cloudflare server is unreachable. "
    "Run it with the local executor instead (switch to the local profile), or try again when online."
)


# The project worker serves at most 500 leads a page; larger requests are paged by next_cursor.
SERVER_PAGE_LIMIT = 500
# Deployed workers send at most this many leads and no cursor.
DEPLOYED_ROW_CAP = 50


def _own_cursor(cursor: str | None) -> bool:
    """A cursor this client made when it paged a deployed worker's rows itself (wire.page_leads)."""
    return bool(cursor and cursor.startswith("offset:"))


class CloudflareBackend(ServerManagedIntake):
    kind = "cloudflare"

    def __init__(
        self,
        base_url: str,
        *,
        site_id: str,
        user_id: str,
        token: str | None,
        cache: OfflineCache,
        clock: Clock = utcnow,
        client: httpx.AsyncClient | None = None,
        polling: PollingSettings | None = None,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        timeout_s: float = 10.0,
        read_retries: int = 2,
        owns_cache: bool = False,
    ) -> None:
        self._rng = rng or random.Random()
        self.api = OpsClient(
            base_url, site_id=site_id, user_id=user_id, token=token, client=client,
            timeout_s=timeout_s, read_retries=read_retries, clock=clock, sleep=sleep, rng=self._rng,
        )
        self.site_id = site_id
        self.cache = cache
        self.owns_cache = owns_cache  # close the cache in aclose() (the factory's backends)
        self.clock = clock
        self.sleep = sleep
        self.polling = polling or PollingSettings()
        self._flavour_key = f"flavour:{self.api.base_url}"
        self.detector = fl.FlavourDetector(fl.parse(cache.meta(self._flavour_key)))
        self.last_read = ReadInfo()
        self.step_timings = StepTimings()  # learned step durations, shared by every watch
        self._follows: set[asyncio.Task[Any]] = set()

    def __repr__(self) -> str:
        return f"CloudflareBackend({self.api.base_url!r}, site_id={self.site_id!r})"

    @property
    def flavour(self) -> fl.Flavour:
        return self.detector.flavour

    @property
    def documents_cache_reason(self) -> str:
        """Empty when documents are cached (encrypted); otherwise why not, for Settings."""
        return self.cache.documents_reason

    def _observe(self, seen: fl.Flavour) -> None:
        before = self.detector.flavour
        if self.detector.observe(seen) is not before:
            self.cache.set_meta(self._flavour_key, self.detector.flavour.value)

    # -- freshness ----------------------------------------------------------------------------

    def _fresh(self) -> None:
        now = self.clock()
        self.last_read = ReadInfo(stale=False, as_of=now)
        self.cache.mark_contact(self.site_id, now)

    async def _read(self, fetch: Callable[[], Awaitable[T]], cached: Callable[[], T]) -> T:
        try:
            result = await fetch()
        except FALLBACK_ERRORS as exc:
            value = cached()
            if value is _MISSING:
                if isinstance(exc, BackendUnavailable) and server_answer(exc)[0] is not None:
                    raise  # the server answered (a 5xx): it is up, so "offline" would mislead
                if isinstance(exc, BackendUnavailable):
                    raise BackendUnavailable(
                        f"{exc.message} It was not read while online, so it is not available offline."
                    ) from exc
                raise
            self.last_read = ReadInfo(True, self.cache.last_contact(self.site_id), exc.message)
            log.info("serving cached data: %s", exc.message)
            return value
        self._fresh()
        return result

    # -- leads and files ----------------------------------------------------------------------

    async def list_leads(self, query: LeadQuery) -> LeadPage:
        async def fetch() -> LeadPage:
            params = {
                "status": query.status, "propertyId": query.property_id, "sortBy": query.sort_by,
                "sortOrder": query.sort_order, "limit": min(query.limit, SERVER_PAGE_LIMIT), "cursor": query.cursor,
                "q": query.q, "label": query.label,
            }
            notice = None
            try:
                answer = await self.api.get("/api/ops/leads", params=params)
            except BackendError as exc:
                status, _ = server_answer(exc)
                if status is None or status < 500:
                    raise
                # Deployed workers answer 500 to some sort orders: ask for the server's own order
                # (the server is up; the list is sorted here instead)
                log.info("the lead list failed with sortBy=%s (%s); asking without it", query.sort_by, exc)
                answer = await self.api.get("/api/ops/leads", params={
                    k: v for k, v in params.items() if k not in ("sortBy", "sortOrder")})
                notice = (f"The server could not sort the leads by {query.sort_by}; "
                          "they were read in its default order.")
            body = answer.payload if isinstance(answer.payload, dict) else {}
            self._observe(fl.from_leads_answer(body))
            leads = [Lead.model_validate(x) for x in body.get("data") or []]
            self.cache.put_leads(self.site_id, leads, self.clock())
            if "next_cursor" in body:
                return LeadPage(items=leads, next_cursor=body.get("next_cursor"), notice=notice)
            # A deployed worker: at most 50 rows, no paging, no search: finish the query here, with
            # this client's own offset cursor (the server ignores it), so no page repeats.
            page = page_leads(leads, query if _own_cursor(query.cursor) else query.model_copy(update={"cursor": None}))
            capped = len(leads) >= DEPLOYED_ROW_CAP
            if capped:
                said = (f"This server sends at most {DEPLOYED_ROW_CAP} leads: only the newest "
                        f"{len(leads)} are shown, and search finds only among them. Filter by status "
                        "or property to see others.")
                notice = f"{notice} {said}" if notice else said
            return page.model_copy(update={"notice": notice, "capped": capped})

        def cached() -> LeadPage:
            leads = self.cache.leads(self.site_id)
            return page_leads(leads, query) if leads else _MISSING

        return await self._read(fetch, cached)

    async def list_lead_rows(self, query: LeadQuery) -> LeadRows:
        # The server's pages are small (500): the columns are built from the leads it sends.
        page = await self.list_leads(query)
        rows = LeadRows.from_leads(page.items, page.next_cursor)
        rows.notice, rows.capped = page.notice, page.capped
        return rows

    async def get_lead(self, lead_id: str) -> Lead:
        async def fetch() -> Lead:
            answer = await self.api.get(f"/api/ops/leads/{seg(lead_id)}")
            lead = Lead.model_validate(answer_data(answer))
            if not lead.property_name:  # deployed workers name the property in the list only
                lead = lead.model_copy(update={"property_name": self._property_name(lead)})
            self.cache.put_leads(self.site_id, [lead], self.clock())
            return lead

        return await self._read(fetch, lambda: self.cache.lead(self.site_id, lead_id) or _MISSING)

    def _property_name(self, lead: Lead) -> str | None:
        held = self.cache.lead(self.site_id, lead.id)
        if held is not None and held.property_id == lead.property_id and held.property_name:
            return held.property_name
        return next((x.property_name for x in self.cache.leads(self.site_id)
                     if x.property_id == lead.property_id and x.property_name), None)

    async def list_files(self, lead_id: str) -> list[LeadFile]:
        async def fetch() -> list[LeadFile]:
            answer = await self.api.get(f"/api/ops/leads/{seg(lead_id)}/files")
            files = [LeadFile.model_validate(x) for x in answer_data(answer) or []]
            self.cache.put_files(self.site_id, lead_id, files)
            return files

        def cached() -> list[LeadFile]:
            files = self.cache.files(self.site_id, lead_id)
            return _MISSING if files is None else files

        return await self._read(fetch, cached)

    async def read_file(self, file: LeadFile) -> bytes:
        held = self.cache.document(self.site_id, file.id)
        if held is not None and (file.sha256 is None or hashlib.sha256(held).hexdigest() == file.sha256):
            return held
        try:
            expired = file.expires_at is not None and file.expires_at <= self.clock()
            if file.signed_url and not expired:  # deployed workers; the token is not sent there
                answer = await self.api.get(file.signed_url, raw=True)
            else:
                path = f"/api/ops/leads/{seg(file.lead_id)}/files/{seg(file.id)}/content"
                answer = await self.api.get(path, raw=True)
        except FALLBACK_ERRORS as exc:
            why = self.cache.documents_reason or "it was not opened while online"
            raise BackendUnavailable(
                f"{exc.message} This document is not available offline: {why}"
            ) from exc
        data = answer.content
        if file.sha256 and hashlib.sha256(data).hexdigest() != file.sha256:
            raise BackendUnavailable(
                f"The document {file.file_name!r} arrived damaged (checksum mismatch); try again."
            )
        self.cache.put_document(self.site_id, file.id, data)
        self._fresh()
        return data

    # -- evaluations --------------------------------------------------------------------------

    async def start_evaluation(
        self, lead_id: str, force: bool = False, reason: str | None = None,
        *, idempotency_key: str | None = None,
    ) -> RunTicket:
        """Sent once, never retried here. After an uncertain failure (timeout, 503) a caller may
        send it again with the same ``idempotency_key``: the project's worker then answers with
        the run the first request created instead of starting a second one."""
        if force and not (reason or "").strip():
            raise InvalidRequest("Re-running an evaluation on unchanged documents needs a reason.")
        body = {"force_refresh": bool(force), "reason": reason.strip() if reason else None}
        try:
            answer = await self.api.post(
                f"/api/ops/leads/{seg(lead_id)}/ai-evaluation", body,
                idempotency_key=idempotency_key or uuid.uuid4().hex,
            )
        except BackendUnavailable as exc:
            if self.api.contact.state == "offline":
                raise BackendUnavailable(f"{exc.message} {OFFER_LOCAL}") from exc
            raise
        except BackendError as exc:
            status, err_body = server_answer(exc)
            if status is not None:
                self._observe(fl.from_error(status, err_body))
            raise
        ticket = start_ticket(answer.payload, lead_id)
        self._observe(fl.Flavour(ticket.kind))
        usage = ticket.usage
        if usage is not None:
            self.cache.put_usage(self.site_id, usage)
        self.cache.put_run(self.site_id, RunSnapshot(
            run_id=ticket.run_id, kind=ticket.kind, lead_id=ticket.lead_id, status=ticket.status,
            queued_at=ticket.requested_at,
        ))
        self._fresh()
        return ticket

    def _run_kind(self, run_id: str) -> str | None:
        held = self.cache.run(self.site_id, run_id)
        if held is not None:
            return held.kind
        if fl.from_run_id(run_id) is fl.Flavour.JOB or self.flavour is fl.Flavour.JOB:
            return "job"
        return "workflow" if self.flavour is fl.Flavour.WORKFLOW else None

    async def _fetch_run(self, run_id: str) -> tuple[RunSnapshot, bool]:
        kind = self._run_kind(run_id)
        answer: Answer | None = None
        if kind in (None, "workflow"):
            try:
                answer = await self.api.get(f"/api/ops/ai-workflows/{seg(run_id)}", use_etag=True)
                kind = "workflow"
            except GenericNotFound:
                if kind == "workflow":
                    raise
                kind = "job"  # no workflow route: a deployed worker
        if answer is None:
            answer = await self.api.get(f"/api/ops/ai-evaluation-jobs/{seg(run_id)}")
        self._observe(fl.Flavour.JOB if kind == "job" else fl.Flavour.WORKFLOW)
        snap = run_snapshot(answer_data(answer), kind)
        if not answer.not_modified:
            self._remember_run(snap)
        self._fresh()
        return snap, answer.not_modified

    def _remember_run(self, snap: RunSnapshot) -> None:
        self.cache.put_run(self.site_id, snap)
        if snap.output is not None and snap.lead_id:
            self.cache.put_latest(self.site_id, snap.lead_id, snap.output)

    async def get_run(self, run_id: str) -> RunSnapshot:
        async def fetch() -> RunSnapshot:
            return (await self._fetch_run(run_id))[0]

        return await self._read(fetch, lambda: self.cache.run(self.site_id, run_id) or _MISSING)

    def watch_run(self, run_id: str) -> AsyncIterator[RunSnapshot]:
        """A snapshot at once, then one per visible change; ends after a finished one."""
        return self._tracked_follow(run_id)

    async def _tracked_follow(self, run_id: str) -> AsyncIterator[RunSnapshot]:
        # the task following is remembered so aclose() can cancel it before the cache closes
        # (a follow that outlived its backend failed with "Cannot operate on a closed database")
        task = asyncio.current_task()
        if task is not None:
            self._follows.add(task)
        try:
            async for snap in follow_run(self, run_id):
                yield snap
        finally:
            if task is not None:
                self._follows.discard(task)

    async def active_run(self, lead_id: str) -> RunSnapshot | None:
        for held in self.cache.open_runs(self.site_id):
            if held.lead_id != lead_id:
                continue
            try:
                snap = await self.get_run(held.run_id)
            except NotFound:
                self.cache.forget_run(self.site_id, held.run_id)
                continue
            if not snap.finished:
                return snap
        return None

    async def latest_evaluation(self, lead_id: str) -> Evaluation | None:
        async def fetch() -> Evaluation | None:
            try:
                answer = await self.api.get(f"/api/ops/leads/{seg(lead_id)}/ai-evaluation")
            except NotFound as exc:
                _status, body = server_answer(exc)
                if isinstance(body, dict) and body.get("error") == "NotFound":
                    self.cache.put_latest(self.site_id, lead_id, None)
                    return None
                raise
            raw = answer_data(answer)
            self._observe(fl.from_evaluation(raw))
            ev = evaluation(raw, lead_id)
            self.cache.put_latest(self.site_id, lead_id, ev)
            return ev

        def cached() -> Evaluation | None:
            known, ev = self.cache.latest(self.site_id, lead_id)
            return ev if known else _MISSING

        return await self._read(fetch, cached)

    async def evaluation_history(self, lead_id: str) -> list[Evaluation]:
        async def fetch() -> list[Evaluation]:
            try:
                answer = await self.api.get(f"/api/ops/leads/{seg(lead_id)}/ai-evaluations")
            except GenericNotFound:
                if self.flavour is fl.Flavour.WORKFLOW:
                    raise
                latest = await self.latest_evaluation(lead_id)  # deployed: no history route
                items = [latest] if latest else []
            else:
                items = [e for e in (evaluation(x, lead_id) for x in answer_data(answer) or []) if e]
            self.cache.put_history(self.site_id, lead_id, items)
            return items

        def cached() -> list[Evaluation]:
            items = self.cache.history(self.site_id, lead_id)
            return _MISSING if items is None else items

        return await self._read(fetch, cached)

    async def overrides(self, evaluation_id: str) -> list[Override]:
        async def fetch() -> list[Override]:
            try:
                answer = await self.api.get(f"/api/ops/ai-evaluations/{seg(evaluation_id)}/overrides")
            except GenericNotFound:
                return self.cache.overrides(self.site_id, evaluation_id)  # route not served
            items = [override_from(x, evaluation_id) for x in answer_data(answer) or []]
            self.cache.put_overrides(self.site_id, items)
            return items

        return await self._read(fetch, lambda: self.cache.overrides(self.site_id, evaluation_id))

    async def override(self, evaluation_id: str, recommendation: str, reason: str) -> Override:
        if recommendation not in RECOMMENDATIONS:
            raise InvalidRequest(
                f"{recommendation!r} is not a recommendation; use one of {', '.join(RECOMMENDATIONS)}."
            )
        if not reason.strip():
            raise InvalidRequest("An override needs a reason.")
        try:
            answer = await self.api.post(
                f"/api/ops/ai-evaluations/{seg(evaluation_id)}/override",
                {"recommendation": recommendation, "reason": reason.strip()},
            )
        except GenericNotFound as exc:  # no such route: a deployed worker
            raise NotSupported(
                "This server does not support overrides. Record the decision on the website, "
                "or ask for the server to be updated."
            ) from exc
        stored = override_from(answer_data(answer), evaluation_id)
        self.cache.put_overrides(self.site_id, [stored])
        self._fresh()
        return stored

    async def usage(self) -> Usage:
        month = self.clock().strftime("%Y-%m")

        async def fetch() -> Usage:
            answer = await self.api.get("/api/ops/ai-usage", params={"month": month})
            data = dict(answer_data(answer) or {})
            data.setdefault("month", month)
            usage = Usage.model_validate(data)
            self.cache.put_usage(self.site_id, usage)
            return usage

        return await self._read(fetch, lambda: self.cache.usage(self.site_id, month) or _MISSING)

    async def health(self) -> Health:
        try:
            month = self.clock().strftime("%Y-%m")
            await self.api.get("/api/ops/ai-usage", params={"month": month}, probe=True)
            self._fresh()
        except BackendError:
            pass
        contact = self.api.contact
        last = contact.last_good or self.cache.last_contact(self.site_id)
        if contact.state == "online":
            return Health(state="online", last_contact=last)
        state = "offline" if contact.state == "offline" else "degraded"
        when = ReadInfo(True, last).banner() if state == "offline" else ""
        detail = f"{contact.detail} {when}".strip()
        return Health(state=state, last_contact=last, detail=detail)

    async def terminate_run(self, run_id: str) -> None:
        """Project worker: stop the workflow instance. Deployed workers' jobs cannot be stopped."""
        if fl.from_run_id(run_id) is fl.Flavour.JOB or self.flavour is fl.Flavour.JOB:
            raise NotSupported("Jobs on this server are processed on a schedule; they cannot be stopped from here.")
        await self.api.post(f"/api/ops/ai-workflows/{seg(run_id)}/terminate", {})

    async def retry_run(self, run_id: str) -> RunTicket:
        snap = await self.get_run(run_id)
        if not snap.finished:
            raise InvalidRequest("This run has not finished; wait for it before retrying.")
        if not snap.lead_id:
            raise NotFound("The applicant of this run is unknown; start a new evaluation instead.")
        return await self.start_evaluation(snap.lead_id)

    # -- retention and deletion (this computer's cache; the server keeps its own records) -------

    async def delete_applicant_data(self, lead_id: str, *, reason: str, by: str | None = None) -> int:
        """Purge the cached documents and file list of a lead; returns the documents removed."""
        return await asyncio.to_thread(self.cache.forget_documents, self.site_id, lead_id, reason=reason,
                                       user_id=by or self.api.user_id)

    def set_retention_days(self, days: int | None) -> None:
        if days is not None and days < 0:
            raise InvalidRequest("A retention period cannot be negative.")
        self.cache.set_meta(f"retention_days:{self.site_id}", "" if days is None else str(days))

    def retention_days(self) -> int | None:
        raw = self.cache.meta(f"retention_days:{self.site_id}")
        return int(raw) if raw else None

    async def purge_expired(self, now: datetime | None = None) -> list[str]:
        """Purge the cached copies of closed leads (rejected, lease signed, archived) last changed
        more than the retention period ago; returns the leads purged."""
        days = self.retention_days()
        if days is None:
            return []
        cutoff = (now or self.clock()) - timedelta(days=days)
        done = []
        for lead in self.cache.leads(self.site_id):
            closed = lead.status in CLOSED_STATUSES or not lead.is_active
            changed = lead.updated_at or lead.created_at
            if closed and changed is not None and changed < cutoff and self.cache.files(self.site_id, lead.id):
                await self.delete_applicant_data(
                    lead.id, reason=f"retention period of {days} day(s) after the lead closed", by="retention policy")
                done.append(lead.id)
        return done

    async def aclose(self) -> None:
        me = asyncio.current_task()
        follows = [t for t in self._follows if t is not me and not t.done()]
        for t in follows:
            t.cancel()
        if follows:
            await asyncio.wait(follows, timeout=5)
        await self.api.aclose()
        if self.owns_cache:
            self.cache.close()
