"""Every error an agent sees, in three parts: what happened, what it means, what to do, and the
action that helps (open Settings, use the built-in rules, retry).

Qt-free and import-free of the layers that raise: errors arrive as live exceptions (classified by
the names in their class hierarchy) or, from a stored run, as the ``name`` and ``message`` the
engine or the worker recorded ("ProviderUnavailable: The model server ... cannot be reached ...").
The raw text is kept as ``detail`` for the Details view and the log, never as the headline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from leaselab_desktop.domain.wording import provider_name, step_title

Action = Literal["open_settings", "use_rules", "retry"]
ACTION_TEXT: dict[str, str] = {
    "open_settings": "Open Settings",
    "use_rules": "Use the built-in rules",
    "retry": "Retry",
}


@dataclass(frozen=True)
class Explanation:
    kind: str  # a stable key for tests and logs, never shown
    what: str  # what happened, one sentence
    means: str  # what it means for the agent's work
    todo: str  # what to do
    actions: tuple[Action, ...] = ()
    detail: str = field(default="", compare=False)  # the original text, for Details and the log

    def text(self) -> str:
        return " ".join(p for p in (self.what, self.means, self.todo) if p)


_NAME = re.compile(r"^([A-Z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*)*): (.*)$", re.S)


def split_error_text(text: str) -> tuple[str | None, str]:
    """'ProviderUnavailable: message' -> ('ProviderUnavailable', 'message'); plain text -> (None, text).
    A leading word that is no error name ('Note: ...') stays part of the message."""
    m = _NAME.match(text.strip())
    if m and (m.group(1) in _KINDS or m.group(1).endswith(("Error", "Exception"))):
        return m.group(1), m.group(2)
    return None, text.strip()


def explain_exception(exc: BaseException, *, provider: str | None = None, step: str | None = None) -> Explanation:
    names = [c.__name__ for c in type(exc).__mro__]
    name = getattr(exc, "error_name", None) or next((n for n in names if n in _KINDS), names[0])
    message = str(getattr(exc, "message", None) or str(exc))
    made = explain(str(name), message, provider=provider, step=step)
    if "BackendError" in names and message:
        # backend errors are written for the agent: their words lead; ours add only what is missing
        has_way = _WAY_FORWARD.search(message) is not None
        return Explanation(made.kind, message, "" if has_way else made.means, "" if has_way else made.todo,
                           made.actions, made.detail)
    return made


_WAY_FORWARD = re.compile(r"\b(check|choose|try|retry|open|enter|wait|force|add|ask|close|restart|run|"
                          r"select|set|use|install|contact|remove|free)\b", re.I)


def explain_text(text: str | None, *, provider: str | None = None, step: str | None = None) -> Explanation:
    name, message = split_error_text(text or "")
    return explain(name, message, provider=provider, step=step)


def explain(name: str | None, message: str, *, provider: str | None = None, step: str | None = None) -> Explanation:
    """The three-part message for an error ``name`` (a class name or None) with ``message``."""
    who = provider_name(provider)
    detail = f"{name}: {message}" if name else message
    if name not in _KINDS:  # no name, or a wrapper's (NonRetryableError): recognise it by its words
        name = _guess(message, step) or name
    maker = _KINDS.get(name or "", _unknown)
    made = maker(message, who, step)
    return Explanation(made.kind, made.what, made.means, made.todo, made.actions, detail)


def _guess(message: str, step: str | None) -> str | None:
    low = message.lower()
    if step == "call-workers-ai" and re.search(r"\b(?:429|5\d\d)\b", message):
        return "ProviderUnavailable"  # "Provider answered HTTP 500"
    if "refused the credentials" in low or "refused the request" in low or "licen" in low:
        return "ProviderConfigError"
    if "model output" in low or "evaluation schema" in low:
        return "ProviderOutputError"
    if "not json" in low or ("could not be read" in low and "answer" in low):
        return "ProviderOutputError"
    if "no longer exists" in low or "not found" in low:
        return "NotFound"
    if "cannot be reached" in low or "did not answer" in low or "rate-limiting" in low:
        return "ProviderUnavailable"
    if "timed out" in low:
        return "StepTimeoutError"
    if low.startswith("the instance was terminated") or low == "terminated":
        return "Terminated"
    return None


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


_NOTHING_SCORED = "The evaluation stopped before scoring; the lead's earlier result, if any, is unchanged."


def _provider(message: str, who: str, step: str | None) -> Explanation:
    low = message.lower()
    if "did not answer within" in low:
        seconds = re.search(r"within (\d+(?:\.\d+)?) s", message)
        took = f" within {seconds.group(1)} seconds" if seconds else " in time"
        what = f"{_cap(who)} did not answer{took}."
        todo = "Retry in a moment, or use the built-in rules for this lead."
    elif re.search(r"\b429\b", message) or "rate-limiting" in low:
        what = f"{_cap(who)} is turning requests away because too many were sent."
        todo = "Wait a minute and retry, or use the built-in rules for this lead."
    elif re.search(r"\b(5\d\d)\b", message):
        code = re.search(r"\b(5\d\d)\b", message)
        what = f"{_cap(who)} had a server error ({code.group(1) if code else '5xx'})."
        todo = "Retry in a few minutes, or use the built-in rules for this lead."
    else:
        what = f"{_cap(who)} could not be reached."
        todo = ("Check that it is running and that its address in Settings is right, or use the "
                "built-in rules for this lead.")
    return Explanation("provider_unavailable", what, _NOTHING_SCORED, todo, ("retry", "use_rules", "open_settings"))


def _provider_config(message: str, who: str, step: str | None) -> Explanation:
    if "credential" in message.lower() or "token" in message.lower() or "(401)" in message or "(403)" in message:
        what = f"{_cap(who)} refused the access token."
        todo = "Enter a valid token in Settings → AI provider, or use the built-in rules."
    elif "licen" in message.lower():
        what = f"{_cap(who)} needs its model licence accepted first."
        todo = "Accept the model's licence with the provider, or choose another model in Settings."
    else:
        what = f"{_cap(who)} is not set up correctly."
        todo = "Check the AI provider in Settings, or use the built-in rules."
    return Explanation("provider_config", what, _NOTHING_SCORED, todo, ("open_settings", "use_rules"))


def _provider_output(message: str, who: str, step: str | None) -> Explanation:
    return Explanation(
        "provider_output", f"{_cap(who)} answered, but its answer could not be used.",
        "Nothing was guessed in its place, so the evaluation stopped before scoring.",
        "Retry; if it happens again, choose another model in Settings or use the built-in rules.",
        ("retry", "use_rules", "open_settings"),
    )


def _server(message: str, who: str, step: str | None) -> Explanation:
    return Explanation(
        "server_unavailable", "The LeaseLab server cannot be reached.",
        "The console shows the data it already loaded; new evaluations cannot start until it answers.",
        "Check the network connection and retry; if it stays down, check the server address in Settings.",
        ("retry", "open_settings"),
    )


def _unauthorized(message: str, who: str, step: str | None) -> Explanation:
    return Explanation(
        "unauthorized", "The LeaseLab server refused this workstation's access token.",
        "Nothing can be read from or saved to the server until the token is accepted.",
        "Enter a valid token for this site in Settings → Connection.", ("open_settings",),
    )


def _quota(message: str, who: str, step: str | None) -> Explanation:
    return Explanation(
        "quota", "This month's paid evaluations are used up.",
        "New runs with a paid AI provider are refused until the quota resets.",
        "Use the built-in rules, which are free, or wait for the reset.", ("use_rules",),
    )


def _not_found(message: str, who: str, step: str | None) -> Explanation:
    return Explanation(
        "not_found", "The lead or run was not found; it may have been removed.",
        "There is nothing to evaluate or follow under that name.",
        "Refresh the lead list (F5) and choose the lead again.", (),
    )


def _timeout(message: str, who: str, step: str | None) -> Explanation:
    where = f"“{step_title(step, who)}”" if step else "A step"
    return Explanation(
        "step_timeout", f"{where} took longer than it is allowed to.", _NOTHING_SCORED,
        "Retry; a slow AI model may need the built-in rules instead.", ("retry", "use_rules"),
    )


def _terminated(message: str, who: str, step: str | None) -> Explanation:
    return Explanation(
        "terminated", "The evaluation was stopped before it finished.", _NOTHING_SCORED,
        "Retry to run it again from the step where it stopped.", ("retry",),
    )


def _invalid(message: str, who: str, step: str | None) -> Explanation:
    return Explanation(
        "invalid_request", "The server refused the request as incomplete or malformed.",
        "Sending it again unchanged will not help.",
        "Check the lead's details; if they look right, send the log file to support.", (),
    )


def _unknown(message: str, who: str, step: str | None) -> Explanation:
    first = re.split(r"(?<=[.!?])\s", _clean(message), maxsplit=1)[0] if message else ""
    # a sentence an agent can read leads; a bare key or code ('net_pay') says nothing to them
    readable = len(first.split()) >= 2 and not re.search(r"\b[a-z]+(?:_[a-z0-9]+)+\b", first)
    what = f"Something went wrong: {first}" if readable else "Something went wrong."
    return Explanation(
        "unknown", what if what.endswith((".", "!", "?")) else what + ".",
        "The action did not finish; nothing else was changed.",
        "Retry; if it happens again, send the log file (named under Details) to support.", ("retry",),
    )


def _clean(message: str) -> str:
    """No URLs and no class names in the headline of an unknown error; Details keeps them."""
    text = re.sub(r"\s*\(?https?://\S+\)?", "", message)
    text = re.sub(r":?\s*\b[A-Z][A-Za-z]*(?:Error|Exception)\b:?", "", text)
    return " ".join(text.split())


_KINDS = {
    "ProviderUnavailable": _provider,
    "ProviderConfigError": _provider_config,
    "ProviderOutputError": _provider_output,
    "BackendUnavailable": _server,
    "StreamBroken": _server,
    "Unauthorized": _unauthorized,
    "QuotaExceeded": _quota,
    "NotFound": _not_found,
    "InstanceNotFound": _not_found,
    "StepTimeoutError": _timeout,
    "TimeoutError": _timeout,
    "Terminated": _terminated,
    "InvalidRequest": _invalid,
}
