"""``modelctl plans``, ``show plan NAME``, ``show account NAME``: golden output, values checked
against tests/plans_helpers.py's files by hand, unknown names, an artifact."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MakeCatalog
from modelctl.cli import app
from plans_helpers import plans_catalog

runner = CliRunner()
Golden = Callable[[str, str], None]
EXT = {"text": "txt", "markdown": "md"}


@pytest.fixture
def cat(make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    plans_catalog(make_catalog)
    monkeypatch.chdir(tmp_path)
    return "cat"


def _flat(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


@pytest.mark.parametrize("fmt", ["text", "json", "csv", "markdown"])
def test_plans_formats(cat: str, fmt: str, golden: Golden) -> None:
    result = runner.invoke(app, ["plans", "--catalog", cat, "-f", fmt])
    assert result.exit_code == 0, result.output
    golden(f"plans/plans.{fmt}.{EXT.get(fmt, fmt)}", result.stdout)


def test_plans_values(cat: str) -> None:
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["plans", "--catalog", cat, "-f", "csv"]).stdout)))
    by_id = {r["id"]: r for r in rows}
    assert [r["id"] for r in rows] == ["biz", "pro", "bigco"]  # plans by id, then accounts
    # pro denies deprecated models: of MINI's alpha and beta (deprecated) it may use alpha only;
    # biz both; bigco's allow list narrows biz to alpha.
    assert (by_id["pro"]["models"], by_id["biz"]["models"], by_id["bigco"]["models"]) == ("1", "2", "1")
    assert by_id["pro"]["markup"] == "1.20" and by_id["pro"]["charges_in"] == "credits (1000 per USD)"
    assert by_id["pro"]["rounding"] == "0 decimals up, per request"
    assert (
        by_id["biz"]["charges_in"] == "list currency" and by_id["biz"]["rounding"] == "6 decimals half_up, per request"
    )
    assert by_id["bigco"]["kind"] == "account" and by_id["bigco"]["plan"] == "biz"
    assert by_id["bigco"]["markup"] == "1.10" and by_id["bigco"]["terms"] == "2 negotiated terms"
    assert {r["default_chat"] for r in rows} == {"acme/alpha"}
    doc = json.loads(runner.invoke(app, ["plans", "--catalog", cat, "-f", "json"]).stdout)
    assert doc["format_version"] == "1.0" and doc["purposes"] == ["chat", "embedding"]
    (biz,) = [p for p in doc["plans"] if p["id"] == "biz"]
    assert biz["defaults"] == {"chat": "acme/alpha"} and biz["default_candidates"] == {
        "chat": ["acme/alpha", "acme/beta"]
    }
    assert biz["markup"] == "1.10" and biz["credits_per_usd"] is None and biz["accounts"] == ["bigco"]
    (bigco,) = doc["accounts"]
    assert bigco["pricing"][0] == {"model": "acme/alpha", "prices": {"input_per_1m": "1.50"}, "note": "contract 7"}


@pytest.mark.parametrize(("kind", "name"), [("plan", "pro"), ("plan", "biz"), ("account", "bigco")])
@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_show_plan_and_account_formats(cat: str, kind: str, name: str, fmt: str, golden: Golden) -> None:
    result = runner.invoke(app, ["show", kind, name, "--catalog", cat, "-f", fmt])
    assert result.exit_code == 0, result.output
    golden(f"plans/{kind}-{name}.{fmt}.{EXT.get(fmt, fmt)}", result.stdout)


def test_show_plan_text_says_what_the_files_say(cat: str) -> None:
    pro = _flat(runner.invoke(app, ["show", "plan", "pro", "--catalog", cat]).stdout)
    assert "models 1 allowed today" in pro and "deny {status: deprecated}" in pro
    assert "markup 1.20" in pro and "charges in credits (1000 per USD)" in pro and "accounts -" in pro
    biz = _flat(runner.invoke(app, ["show", "plan", "biz", "--catalog", cat]).stdout)
    assert "chat acme/alpha (candidates: acme/alpha, acme/beta)" in biz and "accounts bigco" in biz
    big = _flat(runner.invoke(app, ["show", "account", "bigco", "--catalog", cat]).stdout)
    assert "plan biz (Business)" in big and "allow acme/alpha" in big and "markup 1.10 (the plan's)" in big
    assert "acme/alpha: negotiated input_per_1m 1.50 (contract 7)" in big
    assert "acme/*: 10% off list price x markup" in big


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["plan", "prp"], "unknown plan 'prp'; did you mean pro?", id="plan-close"),
        pytest.param(["plan", "gold"], "unknown plan 'gold'; plans: biz, pro", id="plan-none-close"),
        pytest.param(["account", "bigc"], "unknown account 'bigc'; did you mean bigco?", id="account-close"),
        pytest.param(["account", "pro"], "unknown account 'pro'; accounts: bigco", id="a-plan-is-not-an-account"),
    ],
)
def test_an_unknown_name_is_a_no_with_close_names(cat: str, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["show", *args, "--catalog", cat])
    assert result.exit_code == 1 and result.stdout == ""
    assert message in _flat(result.stderr)


def test_a_name_after_a_model_is_a_usage_error(cat: str) -> None:
    result = runner.invoke(app, ["show", "acme/alpha", "pro", "--catalog", cat])
    assert result.exit_code == 2 and "only plan or account take a NAME" in _flat(result.stderr)
    assert runner.invoke(app, ["show", "acme/alpha", "--catalog", cat]).exit_code == 0  # a model still shows


def test_a_catalog_without_plans_and_an_artifact(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    bare = make_catalog(name="bare")
    result = runner.invoke(app, ["plans", "--catalog", str(bare)])
    assert result.exit_code == 0 and "the catalog has no plans" in result.stderr
    assert json.loads(runner.invoke(app, ["plans", "--catalog", str(bare), "-f", "json"]).stdout)["plans"] == []
    full = plans_catalog(make_catalog)
    out = tmp_path / "dist"
    assert runner.invoke(app, ["publish", str(full), "--out", str(out), "--public"]).exit_code == 0
    public = runner.invoke(app, ["plans", "--catalog", str(out / "catalog.public.json"), "-f", "csv"])
    assert public.exit_code == 0 and [r["id"] for r in csv.DictReader(io.StringIO(public.stdout))] == ["biz", "pro"]
    assert (
        runner.invoke(app, ["show", "account", "bigco", "--catalog", str(out / "catalog.public.json")]).exit_code == 1
    )
    assert runner.invoke(app, ["plans", "--catalog", str(tmp_path / "nowhere")]).exit_code == 4
