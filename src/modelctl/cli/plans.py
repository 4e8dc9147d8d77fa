"""``modelctl plans`` and ``modelctl show plan NAME`` / ``show account NAME``."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated, Any

import typer

from modelctl import runtime
from modelctl.cli.common import (
    EXIT_NO,
    JSON_FORMAT_VERSION,
    CatalogOption,
    DocFormat,
    Format,
    csv_table,
    dumps,
    error,
    markdown_table,
    note,
    open_for_command,
    plain,
    stdout_text,
    text_table,
)
from modelctl.cli.money import amount, places_for
from modelctl.cli.visible import visible
from modelctl.query.plans import AccountView, PlanView, account_view, overview, plan_view


def unknown_name(kind: str, name: str, known: Sequence[str]) -> str:
    """``unknown plan 'gold'; did you mean ...?``, or the known names when none is close."""
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    if close:
        return f"unknown {kind} {name!r}; did you mean {', '.join(close)}?"
    return f"unknown {kind} {name!r}; {kind}s: {', '.join(known) or 'none'}"


def plans(
    catalog: CatalogOption = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="text for people; json or csv for programs; markdown for reports.")
    ] = Format.text,
) -> None:
    """List the plans and accounts: models allowed, default model, markup, credits and rounding.

    One line per plan, then one per account (a contract on a plan). The
    models column counts what each may use today; the default column is the
    model served for the catalog's first purpose, fall-backs applied (JSON
    has every purpose). An account is charged by its plan's markup except
    where its negotiated terms (the terms column) say otherwise. Details:
    modelctl show plan NAME, modelctl show account NAME.
    """
    opened = open_for_command(catalog)
    cat = opened.catalog
    plan_views, account_views = overview(cat)
    purposes = cat.purposes()
    if fmt is Format.json:
        doc = {
            "format_version": JSON_FORMAT_VERSION,
            "purposes": list(purposes),
            "plans": [_plan_json(v) for v in plan_views],
            "accounts": [_account_json(v) for v in account_views],
        }
        stdout_text(dumps(doc))
        return
    first = purposes[0] if purposes else next(iter(plan_views[0].defaults), "") if plan_views else ""
    headers = ["kind", "id", "name", "plan", "models", f"default {first}".strip(), "markup", "charges in", "rounding"]
    headers.append("terms")
    rows = [_plan_row(v, first) for v in plan_views] + [_account_row(v, first) for v in account_views]
    right = frozenset({4, 6})
    if fmt is Format.csv:
        stdout_text(csv_table([h.replace(" ", "_") for h in headers], rows))
    elif fmt is Format.markdown:
        stdout_text(markdown_table(headers, rows, right=right))
    elif not rows:
        note("the catalog has no plans")
    else:
        stdout_text(visible(text_table(headers, rows, right=right), lines=True))


def _decimal(value: Decimal) -> str:
    return format(value, "f")  # as the file spells it: a markup of 1.20 stays 1.20


def _unit(info: Any) -> str:
    return f"credits ({plain(info.credits_per_usd)} per USD)" if info.credits_per_usd is not None else "list currency"


def _rounding(info: Any) -> str:
    r = info.rounding
    return f"{r['decimals']} decimals {r['mode']}, per {r['per']}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _plan_row(v: PlanView, purpose: str) -> list[str]:
    info = v.info
    terms = _plural(len(info.markups), "dated markup") if info.markups else ""
    default = v.defaults.get(purpose) or "-"
    return ["plan", info.id, info.name, "", f"{v.models:,}", default, _decimal(info.markup), _unit(info)] + [
        _rounding(info),
        terms,
    ]


def _account_row(v: AccountView, purpose: str) -> list[str]:
    info, plan = v.info, v.plan
    terms = _plural(len(info.pricing), "negotiated term") if info.pricing else ""
    default = v.defaults.get(purpose) or "-"
    return ["account", info.id, info.name, info.plan, f"{v.models:,}", default, _decimal(plan.markup), _unit(plan)] + [
        _rounding(plan),
        terms,
    ]


def _plan_json(v: PlanView) -> dict[str, Any]:
    info = v.info
    return {
        "id": info.id,
        "name": info.name,
        "description": info.description,
        "models": v.models,
        "allow": list(info.allow),
        "deny": list(info.deny),
        "defaults": v.defaults,
        "default_candidates": {p: list(c) for p, c in info.defaults.items()},
        "markup": _decimal(info.markup),
        "markups": info.markups,
        "credits_per_usd": None if info.credits_per_usd is None else plain(info.credits_per_usd),
        "rounding": info.rounding,
        "rollouts": info.rollouts,
        "accounts": list(info.accounts),
    }


def _account_json(v: AccountView) -> dict[str, Any]:
    info = v.info
    return {
        "id": info.id,
        "name": info.name,
        "description": info.description,
        "plan": info.plan,
        "models": v.models,
        "allow": list(info.allow),
        "deny": list(info.deny),
        "widen": list(info.widen),
        "defaults": v.defaults,
        "default_candidates": {p: list(c) for p, c in info.defaults.items()},
        "pricing": info.pricing,
        "rollouts": info.rollouts,
    }


# --- show plan NAME / show account NAME --------------------------------------------------


def show_plan_or_account(catalog: runtime.Catalog, kind: str, name: str, fmt: DocFormat) -> None:
    """An unknown name is a "no" (exit 1) with the close names."""
    known = catalog.plans() if kind == "plan" else catalog.accounts()
    if name not in known:
        error(unknown_name(kind, name, known))
        raise typer.Exit(EXIT_NO)
    if kind == "plan":
        pv = plan_view(catalog, name)
        doc, facts = _plan_json(pv), _plan_facts(pv)
        title, defaults, candidates = f"plan {name}  {pv.info.name}", pv.defaults, pv.info.defaults
        extra = _rollout_lines(pv.info.rollouts)
    else:
        av = account_view(catalog, name)
        doc, facts = _account_json(av), _account_facts(av)
        title, defaults, candidates = f"account {name}  {av.info.name}", av.defaults, av.info.defaults
        extra = _pricing_lines(av.info.pricing) + [f"rollout {r}: opted {'in' if on else 'out'}" for r, on in
                                                   sorted(av.info.rollouts.items())]  # fmt: skip
    if fmt is DocFormat.json:
        stdout_text(dumps({"format_version": JSON_FORMAT_VERSION, "kind": kind, **doc}))
        return
    sections = [("", facts), ("Defaults (served today, fall-backs applied)", _default_facts(defaults, candidates))]
    sections.append(("Rollouts" if kind == "plan" else "Negotiated terms and rollouts", [(x, "") for x in extra]))
    render = _markdown if fmt is DocFormat.markdown else _text
    stdout_text(visible(render(title, sections), lines=True))


def _plan_facts(v: PlanView) -> list[tuple[str, str]]:
    info = v.info
    facts = [("description", info.description or "-"), ("models", f"{v.models:,} allowed today")]
    facts += [("allow", ", ".join(info.allow) or "-"), ("deny", ", ".join(info.deny) or "-")]
    facts.append(("markup", _decimal(info.markup)))
    for m in info.markups:
        span = f"from {m.get('effective_from', '?')}" + (f" to {m['until']}" if "until" in m else "")
        facts.append(("", f"{_decimal(Decimal(m['markup']))} {span}" + (f" ({m['note']})" if m.get("note") else "")))
    facts += [("charges in", _unit(info)), ("rounding", _rounding(info))]
    facts.append(("accounts", ", ".join(info.accounts) or "-"))
    return facts


def _account_facts(v: AccountView) -> list[tuple[str, str]]:
    info, plan = v.info, v.plan
    facts = [("description", info.description or "-"), ("plan", f"{plan.id} ({plan.name})")]
    facts.append(("models", f"{v.models:,} allowed today"))
    facts += [(k, ", ".join(getattr(info, k))) for k in ("allow", "deny", "widen") if getattr(info, k)]
    facts += [("markup", f"{_decimal(plan.markup)} (the plan's)"), ("charges in", _unit(plan))]
    facts.append(("rounding", _rounding(plan)))
    return facts


def _default_facts(served: dict[str, str | None], candidates: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    out = []
    for purpose, model in served.items():
        listed = candidates.get(purpose, ())
        more = f"  (candidates: {', '.join(listed)})" if len(listed) > 1 else ""
        out.append((purpose, (model or "none usable") + more))
    return out


def _rollout_lines(rollouts: Sequence[Any]) -> list[str]:
    lines = []
    for r in rollouts:
        if "variants" in r:
            arms = ", ".join(f"{x['model']} {x['weight']}" for x in r["variants"])
            lines.append(f"{r['id']}: A/B test of the {r['purpose']} default: {arms}")
        else:
            lines.append(f"{r['id']}: {r['model']} to {plain(Decimal(r['percent']))}%")
    return lines


def _pricing_lines(pricing: Sequence[Any]) -> list[str]:
    lines = []
    # every negotiated price with one number of decimals, as text output spells money (cli/money.py)
    places = places_for(Decimal(v) for p in pricing for v in p.get("prices", {}).values())
    for p in pricing:
        if "prices" in p:
            what = "negotiated " + ", ".join(f"{k} {amount(Decimal(v), places)}" for k, v in p["prices"].items())
        else:
            what = f"{plain(Decimal(p['discount_percent']))}% off list price x markup"
        span = f" from {p['effective_from']}" if "effective_from" in p else ""
        span += f" until {p['until']}" if "until" in p else ""
        lines.append(f"{p['model']}: {what}{span}" + (f" ({p['note']})" if p.get("note") else ""))
    return lines


def _text(title: str, sections: list[tuple[str, list[tuple[str, str]]]]) -> str:
    lines = [title]
    for head, facts in sections:
        lines.append("")
        if head:
            lines.append(f"{head}:" if facts else f"{head}: none")
        width = max((len(k) for k, _ in facts), default=0)
        for k, v in facts:
            lines.append(f"  {k.ljust(width)}  {v}".rstrip() if v else f"  {k}")
    return "\n".join(lines) + "\n"


def _markdown(title: str, sections: list[tuple[str, list[tuple[str, str]]]]) -> str:
    out = [f"### {title}"]
    for head, facts in sections:
        out.append("")
        if head:
            out += [f"**{head}**", ""]
        if not facts:
            out.append("none")
            continue
        out += ["| | |", "| --- | --- |"] if any(v for _, v in facts) else []
        for k, v in facts:
            cell = k.replace("|", "/")
            out.append(f"| {cell or ' '} | {v.replace('|', '/')} |" if v or any(x for _, x in facts) else f"- {cell}")
    return "\n".join(out) + "\n"
