"""Retention and *Delete applicant data* on a Cloudflare profile: this computer's cached copies.

The server keeps its own records (no route deletes them from here). The cache's copies of a lead's
documents and file list go; the cached lead and evaluations stay, and the cache's ``audit`` table
records what went, when, by whom and why.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from leaselab_desktop.backends.cloudflare.cache import OfflineCache
from leaselab_desktop.backends.errors import InvalidRequest
from leaselab_desktop.store.retention import CLOSED_STATUSES


def _key(site_id: str) -> str:
    return f"retention_days:{site_id}"


def retention_days(cache: OfflineCache, site_id: str) -> int | None:
    raw = cache.meta(_key(site_id))
    return int(raw) if raw else None


def set_retention_days(cache: OfflineCache, site_id: str, days: int | None) -> None:
    if days is not None and days < 0:
        raise InvalidRequest("A retention period cannot be negative.")
    cache.set_meta(_key(site_id), "" if days is None else str(days))


def purge_expired(cache: OfflineCache, site_id: str, now: datetime) -> list[str]:
    """Purge the cached copies of closed leads (rejected, lease signed, archived) last changed
    more than the retention period ago; returns the leads purged."""
    days = retention_days(cache, site_id)
    if days is None:
        return []
    cutoff = now - timedelta(days=days)
    done = []
    for lead in cache.leads(site_id):
        closed = lead.status in CLOSED_STATUSES or not lead.is_active
        changed = lead.updated_at or lead.created_at
        if closed and changed is not None and changed < cutoff and cache.files(site_id, lead.id):
            cache.forget_documents(site_id, lead.id, reason=f"retention period of {days} day(s) after the "
                                   "lead closed", user_id="retention policy")
            done.append(lead.id)
    return done
