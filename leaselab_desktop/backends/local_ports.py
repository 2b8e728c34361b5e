"""The local backend's side of the screening workflow: store, file store, documents, providers."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import sqlite3
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from leaselab_desktop.application import lifecycle, run_records
from leaselab_desktop.config import ProviderSettings
from leaselab_desktop.domain.models import Evaluation, Lead, LeadFile
from leaselab_desktop.domain.timefmt import utcnow
from leaselab_desktop.screening.documents.analysis_store import AnalysisStore
from leaselab_desktop.screening.documents.filestore import FileStore
from leaselab_desktop.screening.facts import DocumentFacts, DocumentSet, Extraction
from leaselab_desktop.screening.workflow import FatalStepError
from leaselab_desktop.sealing import Sealer, SealError
from leaselab_desktop.secrets import SecretStore
from leaselab_desktop.store import Database, lead_status
from leaselab_desktop.store import evaluations as evals_repo
from leaselab_desktop.store import files as files_repo
from leaselab_desktop.store import leads as leads_repo

log = logging.getLogger(__name__)
WORKERS_AI_TOKEN_KEY = "provider:workers-ai:token"
OPENAI_TOKEN_KEY = "provider:openai-compatible:token"


_SEALED_TEXT = "sealed:v1:"


class LocalScreeningPorts:
    def __init__(
        self,
        db: Database,
        files: FileStore,
        provider_settings: ProviderSettings,
        secrets: SecretStore,
        notify: Callable[[str, str, Evaluation], None],
        clock: Callable[[], datetime] = utcnow,
        analyses: AnalysisStore | None = None,
        sealer: Sealer | None = None,
    ) -> None:
        self.sealer = sealer  # the documents' text in step records is sealed with the store's key
        self.db = db
        self.files = files
        self.analyses = analyses  # documents analysed once (at intake), read by evaluations
        self.provider_settings = provider_settings
        self.secrets = secrets
        self._notify = notify
        self._clock = clock
        # CPU-bound document parsing runs here, never on the event loop's thread.
        self._cpu = ThreadPoolExecutor(max_workers=2, thread_name_prefix="documents")
        # Intake analysis: one background thread, so an evaluation's own documents never queue
        # behind a batch of newly attached ones (it analyses them itself, or waits for the one
        # analysis of the same content that is already running).
        self._intake = ThreadPoolExecutor(max_workers=1, thread_name_prefix="documents-intake")
        self._providers: dict[str, Any] = {}
        self._reused: dict[tuple[str, str], tuple[list[str], dict[str, list[str]]]] = {}
        from leaselab_desktop.screening.policy import load_policy

        self.policy = load_policy()
        self._cpu.submit(_warm_up)  # library imports off the first evaluation's critical path

    def close(self) -> None:
        self._intake.shutdown(wait=True, cancel_futures=True)
        self._cpu.shutdown(wait=True)

    def analyse_at_intake(self, files: list[tuple[LeadFile, Path]]) -> None:
        """Analyse newly received documents in the background and persist the facts by content,
        so that an evaluation only reads them. Fire and forget: an evaluation that comes first
        analyses (or waits for) the documents itself."""
        if self.analyses is None or not files:
            return
        for f, path in files:  # one job each: closing drops the ones not started
            try:
                self._intake.submit(_analyse_quietly, f, path, self.analyses, self.files.contents)
            except RuntimeError:  # shut down: the evaluation will analyse them
                return

    def intake_settled(self) -> Future[None]:
        """Done once every document queued for intake analysis so far has been analysed (the
        intake thread works in order)."""
        return self._intake.submit(lambda: None)

    def now(self) -> datetime:
        return self._clock()

    def seal_text(self, text: str) -> str:
        if self.sealer is None or not text:
            return text
        return _SEALED_TEXT + base64.b64encode(self.sealer.seal(text.encode("utf-8"), "step-text")).decode("ascii")

    def open_text(self, text: str) -> str:
        if not text.startswith(_SEALED_TEXT):
            return text  # not sealed (no keyring accepted, or written before encryption)
        if self.sealer is None:
            raise SealError("The documents' text is encrypted and its key is not available.")
        return self.sealer.open(base64.b64decode(text[len(_SEALED_TEXT):]), "step-text").decode("utf-8")

    async def load_lead(self, site_id: str, lead_id: str) -> Lead | None:
        return await self.db.read(lambda c: leads_repo.get_lead(c, site_id, lead_id))

    async def load_files(self, site_id: str, lead_id: str) -> list[tuple[LeadFile, Path]]:
        def read(c: Any) -> tuple[list[tuple[LeadFile, Path]], dict[str, list[str]]]:
            files = [(f, self.files.path(f.r2_key or "")) for f in files_repo.list_files(c, site_id, lead_id)]
            hashes = [f.sha256 for f, _ in files if f.sha256]
            return files, files_repo.other_leads_with_hashes(c, site_id, lead_id, hashes)

        files, reused = await self.db.read(read)  # path checks resolve links: off the loop too
        # The reuse lookup the workflow makes next, read in the same round trip.
        self._reused[(site_id, lead_id)] = ([f.sha256 for f, _ in files if f.sha256], reused)
        return files

    async def reused_hashes(self, site_id: str, lead_id: str, hashes: list[str]) -> dict[str, list[str]]:
        ahead = self._reused.pop((site_id, lead_id), None)
        if ahead is not None and ahead[0] == hashes:
            return ahead[1]
        return await self.db.read(lambda c: files_repo.other_leads_with_hashes(c, site_id, lead_id, hashes))

    async def analyse_documents(
        self, lead: Lead, files: list[tuple[LeadFile, Path]], reused: dict[str, list[str]]
    ) -> DocumentSet:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._cpu, _analyse_all, lead, files, reused, self.analyses,
                                          self.files.contents)

    def _provider(self, kind: str) -> Any:
        from leaselab_desktop.screening.providers import make_provider

        if kind not in self._providers:
            s = self.provider_settings
            token = None
            if kind == "workers-ai":
                token = self.secrets.get(WORKERS_AI_TOKEN_KEY)
            elif kind == "openai-compatible":
                token = self.secrets.get(OPENAI_TOKEN_KEY)
            self._providers[kind] = make_provider(
                kind, account_id=s.account_id, token=token, base_url=s.base_url, model=s.model,
                vision=s.vision,
            )
        return self._providers[kind]

    async def extract(self, provider: str, lead: Lead, docs: DocumentSet) -> Extraction:
        from leaselab_desktop.screening.providers import ProviderConfigError, ProviderOutputError

        chosen = self._provider(provider)
        try:
            if getattr(chosen, "takes_images", False):
                images = await self._page_images(lead, docs)
                result: Extraction = await chosen.extract(lead, docs, self.policy, images=images)
            else:
                result = await chosen.extract(lead, docs, self.policy)
        except (ProviderOutputError, ProviderConfigError) as exc:
            raise FatalStepError(str(exc)) from exc
        return result

    async def _page_images(self, lead: Lead, docs: DocumentSet) -> list[Any]:
        """Rendered pages for a vision model, off the event loop (pdfium, JPEG encoding)."""
        from leaselab_desktop.screening.providers.vision import page_images

        site_id, lead_id = lead.site_id or "", lead.id
        files = await self.db.read(lambda c: files_repo.list_files(c, site_id, lead_id))
        paths = {f.id: self.files.path(f.r2_key or "") for f in files}
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._cpu, page_images, docs.documents, paths)

    async def save_evaluation(
        self, site_id: str, evaluation: Evaluation, facts: dict[str, Any], file_hashes: list[str],
        forced_reason: str | None, requested_by: str | None,
    ) -> None:
        def tx(c: Any) -> None:
            if evals_repo.insert_evaluation(c, site_id, evaluation, facts=facts, file_hashes=file_hashes,
                                            forced_reason=forced_reason, requested_by=requested_by):
                leads_repo.add_history(c, site_id, evaluation.lead_id or "", "ai_evaluated",
                                       {"evaluation_id": evaluation.evaluation_id, "score": evaluation.score},
                                       requested_by)

        await self.db.write(tx)

    async def update_lead(self, site_id: str, lead_id: str, evaluation: Evaluation) -> None:
        def tx(c: sqlite3.Connection) -> None:
            lead_status.set_ai_result(c, site_id, lead_id, evaluation.score, evaluation.label)
            lifecycle.apply(c, site_id, lead_id, "evaluation_completed")

        await self.db.write(tx)

    async def run_finished(self, instance_id: str, site_id: str, lead_id: str, step: str | None,
                           error: BaseException | None) -> None:
        """The workflow's last word, recorded before the engine reports the run finished (so a
        follower never sees it unrecorded) by the one writer of run records."""
        status = "complete" if error is None else "errored"
        await self.db.write(lambda c: run_records.status_changed(c, instance_id, status, error, step))

    async def notify(self, site_id: str, lead_id: str, evaluation: Evaluation) -> str:
        self._notify(site_id, lead_id, evaluation)
        return "desktop"


def _warm_up() -> None:
    from leaselab_desktop.screening import providers, scoring  # noqa: F401
    from leaselab_desktop.screening.documents import warm_up
    from leaselab_desktop.screening.documents.analysis_store import _code_versions

    warm_up()
    _code_versions()  # the analysis keys' code fingerprint, once per process


def _plain(path: Path, read: Callable[[Path], bytes] | None) -> bytes | Path:
    """The document's bytes as the file store gives them (decrypted); the path itself when the
    file cannot be read, so the analysis reports it as it reports any unreadable file."""
    if read is None:
        return path
    try:
        return read(path)
    except OSError:
        return path


def _analyse_all(lead: Lead, files: list[tuple[LeadFile, Path]], reused: dict[str, list[str]],
                 store: AnalysisStore | None = None, read: Callable[[Path], bytes] | None = None) -> DocumentSet:
    from leaselab_desktop.screening.documents import analyse_file
    from leaselab_desktop.screening.signals import build_document_set

    analysed: list[DocumentFacts] = []
    for f, path in files:
        analysed.append(analyse_file(f.id, f.file_name, f.file_type, _plain(path, read), store=store))
    return build_document_set(lead, analysed, reused)


def _analyse_quietly(f: LeadFile, path: Path, store: AnalysisStore,
                     read: Callable[[Path], bytes] | None = None) -> None:
    from leaselab_desktop.screening.documents import analyse_file

    try:
        analyse_file(f.id, f.file_name, f.file_type, _plain(path, read), store=store)
    except Exception:  # analysis reports bad input as facts; an evaluation analyses again anyway
        log.exception("intake analysis of %s failed", f.file_name)


def dumps(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"))
