"""``modelctl compare``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import typer

from modelctl import clock
from modelctl.cli.common import (
    JSON_FORMAT_VERSION,
    CatalogOption,
    Format,
    at_option,
    csv_table,
    dumps,
    markdown_table,
    open_for_command,
    plain,
    resolve_model,
    stdout_text,
    text_table,
)
from modelctl.cli.money import amount, places_for
from modelctl.query.views import compare_rows


def compare(
    models: Annotated[list[str], typer.Argument(help="Two or more models: provider/id, an alias, or a unique id.")],
    catalog: CatalogOption = None,
    at: Annotated[date | None, at_option("Compare the prices in force on this day (default: today).")] = None,
    variant: Annotated[
        str | None,
        typer.Option(
            "--variant", help="Show this variant's prices where a model has it (e.g. batch).", show_default=False
        ),
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="text, json, markdown, or csv (a row per field).")
    ] = Format.text,
) -> None:
    """Several models side by side: prices, limits, modalities, features and lifecycle.

    Prices are those in force today (or --at) per 1M tokens; a price or
    feature no model has is left out. With --variant, a model without that
    variant shows its base prices (the variant row says which).
    """
    if len(models) < 2:
        raise typer.BadParameter("name at least two models to compare", param_hint="MODELS")
    opened = open_for_command(catalog)
    refs = [resolve_model(opened.catalog, name, "MODELS").ref for name in models]
    day = at or clock.today()
    rows = compare_rows(opened.catalog, refs, at=day, variant=variant)
    if fmt is Format.json:
        doc = {
            "format_version": JSON_FORMAT_VERSION,
            "at": day,
            "models": refs,
            "fields": dict(rows),
        }
        stdout_text(dumps(doc))
        return
    headers = ["", *refs]
    if fmt is Format.csv:
        stdout_text(csv_table(["field", *refs], [[n, *[_csv(v) for v in vs]] for n, vs in rows]))
        return
    table = [[name, *_cells(values)] for name, values in rows]
    right = frozenset(range(1, len(headers)))
    if fmt is Format.markdown:
        stdout_text(markdown_table(headers, table, right=right))
    else:
        stdout_text(text_table(headers, table, right=right))


def _cells(values: list[Any]) -> list[str]:
    """A row's cells; its prices (one field across the models) with one number of decimals."""
    places = places_for(v for v in values if isinstance(v, Decimal))
    return [amount(v, places) if isinstance(v, Decimal) else _cell(v) for v in values]


def _cell(value: Any) -> str:
    if value is None or value == []:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "-"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(f"{v:,}" if isinstance(v, int) else str(v) for v in value)
    return str(value)


def _csv(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(value)
