"""genai-prices provider YAML files (``prices/providers/<id>.yml``) -> candidates.

Prices are USD per 1M tokens (``input_mtok``) and read exactly with the
strict YAML loader.  A ``TieredPrices`` value (``{base, tiers: [{start,
price}]}``) becomes context tiers (a cliff above ``start``); a list of
``ConditionalPrice`` with ``constraint.start_date`` becomes dated periods; a
time-of-day constraint becomes a variant named after its hours; newer files'
``price_variants`` (``when: {processing: batch}`` ...) become variants.
Search fees (``web_searches_kcount``, ``storage_searches_kcount``: file search) are per
1,000 calls on both sides; ``input_audio_hours`` becomes ``input_audio_per_minute`` (/ 60,
only where that is exact).
The first, unconstrained price has no start date in the source: it starts at
``--since``; without it, a single price starts on ``prices_checked`` (the
day someone read it) or today, and an older price before a dated change is
left out (and reported).
"""

from __future__ import annotations

from datetime import date
from decimal import Context, Decimal, DivisionByZero, Inexact, InvalidOperation
from pathlib import Path
from typing import Any

from modelctl.catalog.strict_yaml import load_text
from modelctl.interop.importers.common import (
    Candidate,
    ProviderInfo,
    ReadOptions,
    Skip,
    SourceData,
    SourceError,
    any_price,
    count_unmapped,
    day,
    read_text,
    shielded,
    slug,
    source_digest,
    source_price,
    text_or,
    tidy_features,
)

KIND = "genai-prices"
PROVIDER_TO_CATALOG = {"aws": "amazon-bedrock"}
PRICES = {
    "input_mtok": "input_per_1m",
    "output_mtok": "output_per_1m",
    "cache_read_mtok": "cached_input_per_1m",
    "cache_write_mtok": "cache_write_per_1m",
    "cache_write_5m_mtok": "cache_write_per_1m",
    "cache_write_1h_mtok": "cache_write_1h_per_1m",
    "output_reasoning_mtok": "reasoning_per_1m",
    "input_audio_mtok": "input_audio_per_1m",
    "output_audio_mtok": "output_audio_per_1m",
    "input_image_mtok": "input_image_per_1m",
    "output_image_mtok": "output_image_per_1m",
    "input_video_mtok": "input_video_per_1m",
    "cache_audio_read_mtok": "cached_input_audio_per_1m",
    "cache_image_read_mtok": "cached_input_image_per_1m",
    "web_searches_kcount": "web_search_per_1k",  # per 1,000 calls on both sides
    "storage_searches_kcount": "file_search_per_1k",  # file search: a search of the caller's stored files
}
PER_THOUSAND = {"requests_kcount": "per_request"}
PER_HOUR = {"input_audio_hours": "input_audio_per_minute"}  # divided by 60 where that is exact
# ``audio_hours`` (audio of either direction) next to an equal ``input_audio_hours`` says nothing more.
_SAME_AS = {"audio_hours": "input_audio_hours"}
_EXACT = Context(prec=50, traps=[Inexact, InvalidOperation, DivisionByZero])
_PROVIDER_MAPPED = {"id", "name", "pricing_urls", "description", "models"}
_MODEL_MAPPED = {
    "id",
    "name",
    "description",
    "match",
    "context_window",
    "prices",
    "prices_checked",
    "price_comments",
    "price_variants",
}
_MODEL_IGNORED = {"collapse"}  # how genai-prices builds its own data; nothing to map


def source_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.glob("*.yml") if p.name != "units.yml")
        if not files:
            raise SourceError(f"{path}: no genai-prices provider files (*.yml) in this folder")
        return files
    if not path.exists():
        raise SourceError(f"{path}: no such file or folder")
    return [path]


_REFUSED = ("MC002", "MC013")  # duplicate key; not a finite number


def load(path: Path, text: str | None = None) -> dict[str, Any]:
    """One provider file (``text``, when it was read already), strictly parsed (money as Decimal);
    errors name the line."""
    loaded = load_text(read_text(path) if text is None else text, str(path))
    # A duplicate key (which of the two prices is meant?) and .nan/.inf (read as nothing) are
    # findings the strict loader reads past; in a source they would import a guess.
    ambiguous = [f for f in loaded.findings if f.code in _REFUSED]
    if loaded.data is None or ambiguous:
        first = next(iter(ambiguous or loaded.findings), None)
        raise SourceError(first.message if first else "invalid YAML", first.location if first else None)
    data: dict[str, Any] = loaded.data
    if not isinstance(data.get("models"), list) or not isinstance(data.get("id"), str):
        raise SourceError(f"{path}: not a genai-prices provider file: it needs `id` and a list of `models`")
    return data


def read(path: Path, opts: ReadOptions) -> SourceData:
    files = source_files(path)
    texts = [(f, read_text(f)) for f in files]
    docs = [(f, load(f, text), source_digest(text)) for f, text in texts]
    candidates: list[Candidate] = []
    skipped: list[Skip] = []
    providers: dict[str, ProviderInfo] = {}
    entries = 0
    for file, data, digest in docs:
        provider = PROVIDER_TO_CATALOG.get(data["id"], data["id"])
        providers[provider] = _provider(provider, data)
        label = f"genai-prices {file.name} (sha256:{digest})"
        for model in data["models"]:
            entries += 1
            result = shielded(_name_of(model), provider, _model, model, provider, label, opts)
            (candidates if isinstance(result, Candidate) else skipped).append(result)  # type: ignore[arg-type]
    return SourceData(
        KIND,
        str(path),
        tuple(candidates),
        providers,
        tuple(skipped),
        count_unmapped(candidates, providers.values()),
        (),
        entries,
    )


def _provider(provider: str, data: dict[str, Any]) -> ProviderInfo:
    """The provider file's fields from the source's (outside ``shielded``: every value is tested)."""
    doc: dict[str, Any] = {"name": text_or(data.get("name"), provider), "currency": "USD"}
    urls = data.get("pricing_urls")
    first = urls[0] if isinstance(urls, list) and urls else None
    if isinstance(first, str) and first.startswith(("http://", "https://")):
        doc["pricing_page"] = first
    if isinstance(data.get("description"), str):
        doc["description"] = data["description"]
    return ProviderInfo(provider, doc, tuple(f"provider.{k}" for k in data if k not in _PROVIDER_MAPPED))


def _model(model: Any, provider: str, label: str, opts: ReadOptions) -> Candidate | Skip:
    if not isinstance(model, dict) or not isinstance(model.get("id"), str):
        return Skip(str(model)[:40], "a model without an id", provider)
    name = model["id"]
    if model.get("removed"):
        return Skip(name, "removed in the source", provider)
    unmapped = [k for k in model if k not in _MODEL_MAPPED | _MODEL_IGNORED | {"removed"}]
    checked = day(model.get("prices_checked"))
    periods, undated, notes = _periods(model.get("prices"), opts, checked, f"{label}, model {name}", unmapped)
    if not periods:
        return Skip(name, notes or "no price the catalog can express", provider)
    if notes:
        unmapped.append("prices (an undated price before a dated change: pass --since to keep it)")
    _price_variants(model.get("price_variants"), periods, unmapped)
    if isinstance(model.get("price_comments"), str):
        periods[0]["note"] = model["price_comments"].strip()
    doc: dict[str, Any] = {"name": model.get("name") or name, "status": "active", "enabled": True}
    if isinstance(model.get("description"), str):
        doc["description"] = " ".join(model["description"].split())
    if isinstance(model.get("context_window"), int):
        doc["limits"] = {"context_window": model["context_window"]}
        _drop_tiers_beyond(periods, model["context_window"], unmapped)
    doc["modalities"] = {"input": ["text"], "output": ["text"]}
    doc["pricing"] = periods
    tidy_features(doc)
    aliases, match_unmapped = _aliases(model.get("match"), name)
    unmapped += match_unmapped
    derived = {"status", "modalities", "enabled"} | ({"name"} if not model.get("name") else set())
    return Candidate(provider, name, name, doc, frozenset(derived), undated, None, tuple(unmapped), tuple(aliases))


def _periods(
    prices: Any, opts: ReadOptions, checked: date | None, source: str, unmapped: list[str]
) -> tuple[list[dict[str, Any]], date | None, str]:
    entries = prices if isinstance(prices, list) else [{"prices": prices}]
    base: dict[str, Any] | None = None
    dated: list[tuple[date, dict[str, Any]]] = []
    timed: list[tuple[str, str, dict[str, Any]]] = []
    for entry in entries:
        constraint = entry.get("constraint") or {}
        price = _price_set(entry.get("prices") or {}, unmapped)
        start = day(constraint.get("start_date"))
        if start is not None:
            dated.append((start, price))
        elif "start_time" in constraint:
            hours = f"{constraint.get('start_time')}-{constraint.get('end_time')}".replace("Z", "")
            timed.append((_hours_name(constraint), hours, price))
        elif not constraint:
            base = price
        else:
            unmapped.extend(f"constraint.{k}" for k in constraint)
    periods: list[dict[str, Any]] = []
    undated: date | None = None
    note = ""
    if base is not None and any_price(base):
        first = min((d for d, _ in dated), default=None)
        # The first price is known to be in force on a day before the first dated change:
        # --since, else the day it was checked, else today.
        known = [d for d in (opts.since, checked, opts.today) if d is not None and (first is None or d < first)]
        undated = known[0] if known else None
        if undated is None:
            note = f"price before {first} (no start date in the source; pass --since to keep it)"
        else:
            periods.append({"effective_from": undated, **base})
    periods += [{"effective_from": d, **p} for d, p in sorted(dated, key=lambda x: x[0]) if any_price(p)]
    for period in periods:
        period.update(source=source, checked=opts.today)
    for name, hours, price in timed:  # a daily window: a variant of the newest period
        if periods and any_price(price):
            daily = f"genai-prices time-of-day price: applies {hours} UTC daily"
            periods[-1].setdefault("variants", {})[name] = {**price, "note": daily}
    periods.sort(key=lambda p: p["effective_from"], reverse=True)
    return [_ordered(p) for p in periods], undated, note


def _ordered(period: dict[str, Any]) -> dict[str, Any]:
    head: dict[str, Any] = {k: period[k] for k in ("effective_from", "source", "checked") if k in period}
    return {**head, **{k: v for k, v in period.items() if k not in head}}


def _hours_name(constraint: dict[str, Any]) -> str:
    def hhmm(value: Any) -> str:
        return "".join(str(value).replace("Z", "").split(":")[:2])

    return slug(f"utc_{hhmm(constraint.get('start_time'))}_{hhmm(constraint.get('end_time'))}").lower()


def _price_set(prices: dict[str, Any], unmapped: list[str]) -> dict[str, Any]:
    flat: dict[str, Decimal] = {}
    tiered: dict[str, list[tuple[int, Decimal]]] = {}
    for key, value in prices.items():
        if key in _SAME_AS and prices.get(_SAME_AS[key]) == value:
            continue
        target = PRICES.get(key) or PER_THOUSAND.get(key) or PER_HOUR.get(key)
        if target is None or (key == "cache_write_5m_mtok" and "cache_write_mtok" in prices):
            unmapped.append(f"prices.{key}")
            continue
        if value is None:  # `input_mtok: null`: no price given
            continue
        try:
            if isinstance(value, dict) and "base" in value:
                flat[target] = _scaled(key, source_price(f"prices.{key}.base", value["base"]))
                steps = value.get("tiers") or []
                tiered[target] = [
                    (int(t["start"]), _scaled(key, source_price(f"prices.{key}.tiers.price", t["price"])))
                    for t in steps
                ]
            else:
                flat[target] = _scaled(key, source_price(f"prices.{key}", value))
        except Inexact:
            unmapped.append(f"prices.{key} (not a whole number of decimal places per minute)")
    out: dict[str, Any] = dict(flat)
    starts = sorted({s for steps in tiered.values() for s, _ in steps})
    if starts:
        out["tiers"] = [{"above_input_tokens": s, **_tier_at(s, tiered)} for s in starts]
    return out


def _tier_at(start: int, tiered: dict[str, list[tuple[int, Decimal]]]) -> dict[str, Decimal]:
    """Each tiered key's price at ``start``: its highest tier starting at or below it."""
    out = {}
    for key, steps in tiered.items():
        below = [price for s, price in sorted(steps) if s <= start]
        if below:
            out[key] = below[-1]
    return out


def _scaled(key: str, value: Decimal) -> Decimal:
    if key in PER_HOUR:  # per hour -> per minute; raises Inexact when 1/60 of it has no decimal form
        return _EXACT.divide(value, Decimal(60))
    return value.scaleb(-3) if key in PER_THOUSAND else value  # per 1,000 requests -> per request


def _drop_tiers_beyond(periods: list[dict[str, Any]], context: int, unmapped: list[str]) -> None:
    for period in periods:
        for owner in (period, *period.get("variants", {}).values()):
            tiers = owner.get("tiers") or []
            kept = [t for t in tiers if t["above_input_tokens"] < context]
            if len(kept) != len(tiers):
                unmapped.append("prices (tier beyond the context window)")
            if kept:
                owner["tiers"] = kept
            else:
                owner.pop("tiers", None)


def _aliases(match: Any, name: str) -> tuple[list[str], list[str]]:
    """``equals`` clauses name exact API ids: aliases.  Prefix, substring and
    regex rules have no place in a catalog and are reported."""
    aliases: list[str] = []
    unmapped: list[str] = []

    def walk(clause: Any) -> None:
        if not isinstance(clause, dict):
            return
        for key, value in clause.items():
            if key in ("or", "and") and isinstance(value, list):
                for sub in value:
                    walk(sub)
            elif key == "equals" and isinstance(value, str):
                if value != name and value not in aliases:
                    aliases.append(value)
            else:
                unmapped.append(f"match.{key}")

    walk(match)
    return aliases, sorted(set(unmapped))


def _price_variants(value: Any, periods: list[dict[str, Any]], unmapped: list[str]) -> None:
    """genai-prices >= 0.2 ``price_variants: [{when: {processing: batch}, prices, constraint?}]``.

    A variant dated from D applies to the period in force on D and every
    later one (until a later entry of the same name)."""
    if not isinstance(value, list):
        if value is not None:
            unmapped.append("price_variants")
        return
    oldest_first = sorted(periods, key=lambda p: p["effective_from"])
    for entry in sorted(value, key=lambda e: day((e.get("constraint") or {}).get("start_date")) or date.min):
        name = _variant_name(entry.get("when"))
        prices = _price_set(entry.get("prices") or {}, unmapped)
        if name is None or not any_price(prices):
            if any_price(prices) or name is None:
                unmapped.append(f"price_variants.when ({entry.get('when')})")
            continue
        start = day((entry.get("constraint") or {}).get("start_date")) or date.min
        in_force = [p for p in oldest_first if p["effective_from"] <= start] or oldest_first[:1]
        for period in oldest_first[oldest_first.index(in_force[-1]) :]:
            period.setdefault("variants", {})[name] = dict(prices)


def _variant_name(when: Any) -> str | None:
    if not isinstance(when, dict) or len(when) != 1:
        return None
    key, value = next(iter(when.items()))
    if key == "search_type" or not isinstance(value, str):
        return None
    name = slug(value.rsplit("/", 1)[-1]).lower().replace(".", "_")
    return name if name[:1].isalpha() else None


def _name_of(model: Any) -> str:
    return model["id"] if isinstance(model, dict) and isinstance(model.get("id"), str) else str(model)[:40]
