"""Typed backend errors. Each carries a message a leasing agent can act on."""

from __future__ import annotations

from datetime import datetime

from leaselab_desktop.domain.models import Evaluation, Usage


class BackendError(Exception):
    """Base class; ``str(err)`` is the message shown to the agent."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(BackendError):
    pass


class Unauthorized(BackendError):
    """401/403: the token is missing, wrong, or grants no access to this site."""


class BackendUnavailable(BackendError):
    """The server could not be reached or answered garbage; reads may fall back to the cache."""


class InvalidRequest(BackendError):
    """The request was refused as malformed (400); retrying it unchanged will not help."""


class QuotaExceeded(BackendError):
    def __init__(self, message: str, usage: Usage | None = None) -> None:
        super().__init__(message)
        self.usage = usage


class DuplicateDocuments(BackendError):
    def __init__(
        self,
        message: str,
        last_evaluation_id: str | None = None,
        last_evaluated_at: datetime | None = None,
        can_force: bool = True,
        last_evaluation: Evaluation | None = None,
    ) -> None:
        super().__init__(message)
        self.last_evaluation_id = last_evaluation_id
        self.last_evaluated_at = last_evaluated_at
        self.can_force = can_force
        self.last_evaluation = last_evaluation


class AlreadyRunning(BackendError):
    def __init__(self, message: str, run_id: str | None = None) -> None:
        super().__init__(message)
        self.run_id = run_id


class AlreadyEvaluated(BackendError):
    """Deployed-job flavour: the lead already has an evaluation and force was not set."""

    def __init__(self, message: str, evaluation_id: str | None = None) -> None:
        super().__init__(message)
        self.evaluation_id = evaluation_id


class NotSupported(BackendError):
    """The backend cannot do this (e.g. creating leads on a deployed worker)."""
