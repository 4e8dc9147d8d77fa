"""CSV output: a cell a spreadsheet would run as a formula gets a leading
``'``; plain numbers (negative changes included) are left alone."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MakeCatalog
from everyday_helpers import EXTRA
from modelctl.cli import app
from modelctl.cli.common import csv_cell

runner = CliRunner()
FORMULAS = ["=cmd|' /C calc'!A0", "+1+cmd", "-2+3", "@SUM(A1:A9)", "\tx", "\rx", "=1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_cells_start_with_a_quote(text: str) -> None:
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["-12.50", "+5.0%", "-0.4%", "-", "12", "0.000001", "acme/alpha", "", "a=b"])
def test_numbers_and_text_stay(text: str) -> None:
    assert csv_cell(text) == text


def _cat(make_catalog: MakeCatalog, name: str) -> Path:
    delta = EXTRA["models/acme/delta.yaml"]
    assert delta is not None
    return make_catalog({**EXTRA, "models/acme/delta.yaml": delta.replace("Delta Search", json.dumps(name))})


def test_list_csv(make_catalog: MakeCatalog) -> None:
    root = _cat(make_catalog, "=cmd|' /C calc'!A0")
    result = runner.invoke(app, ["list", str(root), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    names = [r[rows[0].index("name")] for r in rows[1:]]
    assert "'=cmd|' /C calc'!A0" in names
    assert not [c for r in rows for c in r if c[:1] in ("=", "+", "@", "\t", "\r")]


def test_reprice_csv_and_errors_out(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    root = _cat(make_catalog, "Delta")
    usage = tmp_path / "u.csv"
    usage.write_text(
        "timestamp,model,account,input_tokens,output_tokens\n"
        '2026-05-01,acme/alpha,=HYPERLINK("http://x"),1000,10\n'
        "2026-05-01,acme/alpha,@evil,1000,10\n"
        "2026-05-01,=nope,team,1,1\n"
    )
    errors = tmp_path / "errors.csv"
    result = runner.invoke(
        app,
        [
            "reprice",
            str(usage),
            "--catalog",
            str(root),
            "-g",
            "account",
            "-f",
            "csv",
            "--errors-out",
            str(errors),
            "--what-if",
            "acme/beta",
        ],
    )
    assert result.exit_code == 1, result.output  # the =nope row cannot be priced
    rows = list(csv.reader(io.StringIO(result.stdout)))
    accounts = sorted(r[0] for r in rows[1:])
    assert accounts == ['\'=HYPERLINK("http://x")', "'@evil"]
    change = rows[1][rows[0].index("change_on_acme/beta")]
    assert change.startswith("-") and change.endswith("%")  # a negative change stays a number
    written = list(csv.reader(io.StringIO(errors.read_text())))
    assert not [c for r in written for c in r if c[:1] in ("=", "+", "@", "\t", "\r")]
