"""The pricing query (``modelctl export --format sql``): SQL that prices a
usage table where it lives, with the runtime's rules, over the price table
(``--format price-table``), the model names table (``--format model-names``)
and the time-of-day windows table (``--format price-windows``).

One query per dialect (DuckDB, Spark SQL, BigQuery, PostgreSQL), the same
shape in each, the choices ``runtime.Catalog.cost`` makes:

* a usage row's name is looked up in ``model_names`` (canonical references,
  ``provider/alias``, and bare ids and aliases that only one provider has,
  all lower case: ``runtime.Catalog.resolve``'s rules);
* the variant billed is the row's own, else the one its name implies (an
  alias such as ``eu.anthropic.claude-sonnet-4-6``: ``regional``), else the
  one whose time-of-day window holds the row's UTC instant (``price_windows``;
  a timestamp that is a date alone has no time: the base prices), else none;
* the price row is the one of that model and variant (``''`` for none) in
  force on the row's day (UTC) whose tier bounds hold the row's input-side
  tokens (every input count: ``runtime._pricing.SIDE_FIELDS``; a cliff);
* a row needing a modality the model does not take, or with more input-side
  tokens than the period's limit per request, is refused, as cost() refuses it;
* each token count is multiplied by its own column: the price table has
  every fall-back filled in, so an empty cell means "no price", and a row
  with a non-zero count there is unpriced, as the runtime refuses it;
* money stays exact: the dialect's exact decimal type, never a float.

The query returns every usage column plus ``priced_model``, ``price_variant``
(the variant billed, '' for none), ``provider``, ``currency``, ``cost`` (NULL
when the row cannot be priced) and ``unpriced`` (why, NULL when priced).
Totals: ``SUM(cost) ... GROUP BY``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from modelctl.runtime._pricing import _NEEDS, SIDE_FIELDS
from modelctl.usage.estimate import FREE_WITHOUT_PRICE, PRICED_BY
from modelctl.usage.files import COUNT_LIMIT

__all__ = ["DIALECTS", "SqlOptions", "parse_columns", "pricing_query", "table_name", "what_if"]

DIALECTS: tuple[str, ...] = ("duckdb", "spark", "bigquery", "postgres")
USAGE_FIELDS: tuple[str, ...] = tuple(f for f, *_ in PRICED_BY)
COLUMN_NAMES: tuple[str, ...] = ("timestamp", "model", "variant", *USAGE_FIELDS)

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

# Whether the timestamp has a time of day (a DATE column has none), the minute of the UTC day and the
# UTC weekday (0 = Monday) of an instant x (the timestamp cast to TIMESTAMP in a UTC session).
_HAS_TIME = {
    "duckdb": "typeof({ts}) <> 'DATE'",
    "spark": "typeof({ts}) <> 'date'",
    "bigquery": "NOT STARTS_WITH(FORMAT('%T', {ts}), 'DATE')",
    "postgres": "pg_typeof({ts}) <> 'date'::regtype",
}
_MINUTE = {
    "duckdb": "hour({x}) * 60 + minute({x})",
    "spark": "hour({x}) * 60 + minute({x})",
    "bigquery": "EXTRACT(HOUR FROM {x}) * 60 + EXTRACT(MINUTE FROM {x})",
    "postgres": "CAST(EXTRACT(HOUR FROM {x}) * 60 + EXTRACT(MINUTE FROM {x}) AS INTEGER)",
}
_WEEKDAY = {
    "duckdb": "isodow({x}) - 1",
    "spark": "weekday({x})",
    "bigquery": "MOD(EXTRACT(DAYOFWEEK FROM {x}) + 5, 7)",
    "postgres": "CAST(EXTRACT(ISODOW FROM {x}) AS INTEGER) - 1",
}


@dataclass(frozen=True, slots=True)
class SqlOptions:
    dialect: str = "duckdb"
    usage: str = "usage"  # the usage table (or a sub-query in parentheses)
    prices: str = "prices"
    names: str = "model_names"
    windows: str = "price_windows"
    # usage column -> the table's column name, or an integer literal for a count the table lacks
    columns: Mapping[str, str] | None = None
    # A boolean usage column saying whether the row's timestamp has a time of day (a date alone gets
    # the base prices, no window); None: from the timestamp column's type (DATE or TIMESTAMP).
    has_time: str | None = None
    # Usage columns that already hold the row's UTC day (DATE), minute of the UTC day (NULL: no time
    # of day) and UTC weekday (0 = Monday), instead of computing them from the timestamp.
    moments: tuple[str, str, str] | None = None
    # A usage table of groups of rows rather than rows (``reprice --engine duckdb``): a column holding
    # the input-side tokens of one of the group's rows (``side``; every row of a group compares alike
    # to every tier bound), and one holding ceil(input-side tokens / max(requests, 1)) of one of them
    # (``per_request_side``, compared with max_input_tokens); the counts are then the group's sums.
    side: str | None = None
    per_request_side: str | None = None


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
        count = _COUNT.fullmatch(column) is not None  # ASCII digits: str.isdigit() takes '²', which int() refuses
        if not (count or _identifier(column)):
            raise ValueError(f"{_shown(column)!r} is not a column name (letters, digits and _) or a count")
        if count and (len(column.lstrip("0")) > 20 or int(column) >= COUNT_LIMIT):
            raise ValueError(f"{name}={_shown(column)}: a count is a whole number from 0 to {COUNT_LIMIT - 1:,}")
        out[name] = column
    return out


_COUNT = re.compile(r"[0-9]+")


def _shown(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:10]}...{text[-10:]} ({len(text):,} characters)"


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

    ts = col("timestamp")
    has_time = f"u.{q}{options.has_time}{q}" if options.has_time else _HAS_TIME[d].format(ts=ts)
    moment = f"CAST({ts} AS TIMESTAMP)"
    zero = _zeros(cols)
    side = "\n      + ".join(f"coalesce({col(f)}, {_default(f)})" for f in SIDE_FIELDS if f not in zero) or "0"
    if options.side:
        side = f"u.{q}{options.side}{q}"
    if options.moments:
        day, minute, weekday = (f"u.{q}{c}{q}" for c in options.moments)
    else:
        day = f"CAST({ts} AS DATE)"
        minute = f"CASE WHEN {has_time} THEN {_MINUTE[d].format(x=moment)} END"
        weekday = _WEEKDAY[d].format(x=moment)
    selects = [
        "    u.*",
        f"    {day} AS usage_day",
        f"    {minute} AS usage_minute",
        f"    {weekday} AS usage_weekday",
        f"    {_variant(cols, col)} AS usage_variant",
        f"    lower({col('model')}) AS usage_name",
    ]
    selects += [f"    coalesce({col(f)}, {_default(f)}) AS t_{f}" for f in USAGE_FIELDS]
    selects.append(f"    ( {side}\n    ) AS usage_side")
    select_rows = ",\n".join(selects)
    return f"""\
-- modelctl pricing query ({d}).  Tables: {options.usage} (one row per request, disjoint token
-- counts), {options.prices} (modelctl export --format price-table), {options.names} (--format model-names),
-- {options.windows} (--format price-windows).
-- {_NOTES[d]}
WITH usage_rows AS (
  SELECT
{select_rows}
  FROM {options.usage} AS u
),
named AS (
  SELECT
    r.*,
    n.model AS priced_model,
    CASE WHEN r.usage_variant <> '' THEN r.usage_variant ELSE coalesce(n.variant, '') END AS named_variant
  FROM usage_rows AS r
  LEFT JOIN {options.names} AS n ON n.name = r.usage_name
),
timed AS (
  SELECT
    m.*,
    CASE WHEN m.named_variant <> '' THEN m.named_variant ELSE coalesce(w.variant, '') END AS price_variant
  FROM named AS m
  LEFT JOIN {options.windows} AS w
    ON w.model = m.priced_model
   AND m.named_variant = ''
{_in_window("w", "m")}
),
joined AS (
  SELECT
    t.*,
    p.provider,
    p.currency,
    p.valid_from AS price_from,
    p.above_input_tokens AS price_tier,
    CASE
      WHEN t.priced_model IS NULL THEN 'unknown model'
      WHEN p.model IS NULL THEN 'no price in force that day for this model and variant'
{_reasons("p", "t", zero, options.per_request_side)}
    END AS unpriced,
    {_amount("p", "t", d, zero)} AS amount
  FROM timed AS t
  LEFT JOIN {options.prices} AS p
    ON p.model = t.priced_model
{_conditions("p", "t", "t.price_variant")}
)
SELECT joined.*, CASE WHEN unpriced IS NULL THEN amount END AS cost
FROM joined
"""


def what_if(
    rows: str,
    targets: Sequence[str],
    *,
    dialect: str = "duckdb",
    prices: str = "prices",
    windows: str = "price_windows",
    columns: Mapping[str, str] | None = None,
    per_request_side: str | None = None,
) -> str:
    """``rows`` (the pricing query's output, as a table or a sub-query) with
    ``wi_amount_<i>`` and ``wi_unpriced_<i>`` for each what-if model: the same
    rows priced on that model, same day and variant (the row's own; else the
    model's time-of-day window at the row's instant).  ``columns``: the pricing
    query's (counts mapped to 0 add no term); ``per_request_side``: its
    (SqlOptions.per_request_side)."""
    zero = _zeros(dict(columns or {}))
    cols, joins = [], []
    for i, ref in enumerate(targets):
        w, v = f"w{i}", f"v{i}"
        lit = "'" + ref.replace("'", "''") + "'"
        cols.append(
            f"  CASE\n      WHEN {w}.model IS NULL THEN 'no price in force that day for this model and variant'\n"
            f"{_reasons(w, 'q', zero, per_request_side)}\n    END AS wi_unpriced_{i},\n"
            f"  {_amount(w, 'q', dialect, zero)} AS wi_amount_{i}"
        )
        variant = f"CASE WHEN q.usage_variant <> '' THEN q.usage_variant ELSE coalesce({v}.variant, '') END"
        joins.append(
            f"LEFT JOIN {windows} AS {v}\n    ON {v}.model = {lit}\n   AND q.usage_variant = ''\n{_in_window(v, 'q')}"
        )
        joins.append(f"LEFT JOIN {prices} AS {w}\n    ON {w}.model = {lit}\n{_conditions(w, 'q', variant)}")
    select = ",\n".join(["  q.*", *cols])
    return f"SELECT\n{select}\nFROM {rows} AS q\n" + "\n".join(joins) + "\n"


def _in_window(w: str, r: str) -> str:
    """The window row whose span holds the usage row's instant (none for a row without a time of day)."""
    return f"""\
   AND {r}.usage_day >= {w}.valid_from
   AND ({w}.valid_to IS NULL OR {r}.usage_day < {w}.valid_to)
   AND {w}.weekday = {r}.usage_weekday
   AND {r}.usage_minute >= {w}.start_minute
   AND {r}.usage_minute < {w}.end_minute"""


def _conditions(p: str, r: str, variant: str) -> str:
    return f"""\
   AND coalesce({p}.variant, '') = {variant}
   AND {r}.usage_day >= {p}.valid_from
   AND ({p}.valid_to IS NULL OR {r}.usage_day < {p}.valid_to)
   AND {r}.usage_side > coalesce({p}.above_input_tokens, -1)
   AND ({p}.up_to_input_tokens IS NULL OR {r}.usage_side <= {p}.up_to_input_tokens)"""


def _zeros(cols: Mapping[str, str]) -> frozenset[str]:
    """The counts mapped to the literal 0 (a count the table lacks): they add no term to the query."""
    return frozenset(f for f, given in cols.items() if f in USAGE_FIELDS and given.isdigit() and int(given) == 0)


def _reasons(p: str, r: str, zero: frozenset[str] = frozenset(), per_request_side: str | None = None) -> str:
    """Why a row with a price row cannot be priced, in the order cost() checks: a modality the model
    does not take, more input than it takes per request, a count without a price.  ``per_request_side``:
    a column holding ceil(input-side tokens / max(requests, 1)), compared with the limit instead
    (the same test: side > limit x r exactly when ceil(side / r) > limit, for a whole limit)."""
    out = []
    for field, (side, modality) in _NEEDS.items():
        if field in zero:
            continue
        column = f"coalesce({p}.{side}_modalities, '')"
        verb = "accept" if side == "input" else "produce"
        out.append(
            f"      WHEN {r}.t_{field} > 0 AND NOT (' ' || {column} || ' ' LIKE '% {modality} %')\n"
            f"        THEN 'the model does not {verb} {modality} {side} ({field})'"
        )
    over = (
        f"{r}.{per_request_side} > {p}.max_input_tokens"
        if per_request_side
        else f"{r}.usage_side > {p}.max_input_tokens * greatest({r}.t_requests, 1)"
    )
    out.append(
        f"      WHEN {p}.max_input_tokens IS NOT NULL\n"
        f"        AND {over}\n"
        "        THEN 'more input-side tokens than the model takes per request (max_input_tokens)'"
    )
    out += [
        f"      WHEN {r}.t_{f} > 0 AND {p}.{keys[0]} IS NULL THEN 'no price for {f}'"
        for f, _c, keys, _per in PRICED_BY
        if f not in FREE_WITHOUT_PRICE and f not in zero
    ]
    return "\n".join(out)


def _amount(p: str, r: str, dialect: str, zero: frozenset[str] = frozenset()) -> str:
    """The row's cost: each count times its own column, grouped by the units the price is for
    (per 1M tokens, per 1,000 calls, per unit); a per-minute price through its per-second column."""
    by_unit: dict[int, list[str]] = {}
    for f, _c, keys, unit in PRICED_BY:
        if f in zero:
            continue
        column, unit = (per_second_column(keys[0]), 1) if unit == 60 else (keys[0], unit)
        by_unit.setdefault(unit, []).append(f"{r}.t_{f} * coalesce({p}.{column}, 0)")
    parts = []
    for unit in sorted(by_unit, reverse=True):
        terms = "\n      + ".join(by_unit[unit])
        parts.append(f"( {terms}\n    ) * {_scale(unit, dialect)}" if unit != 1 else "\n    + ".join(by_unit[unit]))
    return "\n    + ".join(parts) or "0"


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
