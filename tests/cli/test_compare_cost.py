"""``modelctl compare`` with token counts: a cost row per model, priced as ``cost`` prices it."""

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
THREE = ["compare", "acme/alpha", "zeta/alpha", "acme/delta"]


@pytest.fixture
def cat(make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    everyday_catalog(make_catalog)
    monkeypatch.chdir(tmp_path)
    return "cat"


def _rows(stdout: str) -> dict[str, list[str]]:
    return {line.split()[0]: line.split()[1:] for line in stdout.splitlines()[1:]}


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "csv"])
def test_compare_cost_formats(cat: str, fmt: str, golden: Golden) -> None:
    result = runner.invoke(app, [*THREE, "--input", "1k", "--output", "500", "--catalog", cat, "-f", fmt])
    assert result.exit_code == 0, result.output
    golden(f"compare/three-cost.{fmt}.{ {'text': 'txt', 'markdown': 'md'}.get(fmt, fmt) }", result.stdout)


def test_the_cost_row_is_each_models_cost(cat: str) -> None:
    # 1,000 input + 500 output tokens: alpha 2.00 and 8.00 per 1M -> 0.002 + 0.004; zeta 2.50 and
    # 9.00 -> 0.0025 + 0.0045; delta 1.00 and 4.00 -> 0.001 + 0.002, plus 0.005 for the one request
    result = runner.invoke(app, [*THREE, "--input", "1k", "--output", "500", "--catalog", cat])
    assert result.exit_code == 0, result.output
    assert _rows(result.stdout)["cost"] == ["0.006", "0.007", "0.008"]
    doc = json.loads(
        runner.invoke(app, [*THREE, "--input", "1,000", "--output", "500", "--catalog", cat, "-f", "json"]).stdout
    )
    assert doc["usage"] == {"input_tokens": 1000, "output_tokens": 500, "requests": 1}
    assert [Decimal(v) for v in doc["fields"]["cost"]] == [Decimal("0.006"), Decimal("0.007"), Decimal("0.008")]
    assert "cost_error" not in doc["fields"]


def test_a_tier_and_requests(cat: str) -> None:
    # 200,000 input tokens is above alpha's 128,000 tier: the whole request at 4.00 and 16.00
    # -> 0.8 + 0.008; zeta has no tier -> 0.5 + 0.0045; two requests on delta -> 0.2 + 0.002 + 0.01
    args = [*THREE, "--input", "200k", "--output", "500", "--requests", "2", "--catalog", cat]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert _rows(result.stdout)["cost"] == ["0.8080", "0.5045", "0.2120"]


def test_the_variant_whose_prices_are_shown_is_the_one_priced(cat: str) -> None:
    # batch: alpha 1.00 / 4.00 -> 0.001 + 0.002; zeta's batch gives input 1.25 only, output stays
    # 9.00 -> 0.00125 + 0.0045; delta has no batch variant: its base prices, as the price rows show
    args = [*THREE, "--variant", "batch", "--input", "1k", "--output", "500", "--catalog", cat, "-f", "json"]
    doc = json.loads(runner.invoke(app, args).stdout)
    assert doc["fields"]["cost"] == ["0.003", "0.00575", "0.008"]
    usage = runtime.Usage(input_tokens=1000, output_tokens=500)
    catalog = runtime_of(Path(cat))
    assert Decimal(doc["fields"]["cost"][1]) == catalog.cost("zeta/alpha", usage, variant="batch").total


def test_a_model_that_cannot_price_the_usage_says_so(cat: str) -> None:
    # gamma (an embedding model) has no output price: unpriced, never 0
    args = ["compare", "acme/gamma", "acme/alpha", "--input", "1k", "--output", "500", "--catalog", cat]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert _rows(result.stdout)["cost"] == ["unpriced", "0.006"]
    assert "cost_error" not in result.stdout
    assert "acme/gamma: unpriced:" in result.stderr and "output" in result.stderr
    doc = json.loads(runner.invoke(app, [*args, "-f", "json"]).stdout)
    assert doc["fields"]["cost"] == [None, "0.006"]
    assert doc["fields"]["cost_error"][0] and doc["fields"]["cost_error"][1] is None
    table = list(csv.reader(io.StringIO(runner.invoke(app, [*args, "-f", "csv"]).stdout)))
    cost = next(r for r in table if r[0] == "cost")
    assert cost == ["cost", "", "0.006"]


def test_no_counts_no_cost_row(cat: str) -> None:
    result = runner.invoke(app, [*THREE, "--catalog", cat])
    assert result.exit_code == 0 and "cost" not in _rows(result.stdout)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--input", "lots"], "--input", id="not-a-count"),
        pytest.param(["--output", "-5"], "--output", id="negative"),
        pytest.param(["--cached", "1.5"], "--cached", id="fraction"),
    ],
)
def test_bad_counts_are_usage_errors(cat: str, args: list[str], message: str) -> None:
    result = runner.invoke(app, [*THREE, *args, "--catalog", cat])
    assert result.exit_code == 2
    assert message in result.stderr
