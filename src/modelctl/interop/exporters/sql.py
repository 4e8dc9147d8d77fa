"""The pricing query (``modelctl export --format sql``): SQL that prices a
usage table where it lives, with the runtime's rules, over the price table
(``--format price-table``) and the model names table (``--format
model-names``).

One query per dialect (DuckDB, Spark SQL, BigQuery, PostgreSQL), the same
shape in each:

* a usage row's name is looked up in ``model_names`` (canonical references,
  ``provider/alias``, and bare ids and aliases that only one provider has,
  all lower case: ``runtime.Catalog.resolve``'s rules);
* the price row is the one of that model and variant (``''`` for none) in
  force on the row's day (UTC) whose tier bounds hold the row's input-side
  tokens (input + cached input + cache writes; a cliff);
* each token count is multiplied by its own column: the price table has
  every fall-back filled in, so an empty cell means "no price", and a row
  with a non-zero count there is unpriced, as the runtime refuses it;
* money stays exact: the dialect's exact decimal type, never a float.

The query returns every usage column plus ``priced_model``, ``provider``,
``currency``, ``cost`` (NULL when the row cannot be priced) and
``unpriced`` (why, NULL when priced).  Totals: ``SUM(cost) ... GROUP BY``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from modelctl.usage.estimate import FREE_WITHOUT_PRICE, PRICED_BY

__all__ = ["DIALECTS", "SqlOptions", "parse_columns", "pricing_query", "table_name", "what_if"]

DIALECTS: tuple[str, ...] = ("duckdb", "spark", "bigquery", "postgres")
USAGE_FIELDS: tuple[str, ...] = tuple(f for f, *_ in PRICED_BY)
COLUMN_NAMES: tuple[str, ...] = ("timestamp", "model", "variant", *USAGE_FIELDS)
_SIDE = ("input_tokens", "cached_input_tokens", "cache_write_tokens", "cache_write_1h_tokens")

# The exact type each dialect keeps prices in.
MONEY_TYPE = {"duckdb": "DECIMAL(38, 18)", "spark": "DECIMAL(38, 18)", "bigquery": "BIGNUMERIC", "postgres": "NUMERIC"}
_QUOTE = {"duckdb": '"', "spark": "`", "bigquery": "`", "postgres": '"'}
_NOTES = {
    "duckdb": "Run with SET TimeZone = 'UTC' when the timestamp column is a TIMESTAMPTZ (days are UTC days).",
    "spark": "Run with spark.sql.decimalOperations.allowPrecisionLoss=false (else Spark rounds DECIMAL products\n"
    "-- to 6 places) and spark.sql.ansi.enabled=true (overflow is an error, never NULL); session time zone UTC.",
    "bigquery": "BIGNUMERIC keeps 38 decimal places; CAST(TIMESTAMP AS DATE) is the UTC day.",
    "postgres": "Run with SET TIME ZONE 'UTC' when the timestamp column is a timestamptz (days are UTC days).",
}


@dataclass(frozen=True, slots=True)
class SqlOptions:
    dialect: str = "duckdb"
    usage: str = "usage"  # the usage table (or a sub-query in parentheses)
    prices: str = "prices"
    names: str = "model_names"
    # usage column -> the table's column name, or an integer literal for a count the table lacks
    columns: Mapping[str, str] | None = None


def parse_columns(pairs: Sequence[str]) -> dict[str, str]:
    """``["input_tokens=prompt_tokens", "images=0"]`` -> a mapping; ValueError names a bad pair."""
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, column = pair.partition("=")
        name, column = name.strip(), column.strip()
        if not sep or not column:
            raise ValueError(f"{pair!r}: use FIELD=COLUMN (e.g. input_tokens=prompt_tokens)")
        if name not in COLUMN_NAMES:
            raise ValueError(f"{name!r} is not a usage column: use one of {', '.join(COLUMN_NAMES)}")
        if not (column.isdigit() or _identifier(column)):
            raise ValueError(f"{column!r} is not a column name (letters, digits and _) or a count")
        out[name] = column
    return out


def table_name(text: str) -> str:
    """A table name as given (``usage``, ``project.dataset.usage``); ValueError when it is not one."""
    if not all(_identifier(part) for part in text.split(".")):
        raise ValueError(f"{text!r} is not a table name (letters, digits and _, parts separated by .)")
    return text


def _identifier(text: str) -> bool:
    return re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", text) is not None


def pricing_query(options: SqlOptions = SqlOptions()) -> str:
    """The pricing query for ``options.dialect`` (one of DIALECTS)."""
    d = options.dialect
    if d not in DIALECTS:
        raise ValueError(f"unknown dialect {d!r}: use one of {', '.join(DIALECTS)}")
    cols = dict(options.columns or {})
    q = _QUOTE[d]

    def col(name: str, table: str = "u") -> str:  # a usage column, quoted
        given = cols.get(name, name)
        if given.isdigit():
            return given
        return f"{table}.{q}{given}{q}"

    selects = [
        "    u.*",
        f"    CAST({col('timestamp')} AS DATE) AS usage_day",
        f"    {_variant(cols, col)} AS usage_variant",
        f"    lower({col('model')}) AS usage_name",
    ]
    selects += [f"    coalesce({col(f)}, {_default(f)}) AS t_{f}" for f in USAGE_FIELDS]
    select_rows = ",\n".join(selects)
    return f"""\
-- modelctl pricing query ({d}).  Tables: {options.usage} (one row per request, disjoint token
-- counts), {options.prices} (modelctl export --format price-table), {options.names} (--format model-names).
-- {_NOTES[d]}
WITH usage_rows AS (
  SELECT
{select_rows}
  FROM {options.usage} AS u
),
joined AS (
  SELECT
    r.*,
    n.model AS priced_model,
    p.provider,
    p.currency,
    p.valid_from AS price_from,
    p.above_input_tokens AS price_tier,
    CASE
      WHEN n.model IS NULL THEN 'unknown model'
      WHEN p.model IS NULL THEN 'no price in force that day for this model and variant'
{_reasons("p", "r")}
    END AS unpriced,
    {_amount("p", "r", d)} AS amount
  FROM usage_rows AS r
  LEFT JOIN {options.names} AS n ON n.name = r.usage_name
  LEFT JOIN {options.prices} AS p
    ON p.model = n.model
{_conditions("p", "r")}
)
SELECT joined.*, CASE WHEN unpriced IS NULL THEN amount END AS cost
FROM joined
"""


def what_if(rows: str, targets: Sequence[str], *, dialect: str = "duckdb", prices: str = "prices") -> str:
    """``rows`` (the pricing query's output, as a table or a sub-query) with
    ``wi_amount_<i>`` and ``wi_unpriced_<i>`` for each what-if model: the same
    rows priced on that model, same day and variant."""
    cols, joins = [], []
    for i, ref in enumerate(targets):
        w = f"w{i}"
        lit = "'" + ref.replace("'", "''") + "'"
        cols.append(
            f"  CASE\n      WHEN {w}.model IS NULL THEN 'no price in force that day for this model and variant'\n"
            f"{_reasons(w, 'q')}\n    END AS wi_unpriced_{i},\n  {_amount(w, 'q', dialect)} AS wi_amount_{i}"
        )
        joins.append(f"LEFT JOIN {prices} AS {w}\n    ON {w}.model = {lit}\n{_conditions(w, 'q')}")
    select = ",\n".join(["  q.*", *cols])
    return f"SELECT\n{select}\nFROM {rows} AS q\n" + "\n".join(joins) + "\n"


def _side(r: str) -> str:
    return " + ".join(f"{r}.t_{f}" for f in _SIDE)


def _conditions(p: str, r: str) -> str:
    side = _side(r)
    return f"""\
   AND coalesce({p}.variant, '') = {r}.usage_variant
   AND {r}.usage_day >= {p}.valid_from
   AND ({p}.valid_to IS NULL OR {r}.usage_day < {p}.valid_to)
   AND {side} > coalesce({p}.above_input_tokens, -1)
   AND ({p}.up_to_input_tokens IS NULL OR {side} <= {p}.up_to_input_tokens)"""


def _reasons(p: str, r: str) -> str:
    return "\n".join(
        f"      WHEN {r}.t_{f} > 0 AND {p}.{keys[0]} IS NULL THEN 'no price for {f}'"
        for f, _c, keys, _per in PRICED_BY
        if f not in FREE_WITHOUT_PRICE
    )


def _amount(p: str, r: str, dialect: str) -> str:
    """The row's cost: each count times its own column, grouped by the units the price is for
    (per 1M tokens, per 1,000 calls, per unit); a per-minute price through its per-second column."""
    by_unit: dict[int, list[str]] = {}
    for f, _c, keys, unit in PRICED_BY:
        column, unit = (per_second_column(keys[0]), 1) if unit == 60 else (keys[0], unit)
        by_unit.setdefault(unit, []).append(f"{r}.t_{f} * coalesce({p}.{column}, 0)")
    parts = []
    for unit in sorted(by_unit, reverse=True):
        terms = "\n      + ".join(by_unit[unit])
        parts.append(f"( {terms}\n    ) * {_scale(unit, dialect)}" if unit != 1 else "\n    + ".join(by_unit[unit]))
    return "\n    + ".join(parts)


def per_second_column(key: str) -> str:
    """The price table's per-second column for a per-minute price key."""
    return key.replace("_per_minute", "_per_second")


def _scale(unit: int, dialect: str) -> str:
    """1 / unit as the dialect's exact decimal (unit is a power of ten)."""
    digits = len(str(unit)) - 1
    if unit != 10**digits:
        raise ValueError(f"a price per {unit} units needs a per-unit column")
    text = "0." + "0" * (digits - 1) + "1"
    if dialect == "bigquery":
        return f"BIGNUMERIC '{text}'"
    if dialect == "postgres":
        return f"CAST({text} AS NUMERIC)"
    return f"CAST({text} AS DECIMAL({digits + 1}, {digits}))"


def _variant(cols: Mapping[str, str], col: Callable[[str], str]) -> str:
    given = cols.get("variant", "variant")
    return "''" if given.isdigit() else f"coalesce({col('variant')}, '')"


def _default(field: str) -> str:
    return "1" if field == "requests" else "0"
