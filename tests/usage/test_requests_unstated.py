"""A row whose ``requests`` is not stated (an empty or blank CSV cell, a JSON ``null`` or no key, a
Parquet null) is one request, as a row of a file without a ``requests`` column is and as
``runtime.Usage`` defaults it: every engine, every format, plain reprice and --charges.  A count
left empty is still 0 (the web searches here); a ``requests`` of 0, stated, is 0.  The model has a
per-request fee (and a price per 1,000 web searches), so the difference shows in the total."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import MINI, write_catalog
from everyday_helpers import runtime_of
from modelctl import runtime
from modelctl.cli import app

runner = CliRunner()

FILES = {
    **MINI,
    "models/acme/gamma.yaml": """\
        # yaml-language-server: $schema=../../../schema/model.schema.json
        id: gamma
        name: Gamma
        status: active
        released: 2025-01-01
        limits: {context_window: 100000}
        modalities: {input: [text], output: [text]}
        features: [web_search]
        pricing:
          - effective_from: 2025-01-01
            source: https://acme.example/pricing
            checked: 2026-11-01
            input_per_1m: 1.00
            per_request: 0.01
            web_search_per_1k: 10.00
        """,
    "plans/pro.yaml": """\
        # yaml-language-server: $schema=../../schema/plan.schema.json
        id: pro
        name: Pro
        models:
          allow: ["acme/*"]
        markup: 1.50
        """,
}

# (input_tokens, requests, web_search_requests); None: not stated
ROWS: list[tuple[int, int | None, int | None]] = [(1000, None, None), (1000, 3, 2), (1000, 0, 0), (2000, None, 1)]
# 0.001 + 0.01 (one request) | 0.001 + 0.03 + 0.02 | 0.001 | 0.002 + 0.01 + 0.01
TOTAL = Decimal("0.085")


@pytest.fixture(scope="module")
def cat(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_catalog(tmp_path_factory.mktemp("unstated") / "cat", FILES)


def _usage(row: tuple[int, int | None, int | None]) -> runtime.Usage:
    given = {"requests": row[1], "web_search_requests": row[2]}
    return runtime.Usage(input_tokens=row[0], **{k: v for k, v in given.items() if v is not None})  # type: ignore[arg-type]


def _write(folder: Path, how: str) -> Path:
    stamps = [f"2026-11-{20 + i}" for i in range(len(ROWS))]
    if how.startswith("csv"):
        empty = "  " if how == "csv-blank" else ""
        cell = lambda n: empty if n is None else str(n)  # noqa: E731
        lines = ["timestamp,model,input_tokens,requests,web_search_requests"]
        lines += [f"{t},acme/gamma,{i},{cell(r)},{cell(w)}" for t, (i, r, w) in zip(stamps, ROWS, strict=True)]
        path = folder / f"{how}.csv"
        path.write_text("\n".join(lines) + "\n")
        return path
    if how.startswith("jsonl"):
        objects = []
        for t, (i, r, w) in zip(stamps, ROWS, strict=True):
            row: dict[str, Any] = {"timestamp": t, "model": "acme/gamma", "input_tokens": i}
            counts = {"requests": r, "web_search_requests": w}
            row |= counts if how == "jsonl-null" else {k: v for k, v in counts.items() if v is not None}
            objects.append(json.dumps(row))
        path = folder / f"{how}.jsonl"
        path.write_text("\n".join(objects) + "\n")
        return path
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table(
        {
            "timestamp": stamps,
            "model": ["acme/gamma"] * len(ROWS),
            "input_tokens": pa.array([r[0] for r in ROWS], pa.int64()),
            "requests": pa.array([r[1] for r in ROWS], pa.int64()),
            "web_search_requests": pa.array([r[2] for r in ROWS], pa.int64()),
        }
    )
    path = folder / "usage.parquet"
    pq.write_table(table, path)
    return path


def _reprice(path: Path, cat: Path, *args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["reprice", str(path), "--catalog", str(cat), "-f", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_the_rows_by_hand_are_the_runtimes_costs(cat: Path) -> None:
    catalog = runtime_of(cat)
    assert sum(catalog.cost("acme/gamma", _usage(r), at="2026-11-20").total for r in ROWS) == TOTAL


@pytest.mark.parametrize(
    ("how", "engine"),
    [
        pytest.param("csv-empty", "python", id="csv-empty-python"),
        pytest.param("csv-blank", "python", id="csv-blank-python"),
        pytest.param("jsonl-null", "python", id="jsonl-null-python"),
        pytest.param("jsonl-absent", "python", id="jsonl-absent-python"),
        pytest.param("csv-empty", "duckdb", id="csv-empty-duckdb"),
        pytest.param("csv-blank", "duckdb", id="csv-blank-duckdb"),
        pytest.param("jsonl-null", "duckdb", id="jsonl-null-duckdb"),
        pytest.param("jsonl-absent", "duckdb", id="jsonl-absent-duckdb"),
        pytest.param("parquet-null", "duckdb", id="parquet-null-duckdb"),
    ],
)
def test_an_unstated_requests_value_is_one_request_in_every_engine_and_format(
    cat: Path, tmp_path: Path, how: str, engine: str
) -> None:
    if engine == "duckdb":
        pytest.importorskip("duckdb")
    doc = _reprice(_write(tmp_path, how), cat, "--engine", engine)
    assert doc["totals"] == {"USD": str(TOTAL)}
    (group,) = doc["groups"]
    assert group["rows"] == len(ROWS)


@pytest.mark.parametrize("how", ["csv-empty", "csv-blank", "jsonl-null", "jsonl-absent"])
def test_charges_count_an_unstated_requests_value_as_one_request(cat: Path, tmp_path: Path, how: str) -> None:
    catalog = runtime_of(cat)
    want = sum(catalog.charge("acme/gamma", _usage(r), plan="pro", at="2026-11-20").amount for r in ROWS)
    assert want == TOTAL * Decimal("1.5")
    doc = _reprice(_write(tmp_path, how), cat, "--plan", "pro")
    assert doc["totals"] == {"USD": "0.1275"}  # 0.085 x 1.50
    assert doc["rows"] == {"read": len(ROWS), "charged": len(ROWS), "failed": 0}


@pytest.mark.parametrize("how", ["csv-empty", "csv-blank"])
def test_the_row_by_row_path_counts_it_as_the_columnar_one(cat: Path, tmp_path: Path, how: str) -> None:
    """With --what-if every row takes the row-by-row path (csv_rows.one), not the columnar one."""
    doc = _reprice(_write(tmp_path, how), cat, "--what-if", "acme/gamma")
    assert doc["totals"] == {"USD": str(TOTAL)}
    assert [(w["model"], w["total"], w["failed"]) for w in doc["what_if"]] == [("acme/gamma", str(TOTAL), 0)]


@pytest.mark.parametrize(
    ("cells", "words"),
    [
        pytest.param("  ,x", "requests 'x' is not a whole number", id="blank-then-text"),
        pytest.param("5,²", "requests '²' is not a whole number", id="a-digit-int-refuses"),
        pytest.param("-5,", "input_tokens '-5' is negative", id="negative-then-empty"),
    ],
)
def test_charges_name_the_bad_count_as_reprice_does(cat: Path, tmp_path: Path, cells: str, words: str) -> None:
    """A blank cell before or after the bad one: --charges blamed the first count column, "too large"."""
    path = tmp_path / "bad.csv"
    path.write_text(f"timestamp,model,input_tokens,requests\n2026-11-20,acme/gamma,{cells}\n", encoding="utf-8")
    for extra in ([], ["--plan", "pro"]):
        result = runner.invoke(app, ["reprice", str(path), "--catalog", str(cat), "-f", "json", *extra])
        assert result.exit_code == 1, result.output
        assert [e["message"] for e in json.loads(result.stdout)["errors"]] == [words], extra
