"""Golden vectors: facts + signals + profile in → score, label, recommendation, factor points out.

The files live beside the policy (``resources/policy/vectors/``) and are run by the worker's
TypeScript interpreter too, so they pin both implementations. The policy's version comes from the
policy, not from each vector: a rule change edits only the vectors whose numbers move.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from leaselab_desktop.domain.models import Signal
from leaselab_desktop.screening.facts import ApplicantFacts
from leaselab_desktop.screening.policy import Policy, load_policy, resources_dir
from leaselab_desktop.screening.scoring import score

VECTORS = resources_dir() / "policy" / "vectors"
FILES = sorted(VECTORS.glob("*.json"))


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy()


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_there_are_enough_vectors_covering_both_profiles() -> None:
    vectors = [_load(f) for f in FILES]
    assert len(vectors) >= 15
    assert {v["profile"] for v in vectors} == {"default", "ontario"}
    outcomes = {(v["expected"]["label"], v["expected"]["recommendation"]) for v in vectors}
    assert {label for label, _ in outcomes} == {"A", "B", "C"}
    assert {rec for _, rec in outcomes} == {
        "approve", "approve_with_conditions", "approve_with_verification", "reject",
    }


def check_vector(vec: dict[str, Any], policy: Policy) -> None:
    """Score one vector under ``policy`` and compare. ``policy_version`` is optional in a vector:
    only one that tests versioning states it."""
    if "policy_version" in vec:
        assert vec["policy_version"] == policy.version, "vector written for another policy version"
    facts = ApplicantFacts.model_validate(vec["facts"])
    signals = [Signal.model_validate(s) for s in vec["signals"]]
    if "region" in vec:  # the property's province/state: it chooses the profile
        assert policy.profile_for_region(vec["region"]) == vec["profile"]
    result = score(facts, signals, policy, vec["profile"])
    expected = vec["expected"]
    assert {f.code: f.points for f in result.factors} == expected["factors"]
    assert result.score == expected["score"]
    assert result.label == expected["label"]
    assert result.recommendation == expected["recommendation"]
    assert result.risk_flags == expected["risk_flags"]
    assert result.fraud_signals == expected["fraud_signals"]
    assert sum(f.max_points for f in result.factors) == 100
    assert result.policy_version == policy.version
    assert f"policy {policy.version}." in result.compliance_notes[0]


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_vector(path: Path, policy: Policy) -> None:
    check_vector(_load(path), policy)


def test_a_version_bump_needs_no_vector_edit(policy: Policy) -> None:
    """A patch bump (a note's wording, say) changes policy.json and its changelog only: every vector
    still passes under the bumped version, and none repeats the version it was written for."""
    bumped = policy.model_copy(update={"version": policy.version + "9"})
    for path in FILES:
        vec = _load(path)
        assert "policy_version" not in vec, f"{path.name} pins the policy version but tests no versioning"
        check_vector(vec, bumped)


def test_a_vector_that_states_another_version_fails(policy: Policy) -> None:
    vec = {**_load(FILES[0]), "policy_version": "1999.1.1"}
    with pytest.raises(AssertionError, match="another policy version"):
        check_vector(vec, policy)


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_vector_points_add_up(path: Path) -> None:
    """Guards against a vector edited by hand into an impossible state."""
    expected = _load(path)["expected"]
    total = sum(expected["factors"].values())
    assert int(total + 0.5) == expected["score"]
