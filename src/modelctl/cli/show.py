"""``modelctl show``."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import typer

from modelctl import clock
from modelctl.catalog.model import PRICE_KEYS
from modelctl.cli.common import (
    JSON_FORMAT_VERSION,
    CatalogOption,
    DocFormat,
    dumps,
    open_for_command,
    resolve_model,
    stdout_text,
)
from modelctl.cli.money import amount, places_for
from modelctl.cli.visible import visible
from modelctl.query.views import ModelView, PeriodView, PriceLine, TierView, model_view


def unit_note(currency: str) -> str:
    """What the prices are per: the model's currency (not always USD), per 1M tokens unless the key
    names its unit (per_request, per_image, web_search_per_1k, input_audio_per_minute, per_second)."""
    return f"{currency} per 1M tokens unless the key says otherwise"


def show(
    model: Annotated[
        str,
        typer.Argument(
            metavar="MODEL",
            help="The model: provider/id, an alias, or an id only one provider has; or the word plan or account.",
        ),
    ],
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="[NAME]", help="After plan or account: its id (modelctl show plan pro).", show_default=False
        ),
    ] = None,
    catalog: CatalogOption = None,
    fmt: Annotated[
        DocFormat, typer.Option("--format", "-f", help="text for people; json for programs; markdown for reports.")
    ] = DocFormat.text,
) -> None:
    """Everything about one model: identity, lifecycle, limits, features and its whole price history.

    Each price period shows its base prices, context tiers and variants;
    a price a variant or tier does not give is inherited from the base
    prices and marked "(inherited)". The period in force today is marked
    current; future ones scheduled.

    modelctl show plan NAME and modelctl show account NAME show a plan or an
    account instead: its models, defaults (as served today), markup, credits,
    rounding, rollouts and negotiated terms.
    """
    opened = open_for_command(catalog)
    if name is not None:
        if model not in ("plan", "account"):
            raise typer.BadParameter(f"only plan or account take a NAME, not {model!r}", param_hint="NAME")
        from modelctl.cli.plans import show_plan_or_account

        show_plan_or_account(opened.catalog, model, name, fmt)
        return
    info = resolve_model(opened.catalog, model, "MODEL")
    view = model_view(opened.catalog, info.ref, today=clock.today())
    render = {DocFormat.json: _json, DocFormat.markdown: _markdown}.get(fmt, _text)
    text = render(view)
    stdout_text(text if fmt is DocFormat.json else visible(text, lines=True))


def _facts(view: ModelView) -> list[tuple[str, str]]:
    info = view.info
    dep = info.deprecation or {}
    facts = [
        ("provider", f"{view.provider_name} ({info.provider})"),
        ("status", info.status + ("" if info.enabled else ", disabled (enabled: false)")),
        ("aliases", ", ".join(info.aliases) or "-"),
        ("released", info.released.isoformat() if info.released else "-"),
    ]
    if dep:
        parts = [f"announced {dep['announced']}" if "announced" in dep else "", f"retires {dep.get('retires', '?')}"]
        if "replacement" in dep:
            parts.append(f"replacement {dep['replacement']}")
        facts.append(("deprecation", ", ".join(p for p in parts if p)))
        if "note" in dep:
            facts.append(("", dep["note"]))
    limits = f"context {info.context_window:,} tokens" if info.context_window else "context -"
    if info.max_output_tokens:
        limits += f", max output {info.max_output_tokens:,}"
    if info.data.get("limits", {}).get("max_input_tokens"):
        limits += f", max input {info.data['limits']['max_input_tokens']:,}"
    facts += [
        ("limits", limits),
        ("modalities", f"in: {', '.join(info.input_modalities)}; out: {', '.join(info.output_modalities)}"),
        ("features", ", ".join(sorted(info.features)) or "-"),
        ("currency", info.currency),
    ]
    for key in ("family", "description", "knowledge_cutoff", "open_weights"):
        if key in info.data:
            facts.append((key, str(info.data[key]).lower() if key == "open_weights" else str(info.data[key])))
    return facts


def _period_title(p: PeriodView) -> str:
    span = f"{p.effective_from} to {p.until}" if p.until else f"from {p.effective_from}"
    return f"{span} ({p.state})"


KEY_WIDTH = max(len(k) for k in PRICE_KEYS)


def _places(view: ModelView) -> int:
    """One number of decimals for every price the model shows (cli/money.py)."""
    values: list[Decimal] = []
    for p in view.periods:
        groups = [p.prices, *(t.prices for t in p.tiers)]
        for v in p.variants:
            groups += [v.prices, *(t.prices for t in v.tiers)]
        values += [line.value for lines in groups for line in lines]
    return places_for(values)


def _price_lines(lines: tuple[PriceLine, ...], indent: str, places: int) -> list[str]:
    width = KEY_WIDTH + 2 - len(indent) + 4  # values line up across periods, variants and tiers
    return [
        f"{indent}{line.key.ljust(width)}  {amount(line.value, places).rjust(10)}"
        + ("  (inherited)" if line.inherited else "")
        for line in lines
    ]


def _tier_lines(tiers: tuple[TierView, ...], indent: str, places: int) -> list[str]:
    out = []
    for tier in tiers:
        out.append(f"{indent}tier above {tier.above_input_tokens:,} input-side tokens:")
        out += _price_lines(tier.prices, indent + "  ", places)
    return out


def _text(view: ModelView) -> str:
    info = view.info
    lines = [f"{info.ref}  {info.name}", ""]
    facts = _facts(view)
    width = max(len(k) for k, _ in facts)
    lines += [f"  {k.ljust(width)}  {v}" for k, v in facts]
    lines += ["", f"Prices ({unit_note(info.currency)}), newest first:"]
    places = _places(view)
    for p in view.periods:
        lines += ["", f"  {_period_title(p)}", f"    source: {p.source}; checked {p.checked or '-'}"]
        if p.note:
            lines.append(f"    note: {p.note}")
        lines += _price_lines(p.prices, "    ", places)
        lines += _tier_lines(p.tiers, "    ", places)
        for v in p.variants:
            lines.append(f"    variant {v.name}:" + (f"  ({v.note})" if v.note else ""))
            lines += _price_lines(v.prices, "      ", places)
            lines += _tier_lines(v.tiers, "      ", places)
    return "\n".join(lines) + "\n"


def _md_prices(lines: tuple[PriceLine, ...], places: int) -> str:
    return "<br>".join(f"{x.key} {amount(x.value, places)}{' *(inherited)*' if x.inherited else ''}" for x in lines)


def _markdown(view: ModelView) -> str:
    info = view.info
    out = [f"### `{info.ref}` — {info.name}", "", "| | |", "| --- | --- |"]
    out += [f"| {k or ' '} | {v.replace('|', '/')} |" for k, v in _facts(view)]
    out += [
        "",
        f"**Prices** ({unit_note(info.currency)})",
        "",
        "| Period | Prices | Tiers | Variants |",
        "| --- | --- | --- | --- |",
    ]
    places = _places(view)
    for p in view.periods:
        tiers = "<br>".join(f"above {t.above_input_tokens:,}: {_md_prices(t.prices, places)}" for t in p.tiers)
        variants = "<br>".join(
            f"**{v.name}**: {_md_prices(v.prices, places)}"
            + "".join(f"<br>above {t.above_input_tokens:,}: {_md_prices(t.prices, places)}" for t in v.tiers)
            for v in p.variants
        )
        out.append(f"| {_period_title(p)} | {_md_prices(p.prices, places)} | {tiers} | {variants} |")
    return "\n".join(out) + "\n"


def _json_lines(lines: tuple[PriceLine, ...]) -> dict[str, Any]:
    return {x.key: {"value": x.value, "inherited": x.inherited} for x in lines}


def _json_tiers(tiers: tuple[TierView, ...]) -> list[dict[str, Any]]:
    return [{"above_input_tokens": t.above_input_tokens, "prices": _json_lines(t.prices)} for t in tiers]


def _json(view: ModelView) -> str:
    info = view.info
    doc = {
        "format_version": JSON_FORMAT_VERSION,
        "ref": info.ref,
        "provider": info.provider,
        "provider_name": view.provider_name,
        "id": info.id,
        "name": info.name,
        "status": info.status,
        "enabled": bool(info.enabled),
        "aliases": list(info.aliases),
        "released": info.released,
        "deprecation": info.deprecation,
        "limits": info.data.get("limits", {}),
        "modalities": info.data.get("modalities", {}),
        "features": sorted(info.features),
        "currency": info.currency,
        "pricing": [
            {
                "effective_from": p.effective_from,
                "until": p.until,
                "state": p.state,
                "source": p.source,
                "checked": p.checked,
                "note": p.note,
                "prices": _json_lines(p.prices),
                "tiers": _json_tiers(p.tiers),
                "variants": {
                    v.name: {"prices": _json_lines(v.prices), "tiers": _json_tiers(v.tiers), "note": v.note}
                    for v in p.variants
                },
            }
            for p in view.periods
        ],
    }
    return dumps(doc)
