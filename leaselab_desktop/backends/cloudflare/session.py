"""One site's session with an ops API server: which flavour answers, how fresh the last read was,
and reads that fall back to the offline cache. Shared by the backend and the run followers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from leaselab_desktop.backends.cloudflare import flavour as fl
from leaselab_desktop.backends.cloudflare.cache import OfflineCache
from leaselab_desktop.backends.cloudflare.client import Clock, OpsClient, server_answer
from leaselab_desktop.backends.cloudflare.freshness import ReadInfo
from leaselab_desktop.backends.errors import BackendUnavailable, Unauthorized

log = logging.getLogger(__name__)
T = TypeVar("T")
# A ``cached`` callable returns this when it holds nothing to serve.
MISSING: Any = object()
FALLBACK_ERRORS = (BackendUnavailable, Unauthorized)


class ServerSession:
    def __init__(self, api: OpsClient, cache: OfflineCache, *, site_id: str, clock: Clock) -> None:
        self.api = api
        self.cache = cache
        self.site_id = site_id
        self.clock = clock
        self._flavour_key = f"flavour:{api.base_url}"
        self.detector = fl.FlavourDetector(fl.parse(cache.meta(self._flavour_key)))
        self.last_read = ReadInfo()

    @property
    def flavour(self) -> fl.Flavour:
        return self.detector.flavour

    def observe(self, seen: fl.Flavour) -> None:
        """Note what an answer says about the server's flavour (the first conclusive one is kept)."""
        before = self.detector.flavour
        if self.detector.observe(seen) is not before:
            self.cache.set_meta(self._flavour_key, self.detector.flavour.value)

    def fresh(self) -> None:
        """The server just answered: reads are live again."""
        now = self.clock()
        self.last_read = ReadInfo(stale=False, as_of=now)
        self.cache.mark_contact(self.site_id, now)

    async def read(self, fetch: Callable[[], Awaitable[T]], cached: Callable[[], T]) -> T:
        """``fetch()``; while the server is away or refuses the token, what ``cached()`` holds."""
        try:
            result = await fetch()
        except FALLBACK_ERRORS as exc:
            value = cached()
            if value is MISSING:
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
        self.fresh()
        return result
