"""A model's price history as an inline SVG step chart (no script needed).

Coordinates are floats — they only place lines; every number printed on the
chart is the exact decimal string from the catalog.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from html import escape
from typing import Any

__all__ = ["history_chart"]

SERIES = (
    ("input_per_1m", "input", "#2563eb"),
    ("output_per_1m", "output", "#ea580c"),
    ("cached_input_per_1m", "cached input", "#16a34a"),
)
WIDTH, HEIGHT = 560, 200
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40


def _label(value: str) -> str:
    whole, _, frac = value.partition(".")
    return f"{whole}.{frac.rstrip('0').ljust(2, '0')}"


def history_chart(periods: list[dict[str, Any]], *, today: date) -> str:
    """An SVG of the base prices over time: one step line per price key
    (input, output, cached input) from the oldest period to today (or to
    the last scheduled change, plus a margin)."""
    ordered = sorted(periods, key=lambda p: p["effective_from"])
    starts = [date.fromisoformat(p["effective_from"]) for p in ordered]
    end = max(today, starts[-1] + timedelta(days=30))
    span = max((end - starts[0]).days, 1)
    values = [Decimal(p.get("prices", {}).get(k, "0")) for p in ordered for k, _, _ in SERIES]
    top = max(values) if values and max(values) > 0 else Decimal(1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: date) -> float:
        return LEFT + plot_w * (day - starts[0]).days / span

    def y(value: Decimal) -> float:
        return TOP + plot_h * (1 - float(value / top))

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-label="Price history">',
        f'<line class="axis" x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}"/>',
        f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}"/>',
        f'<text class="tick" x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end">{escape(_label(str(top)))}</text>',
        f'<text class="tick" x="{LEFT - 6}" y="{TOP + plot_h + 4}" text-anchor="end">0</text>',
    ]
    last_label = -1e9
    for start in starts:
        parts.append(f'<line class="grid" x1="{x(start):.1f}" y1="{TOP}" x2="{x(start):.1f}" y2="{TOP + plot_h}"/>')
        if x(start) - last_label >= 64:  # dates closer than a label's width would overlap
            last_label = x(start)
            label = f'<text class="tick" x="{x(start):.1f}" y="{HEIGHT - 22}" text-anchor="middle">'
            parts.append(f"{label}{start.isoformat()}</text>")
    legend_x = LEFT
    for key, label, colour in SERIES:
        points = []
        for i, period in enumerate(ordered):
            value = period.get("prices", {}).get(key)
            if value is None:
                continue
            until = starts[i + 1] if i + 1 < len(ordered) else end
            v = y(Decimal(value))
            points.append(f"{x(starts[i]):.1f},{v:.1f} {x(until):.1f},{v:.1f}")
            parts.append(
                f'<circle cx="{x(starts[i]):.1f}" cy="{v:.1f}" r="3" fill="{colour}">'
                f"<title>{escape(label)} {escape(_label(value))} from {starts[i]}</title></circle>"
            )
        if points:
            parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(points)}"/>')
            parts.append(
                f'<rect x="{legend_x}" y="{HEIGHT - 12}" width="10" height="10" fill="{colour}"/>'
                f'<text class="legend" x="{legend_x + 14}" y="{HEIGHT - 3}">{escape(label)} per 1M</text>'
            )
            legend_x += 130
    parts.append("</svg>")
    return "".join(parts)
