"""Provider errors. ``str(err)`` is a message an agent or admin can act on."""

from __future__ import annotations


class ProviderError(Exception):
    """Base class of every provider failure."""

    retryable = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ProviderUnavailable(ProviderError):
    """Network failure, timeout, 429 or 5xx: retrying later may help."""

    retryable = True

    def __init__(
        self, message: str, status: int | None = None, retry_after: str | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class ProviderOutputError(ProviderError):
    """The model answered, but nothing usable could be read from it. Never replaced by a guess."""


class ProviderConfigError(ProviderError):
    """Bad or missing configuration, a rejected token, or a model licence not accepted."""
