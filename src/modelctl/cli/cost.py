"""``modelctl cost``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import typer

from modelctl import clock, runtime
from modelctl.cli.common import (
    EXIT_NO,
    JSON_FORMAT_VERSION,
    CatalogOption,
    DocFormat,
    at_option,
    check_variant,
    dumps,
    error,
    has_windows,
    markdown_table,
    note,
    open_for_command,
    plain,
    resolve_model,
    stdout_text,
    text_table,
    when_text,
)
from modelctl.cli.money import Cell, Money, spell_rows
from modelctl.cli.usage_options import UsageCounts, usage_options
from modelctl.usage.estimate import Breakdown, breakdown


@usage_options
def cost(
    model: Annotated[str, typer.Argument(help="The model: provider/id, an alias, or an id only one provider has.")],
    counts: UsageCounts,
    at: Annotated[
        date | None,
        at_option(
            "Price at the prices in force on this day, or at this instant: a date-time (UTC unless it gives an "
            "offset) applies time-of-day prices; a date alone means the base prices (default: today).",
            instant=True,
        ),
    ] = None,
    variant: Annotated[
        str | None,
        typer.Option("--variant", help="A named variant: batch, flex, priority, a region.", show_default=False),
    ] = None,
    catalog: CatalogOption = None,
    fmt: Annotated[
        DocFormat, typer.Option("--format", "-f", help="text for people; json for programs; markdown for reports.")
    ] = DocFormat.text,
) -> None:
    """What one request (or a batch of them) costs on a model, component by component.

    Counts are disjoint: --input excludes cached and cache-write tokens,
    --output excludes reasoning tokens billed apart. The total is exact
    (never rounded) and is what runtime.Catalog.cost returns. A context tier
    is a cliff: above its threshold the whole request is billed at its prices.
    A name that implies a variant (a Bedrock regional id such as
    eu.anthropic.claude-sonnet-4-6) is billed at that variant, as the runtime bills it.
    """
    if not counts.given:
        # Nothing to price is not a cost of 0.00: say what is missing.
        raise typer.BadParameter(
            "give at least one count: --input, --output, --cached, ... (or --requests for a per-request fee)",
            param_hint="token counts",
        )
    opened = open_for_command(catalog)
    info = resolve_model(opened.catalog, model, "MODEL")
    check_variant(info, variant)
    usage = counts.usage()
    day = at or clock.today()
    if not info.available:
        what = "retired" if info.status == "retired" else "disabled"
        note(f"{info.ref} is {what}: available nowhere, but still priced (usage from before is billed)")
    try:
        # the name as given: an alias may name its variant (the runtime bills it so)
        result = breakdown(opened.catalog, model, usage, at=day, variant=variant)
    except (runtime.NoPriceError, runtime.UnsupportedUsageError) as exc:
        # No price applies, or the model does not take this usage (a modality it does not accept,
        # more input per request than its context window): the answer is "no", not a cost.
        error(str(exc))
        raise typer.Exit(EXIT_NO) from None
    if not result.components:
        # Only requests, on a model without a per-request fee: nothing was priced, which is not a cost of 0.00.
        error(f"{info.ref} has no per-request fee (per_request): {usage.requests:,} requests alone are not priced")
        raise typer.Exit(EXIT_NO)
    render = {DocFormat.json: _json, DocFormat.markdown: _markdown}.get(fmt, _text)
    stdout_text(render(result))


def describe(b: Breakdown) -> str:
    """How the cost was priced: period, variant, tier."""
    c = b.cost
    parts = [f"prices from {c.effective_from}", f"variant {c.variant}" if c.variant else "base prices"]
    if not isinstance(b.at, datetime) and c.variant is None and has_windows(b.model, c.effective_from):
        parts[-1] += " (a day alone: give --at a time of day for its time-of-day prices)"
    parts.append(f"tier above {c.tier:,} input-side tokens" if c.tier is not None else "no tier")
    return ", ".join(parts)


# What a price key's price is per (the runtime divides by 1M, 1,000 or 60: docs/runtime.md).
_UNITS = (("_per_1m", "per 1M"), ("_per_1k", "per 1k"), ("_per_minute", "per minute"), ("per_second", "per second"))


def _rows(b: Breakdown, *, bold: bool = False) -> list[list[str]]:
    """The components and the total, each money column with one number of decimals (cli/money.py)."""
    rows: list[list[Cell]] = []
    for line in b.components:
        unit = next((u for suffix, u in _UNITS if line.price_key.endswith(suffix)), "each")
        rows.append([line.name, f"{line.units:,}", Money(line.price, f"{{}} {unit}"), line.price_key, line.amount])
    total = f"{{}} {b.cost.currency}"
    rows.append(["**total**" if bold else "total", "", "", "", Money(b.cost.total, f"**{total}**" if bold else total)])
    return spell_rows(rows)


_HEADERS = ["component", "units", "price", "price key", "cost"]


def _text(b: Breakdown) -> str:
    head = f"{b.cost.model} on {when_text(b.at)}: {describe(b)}\n"
    rows = _rows(b)
    return head + text_table([*_HEADERS[:-1], f"cost ({b.cost.currency})"], rows, right=frozenset({1, 2, 4}))


def _markdown(b: Breakdown) -> str:
    head = f"**{b.cost.model}** on {when_text(b.at)}: {describe(b)}\n\n"
    rows = _rows(b, bold=True)
    return head + markdown_table(_HEADERS, rows, right=frozenset({1, 2, 4}))


def as_json(b: Breakdown) -> dict[str, Any]:
    c = b.cost
    return {
        "model": c.model,
        "name": b.model.name,
        "currency": c.currency,
        "at": b.at,
        "effective_from": c.effective_from,
        "variant": c.variant,
        "tier": c.tier,
        "usage": {k: v for k, v in b.usage._asdict().items() if v},
        "components": [
            {"component": x.name, "units": x.units, "price_key": x.price_key, "price": x.price, "cost": x.amount}
            for x in b.components
        ],
        "total": plain(c.total),
    }


def _json(b: Breakdown) -> str:
    return dumps({"format_version": JSON_FORMAT_VERSION, **as_json(b)})
