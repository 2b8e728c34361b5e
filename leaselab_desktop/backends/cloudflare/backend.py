"""CloudflareBackend: the Backend protocol over the ops API, with the offline cache behind every read."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import uuid
from collections.abc import AsyncIterator
from datetime import datetime

import httpx

from leaselab_desktop.backends.cloudflare import flavour as fl
from leaselab_desktop.backends.cloudflare import retention
from leaselab_desktop.backends.cloudflare.cache import OfflineCache
from leaselab_desktop.backends.cloudflare.client import Clock, GenericNotFound, OpsClient, Sleep, server_answer
from leaselab_desktop.backends.cloudflare.followups import Follows
from leaselab_desktop.backends.cloudflare.freshness import ReadInfo
from leaselab_desktop.backends.cloudflare.intake import ServerManagedIntake
from leaselab_desktop.backends.cloudflare.lead_list import fetch_lead_page, with_property_name
from leaselab_desktop.backends.cloudflare.offline_list import page_leads
from leaselab_desktop.backends.cloudflare.runs import RunReader
from leaselab_desktop.backends.cloudflare.session import FALLBACK_ERRORS, MISSING, ServerSession
from leaselab_desktop.backends.cloudflare.shapes import usage_from
from leaselab_desktop.backends.cloudflare.wire import (
    answer_data,
    evaluation,
    file_from,
    lead_from,
    override_from,
    seg,
    start_ticket,
)
from leaselab_desktop.backends.errors import (
    BackendError,
    BackendUnavailable,
    InvalidRequest,
    NotFound,
    NotSupported,
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

log = logging.getLogger(__name__)
OFFER_LOCAL = (
    "Evaluations cannot be started while the Cloudflare server is unreachable. "
    "Run it with the local executor instead (switch to the local profile), or try again when online."
)




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
        rng = rng or random.Random()
        self.api = OpsClient(
            base_url, site_id=site_id, user_id=user_id, token=token, client=client,
            timeout_s=timeout_s, read_retries=read_retries, clock=clock, sleep=sleep, rng=rng,
        )
        self.site_id = site_id
        self.cache = cache
        self.owns_cache = owns_cache  # close the cache in aclose() (the factory's backends)
        self.clock = clock
        self.session = ServerSession(self.api, cache, site_id=site_id, clock=clock)
        self.runs = RunReader(self.session, polling=polling or PollingSettings(), sleep=sleep, rng=rng)
        self._follows = Follows()

    def __repr__(self) -> str:
        return f"CloudflareBackend({self.api.base_url!r}, site_id={self.site_id!r})"

    @property
    def flavour(self) -> fl.Flavour:
        return self.session.flavour

    @property
    def last_read(self) -> ReadInfo:
        """How fresh the last answered read was (live, or from the offline cache)."""
        return self.session.last_read

    @property
    def documents_cache_reason(self) -> str:
        """Empty when documents are cached (encrypted); otherwise why not, for Settings."""
        return self.cache.documents_reason

    # -- leads and files ----------------------------------------------------------------------

    async def list_leads(self, query: LeadQuery) -> LeadPage:
        def cached() -> LeadPage:
            leads = self.cache.leads(self.site_id)
            return page_leads(leads, query) if leads else MISSING

        return await self.session.read(lambda: fetch_lead_page(self.api, self.session, query), cached)

    async def list_lead_rows(self, query: LeadQuery) -> LeadRows:
        # The server's pages are small (500): the columns are built from the leads it sends.
        page = await self.list_leads(query)
        rows = LeadRows.from_leads(page.items, page.next_cursor)
        rows.notice, rows.capped = page.notice, page.capped
        return rows

    async def get_lead(self, lead_id: str) -> Lead:
        async def fetch() -> Lead:
            answer = await self.api.get(f"/api/ops/leads/{seg(lead_id)}")
            lead = with_property_name(self.cache, self.site_id, lead_from(answer_data(answer)))
            self.cache.put_leads(self.site_id, [lead], self.clock())
            return lead

        return await self.session.read(fetch, lambda: self.cache.lead(self.site_id, lead_id) or MISSING)

    async def list_files(self, lead_id: str) -> list[LeadFile]:
        async def fetch() -> list[LeadFile]:
            answer = await self.api.get(f"/api/ops/leads/{seg(lead_id)}/files")
            files = [file_from(x) for x in answer_data(answer) or []]
            self.cache.put_files(self.site_id, lead_id, files)
            return files

        def cached() -> list[LeadFile]:
            files = self.cache.files(self.site_id, lead_id)
            return MISSING if files is None else files

        return await self.session.read(fetch, cached)

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
        self.session.fresh()
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
                self.session.observe(fl.from_error(status, err_body))
            raise
        ticket, flavour = start_ticket(answer.payload, lead_id)
        self.session.observe(flavour)
        usage = ticket.usage
        if usage is not None:
            self.cache.put_usage(self.site_id, usage)
        self.cache.put_run(self.site_id, RunSnapshot(
            run_id=ticket.run_id, lead_id=ticket.lead_id, status=ticket.status, queued_at=ticket.requested_at,
            can_terminate=flavour is not fl.Flavour.JOB,
        ), flavour.run_kind)
        self.session.fresh()
        return ticket

    async def get_run(self, run_id: str) -> RunSnapshot:
        return await self.runs.get(run_id)

    def watch_run(self, run_id: str) -> AsyncIterator[RunSnapshot]:
        """A snapshot at once, then one per visible change; ends after a finished one."""
        return self._follows.follow(self.runs, run_id)

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

    async def list_runs(self, limit: int = 20) -> list[RunSnapshot]:
        """The server lists no runs: those this app started or followed, unfinished ones refreshed."""
        out: list[RunSnapshot] = []
        for held in self.cache.recent_runs(self.site_id, limit):
            try:
                out.append(held if held.finished else await self.get_run(held.run_id))
            except NotFound:
                self.cache.forget_run(self.site_id, held.run_id)
        return out

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
            self.session.observe(fl.from_evaluation(raw))
            ev = evaluation(raw, lead_id)
            self.cache.put_latest(self.site_id, lead_id, ev)
            return ev

        def cached() -> Evaluation | None:
            known, ev = self.cache.latest(self.site_id, lead_id)
            return ev if known else MISSING

        return await self.session.read(fetch, cached)

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
            return MISSING if items is None else items

        return await self.session.read(fetch, cached)

    async def overrides(self, evaluation_id: str) -> list[Override]:
        async def fetch() -> list[Override]:
            try:
                answer = await self.api.get(f"/api/ops/ai-evaluations/{seg(evaluation_id)}/overrides")
            except GenericNotFound:
                return self.cache.overrides(self.site_id, evaluation_id)  # route not served
            items = [override_from(x, evaluation_id) for x in answer_data(answer) or []]
            self.cache.put_overrides(self.site_id, items)
            return items

        return await self.session.read(fetch, lambda: self.cache.overrides(self.site_id, evaluation_id))

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
            raise NotSupported("This server does not support overrides. Record the decision on the website, "
                               "or ask for the server to be updated.") from exc
        stored = override_from(answer_data(answer), evaluation_id)
        self.cache.put_overrides(self.site_id, [stored])
        self.session.fresh()
        return stored

    async def usage(self) -> Usage:
        month = self.clock().strftime("%Y-%m")

        async def fetch() -> Usage:
            answer = await self.api.get("/api/ops/ai-usage", params={"month": month})
            usage = usage_from(answer_data(answer) or {}, month)
            if usage is None:
                raise BackendUnavailable("The server's usage answer could not be read.")
            self.cache.put_usage(self.site_id, usage)
            return usage

        return await self.session.read(fetch, lambda: self.cache.usage(self.site_id, month) or MISSING)

    async def health(self) -> Health:
        try:
            month = self.clock().strftime("%Y-%m")
            await self.api.get("/api/ops/ai-usage", params={"month": month}, probe=True)
            self.session.fresh()
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

    # -- retention and deletion: this computer's cached copies (retention.py) -------------------

    async def delete_applicant_data(self, lead_id: str, *, reason: str, by: str | None = None) -> int:
        """Purge the cached documents and file list of a lead; returns the documents removed."""
        return await asyncio.to_thread(self.cache.forget_documents, self.site_id, lead_id, reason=reason,
                                       user_id=by or self.api.user_id)

    def set_retention_days(self, days: int | None) -> None:
        retention.set_retention_days(self.cache, self.site_id, days)

    def retention_days(self) -> int | None:
        return retention.retention_days(self.cache, self.site_id)

    async def purge_expired(self, now: datetime | None = None) -> list[str]:
        return await asyncio.to_thread(retention.purge_expired, self.cache, self.site_id, now or self.clock())

    async def aclose(self) -> None:
        await self._follows.cancel_all()  # before the cache closes
        await self.api.aclose()
        if self.owns_cache:
            self.cache.close()
