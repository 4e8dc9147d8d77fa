"""reprice: a JSON Lines row nested 100,000 deep, or with a lone surrogate in
a string, is an unpriced row naming its line, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MakeCatalog
from everyday_helpers import everyday_catalog, runtime_of
from modelctl.cli import app
from modelctl.usage.reprice import reprice

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
