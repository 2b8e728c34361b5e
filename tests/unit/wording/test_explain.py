"""Every error in three parts with the action that helps; the original text only in ``detail``."""

from __future__ import annotations

import re

import pytest

from leaselab_desktop.backends.errors import BackendUnavailable, NotFound, QuotaExceeded, Unauthorized
from leaselab_desktop.domain.explain import Explanation, explain_exception, explain_text, split_error_text
from leaselab_desktop.engine.step import StepTimeoutError
from leaselab_desktop.screening.providers.errors import (
    ProviderConfigError,
    ProviderOutputError,
    ProviderUnavailable,
)

ISSUE = ("ProviderUnavailable: The model server at http://127.0.0.1:11434/v1 cannot be reached at "
         "http://127.0.0.1:11434/v1/chat/completions: ConnectError. (gave up after 3 attempts)")
CLASS_NAME = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)+\b")


def _plain(e: Explanation) -> None:
    """No class name, no URL, no 'gave up'; a what, a meaning and a way forward."""
    for part in (e.what, e.means, e.todo):
        assert not CLASS_NAME.search(part), part
        assert "http" not in part and "gave up" not in part, part
    assert e.what.endswith(".") and e.todo


def test_the_issues_message_reads_plainly() -> None:
    e = explain_text(ISSUE, provider="openai-compatible", step="call-workers-ai")
    _plain(e)
    assert e.what == "Your AI server could not be reached."
    assert "earlier result" in e.means
    assert "address in Settings" in e.todo and "built-in rules" in e.todo
    assert e.actions == ("retry", "use_rules", "open_settings")
    assert e.detail == ISSUE  # kept whole for Details and the log


@pytest.mark.parametrize(("exc", "kind", "what", "actions"), [
    (ProviderUnavailable("Workers AI did not answer within 180 s."), "provider_unavailable",
     "Cloudflare Workers AI did not answer within 180 seconds.", ("retry", "use_rules", "open_settings")),
    (ProviderUnavailable("Workers AI is rate-limiting requests (429): slow down", status=429),
     "provider_unavailable", "Cloudflare Workers AI is turning requests away because too many were sent.",
     ("retry", "use_rules", "open_settings")),
    (ProviderUnavailable("Workers AI failed (503): upstream", status=503), "provider_unavailable",
     "Cloudflare Workers AI had a server error (503).", ("retry", "use_rules", "open_settings")),
    (ProviderConfigError("Workers AI refused the credentials (401). Check the API token in Settings."),
     "provider_config", "Cloudflare Workers AI refused the access token.", ("open_settings", "use_rules")),
    (ProviderOutputError("Workers AI answered 200 with something that is not JSON: 'oops'"),
     "provider_output", "Cloudflare Workers AI answered, but its answer could not be used.",
     ("retry", "use_rules", "open_settings")),
    (StepTimeoutError("step 'call-workers-ai' attempt 1 timed out after 180 s"), "step_timeout",
     "A step took longer than it is allowed to.", ("retry", "use_rules")),
])
def test_provider_and_step_errors(exc: BaseException, kind: str, what: str, actions: tuple[str, ...]) -> None:
    e = explain_exception(exc, provider="workers-ai")
    _plain(e)
    assert (e.kind, e.what, e.actions) == (kind, what, actions)


@pytest.mark.parametrize(("exc", "kind", "action"), [
    (BackendUnavailable("Could not reach the server."), "server_unavailable", "retry"),
    (Unauthorized("The server refused the token."), "unauthorized", "open_settings"),
    (QuotaExceeded("The monthly quota of 20 evaluations is used up."), "quota", "use_rules"),
])
def test_backend_errors_keep_their_words_and_gain_a_way_forward(exc: BaseException, kind: str, action: str) -> None:
    e = explain_exception(exc)
    assert e.kind == kind and e.what == str(exc) and e.todo and action in e.actions


def test_a_backend_message_that_already_says_what_to_do_is_not_padded() -> None:
    e = explain_exception(BackendUnavailable("The data folder is locked by another LeaseLab process. Close it."))
    assert e.what.startswith("The data folder is locked") and e.means == e.todo == ""


def test_stored_step_errors_are_recognised_by_their_words() -> None:
    # the local engine wraps a provider's final error (NonRetryableError) or stores bare text
    wrapped = explain_text("NonRetryableError: The model server at http://x refused the credentials (401).",
                           provider="openai-compatible")
    assert wrapped.kind == "provider_config" and wrapped.what == "Your AI server refused the access token."
    assert explain_text("Provider answered HTTP 500", step="call-workers-ai").kind == "provider_unavailable"
    assert explain_text("Lead lead_9 no longer exists in this site").kind == "not_found"
    assert explain_text("Terminated: the instance was terminated during this attempt").kind == "terminated"
    assert explain_exception(NotFound("gone")).kind == "not_found"


def test_unknown_errors_say_so_without_class_names_or_urls() -> None:
    e = explain_exception(ValueError("bad value at https://api.example.com/x: KeyError boom. More detail."))
    _plain(e)
    assert e.kind == "unknown" and e.what == "Something went wrong: bad value at boom."
    assert e.actions == ("retry",) and "log file" in e.todo
    assert explain_text("").what == "Something went wrong."


def test_split_error_text() -> None:
    assert split_error_text("ProviderUnavailable: down") == ("ProviderUnavailable", "down")
    assert split_error_text("Note: not an error name") == (None, "Note: not an error name")
    assert split_error_text("plain words") == (None, "plain words")
