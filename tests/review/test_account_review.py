"""Account changes are class review, like plan changes, with the detail a reviewer needs."""

from __future__ import annotations

import copy
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import REPO
from modelctl.artifact.compile import content_of
from modelctl.cli import app
from modelctl.review.diff import INFO, REVIEW, Change, DiffOptions, diff_contents
from modelctl.rules.validate import validate_catalog

TODAY = date(2026, 11, 25)


@pytest.fixture(scope="module")
def content() -> dict[str, Any]:
    return content_of(validate_catalog(REPO / "catalog", today=TODAY).catalog)


def _changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Change]:
    found = diff_contents(old, new, options=DiffOptions(today=TODAY)).changes
    return {c.field or "": c for c in found}


def test_narrowing_an_account_is_a_review_naming_the_models_lost(content: dict[str, Any]) -> None:
    new = copy.deepcopy(content)
    new["accounts"]["acme-bank"]["models"]["deny"].append("openai/gpt-6-luna")
    change = _changes(content, new)["models.deny"]
    assert (change.kind, change.cls) == ("account", REVIEW)
    assert "loses 1 (openai/gpt-6-luna)" in change.reason


def test_defaults_negotiated_prices_discounts_and_opt_ins(content: dict[str, Any]) -> None:
    new = copy.deepcopy(content)
    account = new["accounts"]["acme-bank"]
    account["defaults"]["chat"] = ["openai/gpt-6-luna", "openai/gpt-6-sol"]
    account["pricing"][0]["prices"]["input_per_1m"] = "1.80"  # was 1.60
    account["pricing"][1]["discount_percent"] = "15"  # was 12.5
    account["pricing"][1]["note"] = "renegotiated"
    account["rollouts"] = {"gpt-6-1-sol-launch": False}
    found = _changes(content, new)
    assert (
        found["defaults.chat"].cls == REVIEW
        and "default chat model of account acme-bank" in found["defaults.chat"].reason
    )
    price = found["pricing[openai/gpt-6-sol].prices.input_per_1m"]
    assert price.cls == REVIEW and (price.before, price.after) == ("1.60", "1.80") and "(+12.5%)" in price.reason
    discount = found["pricing[amazon-bedrock/*].discount_percent"]
    assert discount.cls == REVIEW and "from 12.5% to 15%" in discount.reason
    assert found["pricing[amazon-bedrock/*].note"].cls == INFO
    opt = found["rollouts.gpt-6-1-sol-launch"]
    assert opt.cls == REVIEW and "opts out of rollout gpt-6-1-sol-launch" in opt.reason


def test_a_new_and_a_removed_negotiated_price(content: dict[str, Any]) -> None:
    new = copy.deepcopy(content)
    pricing = new["accounts"]["acme-bank"]["pricing"]
    pricing.append({"model": "mistral/*", "discount_percent": "5"})
    del pricing[0]
    found = _changes(content, new)
    assert found["pricing[mistral/*]"].cls == REVIEW and "new negotiated price" in found["pricing[mistral/*]"].reason
    assert "list price x markup applies" in found["pricing[openai/gpt-6-sol]"].reason


def test_a_plan_change_names_the_models_gained_and_lost(content: dict[str, Any]) -> None:
    new = copy.deepcopy(content)
    new["plans"]["pro"]["models"]["deny"].remove("anthropic/claude-opus-*")
    change = _changes(content, new)["models.deny"]
    assert change.cls == REVIEW and "gains" in change.reason and "anthropic/claude-opus-5-5" in change.reason
    assert "loses" not in change.reason


def test_fail_on_review_gates_an_account_change(tmp_path: Path) -> None:
    base, head = tmp_path / "base", tmp_path / "head"
    shutil.copytree(REPO / "catalog", base)
    shutil.copytree(REPO / "catalog", head)
    path = head / "accounts/acme-bank.yaml"
    path.write_text(path.read_text().replace("input_per_1m: 1.60", "input_per_1m: 1.20"))
    result = CliRunner().invoke(app, ["diff", str(base), str(head), "--fail-on", "review"])
    assert result.exit_code == 3, result.output
    flat = " ".join(result.stdout.split())
    assert "REVIEW" in flat and "negotiated input_per_1m for openai/gpt-6-sol: 1.60 -> 1.20 (-25.0%)" in flat


def test_a_negotiated_price_change_of_any_size_is_shown_exactly(content: dict[str, Any]) -> None:
    # 10^-32 -> 10^30 is +10^64 %: quantizing it in the default 28-digit context was a
    # decimal.InvalidOperation traceback from diff (found by mutating catalogs in git)
    old, new = copy.deepcopy(content), copy.deepcopy(content)
    old["accounts"]["acme-bank"]["pricing"][0]["prices"]["input_per_1m"] = "0.00000000000000000000000000000001"
    new["accounts"]["acme-bank"]["pricing"][0]["prices"]["input_per_1m"] = "1000000000000000000000000000000"
    price = _changes(old, new)["pricing[openai/gpt-6-sol].prices.input_per_1m"]
    assert "(+9999999999999999999999999999999999999999999999999999999999999900.0%)" in price.reason
