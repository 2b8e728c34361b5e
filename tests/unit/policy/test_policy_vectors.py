"""Golden vectors: facts + signals + profile in → score, label, recommendation, factor points out.

They live in one file beside the policy (``resources/policy/vectors.json``) and are run by the
worker's TypeScript interpreter too, so they pin both implementations. The policy's version comes
from the policy, not from each vector: a rule change edits only the expected numbers that move.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from leaselab_desktop.domain.models import Signal
from leaselab_desktop.resources import resources_dir
from leaselab_desktop.screening.facts import ApplicantFacts
from leaselab_desktop.screening.policy import Policy, load_policy
from leaselab_desktop.screening.scoring import score

VECTORS_FILE = resources_dir() / "policy" / "vectors.json"


def _load_all() -> list[dict[str, Any]]:
    data: dict[str, Any] = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))
    vectors: list[dict[str, Any]] = data["vectors"]
    return vectors


VECTORS = _load_all()
NAMES = [v["name"] for v in VECTORS]


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy()


def test_the_vector_list_is_not_empty_and_names_are_unique() -> None:
    """Each name is a test id (here and in the worker): a copied entry left with its old name would
    hide one case behind another."""
    assert VECTORS, f"{VECTORS_FILE} lists no vectors"
    assert [n for n, c in Counter(NAMES).items() if c > 1] == []


def test_there_are_enough_vectors_covering_both_profiles() -> None:
    vectors = VECTORS
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


@pytest.mark.parametrize("vec", VECTORS, ids=NAMES)
def test_vector(vec: dict[str, Any], policy: Policy) -> None:
    check_vector(vec, policy)


def test_a_version_bump_needs_no_vector_edit(policy: Policy) -> None:
    """A patch bump (a note's wording, say) changes policy.json and its changelog only: every vector
    still passes under the bumped version, and none repeats the version it was written for."""
    bumped = policy.model_copy(update={"version": policy.version + "9"})
    for vec in VECTORS:
        assert "policy_version" not in vec, f"{vec['name']} pins the policy version but tests no versioning"
        check_vector(vec, bumped)


def test_a_vector_that_states_another_version_fails(policy: Policy) -> None:
    vec = {**VECTORS[0], "policy_version": "1999.1.1"}
    with pytest.raises(AssertionError, match="another policy version"):
        check_vector(vec, policy)


@pytest.mark.parametrize("vec", VECTORS, ids=NAMES)
def test_vector_points_add_up(vec: dict[str, Any]) -> None:
    """Guards against a vector edited by hand into an impossible state."""
    expected = vec["expected"]
    total = sum(expected["factors"].values())
    assert int(total + 0.5) == expected["score"]
