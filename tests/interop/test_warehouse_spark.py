"""The Spark dialect of the pricing query on a local Spark session (issue 17):
on the usage file with every pricing feature, the same per-row costs as
runtime.Catalog.cost, the same totals as Python reprice and DuckDB, the same
unpriced rows.  One session for the module: starting Spark is slow."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from conftest import write_catalog
from modelctl.interop import spark_engine
from modelctl.interop.exporters import sql
from modelctl.query.opening import open_catalog
from modelctl.usage.reprice import reprice
from warehouse_helpers import FILES, ROWS, UNPRICED_LINES, runtime_costs, usage_csv

pytest.importorskip("pyspark")


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    session = spark_engine.local_session()
    yield session
    session.stop()


@pytest.fixture(scope="module")
def priced(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("spark")
    catalog = open_catalog(write_catalog(folder / "cat", FILES)).catalog
    (folder / "usage.csv").write_text(usage_csv(), encoding="utf-8")
    spark_engine.load_tables(spark, catalog)
    spark_engine.usage_view(spark, str(folder / "usage.csv"))
    rows = (
        spark_engine.price_usage(spark)
        .select("request_id", "priced_model", "price_variant", "cost", "unpriced")
        .collect()
    )
    return {"folder": folder, "catalog": catalog, "rows": {int(r["request_id"]): r for r in rows}}


def test_spark_prices_every_row_as_the_runtime(priced: dict[str, Any]) -> None:
    rows, catalog = priced["rows"], priced["catalog"]
    assert len(rows) == len(ROWS)
    assert {line for line, r in rows.items() if r["unpriced"] is not None} == UNPRICED_LINES
    assert all(rows[line]["cost"] is None for line in UNPRICED_LINES)
    totals: dict[str, Decimal] = {}
    for line, want in runtime_costs(catalog).items():
        if isinstance(want, Exception):
            continue
        r = rows[line]
        assert (r["priced_model"], r["price_variant"] or None, r["cost"]) == (want.model, want.variant, want.total), (
            line
        )
        totals[want.model] = totals.get(want.model, Decimal(0)) + want.total
    spark_totals: dict[str, Decimal] = {}
    for r in rows.values():
        if r["unpriced"] is None:
            spark_totals[r["priced_model"]] = spark_totals.get(r["priced_model"], Decimal(0)) + r["cost"]
    assert spark_totals == totals  # to the last digit, not only the cent


def test_spark_totals_equal_python_reprice(priced: dict[str, Any]) -> None:
    result = reprice(priced["folder"] / "usage.csv", priced["catalog"], keep_errors=100)
    assert {e.line for e in result.errors} == UNPRICED_LINES
    totals: dict[str, Decimal] = {}
    for r in priced["rows"].values():
        if r["unpriced"] is None:
            totals[r["priced_model"]] = totals.get(r["priced_model"], Decimal(0)) + r["cost"]
    assert totals == {g.key[0]: g.cost for g in result.groups}


def test_spark_equals_duckdb_row_by_row(priced: dict[str, Any]) -> None:
    from modelctl.interop.duckdb_engine import reprice_duckdb

    folder = priced["folder"]
    duck = reprice_duckdb(folder / "usage.csv", priced["catalog"], keep_errors=100)
    assert {e.line for e in duck.errors} == UNPRICED_LINES
    spark_total = sum((r["cost"] for r in priced["rows"].values() if r["cost"] is not None), Decimal(0))
    assert spark_total == sum(duck.totals.values())


def test_spark_costs_are_exact_decimals(spark: Any, priced: dict[str, Any]) -> None:
    kind = dict(spark_engine.price_usage(spark).dtypes)["cost"]
    assert kind.startswith("decimal(38,"), kind
    assert sql.MONEY_TYPE["spark"] == "DECIMAL(38, 18)"
    assert spark.conf.get("spark.sql.decimalOperations.allowPrecisionLoss") == "false"


def test_spark_totals_helper(spark: Any, priced: dict[str, Any]) -> None:
    totals, failed, rows = spark_engine.totals(spark, priced["catalog"], str(priced["folder"] / "usage.csv"))
    assert failed == len(UNPRICED_LINES) and rows == len(priced["rows"])
    want = sum((c.total for c in runtime_costs(priced["catalog"]).values() if not isinstance(c, Exception)), Decimal(0))
    assert totals == {"USD": want}


def test_spark_reads_an_empty_requests_cell_as_one_request(spark: Any, tmp_path: Path) -> None:
    """As Python reprice and the duckdb engine do (tests/usage/test_requests_unstated.py): a blank
    requests cell is not stated, one request; a blank count is 0; a stated 0 is 0."""
    path = tmp_path / "unstated.csv"
    path.write_text(
        "timestamp,model,input_tokens,requests,web_search_requests\n"
        "2026-11-20,acme/gamma,1000,,\n2026-11-21,acme/gamma,1000,3,2\n2026-11-22,acme/gamma,1000,0,0\n"
        "2026-11-23,acme/gamma,2000,  ,1\n",
        encoding="utf-8",
    )
    spark_engine.usage_view(spark, str(path), name="unstated")
    rows = spark.sql("SELECT requests, web_search_requests FROM unstated ORDER BY `timestamp`").collect()
    assert [(r["requests"], r["web_search_requests"]) for r in rows] == [(1, 0), (3, 2), (0, 0), (1, 1)]


@pytest.mark.parametrize("price", ["2.5000000000000000000001", "100000000000000000000000"])
def test_a_price_decimal_38_18_cannot_hold_is_refused(spark: Any, price: str) -> None:
    # validate accepts prices of 40 digits; the price table's DECIMAL(38,18) would round (or refuse) these
    import copy
    from datetime import date

    from conftest import REPO
    from modelctl.artifact.compile import content_of
    from modelctl.rules.validate import validate_catalog
    from modelctl.runtime import Catalog

    content = copy.deepcopy(content_of(validate_catalog(REPO / "catalog", today=date(2026, 11, 25)).catalog))
    for period in content["models"]["openai/gpt-4o"]["pricing"]:
        if "input_per_1m" in period.get("prices", {}):
            period["prices"]["input_per_1m"] = price
    with pytest.raises(ValueError, match=rf"cannot hold openai/gpt-4o input_per_1m = {price} exactly"):
        spark_engine.load_tables(spark, Catalog.from_content(content))
