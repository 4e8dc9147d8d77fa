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
from modelctl.runtime._pricing import max_input_of
from modelctl.site.chart import history_chart
from modelctl.usage.estimate import PRICED_BY

__all__ = ["build_page", "page_data"]

CHIPS = 3  # feature chips shown in a table row
TABLE_PRICES = ("input_per_1m", "output_per_1m", "cached_input_per_1m", "cache_write_per_1m")
# What people read instead of the keys (the keys stay in the JSON download and the artifact).
LABELS = {
    "input_per_1m": "Input",
    "output_per_1m": "Output",
    "cached_input_per_1m": "Cached input (read)",
    "cache_write_per_1m": "Cache write (5 min)",
    "cache_write_1h_per_1m": "Cache write (1 h)",
    "cache_write_12h_per_1m": "Cache write (12 h)",
    "reasoning_per_1m": "Reasoning",
    "input_audio_per_1m": "Audio input",
    "output_audio_per_1m": "Audio output",
    "input_image_per_1m": "Image input",
    "output_image_per_1m": "Image output",
    "input_video_per_1m": "Video input",
    "cached_input_audio_per_1m": "Cached audio input",
    "cached_input_image_per_1m": "Cached image input",
    "per_request": "Per request",
    "per_image": "Per image",
    "web_search_per_1k": "Web search (per 1,000 calls)",
    "file_search_per_1k": "File search (per 1,000 calls)",
    "input_audio_per_minute": "Audio input (per minute)",
    "per_second": "Per second",
}


def label(key: str) -> str:
    """A price key as people read it: ``cached_input_per_1m`` -> ``Cached input (read)``."""
    return LABELS.get(key) or key.replace("_per_1m", "").replace("_", " ").capitalize()


@dataclass(frozen=True, slots=True)
class _Row:
    info: runtime.ModelInfo
    provider_name: str
    prices: dict[str, str]  # base prices in force today, as decimal strings
    periods: list[dict[str, Any]]  # newest first, as in the artifact
    current: dict[str, Any]  # the period in force today ({} when none)


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
        prices = dict(current.get("prices", {})) if current else {}
        rows.append(_Row(info, name, prices, periods, current or {}))
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
                "max_output": info.max_output_tokens or 0,
                "released": info.released.isoformat() if info.released else "",
                "input": list(info.input_modalities),
                "output": list(info.output_modalities),
                "features": sorted(info.features),
                "pricing": [
                    {
                        "from": p["effective_from"],
                        "prices": p.get("prices", {}),
                        "tiers": p.get("tiers", []),
                        "variants": p.get("variants", {}),
                        # the most input-side tokens a request may have then (as runtime cost() checks)
                        "max_input": max_input_of(info.data, p),
                    }
                    for p in row.periods
                ],
            }
        )
    return {
        "today": today.isoformat(),
        # [usage field, component, price keys tried in order, decimal places of the unit (6 = per 1M)]
        "components": [
            [f, c, list(keys), len(str(unit)) - 1] for f, c, keys, unit in PRICED_BY if unit in (1, 1_000, 1_000_000)
        ],
        "labels": {key: label(key) for _, _, keys, _ in PRICED_BY for key in keys},
        "models": models,
    }


def _json_script(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # Inside <script>, "</" could end the element early and "<!--" switch the parser into an
    # escaped state; "\u2028" breaks old parsers.  JSON reads the \u escapes back unchanged.
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


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


def _batch(row: _Row) -> tuple[str | None, str | None]:
    batch = row.current.get("variants", {}).get("batch")
    if batch is None:
        return None, None
    merged = {**row.prices, **batch.get("prices", {})}
    return merged.get("input_per_1m"), merged.get("output_per_1m")


def _tiers_text(row: _Row) -> str:
    tiers = row.current.get("tiers", [])
    return ", ".join(f"&gt;&#8239;{_tokens(t['above_input_tokens'])}" for t in tiers) or '<span class="none">–</span>'


def _tokens(n: int) -> str:
    """200000 -> 200k, 1048576 -> 1.05M: short enough for a table cell (the details give the exact count)."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:.3g}M"
    return f"{n / 1000:.3g}k" if n >= 1000 else str(n)


def _table_row(row: _Row) -> str:
    info = row.info
    features = " ".join(sorted(info.features))
    search = " ".join([info.ref, info.name, *info.aliases]).lower()
    status = info.status if info.enabled else f"{info.status}, disabled"
    ctx, out = info.context_window, info.max_output_tokens
    cells = [
        f'<td class="pick needs-js"><input type="checkbox" class="pick-box" value="{escape(info.ref)}" '
        f'aria-label="Compare {escape(info.name)}"></td>',
        f'<td class="name-col" data-v="{escape(info.name.lower())}"><a href="#{_slug(info.ref)}" class="model">'
        f"{escape(info.name)}</a><br><code>{escape(info.ref)}</code></td>",
        f'<td data-v="{escape(row.provider_name.lower())}">{escape(row.provider_name)}</td>',
        f'<td data-v="{("preview", "active", "deprecated", "retired").index(info.status)}">'
        f'<span class="status {escape(info.status)}">{escape(status)}</span></td>',
        f'<td class="num" data-v="{ctx or ""}">{f"{ctx:,}" if ctx else "–"}</td>',
        f'<td class="num" data-v="{out or ""}">{f"{out:,}" if out else "–"}</td>',
    ]
    for key in TABLE_PRICES:
        value = row.prices.get(key)
        cells.append(f'<td class="num" data-v="{_sort_value(value)}">{_money(value)}</td>')
    batch_in, batch_out = _batch(row)
    batch = f"{_money(batch_in)} / {_money(batch_out)}" if batch_in or batch_out else '<span class="none">–</span>'
    cells.append(f'<td class="num" data-v="{_sort_value(batch_in)}">{batch}</td>')
    cells.append(f'<td class="num">{_tiers_text(row)}</td>')
    released = info.released.isoformat() if info.released else ""
    cells.append(f'<td data-v="{released}">{released or "–"}</td>')
    names = [f.replace("_", " ") for f in sorted(info.features)]
    chips = " ".join(f"<span>{escape(f)}</span>" for f in names[:CHIPS])
    if len(names) > CHIPS:  # the rest in a tooltip and in the details: rows stay short
        rest = ", ".join(names[CHIPS:])
        chips += f' <span class="more-chips" title="{escape(rest)}">+{len(names) - CHIPS} more</span>'
    cells.append(f'<td class="features">{chips}</td>')
    attrs = (
        f'data-ref="{escape(info.ref)}" data-provider="{escape(info.provider)}" data-status="{escape(info.status)}" '
        f'data-available="{"1" if info.available else "0"}" data-features="{escape(features)}" '
        f'data-input="{escape(" ".join(info.input_modalities))}" data-search="{escape(search)}"'
    )
    return f"<tr {attrs}>{''.join(cells)}</tr>"


def _prices_cell(prices: dict[str, str], base: dict[str, str] | None = None) -> str:
    items = []
    for key in sorted({*prices, *(base or {})}, key=_key_order):
        if key in prices:
            items.append(f'<li><span title="{escape(key)}">{escape(label(key))}</span> {_money(prices[key])}</li>')
        elif base is not None:
            items.append(
                f'<li class="inherited"><span title="{escape(key)}">{escape(label(key))}</span> '
                f"{_money(base[key])} (inherited)</li>"
            )
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
        ("Features", escape(", ".join(f.replace("_", " ") for f in sorted(info.features))) or "–"),
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
    chart = history_chart(row.periods, today=today, name=info.name) if len(row.periods) > 1 else ""
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
        "features": _options([(f, f.replace("_", " ")) for f in features]),
        "modalities": _options([(m, m) for m in sorted({m for r in rows for m in r.info.input_modalities})]),
        "variants": _options([(v, v) for v in variants]),
        "rows": "\n".join(_table_row(r) for r in rows),
        "details": "\n".join(_details(r, today) for r in rows),
    }
    # One pass over the template: inserted text is never scanned for markers.
    return re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], _asset("page.html"))
