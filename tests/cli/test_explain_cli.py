"""`modelctl explain` on the repository's catalog."""

from __future__ import annotations

import json
from decimal import Decimal

from typer.testing import CliRunner

from conftest import REPO
from modelctl.cli import app

runner = CliRunner()


def _explain(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["explain", *args, "--catalog", str(REPO / "catalog")])
    return result.exit_code, result.stdout, result.stderr


def test_denied_by_the_plan_exits_1_with_the_rule() -> None:
    code, out, _ = _explain("anthropic/claude-opus-5-5", "--plan", "pro")
    assert code == 1
    assert "NOT ALLOWED" in out and "rule:   plan pro deny[1]" in out and "anthropic/claude-opus-*" in out


def test_allowed_with_cost_and_negotiated_charge() -> None:
    code, out, _ = _explain("openai/gpt-6-sol", "--account", "acme-bank", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["allowed"] and doc["plan"] == "enterprise"
    # catalog: gpt-6-sol 2.00 in / 10.00 out; acme-bank negotiated 1.60 / 8.00 (USD, 6 decimals, half-even)
    assert doc["cost"]["total"] == "0.030000"  # 10,000 x 2.00/1M + 1,000 x 10.00/1M
    charge = doc["charge"]
    assert (charge["amount"], charge["unit"], charge["basis"]) == ("0.024000", "USD", "negotiated")
    assert Decimal(charge["exact"]) == Decimal("0.024")


def test_credits_and_markup() -> None:
    code, out, _ = _explain("openai/gpt-6-luna", "--plan", "pro", "--input", "1000", "--output", "1000", "--json")
    assert code == 0
    # 1,000 x 0.10/1M + 1,000 x 0.50/1M = 0.0006 USD x 1.20 x 1000 credits = 0.72 credits, 3 decimals, up
    assert json.loads(out)["charge"]["amount"] == "0.720"


def test_retired_model_is_available_nowhere() -> None:
    code, out, _ = _explain("openai/o1", "--plan", "enterprise")
    assert code == 1 and "model retired" in out and "use openai/" in out


def test_usage_errors() -> None:
    assert _explain("openai/gpt-6-sol")[0] == 2
    code, _, err = _explain("openai/gpt-6-sol", "--plan", "gold")
    assert code == 2 and "unknown plan 'gold'" in err
    assert _explain("openai/nope", "--plan", "pro")[0] == 2


def test_list_and_estimate_filter_by_plan_and_account() -> None:
    result = runner.invoke(app, ["list", str(REPO / "catalog"), "--plan", "free", "-f", "csv"])
    assert result.exit_code == 0
    refs = [line.split(",")[0] for line in result.stdout.splitlines()[1:]]
    # free allows seven named models and groq/*, and denies deprecated and preview models
    assert refs == [
        "anthropic/claude-haiku-5-5",
        "google/gemini-3.5-flash-lite",
        "google/gemini-embedding-2",
        "groq/gpt-oss-120b",
        "groq/gpt-oss-20b",
        "groq/gpt-oss-safeguard-20b",
        "mistral/ministral-8b-2512",
        "openai/gpt-6-luna",
        "openai/text-embedding-3-small",
    ]
    result = runner.invoke(app, ["list", str(REPO / "catalog"), "--account", "acme-bank", "-f", "csv"])
    providers = {line.split(",")[0].split("/")[0] for line in result.stdout.splitlines()[1:]}
    assert providers == {"openai", "amazon-bedrock", "mistral"}
    result = runner.invoke(
        app,
        [
            "estimate",
            "--catalog",
            str(REPO / "catalog"),
            "--input",
            "1000",
            "--output",
            "100",
            "--plan",
            "free",
            "-f",
            "json",
        ],
    )
    assert result.exit_code == 0
    assert "anthropic/claude-opus-5-5" not in result.stdout and "groq/gpt-oss-20b" in result.stdout
    bad = runner.invoke(app, ["list", str(REPO / "catalog"), "--plan", "gold"])
    assert bad.exit_code == 2 and "unknown plan 'gold'" in bad.stderr


def test_a_subject_with_escape_sequences_never_reaches_the_terminal() -> None:
    # --subject was echoed as it was: an id taken from a request could retitle or clear the terminal
    subject = "u1\x1b]0;owned\x07\x1b[2J\u202e"
    code, out, _ = _explain("openai/gpt-6-sol", "--plan", "pro", "--subject", subject)
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "for subject u1\\x1b]0;owned\\x07\\x1b[2J\\u202e of plan pro: ALLOWED" in out
    code, out, _ = _explain("openai/gpt-6-sol", "--plan", "pro", "--subject", subject, "--format", "json")
    assert json.loads(out)["subject"] == subject
