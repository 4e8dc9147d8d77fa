"""``modelctl list``."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from modelctl import clock
from modelctl.catalog.model import PRICE_KEYS
from modelctl.cli.common import (
    EXIT_NO,
    JSON_FORMAT_VERSION,
    AccountFilter,
    CatalogOption,
    Format,
    PlanFilter,
    at_option,
    colour_enabled,
    csv_table,
    dumps,
    error,
    markdown_table,
    naming_plans,
    note,
    open_for_command,
    plain,
    stdout_text,
    text_table,
)
from modelctl.cli.money import Cell, spell_rows
from modelctl.query.views import SORT_KEYS, Listed, list_models

SortKey = StrEnum("SortKey", {k: k for k in SORT_KEYS})  # type: ignore[misc]


class Status(StrEnum):
    preview = "preview"
    active = "active"
    deprecated = "deprecated"
    retired = "retired"


_SHOWN_PRICES = ("input_per_1m", "output_per_1m", "cached_input_per_1m")
_STATUS_STYLE = {"preview": "cyan", "deprecated": "yellow", "retired": "red"}


def list_(
    catalog: Annotated[
        Path | None,
        typer.Argument(
            help="Catalog directory or published artifact. Default: --catalog, else $MODELCTL_CATALOG, else ./catalog.",
            show_default=False,
        ),
    ] = None,
    catalog_opt: CatalogOption = None,
    provider: Annotated[
        list[str] | None, typer.Option("--provider", "-p", help="Only this provider (repeat for several).")
    ] = None,
    feature: Annotated[
        list[str] | None,
        typer.Option("--feature", help="Only models with this feature, e.g. vision (repeat: all of them)."),
    ] = None,
    status: Annotated[
        list[Status] | None, typer.Option("--status", help="Only this status (repeat for several).")
    ] = None,
    enabled: Annotated[
        bool | None,
        typer.Option("--enabled/--disabled", help="Only enabled (or only disabled) models.", show_default=False),
    ] = None,
    search: Annotated[
        str | None,
        typer.Option(
            "--search", "-s", help="Only models whose id, name or alias contains this text.", show_default=False
        ),
    ] = None,
    sort: Annotated[
        SortKey,
        typer.Option("--sort", help="Sort by a column or any price key; models without that price come last."),
    ] = SortKey.ref,  # type: ignore[attr-defined]
    desc: Annotated[bool, typer.Option("--desc", help="Sort in descending order.")] = False,
    plan: PlanFilter = None,
    account: AccountFilter = None,
    at: Annotated[date | None, at_option("Show the prices in force on this day (default: today).")] = None,
    limit: Annotated[
        int | None,
        typer.Option("--limit", "-n", min=1, help="Show only the first N (after sorting).", show_default=False),
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="text for people; json or csv for programs; markdown for reports.")
    ] = Format.text,
) -> None:
    """List the models of a catalog with their current prices, filtered and sorted.

    Prices are the base prices per 1M tokens in force today (or --at), as
    decimal strings. A catalog directory is validated first; a published
    artifact (catalog.json) is read as it is, which is fastest for big catalogs.
    """
    opened = open_for_command(catalog or catalog_opt)
    _known_providers(provider or (), list(opened.catalog.providers()))
    day = at or clock.today()
    with naming_plans(plan, account):
        items = list_models(
            opened.catalog,
            at=day,
            providers=provider or (),
            features=feature or (),
            statuses=[s.value for s in status or ()],
            enabled=enabled,
            search=search,
            sort=sort.value,
            descending=desc,
            plan=plan,
            account=account,
        )
    if limit is not None:
        items = items[:limit]
    if fmt is Format.json:
        stdout_text(_json(items, opened.label, day))
    elif fmt is Format.csv:
        stdout_text(csv_table(_CSV_HEADERS, [_csv_row(x) for x in items]))
    else:
        shown = list(_SHOWN_PRICES) + (
            [sort.value] if sort.value in PRICE_KEYS and sort.value not in _SHOWN_PRICES else []
        )
        headers = ["model", "name", "status", "context", *[_short(k) for k in shown]]
        rows = spell_rows([_text_row(x, shown) for x in items])
        right = frozenset(range(3, len(headers)))
        if fmt is Format.markdown:
            stdout_text(markdown_table(headers, rows, right=right))
        else:
            colour = colour_enabled()
            styles = [[None, None, _STATUS_STYLE.get(x.info.status), *[None] * (len(headers) - 3)] for x in items]
            stdout_text(text_table(headers, rows, right=right, styles=styles, colour=colour))
    if not items:
        note("no model matches these filters")


def _known_providers(asked: Sequence[str], known: list[str]) -> None:
    """An unknown --provider is a "no" (exit 1) with the close names, not an empty list."""
    lowered = {k.lower() for k in known}
    for name in asked:
        if name.lower() not in lowered:
            close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else f"; providers: {', '.join(sorted(known))}"
            error(f"unknown provider {name!r}{hint}")
            raise typer.Exit(EXIT_NO)


def _short(key: str) -> str:
    return key.removesuffix("_per_1m").replace("_input", "").replace("per_", "") + ("/1M" if "_per_1m" in key else "")


def _status(x: Listed) -> str:
    return x.info.status if x.info.enabled else f"{x.info.status} (disabled)"


def _text_row(x: Listed, shown: list[str]) -> list[Cell]:
    prices = x.prices
    cells: list[Cell] = [prices.get(k) for k in shown]
    context = f"{x.info.context_window:,}" if x.info.context_window else "-"
    return [x.info.ref, x.info.name, _status(x), context, *cells]


_CSV_HEADERS = [
    "ref",
    "provider",
    "id",
    "name",
    "status",
    "enabled",
    "context_window",
    "max_output_tokens",
    "released",
    "retires",
    "features",
    "currency",
    "prices_from",
    *PRICE_KEYS,
]


def _csv_row(x: Listed) -> list[str]:
    info, prices = x.info, x.prices
    return [
        info.ref,
        info.provider,
        info.id,
        info.name,
        info.status,
        "true" if info.enabled else "false",
        str(info.context_window or ""),
        str(info.max_output_tokens or ""),
        info.released.isoformat() if info.released else "",
        x.retires or "",
        " ".join(sorted(info.features)),
        info.currency,
        x.price.effective_from.isoformat() if x.price else "",
        *[plain(prices[k]) if k in prices else "" for k in PRICE_KEYS],
    ]


def _json(items: list[Listed], label: str, day: date) -> str:
    models: list[dict[str, Any]] = []
    for x in items:
        info = x.info
        models.append(
            {
                "ref": info.ref,
                "provider": info.provider,
                "id": info.id,
                "name": info.name,
                "status": info.status,
                "enabled": bool(info.enabled),
                "aliases": list(info.aliases),
                "context_window": info.context_window or None,
                "max_output_tokens": info.max_output_tokens,
                "released": info.released,
                "deprecation": info.deprecation,
                "features": sorted(info.features),
                "modalities": {"input": list(info.input_modalities), "output": list(info.output_modalities)},
                "currency": info.currency,
                "prices_from": x.price.effective_from if x.price else None,
                "prices": dict(x.prices),
            }
        )
    return dumps(
        {"format_version": JSON_FORMAT_VERSION, "catalog": label, "at": day, "count": len(models), "models": models}
    )
