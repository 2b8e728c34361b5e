"""HTTP transport for the ops API: headers, both error envelopes, typed errors, ETag, read retries.

Only idempotent reads (GET) are retried. POSTs are sent once; starts carry an ``Idempotency-Key`` so
a caller that retries on purpose cannot create a second run on the project's worker.
The bearer token is held privately and never appears in reprs, log lines or exception messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from leaselab_desktop.backends.cloudflare.envelopes import (
    GenericNotFound,
    error_for,
    server_answer,
    with_body,
)
from leaselab_desktop.backends.errors import BackendError, BackendUnavailable, InvalidRequest, Unauthorized
from leaselab_desktop.domain.timefmt import utcnow

# Re-exported: callers read typed errors' server answers and tell a generic 404 from a known one.
__all__ = ["Answer", "EventStream", "GenericNotFound", "OpsClient", "StreamBroken", "StreamUnsupported",
           "error_for", "server_answer"]

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({502, 503, 504})
Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]


class _Secret:
    """Holds a token; its str/repr are redacted so crash reports and ``vars()`` dumps stay clean."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "<redacted>"

    __str__ = __repr__


@dataclass
class Answer:
    status: int
    payload: Any
    etag: str | None = None
    not_modified: bool = False
    content: bytes = b""
    content_type: str | None = None


class StreamUnsupported(Exception):
    """The server does not offer the run stream (no route, or not an event stream)."""


class StreamBroken(Exception):
    """The stream could not be opened or read to its end (transport, 5xx, stall, cut, garbage)."""


@dataclass
class EventStream:
    """An open ``text/event-stream`` answer: iterate ``chunks()``. Silence (not even a keep-alive)
    for ``stall_s`` seconds ends it with :class:`StreamBroken`."""

    response: httpx.Response
    keepalive_s: float

    @property
    def stall_s(self) -> float:
        return self.keepalive_s * 2 + 0.5

    async def chunks(self) -> AsyncIterator[bytes]:
        it = self.response.aiter_bytes().__aiter__()
        while True:
            try:
                chunk = await asyncio.wait_for(it.__anext__(), self.stall_s)
            except StopAsyncIteration:
                return
            except (TimeoutError, httpx.TimeoutException) as exc:
                raise StreamBroken(f"no data for {self.stall_s:.1f} s (stalled)") from exc
            except (httpx.TransportError, httpx.StreamError) as exc:
                raise StreamBroken(f"the connection broke ({type(exc).__name__})") from exc
            yield chunk


@dataclass
class ContactState:
    """What the last exchange with the server told us (feeds ``health()``)."""

    last_good: datetime | None = None
    last_attempt: datetime | None = None
    state: str = "unknown"  # online | degraded | offline | unknown
    detail: str = ""
    history: list[str] = field(default_factory=list)

    def ok(self, now: datetime) -> None:
        self.last_good = now
        self.last_attempt = now
        self.state = "online"
        self.detail = ""

    def bad(self, now: datetime, state: str, detail: str) -> None:
        self.last_attempt = now
        self.state = state
        self.detail = detail


class OpsClient:
    """One site's view of an ops API server."""

    def __init__(
        self,
        base_url: str,
        *,
        site_id: str,
        user_id: str,
        token: str | None,
        client: httpx.AsyncClient | None = None,
        timeout_s: float = 10.0,
        read_retries: int = 2,
        retry_delay_s: float = 0.2,
        offline_grace_s: float = 3.0,
        clock: Clock = utcnow,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InvalidRequest(f"The server address {base_url!r} is not an http(s) URL.")
        self.base_url = base_url.rstrip("/")
        self._origin = f"{parts.scheme}://{parts.netloc}"
        self.site_id = site_id
        self.user_id = user_id
        self.__token = _Secret(token) if token else None
        self._own_client = client is None
        self._http = client or httpx.AsyncClient(timeout=httpx.Timeout(timeout_s))
        self._timeout = httpx.Timeout(timeout_s)
        self.read_retries = read_retries
        self.retry_delay_s = retry_delay_s
        self.offline_grace_s = offline_grace_s
        self.clock = clock
        self.sleep = sleep
        self._rng = rng or random.Random()
        self.contact = ContactState()
        self._etags: dict[str, tuple[str, Any]] = {}
        # The run stream: None until tried, then whether this server offers it (one server per client).
        self.stream_support: bool | None = None
        self.stream_keepalive_s = 10.0
        self.stream_empty_opens = 0  # streams opened in a row that delivered no event

    def __repr__(self) -> str:
        token = "set" if self.__token else "none"
        return f"OpsClient({self.base_url!r}, site_id={self.site_id!r}, token={token})"

    @property
    def has_token(self) -> bool:
        return bool(self.__token)

    def set_token(self, token: str | None) -> None:
        self.__token = _Secret(token) if token else None

    async def aclose(self) -> None:
        if self._own_client:
            await self._http.aclose()

    def _headers(self, url: str, method: str) -> dict[str, str]:
        headers = {"X-Site-Id": self.site_id}
        if method != "GET":  # the agent is named on writes (starts, overrides); reads stay small
            headers["X-User-Id"] = self.user_id
        # The token goes only to the configured server, never to other hosts (signed URLs).
        if self.__token and url.startswith(self._origin + "/"):
            headers["Authorization"] = f"Bearer {self.__token.reveal()}"
        return headers

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else self.base_url + path

    async def get(
        self, path: str, *, params: dict[str, Any] | None = None, use_etag: bool = False,
        raw: bool = False, probe: bool = False,
    ) -> Answer:
        """A read. Within ``offline_grace_s`` of finding the server unreachable, reads fail at once
        (callers serve the cache without waiting for a timeout each); ``probe`` always tries."""
        return await self._send("GET", path, params=params, use_etag=use_etag, raw=raw, probe=probe)

    def _recently_offline(self) -> bool:
        c = self.contact
        if c.state != "offline" or c.last_attempt is None:
            return False
        return (self.clock() - c.last_attempt).total_seconds() < self.offline_grace_s

    def held_answer(self, path: str) -> tuple[str, Any] | None:
        """The ETag and payload last seen for a parameterless GET of ``path`` with ``use_etag``."""
        return self._etags.get(self.url(path) + "?{}")

    def remember_etag(self, path: str, etag: str, payload: Any) -> None:
        """Hold ``payload`` as the answer for ``etag`` (a stream's state), so a poll can get a 304."""
        self._etags[self.url(path) + "?{}"] = (etag, payload)

    @contextlib.asynccontextmanager
    async def stream(
        self, path: str, *, params: dict[str, Any] | None = None, last_event_id: str | None = None,
        keepalive_s: float = 10.0,
    ) -> AsyncIterator[EventStream]:
        """Open a Server-Sent Events stream (one attempt, never retried here).

        Raises :class:`StreamUnsupported` for a generic 404 / 405 / 501 or an answer that is not an
        event stream, ``NotFound`` for a known-missing record, :class:`StreamBroken` for anything
        else (transport, 401/403, 5xx). Reads time out after ``2 × keepalive`` seconds of silence,
        using the keep-alive interval the server announces (``X-Keepalive-Seconds``)."""
        url = self.url(path)
        headers = self._headers(url, "GET")
        headers["Accept"] = "text/event-stream"
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        clean = {k: v for k, v in (params or {}).items() if v is not None and v != ""}
        params = {**clean, "keepalive": f"{keepalive_s:g}"}
        # reads are bounded by EventStream's stall limit; httpx's read timeout is only a backstop
        limits = httpx.Timeout(self._timeout.connect or 10.0, read=max(keepalive_s, 15.0) * 2 + 5)
        request = self._http.build_request("GET", url, params=params, headers=headers, timeout=limits)
        try:
            response = await self._http.send(request, stream=True)
        except httpx.TimeoutException as exc:
            raise StreamBroken("the server did not answer in time") from exc
        except httpx.TransportError as exc:
            raise StreamBroken(f"could not reach the server ({type(exc).__name__})") from exc
        try:
            status = response.status_code
            ctype = (response.headers.get("content-type") or "").split(";")[0].strip().lower()
            if status == 200 and ctype == "text/event-stream":
                # the server's announced interval sets the stall limit
                announced = _seconds(response.headers.get("x-keepalive-seconds"))
                self.contact.ok(self.clock())
                yield EventStream(response, announced or keepalive_s)
                return
            if status == 200:
                raise StreamUnsupported(f"the answer is {ctype or 'untyped'}, not an event stream")
            try:
                await response.aread()
                payload = response.json() if response.content else None
            except (ValueError, httpx.HTTPError):
                payload = None
            if status in (405, 501):
                raise StreamUnsupported(f"HTTP {status}")
            if status == 404:
                err = error_for(status, payload)
                if isinstance(err, GenericNotFound):
                    raise StreamUnsupported("no such route")
                raise with_body(err, status, payload)
            raise StreamBroken(f"HTTP {status}")
        finally:
            await response.aclose()

    async def post(
        self, path: str, body: dict[str, Any], *, idempotency_key: str | None = None
    ) -> Answer:
        return await self._send("POST", path, body=body, idempotency_key=idempotency_key)

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
        use_etag: bool = False,
        raw: bool = False,
        probe: bool = False,
    ) -> Answer:
        url = self.url(path)
        if method == "GET" and not probe and self._recently_offline():
            raise BackendUnavailable(self.contact.detail or f"The server at {self._origin} is unreachable.")
        clean = {k: v for k, v in (params or {}).items() if v is not None and v != ""}
        cache_key = url + "?" + json.dumps(clean, sort_keys=True)
        attempts = 1 + (self.read_retries if method == "GET" else 0)
        last_error: BackendError | None = None
        for attempt in range(attempts):
            if attempt:
                delay = self.retry_delay_s * (2 ** (attempt - 1))
                await self.sleep(delay * (0.5 + self._rng.random()))
            headers = self._headers(url, method)
            if idempotency_key:
                headers["Idempotency-Key"] = idempotency_key
            if use_etag and cache_key in self._etags:
                headers["If-None-Match"] = self._etags[cache_key][0]
            try:
                response = await self._http.request(
                    method, url, params=clean or None, json=body, headers=headers,
                    timeout=self._timeout,
                )
            except httpx.TimeoutException:
                last_error = self._offline(f"The server at {self._origin} did not answer in time.")
                continue
            except httpx.TransportError as exc:
                last_error = self._offline(
                    f"Could not reach the server at {self._origin} ({type(exc).__name__})."
                )
                continue
            if method == "GET" and response.status_code in RETRY_STATUSES:
                last_error = self._degraded(
                    f"The server at {self._origin} is unavailable (HTTP {response.status_code})."
                )
                continue
            return self._read(response, cache_key, use_etag=use_etag, raw=raw)
        assert last_error is not None
        raise last_error

    def _offline(self, message: str) -> BackendUnavailable:
        self.contact.bad(self.clock(), "offline", message)
        log.info("ops api offline: %s", message)
        return BackendUnavailable(message)

    def _degraded(self, message: str) -> BackendUnavailable:
        self.contact.bad(self.clock(), "degraded", message)
        log.info("ops api degraded: %s", message)
        return BackendUnavailable(message)

    def _read(self, response: httpx.Response, cache_key: str, *, use_etag: bool, raw: bool) -> Answer:
        status = response.status_code
        if status == 304 and use_etag and cache_key in self._etags:
            self.contact.ok(self.clock())
            etag, payload = self._etags[cache_key]
            return Answer(status=304, payload=payload, etag=etag, not_modified=True)
        ctype = response.headers.get("content-type")
        if raw and status < 300:
            self.contact.ok(self.clock())
            return Answer(status=status, payload=None, content=response.content, content_type=ctype)
        try:
            payload = response.json() if response.content else None
        except ValueError:
            payload = _NOT_JSON
        if payload is _NOT_JSON:
            if status in (401, 403):
                err = error_for(status, None)
                self._note_error(status, err)
                raise with_body(err, status, None)
            raise self._degraded(
                f"The server at {self._origin} answered with unreadable data (HTTP {status})."
            )
        if status >= 400:
            err = error_for(status, payload)
            self._note_error(status, err)
            raise with_body(err, status, payload)
        self.contact.ok(self.clock())
        etag = response.headers.get("etag")
        if use_etag and etag:
            self._etags[cache_key] = (etag, payload)
        return Answer(status=status, payload=payload, etag=etag, content_type=ctype)

    def _note_error(self, status: int, err: BackendError) -> None:
        now = self.clock()
        if status >= 500 or isinstance(err, Unauthorized):
            self.contact.bad(now, "degraded", err.message)
        else:
            self.contact.ok(now)  # a clear, well-formed refusal means the server is fine


_NOT_JSON = object()


def _seconds(raw: str | None) -> float | None:
    try:
        value = float(raw) if raw else None
    except ValueError:
        return None
    return value if value is not None and 0 < value <= 300 else None


