"""``modelctl cost`` and ``estimate``: the breakdown, exact totals, bad input."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MakeCatalog
from everyday_helpers import everyday_catalog, runtime_of
from modelctl import runtime
from modelctl.cli import app

runner = CliRunner()
Golden = Callable[[str, str], None]


@pytest.fixture
def cat(make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    everyday_catalog(make_catalog)
    monkeypatch.chdir(tmp_path)
    return "cat"


def _flat(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_cost_formats(cat: str, fmt: str, golden: Golden) -> None:
    args = ["cost", "acme/alpha", "--input", "100k", "--cached", "28_001", "--output", "1,000", "--catalog", cat]
    result = runner.invoke(app, [*args, "-f", fmt])
    assert result.exit_code == 0, result.output
    golden(f"cost/alpha-tier.{fmt}.{ {'text': 'txt', 'markdown': 'md'}.get(fmt, fmt) }", result.stdout)


def test_cost_json_equals_the_runtime(cat: str) -> None:
    usage = runtime.Usage(input_tokens=1234, output_tokens=56, cached_input_tokens=7890, reasoning_tokens=11)
    argv = ["cost", "acme/alpha", "--input", "1234", "--output", "56", "--cached", "7890", "--reasoning", "11"]
    for variant, at in ((None, "2026-11-25"), ("batch", "2026-11-25"), (None, "2025-03-01")):
        extra = ["--at", at] + (["--variant", variant] if variant else [])
        doc = json.loads(runner.invoke(app, [*argv, *extra, "--catalog", cat, "-f", "json"]).stdout)
        cost = runtime_of(Path(cat)).cost("acme/alpha", usage, at=at, variant=variant)
        assert Decimal(doc["total"]) == cost.total
        assert {c["component"]: Decimal(c["cost"]) for c in doc["components"]} == cost.components
        assert doc["effective_from"] == cost.effective_from.isoformat() and doc["variant"] == variant


def test_cost_per_request_fee(cat: str) -> None:
    result = runner.invoke(app, ["cost", "acme/delta", "--input", "1000", "--requests", "4", "--catalog", cat])
    assert result.exit_code == 0
    assert "request" in result.stdout and "0.005 each" in result.stdout
    assert "0.021 USD" in result.stdout  # 1000 * 1.00/1M + 4 * 0.005


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        pytest.param(["nope"], 2, "unknown model 'nope'", id="unknown-model"),
        pytest.param(["alpha"], 2, "'alpha' is ambiguous", id="ambiguous-model"),
        pytest.param(["acme/alpha", "--input", "12.5"], 2, "'12.5' is not a whole number of tokens", id="fraction"),
        pytest.param(["acme/alpha", "--input", "-3"], 2, "'-3' is not a token count", id="negative"),
        pytest.param(["acme/alpha", "--output", "lots"], 2, "'lots' is not a token count", id="words"),
        pytest.param(["acme/alpha", "--at", "2026-13-01"], 2, "'2026-13-01' is not a date", id="bad-date"),
        pytest.param(
            ["acme/alpha", "--variant", "flex"], 2, "acme/alpha has no variant 'flex' (it has: batch)", id="variant"
        ),
        pytest.param(["acme/beta", "--variant", "batch"], 2, "has no variant 'batch' (it has none)", id="no-variants"),
        pytest.param(["acme/alpha", "--at", "2024-06-01"], 1, "no price in force on 2024-06-01", id="before-prices"),
        pytest.param(["acme/gamma", "--output", "10"], 1, "no price for output tokens", id="no-output-price"),
        # What the runtime refuses (UnsupportedUsageError) is a "no" naming the limit, not a traceback.
        pytest.param(
            ["acme/beta", "--input", "40k"],
            1,
            "acme/beta does not take that much input (40,000 input-side tokens in 1 request(s), above its limit of "
            "32,000 per request)",
            id="above-the-context-window",
        ),
        pytest.param(
            ["acme/beta", "--input-audio", "10"], 1, "acme/beta does not accept audio input", id="modality-not-taken"
        ),
        # A decimal comma is not a thousands separator: 1,5k is not read as 15,000.
        pytest.param(["acme/alpha", "--input", "1,5k"], 2, "'1,5k' is not a token count", id="decimal-comma"),
        pytest.param(["acme/alpha", "--input", "1,00"], 2, "'1,00' is not a token count", id="comma-not-thousands"),
        pytest.param(["acme/alpha", "--input", "1,"], 2, "'1,' is not a token count", id="trailing-comma"),
        pytest.param(["acme/alpha", "--input", "1__0"], 2, "'1__0' is not a token count", id="double-underscore"),
        pytest.param(["acme/alpha", "--input", "\u0661\u0662"], 2, "is not a token count", id="non-ascii-digits"),
    ],
)
def test_cost_bad_input(cat: str, args: list[str], code: int, message: str) -> None:
    result = runner.invoke(
        app,
        ["cost", *args, "--input", "1", "--catalog", cat]
        if "--input" not in args
        else ["cost", *args, "--catalog", cat],
    )
    assert result.exit_code == code, result.output
    assert message in _flat(result.stderr)
    assert result.stdout == ""


@pytest.mark.parametrize("fmt", ["text", "json", "csv", "markdown"])
def test_estimate_formats(cat: str, fmt: str, golden: Golden) -> None:
    result = runner.invoke(app, ["estimate", "--input", "5000", "--output", "1000", "--catalog", cat, "-f", fmt])
    assert result.exit_code == 0, result.output
    golden(f"estimate/workload.{fmt}.{ {'text': 'txt', 'markdown': 'md'}.get(fmt, fmt) }", result.stdout)
    assert "2 of 6 models left out: 1 no price for output tokens; 1 retired" in result.stderr


def test_estimate_totals_equal_the_runtime_and_are_cheapest_first(cat: str) -> None:
    result = runner.invoke(
        app, ["estimate", "--input", "3k", "--cached", "1k", "--output", "700", "-f", "csv", "--catalog", cat, "--all"]
    )
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    catalog = runtime_of(Path(cat))
    usage = runtime.Usage(input_tokens=3000, cached_input_tokens=1000, output_tokens=700)
    totals = [Decimal(r["cost"]) for r in rows]
    assert totals == sorted(totals)
    for row in rows:
        assert Decimal(row["cost"]) == catalog.cost(row["model"], usage, at="2026-11-25").total
    assert "acme/old" in [r["model"] for r in rows]  # --all includes retired models


def test_estimate_filters(cat: str) -> None:
    result = runner.invoke(
        app,
        [
            "estimate",
            "--input",
            "1000",
            "--feature",
            "vision",
            "--variant",
            "batch",
            "-p",
            "acme",
            "--catalog",
            cat,
            "-f",
            "json",
            "-n",
            "1",
        ],
    )
    doc = json.loads(result.stdout)
    assert [m["model"] for m in doc["models"]] == ["acme/alpha"]
    assert doc["models"][0]["variant"] == "batch"


def test_estimate_when_nothing_can_price_it(cat: str) -> None:
    result = runner.invoke(app, ["estimate", "--input", "1000", "--at", "2020-01-01", "--catalog", cat])
    assert result.exit_code == 0
    assert "no model can price this workload (6 considered)" in _flat(result.stderr)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--input", "1.5"], "'1.5' is not a whole number of tokens", id="fraction"),
        pytest.param(["--at", "tomorrow"], "'tomorrow' is not a date", id="bad-date"),
        pytest.param(["--limit", "0"], "Invalid value for '--limit'", id="limit"),
    ],
)
def test_estimate_bad_input(cat: str, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["estimate", *args, "--catalog", cat])
    assert result.exit_code == 2
    assert message in _flat(result.stderr)


def test_cost_without_any_count_is_a_usage_error_not_zero(cat: str) -> None:
    result = runner.invoke(app, ["cost", "acme/alpha", "--catalog", cat])
    assert result.exit_code == 2, result.output
    assert "give at least one count" in _flat(result.stderr) and result.stdout == ""
    zeros = runner.invoke(app, ["cost", "acme/alpha", "--input", "0", "--output", "0", "--catalog", cat])
    assert zeros.exit_code == 2 and "0.00" not in zeros.stdout
    # a per-request fee alone is something to price
    fee = runner.invoke(app, ["cost", "acme/delta", "--requests", "2", "--catalog", cat])
    assert fee.exit_code == 0 and "0.01 USD" in fee.stdout, fee.output
