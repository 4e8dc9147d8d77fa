"""review.changes.keyed_pairs: the one way plans (rollouts by id) and accounts (pricing by model, and
by effective_from for a selector with dated terms) compare lists of entries; the diff's golden files
pin that the shared helper changed nothing else."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from conftest import REPO
from modelctl.artifact.compile import content_of
from modelctl.review.changes import keyed_pairs
from modelctl.review.diff import DiffOptions, diff_contents
from modelctl.rules.validate import validate_catalog


def test_only_differing_keys_in_sorted_order_with_both_sides() -> None:
    old = [{"id": "b", "v": 1}, {"id": "a", "v": 1}, {"id": "c", "v": 1}]
    new = [{"id": "c", "v": 2}, {"id": "a", "v": 1}, {"id": "d", "v": 1}]
    assert list(keyed_pairs(old, new, "id")) == [
        ("b", {"id": "b", "v": 1}, None),
        ("c", {"id": "c", "v": 1}, {"id": "c", "v": 2}),
        ("d", None, {"id": "d", "v": 1}),
    ]


def test_order_within_a_list_is_not_a_change_and_the_last_duplicate_counts() -> None:
    entries = [{"model": "x/1", "p": "1"}, {"model": "x/2", "p": "2"}]
    assert list(keyed_pairs(entries, entries[::-1], "model")) == []
    twice = [{"model": "x/1", "p": "1"}, {"model": "x/1", "p": "9"}]
    assert list(keyed_pairs(twice, [{"model": "x/1", "p": "9"}], "model")) == []
    assert list(keyed_pairs([], [], "model")) == []


@pytest.fixture(scope="module")
def content() -> dict[str, Any]:
    return content_of(validate_catalog(REPO / "catalog", today=date(2026, 11, 25)).catalog)


def test_plans_and_accounts_report_entries_the_same_way(content: dict[str, Any]) -> None:
    new = copy.deepcopy(content)
    new["plans"]["pro"]["rollouts"].reverse()  # reordered only: nothing to report
    new["plans"]["pro"]["rollouts"].append({"id": "a-new-one", "model": "openai/gpt-6-sol", "percent": "5"})
    new["accounts"]["acme-bank"]["pricing"].append({"model": "mistral/*", "discount_percent": "5"})
    changes = diff_contents(content, new, options=DiffOptions(today=date(2026, 11, 25))).changes
    found = sorted((c.kind, c.action, c.field) for c in changes)
    assert found == [("account", "added", "pricing[mistral/*]"), ("plan", "added", "rollouts.a-new-one")]


def test_a_change_to_an_earlier_dated_term_of_a_selector_is_seen(content: dict[str, Any]) -> None:
    old = copy.deepcopy(content)
    pricing = old["accounts"]["acme-bank"]["pricing"]
    pricing[0] = {**pricing[0], "until": "2026-08-31"}
    pricing.insert(1, {"model": "openai/gpt-6-sol", "prices": {"input_per_1m": "1.50"}, "effective_from": "2026-09-01"})
    new = copy.deepcopy(old)
    new["accounts"]["acme-bank"]["pricing"][0]["prices"]["input_per_1m"] = "1.80"  # the March-August term
    (change,) = diff_contents(old, new, options=DiffOptions(today=date(2026, 11, 25))).changes
    assert change.field == "pricing[openai/gpt-6-sol from 2026-03-01].prices.input_per_1m"
    assert "1.60 -> 1.80 (+12.5%)" in change.reason  # 0.20 / 1.60
    # splitting one term into two dated ones: the first gets an until, the second is new
    split = diff_contents(content, old, options=DiffOptions(today=date(2026, 11, 25))).changes
    assert sorted((c.action, c.field) for c in split) == [
        ("added", "pricing[openai/gpt-6-sol from 2026-09-01]"),
        ("changed", "pricing[openai/gpt-6-sol from 2026-03-01].until"),
    ]


def test_reordering_an_accounts_negotiated_terms_is_a_review(content: dict[str, Any]) -> None:
    """The first entry matching a model applies: a wildcard moved above a model's own price changes it."""
    old = copy.deepcopy(content)
    old["accounts"]["acme-bank"]["pricing"].insert(0, {"model": "openai/*", "discount_percent": "5"})
    new = copy.deepcopy(old)
    new["accounts"]["acme-bank"]["pricing"].insert(1, new["accounts"]["acme-bank"]["pricing"].pop(0))
    new["accounts"]["acme-bank"]["pricing"].append({"model": "mistral/*", "discount_percent": "5"})
    changes = diff_contents(old, new, options=DiffOptions(today=date(2026, 11, 25))).changes
    found = {c.field: c for c in changes}
    assert set(found) == {"pricing", "pricing[mistral/*]"}  # the new entry is not a reordering
    moved = found["pricing"]
    assert moved.cls == "review" and "reordered" in moved.reason
    assert (moved.before, moved.after) == (
        ["openai/*", "openai/gpt-6-sol", "amazon-bedrock/*"],
        ["openai/gpt-6-sol", "openai/*", "amazon-bedrock/*"],
    )
