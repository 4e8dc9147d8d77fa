"""The price table and the pricing SQL on DuckDB, against Python reprice and
runtime.Catalog.cost on a usage file with every pricing feature (issues 12, 17):
the same totals to the last digit, the same unpriced rows."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from conftest import REPO, MakeCatalog
from modelctl.interop.exporters import load_artifact, price_table, sql
from modelctl.query.opening import open_catalog
from modelctl.runtime import Usage
from modelctl.usage.files import USAGE_FIELDS
from modelctl.usage.reprice import reprice
from warehouse_helpers import COLUMNS, ROWS, UNPRICED_LINES, published, usage_csv, warehouse_catalog

TOKEN_TYPES = dict.fromkeys(COLUMNS[5:], "BIGINT")


@pytest.fixture
def warehouse(make_catalog: MakeCatalog, tmp_path: Path) -> dict[str, Any]:
    root = warehouse_catalog(make_catalog)
    artifact_path = published(root, tmp_path / "dist")
    artifact = load_artifact(artifact_path)
    (tmp_path / "prices.csv").write_text(price_table.to_csv(price_table.rows(artifact)), encoding="utf-8")
    (tmp_path / "names.csv").write_text(price_table.names_csv(price_table.names(artifact)), encoding="utf-8")
    (tmp_path / "usage.csv").write_text(usage_csv(), encoding="utf-8")
    return {"root": root, "dir": tmp_path, "catalog": open_catalog(root).catalog}


def _types(columns: Any) -> str:
    return "{" + ", ".join(f"'{name}': '{kind}'" for name, kind, _ in columns) + "}"


def load(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        f"CREATE TABLE prices AS SELECT * FROM read_csv('{folder / 'prices.csv'}', header = true, "
        f"types = {_types(price_table.COLUMNS)})"
    )
    con.execute(
        f"CREATE TABLE model_names AS SELECT * FROM read_csv('{folder / 'names.csv'}', header = true, "
        f"types = {_types(price_table.NAME_COLUMNS)})"
    )
    usage_types = {"request_id": "BIGINT", "timestamp": "TIMESTAMPTZ", "model": "VARCHAR", "variant": "VARCHAR",
                   "account": "VARCHAR", **TOKEN_TYPES}  # fmt: skip
    types = "{" + ", ".join(f"'{k}': '{v}'" for k, v in usage_types.items()) + "}"
    con.execute(
        f"CREATE TABLE usage AS SELECT * FROM read_csv('{folder / 'usage.csv'}', header = true, types = {types})"
    )
    for field in USAGE_FIELDS:  # counts the file does not have: 0, as a warehouse table would say
        if field not in COLUMNS:
            con.execute(f"ALTER TABLE usage ADD COLUMN {field} BIGINT DEFAULT 0")


def documented_query() -> str:
    text = (REPO / "docs" / "import-export.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- pricing-query:duckdb -->\n```sql\n(.*?)```", text, re.S)
    assert match, "docs/import-export.md lost its pricing query block"
    return match.group(1)


def test_the_documented_query_is_the_exported_one() -> None:
    assert documented_query() == sql.pricing_query(sql.SqlOptions("duckdb"))


def test_every_fall_back_is_filled_in_the_price_table(warehouse: dict[str, Any]) -> None:
    artifact = load_artifact(next((warehouse["dir"] / "dist").glob("*.json")))
    plain = next(r for r in price_table.rows(artifact) if r["model"] == "acme/plain")
    assert plain["cached_input_per_1m"] == plain["input_per_1m"] == "1.10"
    assert plain["cache_write_per_1m"] == "1.375" and plain["cache_write_1h_per_1m"] == "1.375"  # 1h -> 5m
    assert plain["reasoning_per_1m"] == plain["output_audio_per_1m"] == plain["output_image_per_1m"] == "4.40"
    assert plain["input_audio_per_1m"] == plain["input_image_per_1m"] == "1.10"
    assert plain["per_request"] is None and plain["per_image"] is None  # no price: free / unpriced, never filled
    assert plain["filled"].split() == [
        "cached_input_per_1m=input_per_1m",
        "cache_write_1h_per_1m=cache_write_per_1m",
        "reasoning_per_1m=output_per_1m",
        "input_audio_per_1m=input_per_1m",
        "output_audio_per_1m=output_per_1m",
        "input_image_per_1m=input_per_1m",
        "output_image_per_1m=output_per_1m",
        "input_video_per_1m=input_per_1m",
        "cached_input_audio_per_1m=input_per_1m",
        "cached_input_image_per_1m=input_per_1m",
        "cache_write_12h_per_1m=cache_write_per_1m",
    ]
    omni = next(r for r in price_table.rows(artifact) if r["model"] == "acme/omni" and r["variant"] == "priority")
    assert omni["cached_input_per_1m"] == "0.125"  # inherited from the base prices, not a fall-back
    filled = dict(cell.split("=") for cell in omni["filled"].split())
    assert "cached_input_per_1m" not in filled and filled["cached_input_image_per_1m"] == "cached_input_per_1m"


def test_duckdb_prices_every_row_as_the_runtime_and_reprice(warehouse: dict[str, Any]) -> None:
    con = duckdb.connect()
    load(con, warehouse["dir"])
    rows = con.execute(f"SELECT request_id, priced_model, cost, unpriced FROM ({documented_query()}) q").fetchall()
    assert len(rows) == len(ROWS)
    catalog = warehouse["catalog"]
    by_line = {line: (model, cost, why) for line, model, cost, why in rows}
    expected_unpriced = set()
    for line, (ts, name, variant, counts) in enumerate(ROWS, 2):
        usage = Usage(**dict(zip(COLUMNS[5:], counts, strict=False)))
        try:
            want = catalog.cost(name, usage, at=_moment(ts), variant=variant or None)
        except Exception:  # noqa: BLE001 - any refusal: the SQL must leave the row unpriced too
            expected_unpriced.add(line)
            assert by_line[line][1] is None and by_line[line][2], (line, by_line[line])
            continue
        assert by_line[line][1] == want.total, (line, name, variant, by_line[line], want)
        assert by_line[line][0] == want.model
    result = reprice(warehouse["dir"] / "usage.csv", catalog, keep_errors=100)
    assert {e.line for e in result.errors} == expected_unpriced
    totals = dict(
        con.execute(
            f"SELECT priced_model, sum(cost) FROM ({documented_query()}) q WHERE unpriced IS NULL GROUP BY 1"
        ).fetchall()
    )
    assert totals == {g.key[0]: g.cost for g in result.groups}
    assert expected_unpriced == UNPRICED_LINES


def _moment(ts: str) -> date | datetime:
    # A datetime, not the string: the runtime takes a string's own calendar day, not its UTC day
    return datetime.fromisoformat(ts.replace("Z", "+00:00")) if "T" in ts else date.fromisoformat(ts)


@pytest.mark.parametrize("dialect", sql.DIALECTS)
def test_column_mapping_and_counts_the_table_lacks(warehouse: dict[str, Any], dialect: str) -> None:
    query = sql.pricing_query(
        sql.SqlOptions(dialect, columns={"input_tokens": "prompt_tokens", "images": "0", "timestamp": "ts"})
    )
    assert '"prompt_tokens"' in query or "`prompt_tokens`" in query
    assert "coalesce(0, 0) AS t_images" in query
    if dialect != "duckdb":
        return
    con = duckdb.connect()
    load(con, warehouse["dir"])
    con.execute('CREATE VIEW renamed AS SELECT * RENAME (input_tokens AS prompt_tokens, "timestamp" AS ts) FROM usage')
    mapped = sql.pricing_query(
        sql.SqlOptions("duckdb", usage="renamed", columns={"input_tokens": "prompt_tokens", "timestamp": "ts"})
    )
    plain = con.execute(f"SELECT request_id, cost FROM ({documented_query()}) q ORDER BY 1").fetchall()
    assert con.execute(f"SELECT request_id, cost FROM ({mapped}) q ORDER BY 1").fetchall() == plain


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        pytest.param(["input_tokens"], "use FIELD=COLUMN", id="no-equals"),
        pytest.param(["prompt=input"], "'prompt' is not a usage column", id="unknown-field"),
        pytest.param(["input_tokens=a;drop"], "is not a column name", id="injection"),
    ],
)
def test_bad_column_mappings_are_refused(pairs: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sql.parse_columns(pairs)


def test_sums_stay_exact_decimals(warehouse: dict[str, Any]) -> None:
    con = duckdb.connect()
    load(con, warehouse["dir"])
    kind = con.execute(f"SELECT typeof(cost) FROM ({documented_query()}) q LIMIT 1").fetchone()
    assert kind is not None and kind[0].startswith("DECIMAL(38,"), kind
    assert isinstance(con.execute(f"SELECT sum(cost) FROM ({documented_query()}) q").fetchone()[0], Decimal)  # type: ignore[index]
