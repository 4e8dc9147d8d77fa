"""A model's price history as an inline SVG step chart (no script needed).

Coordinates are floats — they only place lines; every number printed on the
chart (ticks, hover titles, the label) is an exact decimal from the catalog or
a round tick value.  One line per base price key; each variant's and tier's
prices are extra lines (class ``extra``) the page shows on demand.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from html import escape
from typing import Any

__all__ = ["history_chart"]

COLOURS = ("#2563eb", "#ea580c", "#16a34a", "#9333ea", "#db2777", "#0891b2", "#ca8a04", "#4b5563")
WIDTH, PLOT_H = 720, 200
LEFT, RIGHT, TOP = 64, 16, 16
PER_ROW = 4  # legend entries per line
_LABELS = {"input_per_1m": "input", "output_per_1m": "output", "cached_input_per_1m": "cached input"}


def _label(value: str | Decimal) -> str:
    whole, _, frac = format(Decimal(value), "f").partition(".")
    return f"{whole}.{frac.rstrip('0').ljust(2, '0')}"


def _name(key: str) -> str:
    return _LABELS.get(key) or key.removesuffix("_per_1m").replace("_", " ")


def _nice_step(top: Decimal) -> Decimal:
    """A round step (1, 2 or 5 times a power of ten) giving about four ticks up to ``top``."""
    raw = top / 4
    exponent = raw.adjusted()
    for mult in (1, 2, 5, 10):
        step = Decimal(mult).scaleb(exponent)
        if step >= raw:
            return step
    return Decimal(10).scaleb(exponent)  # pragma: no cover - the loop always returns


def _series(ordered: list[dict[str, Any]]) -> list[tuple[str, bool, list[str | None]]]:
    """(label, extra, value per period) for every base key, variant key and tier key."""
    out: list[tuple[str, bool, list[str | None]]] = []
    keys = sorted({k for p in ordered for k in p.get("prices", {})}, key=lambda k: (k not in _LABELS, k))
    for key in keys:
        out.append((_name(key), False, [p.get("prices", {}).get(key) for p in ordered]))
    variants = sorted({v for p in ordered for v in p.get("variants", {})})
    for variant in variants:
        vkeys = sorted({k for p in ordered for k in p.get("variants", {}).get(variant, {}).get("prices", {})})
        for key in vkeys:
            values = [p.get("variants", {}).get(variant, {}).get("prices", {}).get(key) for p in ordered]
            out.append((f"{variant} {_name(key)}", True, values))
    thresholds = sorted({t["above_input_tokens"] for p in ordered for t in p.get("tiers", [])})
    for above in thresholds:
        tkeys = sorted(
            {
                k
                for p in ordered
                for t in p.get("tiers", [])
                if t["above_input_tokens"] == above
                for k in t.get("prices", {})
            }
        )
        for key in tkeys:
            values = []
            for p in ordered:
                tier = next((t for t in p.get("tiers", []) if t["above_input_tokens"] == above), None)
                values.append(tier.get("prices", {}).get(key) if tier else None)
            out.append((f"{_name(key)} above {above:,}", True, values))
    return out


def _summary(name: str, series: list[tuple[str, bool, list[str | None]]], starts: list[date]) -> str:
    parts = []
    for label, extra, values in series:
        if extra:
            continue
        known = [(d, v) for d, v in zip(starts, values, strict=True) if v is not None]
        if not known:
            continue
        steps = " → ".join(f"{_label(v)} from {d.isoformat()}" for d, v in known)
        parts.append(f"{label}: {steps}")
    return f"Price history of {name}, USD per 1M tokens. " + "; ".join(parts) + "."


def history_chart(periods: list[dict[str, Any]], *, today: date, name: str = "this model") -> str:
    """An SVG of the prices over time: one step line per price key from the oldest period to today
    (or to the last scheduled change, plus a margin), ticks on both axes, a title on every point."""
    ordered = sorted(periods, key=lambda p: p["effective_from"])
    starts = [date.fromisoformat(p["effective_from"]) for p in ordered]
    end = max(today, starts[-1] + timedelta(days=30))
    span = max((end - starts[0]).days, 1)
    series = _series(ordered)
    values = [Decimal(v) for _, _, vs in series for v in vs if v is not None]
    top_value = max(values) if values and max(values) > 0 else Decimal(1)
    step = _nice_step(top_value)
    ticks = [step * i for i in range(int(top_value / step) + 2)]
    top = ticks[-1] if ticks[-1] >= top_value else top_value
    plot_w, plot_h = WIDTH - LEFT - RIGHT, PLOT_H
    height = TOP + plot_h + 34 + 14 * ((len(series) + PER_ROW - 1) // PER_ROW)

    def x(day: date) -> float:
        return LEFT + plot_w * (day - starts[0]).days / span

    def y(value: Decimal) -> float:
        return TOP + plot_h * (1 - float(value / top))

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
        f'aria-label="{escape(_summary(name, series, starts))}">',
        f'<line class="axis" x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}"/>',
        f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}"/>',
    ]
    for tick in ticks:
        if tick > top:
            break
        ty = y(tick)
        parts.append(f'<line class="grid" x1="{LEFT}" y1="{ty:.1f}" x2="{LEFT + plot_w}" y2="{ty:.1f}"/>')
        parts.append(f'<text class="tick" x="{LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end">{_label(tick)}</text>')
    last_label = -1e9
    for start in starts:
        parts.append(f'<line class="grid" x1="{x(start):.1f}" y1="{TOP}" x2="{x(start):.1f}" y2="{TOP + plot_h}"/>')
        if x(start) - last_label >= 72:  # dates closer than a label's width would overlap
            last_label = x(start)
            label = f'<text class="tick" x="{x(start):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">'
            parts.append(f"{label}{start.isoformat()}</text>")
    legend_x, legend_y = LEFT, TOP + plot_h + 26
    for index, (label, extra, vals) in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        cls = ' class="extra"' if extra else ""
        dash = ' stroke-dasharray="5 3"' if extra else ""
        points, dots = [], []
        for i, value in enumerate(vals):
            if value is None:
                continue
            until = starts[i + 1] if i + 1 < len(ordered) else end
            v = y(Decimal(value))
            points.append(f"{x(starts[i]):.1f},{v:.1f} {x(until):.1f},{v:.1f}")
            dots.append(
                f'<circle cx="{x(starts[i]):.1f}" cy="{v:.1f}" r="4" fill="{colour}">'
                f"<title>{escape(label)}: {escape(_label(value))} per 1M from {starts[i]}</title></circle>"
            )
        if not points:
            continue
        parts.append(f"<g{cls}>")
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} points="{" ".join(points)}"/>')
        parts.extend(dots)
        if legend_x + 150 > WIDTH:
            legend_x, legend_y = LEFT, legend_y + 14
        parts.append(
            f'<rect x="{legend_x}" y="{legend_y}" width="10" height="10" fill="{colour}"/>'
            f'<text class="legend" x="{legend_x + 14}" y="{legend_y + 9}">{escape(label)}</text>'
        )
        legend_x += 150
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
