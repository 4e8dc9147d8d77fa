"""The kill switch: `enabled: false` on any model validates, and its users fall back to the next
candidate in the runtime, in `explain`, in the page's data and in `diff`'s impact section."""

from __future__ import annotations

import dataclasses
import json
import shutil
import textwrap
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MINI, REPO, MakeCatalog
from modelctl.artifact.compile import content_of
from modelctl.catalog.loader import load_catalog
from modelctl.cli import app
from modelctl.review.diff import DiffOptions, diff_contents
from modelctl.rules.validate import check_loaded, validate_catalog
from modelctl.runtime import Catalog, NotAllowedError
from modelctl.site import page_data

TODAY = date(2026, 11, 25)
runner = CliRunner()


def test_disabling_any_one_model_of_the_reference_catalog_validates() -> None:
    loaded = load_catalog(REPO / "catalog")
    assert check_loaded(loaded, today=TODAY).valid
    enabled = [ref for ref, m in loaded.catalog.models.items() if m.enabled]
    assert len(enabled) > 50
    failures: dict[str, list[str]] = {}
    for ref in enabled:
        models = {**loaded.catalog.models, ref: dataclasses.replace(loaded.catalog.models[ref], enabled=False)}
        changed = dataclasses.replace(loaded, catalog=dataclasses.replace(loaded.catalog, models=models))
        result = check_loaded(changed, today=TODAY)
        errors = [str(f) for f in result.findings if f.severity.name == "ERROR"]
        if errors:
            failures[ref] = errors
            continue
        # and every plan and account still has a default for each purpose, none of them the disabled model
        cat = Catalog.from_content(content_of(result.catalog))
        for owner in [{"plan": p} for p in cat.plans()] + [{"account": a} for a in cat.accounts()]:
            for purpose, choice in cat.defaults(**owner).items():
                assert choice is not None and choice.model != ref, (ref, owner, purpose)
                assert cat.model(choice.model).available
    assert not failures, failures


PLAN = """\
# yaml-language-server: $schema=../../schema/plan.schema.json
id: pro
name: Pro
models:
  allow: ["acme/*"]
defaults:
  chat: [acme/alpha, acme/gamma]
  embedding: acme/gamma
"""
GAMMA = (
    textwrap.dedent(MINI["models/acme/beta.yaml"])
    .replace("id: beta", "id: gamma")
    .replace("status: deprecated", "status: active")
    .replace("deprecation: {announced: 2026-06-01, retires: 2027-01-01, replacement: acme/alpha}\n", "")
)


def _disable(text: str) -> str:
    return text.replace("status: active\n", "status: active\nenabled: false\n", 1)


@pytest.fixture
def sides(make_catalog: MakeCatalog) -> tuple[Path, Path]:
    files = {"models/acme/gamma.yaml": GAMMA, "plans/pro.yaml": PLAN}
    before = make_catalog(files, name="before")
    alpha = textwrap.dedent(MINI["models/acme/alpha.yaml"])
    after = make_catalog({**files, "models/acme/alpha.yaml": _disable(alpha)}, name="after")
    return before, after


def test_a_disabled_default_falls_back_in_the_runtime(sides: tuple[Path, Path]) -> None:
    before, after = (validate_catalog(p, today=TODAY) for p in sides)
    assert before.valid and after.valid, [str(f) for f in after.findings]
    old, new = (Catalog.from_content(content_of(r.catalog)) for r in (before, after))
    assert old.default_model("chat", plan="pro").model == "acme/alpha"
    choice = new.default_model("chat", plan="pro")
    assert (choice.model, choice.rule) == ("acme/gamma", "plan pro defaults.chat[1]")
    assert [(d.model, d.rule) for d in choice.skipped] == [("acme/alpha", "model disabled")]
    assert "falling back" in choice.reason and "acme/alpha skipped" in choice.reason
    # the disabled model is still priced (usage from before is billed), and allowed() says why not
    assert new.cost("acme/alpha", {"input_tokens": 1000}).total > 0
    decision = new.allowed("acme/alpha", plan="pro")
    assert not decision and decision.rule == "model disabled"


def test_no_usable_default_left_fails_validation(make_catalog: MakeCatalog) -> None:
    alpha = textwrap.dedent(MINI["models/acme/alpha.yaml"])
    root = make_catalog(
        {"models/acme/gamma.yaml": _disable(GAMMA), "plans/pro.yaml": PLAN, "models/acme/alpha.yaml": _disable(alpha)}
    )
    result = validate_catalog(root, today=TODAY)
    errors = [f for f in result.findings if f.code == "MC601"]
    assert len(errors) == 2  # chat (both candidates disabled) and embedding (its only one)
    chat = next(f for f in errors if "'chat'" in f.message)
    assert "no usable default for 'chat' left" in chat.message and "acme/alpha" in chat.message
    assert chat.location.file.endswith("plans/pro.yaml") and chat.location.line == 7  # chat:
    cat = Catalog.from_content(content_of(result.catalog))
    with pytest.raises(NotAllowedError, match="disabled"):
        cat.default_model("chat", plan="pro")


def test_a_denied_fall_back_is_still_an_error(make_catalog: MakeCatalog) -> None:
    plan = PLAN.replace('allow: ["acme/*"]', 'allow: ["acme/*"]\n  deny: [acme/gamma]').replace(
        "  embedding: acme/gamma\n", ""
    )
    result = validate_catalog(make_catalog({"models/acme/gamma.yaml": GAMMA, "plans/pro.yaml": plan}), today=TODAY)
    bad = [f for f in result.findings if f.code == "MC601"]
    assert len(bad) == 1 and "default acme/gamma is not available" in bad[0].message
    assert bad[0].location.line == 8 and bad[0].location.column > 20  # the list item, not the key


def test_explain_and_cost_say_the_default_falls_back(sides: tuple[Path, Path]) -> None:
    _, after = sides
    out = runner.invoke(app, ["explain", "acme/alpha", "--plan", "pro", "--catalog", str(after)])
    assert out.exit_code == 1
    assert "rule:   model disabled" in out.stdout and "status: active (disabled)" in out.stdout
    assert "default chat: falls back to acme/gamma (plan pro defaults.chat[1]): model disabled" in out.stdout
    doc = json.loads(
        runner.invoke(app, ["explain", "acme/alpha", "--plan", "pro", "--catalog", str(after), "--json"]).stdout
    )
    assert doc["defaults"]["chat"] == {
        "serving": "acme/gamma",
        "rule": "plan pro defaults.chat[1]",
        "fallback": True,
        "skipped_because": "model disabled",
    }
    cost = runner.invoke(app, ["cost", "acme/alpha", "--input", "1000", "--catalog", str(after), "--at", "2026-11-01"])
    assert cost.exit_code == 0 and "is disabled" in cost.stderr and "still priced" in cost.stderr


def test_the_page_data_shows_the_fall_back(sides: tuple[Path, Path]) -> None:
    before, after = (Catalog.from_content(content_of(validate_catalog(p, today=TODAY).catalog)) for p in sides)
    assert page_data(before, today=TODAY)["defaults"]["pro"]["chat"] == {
        "model": "acme/alpha",
        "rule": "plan pro defaults.chat[0]",
        "skipped": [],
    }
    assert page_data(after, today=TODAY)["defaults"]["pro"]["chat"] == {
        "model": "acme/gamma",
        "rule": "plan pro defaults.chat[1]",
        "skipped": ["acme/alpha"],
    }


def test_diff_impact_says_which_defaults_fall_back_to_what(sides: tuple[Path, Path]) -> None:
    before, after = (content_of(validate_catalog(p, today=TODAY).catalog) for p in sides)
    result = diff_contents(before, after, options=DiffOptions(today=TODAY))
    assert result.impact["acme/alpha"]["defaults"] == [{"owner": "plan pro", "purpose": "chat", "to": "acme/gamma"}]
    text = runner.invoke(app, ["diff", str(sides[0]), str(sides[1])])
    assert "default chat of plan pro falls back to acme/gamma" in text.stdout, text.output
    md = runner.invoke(app, ["diff", str(sides[0]), str(sides[1]), "--format", "markdown"])
    assert "#### Defaults that fall back" in md.stdout and "falls back to `acme/gamma`" in md.stdout


def test_reference_catalog_disabling_a_plan_default(tmp_path: Path) -> None:
    root = tmp_path / "catalog"
    shutil.copytree(REPO / "catalog", root)
    path = root / "models/openai/gpt-6-luna.yaml"
    path.write_text(path.read_text().replace("enabled: true", "enabled: false", 1))
    result = validate_catalog(root, today=TODAY)
    assert result.valid, [str(f) for f in result.findings if f.severity.name == "ERROR"]
    cat = Catalog.from_content(content_of(result.catalog))
    assert cat.default_model("chat", plan="free").model == "anthropic/claude-haiku-5-5"
    # an A/B arm whose model is disabled falls back to the plan's default list, keeping the arm
    luna_arm = cat.default_model("chat", plan="pro", subject="account-1")  # bucket 4130: the gpt-6-luna arm
    assert (luna_arm.arm, luna_arm.model) == ("openai/gpt-6-luna", "anthropic/claude-haiku-5-5")
