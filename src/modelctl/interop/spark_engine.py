"""The Spark SQL pricing query on a Spark session (pyspark and a Java runtime,
neither a dependency of modelctl): the price and names tables as DataFrames
with exact types, a usage CSV read as text and typed in a view, and the query
of ``modelctl export --format sql --dialect spark`` over it.  Used by the
tests (a local session) and bench/bench_reprice.py; on a cluster the same
three steps run with the tables wherever they live (docs/warehouse.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from modelctl import runtime
from modelctl.interop.exporters import price_table, sql
from modelctl.interop.exporters.common import Artifact
from modelctl.usage.files import USAGE_FIELDS, unstated

__all__ = ["CONF", "load_tables", "local_session", "price_usage", "totals", "usage_view"]

# Without these Spark rounds DECIMAL products to 6 places (allowPrecisionLoss) and turns an
# overflow into NULL (ANSI off); days are UTC days.
CONF: dict[str, str] = {
    "spark.sql.decimalOperations.allowPrecisionLoss": "false",
    "spark.sql.ansi.enabled": "true",
    "spark.sql.session.timeZone": "UTC",
}


def local_session(cores: int = 1) -> Any:
    """A small local Spark session with CONF (slow to start: share one)."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(f"local[{cores}]").appName("modelctl")
    for key, value in {
        **CONF,
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.shuffle.partitions": "4",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.driver.host": "127.0.0.1",
    }.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _spark_type(kind: str) -> Any:
    from pyspark.sql import types as T

    if kind.startswith("DECIMAL"):
        return T.DecimalType(38, 18)
    ints = {"BIGINT": T.LongType(), "INTEGER": T.IntegerType(), "INT": T.IntegerType(), "SMALLINT": T.ShortType()}
    return {**ints, "DATE": T.DateType()}.get(kind, T.StringType())


def load_tables(spark: Any, catalog: runtime.Catalog) -> None:
    """``prices``, ``model_names`` and ``price_windows`` as temporary views, with the tables' column types
    (ValueError for a price DECIMAL(38,18) cannot hold exactly: ``price_table.not_held``)."""
    from datetime import date

    from pyspark.sql import types as T

    artifact = Artifact("", catalog.name, "", {info.ref: dict(info.data) for info in catalog.models()})
    schema = T.StructType([T.StructField(n, _spark_type(k), True) for n, k, _ in price_table.COLUMNS])

    def value(kind: str, v: Any) -> Any:
        if v is None:
            return None
        if kind.startswith("DECIMAL"):
            return Decimal(v)
        return date.fromisoformat(v) if kind == "DATE" else v

    table = price_table.rows(artifact)
    held = price_table.not_held(table)
    if held is not None:  # a DECIMAL(38,18) column would round it (or refuse it): the bill would differ
        model, key, text = held
        raise ValueError(
            f"the price table's DECIMAL(38,18) cannot hold {model} {key} = {text} exactly "
            "(more than 18 decimal places, or 10^20 or more)"
        )
    rows = [tuple(value(k, r[n]) for n, k, _ in price_table.COLUMNS) for r in table]
    spark.createDataFrame(rows, schema).createOrReplaceTempView("prices")
    names = T.StructType([T.StructField(n, _spark_type(k), True) for n, k, _ in price_table.NAME_COLUMNS])
    spark.createDataFrame(price_table.names(artifact), names).createOrReplaceTempView("model_names")
    cols = price_table.WINDOW_COLUMNS
    windows = T.StructType([T.StructField(n, _spark_type(k), True) for n, k, _ in cols])
    found = [tuple(value(k, r[n]) for n, k, _ in cols) for r in price_table.windows(artifact)]
    spark.createDataFrame(found, windows).createOrReplaceTempView("price_windows")


def usage_view(spark: Any, path: str, name: str = "usage") -> None:
    """A usage CSV (header: timestamp, model, variant?, token counts) as the view ``name``:
    every column read as text, then typed (a count's empty cell is 0, a requests one 1, as is no
    requests column: usage.files.unstated);
    ``has_time`` says whether the row's timestamp has a time of day (a date alone: base prices)."""
    raw = spark.read.option("header", True).option("inferSchema", False).csv(path)
    have = {c.lower(): c for c in raw.columns}
    raw.createOrReplaceTempView(f"{name}_raw")
    ts = f"`{have['timestamp']}`"
    cols = [f"CAST({ts} AS TIMESTAMP) AS `timestamp`", f"`{have['model']}` AS model"]
    cols.append(f"NOT (trim({ts}) RLIKE '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$') AS has_time")
    cols.append(f"`{have['variant']}` AS variant" if "variant" in have else "CAST(NULL AS STRING) AS variant")
    for field in USAGE_FIELDS:
        if field in have:
            cols.append(f"CAST(coalesce(nullif(trim(`{have[field]}`), ''), '{unstated(field)}') AS BIGINT) AS {field}")
        else:
            cols.append(f"CAST({unstated(field)} AS BIGINT) AS {field}")
    extra = [
        f"`{have[c]}` AS `{c}`" for c in have if c not in {"timestamp", "model", "variant", "has_time", *USAGE_FIELDS}
    ]
    spark.sql(f"SELECT {', '.join(cols + extra)} FROM {name}_raw").createOrReplaceTempView(name)


def price_usage(spark: Any, usage: str = "usage", has_time: str | None = "has_time") -> Any:
    """The pricing query's result as a DataFrame; ``has_time``: the usage view's column saying whether a
    row has a time of day (``usage_view`` makes it), None for a table whose timestamp type says it."""
    return spark.sql(sql.pricing_query(sql.SqlOptions("spark", usage=usage, has_time=has_time)))


def totals(spark: Any, catalog: runtime.Catalog, path: str) -> tuple[dict[str, Decimal], int, int]:
    """(currency -> total of the priced rows, unpriced rows, rows) for the usage CSV at ``path``."""
    load_tables(spark, catalog)
    usage_view(spark, path)
    price_usage(spark).createOrReplaceTempView("priced")
    found = spark.sql(  # one scan: the unpriced rows have no currency when the model is unknown
        "SELECT currency, sum(CASE WHEN unpriced IS NULL THEN cost END) AS total, count(*) AS n, "
        "count(unpriced) AS failed, count(cost) AS priced FROM priced GROUP BY currency"
    ).collect()
    sums = {r["currency"]: r["total"] for r in found if r["priced"]}
    return sums, sum(int(r["failed"]) for r in found), sum(int(r["n"]) for r in found)
