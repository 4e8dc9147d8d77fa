"""``reprice --engine duckdb`` against the runtime's ``Catalog.cost`` row by row
and against Python reprice (issue 17): the same groups, totals to the last
digit, what-if totals, unpriced rows with the same line numbers, on CSV, JSON
Lines and Parquet usage files with every pricing feature."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import MakeCatalog
from modelctl.cli import app
from modelctl.interop.duckdb_engine import reprice_duckdb
from modelctl.query.opening import open_catalog
from modelctl.usage.reprice import RepriceResult, RowError, reprice
from warehouse_helpers import (
    COLUMNS,
    ROWS,
    UNPRICED_LINES,
    python_rows,
    reference_reprice,
    usage_csv,
    warehouse_catalog,
)

runner = CliRunner()

_PAD = ",0" * 8  # the issue-12 usage fields, after images
BROKEN = (
    "2025-07-01,acme/plain,,team-a,x,1,0,0,0,0,0,0,0,0,1,0" + _PAD + "\n"  # a count that is not a number
    "yesterday,acme/plain,,team-a,1,1,0,0,0,0,0,0,0,0,1,0" + _PAD + "\n"  # a timestamp that is not one
    "2025-07-01,acme/plain,,team-a,1,1\n"  # too few fields
    "\n"  # a blank line is not a row
    "2025-07-01,acme/plain,,team-a,-5,1,0,0,0,0,0,0,0,0,1,0" + _PAD + "\n"  # negative
    "1751328000,acme/plain,,team-a,10,10,0,0,0,0,0,0,0,0,,0" + _PAD + "\n"  # epoch seconds, empty requests cell
)


@pytest.fixture
def files(make_catalog: MakeCatalog, tmp_path: Path) -> dict[str, Any]:
    root = warehouse_catalog(make_catalog)
    for stem, text in (("usage", usage_csv()), ("legacy", usage_csv(python_rows()))):
        (tmp_path / f"{stem}.csv").write_text(text, encoding="utf-8")
        rows = list(csv.DictReader(io.StringIO(text)))
        jsonl = "".join(
            json.dumps({k: (int(v) if k in COLUMNS[5:] else v) for k, v in r.items() if v}) + "\n" for r in rows
        )
        (tmp_path / f"{stem}.jsonl").write_text(jsonl, encoding="utf-8")
    text = usage_csv(python_rows())
    with_bad = text + "\n".join("0," + line if line else "" for line in BROKEN.splitlines()) + "\n"
    (tmp_path / "bad.csv").write_text(with_bad, encoding="utf-8")
    return {"root": root, "dir": tmp_path, "catalog": open_catalog(root).catalog, "header": text.split("\n")[0]}


def _same(a: RepriceResult, b: RepriceResult) -> None:
    assert [(g.key, g.currency, g.rows, g.tokens, g.cost, g.what_if, g.what_if_unpriced) for g in a.groups] == [
        (g.key, g.currency, g.rows, g.tokens, g.cost, g.what_if, g.what_if_unpriced) for g in b.groups
    ]
    assert a.totals == b.totals
    assert (a.rows_read, a.rows_priced, a.error_count) == (b.rows_read, b.rows_priced, b.error_count)
    assert [(w.model, w.currency, w.total, w.failed) for w in a.what_if] == [
        (w.model, w.currency, w.total, w.failed) for w in b.what_if
    ]
    assert [(e.line, e.what_if) for e in a.errors] == [(e.line, e.what_if) for e in b.errors]
    assert a.token_fields == b.token_fields and a.ignored_columns == b.ignored_columns


OPTIONS = pytest.mark.parametrize(
    "options",
    [
        pytest.param({}, id="by-model"),
        pytest.param({"group_by": ("provider", "day", "variant")}, id="provider-day-variant"),
        pytest.param({"group_by": ("month", "account", "plan")}, id="month-account-plan"),
        pytest.param({"what_if": ("acme/omni", "zeta/alpha")}, id="what-if"),
        pytest.param({"at": date(2025, 7, 1), "group_by": ("model", "day")}, id="at"),
    ],
)


@OPTIONS
@pytest.mark.parametrize("name", ["usage.csv", "usage.jsonl"])
def test_duckdb_engine_equals_the_runtime_row_by_row(files: dict[str, Any], name: str, options: dict[str, Any]) -> None:
    """Every row: windows, alias variants, refusals (the runtime's cost(), summed by hand)."""
    duck = reprice_duckdb(files["dir"] / name, files["catalog"], keep_errors=100, **options)
    want = reference_reprice(files["catalog"], **options)
    got = [(g.key, g.currency, g.rows, g.tokens, g.cost, g.what_if, g.what_if_unpriced) for g in duck.groups]
    assert got == [(k, c, n, {f: t[f] for f in duck.token_fields}, *rest) for k, c, n, t, *rest in want["groups"]]
    assert duck.totals == want["totals"]
    header = 1 if name.endswith(".csv") else 0  # JSON Lines has no header line
    assert [(e.line + 1 - header, e.what_if) for e in duck.errors] == want["errors"]
    assert [(w.model, w.total, w.failed) for w in duck.what_if] == want["what_if"]
    assert duck.error_count == sum(1 for _, w in want["errors"] if w is None)
    assert duck.rows_read == len(ROWS)
    if not options:
        assert {e.line + 1 - header for e in duck.errors} == UNPRICED_LINES


@OPTIONS
@pytest.mark.parametrize("name", ["legacy.csv", "legacy.jsonl", "bad.csv"])
def test_duckdb_engine_equals_python_reprice(files: dict[str, Any], name: str, options: dict[str, Any]) -> None:
    path = files["dir"] / name
    python = reprice(path, files["catalog"], keep_errors=100, **options)
    duck = reprice_duckdb(path, files["catalog"], keep_errors=100, **options)
    _same(python, duck)
    assert python.error_count >= 5  # some of the warehouse file's rows are unpriced (fewer with --at)


@pytest.mark.parametrize("name", ["usage.csv", "usage.jsonl"])
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"group_by": ("provider", "day", "variant")},
        {"what_if": ("acme/omni",)},
        {"at": date(2025, 7, 1), "group_by": ("model", "day")},
    ],
)
def test_duckdb_engine_equals_python_reprice_on_every_feature(
    files: dict[str, Any], name: str, options: dict[str, Any]
) -> None:
    """The whole warehouse file (windows, alias variants, refusals): Python reprice and the engine agree."""
    path = files["dir"] / name
    python = reprice(path, files["catalog"], keep_errors=100, **options)
    _same(python, reprice_duckdb(path, files["catalog"], keep_errors=100, **options))
    assert python.error_count >= 5


def test_bad_rows_keep_their_line_numbers(files: dict[str, Any]) -> None:
    duck = reprice_duckdb(files["dir"] / "bad.csv", files["catalog"], keep_errors=100)
    lines = {e.line for e in duck.errors}
    first_bad = len(python_rows()) + 2  # the header, the rows, then BROKEN
    assert {first_bad, first_bad + 1, first_bad + 2, first_bad + 4} <= lines
    assert first_bad + 5 not in lines  # epoch seconds and an empty cell are fine


def test_parquet_usage(files: dict[str, Any]) -> None:
    import duckdb

    src, out = files["dir"] / "legacy.csv", files["dir"] / "usage.parquet"
    # the timestamps as text: the file mixes dates and date-times (a TIMESTAMP column would make every
    # date an instant at midnight, in a time-of-day window or not)
    duckdb.execute(
        f"COPY (SELECT * FROM read_csv('{src}', header = true, types = {{'timestamp': 'VARCHAR'}})) "
        f"TO '{out}' (FORMAT parquet)"
    )
    python = reprice(src, files["catalog"], keep_errors=100)
    duck = reprice_duckdb(out, files["catalog"], keep_errors=100)
    assert duck.totals == python.totals and duck.error_count == python.error_count
    assert [e.line - 1 for e in python.errors] == [e.line for e in duck.errors]  # Parquet: row numbers


def _cased_files(files: dict[str, Any], names: list[str]) -> tuple[Path, Path]:
    """The legacy file with these column names (and a subject column), as CSV and as Parquet
    (written by pyarrow: DuckDB would rename a second ``Model`` to ``Model_1`` on the way)."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    rows = list(csv.reader(io.StringIO((files["dir"] / "legacy.csv").read_text(encoding="utf-8"))))[1:]
    text = "".join(",".join(r) + "\n" for r in [names, *([*r, f"u-{i % 3}"] for i, r in enumerate(rows))])
    src = files["dir"] / "cased.csv"
    src.write_text(text, encoding="utf-8")
    words = {n for n in names if n.lower() in ("timestamp", "variant", "account", "subject", "request_id")}
    table = pa_csv.read_csv(src, convert_options=pa_csv.ConvertOptions(column_types=dict.fromkeys(words, pa.string())))
    out = files["dir"] / "cased.parquet"
    pq.write_table(table, out)
    return src, out


def test_parquet_columns_are_read_in_any_case_as_a_csv_header(files: dict[str, Any]) -> None:
    """A Parquet file's column names are its header, matched as Python reprice matches a CSV header:
    in any case (a warehouse such as Snowflake writes TIMESTAMP, MODEL, INPUT_TOKENS). The duckdb
    engine lower-cased them but named every usage field as a token column and the documented subject
    column as ignored: another readout than the same columns as a CSV."""
    cased = {"timestamp": "TIMESTAMP", "model": "Model", "input_tokens": "Input_Tokens", "account": "aCCount"}
    names = [cased.get(c, c.upper() if i % 2 else c) for i, c in enumerate(COLUMNS)]
    src, out = _cased_files(files, [*names, "Subject"])
    options: dict[str, Any] = {"group_by": ("model", "account"), "keep_errors": 100}
    python = reprice(src, files["catalog"], **options)
    for duck in (reprice_duckdb(out, files["catalog"], **options), reprice_duckdb(src, files["catalog"], **options)):
        assert [(g.key, g.rows, g.tokens, g.cost) for g in duck.groups] == [
            (g.key, g.rows, g.tokens, g.cost) for g in python.groups
        ]
        assert duck.totals == python.totals and python.totals
        assert (duck.rows_read, duck.error_count) == (python.rows_read, python.error_count)
        assert duck.token_fields == python.token_fields and "input_tokens" in duck.token_fields
        assert duck.ignored_columns == python.ignored_columns == ("request_id",)
    assert python.error_count >= 5 and python.groups[0].tokens["input_tokens"] > 0


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        pytest.param("Input_Tokens", "names input_tokens more than once", id="a-column-twice-in-two-cases"),
        pytest.param("MODEL", "names model more than once", id="model-twice"),
    ],
)
def test_parquet_columns_alike_but_for_case_are_refused_as_in_a_csv_header(
    files: dict[str, Any], extra: str, words: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two columns whose names differ only in case: DuckDB reads the second as ``Input_Tokens_1``,
    so the engine priced one of them, silently, and named a column the file does not have as ignored.
    Python reprice refuses such a CSV header (exit 4, naming the file); so does the engine now."""
    src, out = _cased_files(files, [*COLUMNS, extra])
    monkeypatch.chdir(files["dir"])
    for name, engine in (("cased.csv", "python"), ("cased.parquet", "duckdb")):
        result = runner.invoke(app, ["reprice", name, "--catalog", str(files["root"]), "--engine", engine])
        assert result.exit_code == 4, (engine, result.output)
        assert f"{name}: " in result.stderr and words in result.stderr, (engine, result.stderr)
        assert "Traceback" not in result.output and not result.stdout


def test_a_parquet_file_without_a_model_column_says_so(files: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """It was DuckDB's 'Binder Error: Referenced column "model" not found' (exit 4)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"Timestamp": ["2025-07-01"], "Input_Tokens": [10]}), files["dir"] / "nomodel.parquet")
    monkeypatch.chdir(files["dir"])
    result = runner.invoke(app, ["reprice", "nomodel.parquet", "--catalog", str(files["root"]), "--engine", "duckdb"])
    assert result.exit_code == 4 and "Binder Error" not in result.stderr
    assert "nomodel.parquet: the Parquet schema has no model column (it has: timestamp, input_tokens)" in result.stderr


Invoke = Callable[..., Any]


@pytest.mark.parametrize("fmt", ["text", "json", "csv", "markdown"])
def test_cli_outputs_are_the_same(files: dict[str, Any], fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(files["dir"])
    args = ["reprice", "bad.csv", "--catalog", str(files["root"]), "-f", fmt, "--what-if", "acme/omni", "-g", "model"]
    python = runner.invoke(app, args)
    duck = runner.invoke(app, [*args, "--engine", "duckdb"])
    assert python.exit_code == duck.exit_code == 1
    if fmt == "json":  # the same document; only the wording of why a row is unpriced differs
        mine, theirs = json.loads(duck.stdout), json.loads(python.stdout)
        for doc in (mine, theirs):
            for err in doc["errors"]:
                err.pop("message")
        assert mine == theirs
        return
    assert duck.stdout == python.stdout
    assert [line.split(":")[0] for line in duck.stderr.splitlines()] == [
        line.split(":")[0] for line in python.stderr.splitlines()
    ]


def test_cli_clean_file_exits_0_and_stdin_is_refused(files: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(files["dir"])
    clean = [row for line, row in enumerate(ROWS, 2) if line not in UNPRICED_LINES and row in python_rows()]
    Path("clean.csv").write_text(usage_csv(clean), encoding="utf-8")
    args = ["reprice", "clean.csv", "--catalog", str(files["root"]), "-f", "json"]
    python, duck = runner.invoke(app, args), runner.invoke(app, [*args, "--engine", "duckdb"])
    assert python.exit_code == duck.exit_code == 0, duck.output
    assert json.loads(duck.stdout)["totals"] == json.loads(python.stdout)["totals"]
    stdin = runner.invoke(app, ["reprice", "-", "--catalog", str(files["root"]), "--engine", "duckdb"], input="x")
    assert stdin.exit_code == 4 and "needs a file" in stdin.stderr
    arm = runner.invoke(app, [*args, "--engine", "duckdb", "-g", "arm"])
    assert arm.exit_code == 2 and "needs the python engine" in arm.stderr


def test_the_first_failing_rows_of_a_long_file(files: dict[str, Any]) -> None:
    """Line numbers come from the file's first rows, then from more of it: the same as Python reprice's
    first errors, and the same count, wherever the failing rows are."""
    good = ("2025-07-01", "acme/plain", "", (10, 10, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0))
    bad = ("2025-07-01", "acme/embed", "", (10, 10, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0))  # no output price
    late = [bad if i in (66_000, 69_999) else good for i in range(70_000)]
    dense = [bad if i % 7 == 3 else good for i in range(1_000)]
    for name, rows, keep in (("late.csv", late, 10), ("dense.csv", dense, 3), ("dense2.csv", dense, 0)):
        path = files["dir"] / name
        path.write_text(usage_csv(rows), encoding="utf-8")
        python = reprice(path, files["catalog"], keep_errors=keep)
        duck = reprice_duckdb(path, files["catalog"], keep_errors=keep)
        assert [(e.line, e.raw) for e in duck.errors] == [(e.line, e.raw) for e in python.errors], name
        assert duck.error_count == python.error_count and duck.totals == python.totals
        seen: list[RowError] = []
        assert reprice_duckdb(path, files["catalog"], keep_errors=1, on_error=seen.append).errors
        assert [e.line for e in seen] == [e.line for e in reprice(path, files["catalog"], keep_errors=10**6).errors]
    assert [e.line for e in reprice_duckdb(files["dir"] / "late.csv", files["catalog"]).errors] == [66_002, 70_001]


@pytest.mark.parametrize("mixed", [True, False], ids=["some-rows", "every-row"])
def test_json_rows_without_any_count_are_unpriced_as_in_python(files: dict[str, Any], mixed: bool) -> None:
    """A JSON row naming no usage field (OpenAI's prompt_tokens) is an error row in both engines, never a
    request that cost 0; a file with no usage field at all too (it was a Binder Error, exit 4)."""
    good = {"timestamp": "2025-07-01", "model": "acme/plain", "input_tokens": 1000}
    none = {"timestamp": "2025-07-01", "model": "acme/plain", "prompt_tokens": 1000}
    rows = [none, good, good] if mixed else [none, none]
    path = files["dir"] / "no-counts.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    python = reprice(path, files["catalog"], keep_errors=100)
    duck = reprice_duckdb(path, files["catalog"], keep_errors=100)
    _same(python, duck)
    assert [e.line for e in duck.errors] == ([1] if mixed else [1, 2])
    assert all("no usage count" in e.message for e in duck.errors)


NOT_ROWS = [  # lines of a JSON Lines file that are not usage rows, and Python reprice's words for them
    ('{"timestamp": "2025-07-01", "model": "acme/plain", "input_tokens":', "not valid JSON"),  # cut short
    ("[1, 2]", "not a JSON object"),
    ("null", "not a JSON object"),
    ('"2025-07-01,acme/plain,10"', "not a JSON object"),
    ('{"a": 1}{"b": 2}', "not valid JSON: Extra data"),
    ("{timestamp: 2025-07-01}", "not valid JSON"),
]


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_json_lines_that_are_not_rows_are_unpriced_in_both_engines(
    files: dict[str, Any], where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The duckdb engine refused the whole file (exit 4, "Malformed JSON" or a Binder Error for a line
    that is not an object) where Python reprice prices the rest and lists the line (exit 1), as
    docs/cli.md says both engines do."""
    lines = (files["dir"] / "legacy.jsonl").read_text(encoding="utf-8").splitlines()
    at = {"first": 0, "middle": len(lines) // 2, "last": len(lines)}[where]
    bad = [text for text, _ in NOT_ROWS]
    path = files["dir"] / "broken.jsonl"
    path.write_text("\n".join(lines[:at] + bad + lines[at:]) + "\n", encoding="utf-8")
    python = reprice(path, files["catalog"], keep_errors=1000)
    duck = reprice_duckdb(path, files["catalog"], keep_errors=1000)
    _same(python, duck)  # the ignored keys too: Python's are no longer the first line's only
    assert duck.ignored_columns == ("request_id",)
    mine = {e.line: e.message for e in duck.errors}
    theirs = {e.line: e.message for e in python.errors}
    for k, (_, words) in enumerate(NOT_ROWS):
        assert words in mine[at + k + 1] and mine[at + k + 1] == theirs[at + k + 1]
    monkeypatch.chdir(files["dir"])
    args = ["reprice", "broken.jsonl", "--catalog", str(files["root"]), "-f", "json"]
    cli_python, cli_duck = runner.invoke(app, args), runner.invoke(app, [*args, "--engine", "duckdb"])
    assert cli_python.exit_code == cli_duck.exit_code == 1, cli_duck.stderr
    assert json.loads(cli_duck.stdout)["totals"] == json.loads(cli_python.stdout)["totals"]
    assert "Malformed JSON" not in cli_duck.stderr and "Binder Error" not in cli_duck.stderr


def test_a_json_value_of_another_type_after_the_sample_is_unpriced_not_zero(files: dict[str, Any]) -> None:
    """DuckDB guesses a key's type from the first 20,480 lines: a later "abc" where those had numbers
    failed the file (exit 4); it must not be read as a null (a count of 0) either."""
    good = json.dumps({"timestamp": "2025-07-01", "model": "acme/plain", "input_tokens": 10, "output_tokens": 10})
    odd = json.dumps({"timestamp": "2025-07-01", "model": "acme/plain", "input_tokens": "abc", "output_tokens": 10})
    path = files["dir"] / "late-type.jsonl"
    path.write_text("\n".join([good] * 25_000 + [odd, good]) + "\n", encoding="utf-8")
    python = reprice(path, files["catalog"])
    duck = reprice_duckdb(path, files["catalog"])
    _same(python, duck)
    assert [e.line for e in duck.errors] == [25_001] and "input_tokens" in duck.errors[0].message
    assert duck.rows_priced == 25_001


@pytest.mark.parametrize("value", ["10", " 10", "", "abc", "1e3"])
def test_a_json_count_written_as_a_string_is_refused_by_both_engines(files: dict[str, Any], value: str) -> None:
    """A count in quotes is text: Python reprice refused "10" saying it was too large, and duckdb
    read it as 10, so the same file had two totals. Both refuse it now, with the same words."""
    good = {"timestamp": "2025-07-01", "model": "acme/plain", "input_tokens": 10, "output_tokens": 10}
    path = files["dir"] / "quoted.jsonl"
    rows = [good, {**good, "output_tokens": value}, good]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    python = reprice(path, files["catalog"])
    duck = reprice_duckdb(path, files["catalog"])
    _same(python, duck)
    assert python.rows_priced == duck.rows_priced == 2
    words = f"output_tokens {value!r} is text, not a number: write a JSON count without quotes"
    assert [(e.line, e.message) for e in python.errors] == [(2, words)] == [(e.line, e.message) for e in duck.errors]


def test_both_engines_name_the_keys_ignored_after_the_first_line(
    files: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Python reprice named the ignored keys of the first line only (none here), the duckdb engine those
    of the first 20,480 lines: the same file had ignored columns in one engine and not in the other."""
    row = {"timestamp": "2025-07-01", "model": "acme/plain", "input_tokens": 10, "output_tokens": 10}
    rows = [row, {**row, "request_id": "r-2"}, row, {"region": "eu", **row, "request_id": "r-4"}]
    path = files["dir"] / "extra-keys.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    python = reprice(path, files["catalog"])
    duck = reprice_duckdb(path, files["catalog"])
    _same(python, duck)
    assert python.ignored_columns == ("request_id", "region")
    monkeypatch.chdir(files["dir"])
    args = ["reprice", "extra-keys.jsonl", "--catalog", str(files["root"])]
    for engine in ("python", "duckdb"):
        result = runner.invoke(app, [*args, "--engine", engine])
        assert result.exit_code == 0, result.stderr
        assert "ignored columns (not usage fields): request_id, region" in result.stderr, (engine, result.stderr)


def test_json_keys_are_read_as_written_in_both_engines(files: dict[str, Any]) -> None:
    """A JSON key is matched exactly, as Python reprice (the reference) reads it: the duckdb engine read
    `Input_Tokens` as input_tokens (another total than Python's, which ignores it and says so), and named
    the documented optional columns (subject, rollout, arm) as "not usage fields"."""
    row = {"timestamp": "2025-07-01", "model": "acme/plain", "output_tokens": 10}
    rows = [{**row, "Input_Tokens": 1000, "subject": "u-1"}, {**row, "arm": "a", "rollout": "r"}]
    rows += [{**row, "input_tokens": 5}]  # a column input_tokens: its key only, never `Input_Tokens`
    path = files["dir"] / "cased.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    python = reprice(path, files["catalog"])
    duck = reprice_duckdb(path, files["catalog"])
    _same(python, duck)
    assert python.ignored_columns == ("Input_Tokens",) and python.groups[0].tokens["input_tokens"] == 5


@pytest.mark.parametrize("price", ["2.5000000000000000000001", "100000000000000000000000"])
def test_a_price_decimal_38_18_cannot_hold_is_refused_not_rounded(tmp_path: Path, price: str) -> None:
    """validate accepts prices of 40 digits; the duckdb engine's price table is DECIMAL(38,18): it
    rounded 2.5000000000000000000001 to 2.5 (a total off from Python reprice's, exit 0) and failed
    10^23 with "Conversion Error: CSV Error on Line: 145"."""
    import copy

    from conftest import REPO
    from modelctl.artifact.compile import content_of
    from modelctl.rules.validate import validate_catalog
    from modelctl.runtime import Catalog
    from modelctl.usage.files import UsageFileError

    content = copy.deepcopy(content_of(validate_catalog(REPO / "catalog", today=date(2026, 11, 25)).catalog))
    model = content["models"]["openai/gpt-4o"]
    for period in model["pricing"]:
        if "input_per_1m" in period.get("prices", {}):
            period["prices"]["input_per_1m"] = price
    catalog = Catalog.from_content(content)
    path = tmp_path / "usage.csv"
    path.write_text("timestamp,model,input_tokens,output_tokens\n2026-11-20,openai/gpt-4o,100000,0\n")
    exact = reprice(path, catalog)
    assert exact.totals == {"USD": Decimal(price) / 10}
    with pytest.raises(
        UsageFileError, match=rf"cannot hold openai/gpt-4o input_per_1m = {price} exactly.*--engine python"
    ):
        reprice_duckdb(path, catalog)


@pytest.mark.parametrize("kind", ["csv", "jsonl", "csv.gz"])
def test_bytes_that_are_not_utf8_are_one_answer_from_every_engine(tmp_path: Path, kind: str) -> None:
    """A byte that is not UTF-8 in a column nothing reads, far beyond the first rows: the duckdb
    engine priced the CSV with exit 0 (its reader does not decode what it is not asked for) while
    Python reprice refused it, exit 4, with a place that was wrong ("after row 0") or missing; the
    duckdb engine's JSON Lines refusal was a codec's message ("in position 6238")."""
    import gzip

    from conftest import REPO

    good = {"timestamp": "2026-11-20", "model": "openai/gpt-4o", "input_tokens": 10, "note": "ok"}
    rows = [json.dumps(good).encode()] * 30_000
    rows[25_000] = rows[25_000].replace(b'"ok"', b'"caf\xe9"')  # Latin-1, as a spreadsheet export writes it
    if kind.startswith("csv"):
        rows = [b"timestamp,model,input_tokens,note"] + [b"2026-11-20,openai/gpt-4o,10,ok"] * 30_000
        rows[25_001] = b"2026-11-20,openai/gpt-4o,10,caf\xe9"
    data = b"\n".join(rows) + b"\n"
    path = tmp_path / f"latin.{kind}"
    path.write_bytes(gzip.compress(data) if kind.endswith(".gz") else data)
    said = set()
    for extra in ([], ["--charges", "--plan", "pro"], ["--engine", "duckdb"]):
        result = runner.invoke(app, ["reprice", str(path), "--catalog", str(REPO / "catalog"), *extra])
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert result.exit_code == 4, (extra, result.output)
        said.add(result.stderr.strip())
    line = 25_002 if kind.startswith("csv") else 25_001  # (a header, then row 25,001)
    assert said == {
        f"error: {path}: line {line}: byte 0xe9 is not UTF-8 text (usage files are UTF-8: re-export it as UTF-8)"
    }


def _repo_catalog() -> Any:
    from conftest import REPO

    return open_catalog(REPO / "catalog").catalog


def _both(path: Path, catalog: Any, **options: Any) -> tuple[RepriceResult, RepriceResult]:
    python, duck = (
        reprice(path, catalog, keep_errors=100, **options),
        reprice_duckdb(path, catalog, keep_errors=100, **options),
    )
    _same(python, duck)
    return python, duck


def test_timestamps_are_read_as_python_reprice_reads_them(tmp_path: Path) -> None:
    """Found by bench/fuzz_usage.py: DuckDB's cast priced '2026-05-01 12:00:00 UTC' (BigQuery's
    export), 'Europe/Paris', '2026-5-1', '+24:00' and epoch milliseconds (in the year 57970, at
    today's prices), which Python reprice refuses, and refused 20260501T120000Z, 2026-05-01T12 and a
    comma before the fraction, which it prices: two totals for one file."""
    stamps = ["2026-05-01 12:00:00 UTC", "2026-05-01 12:00:00 Europe/Paris", "2026-5-1", "2026/05/01",
              "2026-05-01T12:00:00+24:00", "1777593600000", "253402300800", "99999999999999", " 2026-05-01",
              "20260501T120000Z", "2026-05-01T12", "2026-05-01T1200", "2026-05-01T12:00:00,5Z",
              "2026-05-01T12:00:00Z", "20260501", "1777593600"]  # fmt: skip
    path = tmp_path / "stamps.csv"
    path.write_text("timestamp,model,input_tokens\n" + "".join(f'"{s}",openai/gpt-4o,1000\n' for s in stamps))
    python, _ = _both(path, _repo_catalog())
    assert (python.rows_priced, python.error_count) == (7, 9)
    assert [e.line for e in python.errors] == list(range(2, 11))


def test_counts_are_read_as_int_reads_them(tmp_path: Path) -> None:
    """Found by bench/fuzz_usage.py: Python reprice reads a count with int() after str.strip(), so
    1_000, -0, digits of another script and a blank of a tab or a no-break space are counts; the
    duckdb engine refused them (its pattern took ASCII digits and spaces only)."""
    cells = [
        "1_000",
        "-0",
        "\u0661\u0662",
        "\uff11\uff12",
        "\t",
        "\u00a05",
        "5\u2003",
        "+5",
        " 7 ",
        "-1",
        "1.5",
        "1__0",
    ]
    path = tmp_path / "counts.csv"
    path.write_text("timestamp,model,input_tokens\n" + "".join(f"2026-05-01,openai/gpt-4o,{c}\n" for c in cells))
    python, _ = _both(path, _repo_catalog())
    assert (python.rows_priced, python.error_count) == (9, 3)
    assert python.groups[0].tokens["input_tokens"] == 1000 + 0 + 12 + 12 + 0 + 5 + 5 + 5 + 7


def test_a_header_column_without_a_name_is_ignored_by_both_engines(tmp_path: Path) -> None:
    """Python reprice ignores a column the header leaves unnamed; DuckDB refused the file (exit 4,
    'read_csv "names" cannot have empty (or all whitespace) value')."""
    path = tmp_path / "unnamed.csv"
    path.write_text("timestamp,model,,input_tokens\n2026-05-01,openai/gpt-4o,x,1000\n")
    python, _ = _both(path, _repo_catalog())
    assert python.ignored_columns == ("",) and python.rows_priced == 1


def test_a_stray_quote_is_an_unpriced_row_not_a_file_refused(tmp_path: Path) -> None:
    """A quote that opens a cell and is never closed: Python reprice reads the rest of the file as
    that cell (one row of the wrong width: unpriced, exit 1); DuckDB's sniffer refused the whole file
    ('Error when sniffing file', exit 4), though every column is named."""
    path = tmp_path / "quote.csv"
    rows = ["2026-05-01,openai/gpt-4o,1000"] * 5 + ['2026-05-01,openai/gpt-4o,"'] + ["2026-05-01,openai/gpt-4o,1"] * 3
    path.write_text("timestamp,model,input_tokens\n" + "\n".join(rows) + "\n")
    python, _ = _both(path, _repo_catalog())
    assert (python.rows_priced, python.error_count) == (5, 1)


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param(['2026-05-01,"openai/gpt-4o"x,5', "2026-05-01,openai/gpt-4o,6"], id="quote-then-text"),
        pytest.param(["2026-05-01,openai/gpt-4o,5\r", "", "2026-05-01,openai/gpt-4o,6"], id="carriage-return"),
        pytest.param(["2026-05-01,openai/gpt-4o,5,", "2026-05-01,openai/gpt-4o,6"], id="trailing-delimiter"),
        pytest.param(["2026-05-01,openai/gpt-4o,5", "2026-05-01,openai/gpt-4o", "   "], id="short-rows"),
        pytest.param(
            ['2026-05-01,"openai/gpt-4o",5', '2026-05-01,"openai/\ngpt-4o",6', "x"], id="line-break-in-a-cell"
        ),
    ],
)
def test_lines_duckdb_reads_otherwise_get_python_reprices_answer(tmp_path: Path, rows: list[str]) -> None:
    """Python's csv module reads '"openai/gpt-4o"x' as openai/gpt-4ox (an unknown model), a carriage
    return as the end of a row, refuses a row with an empty field too many, and numbers a row that
    spans lines by its last line; DuckDB's reader rejected the first ('UNQUOTED VALUE'), refused the
    whole file over the second ('The CSV Parser state machine reached an invalid state', exit 4),
    priced the third (it drops a trailing delimiter) and gave a rejected row its first line."""
    path = tmp_path / "odd.csv"
    path.write_bytes(("timestamp,model,input_tokens\n" + "\n".join(rows) + "\n").encode())
    python, _ = _both(path, _repo_catalog())
    assert python.rows_priced >= 1


@pytest.mark.parametrize(
    ("field", "model"),
    [
        pytest.param("output_tokens", "openai/gpt-4o", id="tokens"),
        pytest.param("input_audio_seconds", "mistral/voxtral-small-2507", id="per-second"),
    ],
)
def test_counts_near_2_64_are_priced_exactly_not_refused(tmp_path: Path, field: str, model: str) -> None:
    """A count of 2^64 - 1 is a count; its product with a price passes DuckDB's DECIMAL(38): the
    duckdb engine refused the file ('Out of Range Error: Overflow in multiplication'; for seconds at
    a per-minute price 'Conversion Error: Casting value ... to type DECIMAL(38,24) failed', exit 4)
    while Python reprice priced it exactly."""
    path = tmp_path / "big.csv"
    path.write_text(f"timestamp,model,{field}\n2026-05-01,{model},{2**64 - 1}\n2026-05-01,{model},5\n")
    python, _ = _both(path, _repo_catalog(), what_if=["mistral/mistral-small-2603"])
    assert python.rows_priced == 2 and python.totals["USD"] > 10**12


@pytest.mark.parametrize("what_if", [[], ["mistral/voxtral-small-2507"]])
def test_seconds_at_a_per_minute_price_total_as_in_python(tmp_path: Path, what_if: list[str]) -> None:
    """Voxtral's 0.004 a minute is 0.0000666... a second: the price table rounds it to 18 places, so
    the duckdb engine totalled 1,007 seconds as 0.067133333333333669 where Python reprice (the
    runtime's 50 digits) says 0.0671333...3669 with 50 digits: the totals differed from the 17th place."""
    path = tmp_path / "seconds.csv"
    rows = "2026-11-20,mistral/voxtral-small-2507,1000\n2026-11-20,mistral/voxtral-small-2507,7\n"
    path.write_text("timestamp,model,input_audio_seconds\n" + rows)
    python, _ = _both(path, _repo_catalog(), what_if=what_if)
    assert python.totals["USD"] > Decimal("0.067133333333333333")


@pytest.mark.parametrize(
    ("field", "row", "why"),
    [
        pytest.param("input_tokens", '2026-05-01,"openai/gpt-4o"x,5', "a stray quote", id="quote"),
        pytest.param("output_tokens", f"2026-05-01,openai/gpt-4o,{2**64 - 1}", "38 digits", id="overflow"),
        pytest.param(
            "input_audio_seconds", "2026-11-20,mistral/voxtral-small-2507,7", "per-second price", id="per-second"
        ),
    ],
)
def test_a_file_handed_to_the_python_engine_says_why(tmp_path: Path, field: str, row: str, why: str) -> None:
    """The hand-over costs the engine's speed (a 10M-row file with one odd line takes the Python
    engine's time): on_fallback is told why, the CLI says it on stderr, and a clean file says nothing."""
    path = tmp_path / "odd.csv"
    path.write_text(f"timestamp,model,{field}\n2026-05-01,openai/gpt-4o,1000\n{row}\n")
    told: list[str] = []
    reprice_duckdb(path, _repo_catalog(), on_fallback=told.append)
    assert len(told) == 1 and why in told[0]
    clean = tmp_path / "clean.csv"
    clean.write_text("timestamp,model,input_tokens\n2026-05-01,openai/gpt-4o,1000\n")
    reprice_duckdb(clean, _repo_catalog(), on_fallback=told.append)
    assert len(told) == 1
    from conftest import REPO

    result = CliRunner().invoke(app, ["reprice", str(path), "--engine", "duckdb", "--catalog", str(REPO / "catalog")])
    assert "the duckdb engine hands this file to the python engine: " in result.stderr and why in result.stderr
    assert result.exit_code in (0, 1) and "Traceback" not in result.output


def test_rows_of_another_width_are_unpriced_by_duckdb_itself_in_pythons_words(files: dict[str, Any]) -> None:
    """One short or long row (or a trailing delimiter, or a line of spaces) in a large file must not
    hand the whole file to the Python engine: DuckDB counts the row's fields (the header's and one
    more) and words the error as Python reprice does, at the same line."""
    told: list[str] = []
    path = files["dir"] / "bad.csv"
    python = reprice(path, files["catalog"], keep_errors=100)
    duck = reprice_duckdb(path, files["catalog"], keep_errors=100, on_fallback=told.append)
    _same(python, duck)
    assert told == []
    width = [(e.line, e.message, e.raw) for e in python.errors if "fields as in the header" in e.message]
    assert len(width) == 1 and width == [(e.line, e.message, e.raw) for e in duck.errors if "fields as" in e.message]
    odd = files["dir"] / "odd.csv"
    odd.write_text(
        "timestamp,model,input_tokens\n2026-05-01,openai/gpt-4o,5,\n   \n\n2026-05-01,openai/gpt-4o\n"
        '2026-05-01,"openai/\ngpt-4o",6,7\n2026-05-01,openai/gpt-4o,9\n2026-05-01,openai/gpt-4o,5,x,y,z\n'
    )
    python = reprice(odd, _repo_catalog(), keep_errors=100)
    duck = reprice_duckdb(odd, _repo_catalog(), keep_errors=100, on_fallback=told.append)
    assert told == [] and python.error_count == 5 and python.rows_priced == 1
    assert python.errors[-1].message == "expected 3 fields as in the header, found 6"
    _same(python, duck)
    assert [(e.line, e.message, e.raw) for e in python.errors] == [(e.line, e.message, e.raw) for e in duck.errors]


def test_json_values_that_are_not_strings_group_as_their_json_text(tmp_path: Path) -> None:
    """Found by bench/fuzz_usage.py: `"plan": false` was the group 'False' in Python reprice and
    'false' in the duckdb engine (which reads the JSON text): both say 'false' now."""
    row = {"timestamp": "2026-11-20", "model": "openai/gpt-4o", "input_tokens": 10}
    values: list[Any] = [False, True, 0, 12, 1.5, {"a": 1}, [1, "b"], "x", None]
    path = tmp_path / "plans.jsonl"
    path.write_text("".join(json.dumps({**row, "plan": v}) + "\n" for v in values), encoding="utf-8")
    python, _ = _both(path, _repo_catalog(), group_by=["plan"])
    assert sorted(g.key[0] for g in python.groups) == sorted(
        ["false", "true", "0", "12", "1.5", '{"a":1}', '[1,"b"]', "x", ""]
    )
