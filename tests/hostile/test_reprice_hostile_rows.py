"""reprice: a JSON Lines row nested 100,000 deep, or with a lone surrogate in
a string, is an unpriced row naming its line, never a traceback."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MakeCatalog
from everyday_helpers import everyday_catalog, runtime_of
from modelctl.cli import app
from modelctl.usage.reprice import reprice
from plans_helpers import plans_catalog

runner = CliRunner()
GOOD = {"timestamp": "2026-05-01", "model": "acme/alpha", "account": "team-a", "input_tokens": 1000}


def _write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "u.jsonl"
    path.write_text("".join(r + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"a":' * 100_000 + "1" + "}" * 100_000, "nested too deeply"),
        (json.dumps({**GOOD, "account": "\ud800x"}), "lone surrogate"),
        (json.dumps({**GOOD, "model": "acme/\udfff"}), "lone surrogate"),
        (json.dumps({**GOOD, "variant": "\udc80"}), "lone surrogate"),
    ],
    ids=["list", "mapping", "account", "model", "variant"],
)
def test_row_is_an_error_with_its_line(make_catalog: MakeCatalog, tmp_path: Path, bad: str, says: str) -> None:
    cat = runtime_of(everyday_catalog(make_catalog))
    path = _write(tmp_path, json.dumps(GOOD), bad, json.dumps(GOOD))
    result = reprice(path, cat, group_by=["model", "account"])
    assert result.rows_read == 3 and result.rows_priced == 2 and result.error_count == 1
    (err,) = result.errors
    assert err.line == 2 and says in err.message


@pytest.mark.parametrize("first", [True, False])
def test_cli_exits_1_and_prints(make_catalog: MakeCatalog, tmp_path: Path, first: bool) -> None:
    root = everyday_catalog(make_catalog)
    bad = json.dumps({**GOOD, "account": "\ud800"})
    deep = "[" * 100_000 + "]" * 100_000
    rows = [deep, bad, json.dumps(GOOD)] if first else [json.dumps(GOOD), deep, bad]
    path = _write(tmp_path, *rows)
    for fmt in ("text", "json", "csv", "markdown"):
        result = runner.invoke(app, ["reprice", str(path), "--catalog", str(root), "-g", "account", "-f", fmt])
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "line " in result.stderr and "nested too deeply" in result.stderr


def _damaged_gz(tmp_path: Path, how: str) -> Path:
    """A usage file compressed, then truncated (gzip: EOFError) or with a byte of its data flipped (zlib.error)."""
    body = "timestamp,model,input_tokens\n" + "2026-05-01,acme/alpha,1000\n" * 20_000
    data = bytearray(gzip.compress(body.encode("utf-8")))
    if how == "truncated":
        data = data[: len(data) // 2]
    else:
        data[100] ^= 0x55
    path = tmp_path / "u.csv.gz"
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("how", ["truncated", "corrupt"])
@pytest.mark.parametrize(
    "extra", [[], ["--charges", "--plan", "pro"], ["--what-if", "acme/beta"]], ids=["cost", "charges", "what-if"]
)
def test_a_damaged_gz_file_is_exit_4_naming_it(
    make_catalog: MakeCatalog, tmp_path: Path, how: str, extra: list[str]
) -> None:
    root = plans_catalog(make_catalog)
    path = _damaged_gz(tmp_path, how)
    result = runner.invoke(app, ["reprice", str(path), "--catalog", str(root), *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 4, result.output
    assert "u.csv.gz" in result.stderr and "truncated or corrupt" in result.stderr


def test_a_damaged_gz_file_in_diff_usage_is_exit_4(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    root = everyday_catalog(make_catalog)
    path = _damaged_gz(tmp_path, "truncated")
    result = runner.invoke(app, ["diff", str(root), str(root), "--usage", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 4, result.output
    assert "u.csv.gz" in result.stderr and "truncated or corrupt" in result.stderr


# OpenAI's names for the counts: not runtime.Usage fields, so the row names no count at all.
NO_COUNT = {"timestamp": "2026-05-01", "model": "acme/alpha", "prompt_tokens": 1000, "completion_tokens": 50}


def test_a_json_row_without_any_count_is_an_error_not_a_cost_of_zero(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    cat = runtime_of(everyday_catalog(make_catalog))
    zeros = {"timestamp": "2026-05-01", "model": "acme/alpha", "input_tokens": 0}  # a count of 0 is a count
    path = _write(
        tmp_path,
        json.dumps(NO_COUNT),
        json.dumps(GOOD),
        json.dumps(zeros),
        json.dumps({**NO_COUNT, "input_tokens": None}),
    )
    result = reprice(path, cat, group_by=["model"])
    assert (result.rows_read, result.rows_priced, result.error_count) == (4, 2, 2)
    assert [e.line for e in result.errors] == [1, 4]
    assert all("no usage count" in e.message and "input_tokens" in e.message for e in result.errors)


@pytest.mark.parametrize("extra", [[], ["--charges", "--plan", "pro"]], ids=["cost", "charges"])
def test_cli_a_json_row_without_any_count_exits_1(make_catalog: MakeCatalog, tmp_path: Path, extra: list[str]) -> None:
    root = plans_catalog(make_catalog)
    path = _write(tmp_path, json.dumps(NO_COUNT))
    result = runner.invoke(app, ["reprice", str(path), "--catalog", str(root), "-f", "json", *extra])
    assert result.exit_code == 1, result.output
    assert "line 1: no usage count" in result.stderr
    if not extra:
        assert "ignored columns (not usage fields): prompt_tokens, completion_tokens" in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["reprice", "{usage}", "--catalog", "{root}"], id="reprice"),
        pytest.param(["reprice", "{usage}", "--catalog", "{root}", "--charges", "--plan", "pro"], id="charges"),
        pytest.param(["diff", "{root}", "{root}", "--usage", "{usage}"], id="diff-usage"),
    ],
)
def test_a_csv_header_over_the_field_limit_is_exit_4_naming_it(
    make_catalog: MakeCatalog, tmp_path: Path, command: list[str]
) -> None:
    # csv's field_size_limit is 128 KiB: a first line of 200,000 characters was a _csv.Error traceback
    root = plans_catalog(make_catalog)
    usage = tmp_path / "u.csv"
    usage.write_text("[" * 200_000 + "\n", encoding="utf-8")
    argv = [a.format(usage=usage, root=root) for a in command]
    result = runner.invoke(app, argv)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 4, result.output
    assert f"{usage}: line 1: the header cannot be read as CSV (field larger than field limit" in result.stderr
