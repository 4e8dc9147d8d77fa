"""Renderers for `modelctl diff`: text (rich), markdown (the PR comment), json."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.table import Table

from modelctl.cli import impact_render
from modelctl.cli.money import amount, places_for
from modelctl.cli.visible import json_text, visible
from modelctl.review.diff import BREAKING, INFO, REVIEW, Change, DiffResult
from modelctl.review.impact import Impact, UsageImpact

JSON_FORMAT_VERSION = "1.1"  # 1.1 added cost_impact
MARKER = "<!-- modelctl-diff -->"
COMMENT_LIMIT = 65_536  # GitHub's limit on a comment body, in characters
_ICON = {BREAKING: "🛑", REVIEW: "👀", INFO: ""}


def headline(result: DiffResult) -> str:
    counts = {"added": 0, "changed": 0, "removed": 0}
    for actions in result.entities.values():
        for action, ids in actions.items():
            counts[action] += len(ids)
    head = ", ".join(f"{n} {action}" for action, n in counts.items())
    extra = []
    if result.count(BREAKING):
        extra.append(f"{result.count(BREAKING)} breaking")
    if result.count(REVIEW):
        extra.append(f"{result.count(REVIEW)} to review")
    return head + (f" ({', '.join(extra)})" if extra else "")


def _fmt(value: Any) -> str:
    """A value as a catalog file spells it: never a Python repr (None, True, {'a': 'b'})."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        if "prices" in value:
            prices = ", ".join(f"{k} {_fmt(v)}" for k, v in value["prices"].items())
            status = f"[{value['status']}]" if value.get("status") is not None else ""
            return " ".join(p for p in (_fmt(value["name"]) if value.get("name") else "", status, prices) if p)
        return "{" + ", ".join(f"{k}: {_fmt(v)}" for k, v in sorted(value.items())) + "}"
    if isinstance(value, list | tuple):
        return (
            "[" + ", ".join(_fmt(v) for v in value) + "]"
            if any(isinstance(v, dict) for v in value)
            else (", ".join(_fmt(v) for v in value))
        )
    return str(value)


def _where(change: Change) -> str:
    price = change.price
    if price is None:
        return ""
    parts = [price.variant or "base"]
    if price.tier is not None:
        parts.append(f"> {price.tier:,} tokens")
    return " · ".join(parts)


def _effective(change: Change) -> str:
    price = change.price
    if price is None:
        return ""
    return f"{price.effective_from} (scheduled)" if price.scheduled else price.effective_from


def _delta(change: Change, places: int | None = None) -> str:
    price = change.price
    if price is None or price.delta is None:
        return "new" if change.action == "added" else "removed" if change.action == "removed" else ""
    sign = "+" if price.delta > 0 else ""
    pct = f" ({sign}{price.percent}%)" if price.percent is not None else ""
    return f"{amount(price.delta, places, sign=True)}{pct}"


def _decimal(value: Any) -> Decimal | None:
    """A price as the artifact holds it (a decimal string) or as a Decimal; None if it is not one."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str) and value and not isinstance(value, bool):
        try:
            number = Decimal(value)
        except ArithmeticError:
            return None
        return number if number.is_finite() else None
    return None


def price_places(changes: Iterable[Change]) -> int:
    """One number of decimals for every price, before, after and change, of these changes (cli/money.py)."""
    values: list[Decimal | None] = []
    for c in changes:
        if c.price is not None and c.price.key != "*":
            values += [_decimal(c.before), _decimal(c.after), c.price.delta]
    return places_for(values)


def price_value(value: Any, places: int) -> str:
    """A price's before or after, spelled like every other price of the output."""
    number = _decimal(value)
    return amount(number, places) if number is not None else _fmt(value)


def _is_price(change: Change) -> bool:
    return change.price is not None and change.price.key != "*"


def _entity_line(change: Change) -> str:
    return f"{change.kind} {change.entity}"


# --- text ---------------------------------------------------------------------------------


def render_text(
    result: DiffResult, *, width: int | None = None, impact: Impact | None = None, usage: UsageImpact | None = None
) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width or 120, highlight=False, soft_wrap=False, no_color=True, markup=False)
    console.print(visible(f"{result.base} -> {result.head}: {headline(result)}"))
    if result.empty:
        console.print("no changes")
        for line in impact_render.text_lines(None, usage):
            console.print(line)
        return buffer.getvalue()
    flagged = [c for c in result.changes if c.cls in (BREAKING, REVIEW)]
    if flagged:
        console.print()
        for change in flagged:
            console.print(visible(f"{change.cls.upper():8} {change.address}: {change.reason}"))
    prices = [c for c in result.changes if _is_price(c)]
    if prices:
        places = price_places(prices)
        table = Table(title="Price changes (per 1M tokens unless the key says otherwise)", title_justify="left")
        for column in ("model", "price", "variant / tier", "effective", "before", "after", "change", "class"):
            table.add_column(column, overflow="fold")
        for c in prices:
            assert c.price is not None
            table.add_row(
                *map(
                    visible,
                    (
                        c.entity,
                        c.price.key,
                        _where(c),
                        _effective(c),
                        price_value(c.before, places),
                        price_value(c.after, places),
                        _delta(c, places),
                        c.cls,
                    ),
                )
            )
        console.print()
        console.print(table)
    others = [c for c in result.changes if not _is_price(c)]
    if others:
        table = Table(title="Other changes", title_justify="left")
        for column in ("entity", "field", "action", "before", "after", "class"):
            table.add_column(column, overflow="fold")
        for c in others:
            cells = (_entity_line(c), c.field or "", c.action, _fmt(c.before), _fmt(c.after))
            table.add_row(*map(visible, cells), c.cls)
        console.print()
        console.print(table)
    if result.impact:
        console.print()
        console.print("Plans and accounts affected")
        for ref, found in result.impact.items():
            plans = ", ".join(found["plans"]) or "-"
            accounts = ", ".join(found["accounts"]) or "-"
            console.print(visible(f"  {ref}: plans {plans}; accounts {accounts}"))
            for shift in found.get("defaults", ()):
                line = f"    default {shift['purpose']} of {shift['owner']} falls back to {_fallback_to(shift)}"
                console.print(visible(line))
    for line in impact_render.text_lines(impact, usage):
        console.print(line)
    return buffer.getvalue()


def _fallback_to(shift: dict[str, Any]) -> str:
    return str(shift["to"]) if shift["to"] else "nothing: no usable default left"


# --- markdown -----------------------------------------------------------------------------------


# Catalog strings (names, sources, file names) are text in the comment, never markup: "<"
# (HTML, "<!--" hiding the rest, "</details>"), "[" (links, images), "*", "~", "`", "|" and
# "\\" are backslash-escaped, and "@" gets a zero-width space so "@team" notifies no one.
_MD_ESCAPE = str.maketrans({c: "\\" + c for c in "\\`*[]<|~"} | {"@": "@\u200b", "\n": " ", "\r": " "})


def _md(text: Any) -> str:
    return visible(_fmt(text).translate(_MD_ESCAPE))


def _code(text: Any) -> str:
    """``text`` as an inline code span: no markup inside; a fence longer than any backtick run in it."""
    inner = visible(_fmt(text).replace("|", "\\|").replace("\n", " ").replace("\r", " "))
    longest, current = 0, 0
    for char in inner:
        current = current + 1 if char == "`" else 0
        longest = max(longest, current)
    fence = "`" * (longest + 1)
    pad = " " if longest or inner.startswith(" ") or inner.endswith(" ") else ""
    return f"{fence}{pad}{inner}{pad}{fence}"


def render_markdown(
    result: DiffResult,
    *,
    limit: int = COMMENT_LIMIT,
    impact: Impact | None = None,
    usage: UsageImpact | None = None,
) -> str:
    """The PR comment: the cost sentence, breaking first, cost and price tables, details collapsed,
    under ``limit`` characters."""
    top = [MARKER, "### modelctl diff: pricing catalog", ""]
    if impact is not None:
        top += [impact_render.sentence(impact), ""]
    top += [f"**{headline(result)}** — {_code(result.base)} → {_code(result.head)}", ""]
    cost = impact_render.markdown_sections(impact, usage, _md)
    if result.empty:
        return "\n".join([*top, "No changes to the catalog.", "", *(line for s in cost for line in s)])
    sections: list[list[str]] = []
    breaking = [c for c in result.changes if c.cls == BREAKING]
    review = [c for c in result.changes if c.cls == REVIEW]
    if breaking:
        sections.append(
            ["#### 🛑 Breaking changes", ""] + [f"- {_code(c.entity)} — {_md(c.reason)}" for c in breaking] + [""]
        )
    if review:
        sections.append(
            ["#### 👀 To review", ""]
            + [f"- {_code(c.entity)} {_code(c.field or '')} — {_md(c.reason)}" for c in review]
            + [""]
        )
    sections += cost
    added = [c for c in result.changes if c.action == "added" and c.field is None]
    removed = [c for c in result.changes if c.action == "removed" and c.field is None]
    if added or removed:
        lines = ["#### Added and removed", ""]
        lines += [f"- ➕ {c.kind} {_code(c.entity)} {_md(c.after)}" for c in added]
        lines += [f"- ➖ {c.kind} {_code(c.entity)} {_md(c.before)}" for c in removed]
        sections.append([*lines, ""])
    prices = [c for c in result.changes if _is_price(c)]
    if prices:
        places = price_places(prices)
        rows = [
            f"| {_code(c.entity)} | {_md(c.price.key if c.price else '')} | {_md(_where(c))} | {_md(_effective(c))} "
            f"| {_md(price_value(c.before, places))} "
            f"| {_md(price_value(c.after, places))} | {_md(_delta(c, places))} | {_ICON[c.cls]} |"
            for c in prices
        ]
        sections.append(
            [
                "#### Price changes",
                "",
                "| Model | Price | Variant / tier | Effective | Before | After | Change | |",
                "| --- | --- | --- | --- | ---: | ---: | ---: | --- |",
                *rows,
                "",
            ]
        )
    if result.impact:
        rows = [
            f"| {_code(ref)} | {_md(', '.join(i['plans']) or '-')} | {_md(', '.join(i['accounts']) or '-')} |"
            for ref, i in result.impact.items()
        ]
        sections.append(
            ["#### Plans and accounts affected", "", "| Model | Plans | Accounts |", "| --- | --- | --- |", *rows, ""]
        )
        shifts = [
            f"- `{ref}`: default {_md(shift['purpose'])} of {_md(shift['owner'])} falls back to "
            + (f"`{shift['to']}`" if shift["to"] else "**nothing: no usable default left**")
            for ref, i in result.impact.items()
            for shift in i.get("defaults", ())
        ]
        if shifts:
            sections.append(["#### Defaults that fall back", "", *shifts, ""])
    details = [
        f"| {_code(c.address)} | {c.action} | {_md(c.before)} | {_md(c.after)} | {c.cls} |" for c in result.changes
    ]
    detail_head = [
        "<details><summary>All " + str(len(details)) + " field changes</summary>",
        "",
        "| Address | Action | Before | After | Class |",
        "| --- | --- | --- | --- | --- |",
    ]
    return _fit(top, sections, detail_head, details, limit)


def _fit(top: list[str], sections: list[list[str]], detail_head: list[str], details: list[str], limit: int) -> str:
    """Join the parts, cutting rows (details first) until the comment fits in ``limit``."""
    footer = ["", "</details>", ""]
    note_room = 300

    def size(lines: list[str]) -> int:
        return sum(len(line) + 1 for line in lines)

    fixed = size(top) + size(detail_head) + size(footer) + note_room
    body: list[str] = []
    cut = 0
    for section in sections:
        room = limit - fixed - size(body)
        if size(section) <= room:
            body += section
            continue
        kept: list[str] = []
        for line in section:
            if size(kept) + len(line) + 1 > room:
                cut += 1
                continue
            kept.append(line)
        body += kept
    room = limit - fixed - size(body)
    kept_details: list[str] = []
    for row in details:
        if size(kept_details) + len(row) + 1 > room:
            cut += 1
            continue
        kept_details.append(row)
    out = top + body + detail_head + kept_details + footer
    if cut:
        out.append(
            f"> ✂️ {cut} rows were left out to stay under GitHub's 64 KB comment limit: "
            "run `modelctl diff` locally or see the job summary for everything."
        )
    return "\n".join(out) + "\n"


# --- json ----------------------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    return value


def render_json(result: DiffResult, *, impact: Impact | None = None, usage: UsageImpact | None = None) -> str:
    changes = []
    for c in result.changes:
        item: dict[str, Any] = {
            "address": c.address,
            "kind": c.kind,
            "entity": c.entity,
            "action": c.action,
            "field": c.field,
            "before": c.before,
            "after": c.after,
            "class": c.cls,
            "reason": c.reason,
        }
        if c.price is not None:
            p = c.price
            item["price"] = {
                "key": p.key,
                "effective_from": p.effective_from,
                "variant": p.variant,
                "tier": p.tier,
                "scheduled": p.scheduled,
                "delta": format(p.delta, "f") if p.delta is not None else None,
                "percent": format(p.percent, "f") if p.percent is not None else None,
            }
        changes.append(item)
    summary = {
        action: sum(len(actions.get(action, [])) for actions in result.entities.values())
        for action in ("added", "changed", "removed")
    }
    summary |= {cls: result.count(cls) for cls in (BREAKING, REVIEW, INFO)}
    doc = {
        "format_version": JSON_FORMAT_VERSION,
        "base": result.base,
        "head": result.head,
        "summary": summary,
        "changes": changes,
        "impact": result.impact,
    }
    if impact is not None or usage is not None:
        doc["cost_impact"] = impact_render.impact_json(impact, usage)
    return json_text(json.dumps(doc, indent=2, ensure_ascii=False, default=str)) + "\n"
