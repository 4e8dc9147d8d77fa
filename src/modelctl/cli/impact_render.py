"""The cost impact section of `modelctl diff`: text lines, markdown (the PR comment's opening), json."""

from __future__ import annotations

import html
import re
from collections import defaultdict
from decimal import Decimal
from typing import Any

from modelctl.cli.money import amount, places_for
from modelctl.review.impact import Figure, Impact, UsageImpact, WorkloadImpact, exact


def money(value: Decimal | None, unit: str, places: int, *, sign: bool = False) -> str:
    """``$1,234.56``, ``1,234.56 EUR`` or ``1,234.56 credits``; ``+`` on increases when ``sign``.

    ``places``: one number of decimals for the whole section (cli/money.py, ``places(...)``)."""
    if value is None:
        return "unpriced"
    shown = amount(value, places, sign=sign)
    if unit != "USD":
        return f"{shown} {unit}"
    mark = shown[0] if shown[0] == "~" else ""
    rest = shown[len(mark) :]
    prefix = rest[0] if rest[0] in "+-" else ""
    return f"{mark}{prefix}${rest[len(prefix) :]}"


def places(impact: Impact | None) -> int:
    """The decimals of every amount of the workloads section: totals, changes, per-model figures."""
    values: list[Decimal | None] = []
    for w in impact.workloads if impact is not None else ():
        for what in ("cost", "charge"):
            values += [w.total("before", what), w.total("after", what), w.delta(what)]
        for m in w.models:
            values += [m.before.cost, m.after.cost, m.before.charge, m.after.charge]
            if m.before.cost is not None and m.after.cost is not None:
                values.append(m.after.cost - m.before.cost)
    return places_for(values)


def _usage_places(usage: UsageImpact) -> int:
    return places_for([*usage.before.values(), *usage.after.values(), *map(usage.delta, usage.before)])


def _pct(value: Decimal | None) -> str:
    if value is None:
        return "new"
    return f"{'+' if value > 0 else ''}{value}%"


def _change(w: WorkloadImpact, dp: int, what: str = "cost") -> str:
    delta = w.delta(what)
    if delta is None:
        return "unpriced"
    unit = w.currency if what == "cost" else w.charge_unit or w.currency
    return f"{money(delta, unit, dp, sign=True)} ({_pct(w.percent(what))})"


def _charge_change(w: WorkloadImpact, dp: int) -> str:
    return "unchanged" if w.delta("charge") == 0 else _change(w, dp, "charge")


def _figure(f: Figure, unit: str, dp: int, what: str = "cost") -> str:
    value = getattr(f, what)
    return money(value, unit, dp) if value is not None else f"unpriced: {f.error}"


def sentence(impact: Impact) -> str:
    """One sentence that says what the change does to the monthly cost, for the top of the PR comment."""
    dp = places(impact)
    today = [w for w in impact.workloads if not w.scheduled]
    moved = [w for w in impact.shown if not w.scheduled and w.delta() != 0]
    charged = [w for w in impact.shown if not w.scheduled and w.delta() == 0]
    later = sorted({w.on.isoformat() for w in impact.shown if w.scheduled})
    tail = f" Scheduled changes move it from {', '.join(later)} (below)." if later else ""
    if not moved and charged:
        parts = [f"**{_change(w, dp, 'charge')}** on `{w.workload}`" for w in charged]
        return (
            f"This change leaves the provider cost of the {_n(len(today), 'workload')} unchanged and changes "
            f"the charge of {len(charged)}: " + ", ".join(parts) + "." + tail
        )
    if not moved:
        return f"This change does not move the monthly cost of the {_n(len(today), 'workload')}." + tail
    unpriced = [w for w in moved if w.delta() is None]
    priced = [w for w in moved if w.delta() is not None]
    up = [w for w in priced if (w.delta() or 0) > 0]
    down = [w for w in priced if (w.delta() or 0) < 0]
    verbs = []
    if up:
        verbs.append(f"raises the monthly cost of {len(up)}")
    if down:
        verbs.append(f"lowers it for {len(down)}" if up else f"lowers the monthly cost of {len(down)}")
    text = "This change " + " and ".join(verbs) + f" of {_n(len(today), 'workload')}" if verbs else "This change"
    totals = _totals(priced)
    if totals:
        text += ": " + ", ".join(
            f"**{money(d, unit, dp, sign=True)}{_total_pct(d, b)}**" for unit, (d, b) in totals.items()
        )
        largest = max(priced, key=lambda w: abs(w.delta() or Decimal(0)))
        text += f", largest on `{largest.workload}`"
    if unpriced:
        names = ", ".join(f"`{w.workload}`" for w in unpriced)
        text += ("; " if verbs else " leaves ") + f"{names} unpriced on one side"
    return text + "." + tail


def _total_pct(delta: Decimal, before: Decimal) -> str:
    return f" ({_pct((delta * 100 / before).quantize(Decimal('0.1')))})" if before else ""


def _totals(workloads: list[WorkloadImpact]) -> dict[str, tuple[Decimal, Decimal]]:
    out: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for w in workloads:
        out[w.currency][0] += w.delta() or 0
        out[w.currency][1] += w.total("before") or 0
    return {unit: (d, b) for unit, (d, b) in out.items()}


def _n(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _shown(impact: Impact) -> list[WorkloadImpact]:
    return list(impact.shown)


# --- text ------------------------------------------------------------------------------------------


def text_lines(impact: Impact | None, usage: UsageImpact | None) -> list[str]:
    lines: list[str] = []
    if impact is not None:
        dp = places(impact)
        lines += ["", "Monthly cost of the workloads", "  " + sentence(impact).replace("**", "")]
        for w in _shown(impact):
            when = f" from {w.on.isoformat()} (scheduled)" if w.scheduled else ""
            billed = f", {w.billed_under}" if w.billed_under else ""
            before, after = w.total("before"), w.total("after")
            lines.append(
                f"  {w.workload}{billed}{when}: {money(before, w.currency, dp)} -> {money(after, w.currency, dp)} "
                f"{_change(w, dp)}" + (f"; charge {_charge_change(w, dp)}" if w.billed_under else "")
            )
            for m in w.models:
                if m.before != m.after:
                    lines.append(
                        f"    {m.model}: {_figure(m.before, w.currency, dp)} -> {_figure(m.after, w.currency, dp)}"
                    )
        if impact.ignored:
            lines.append(f"  below the noise threshold: {', '.join(impact.ignored)}")
    if usage is not None:
        lines += ["", *usage_lines(usage)]
    return lines


def usage_lines(usage: UsageImpact) -> list[str]:
    out = [f"Usage file {usage.path} ({_n(usage.rows, 'row')}) re-priced on both sides"]
    dp = _usage_places(usage)
    for unit in sorted(set(usage.before) | set(usage.after)):
        delta = usage.delta(unit)
        verb = "raised" if delta > 0 else "lowered" if delta < 0 else "left unchanged"
        change = f" by {money(delta, unit, dp, sign=True)} ({_pct(usage.percent(unit))})" if delta else ""
        out.append(
            f"  this change would have {verb} its bill{change}: "
            f"{money(usage.before.get(unit), unit, dp)} -> {money(usage.after.get(unit), unit, dp)}"
        )
    if usage.unpriced_before or usage.unpriced_after:
        out.append(f"  unpriced rows: {usage.unpriced_before:,} before, {usage.unpriced_after:,} after")
    return out


# --- markdown --------------------------------------------------------------------------------------


def markdown_sections(impact: Impact | None, usage: UsageImpact | None, esc: Any) -> list[list[str]]:
    sections: list[list[str]] = []
    if impact is not None:
        shown = _shown(impact)
        dp = places(impact)
        for scheduled in (False, True):
            group = [w for w in shown if w.scheduled is scheduled]
            if not group:
                continue
            title = "#### 💰 Monthly cost of the workloads" if not scheduled else "#### 📅 Scheduled cost changes"
            lines = [title, ""]
            for w in group:
                lines += _md_workload(w, esc, dp)
            sections.append(lines)
        if impact.ignored:
            sections.append([f"Below the noise threshold: {', '.join(f'`{i}`' for i in impact.ignored)}.", ""])
    if usage is not None:
        body = usage_lines(usage)
        sections.append([f"#### 🧾 {esc(body[0])}", "", *(f"- {esc(line.strip())}" for line in body[1:]), ""])
    return sections


def _md_workload(w: WorkloadImpact, esc: Any, dp: int) -> list[str]:
    when = f" — from {w.on.isoformat()}" if w.scheduled else ""
    billed = f" ({html.escape(w.billed_under)})" if w.billed_under else ""
    before, after = w.total("before"), w.total("after")
    lines = [
        f"<details><summary><b><code>{html.escape(w.workload)}</code></b> {_html_text(w.name)}{billed}{when}: "
        f"{money(before, w.currency, dp)} → {money(after, w.currency, dp)}, <b>{_change(w, dp)}</b></summary>",
        "",
        "| Model | Requests | Before | After | Change |"
        + (" Charge before | Charge after |" if w.billed_under else ""),
        "| --- | ---: | ---: | ---: | ---: |" + (" ---: | ---: |" if w.billed_under else ""),
    ]
    unit = w.charge_unit or w.currency
    for m in w.models:
        delta = (
            money(m.after.cost - m.before.cost, w.currency, dp, sign=True)
            if m.after.cost is not None and m.before.cost is not None
            else "unpriced"
        )
        row = (
            f"| `{esc(m.model)}` | {m.requests:,} | {esc(_figure(m.before, w.currency, dp))} | "
            f"{esc(_figure(m.after, w.currency, dp))} | {delta} |"
        )
        if w.billed_under:
            row += f" {esc(_figure(m.before, unit, dp, 'charge'))} | {esc(_figure(m.after, unit, dp, 'charge'))} |"
        lines.append(row)
    return [*lines, "", "</details>", ""]


# --- json ------------------------------------------------------------------------------------------


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else exact(value)


def _html_text(text: str) -> str:
    """Text for inside an HTML tag of the PR comment: escaped, with no @mention and no line break."""
    return re.sub(r"@(?=\w)", "@\u200b", html.escape(text)).replace("\n", " ")


def _figure_json(f: Figure) -> dict[str, Any]:
    return {"cost": _dec(f.cost), "charge": _dec(f.charge), "unit": f.unit, "error": f.error}


def impact_json(impact: Impact | None, usage: UsageImpact | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if impact is not None:
        out["workloads"] = [
            {
                "workload": w.workload,
                "name": w.name,
                "file": w.file,
                "on": w.on.isoformat(),
                "scheduled": w.scheduled,
                "currency": w.currency,
                "billed_under": w.billed_under,
                "charge_unit": w.charge_unit,
                "ignored": w.workload in impact.ignored and not w.scheduled,
                "before": _dec(w.total("before")),
                "after": _dec(w.total("after")),
                "delta": _dec(w.delta()),
                "percent": _dec(w.percent()),
                "charge_before": _dec(w.total("before", "charge")) if w.billed_under else None,
                "charge_after": _dec(w.total("after", "charge")) if w.billed_under else None,
                "models": [
                    {
                        "model": m.model,
                        "requests": m.requests,
                        "before": _figure_json(m.before),
                        "after": _figure_json(m.after),
                    }
                    for m in w.models
                ],
            }
            for w in impact.workloads
        ]
        out["summary"] = sentence(impact).replace("**", "")
        out["policy_violations"] = list(impact.violations)
    if usage is not None:
        out["usage"] = {
            "path": usage.path,
            "rows": usage.rows,
            "before": {k: _dec(v) for k, v in sorted(usage.before.items())},
            "after": {k: _dec(v) for k, v in sorted(usage.after.items())},
            "unpriced_before": usage.unpriced_before,
            "unpriced_after": usage.unpriced_after,
        }
    return out
