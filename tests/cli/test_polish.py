"""Command-line polish (issue 15): words a user reads, not Python's."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from test_cli_docs import COMMANDS
from typer.testing import CliRunner

from conftest import REPO, MakeCatalog
from modelctl.cli import app

runner = CliRunner()
LEAKS = re.compile(r"<(str|bool|int|path|list\[[^\]]*\]|float|date|datetime|Decimal)>|\{[A-Za-z_/ -]+\}")


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_help_shows_no_internal_type_names(name: str) -> None:
    result = runner.invoke(app, [*name.split(), "--help"])
    assert result.exit_code == 0
    found = LEAKS.findall(result.stdout)
    assert not found, f"modelctl {name} --help shows {found}"


def test_help_uses_command_line_words() -> None:
    text = " ".join(runner.invoke(app, ["list", "--help"]).stdout.replace("│", " ").split())
    assert "[CATALOG]" in text and "--provider -p TEXT" in text and "--catalog PATH" in text
    assert "--status [preview|active|deprec" in text
    usage = runner.invoke(app, ["price", "set", "--help"]).stdout
    assert "MODEL KEY=VALUE..." in usage


def test_a_usage_error_has_no_leaked_value_error_prefix(make_catalog: MakeCatalog) -> None:
    root = make_catalog()
    for args in (
        ["explain", "acme/alpha", "--plan", "x", "--input", "-5"],
        ["cost", "acme/alpha", "--input", "1x"],
        ["list", "--at", "2026-02-30"],
    ):
        result = runner.invoke(app, [*args, "--catalog", str(root)])
        assert result.exit_code == 2, args
        assert "Value error" not in result.output and "Invalid value for" in result.output, args


def test_publish_with_warnings_is_a_warning_not_an_error(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    root = make_catalog({"models/acme/beta.yaml": None})
    alpha = root / "models/acme/alpha.yaml"
    alpha.write_text(alpha.read_text().replace("checked: 2026-11-01", "checked: 2024-01-01"))  # stale: MC306
    result = runner.invoke(app, ["publish", str(root), "--out", str(tmp_path / "dist")])
    assert result.exit_code == 0, result.output
    assert ": written, 1 model, " in result.stdout
    assert "error" not in result.stderr
    assert re.search(r"warning: published with 1 warning\b", result.stderr), result.stderr


def test_explain_takes_counts_like_cost_and_a_versioned_json(make_catalog: MakeCatalog) -> None:
    root = make_catalog(
        {
            "plans/team.yaml": '# yaml-language-server: $schema=../../schema/plan.schema.json\nid: team\nname: Team\nmodels:\n  allow: ["acme/*"]\n'
        }
    )
    args = ["explain", "acme/alpha", "--plan", "team", "--catalog", str(root), "--input", "1.5k", "--output", "2,000"]
    text = runner.invoke(app, args)
    assert text.exit_code == 0, text.output
    assert "1,500 input + 2,000 output tokens" in text.stdout
    doc = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)
    assert doc["format_version"] == "1.0" and doc["allowed"] is True
    # 1,500 x 2.00 + 2,000 x 8.00 per 1M = 0.003 + 0.016
    assert doc["cost"]["total"].rstrip("0") == "0.019"
    assert json.loads(runner.invoke(app, [*args, "--json"]).stdout) == doc


def test_import_litellm_of_another_kind_of_file_exits_4(tmp_path: Path) -> None:
    root = tmp_path / "catalog"
    shutil.copytree(REPO / "catalog", root)
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    other = tmp_path / "models.json"
    other.write_text(json.dumps({"openai": {"models": {"gpt-4o": {"cost": {"input": 2.5}}}}, "anthropic": {}}))
    result = runner.invoke(app, ["import", "litellm", str(other), "--catalog", str(root)])
    assert result.exit_code == 4, result.output
    assert "not a LiteLLM price map" in result.stderr and "litellm_provider" in result.stderr
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_diff_text_prints_values_as_a_catalog_spells_them(make_catalog: MakeCatalog) -> None:
    base = make_catalog(name="base")
    beta = "models/acme/beta.yaml"
    head_beta = (base / beta).read_text().replace("status: deprecated\n", "status: deprecated\nenabled: false\n")
    head = make_catalog({beta: head_beta, "models/acme/alpha.yaml": (base / "models/acme/alpha.yaml").read_text().replace(
        "status: active", "status: preview")}, name="head")  # fmt: skip
    result = runner.invoke(app, ["diff", str(base), str(head)])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.stdout.replace("│", " ").split())
    assert "enabled changed true false breaking" in flat
    assert "status changed active preview info" in flat  # the class column is never blank
    for repr_ in ("True", "False", "None", "{'"):
        assert repr_ not in result.stdout, repr_
