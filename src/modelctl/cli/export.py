"""``modelctl export``."""

from __future__ import annotations

import os
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from modelctl import clock
from modelctl.authoring.files import in_the_way, write_atomic
from modelctl.catalog.loader import resolve_root
from modelctl.cli import output
from modelctl.cli.own_input import refuse_inside_catalog, same_file
from modelctl.interop.exporters import ExportError, dumps, load_artifact, price_table
from modelctl.interop.exporters import litellm as litellm_export
from modelctl.interop.exporters import openrouter as openrouter_export
from modelctl.interop.exporters import sql as sql_export

ARTIFACT_ENV = "MODELCTL_ARTIFACT"
DEFAULT_ARTIFACT = Path("dist") / "catalog.json"
MAX_NOTES = 10


class ExportFormat(StrEnum):
    litellm = "litellm"
    openrouter = "openrouter"
    price_table = "price-table"
    price_table_jsonl = "price-table-jsonl"
    price_table_parquet = "price-table-parquet"
    model_names = "model-names"
    price_windows = "price-windows"
    sql = "sql"


class Dialect(StrEnum):
    duckdb = "duckdb"
    spark = "spark"
    bigquery = "bigquery"
    postgres = "postgres"


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return clock.today() if value == "today" else date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD", param_hint="--at") from None


def export(
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            help="litellm: LiteLLM's model cost map; openrouter: an OpenRouter-style models list; price-table: "
            "a dated CSV price table (price-table-jsonl: JSON Lines; price-table-parquet: Parquet, needs pyarrow); "
            "model-names: the names usage may give (CSV name,model,variant); price-windows: the time-of-day windows "
            "(CSV); sql: the query that prices a usage table with those three tables (see --dialect, --column).",
            show_default=False,
        ),
    ],
    artifact: Annotated[
        Path | None,
        typer.Argument(
            help="The published artifact. Default: $MODELCTL_ARTIFACT, else dist/catalog.json.", show_default=False
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "--out",
            "-o",
            help="Write here (atomically) instead of stdout; --out is the same option (as publish and site spell it).",
            show_default=False,
        ),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            help="The day whose prices to export (YYYY-MM-DD). Default: today for litellm and openrouter; the "
            "whole history for the price table.",
            show_default=False,
        ),
    ] = None,
    dialect: Annotated[
        Dialect, typer.Option(help="--format sql: the SQL dialect of the query.", show_default=True)
    ] = Dialect.duckdb,
    column: Annotated[
        list[str] | None,
        typer.Option(
            "--column",
            metavar="FIELD=COLUMN",
            help="--format sql: the usage table's name for a column (input_tokens=prompt_tokens), or a count it "
            "lacks as a number (images=0). Repeat for several.",
            show_default=False,
        ),
    ] = None,
    usage_table: Annotated[
        str, typer.Option("--usage-table", help="--format sql: the usage table's name.", show_default=True)
    ] = "usage",
) -> None:
    """Write a published artifact in another tool's format: LiteLLM, OpenRouter, or a flat price table.

    LiteLLM's map has USD per token as JSON numbers, computed exactly from
    the artifact's decimals (2.50 per 1M is written 2.5e-06). The price table
    has one row per model x variant x tier x period, with valid_from and an
    exclusive valid_to, every row complete (inherited prices filled in); see
    `modelctl docs import-export` for its columns and a DuckDB query that prices
    usage with it. --format sql writes that query for DuckDB, Spark, BigQuery
    or PostgreSQL (`modelctl docs warehouse`). What a format cannot express is left
    out and noted on stderr.
    """
    day = _day(at)
    if out is not None:  # a catalog file would be replaced, or a stray one added
        refuse_inside_catalog("--output", out, resolve_root(None))
    if fmt is ExportFormat.sql:
        _write(_sql(dialect, column or [], usage_table), out)
        return
    path = artifact or Path(os.environ.get(ARTIFACT_ENV) or DEFAULT_ARTIFACT)
    if out is not None and same_file(out, path):  # the published artifact would be replaced by the export
        raise typer.BadParameter(f"{str(out)!r} is the artifact itself: give another file", param_hint="--output")
    if fmt is ExportFormat.price_table_parquet:
        _need_pyarrow(out)
    try:
        loaded = load_artifact(path)
    except ExportError as exc:
        output.error(str(exc))
        raise typer.Exit(4) from None
    notes: list[str] = []
    if fmt is ExportFormat.litellm or fmt is ExportFormat.openrouter:
        module = litellm_export if fmt is ExportFormat.litellm else openrouter_export
        result = module.export(loaded, day or clock.today())
        text = dumps(result.data, indent=4 if fmt is ExportFormat.litellm else 2)
        notes = result.notes
    elif fmt is ExportFormat.model_names:
        text = price_table.names_csv(price_table.names(loaded))
    elif fmt is ExportFormat.price_windows:
        text = price_table.windows_csv(price_table.windows(loaded))
    else:
        table = price_table.rows(loaded, at=day)
        if fmt is ExportFormat.price_table_parquet:
            _parquet(table, out)  # type: ignore[arg-type]
            return
        text = price_table.to_csv(table) if fmt is ExportFormat.price_table else price_table.to_jsonl(table)
    _write(text, out)
    for note in notes[:MAX_NOTES]:
        _note(note)
    if len(notes) > MAX_NOTES:
        _note(f"... and {len(notes) - MAX_NOTES} more")


def _sql(dialect: Dialect, columns: list[str], usage_table: str) -> str:
    try:
        mapping = sql_export.parse_columns(columns)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--column") from None
    try:
        table = sql_export.table_name(usage_table)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--usage-table") from None
    return sql_export.pricing_query(sql_export.SqlOptions(dialect.value, usage=table, columns=mapping))


def _note(text: str) -> None:
    sys.stderr.write(f"note: {text}\n")


def _need_pyarrow(out: Path | None) -> None:
    if out is None:
        raise typer.BadParameter("Parquet is binary: give --output FILE", param_hint="--output")
    try:
        import pyarrow  # type: ignore[import-not-found,unused-ignore]  # noqa: F401
    except ImportError:
        output.error(
            "Parquet needs pyarrow, which is not installed (pip install pyarrow); "
            "--format price-table writes the same table as CSV "
            "(Parquet-ready column types in `modelctl docs import-export`)"
        )
        raise typer.Exit(2) from None


def _parquet(table: list[dict[str, object]], out: Path) -> None:
    try:
        price_table.to_parquet(table, str(out))
    except (OSError, ValueError) as exc:
        output.error(f"cannot write {out}: {getattr(exc, 'strerror', None) or exc}")
        raise typer.Exit(4) from None


def _write(text: str, out: Path | None) -> None:
    if out is None:
        output.stdout_text(text)
        return
    if out.is_dir():
        raise _exit(f"cannot write {out}: it is a folder: give the file to write")
    blocked = in_the_way(out.parent)
    if blocked is not None:
        raise _exit(f"cannot write {out}: {blocked[0]} {blocked[1]}")
    try:
        if out.is_symlink() or (out.exists() and not out.is_file()):
            # /dev/stdout, a FIFO, a link: written through, never replaced (a rename would put a
            # regular file where the device or the link was)
            with open(out, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
            return
        write_atomic(out, text)  # the file's mode kept (a new one: as umask says), no temporary left behind
    except OSError as exc:
        raise _exit(f"cannot write {out}: {exc.strerror or exc}") from None


def _exit(message: str) -> typer.Exit:
    output.error(message)
    return typer.Exit(4)
