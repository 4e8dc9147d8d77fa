"""The comparison itself, on content mappings: what changes, and how it is classed."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from conftest import MakeCatalog
from modelctl.artifact.compile import content_of
from modelctl.review.diff import BREAKING, INFO, REVIEW, Change, DiffOptions, diff_contents
from modelctl.rules.validate import validate_catalog

OPTIONS = DiffOptions(today=date(2026, 11, 25))


@pytest.fixture
def content(make_catalog: MakeCatalog) -> dict[str, Any]:
    result = validate_catalog(make_catalog())
    assert result.valid
    return content_of(result.catalog)


def _diff(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    return list(diff_contents(old, new, options=OPTIONS).changes)


def _one(changes: list[Change]) -> Change:
    assert len(changes) == 1, changes
    return changes[0]


def test_identical_contents_have_no_changes(content: dict[str, Any]) -> None:
    result = diff_contents(content, copy.deepcopy(content), options=OPTIONS)
    assert result.empty


def test_price_change_in_a_period_in_force_is_a_review(content: dict[str, Any]) -> None:
    new = copy.deepcopy(content)
    new["models"]["acme/beta"]["pricing"][0]["prices"]["output_per_1m"] = "1.65"
    change = _one(_diff(content, new))
    assert (change.entity, change.field, change.before, change.after) == (
        "acme/beta",
        "pricing[2024-01-01].output_per_1m",
        "1.50",
        "1.65",
    )
    assert change.price and change.price.delta == Decimal("0.15") and change.price.percent == Decimal("10.0")
    assert change.cls == REVIEW and "re-priced" in change.reason


@pytest.mark.parametrize(
    ("before", "after", "delta", "percent"),
    [
        # a change of 10^60 %: the percent's quantize needs 62 digits (decimal.InvalidOperation in the
        # default 28-digit context, a traceback from diff and history; found by mutating catalogs in git)
        (
            "0.00000000000000000000000000000001",
            "1000000000000000000000000000000",
            "999999999999999999999999999999.99999999999999999999999999999999",
            "9999999999999999999999999999999999999999999999999999999999999900.0",
        ),
        # 40 significant digits: the delta was rounded to 28
        ("1.000000000000000000000000000000000000001", "2", "0.999999999999999999999999999999999999999", "100.0"),
    ],
)
def test_price_changes_of_any_size_are_exact(
    content: dict[str, Any], before: str, after: str, delta: str, percent: str
) -> None:
    old, new = copy.deepcopy(content), copy.deepcopy(content)
    old["models"]["acme/beta"]["pricing"][0]["prices"]["output_per_1m"] = before
    new["models"]["acme/beta"]["pricing"][0]["prices"]["output_per_1m"] = after
    change = _one(_diff(old, new))
    assert change.price is not None
    assert (str(change.price.delta), str(change.price.percent)) == (delta, percent)


def test_scheduled_period_compares_with_the_price_in_force(content: dict[str, Any]) -> None:
    new = copy.deepcopy(content)
    pricing = new["models"]["acme/beta"]["pricing"]
    pricing.insert(
        0, {**pricing[0], "effective_from": "2027-01-01", "prices": {"input_per_1m": "0.625", "output_per_1m": "1.55"}}
    )
    changes = {c.price.key: c for c in _diff(content, new) if c.price}
    raised = changes["input_per_1m"]
    assert raised.price and raised.price.scheduled and raised.price.percent == Decimal("25.0")
    assert raised.cls == REVIEW and "more than 10" in raised.reason
    small = changes["output_per_1m"]
    assert small.price and small.price.percent == Decimal("3.3") and small.cls == INFO


def test_threshold_is_configurable(content: dict[str, Any]) -> None:
    new = copy.deepcopy(content)
    pricing = new["models"]["acme/beta"]["pricing"]
    pricing.insert(
        0, {**pricing[0], "effective_from": "2027-01-01", "prices": {"input_per_1m": "0.625", "output_per_1m": "1.50"}}
    )
    loose = DiffOptions(today=date(2026, 11, 25), review_threshold=Decimal(30))
    assert _one(list(diff_contents(content, new, options=loose).changes)).cls == INFO


def test_new_period_dated_in_the_past_is_a_review(content: dict[str, Any]) -> None:
    new = copy.deepcopy(content)
    pricing = new["models"]["acme/beta"]["pricing"]
    pricing.insert(
        0, {**pricing[0], "effective_from": "2026-11-01", "prices": {"input_per_1m": "0.40", "output_per_1m": "1.50"}}
    )
    change = _one(_diff(content, new))
    assert change.cls == REVIEW and "dated in the past" in change.reason
    assert change.price and change.price.delta == Decimal("-0.10")


@pytest.mark.parametrize(
    ("mutate", "field", "cls", "words"),
    [
        (lambda m: m["aliases"].remove("alpha-2025-01-01"), "aliases", BREAKING, "alias 'alpha-2025-01-01' removed"),
        (lambda m: m["features"].remove("vision"), "features", BREAKING, "feature 'vision' removed"),
        (lambda m: m["modalities"]["input"].remove("image"), "modalities.input", BREAKING, "removed"),
        (lambda m: m["limits"].update(context_window=100000), "limits.context_window", BREAKING, "shrunk"),
        (lambda m: m["limits"].update(context_window=400000), "limits.context_window", INFO, ""),
        (lambda m: m.update(currency="EUR"), "currency", BREAKING, "currency changed"),
        (lambda m: m.update(enabled=False), "enabled", BREAKING, "disabled"),
        (lambda m: m.update(name="Alpha One"), "name", INFO, ""),
        (
            lambda m: m["pricing"][0]["variants"].pop("batch"),
            "pricing[2025-06-01].variants.batch",
            BREAKING,
            "variant 'batch' removed",
        ),
        (lambda m: m["pricing"].pop(1), "pricing[2025-01-01]", REVIEW, "period removed"),
    ],
)
def test_model_field_classes(content: dict[str, Any], mutate: Any, field: str, cls: str, words: str) -> None:
    new = copy.deepcopy(content)
    mutate(new["models"]["acme/alpha"])
    change = next(c for c in _diff(content, new) if c.field == field)
    assert change.cls == cls
    assert words in change.reason


def test_tier_price_change_names_the_tier(content: dict[str, Any]) -> None:
    new = copy.deepcopy(content)
    new["models"]["acme/alpha"]["pricing"][0]["tiers"][0]["prices"]["output_per_1m"] = "20.00"
    change = _one(_diff(content, new))
    assert change.field == "pricing[2025-06-01].tiers[>128000].output_per_1m"
    assert change.price and change.price.tier == 128000 and change.price.percent == Decimal("25.0")


def test_models_added_and_removed(content: dict[str, Any]) -> None:
    new = copy.deepcopy(content)
    beta = new["models"].pop("acme/beta")
    new["models"]["acme/gamma"] = {**beta, "id": "gamma"}
    result = diff_contents(content, new, options=OPTIONS)
    assert result.entities["model"] == {"added": ["acme/gamma"], "removed": ["acme/beta"], "changed": []}
    removed = next(c for c in result.changes if c.entity == "acme/beta")
    assert removed.cls == BREAKING and "deprecated" in removed.reason


def test_removing_a_retired_model_is_fine(content: dict[str, Any]) -> None:
    old = copy.deepcopy(content)
    old["models"]["acme/beta"]["status"] = "retired"
    new = copy.deepcopy(old)
    new["models"].pop("acme/beta")
    assert _one(_diff(old, new)).cls == INFO


def test_rename_that_keeps_the_old_id_as_alias(content: dict[str, Any]) -> None:
    new = copy.deepcopy(content)
    beta = new["models"].pop("acme/beta")
    new["models"]["acme/beta-2"] = {**beta, "id": "beta-2", "aliases": ["beta"]}
    removed = next(c for c in _diff(content, new) if c.entity == "acme/beta")
    assert removed.cls == INFO and "renamed to acme/beta-2" in removed.reason


def test_changes_are_ordered_breaking_first(content: dict[str, Any]) -> None:
    new = copy.deepcopy(content)
    new["models"]["acme/alpha"]["name"] = "A"
    new["models"]["acme/alpha"]["features"].remove("vision")
    new["models"]["acme/beta"]["pricing"][0]["prices"]["output_per_1m"] = "9.00"
    assert [c.cls for c in _diff(content, new)] == [BREAKING, REVIEW, INFO]
