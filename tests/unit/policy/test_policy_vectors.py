"""Golden vectors: facts + signals + profile in → score, label, recommendation, factor points out.

The same files are run by the worker's TypeScript interpreter, so they pin both implementations.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from leaselab_desktop.domain.models import Signal
from leaselab_desktop.screening.facts import ApplicantFacts
from leaselab_desktop.screening.policy import Policy, load_policy
from leaselab_desktop.screening.scoring import score

VECTORS = Path(__file__).resolve().parents[2] / "vectors"
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


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_vector(path: Path, policy: Policy) -> None:
    vec = _load(path)
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


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_vector_points_add_up(path: Path) -> None:
    """Guards against a vector edited by hand into an impossible state."""
    expected = _load(path)["expected"]
    total = sum(expected["factors"].values())
    assert int(total + 0.5) == expected["score"]
