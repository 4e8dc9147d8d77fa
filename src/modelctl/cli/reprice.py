"""``modelctl reprice``."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from modelctl.cli.common import (
    EXIT_NO,
    JSON_FORMAT_VERSION,
    CatalogOption,
    Format,
    at_option,
    csv_table,
    dumps,
    error,
    markdown_table,
    note,
    open_for_command,
    plain,
    reading,
    resolve_model,
    stdout_text,
    text_table,
)
from modelctl.cli.errors_out import errors_file
from modelctl.cli.money import Cell, spell_rows
from modelctl.cli.output import plural
from modelctl.cli.own_input import same_file
from modelctl.usage.readout import ReadoutError
from modelctl.usage.reprice import DIMENSIONS, Group, RepriceResult
from modelctl.usage.reprice import reprice as do_reprice

Dimension = StrEnum("Dimension", {d: d for d in DIMENSIONS})  # type: ignore[misc]


class Engine(StrEnum):
    python = "python"
    duckdb = "duckdb"


def reprice(
    usage_file: Annotated[
        str,
        typer.Argument(
            metavar="USAGE_FILE",
            help="CSV (with a header) or JSON Lines, optionally .gz; - reads stdin. Columns: timestamp, model, "
            "token counts named as runtime.Usage fields (input_tokens, output_tokens, cached_input_tokens, ...), "
            "and optionally variant, account, plan, subject, rollout, arm.",
        ),
    ],
    catalog: CatalogOption = None,
    group_by: Annotated[
        list[Dimension] | None,
        typer.Option("--group-by", "-g", help="Total by this (repeat to nest). Default: model."),
    ] = None,
    what_if: Annotated[
        list[str] | None,
        typer.Option(
            "--what-if",
            metavar="MODEL",
            help="Also price the same rows on this model, same day and variant (repeat for several); with "
            "--charges (or --plan, --account): also charge them on it.",
        ),
    ] = None,
    at: Annotated[
        date | None,
        at_option("Price every row at the prices in force on this day instead of its own (e.g. today's)."),
    ] = None,
    rollout: Annotated[
        str | None,
        typer.Option(
            "--rollout",
            metavar="ID",
            help="With --group-by arm (or rollout): bucket the file's subject column into this rollout's arms, "
            "as the runtime does (a file with an arm column needs none).",
            show_default=False,
        ),
    ] = None,
    charges: Annotated[
        bool,
        typer.Option(
            "--charges",
            help="Write what the rows are charged, per account (default; or --group-by plan, subject, arm, model, "
            "month): usage cost, charge in the currency and in credits, rounded per request or per invoice "
            "as each plan says.",
        ),
    ] = False,
    plan: Annotated[
        str | None,
        typer.Option(
            "--plan",
            metavar="PLAN",
            help="Charge rows that name no plan or account on this plan (implies --charges).",
            show_default=False,
        ),
    ] = None,
    account: Annotated[
        str | None,
        typer.Option(
            "--account",
            metavar="ACCOUNT",
            help="Charge rows that name no plan or account as this account: its contract on its plan "
            "(implies --charges).",
            show_default=False,
        ),
    ] = None,
    show_errors: Annotated[
        int, typer.Option("--show-errors", min=0, metavar="N", help="List the first N rows that could not be priced.")
    ] = 10,
    errors_out: Annotated[
        Path | None,
        typer.Option(
            "--errors-out",
            metavar="FILE",
            help="Write every row that could not be priced (with --charges: charged) to this CSV file: "
            "line, what_if, message, row.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="text for people; json or csv for programs; markdown for reports.")
    ] = Format.text,
    engine: Annotated[
        Engine,
        typer.Option(
            help="python: stream the file here; duckdb: run the pricing SQL in DuckDB (pip install "
            "'modelctl[duckdb]'; a CSV, JSON Lines or Parquet file, not stdin): the same outputs, faster."
        ),
    ] = Engine.python,
) -> None:
    """Price a usage file (CSV or JSON Lines) at the prices in force when each request was made.

    Each row is one request (or, with a requests column, several) and is
    priced on its timestamp's day (UTC) with runtime.Catalog's prices, tiers
    and variants, and at its UTC time in a time-of-day price window (a date
    alone: the base prices); totals are exact. Rows that cannot be priced (unparseable,
    unknown model, no price that day, a token kind the model has no price
    for) are counted and listed with their line numbers, never dropped
    silently, and the command exits 1. The file is streamed: memory stays
    flat however long it is. A progress bar shows on a terminal only.

    With a subject (or arm) column, --group-by arm -g model gives the cost per
    arm of an A/B test, per model: the cost half of its readout.
    """
    _not_the_input(errors_out, usage_file)
    opened = open_for_command(catalog)
    targets = [resolve_model(opened.catalog, name, "--what-if").ref for name in what_if or ()]
    if charges or plan is not None or account is not None:
        _charges_only(at, engine)
        from modelctl.cli.reprice_charges import check_charges, run_charges

        dims = [d.value for d in group_by] if group_by else ["account"]
        check_charges(opened.catalog, dims, plan, account)  # before --errors-out is written
        with errors_file(errors_out) as on_error:
            failed = run_charges(
                usage_file, opened.catalog, dims, plan=plan, account=account, what_if=targets, rollout=rollout,
                show_errors=show_errors, fmt=fmt, on_error=on_error, errors_out=errors_out,
            )  # fmt: skip
        if failed:  # after the block: --errors-out is in place
            raise typer.Exit(EXIT_NO)
        return
    dims = [d.value for d in group_by] if group_by else ["model"]
    if engine is Engine.duckdb:
        reprice_duckdb = _duckdb_engine(dims, rollout)
        with errors_file(errors_out) as on_error, _progress() as progress, reading():
            result = reprice_duckdb(
                usage_file, opened.catalog, group_by=dims, what_if=targets, at=at, keep_errors=show_errors,
                on_error=on_error, on_fallback=_fallback_note, progress=progress,
            )  # fmt: skip
    else:
        with errors_file(errors_out) as on_error, _progress() as progress, reading(), _readout_usage():
            result = do_reprice(
                usage_file,
                opened.catalog,
                group_by=dims,
                what_if=targets,
                at=at,
                keep_errors=show_errors,
                on_error=on_error,
                progress=progress,
                rollout=rollout,
            )
    render = {Format.json: _json, Format.csv: _csv, Format.markdown: _markdown}.get(fmt, _text)
    stdout_text(render(result))
    _summary(result, errors_out)
    if result.failed:
        raise typer.Exit(EXIT_NO)


def _fallback_note(why: str) -> None:
    """What the duckdb engine says before it hands a file to the Python engine (slower: say so)."""
    note(f"the duckdb engine hands this file to the python engine: {why}; the same answer, at its speed")


def _charges_only(at: date | None, engine: Engine) -> None:
    """What --charges does not take (yet): a usage error rather than an option silently ignored."""
    given = [("--at", at is not None), ("--engine duckdb", engine is Engine.duckdb)]
    for name, used in given:
        if used:
            raise typer.BadParameter(f"{name} does not combine with --charges (or --plan, --account)", param_hint=name)


def _duckdb_engine(dims: list[str], rollout: str | None) -> Callable[..., RepriceResult]:
    from modelctl.interop.duckdb_engine import DUCKDB_DIMENSIONS, reprice_duckdb

    other = [d for d in dims if d not in DUCKDB_DIMENSIONS]
    if other or rollout:
        what = f"--group-by {', '.join(other)}" if other else "--rollout"
        raise typer.BadParameter(f"{what} needs the python engine", param_hint="--engine")
    try:
        import duckdb  # noqa: F401
    except ImportError:
        raise typer.BadParameter(
            "the duckdb engine needs duckdb, which is not installed: pip install 'modelctl[duckdb]'",
            param_hint="--engine",
        ) from None
    return reprice_duckdb


@contextmanager
def _readout_usage() -> Iterator[None]:
    try:
        yield
    except ReadoutError as exc:
        raise typer.BadParameter(str(exc), param_hint="--rollout") from None


def _not_the_input(errors_out: Path | None, usage_file: str) -> None:
    """--errors-out naming the usage file would empty it before a row is read (and report 0 rows)."""
    if errors_out is None or usage_file == "-":
        return
    if same_file(errors_out, usage_file):
        raise typer.BadParameter(
            f"{str(errors_out)!r} is the usage file itself: writing the errors there would empty it",
            param_hint="--errors-out",
        )


@contextmanager
def _progress() -> Iterator[Callable[[int, int], None] | None]:
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    bar = Progress(
        TextColumn("reprice"), BarColumn(), DownloadColumn(), TimeRemainingColumn(), console=console, transient=True
    )
    task = bar.add_task("reprice", total=None)
    with bar:

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        yield update


# --- rendering ---------------------------------------------------------------------


def _token_fields(result: RepriceResult) -> list[str]:
    return [f for f in result.token_fields if any(g.tokens.get(f) for g in result.groups)]


def _change(actual: Decimal, other: Decimal) -> str:
    if not actual:
        return "-"
    percent = (other - actual) / actual * 100
    return f"{percent:+.1f}%"


def _headers(result: RepriceResult, fields: list[str], *, csv_names: bool = False) -> list[str]:
    heads = [*result.group_by, "currency", "rows", *fields, "cost"]
    for w in result.what_if:
        if csv_names:
            heads += [f"cost_on_{w.model}", f"change_on_{w.model}", f"unpriced_on_{w.model}"]
        else:
            heads += [f"on {w.model}", "change"]
    return heads


def _what_if_cells(actual: Decimal, amount: Decimal, unpriced: int, rows: int, *, exact: bool) -> list[Cell]:
    """The cost and change cells on a what-if model.  Rows it cannot price are
    never a saving: no change is shown for them, only how many there are."""
    if exact:
        cost = "" if unpriced == rows else plain(amount)
        return [cost, "" if unpriced else _change(actual, amount), str(unpriced)]
    if unpriced == rows:
        return ["unpriced", "-"]
    return [amount, f"{unpriced:,} unpriced" if unpriced else _change(actual, amount)]


def _row(result: RepriceResult, g: Group, fields: list[str], *, exact: bool = False) -> list[Cell]:
    """A group's cells: exact strings for CSV, else amounts spelled per column (cli/money.py)."""
    cells: list[Cell] = [*g.key, g.currency, str(g.rows) if exact else f"{g.rows:,}"]
    cells += [str(g.tokens.get(f, 0)) if exact else f"{g.tokens.get(f, 0):,}" for f in fields]
    cells.append(plain(g.cost) if exact else g.cost)
    for w, amount in enumerate(g.what_if):
        cells += _what_if_cells(g.cost, amount, g.unpriced_on(w), g.rows, exact=exact)
    return cells


def _total_rows(result: RepriceResult, fields: list[str]) -> list[list[Cell]]:
    rows = []
    for currency, total in sorted(result.totals.items()):
        mine = [g for g in result.groups if g.currency == currency]
        cells: list[Cell] = ["total", *[""] * (len(result.group_by) - 1), currency, f"{sum(g.rows for g in mine):,}"]
        cells += [f"{sum(g.tokens.get(f, 0) for g in mine):,}" for f in fields]
        cells.append(total)
        for w, wt in enumerate(result.what_if):
            amount = sum((g.what_if[w] for g in mine), Decimal(0))
            unpriced = sum(g.unpriced_on(w) for g in mine)
            rows_here = sum(g.rows for g in mine)
            if wt.currency in (currency, "") or unpriced == rows_here:
                cells += _what_if_cells(total, amount, unpriced, rows_here, exact=False)
            else:
                cells += ["-", "-"]
        rows.append(cells)
    return rows


def _right(result: RepriceResult, width: int) -> frozenset[int]:
    return frozenset(range(len(result.group_by) + 1, width))


def _text(result: RepriceResult) -> str:
    fields = _token_fields(result)
    headers = _headers(result, fields)
    rows = spell_rows(
        [_row(result, g, fields) for g in result.groups] + _total_rows(result, fields),
        together=[_cost_columns(result, fields)],
    )
    return text_table(headers, rows, right=_right(result, len(headers)))


def _cost_columns(result: RepriceResult, fields: list[str]) -> list[int]:
    """The cost column and each what-if model's: one number of decimals for all of them."""
    first = len(result.group_by) + 2 + len(fields)
    return [first, *(first + 1 + 2 * i for i in range(len(result.what_if)))]


def _markdown(result: RepriceResult) -> str:
    fields = _token_fields(result)
    headers = _headers(result, fields)
    groups = [_row(result, g, fields) for g in result.groups]
    spelled = spell_rows(groups + _total_rows(result, fields), together=[_cost_columns(result, fields)])
    rows = spelled[: len(groups)] + [[f"**{c}**" if c else c for c in row] for row in spelled[len(groups) :]]
    head = f"**{result.rows_priced:,}** of {plural(result.rows_read, 'row')} priced" + (
        f"; **{result.error_count:,} could not be priced**" if result.error_count else ""
    )
    return head + "\n\n" + markdown_table(headers, rows, right=_right(result, len(headers)))


def _csv(result: RepriceResult) -> str:
    fields = list(result.token_fields)
    rows = [[str(c) for c in _row(result, g, fields, exact=True)] for g in result.groups]
    return csv_table(_headers(result, fields, csv_names=True), rows)


def _json(result: RepriceResult) -> str:
    doc: dict[str, Any] = {
        "format_version": JSON_FORMAT_VERSION,
        "file": result.path,
        "format": result.format,
        "group_by": list(result.group_by),
        "at": result.at,
        "rows": {"read": result.rows_read, "priced": result.rows_priced, "failed": result.error_count},
        "totals": {c: plain(t) for c, t in sorted(result.totals.items())},
        "groups": [
            {
                **dict(zip(result.group_by, g.key, strict=True)),
                "currency": g.currency,
                "rows": g.rows,
                "tokens": {f: n for f, n in g.tokens.items() if n},
                "cost": plain(g.cost),
                # null: the what-if model priced none of the group's rows (never "0")
                "what_if": {
                    w.model: None if g.unpriced_on(k) == g.rows else plain(a)
                    for k, (w, a) in enumerate(zip(result.what_if, g.what_if, strict=True))
                },
                "what_if_unpriced": {w.model: g.unpriced_on(k) for k, w in enumerate(result.what_if)},
            }
            for g in result.groups
        ],
        "what_if": [
            {"model": w.model, "currency": w.currency, "total": plain(w.total), "failed": w.failed}
            for w in result.what_if
        ],
        "errors": [{"line": e.line, "message": e.message, "what_if": e.what_if, "row": e.raw} for e in result.errors],
        "errors_listed": len(result.errors),
        "ignored_columns": list(result.ignored_columns),
    }
    return dumps(doc)


def _summary(result: RepriceResult, errors_out: Path | None) -> None:
    if result.ignored_columns:
        note(f"ignored columns (not usage fields): {', '.join(result.ignored_columns)}")
    line = f"{plural(result.rows_read, 'row')}: {result.rows_priced:,} priced"
    if not result.failed:
        note(line)
        return
    failures = result.error_count + sum(w.failed for w in result.what_if)
    if result.error_count:
        error(f"{line}, {result.error_count:,} could not be priced (the totals leave them out)")
    else:
        note(line)
    for w in result.what_if:
        if w.failed:
            rows = "1 priced row" if w.failed == 1 else f"{w.failed:,} priced rows"
            error(f"{rows} could not be priced on {w.model} (its total leaves them out)")
    for err in result.errors:
        where = f" on {err.what_if}" if err.what_if else ""
        error(f"line {err.line}{where}: {err.message}")
    if failures > len(result.errors):
        rest = failures - len(result.errors)
        where = f"all are in {errors_out}" if errors_out else "write them all with --errors-out FILE"
        error(f"... and {rest:,} more: {where}")
