"""The shared spec file loads, its JSON schema is current, and its rules are checked on load."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from pydantic import ValidationError

from leaselab_desktop.domain import vocab
from leaselab_desktop.domain.spec import Spec, load_spec, parse_spec, spec_path


@pytest.fixture()
def raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(spec_path().read_text(encoding="utf-8"))
    return data


def test_the_bundled_spec_loads_and_feeds_the_vocabulary() -> None:
    spec = load_spec()
    assert spec.step_names == vocab.WORKFLOW_STEPS and len(spec.step_names) == 7
    assert spec.status_names == vocab.LEAD_STATUSES
    assert spec.thresholds.quota_tiers == vocab.TIERS
    assert 0 < spec.thresholds.duplicate_documents <= 1


def test_the_committed_json_schema_matches_the_loader() -> None:
    committed = json.loads((spec_path().parent / "workflow.schema.json").read_text("utf-8"))
    generated = Spec.model_json_schema(by_alias=True)
    body = {k: v for k, v in committed.items() if k not in ("$schema", "$comment")}
    assert body == generated, "regenerate resources/spec/workflow.schema.json (see its $comment)"


def test_lead_transitions_are_a_table_with_a_no_op_default() -> None:
    spec = load_spec()
    assert spec.next_status("documents_received", "evaluation_started") == "ai_evaluating"
    assert spec.next_status("ai_evaluating", "evaluation_completed") == "ai_evaluated"
    assert spec.next_status("ai_evaluating", "evaluation_failed") == "documents_received"
    assert spec.next_status("new", "documents_added") == "documents_received"
    assert spec.next_status("approved", "documents_added") is None  # keeps its status
    assert spec.next_status("approved", "evaluation_started") is None  # never walks a decision back
    with pytest.raises(KeyError):
        spec.next_status("new", "teleported")


def test_signal_severities_are_checked_against_the_spec() -> None:
    spec = load_spec()
    assert spec.allows_signal("file_reused", "high")
    assert not spec.allows_signal("file_reused", "low")
    assert not spec.allows_signal("made_up_code", "low")
    assert spec.allows_signal(f"{spec.model_flag_prefix}odd_font", "low")


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: d["workflow"]["steps"].append(copy.deepcopy(d["workflow"]["steps"][0])), "duplicate step"),
        (lambda d: d["lead_transitions"][0]["from"].append("on_hold"), "unknown statuses"),
        (lambda d: d["workflow"]["steps"][0]["retries"].update(backoff="fibonacci"), "backoff"),
        (lambda d: d["signals"]["file_reused"]["severities"].append("critical"), "severities"),
        (lambda d: d["thresholds"].update(duplicate_documents=1.5), "duplicate_documents"),
        (lambda d: d["thresholds"]["quota_tiers"].pop("free"), "free"),
        (lambda d: d.update(spec=2), "spec"),
        (lambda d: d["workflow"]["steps"][0].update(retry=3), "retry"),
        (lambda d: d["signals"]["altered_text"].update(severities=["low"]), "offered to the model"),
    ],
)
def test_a_broken_spec_is_refused_with_a_clear_message(raw: dict[str, Any], damage: Any, message: str) -> None:
    damage(raw)
    with pytest.raises(ValidationError, match=message):
        parse_spec(json.dumps(raw))
