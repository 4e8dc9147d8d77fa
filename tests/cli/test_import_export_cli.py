"""``modelctl import``, ``export`` and ``check-prices``: exit codes, stdout and
stderr, nothing written on a malformed source, --update diffs."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SHARED_DATA, MakeCatalog
from modelctl.cli import app
from modelctl.rules.validate import validate_catalog

runner = CliRunner()
LITELLM = SHARED_DATA / "litellm" / "model_prices_and_context_window.json"
MODELS_DEV = SHARED_DATA / "models.dev" / "providers"
pytestmark = pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data not present")


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_import_writes_a_valid_catalog_and_reports_as_json(tmp_path: Path) -> None:
    root = tmp_path / "cat"
    args = ["import", "litellm", str(LITELLM), "--catalog", str(root), "-p", "anthropic", "--format", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["format_version"] == "1.0" and doc["written"] is True
    assert doc["source"] == {"kind": "litellm", "path": str(LITELLM), "entries": 4876}
    models = [c for c in doc["created"] if c["kind"] == "model"]
    assert (
        len(models) > 10
        and {"path": "providers/anthropic.yaml", "kind": "provider", "ref": None, "source_key": None} in doc["created"]
    )
    assert doc["unmapped"]["supports_tool_choice"] > 0 and doc["validation"]["valid"] is True
    assert validate_catalog(root).valid


def test_import_text_report_and_existing_files(tmp_path: Path) -> None:
    root = tmp_path / "cat"
    args = ["import", "models.dev", str(MODELS_DEV / "perplexity"), "--catalog", str(root)]
    first = runner.invoke(app, args)
    assert first.exit_code == 0
    assert "wrote" in first.stdout and "cost.citation" in first.stdout and "cost.request" in first.stdout
    before = tree(root)
    again = runner.invoke(app, args)
    assert again.exit_code == 0
    assert "exists, skipped, use --update" in again.stdout
    assert tree(root) == before


def test_update_shows_the_diff_and_applies_only_with_yes(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    root = make_catalog()
    source = tmp_path / "litellm.json"
    entry = {
        "litellm_provider": "acme",
        "max_input_tokens": 32000,
        "input_cost_per_token": 6e-07,
        "output_cost_per_token": 1.5e-06,
    }
    source.write_text(json.dumps({"acme/beta": entry}))
    before = tree(root)
    args = ["import", "litellm", str(source), "--catalog", str(root), "--update"]
    shown = runner.invoke(app, args)
    assert shown.exit_code == 0
    assert "--- a/models/acme/beta.yaml" in shown.stdout and "+    input_per_1m: 0.60" in shown.stdout
    assert "nothing applied; run again with --yes" in shown.stderr
    assert tree(root) == before
    applied = runner.invoke(app, [*args, "--yes"])
    assert applied.exit_code == 0
    text = (root / "models/acme/beta.yaml").read_text()
    assert "input_per_1m: 0.60" in text and "input_per_1m: 0.50" in text  # a new period; the old one kept
    assert validate_catalog(root).valid


@pytest.mark.parametrize("kind", ["litellm", "models.dev"])
def test_malformed_source_writes_nothing(make_catalog: MakeCatalog, tmp_path: Path, kind: str) -> None:
    root = make_catalog()
    if kind == "litellm":
        source = tmp_path / "truncated.json"
        source.write_bytes(LITELLM.read_bytes()[:20000])
    else:
        source = tmp_path / "perplexity"
        shutil.copytree(MODELS_DEV / "perplexity", source)
        (source / "models" / "broken.toml").write_text("name = 'x'\ncost = {input = }\n")
    before = tree(root)
    result = runner.invoke(app, ["import", kind, str(source), "--catalog", str(root)])
    assert result.exit_code == 4
    assert "nothing was written" in result.stderr
    assert (":2:" in result.stderr) if kind == "models.dev" else ("truncated.json:" in result.stderr)
    assert tree(root) == before
    assert result.stdout == ""


def test_missing_source_and_dry_run(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["import", "litellm", str(tmp_path / "nope.json"), "--catalog", str(tmp_path / "c")])
    assert missing.exit_code == 4 and "no such file" in missing.stderr
    dry = runner.invoke(
        app, ["import", "models.dev", str(MODELS_DEV / "deepseek"), "--catalog", str(tmp_path / "c"), "--dry-run"]
    )
    assert dry.exit_code == 0 and "would write" in dry.stdout
    assert not (tmp_path / "c").exists()


def test_bad_since_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["import", "litellm", str(LITELLM), "--catalog", str(tmp_path), "--since", "2025-13-01"]
    )
    assert result.exit_code == 2


# --- export ---------------------------------------------------------------------------------


@pytest.fixture
def artifact(make_catalog: MakeCatalog, tmp_path: Path) -> Path:
    root = make_catalog()
    result = runner.invoke(app, ["publish", str(root), "--out", str(tmp_path / "dist")])
    assert result.exit_code == 0, result.stderr
    return tmp_path / "dist" / "catalog.json"


def test_export_litellm_to_a_file(artifact: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "prices.json"
    result = runner.invoke(app, ["export", "--format", "litellm", str(artifact), "--output", str(out)])
    assert result.exit_code == 0 and result.stdout == ""
    data = json.loads(out.read_text())
    assert data["acme/alpha"]["input_cost_per_token"] == 2e-06
    assert '"input_cost_per_token_above_128k_tokens": 4e-06' in out.read_text()
    assert data["acme/alpha-2025-01-01"] == data["acme/alpha"]  # aliases are keys too


def test_export_price_table_csv_and_at(artifact: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODELCTL_ARTIFACT", str(artifact))
    result = runner.invoke(app, ["export", "--format", "price-table"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        "model,provider,model_id,variant,above_input_tokens,up_to_input_tokens,valid_from,valid_to"
    )
    assert len(lines) == 1 + 6
    at = runner.invoke(app, ["export", "--format", "price-table-jsonl", "--at", "2025-03-01"])
    assert at.exit_code == 0 and len(at.stdout.splitlines()) == 2
    bad = runner.invoke(app, ["export", "--format", "price-table", "--at", "March"])
    assert bad.exit_code == 2


def test_export_model_names(artifact: Path) -> None:
    result = runner.invoke(app, ["export", "--format", "model-names", str(artifact)])
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["name", "model", "variant"]
    assert {variant for _, _, variant in rows[1:]} == {""}  # no alias here names a variant
    names = {name: model for name, model, _ in rows[1:]}
    assert names["acme/alpha"] == names["alpha"] == names["alpha-2025-01-01"] == "acme/alpha"
    assert names["acme/alpha-2025-01-01"] == "acme/alpha" and names["beta"] == "acme/beta"


@pytest.mark.parametrize("dialect", ["duckdb", "spark", "bigquery", "postgres"])
def test_export_sql_needs_no_artifact_and_maps_columns(dialect: str, tmp_path: Path) -> None:
    args = ["export", "--format", "sql", "--dialect", dialect, "--column", "input_tokens=prompt_tokens"]
    result = runner.invoke(app, [*args, "--usage-table", "events.usage", str(tmp_path / "none.json")])
    assert result.exit_code == 0, result.stderr
    assert f"modelctl pricing query ({dialect})" in result.stdout and "FROM events.usage AS u" in result.stdout
    assert "prompt_tokens" in result.stdout


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param(["--column", "input_tokens"], id="no-equals"),
        pytest.param(["--column", "tokens=x"], id="unknown-field"),
        pytest.param(["--usage-table", "usage; DROP TABLE prices"], id="bad-table"),
        pytest.param(["--column", "images=" + "9" * 5000], id="count-of-5000-digits"),
        pytest.param(["--column", "images=18446744073709551616"], id="count-of-2-to-the-64"),
        pytest.param(["--column", "images=\u00b2"], id="superscript-digit"),
        pytest.param(["--column", "images=\u0661\u0662"], id="arabic-indic-digits"),
        pytest.param(["--dialect", "oracle"], id="unknown-dialect"),
    ],
)
def test_export_sql_usage_errors(extra: list[str]) -> None:
    result = runner.invoke(app, ["export", "--format", "sql", *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 2 and result.stdout == ""


def test_export_errors(artifact: Path, tmp_path: Path) -> None:
    corrupt = tmp_path / "bad.json"
    corrupt.write_bytes(artifact.read_bytes()[:-40])
    result = runner.invoke(app, ["export", "--format", "openrouter", str(corrupt)])
    assert result.exit_code == 4 and "error:" in result.stderr
    missing = runner.invoke(app, ["export", "--format", "litellm", str(tmp_path / "none.json")])
    assert missing.exit_code == 4
    unknown = runner.invoke(app, ["export", "--format", "csv", str(artifact)])
    assert unknown.exit_code == 2


@pytest.mark.skipif(importlib.util.find_spec("pyarrow") is not None, reason="pyarrow is installed here")
def test_parquet_without_pyarrow_says_so(artifact: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["export", "--format", "price-table-parquet", str(artifact), "-o", str(tmp_path / "p.parquet")]
    )
    assert result.exit_code == 2 and "pyarrow" in result.stderr
    assert not (tmp_path / "p.parquet").exists()


# --- check-prices -------------------------------------------------------------------------------


def test_check_prices_exit_codes_and_formats(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    root = make_catalog()
    ref = tmp_path / "ref.json"
    ref.write_text(json.dumps({"acme/alpha": {"litellm_provider": "acme", "input_cost_per_token": 2.2e-06}}))
    base = ["check-prices", "--against", "litellm", str(ref), "--catalog", str(root)]
    text = runner.invoke(app, base)
    assert text.exit_code == 0
    assert "acme/alpha  input_per_1m" in text.stdout and "+10.0%" in text.stdout
    assert "1 disagree (1 price(s)); 1 not in the reference" in text.stdout
    assert runner.invoke(app, [*base, "--fail-on", "drift"]).exit_code == 3
    doc = json.loads(runner.invoke(app, [*base, "--format", "json"]).stdout)
    assert doc["disagreements"] == [
        {
            "model": "acme/alpha",
            "reference_name": "acme/alpha",
            "price": "input_per_1m",
            "catalog": "2.00",
            "reference": "2.20",
            "percent": "10.0",
        }
    ]
    md = runner.invoke(app, [*base, "--format", "markdown"]).stdout
    assert md.startswith("### ⚠️ modelctl check-prices against LiteLLM") and "| `acme/alpha` | input_per_1m |" in md
    ref.write_text("{")
    broken = runner.invoke(app, base)
    assert broken.exit_code == 4 and "cannot read the reference" in broken.stderr
    nocat = runner.invoke(app, ["check-prices", "--against", "litellm", str(LITELLM), "--catalog", str(tmp_path / "x")])
    assert nocat.exit_code == 4


@pytest.mark.parametrize("command", ["import", "export", "check-prices"])
def test_help_documents_exit_codes(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Exit codes: 0" in " ".join(result.stdout.split())


@pytest.mark.skipif(importlib.util.find_spec("pyarrow") is None, reason="pyarrow is not installed (optional)")
def test_parquet_has_typed_columns(artifact: Path, tmp_path: Path) -> None:
    import pyarrow.parquet as pq  # type: ignore[import-not-found,unused-ignore]

    out = tmp_path / "p.parquet"
    result = runner.invoke(app, ["export", "--format", "price-table-parquet", str(artifact), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    table = pq.read_table(out)
    assert str(table.schema.field("input_per_1m").type) == "decimal128(38, 18)"
    assert str(table.schema.field("valid_from").type) == "date32[day]" and table.num_rows == 6


@pytest.mark.parametrize("dialect", ["duckdb", "spark", "bigquery", "postgres"])
def test_export_sql_golden(dialect: str, golden: Callable[[str, str], None]) -> None:
    """The query per dialect, pinned: a change to it is reviewed like code (BigQuery is
    checked only this way; DuckDB, Spark and PostgreSQL also run it in tests/interop/)."""
    args = ["export", "--format", "sql", "--dialect", dialect, "--column", "input_tokens=prompt_tokens"]
    result = runner.invoke(app, [*args, "--column", "images=0", "--usage-table", "billing.requests"])
    assert result.exit_code == 0, result.stderr
    golden(f"sql/{dialect}.sql", result.stdout)
    text = result.stdout
    money = {"bigquery": "BIGNUMERIC '0.000001'", "postgres": "CAST(0.000001 AS NUMERIC)"}.get(
        dialect, "CAST(0.000001 AS DECIMAL(7, 6))"
    )
    assert money in text and "FLOAT" not in text.upper() and "DOUBLE" not in text.upper()
    assert "coalesce(0, 0) AS t_images" in text


def test_export_price_windows(artifact: Path) -> None:
    result = runner.invoke(app, ["export", "--format", "price-windows", str(artifact)])
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows == [["model", "valid_from", "valid_to", "weekday", "start_minute", "end_minute", "variant"]]
