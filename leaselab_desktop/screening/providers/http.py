"""HTTP plumbing shared by the model providers: bounded retries with backoff, timeouts, errors."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from leaselab_desktop.engine import note_request_sent
from leaselab_desktop.screening.providers.errors import (
    ProviderConfigError,
    ProviderOutputError,
    ProviderUnavailable,
)

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 2  # attempts = max_retries + 1
    backoff: float = 1.0  # seconds; delay n = backoff * 2**(n-1)
    max_delay: float = 20.0  # Retry-After is honoured up to this
    retry_timeouts: bool = True  # False for slow local models: a second wait rarely ends better

    def delay(self, retry: int, retry_after: str | None) -> float:
        if retry_after:
            try:
                return min(max(float(retry_after), 0.0), self.max_delay)
            except ValueError:
                pass
        return min(self.backoff * 2.0 ** (retry - 1), self.max_delay)


def _excerpt(response: httpx.Response) -> str:
    try:
        return " ".join(response.text.split())[:200]
    except (UnicodeDecodeError, httpx.ResponseNotRead):
        return ""


async def post_json(
    client: httpx.AsyncClient,
    url: str,
    *,
    body: dict[str, Any],
    headers: dict[str, str],
    timeout: float,
    retry: RetryPolicy,
    service: str,
    sleep: Sleep = asyncio.sleep,
    inspect: Callable[[httpx.Response], None] | None = None,
) -> Any:
    """POST ``body``; return the decoded JSON of a 2xx answer.

    ``inspect`` sees every answer first and may raise a provider-specific error (e.g. licence).
    429, 5xx, timeouts and network errors are retried ``retry.max_retries`` times, then raise
    ``ProviderUnavailable``; 401/403 and other 4xx raise ``ProviderConfigError`` at once.
    """
    last: ProviderUnavailable | None = None
    for attempt in range(retry.max_retries + 1):
        if attempt:
            await sleep(retry.delay(attempt, last.retry_after if last else None))
        request = client.build_request("POST", url, json=body, headers=headers, timeout=timeout)
        # The request hook: a paid call is on record (the running step attempt marked "request
        # sent", committed) before any of its bytes can leave; see engine.note_request_sent.
        await note_request_sent()
        try:
            response = await client.send(request)
        except httpx.TimeoutException:
            last = ProviderUnavailable(f"{service} did not answer within {timeout:g} s.")
            if not retry.retry_timeouts:
                raise last from None
            continue
        except httpx.TransportError as exc:
            last = ProviderUnavailable(f"{service} cannot be reached at {url}: {exc.__class__.__name__}.")
            continue
        if inspect is not None:
            inspect(response)
        status = response.status_code
        if status == 429 or status >= 500:
            what = "is rate-limiting requests (429)" if status == 429 else f"failed ({status})"
            last = ProviderUnavailable(
                f"{service} {what}: {_excerpt(response)}",
                status=status,
                retry_after=response.headers.get("retry-after"),
            )
            continue
        if status in (401, 403):
            raise ProviderConfigError(
                f"{service} refused the credentials ({status}). Check the API token in Settings → "
                "AI provider."
            )
        if status >= 400:
            raise ProviderConfigError(f"{service} refused the request ({status}): {_excerpt(response)}")
        try:
            return response.json()
        except ValueError:
            raise ProviderOutputError(
                f"{service} answered {status} with something that is not JSON: {_excerpt(response)!r}"
            ) from None
    assert last is not None
    if retry.max_retries:
        last.message = f"{last.message} (gave up after {retry.max_retries + 1} attempts)"
        last.args = (last.message,)
    raise last
