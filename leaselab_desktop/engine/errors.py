"""Errors the engine raises or records. Messages are written for the person reading them."""

from __future__ import annotations

from typing import Any


class EngineError(Exception):
    """Base class of every error the engine raises to its callers."""


class EngineDatabaseError(EngineError):
    """The engine's SQLite file cannot be used (garbage, truncated, unreadable). The file is kept."""


class EngineSchemaTooNew(EngineDatabaseError):
    """The database was written by a newer version of the engine."""


class EngineLocked(EngineDatabaseError):
    """Another engine (another copy of the app) has the database open."""


class EngineClosed(EngineError):
    """The engine is not started or has been closed."""


class InvalidInstanceId(EngineError, ValueError):
    """An instance id does not match ``^[A-Za-z0-9_][A-Za-z0-9_-]{0,99}$``."""


class DuplicateInstance(EngineError):
    """An instance with this id already exists."""


class InstanceNotFound(EngineError, LookupError):
    """No instance with this id (in this workflow)."""


class UnknownWorkflow(EngineError, LookupError):
    """No workflow registered under this name."""


class InvalidTransition(EngineError):
    """The requested control action does not apply to the instance's current status."""


class InvalidPayload(EngineError, ValueError):
    """Params, event payloads or outputs that are not JSON or exceed 1 MiB."""


class NonRetryableError(Exception):
    """Raise from a step function to fail the step at once, without further retries."""


class StepResultError(NonRetryableError):
    """A step function returned something that cannot be stored (not JSON, or over 1 MiB)."""


class WaitForEventTimeout(Exception):
    """``step.wait_for_event`` ran out of time before a matching event arrived."""


class StepError(Exception):
    """A step failure replayed from storage: keeps the original error's name and message."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.error_name = name
        self.message = message


def error_info(exc: BaseException) -> dict[str, str]:
    """``{name, message}`` as Cloudflare reports an error."""
    name = getattr(exc, "error_name", None) or type(exc).__name__
    message = str(exc) or name
    return {"name": str(name), "message": message}


def error_from_info(info: dict[str, Any] | None) -> StepError:
    info = info or {}
    return StepError(str(info.get("name", "Error")), str(info.get("message", "")))
