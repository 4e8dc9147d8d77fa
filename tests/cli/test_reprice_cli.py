"""``modelctl reprice``: output formats, what-if, errors listed and written, exit codes."""

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
from everyday_helpers import everyday_catalog
from modelctl.cli import app

runner = CliRunner()
Golden = Callable[[str, str], None]

USAGE = """\
timestamp,model,variant,account,input_tokens,output_tokens,cached_input_tokens
2026-05-01T10:00:00Z,acme/alpha,,team-a,100000,2000,30000
2026-05-01T11:00:00Z,acme/alpha,batch,team-b,150000,0,0
2026-05-02T09:30:00+02:00,alpha-2025-01-01,,team-a,5000,500,0
2026-05-02T12:00:00Z,acme/delta,,team-b,20000,1000,0
2026-05-03,acme/beta,,team-a,1000,100,0
"""
BAD = (
    USAGE
    + "2026-05-03,acme/nope,,team-a,1,1,0\n2026-05-03,acme/beta,,team-a,x,1,0\n2020-01-01,acme/alpha,,team-a,1,1,0\n"
)


@pytest.fixture
def cat(make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    everyday_catalog(make_catalog)
    monkeypatch.chdir(tmp_path)
    Path("usage.csv").write_text(USAGE)
    Path("bad.csv").write_text(BAD)
    return "cat"


def _flat(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


@pytest.mark.parametrize("fmt", ["text", "json", "csv", "markdown"])
def test_formats(cat: str, fmt: str, golden: Golden) -> None:
    result = runner.invoke(
        app, ["reprice", "usage.csv", "--catalog", cat, "-g", "model", "--what-if", "zeta/alpha", "-f", fmt]
    )
    assert result.exit_code == 0, result.output
    golden(f"reprice/usage.{fmt}.{ {'text': 'txt', 'markdown': 'md'}.get(fmt, fmt) }", result.stdout)


def test_one_row_is_one_row_in_the_summaries(cat: str) -> None:
    # "1 rows: 1 priced", and with --charges "1 rows (no rows): 0 charged"
    Path("one.csv").write_text("\n".join(USAGE.splitlines()[:2]) + "\n")
    plain = runner.invoke(app, ["reprice", "one.csv", "--catalog", cat])
    assert plain.exit_code == 0 and "1 row: 1 priced" in plain.stderr
    markdown = runner.invoke(app, ["reprice", "one.csv", "--catalog", cat, "-f", "markdown"])
    assert "of 1 row priced" in markdown.stdout
    charged = runner.invoke(app, ["reprice", "one.csv", "--catalog", cat, "--charges"])  # no plan: not charged
    assert "1 row: 0 charged" in charged.stderr and "no rows" not in charged.stderr


def test_all_rows_priced_exits_0(cat: str) -> None:
    result = runner.invoke(app, ["reprice", "usage.csv", "--catalog", cat, "-g", "account", "-g", "day"])
    assert result.exit_code == 0, result.output
    assert "5 rows: 5 priced" in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["account", "day", "currency", "rows"]
    assert lines[-1].startswith("total")


def test_json_totals_and_groups(cat: str) -> None:
    doc = json.loads(
        runner.invoke(app, ["reprice", "usage.csv", "--catalog", cat, "-f", "json", "-g", "provider"]).stdout
    )
    assert doc["rows"] == {"read": 5, "priced": 5, "failed": 0}
    # 0.2 + 0.016 + 0.006 (alpha, base) + 1.00 (batch) + 0.01 + 0.004 (alpha) + 0.02 + 0.004 + 0.005 (delta) + ...
    assert Decimal(doc["totals"]["USD"]) == sum(Decimal(g["cost"]) for g in doc["groups"])
    assert [g["provider"] for g in doc["groups"]] == ["acme"]
    assert doc["errors"] == []


def test_bad_rows_are_listed_and_exit_1(cat: str, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["reprice", "bad.csv", "--catalog", cat, "--show-errors", "2", "--errors-out", "errors.csv"]
    )
    assert result.exit_code == 1
    err = result.stderr
    assert "8 rows: 5 priced, 3 could not be priced (the totals leave them out)" in err
    assert "line 7: unknown model 'acme/nope'" in err and "line 8: input_tokens 'x' is not a whole number" in err
    assert "... and 1 more: all are in errors.csv" in err
    rows = list(csv.DictReader(io.StringIO(Path("errors.csv").read_text())))
    assert [r["line"] for r in rows] == ["7", "8", "9"]
    assert rows[2]["message"].startswith("acme/alpha has no price in force on 2020-01-01")
    assert rows[0]["row"] == "2026-05-03,acme/nope,,team-a,1,1,0"


def test_without_errors_out_it_says_how_to_get_them_all(cat: str) -> None:
    result = runner.invoke(app, ["reprice", "bad.csv", "--catalog", cat, "--show-errors", "0"])
    assert "... and 3 more: write them all with --errors-out FILE" in result.stderr


def test_what_if_and_at(cat: str) -> None:
    doc = json.loads(
        runner.invoke(
            app,
            ["reprice", "usage.csv", "--catalog", cat, "-f", "json", "--what-if", "acme/beta", "--at", "2026-11-25"],
        ).stdout
    )
    assert doc["at"] == "2026-11-25"
    (what_if,) = doc["what_if"]
    # the batch row (beta has no batch variant) and the 130,000-token row (above beta's 32,000-token window)
    assert what_if["model"] == "acme/beta" and what_if["failed"] == 2


def test_jsonl_from_stdin(cat: str) -> None:
    lines = [json.dumps(r) for r in csv.DictReader(io.StringIO(USAGE))]
    body = "\n".join(
        json.dumps({k: (int(v) if k.endswith("tokens") else v) for k, v in json.loads(x).items() if v}) for x in lines
    )
    result = runner.invoke(app, ["reprice", "-", "--catalog", cat, "-f", "json"], input=body + "\n")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    expected = json.loads(runner.invoke(app, ["reprice", "usage.csv", "--catalog", cat, "-f", "json"]).stdout)
    assert doc["totals"] == expected["totals"] and doc["format"] == "jsonl"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        pytest.param(["missing.csv"], 4, "cannot read usage file 'missing.csv'", id="missing-file"),
        pytest.param(["header.csv"], 4, "the header has no timestamp column", id="bad-header"),
        pytest.param(["usage.csv", "--what-if", "acme/alpah"], 2, "unknown model 'acme/alpah'", id="unknown-what-if"),
        pytest.param(["usage.csv", "-g", "colour"], 2, "Invalid value for '--group-by'", id="bad-group"),
        pytest.param(["usage.csv", "--at", "2026-02-30"], 2, "'2026-02-30' is not a date", id="bad-date"),
        pytest.param(
            ["usage.csv", "--errors-out", "nowhere/e.csv"], 4, "cannot write --errors-out", id="bad-errors-out"
        ),
    ],
)
def test_bad_input(cat: str, args: list[str], code: int, message: str) -> None:
    Path("header.csv").write_text("when,model,input_tokens\n2026-01-01,acme/alpha,1\n")
    result = runner.invoke(app, ["reprice", *args, "--catalog", cat])
    assert result.exit_code == code, result.output
    assert message in _flat(result.stderr)


# acme/gamma has an input price only: every row of USAGE has output tokens except
# the batch one, and gamma has no batch variant, so gamma can price none of them.
ONE_PRICEABLE = USAGE + "2026-05-04,acme/alpha,,team-a,7000,0,0\n"


def test_what_if_unpriced_rows_are_never_a_saving_text(cat: str) -> None:
    result = runner.invoke(app, ["reprice", "usage.csv", "--catalog", cat, "--what-if", "acme/gamma"])
    assert result.exit_code == 1, result.output
    out = _flat(result.stdout)
    assert "-100.0%" not in out and " 0.00 " not in out.replace("total", "")
    # alpha (4 rows incl. alias), beta, delta: every group and the total say unpriced
    assert out.count("unpriced -") == 4, out
    assert "5 priced rows could not be priced on acme/gamma" in result.stderr


def test_what_if_partly_unpriced_group_shows_no_change(cat: str) -> None:
    Path("usage.csv").write_text(ONE_PRICEABLE)
    result = runner.invoke(app, ["reprice", "usage.csv", "--catalog", cat, "--what-if", "acme/gamma", "-f", "csv"])
    assert result.exit_code == 1, result.output
    rows = {r["model"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    alpha = rows["acme/alpha"]
    # the one priceable row: 7,000 input tokens at 0.02 per 1M
    assert alpha["cost_on_acme/gamma"] == "0.00014"
    assert alpha["change_on_acme/gamma"] == "" and alpha["unpriced_on_acme/gamma"] == "3"
    beta = rows["acme/beta"]
    assert beta["cost_on_acme/gamma"] == "" and beta["change_on_acme/gamma"] == ""
    assert beta["unpriced_on_acme/gamma"] == "1"
    text = _flat(runner.invoke(app, ["reprice", "usage.csv", "--catalog", cat, "--what-if", "acme/gamma"]).stdout)
    assert "3 unpriced" in text and "-100.0%" not in text


def test_what_if_unpriced_json_is_null_not_zero(cat: str) -> None:
    Path("usage.csv").write_text(ONE_PRICEABLE)
    result = runner.invoke(app, ["reprice", "usage.csv", "--catalog", cat, "--what-if", "acme/gamma", "-f", "json"])
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    groups = {g["model"]: g for g in doc["groups"]}
    assert groups["acme/beta"]["what_if"] == {"acme/gamma": None}
    assert groups["acme/beta"]["what_if_unpriced"] == {"acme/gamma": 1}
    assert groups["acme/alpha"]["what_if"] == {"acme/gamma": "0.00014"}
    assert groups["acme/alpha"]["what_if_unpriced"] == {"acme/gamma": 3}
    assert doc["what_if"][0]["failed"] == 5
