"""``modelctl reprice --engine duckdb``: the pricing query (interop/exporters/sql.py)
run by DuckDB over a CSV, JSON Lines or Parquet usage file, with the
catalog's price and names tables, giving the same RepriceResult as Python
reprice (usage/reprice.py): groups, what-if totals, unpriced rows with their
line numbers.

DuckDB reads every column as text and the query checks each value as
Python reprice does (a timestamp, a whole non-negative count below 2^64), so a
bad value makes its row unpriced, never a different total.  A row's timestamp
with a time of day is priced in the time-of-day window in force at that UTC
instant; a date alone (``2025-06-01``) gets the base prices, as
``Catalog.cost(at=date)``; ``at`` prices every row on that day, in the window
the row's own time of day and weekday fall in (as Python reprice does).

One pass prices and totals the rows in the query itself (DuckDB aggregates in
parallel; nothing is held per row).  Only when some row could not be priced
does a second DuckDB pass number the rows (in file order) to find which, and a
third, in Python, reads the file up to the last of them for their line numbers
and text.  A CSV row with another number of fields than the header is unpriced
here, in Python reprice's words (the reader takes one field more than the header
and pads short rows, so the query sees it).  A CSV file in which DuckDB's reader
rejects a line (a stray quote) or cannot read one (a carriage return inside a row),
and a file whose counts (near 2^64) overflow DuckDB's 38 digits, are priced by
Python reprice instead (``on_fallback`` is told why): Python's csv module reads those
lines otherwise, and its line numbers are the reference.  A JSON Lines file is read with every
known key as a JSON value (the text of a string, a number's digits) and DuckDB's errors
ignored: a line that is not JSON, or not an object, is a row of nulls, so it is unpriced
with its line number, as in Python reprice, and no value is ever cast away to null.
"""

from __future__ import annotations

import csv
import dataclasses
import gzip
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

from modelctl import runtime
from modelctl.interop import duckdb_cells, duckdb_groups
from modelctl.interop.exporters import price_table, sql
from modelctl.interop.exporters.common import Artifact
from modelctl.interop.exporters.sql import per_second_column
from modelctl.usage.estimate import PRICED_BY
from modelctl.usage.files import (
    NO_COUNT,
    OPTIONAL_COLUMNS,
    USAGE_FIELDS,
    UsageFileError,
    check_columns,
    check_header,
    check_utf8,
    json_keys,
    json_row,
    kind_of,
    unstated,
)
from modelctl.usage.readout import READ_AHEAD
from modelctl.usage.reprice import Group, RepriceResult, RowError, WhatIfTotal, check_arguments, reprice

__all__ = ["DUCKDB_DIMENSIONS", "reprice_duckdb"]

DUCKDB_DIMENSIONS: tuple[str, ...] = ("model", "provider", "day", "month", "account", "plan", "variant")

_WIDTH = "expected {} fields as in the header, found "  # usage/csv_rows.py's words (the count: _row_errors)
_NO_NULL = "\x00modelctl: no null\x00"  # DuckDB's CSV null string: no UTF-8 text cell is this


def reprice_duckdb(
    path: Path | str,
    catalog: runtime.Catalog,
    *,
    group_by: Sequence[str] = ("model",),
    what_if: Sequence[str] = (),
    at: date | None = None,
    keep_errors: int = 10,
    on_error: Callable[[RowError], None] | None = None,
    on_fallback: Callable[[str], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RepriceResult:
    """``usage.reprice.reprice`` on DuckDB (needs the duckdb package: ImportError without it).

    A file DuckDB does not read as Python reprice does is priced by Python reprice instead:
    ``on_fallback`` is told why first (a sentence), and ``progress`` is that pass's (as reprice's)."""
    import duckdb

    targets = check_arguments(catalog, group_by, what_if, DUCKDB_DIMENSIONS, "the duckdb engine")
    name = str(path)
    if name == "-" or not os.path.isfile(name):
        raise UsageFileError(f"cannot read usage file {name!r}: the duckdb engine needs a file (not stdin)")
    parquet = name.lower().endswith(".parquet")
    if not parquet:
        check_utf8(name)  # DuckDB's readers take some bytes that are not UTF-8, which Python reprice refuses
    kind = "parquet" if parquet else kind_of(name.removesuffix(".gz"), _first_line(name))
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET enable_progress_bar = false")  # it would write to stdout
        inexact = _load_tables(con, catalog)
        found = duckdb_groups.bounds(con, targets)
        run = _Run(_UsageFile(name, kind, *_raw_view(con, name, kind)), list(group_by), targets, at, keep_errors,
                   on_error, found, inexact)  # fmt: skip
        why = ""
        for attempt in (run, _serial(run)):
            try:
                return _collect(con, attempt)
            except _ReadByPython as exc:
                why = str(exc)
                break
            except duckdb.InvalidInputException:
                if kind != "csv":  # DuckDB cannot read the CSV file as Python's csv module does (its sniffer
                    raise  # refused a stray quote, a carriage return inside a row): Python reprice reads it
                why = "DuckDB's CSV reader cannot read it as Python's csv module does (a stray quote, a line break)"
                break
            except (duckdb.OutOfRangeException, duckdb.ConversionException) as exc:
                if "out of range" not in str(exc).lower():
                    raise  # (an overflow: 'Overflow in multiplication', 'DECIMAL(38,24) failed: value is out of range')
                if parquet:
                    raise UsageFileError(
                        f"{name}: its counts times the prices exceed DuckDB's DECIMAL(38, 18) (counts near 2^64)"
                    ) from None
                why = "its counts times the prices pass DuckDB's 38 digits (counts near 2^64)"
                break
            except duckdb.Error as exc:  # a cell with a line break: DuckDB pads short rows only when serial
                if attempt is not run or kind != "csv" or "parallel=false" not in str(exc):
                    raise
    except duckdb.Error as exc:
        raise UsageFileError(f"{name}: {str(exc).splitlines()[0]}") from None
    finally:
        con.close()
    # A file DuckDB does not read as Python reprice does (lines its CSV reader rejects or cannot read;
    # counts so large, near 2^64, that a product passes DuckDB's 38 digits): Python reprice prices it,
    # the same answer at its speed, instead of another answer or a refusal.  Said, as it is slower.
    if on_fallback is not None:
        on_fallback(why)
    return reprice(
        path, catalog, group_by=group_by, what_if=what_if, at=at, keep_errors=keep_errors, on_error=on_error,
        progress=progress,
    )  # fmt: skip


def _serial(run: _Run) -> _Run:
    """``run`` with its CSV file read by one thread: DuckDB pads a short row (how a row of the wrong width
    is told, _raw_view) in a file with a line break inside a quoted cell only so."""
    file = run.file

    def serial(sql: str) -> str:
        return sql.replace("strict_mode = true)", "strict_mode = true, parallel = false)")

    return dataclasses.replace(
        run, file=dataclasses.replace(file, reader=serial(file.reader), widths=serial(file.widths))
    )


class _ReadByPython(Exception):
    """DuckDB's CSV reader rejected a line: Python reprice reads the file instead."""


@dataclass(frozen=True, slots=True)
class _UsageFile:
    name: str
    kind: str  # csv, jsonl or parquet
    reader: str  # the DuckDB table function that reads it, every column as text
    columns: list[str]
    token_fields: tuple[str, ...]
    ignored: list[str]
    delimiter: str
    text_stamps: str  # SQL: the row's timestamp is text (CSV; a JSON string): 20260501 is then a date, as in Python
    widths: str  # SQL: why a CSV row has another number of fields than the header (NULL: it has not)


@dataclass(frozen=True, slots=True)
class _Run:
    file: _UsageFile
    group_by: list[str]
    targets: tuple[str, ...]
    at: date | None
    keep_errors: int
    on_error: Callable[[RowError], None] | None
    bounds: duckdb_groups.Bounds
    inexact: dict[str, frozenset[str]]  # _inexact: count -> models whose per-second price is rounded


def _first_line(name: str) -> str:
    opener: Any = gzip.open if name.endswith(".gz") else open
    try:
        with opener(name, "rt", encoding="utf-8-sig", newline="") as fh:
            return str(fh.readline())
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageFileError(f"cannot read usage file {name!r}: {exc}") from None


def artifact_of(catalog: runtime.Catalog) -> Artifact:
    """The runtime's catalog as the exporters read an artifact."""
    return Artifact("", catalog.name, "", {info.ref: dict(info.data) for info in catalog.models()})


def _held_exactly(table: list[dict[str, Any]]) -> None:
    """UsageFileError unless every price fits the table's DECIMAL(38,18) exactly (price_table.not_held):
    DuckDB would round one of more than 18 decimal places (a total off from Python reprice's, silently)
    and refuse one of 10^20 or more."""
    found = price_table.not_held(table)
    if found is not None:
        model, key, text = found
        raise UsageFileError(
            f"the duckdb engine keeps prices as DECIMAL(38,18), which cannot hold {model} {key} = "
            f"{text} exactly (more than 18 decimal places, or 10^20 or more): use --engine python"
        )


def _inexact(table: list[dict[str, Any]]) -> dict[str, frozenset[str]]:
    """Per count priced per minute (input_audio_seconds): the models whose per-second column is that
    price / 60 rounded to 18 places (0.004 / 60), not the runtime's 50 digits; a file that bills such
    seconds is priced by Python reprice (the totals differed from the 17th place)."""
    out: dict[str, set[str]] = {}
    with localcontext() as ctx:
        ctx.prec = 60
        for row in table:
            for field, _c, keys, unit in PRICED_BY:
                value, rounded = row.get(keys[0]), row.get(per_second_column(keys[0]))
                if unit == 60 and value not in (None, "") and Decimal(str(value)) / 60 != Decimal(str(rounded)):
                    out.setdefault(field, set()).add(str(row["model"]))
    return {field: frozenset(models) for field, models in out.items()}


def _load_tables(con: Any, catalog: runtime.Catalog) -> dict[str, frozenset[str]]:
    """The price, names and windows tables; returns ``_inexact`` of the prices."""
    artifact = artifact_of(catalog)
    rows = price_table.rows(artifact)
    _held_exactly(rows)
    inexact = _inexact(rows)
    with tempfile.TemporaryDirectory(prefix="modelctl-duckdb-") as tmp:
        prices, names, windows = Path(tmp) / "prices.csv", Path(tmp) / "names.csv", Path(tmp) / "windows.csv"
        prices.write_text(price_table.to_csv(rows), encoding="utf-8")
        names.write_text(price_table.names_csv(price_table.names(artifact)), encoding="utf-8")
        windows.write_text(price_table.windows_csv(price_table.windows(artifact)), encoding="utf-8")
        for table, file, cols in (
            ("prices", prices, price_table.COLUMNS),
            ("model_names", names, price_table.NAME_COLUMNS),
            ("price_windows", windows, price_table.WINDOW_COLUMNS),
        ):
            types = ", ".join(f"'{n}': '{t}'" for n, t, _ in cols)
            con.execute(
                f"CREATE TABLE {table} AS SELECT * FROM read_csv(?, header = true, types = {{{types}}})", [str(file)]
            )
    return inexact


def _raw_view(con: Any, name: str, kind: str) -> tuple[str, list[str], tuple[str, ...], list[str], str, str, str]:
    """(the reader, the file's columns, its token fields, its ignored columns, the CSV delimiter, whether
    a row's timestamp is text: SQL, whether a CSV row has another number of fields than the header: SQL)."""
    if kind == "csv":
        header = check_header(_first_line(name), name)
        names = list(header.names)
        # A column without a name (Python ignores it) gets one: DuckDB refuses an empty name.  One more
        # column, and no cell read as null (a NUL-wrapped null string), tell a row of the wrong width:
        # DuckDB's reader takes a field too many when it is empty (a trailing delimiter), which Python
        # reprice refuses; a row with the last cell null was padded, one field short.
        named = [n.strip() or f"__unnamed_{i}" for i, n in enumerate(names)]
        extra = "__modelctl_extra" + "_" * sum(n.startswith("__modelctl_extra") for n in named)
        columns = "all_varchar = true, names = [" + ", ".join(_lit(n) for n in [*named, extra]) + "]"
        reader = (
            f"read_csv({_lit(name)}, header = true, {columns}, delim = {_lit(header.delimiter)}, "
            "quote = '\"', escape = '\"', store_rejects = true, rejects_scan = 'rejects_scan', "
            f"rejects_table = 'rejects_table', null_padding = true, nullstr = {_lit(_NO_NULL)}, strict_mode = true)"
        )
        # A row of the wrong width is unpriced in Python's words: its fields are counted here (the header's
        # and one more at most: a row with more is rejected, and Python reprice reads the file).
        present = " + ".join(f"CAST({_ident(n)} IS NOT NULL AS INTEGER)" for n in named)
        widths = (
            f"CASE WHEN {_ident(extra)} IS NOT NULL OR {_ident(named[-1])} IS NULL THEN "
            f"'{_WIDTH.format(len(named))}' || "
            f"CASE WHEN {_ident(extra)} IS NOT NULL THEN {len(named) + 1} ELSE {present} END END"
        )
        fields = tuple(names[i] for i in header.tokens)
        return reader, names, fields, list(header.ignored), header.delimiter, "true", widths
    if kind != "parquet":
        return _json_view(name)
    # A Parquet file's columns are its header: matched in any case, as a CSV header's (Snowflake writes
    # INPUT_TOKENS), and checked by the same rules (a timestamp, a model, a count; no name twice, which
    # DuckDB would otherwise read as Model_1, leaving one of the two columns unread).
    header = check_columns(_parquet_columns(con, name), name, what="the Parquet schema")
    source = f"read_parquet({_lit(name)})"
    described = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()  # the same names: none alike
    pairs = list(zip(described, header.names, strict=True))
    casts = ", ".join(f"CAST({_ident(row[0])} AS VARCHAR) AS {_ident(n)}" for row, n in pairs)
    text = any(n == "timestamp" and row[1] == "VARCHAR" for row, n in pairs)
    fields = tuple(header.names[i] for i in header.tokens)
    return (
        f"(SELECT {casts} FROM {source})",
        list(header.names),
        fields,
        list(header.ignored),
        ",",
        str(text).lower(),
        "CAST(NULL AS VARCHAR)",
    )


def _parquet_columns(con: Any, name: str) -> list[str]:
    """The top-level column names of a Parquet file as written (DESCRIBE renames a second ``Model``
    to ``Model_1``): the schema's elements are its tree in depth-first order, each with its number of
    children."""
    elements = con.execute("SELECT name, num_children FROM parquet_schema(?)", [name]).fetchall()
    names: list[str] = []
    left = [elements[0][1] or 0] if elements else []  # the root's children, then each open group's
    for column, children in elements[1:]:
        if len(left) == 1:
            names.append(column)
        left[-1] -= 1
        if children:
            left.append(children)
        while len(left) > 1 and left[-1] == 0:
            left.pop()
    return names


_KNOWN = ("timestamp", "model", "variant", "account", "plan", *USAGE_FIELDS)
_SAMPLE = READ_AHEAD  # lines whose keys name the columns: as many as Python reprice reads ahead for a readout


def _json_view(name: str) -> tuple[str, list[str], tuple[str, ...], list[str], str, str, str]:
    """A JSON Lines file read with explicit columns, each a JSON value: DuckDB neither guesses types
    (a later "abc" where the sample had numbers would be cast to null with ignore_errors, or fail the
    whole file without) nor refuses a line that is not an object; such a line is a row of nulls."""
    keys = _sampled_keys(name)
    chosen: dict[str, str] = {"timestamp": "timestamp", "model": "model"}  # always there: null when absent
    for key in keys:  # matched as written, as Python reprice reads a JSON key (`Input_Tokens` is not one)
        if key in _KNOWN:
            chosen[key] = key
    spec = ", ".join(f"{_lit(key)}: 'JSON'" for key in chosen.values())
    source = (
        f"read_json({_lit(name)}, format = 'newline_delimited', records = true, ignore_errors = true, "
        f"columns = {{{spec}}})"
    )
    casts = ", ".join(f"({_ident(key)} ->> '$') AS {_ident(low)}" for low, key in chosen.items())
    casts += ", coalesce(json_type(\"timestamp\") = 'VARCHAR', false) AS __ts_text"
    # a count written as a JSON string ("1000") is text: refused, as Python reprice refuses it
    casts += "".join(
        f", coalesce(json_type({_ident(key)}) = 'VARCHAR', false) AS {_ident('__str_' + low)}"
        for low, key in chosen.items()
        if low in USAGE_FIELDS
    )
    ignored = [k for k in keys if k not in _KNOWN and k not in OPTIONAL_COLUMNS]  # as Python reprice names them
    no_width = "CAST(NULL AS VARCHAR)"
    return f"(SELECT {casts} FROM {source})", list(chosen), tuple(USAGE_FIELDS), ignored, ",", "__ts_text", no_width


def _sampled_keys(name: str) -> list[str]:
    """The keys of the objects among the file's first lines, in the order they first appear."""
    keys: dict[str, None] = {}
    opener: Any = gzip.open if name.endswith(".gz") else open
    try:
        with opener(name, "rt", encoding="utf-8-sig", newline="") as fh:
            for n, text in enumerate(fh):
                if n >= _SAMPLE:
                    break
                keys.update(dict.fromkeys(json_keys(text)))  # each line parsed once
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise UsageFileError(f"cannot read usage file {name!r}: {exc}") from None
    return list(keys)


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _query(run: _Run, numbered: int = 0) -> str:
    """The pricing query (and what-if) over the file's rows folded into groups (duckdb_groups: ``__rows``
    rows each); ``numbered``: row by row over its first ``numbered`` rows only (-1: all), with ``__row``
    (1, 2, ... in file order), to find the failing rows."""
    file, at = run.file, run.at
    have = set(file.columns)
    raw = file.reader
    if numbered:
        head = f"(SELECT * FROM {file.reader} LIMIT {numbered})" if numbered > 0 else file.reader
        raw = f"(SELECT *, row_number() OVER () AS __row FROM {head})"
    ts = '"timestamp"'
    # The instant, as Python reprice reads it (interop/duckdb_cells.py): microseconds since 1970.
    moment = duckdb_cells.moment_sql(ts, file.text_stamps)
    date_only = duckdb_cells.date_only_sql(ts, file.text_stamps)
    typed, checks, columns = [], [], {"variant": "__variant"}
    for field in USAGE_FIELDS:
        if field not in have:
            # Python reprice: a file without a requests column bills one request per row
            columns[field] = str(unstated(field))
            continue
        text = f"raw.{field}"
        default = str(unstated(field))  # a blank cell, a null: 0, or one request (usage.files.unstated)
        # Python's int(): digits, a sign, spaces around (DuckDB's cast also takes 1.5, 1e3, 0x10: not those);
        # a text that is the cast's own digits needs no pattern (the usual case: cheaper)
        value = (
            f"CASE WHEN {text} = CAST(__v_{field} AS VARCHAR) THEN __v_{field} "
            f"WHEN {text} IS NULL OR {text} = '' THEN {default} "
            f"ELSE {duckdb_cells.count_sql(text, unstated(field), json=file.kind == 'jsonl')} END"
        )
        typed.append(f"{value} AS {field}")
        if file.kind == "jsonl":  # usage.files.json_count_problem's words
            checks.append(
                f"WHEN __str_{field} THEN '{field} ''' || __text_{field} || "
                "''' is text, not a number: write a JSON count without quotes'"
            )
        checks.append(
            f"WHEN {field} IS NULL THEN '{field} ' || __text_{field} || "
            "' is not a whole number of tokens from 0 to 2^64 - 1'"
        )
    # The UTC day (--at: that day), and the row's own minute of the day (a date alone: none, so no window)
    # and weekday (0 = Monday), as Python reprice does, by arithmetic on the epoch (DuckDB's time zone
    # functions are slow per row): __tod, the microseconds since midnight, and __dn, the days since 1970,
    # with integers only (DuckDB's // truncates: __us - __tod is a whole number of days).
    day_us = 86_400_000_000
    row_day = "DATE '1970-01-01' + CAST(__dn AS INTEGER)"
    moments = (
        f"{f'DATE {_lit(at.isoformat())}' if at else row_day} AS __day, "
        "CASE WHEN NOT __date_only THEN CAST(__tod // 60000000 AS INTEGER) END AS __minute, "
        "CAST(((__dn + 3) % 7 + 7) % 7 AS INTEGER) AS __weekday, "
        f"{row_day} AS __row_day"
    )
    present = [f'"{f}"' for f in USAGE_FIELDS if f in have]
    exclude = f" EXCLUDE ({', '.join(present)})" if present else ""
    texts = "".join(f", raw.{f} AS __text_{f}" for f in USAGE_FIELDS if f in have)
    variant = "coalesce(raw.variant, '')" if "variant" in have else "''"
    casts = "".join(f", TRY_CAST({f} AS UBIGINT) AS __v_{f}" for f in USAGE_FIELDS if f in have)
    days = f"(__us - __tod) // {day_us} AS __dn"
    typed_rows = (
        f"SELECT raw.*{exclude}{texts}, {', '.join(typed) + ', ' if typed else ''}{moments}, {variant} AS __variant "
        f"FROM (SELECT *, {days} FROM (SELECT *, (__us % {day_us} + {day_us}) % {day_us} AS __tod{casts} "
        f"FROM (SELECT *, {duckdb_cells.in_range_sql('__us0')} AS __us FROM (SELECT *, {moment} AS __us0, "
        f"{date_only} AS __date_only, {file.widths} AS __width FROM {raw})))) AS raw"
    )
    bad = [
        "WHEN __width IS NOT NULL THEN __width",  # Python reprice's first check of a CSV row
        f"WHEN {ts} IS NULL THEN 'no timestamp'",
        f"WHEN __us IS NULL THEN 'timestamp ' || {ts} || ' is not an ISO date or date-time (or epoch seconds)'",
        "WHEN model IS NULL OR model = '' THEN 'no model name'",
        *checks,
    ]
    if file.kind != "csv":  # a JSON row (or Parquet row) that names no count is not a request that cost 0
        given = " OR ".join(f"__text_{f} IS NOT NULL" for f in USAGE_FIELDS if f in have) or "false"
        bad.append(f"WHEN NOT ({given}) THEN {_lit(NO_COUNT)}")
    usage = f"(SELECT *, CASE {' '.join(bad)} END AS __bad FROM ({typed_rows}))"
    extra_cols = [c for c in ("account", "plan") if c not in have]
    if extra_cols:
        usage = f"(SELECT *, {', '.join(f'NULL AS {c}' for c in extra_cols)} FROM {usage})"
    stamps = ("__day", "__minute", "__weekday")
    per_request = None
    if numbered:
        options = sql.SqlOptions("duckdb", usage=usage, columns=columns, moments=stamps)
    else:
        keys: list[str] = [c for c in ("account", "plan") if c in run.group_by]
        keys += ["__row_day"] if {"day", "month"} & set(run.group_by) else []
        fields = [f for f in USAGE_FIELDS if f in have]
        usage = duckdb_groups.grouped_usage(
            usage, fields, run.bounds, requests="requests" in have, keys=keys, at=at is not None
        )  # fmt: skip
        columns["requests"], per_request = "__requests", "__per_request"
        options = sql.SqlOptions(
            "duckdb", usage=usage, columns=columns, moments=stamps, side="__side", per_request_side=per_request
        )
    base = sql.pricing_query(options)
    if not run.targets:
        return base
    return sql.what_if(f"({base})", run.targets, columns=columns, per_request_side=per_request)


_KEYS = {
    "model": "priced_model",
    "provider": "provider",
    "day": "strftime(__row_day, '%Y-%m-%d')",
    "month": "strftime(__row_day, '%Y-%m')",
    "account": "coalesce(account, '')",
    "plan": "coalesce(plan, '')",
    "variant": "CASE WHEN price_variant = '' THEN 'base' ELSE price_variant END",
}


def _collect(con: Any, run: _Run) -> RepriceResult:
    """Totals in one aggregating pass; the failing rows' line numbers only when some row failed."""
    file, targets = run.file, run.targets
    failed = "(__bad IS NOT NULL OR unpriced IS NOT NULL)"
    dims = [f"CASE WHEN NOT __failed THEN {_KEYS[d]} END" for d in run.group_by]
    sums = [f"sum(t_{f})" for f in file.token_fields]  # t_: 0 (requests: 1 a row) for a field the file lacks
    wsums = []
    for i in range(len(targets)):
        wsums += [
            f"sum(wi_amount_{i}) FILTER (WHERE wi_unpriced_{i} IS NULL)",
            f"coalesce(sum(__rows) FILTER (WHERE wi_unpriced_{i} IS NOT NULL), 0)",
        ]
    currency = "CASE WHEN NOT __failed THEN currency END"
    select = ", ".join(
        [
            "__failed",
            *dims,
            currency,
            "sum(__rows)",
            *sums,
            "sum(cost)",
            *wsums,
            _rounded(run),
        ]
    )
    con.execute("SET preserve_insertion_order = false")  # totals: no order to keep (cheaper in parallel)
    found = con.execute(
        f"SELECT {select} FROM (SELECT *, {failed} AS __failed FROM ({_query(run)})) GROUP BY ALL"
    ).fetchall()
    if file.kind == "csv" and _rejected(con):
        raise _ReadByPython(
            "DuckDB's CSV reader reads a line of it otherwise than Python's csv module (two fields or more "
            "beyond the header's, a stray quote, a cell across lines)"
        )
    if any(row[-1] for row in found):
        raise _ReadByPython("a count of it is billed at a per-second price that DuckDB's 18 decimal places cannot hold")
    rows = [row[1:] for row in found if not row[0]]
    unpriced = sum(int(row[len(dims) + 2]) for row in found if row[0])
    k = len(dims) + len(file.token_fields) + 4  # __failed, dims, currency, count, sums, cost: then the what-ifs
    wfailed = [sum(int(row[k + 2 * i + 1]) for row in found if not row[0]) for i in range(len(targets))]
    read = sum(int(row[len(dims) + 2]) for row in found)
    failures: list[tuple[int, str]] = []
    wfail: list[tuple[int, int, str]] = []
    if unpriced or any(wfailed):
        failures, wfail = _failing_rows(con, run, read)
    errors = _row_errors(file, failures, wfail, targets, run.keep_errors, run.on_error)
    return _result(run, rows, read, unpriced, errors, wfailed)


def _rounded(run: _Run) -> str:
    """SQL (an aggregate): whether some row bills a count at a per-second price rounded to 18 places."""
    terms = []
    for field, models in sorted(run.inexact.items()):
        if field not in run.file.columns:
            continue
        listed = ", ".join(_lit(m) for m in sorted(models))
        used = "true" if models & set(run.targets) else f"priced_model IN ({listed})"
        terms.append(f"(t_{field} > 0 AND {used})")
    return f"coalesce(bool_or({' OR '.join(terms)}), false)" if terms else "false"


def _failing_rows(con: Any, run: _Run, rows: int) -> tuple[list[tuple[int, str]], list[tuple[int, int, str]]]:
    """(row ordinal, why) for rows not priced, and (row, what-if index, why) for rows a what-if model could not
    price.  With no on_error only the first keep_errors rows are wanted (each gives at least one error): they
    are looked for in the file's first 65,536 rows, then in 4 times as many, ... (DuckDB stops reading there)."""
    wcols = [f"wi_unpriced_{i}" for i in range(len(run.targets))]
    where = " OR ".join(["__bad IS NOT NULL", "unpriced IS NOT NULL", *(f"{c} IS NOT NULL" for c in wcols)])
    head = 1 << 16
    con.execute("SET preserve_insertion_order = true")  # LIMIT and row_number() follow the file's order
    while True:
        numbered = -1 if run.on_error is not None or head >= rows else head
        found = con.execute(
            f"SELECT __row, coalesce(__bad, unpriced){''.join(', ' + c for c in wcols)} "
            f"FROM ({_query(run, numbered)}) WHERE {where}"
        ).fetchall()
        if numbered < 0 or len(found) >= run.keep_errors:
            break
        head *= 4
    failures, wfail = [], []
    for row, why, *wwhy in sorted(found, key=lambda r: int(r[0])):
        if why is not None:
            failures.append((int(row), str(why)))
            continue
        wfail += [(int(row), i, f"{run.targets[i]}: {w}") for i, w in enumerate(wwhy) if w is not None]
    if run.on_error is None:
        cut = set(sorted({int(r[0]) for r in found})[: run.keep_errors])
        failures = [f for f in failures if f[0] in cut]
        wfail = [w for w in wfail if w[0] in cut]
    return failures, wfail


def _rejected(con: Any) -> bool:
    """Whether DuckDB's CSV reader rejected a line (a wrong number of fields, a quote where it takes
    none): Python's csv module reads such lines otherwise (a quote inside a cell is text, a row that
    spans lines has its last line's number), so Python reprice reads the file."""
    try:
        return bool(con.execute("SELECT count(*) FROM rejects_table").fetchone()[0])
    except Exception:  # noqa: BLE001 - no rejects table: nothing was rejected
        return False


def _row_errors(
    file: _UsageFile,
    failures: list[tuple[int, str]],
    wfail: list[tuple[int, int, str]],
    targets: Sequence[str],
    keep_errors: int,
    on_error: Callable[[RowError], None] | None,
) -> list[RowError]:
    wanted = {row for row, _ in failures} | {row for row, _, _ in wfail}
    if on_error is None:  # only the first keep_errors are shown: look up no more lines than that
        firsts = sorted(wanted)[:keep_errors]
        wanted = set(firsts)
    lines = _lines_of(file.name, file.kind, file.delimiter, wanted)
    errs: list[RowError] = []
    for row, why in failures:
        line, raw, fields = lines.get(row, (0, "", 0))
        if fields and why.startswith(_WIDTH.format(len(file.columns))):
            # DuckDB counts the header's fields and one more at most: the row itself says how many
            why = f"{why.rsplit(' ', 1)[0]} {fields}"
        if file.kind == "jsonl" and raw:  # a row of nulls: the line is not a JSON object, say why
            problem = json_row(raw)
            why = problem if isinstance(problem, str) else why
        errs.append(RowError(line, why, raw))
    for row, w, why in wfail:
        line, raw, _ = lines.get(row, (0, "", 0))
        errs.append(RowError(line, why.split(": ", 1)[1], raw, targets[w]))
    errs.sort(key=lambda e: (e.line == 0, e.line, e.what_if or ""))
    if on_error is not None:
        for err in errs:
            on_error(err)
    return errs[:keep_errors]


def _lines_of(name: str, kind: str, delim: str, rows: set[int]) -> dict[int, tuple[int, str, int]]:
    """Row ordinal (1-based, the rows DuckDB read) -> (line, text, fields: a CSV row's), reading only as
    far as needed."""
    if not rows or kind == "parquet":
        return {r: (r, "", 0) for r in rows} if kind == "parquet" else {}
    last, out, n = max(rows), {}, 0
    opener: Any = gzip.open if name.endswith(".gz") else open
    with opener(name, "rt", encoding="utf-8-sig", newline="") as fh:
        if kind == "csv":
            fh.readline()  # the header
            reader = csv.reader(fh, delimiter=delim)
            for row in reader:
                if not row:
                    continue  # a blank line is not a row (for DuckDB either); a row of another width is one
                n += 1
                if n in rows:
                    out[n] = (reader.line_num + 1, delim.join(row), len(row))
                if n >= last:
                    break
        else:
            for line_no, text in enumerate(fh, 1):
                if not text.strip():
                    continue
                n += 1
                if n in rows:
                    out[n] = (line_no, text.rstrip("\r\n"), 0)
                if n >= last:
                    break
    return out


def _result(
    run: _Run,
    rows: list[tuple[Any, ...]],
    read: int,
    failed: int,
    errors: list[RowError],
    what_if_failed: list[int],
) -> RepriceResult:
    group_by, token_fields, targets = run.group_by, run.file.token_fields, run.targets
    k, width = len(group_by), len(token_fields)
    groups: list[Group] = []
    totals: dict[str, Decimal] = {}
    wtotal = [Decimal(0)] * len(targets)
    wcurrency = [""] * len(targets)
    with localcontext() as ctx:
        ctx.prec = 200
        for row in sorted(rows, key=lambda r: (tuple(str(x) for x in r[:k]), r[k])):
            key, currency, count = tuple(str(x) for x in row[:k]), row[k], int(row[k + 1])
            tokens = {f: int(row[k + 2 + i] or 0) for i, f in enumerate(token_fields)}
            cost = Decimal(row[k + 2 + width] or 0)
            rest = row[k + 3 + width :]
            amounts = tuple(Decimal(rest[2 * i] or 0) for i in range(len(targets)))
            unpriced = tuple(int(rest[2 * i + 1]) for i in range(len(targets)))
            for i, amount in enumerate(amounts):
                wtotal[i] += amount
                if unpriced[i] < count:
                    wcurrency[i] = currency
            totals[currency] = totals.get(currency, Decimal(0)) + cost
            groups.append(Group(key, currency, count, tokens, cost, amounts, unpriced))
    return RepriceResult(
        path=run.file.name,
        format=run.file.kind,
        group_by=tuple(group_by),
        token_fields=token_fields,
        groups=tuple(groups),
        totals=totals,
        rows_read=read,
        rows_priced=sum(g.rows for g in groups),
        errors=tuple(errors),
        error_count=failed,
        what_if=tuple(WhatIfTotal(ref, wcurrency[i], wtotal[i], what_if_failed[i]) for i, ref in enumerate(targets)),
        ignored_columns=tuple(run.file.ignored),
        at=run.at,
    )
