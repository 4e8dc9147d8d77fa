"""Subjects: any string id (a user, workspace, tenant) bucketed for rollouts without a file of its own,
inside its plan's and account's rules (docs/rollouts.md)."""

from __future__ import annotations

import copy
import hashlib
import random
from datetime import date
from typing import Any

import pytest

from conftest import REPO
from modelctl.artifact.compile import SourceInfo, compile_artifact, content_of
from modelctl.rules.validate import validate_catalog
from modelctl.runtime import Catalog, CatalogError

# Weights and percentage of the reference catalog's pro plan, read here as the test's expectation.
AB, LAUNCH = "chat-default-2026-11", "gpt-6-1-sol-launch"


def _bucket(salt: str, subject: str) -> int:
    digest = hashlib.sha256(f"{salt}/{subject}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 10_000


@pytest.fixture(scope="module")
def content() -> dict[str, Any]:
    result = validate_catalog(REPO / "catalog", today=date(2026, 11, 25))
    assert result.valid
    return content_of(result.catalog)


@pytest.fixture(scope="module")
def repo(content: dict[str, Any]) -> Catalog:
    return Catalog.from_content(copy.deepcopy(content))


def _ids(n: int, seed: int = 14) -> list[str]:
    rng = random.Random(seed)
    return [f"user-{rng.getrandbits(64):016x}" for _ in range(n)]


def test_a_subject_needs_no_file(repo: Catalog) -> None:
    # account-1 is an id of docs/rollouts.md's vectors, with no file: as a subject it is bucketed.
    assert _bucket(AB, "account-1") == 4130  # < 8000: the first variant
    choice = repo.default_model("chat", plan="pro", subject="account-1")
    assert (choice.model, choice.rollout, choice.arm) == ("openai/gpt-6-luna", AB, "openai/gpt-6-luna")
    assert choice.rule == f"plan pro rollout {AB}" and "subject account-1" in choice.reason
    assert _bucket(AB, "account-4") == 9631  # >= 8000: the second variant
    assert repo.default_model("chat", plan="pro", subject="account-4").model == "anthropic/claude-haiku-5-5"


def test_allowed_for_a_subject_names_rollout_and_arm(repo: Catalog) -> None:
    inside = next(s for s in _ids(200) if _bucket(LAUNCH, s) < 1000)
    outside = next(s for s in _ids(200) if _bucket(LAUNCH, s) >= 1000)
    yes = repo.allowed("openai/gpt-6.1-sol", plan="pro", subject=inside)
    no = repo.allowed("openai/gpt-6.1-sol", plan="pro", subject=outside)
    assert yes and (yes.rollout, yes.arm, yes.rule) == (LAUNCH, "in", f"plan pro rollout {LAUNCH}")
    assert not no and (no.rollout, no.arm) == (LAUNCH, "out")
    assert f"bucket {_bucket(LAUNCH, outside)} >= 1000" in no.reason
    # without a subject (nor account) a 10% rollout cannot decide
    unknown = repo.allowed("openai/gpt-6.1-sol", plan="pro")
    assert not unknown and unknown.arm is None and unknown.rollout == LAUNCH
    # a model no rollout covers does not depend on the subject
    plain = repo.allowed("openai/gpt-6-luna", plan="pro", subject=outside)
    assert plain and plain.rollout is None and plain == repo.allowed("openai/gpt-6-luna", plan="pro")
    # models_for follows the subject
    assert "openai/gpt-6.1-sol" in {m.ref for m in repo.models_for(plan="pro", subject=inside)}
    assert "openai/gpt-6.1-sol" not in {m.ref for m in repo.models_for(plan="pro", subject=outside)}
    assert repo.arm("pro", LAUNCH, inside) == "in" and repo.arm("pro", LAUNCH, outside) == "out"


def test_a_subject_within_an_account_keeps_the_contract(content: dict[str, Any]) -> None:
    doc = copy.deepcopy(content)
    doc["accounts"]["big"] = {"id": "big", "name": "Big", "plan": "pro", "rollouts": {LAUNCH: True}}
    doc["accounts"]["shy"] = {
        "id": "shy",
        "name": "Shy",
        "plan": "pro",
        "rollouts": {AB: False},
        "models": {"deny": ["openai/gpt-6.1-sol"]},
    }
    cat = Catalog.from_content(doc)
    outside = next(s for s in _ids(200) if _bucket(LAUNCH, s) >= 1000)
    # the account opted in: every subject in it is in, whatever its bucket
    decision = cat.allowed("openai/gpt-6.1-sol", account="big", subject=outside)
    assert decision and decision.arm == "in" and "opted in" in decision.reason
    # the account's deny applies to its subjects, even those the rollout's bucket includes
    inside = next(s for s in _ids(200) if _bucket(LAUNCH, s) < 1000)
    denied = cat.allowed("openai/gpt-6.1-sol", account="shy", subject=inside)
    assert not denied and denied.rule == "account shy deny[0]"
    # its opt-out keeps its subjects out of the A/B test: account-4 would get the second variant
    choice = cat.default_model("chat", account="shy", subject="account-4")
    assert (choice.model, choice.rollout, choice.rule) == ("openai/gpt-6-luna", None, "plan pro defaults.chat[0]")
    assert cat.arm("pro", AB, "account-4", account="shy") == "out"
    assert cat.arm("pro", AB, "account-4", account="big") == "anthropic/claude-haiku-5-5"


def test_a_subject_that_is_not_a_str_is_a_type_error(repo: Catalog) -> None:
    # the caller's mistake, as for any argument of the wrong type (docs/runtime.md "Errors")
    with pytest.raises(TypeError, match="subject must be a str or None, not int"):
        repo.allowed("openai/gpt-6.1-sol", plan="pro", subject=7)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="subject must be a str or None, not int"):
        repo.default_model("chat", plan="pro", subject=7)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["", None, "bad\ud800id"])
def test_a_bad_subject_is_a_catalog_error(repo: Catalog, bad: Any) -> None:
    if bad is None:
        assert repo.allowed("openai/gpt-6.1-sol", plan="pro", subject=bad).arm is None
        return
    with pytest.raises(CatalogError, match="subject"):
        repo.allowed("openai/gpt-6.1-sol", plan="pro", subject=bad)
    with pytest.raises(CatalogError, match="subject"):
        repo.default_model("chat", plan="pro", subject=bad)


def test_arms_follow_the_weights_over_100000_subjects(repo: Catalog) -> None:
    ids = _ids(100_000)
    counts: dict[str, int] = {}
    for s in ids:
        arm = repo.arm("pro", AB, s)
        counts[arm] = counts.get(arm, 0) + 1
    assert abs(counts["openai/gpt-6-luna"] / 1000 - 80) <= 0.5
    assert abs(counts["anthropic/claude-haiku-5-5"] / 1000 - 20) <= 0.5
    included = sum(1 for s in ids if repo.arm("team", LAUNCH, s) == "in")
    assert abs(included / 1000 - 50) <= 0.5
    # the answers of allowed() and default_model() are the documented hash
    for s in ids[:3000]:
        first = _bucket(AB, s) * 100 < 80 * 10_000
        choice = repo.default_model("chat", plan="pro", subject=s)
        assert choice.arm == ("openai/gpt-6-luna" if first else "anthropic/claude-haiku-5-5") == choice.model
        assert bool(repo.allowed("openai/gpt-6.1-sol", plan="pro", subject=s)) is (_bucket(LAUNCH, s) < 1000)


def test_same_subjects_same_arms_across_catalog_versions(content: dict[str, Any]) -> None:
    old = Catalog.from_content(copy.deepcopy(content))
    doc = copy.deepcopy(content)
    changed = 0
    for ref, model in doc["models"].items():
        if ref.startswith(("openai/", "anthropic/")):
            continue
        for period in model["pricing"]:
            for key in period.get("prices", {}):
                period["prices"][key] = str(2 * float(period["prices"][key]))  # unrelated prices double
                changed += 1
    assert changed > 10
    new = Catalog.from_content(doc)
    for s in _ids(5_000, seed=99):
        a, b = old.default_model("chat", plan="pro", subject=s), new.default_model("chat", plan="pro", subject=s)
        assert (a.model, a.arm) == (b.model, b.arm)
        assert old.allowed("openai/gpt-6.1-sol", plan="team", subject=s) == new.allowed(
            "openai/gpt-6.1-sol", plan="team", subject=s
        )


def test_warm_answers_are_cached(repo: Catalog) -> None:
    first = repo.default_model("chat", plan="pro", subject="user-123")
    assert repo.default_model("chat", plan="pro", subject="user-123") is first
    d = repo.allowed("openai/gpt-6.1-sol", plan="pro", subject="user-123")
    assert repo.allowed("openai/gpt-6.1-sol", plan="pro", subject="user-123") is d


def test_compiled_artifact_round_trip(content: dict[str, Any]) -> None:
    result = validate_catalog(REPO / "catalog", today=date(2026, 11, 25))
    cat = Catalog.loads(compile_artifact(result.catalog, SourceInfo()).data)
    assert cat.default_model("chat", plan="pro", subject="account-4").arm == "anthropic/claude-haiku-5-5"
