"""Evaluation admission: whether a lead may be evaluated now (already running, documents
unchanged since the last evaluation, monthly quota), decided inside one store transaction so that
two starts cannot both pass."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from urllib.parse import urlparse

from leaselab_desktop.backends import errors
from leaselab_desktop.config import ProviderSettings
from leaselab_desktop.domain.models import Lead
from leaselab_desktop.domain.spec import load_spec
from leaselab_desktop.domain.timefmt import parse_timestamp
from leaselab_desktop.domain.wording import provider_name, wording
from leaselab_desktop.store import evaluations as evals_repo
from leaselab_desktop.store import files as files_repo
from leaselab_desktop.store import leads as leads_repo
from leaselab_desktop.store import runs as runs_repo
from leaselab_desktop.store import usage as usage_repo

DUPLICATE_THRESHOLD = load_spec().thresholds.duplicate_documents  # the shared spec; the worker reads it too


def provider_costs_money(settings: ProviderSettings) -> bool:
    """Only paid providers count against the monthly quota: Workers AI, or a remote OpenAI-style API."""
    if settings.kind == "workers-ai":
        return True
    if settings.kind == "openai-compatible":
        host = urlparse(settings.base_url or "").hostname or ""
        return host not in {"localhost", "127.0.0.1", "::1"}
    return False


# What an agent reads for each provider kind (the quota meter, the Force dialog): the one vocabulary.
PROVIDER_WORDS = dict(wording().providers)
COUNTING_RULE = ("Only paid AI providers count against the monthly quota: Workers AI and AI services on other "
                 "computers. The built-in rules and an AI model on this computer are free.")


def provider_words(kind: str | None) -> str:
    return provider_name(kind)


def kind_costs_money(settings: ProviderSettings, kind: str) -> bool:
    """Whether a run by ``kind`` (a past run's provider) counts, by the same rule as the current one."""
    return provider_costs_money(settings.model_copy(update={"kind": kind}))


def overlap(current: list[str], previous: list[str]) -> float:
    """Share of document hashes the two sets have in common (1.0 when both are empty)."""
    a, b = set(current), set(previous)
    if not a and not b:
        return 1.0
    return len(a & b) / max(len(a), len(b))


@dataclass(frozen=True)
class Request:
    site_id: str
    lead_id: str
    force: bool
    reason: str | None
    counts_quota: bool  # a paid provider: the run uses one unit of the month's quota
    month: str


def check_request(force: bool, reason: str | None) -> None:
    if force and not (reason and reason.strip()):
        raise errors.InvalidRequest("A forced re-evaluation needs a reason.")


def admit(conn: sqlite3.Connection, req: Request) -> Lead:
    """Raise the error a leasing agent sees when the lead may not be evaluated now; otherwise
    consume the quota unit (when it counts) and return the lead. Run inside a write transaction."""
    lead = leads_repo.get_lead(conn, req.site_id, req.lead_id)
    if lead is None:
        raise errors.NotFound(f"Lead {req.lead_id} was not found in this site.")
    active = runs_repo.active_run(conn, req.site_id, req.lead_id)
    if active is not None:
        raise errors.AlreadyRunning(
            f"An evaluation of {lead.full_name} is already running.", run_id=active["instance_id"])
    last = evals_repo.latest_file_hashes(conn, req.site_id, req.lead_id)
    if last is not None and not req.force:
        current = [f.sha256 or "" for f in files_repo.list_files(conn, req.site_id, req.lead_id)]
        if overlap(current, last[0]) >= DUPLICATE_THRESHOLD:
            when = parse_timestamp(last[2])
            raise errors.DuplicateDocuments(
                f"The documents of {lead.full_name} have not changed since the last evaluation"
                f" on {when:%Y-%m-%d %H:%M} UTC. Force a re-evaluation with a reason if needed.",
                last_evaluation_id=last[1], last_evaluated_at=when, can_force=True)
    if req.counts_quota and usage_repo.try_consume(conn, req.site_id, req.month) is None:
        u = usage_repo.usage(conn, req.site_id, req.month)
        raise errors.QuotaExceeded(
            f"You have reached your monthly AI evaluation limit ({u.evaluation_count}/{u.quota_limit}).", usage=u)
    return lead


def give_back(conn: sqlite3.Connection, req: Request) -> None:
    """The admitted run could not start: return its quota unit."""
    if req.counts_quota:
        usage_repo.give_back(conn, req.site_id, req.month)
