"""The one vocabulary (resources/spec/wording.json): every code either runtime can produce has a name,
the names read as plain words, and stored texts are shown in them (worker side: worker/test/wording.test.ts)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest

from leaselab_desktop.domain import wording as w
from leaselab_desktop.domain.spec import load_spec
from leaselab_desktop.domain.timefmt import fmt_date, fmt_datetime, set_display_locale
from leaselab_desktop.resources import resources_dir

SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


@pytest.fixture(autouse=True)
def _us_utc() -> None:
    set_display_locale("en_US", tz=UTC)


def test_every_spec_code_has_a_name() -> None:
    spec, words = load_spec(), w.wording()
    assert set(words.steps) == set(spec.step_names)
    assert set(words.signals) == set(spec.signals)
    assert set(words.recommendations) == set(spec.recommendations)
    assert set(words.severities) == set(spec.severities)
    assert set(words.file_types) == set(spec.file_types)
    assert set(words.employment_statuses) == set(spec.employment_statuses)
    assert set(words.run_statuses) >= {"queued", "running", "complete", "errored", "terminated"}


def test_every_policy_factor_has_a_name() -> None:
    policy = json.loads((resources_dir() / "policy" / "policy.json").read_text(encoding="utf-8"))
    codes = {f["code"] for p in policy["profiles"].values() for f in p["factors"]}
    assert codes and codes <= set(w.wording().factors), codes - set(w.wording().factors)


def test_every_provider_kind_has_a_name() -> None:
    from leaselab_desktop.config import ProviderSettings

    kinds = ProviderSettings.model_fields["kind"].annotation.__args__  # type: ignore[union-attr]
    assert set(kinds) == set(w.wording().providers)


def test_names_are_plain_words() -> None:
    words = w.wording()
    shown = [*words.factors.values(), *words.signals.values(), *words.recommendations.values(),
             *(w.step_title(s) for s in load_spec().step_names), *words.run_statuses.values()]
    for text in shown:
        assert not SNAKE.search(text), text
        assert not any(step in text for step in load_spec().step_names), text
        assert text[:1].isupper(), text


def test_the_model_step_names_the_provider() -> None:
    assert w.step_title("call-workers-ai", "openai-compatible") == "Evaluate with your AI server"
    assert w.step_title("call-workers-ai", "workers-ai") == "Evaluate with Cloudflare Workers AI"
    assert w.step_title("call-workers-ai", "openai-compatible:llama3.2") == "Evaluate with your AI server"
    assert w.step_title("call-workers-ai", "the built-in rules") == "Evaluate with the built-in rules"
    assert w.step_title("call-workers-ai") == "Evaluate with the AI provider"
    assert w.step_title("fetch-lead") == "Read the application"
    assert w.step_title("a-newer-step") == "A newer step"  # a newer server's step: words, never the id


def test_plain_rewrites_codes_and_timestamps_but_not_file_names() -> None:
    text = ("Provide original documents directly from the issuer (employer, bank) to clear: date_mismatch, "
            "model_flag:odd_stamp. Full points: income_verification. Modified 2026-11-25T19:55:40Z "
            "(created 2026-11-20 08:01:00+00:00), ModDate 2026-10-02 in pay_stub_2026-10-02.pdf.")
    out = w.plain(text)
    assert "to clear: File dates do not fit, The AI model noted: odd stamp." in out
    assert "Full points: Income verification." in out
    assert f"Modified {fmt_datetime(datetime(2026, 11, 25, 19, 55, tzinfo=UTC))}" in out
    assert f"(created {fmt_datetime(datetime(2026, 11, 20, 8, 1, tzinfo=UTC))})" in out
    assert f"ModDate {fmt_date(datetime(2026, 10, 2, tzinfo=UTC))} in pay_stub_2026-10-02.pdf." in out
    assert w.plain("see bank_statement.pdf and bank_statement") == "see bank_statement.pdf and bank statement"
    assert w.plain(None) == "" and w.plain("no codes here") == "no codes here"
    assert w.plain("an unknown_word stays") == "an unknown_word stays"  # may be a file or a name


def test_wording_file_is_strict() -> None:
    good = (resources_dir() / "spec" / "wording.json").read_text(encoding="utf-8")
    data = json.loads(good)
    data["unexpected"] = {}
    with pytest.raises(ValueError):
        w.parse_wording(json.dumps(data))
