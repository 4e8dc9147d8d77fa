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
    note,
    open_for_command,
    plain,
    resolve_model,
    stdout_text,
    text_table,
)
from modelctl.cli.money import amount, column, places_for
from modelctl.cli.usage_options import UsageCounts, usage_options
from modelctl.query.views import compare_rows


@usage_options
def compare(
    models: Annotated[list[str], typer.Argument(help="Two or more models: provider/id, an alias, or a unique id.")],
    *,
    catalog: CatalogOption = None,
    at: Annotated[
        date | None,
        at_option(
            "Compare the prices in force on this day, or at this instant (a date-time, UTC unless it gives an "
            "offset, applies time-of-day prices; default: today).",
            instant=True,
        ),
    ] = None,
    variant: Annotated[
        str | None,
        typer.Option(
            "--variant", help="Show this variant's prices where a model has it (e.g. batch).", show_default=False
        ),
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="text, json, markdown, or csv (a row per field).")
    ] = Format.text,
    counts: UsageCounts,
) -> None:
    """Several models side by side: prices, limits, modalities, features and lifecycle.

    Prices are those in force today (or --at) per 1M tokens; a price or
    feature no model has is left out. With --variant, a model without that
    variant shows its base prices (the variant row says which). With token
    counts (--input 1k --output 500 ..., as `modelctl cost` takes them), a
    cost row says what that usage costs on each model, exactly as `cost`
    prices it; a model that cannot price it says "unpriced", and why on stderr.
    """
    if len(models) < 2:
        raise typer.BadParameter("name at least two models to compare", param_hint="MODELS")
    usage = counts.usage() if counts.given else None
    opened = open_for_command(catalog)
    refs = [resolve_model(opened.catalog, name, "MODELS").ref for name in models]
    day = at or clock.today()
    # the names as given: an alias may name its variant (a Bedrock regional id), priced as the runtime prices it
    rows = compare_rows(opened.catalog, models, at=day, variant=variant, usage=usage)
    if fmt is Format.json:
        doc: dict[str, Any] = {"format_version": JSON_FORMAT_VERSION, "at": day, "models": refs}
        if usage is not None:
            doc["usage"] = {k: v for k, v in usage._asdict().items() if v}
        # a cost is spelled as `cost --format json` spells it: every digit, no trailing zeros
        doc["fields"] = {n: [_exact(v) for v in vs] if n == "cost" else vs for n, vs in rows}
        stdout_text(dumps(doc))
        return
    headers = ["", *refs]
    if fmt is Format.csv:
        stdout_text(csv_table(["field", *refs], [[n, *[_csv(v) for v in vs]] for n, vs in rows]))
        return
    reasons = dict(rows).get("cost_error")
    table = [
        [name, *(_cells(values) if name != "cost" else [*column(values, missing="unpriced")])]
        for name, values in rows
        if name != "cost_error"
    ]
    right = frozenset(range(1, len(headers)))
    if fmt is Format.markdown:
        stdout_text(markdown_table(headers, table, right=right))
    else:
        stdout_text(text_table(headers, table, right=right))
    for ref, reason in zip(refs, reasons or (), strict=False):
        if reason is not None:
            note(f"{ref}: unpriced: {reason}")


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


def _exact(value: Decimal | None) -> str | None:
    return None if value is None else plain(value)


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
