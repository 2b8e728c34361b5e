"""Loading and validating the policy file: the bundled file is valid; broken files give clear errors."""

from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from leaselab_desktop.screening.policy import (
    PolicyError,
    default_policy_path,
    load_policy,
    parse_policy,
    resources_dir,
)


@pytest.fixture()
def raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(default_policy_path().read_text(encoding="utf-8"))
    return data


def test_bundled_policy_loads_with_both_profiles() -> None:
    policy = load_policy()
    assert re.fullmatch(r"20\d\d\.(1[0-2]|[1-9])\.[1-9]\d*", policy.version), policy.version
    assert set(policy.profiles) == {"default", "ontario"}
    for prof in policy.profiles.values():
        assert [f.code for f in prof.factors] == [
            "income_verification", "employment_stability", "document_completeness",
            "document_authenticity", "financial_health", "application_quality",
        ]
        assert sum(f.max_points for f in prof.factors) == 100
    # The numbers themselves (points, band edges) are pinned by the vectors beside the policy, so a
    # rule change edits those and nothing here; this checks only the shape.
    assert [b.label for b in policy.labels] == ["A", "B", "C"]
    assert policy.labels[-1].min_score == 0
    for band, lower in zip(policy.labels, policy.labels[1:], strict=False):
        assert policy.label_for(band.min_score) == band.label
        assert policy.label_for(band.min_score - 1) == lower.label


def test_resources_dir_in_source_checkout_and_in_a_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (resources_dir() / "policy" / "policy.json").is_file()
    bundle = tmp_path / "bundle"
    (bundle / "resources" / "policy").mkdir(parents=True)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert resources_dir() == bundle / "resources"


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read policy file"):
        load_policy(tmp_path / "nope.json")


def test_not_json_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "p.json"
    bad.write_text("{ not json", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"not valid JSON.*line 1"):
        load_policy(bad)


def test_unknown_profile_names_the_known_ones() -> None:
    with pytest.raises(PolicyError, match=r"unknown policy profile 'quebec'.*default, ontario"):
        load_policy().profile("quebec")


def _mutate(raw: dict[str, Any], fn: Any) -> dict[str, Any]:
    data = copy.deepcopy(raw)
    fn(data)
    return data


def _factor(data: dict[str, Any], code: str, profile: str = "default") -> dict[str, Any]:
    prof = data["profiles"][profile]
    found: dict[str, Any] = next(f for f in prof["factors"] if f["code"] == code)
    return found


def _rules(data: dict[str, Any], profile: str = "default") -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = data["profiles"][profile]["recommendation_rules"]
    return rules


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: _factor(d, "document_authenticity").update(max_points=16), "sum to 101"),
        (lambda d: _factor(d, "income_verification")["measure"].update(name="age"), "unknown measure 'age'"),
        (lambda d: _factor(d, "income_verification")["bands"].pop(), "catch-all"),
        (lambda d: _factor(d, "employment_stability")["bands"].reverse(), "catch-all|descending"),
        (lambda d: _factor(d, "income_verification")["bands"][1].update(points=40), "outside 0..30"),
        (lambda d: _factor(d, "document_completeness")["items"].pop(), "not 15"),
        (lambda d: _factor(d, "document_authenticity")["penalties"].update(critical=3), "unknown severities"),
        (lambda d: _rules(d)[0].update(recommendation="maybe"), "unknown recommendation"),
        (lambda d: _rules(d).pop(), "fallback"),
        (
            lambda d: _rules(d)[0]["when"].update(factor_below={"code": "charm", "fraction": 0.5}),
            "factor_below names an unknown factor 'charm'",
        ),
        (lambda d: d["profiles"].pop("default"), "'default' profile"),
        (lambda d: d.update(schema=2), "schema 2 is not supported"),
        (lambda d: d["labels"].reverse(), "descending min_score"),
        (lambda d: _factor(d, "financial_health").update(colour="red"), "Extra inputs are not permitted"),
        (
            lambda d: _rules(d, "ontario")[1]["when"]["assume"].update(best_band=["document_authenticity"]),
            "no 'bands' factor",
        ),
    ],
)
def test_invalid_policies_are_refused_with_the_reason(
    raw: dict[str, Any], change: Any, message: str
) -> None:
    with pytest.raises(PolicyError, match=message):
        parse_policy(_mutate(raw, change))


def test_the_policy_file_is_plain_json_a_typescript_port_can_read(raw: dict[str, Any]) -> None:
    # only JSON scalars, lists and objects with string keys; no NaN/Infinity
    text = default_policy_path().read_text(encoding="utf-8")
    json.loads(text, parse_constant=lambda c: pytest.fail(f"non-standard constant {c}"))
    assert raw["version"] == load_policy().version


def test_the_committed_json_schema_matches_the_loader() -> None:
    """resources/policy/policy.schema.json is for the worker (structural validation in TypeScript)."""
    from leaselab_desktop.screening.policy import Policy

    committed = json.loads((resources_dir() / "policy" / "policy.schema.json").read_text("utf-8"))
    generated = Policy.model_json_schema(by_alias=True)
    assert {k: v for k, v in committed.items() if not k.startswith("$") or k == "$defs"} == generated, (
        "regenerate policy.schema.json (see its $comment)"
    )
