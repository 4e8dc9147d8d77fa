"""The model comparison page (``modelctl site``): one self-contained HTML file.

Everything is inline (CSS, JavaScript, SVG charts, the data) so the page
makes no request to any other host.  The table and each model's details
are in the HTML, readable without JavaScript; the script adds sorting,
filtering, search and the workload calculator.  The calculator does its
arithmetic on decimal strings with BigInt (never floats) and mirrors
``runtime.Catalog.cost``: periods, variants, tiers and the price fall-backs
of ``usage.estimate.PRICED_BY`` (embedded in the page, so there is one table).
Accounts are never read, so never shown.

May import: ``runtime``, ``usage``, ``query`` and the packages below them; only
``cli`` imports it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from html import escape
from importlib import resources
from typing import Any

from modelctl import runtime
from modelctl.site.chart import history_chart
from modelctl.usage.estimate import PRICED_BY

__all__ = ["build_page", "page_data"]

TABLE_PRICES = ("input_per_1m", "output_per_1m", "cached_input_per_1m")


@dataclass(frozen=True, slots=True)
class _Row:
    info: runtime.ModelInfo
    provider_name: str
    prices: dict[str, str]  # base prices in force today, as decimal strings
    periods: list[dict[str, Any]]  # newest first, as in the artifact


def _asset(name: str) -> str:
    return resources.files("modelctl.site").joinpath(name).read_text(encoding="utf-8")


def _slug(ref: str) -> str:
    return "m-" + "".join(c if c.isalnum() or c in "-_." else "-" for c in ref)


def _rows(catalog: runtime.Catalog, today: date) -> list[_Row]:
    providers = catalog.providers()
    rows = []
    for info in catalog.models():
        periods = info.data.get("pricing", [])
        current = next((p for p in periods if date.fromisoformat(p["effective_from"]) <= today), None)
        name = str(providers.get(info.provider, {}).get("name", info.provider))
        rows.append(_Row(info, name, dict(current.get("prices", {})) if current else {}, periods))
    return rows


def page_data(catalog: runtime.Catalog, *, today: date) -> dict[str, Any]:
    """What the page's script reads: models (with every price period), the
    price fall-back table and today.  Prices stay decimal strings."""
    models = []
    for row in _rows(catalog, today):
        info = row.info
        models.append(
            {
                "ref": info.ref,
                "name": info.name,
                "provider": info.provider,
                "status": info.status,
                "available": bool(info.available),
                "currency": info.currency,
                "context": info.context_window or 0,
                "pricing": [
                    {
                        "from": p["effective_from"],
                        "prices": p.get("prices", {}),
                        "tiers": p.get("tiers", []),
                        "variants": p.get("variants", {}),
                    }
                    for p in row.periods
                ],
            }
        )
    return {
        "today": today.isoformat(),
        "components": [
            [f, c, list(keys), unit == 1_000_000] for f, c, keys, unit in PRICED_BY if unit in (1, 1_000_000)
        ],
        "models": models,
    }


def _json_script(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # Inside <script>, "</" could end the element early; "\u2028" breaks old parsers.
    return text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _sort_value(value: str | None) -> str:
    """An exact, integer sort key for a decimal string (12 decimals)."""
    if value is None:
        return ""
    whole, _, frac = value.partition(".")
    return str(int(whole or "0") * 10**12 + int((frac + "0" * 12)[:12]))


def _money(value: str | None) -> str:
    if value is None:
        return '<span class="none">–</span>'
    whole, _, frac = value.partition(".")
    return escape(f"{whole}.{frac.rstrip('0').ljust(2, '0')}")


def _table_row(row: _Row) -> str:
    info = row.info
    features = " ".join(sorted(info.features))
    search = " ".join([info.ref, info.name, *info.aliases]).lower()
    status = info.status if info.enabled else f"{info.status}, disabled"
    cells = [
        f'<td data-v="{escape(info.name.lower())}"><a href="#{_slug(info.ref)}" class="model">{escape(info.name)}</a>'
        f"<br><code>{escape(info.ref)}</code></td>",
        f'<td data-v="{escape(row.provider_name.lower())}">{escape(row.provider_name)}</td>',
        f'<td data-v="{("preview", "active", "deprecated", "retired").index(info.status)}">'
        f'<span class="status {escape(info.status)}">{escape(status)}</span></td>',
        f'<td class="num" data-v="{info.context_window or ""}">'
        f"{f'{info.context_window:,}' if info.context_window else '–'}</td>",
    ]
    for key in TABLE_PRICES:
        value = row.prices.get(key)
        cells.append(f'<td class="num" data-v="{_sort_value(value)}">{_money(value)}</td>')
    cells.append(f'<td class="features">{" ".join(f"<span>{escape(f)}</span>" for f in sorted(info.features))}</td>')
    attrs = (
        f'data-ref="{escape(info.ref)}" data-provider="{escape(info.provider)}" data-status="{escape(info.status)}" '
        f'data-available="{"1" if info.available else "0"}" data-features="{escape(features)}" '
        f'data-search="{escape(search)}"'
    )
    return f"<tr {attrs}>{''.join(cells)}</tr>"


def _prices_cell(prices: dict[str, str], base: dict[str, str] | None = None) -> str:
    items = []
    for key in sorted({*prices, *(base or {})}, key=_key_order):
        if key in prices:
            items.append(f"<li><code>{escape(key)}</code> {_money(prices[key])}</li>")
        elif base is not None:
            items.append(f'<li class="inherited"><code>{escape(key)}</code> {_money(base[key])} (inherited)</li>')
    return f"<ul>{''.join(items)}</ul>"


def _variant_cell(name: str, variant: dict[str, Any], base: dict[str, str]) -> str:
    """A variant's prices (inherited ones marked) and its own tiers, over the variant's prices."""
    own = variant.get("prices", {})
    merged = {**base, **own}
    tiers = "".join(
        f"<p>{escape(name)} above {t['above_input_tokens']:,} input tokens:</p>"
        + _prices_cell(t.get("prices", {}), merged)
        for t in variant.get("tiers", [])
    )
    return f"<p>{escape(name)}:</p>{_prices_cell(own, base)}{tiers}"


_ORDER = [k for _, _, keys, _ in PRICED_BY for k in keys]


def _key_order(key: str) -> int:
    return _ORDER.index(key) if key in _ORDER else len(_ORDER)


def _details(row: _Row, today: date) -> str:
    info = row.info
    dep = info.deprecation or {}
    facts = [
        ("Provider", escape(row.provider_name)),
        ("Status", escape(info.status + ("" if info.enabled else " (disabled)"))),
        ("Released", escape(info.released.isoformat()) if info.released else "–"),
        ("Context", f"{info.context_window:,} tokens" if info.context_window else "–"),
        ("Max output", f"{info.max_output_tokens:,} tokens" if info.max_output_tokens else "–"),
        ("Input", escape(", ".join(info.input_modalities))),
        ("Output", escape(", ".join(info.output_modalities))),
        ("Aliases", escape(", ".join(info.aliases)) or "–"),
    ]
    if dep:
        replacement = dep.get("replacement")
        link = f' → <a href="#{_slug(replacement)}">{escape(replacement)}</a>' if replacement else ""
        facts.append(("Retires", escape(str(dep.get("retires", "?"))) + link))
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
    history = []
    for p in row.periods:
        start = date.fromisoformat(p["effective_from"])
        state = "scheduled" if start > today else ""
        tiers = "".join(
            f"<p>above {t['above_input_tokens']:,} input tokens:</p>"
            + _prices_cell(t.get("prices", {}), p.get("prices"))
            for t in p.get("tiers", [])
        )
        variants = "".join(
            _variant_cell(name, v, p.get("prices", {})) for name, v in sorted(p.get("variants", {}).items())
        )
        history.append(
            f"<tr><td>{escape(p['effective_from'])}{' <em>(scheduled)</em>' if state else ''}</td>"
            f"<td>{_prices_cell(p.get('prices', {}))}</td><td>{tiers or '–'}</td><td>{variants or '–'}</td>"
            f'<td class="source">{escape(p.get("source", ""))}<br>checked {escape(p.get("checked", ""))}</td></tr>'
        )
    chart = history_chart(row.periods, today=today) if len(row.periods) > 1 else ""
    return (
        f'<details id="{_slug(info.ref)}" class="model-details" open><summary><strong>{escape(info.name)}</strong> '
        f"<code>{escape(info.ref)}</code></summary><dl>{dl}</dl>{chart}"
        '<table class="history"><thead><tr><th>From</th><th>Prices (USD per 1M tokens)</th><th>Tiers</th>'
        f"<th>Variants</th><th>Source</th></tr></thead><tbody>{''.join(history)}</tbody></table></details>"
    )


def _options(values: list[tuple[str, str]]) -> str:
    return "".join(f'<option value="{escape(v)}">{escape(label)}</option>' for v, label in values)


def _version(catalog: runtime.Catalog) -> str:
    version = catalog.catalog_version
    if not version or version.startswith("0.0.0+"):  # compiled outside git: name the content instead
        return f"content {catalog.digest.removeprefix('sha256:')[:12]}" if catalog.digest else "unpublished"
    return version


def build_page(catalog: runtime.Catalog, *, today: date, title: str | None = None) -> str:
    """The whole page as one HTML document."""
    rows = _rows(catalog, today)
    name = title or catalog.name or "Models"
    providers = sorted({(r.info.provider, r.provider_name) for r in rows}, key=lambda p: p[1].lower())
    features = sorted({f for r in rows for f in r.info.features})
    variants = sorted({v for r in rows for p in r.periods for v in p.get("variants", {})})
    values = {
        "title": escape(name),
        "css": _asset("page.css"),
        "js": _asset("page.js"),
        "data": _json_script(page_data(catalog, today=today)),
        "today": today.isoformat(),
        "version": escape(_version(catalog)),
        "count": str(len(rows)),
        "providers": _options(providers),
        "features": _options([(f, f) for f in features]),
        "variants": _options([(v, v) for v in variants]),
        "rows": "\n".join(_table_row(r) for r in rows),
        "details": "\n".join(_details(r, today) for r in rows),
    }
    # One pass over the template: inserted text is never scanned for markers.
    return re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], _asset("page.html"))
