"""Generate a synthetic, realistic and valid modelctl catalog for benchmarks.

    python bench/gen_catalog.py OUT_DIR --models 5000 [--providers 25] [--seed 0]

The output has the layout of a real catalog (``catalog.yaml``,
``providers/<provider>.yaml``, ``models/<provider>/<id>.yaml``) and files that
look like hand-written ones: aliases, dates, limits, modalities, features that
agree with the modalities, one to three price periods newest first, context
tiers, batch/flex/priority/regional variants, deprecations whose replacement
is an active model.  The same arguments always give the same bytes (a seeded
``random.Random``; no clock, no hash order).  The providers and prices are
invented: the catalog is for timing, not for pricing anything.

Other benchmarks and tests import :func:`generate` (``bench/`` on ``sys.path``).
Standard library only.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

__all__ = ["generate", "main"]

SCHEMA_LINE = "# yaml-language-server: $schema={}schema/{}.schema.json"
CATALOG_HEADER = SCHEMA_LINE.format("../", "catalog")
PROVIDER_HEADER = SCHEMA_LINE.format("../../", "provider")
MODEL_HEADER = SCHEMA_LINE.format("../../../", "model")

# Every date is fixed, so the output never depends on the day it is generated.
# "Today" for the real catalog's rules is late 2026: `checked` dates stay
# before it, deprecated models retire after it, retired ones before it.
FIRST_RELEASE = date(2023, 1, 10)
LAST_RELEASE = date(2026, 9, 30)
LAST_EFFECTIVE = date(2026, 10, 31)
CHECKED_FROM = date(2026, 1, 5)
CHECKED_UNTIL = date(2026, 11, 20)
ANNOUNCED_UNTIL = date(2026, 11, 15)

# (id, name, kind); ids past this list get a numeric suffix.
PROVIDERS: list[tuple[str, str, str]] = [
    ("aurora", "Aurora AI", "lab"),
    ("bluefin", "Bluefin Labs", "lab"),
    ("cirrus", "Cirrus Cloud", "cloud"),
    ("delta-compute", "Delta Compute", "host"),
    ("ember", "Ember Research", "lab"),
    ("fathom", "Fathom", "lab"),
    ("granite-cloud", "Granite Cloud", "cloud"),
    ("halcyon", "Halcyon AI", "lab"),
    ("ion-router", "Ion Router", "aggregator"),
    ("juniper", "Juniper Intelligence", "lab"),
    ("kestrel", "Kestrel Systems", "host"),
    ("lumen", "Lumen Labs", "lab"),
    ("meridian", "Meridian Cloud", "cloud"),
    ("nimbus", "Nimbus Inference", "host"),
    ("orbit", "Orbit AI", "aggregator"),
    ("pioneer", "Pioneer Models", "lab"),
    ("quanta", "Quanta", "host"),
    ("redwood", "Redwood AI", "lab"),
    ("solstice", "Solstice", "lab"),
    ("tundra", "Tundra Cloud", "cloud"),
    ("umbra", "Umbra Labs", "lab"),
    ("vantage", "Vantage Inference", "host"),
    ("willow", "Willow AI", "lab"),
    ("xenon", "Xenon Compute", "host"),
    ("zephyr", "Zephyr AI", "lab"),
]
KIND_BLURB = {
    "lab": "trains and serves its own models",
    "cloud": "a cloud marketplace hosting models from several labs",
    "host": "serves open-weight models on its own GPUs",
    "aggregator": "routes requests to other providers behind one API",
}

STEMS = (
    "nova atlas sage quill spark drift prism echo tempo pulse vega lyra orca falcon cobalt "
    "onyx sable flux helix zenith comet raven aria titan mosaic beacon cinder glacier harbor iris"
).split()
VERSIONS = ["1", "1.5", "2", "2.5", "3", "3.5", "4", "4.1", "4.5", "5"]
SUFFIXES = ["", "", "", "instruct", "chat", "vision", "coder", "reasoning", "latest"]

# size -> (input prices to pick from, context windows to pick from)
SIZES: dict[str, tuple[list[str], list[int]]] = {
    "nano": (["0.05", "0.075", "0.10"], [32768, 128000, 1000000]),
    "lite": (["0.05", "0.075", "0.10", "0.15"], [32768, 128000, 1048576]),
    "8b": (["0.05", "0.06", "0.10", "0.18"], [8192, 32768, 128000]),
    "mini": (["0.10", "0.15", "0.25", "0.40"], [128000, 200000, 400000]),
    "flash": (["0.10", "0.15", "0.30", "0.50"], [128000, 1048576]),
    "turbo": (["0.20", "0.40", "0.60", "1.00"], [32768, 128000]),
    "": (["0.50", "0.60", "0.80", "1.00", "1.25", "2.00"], [65536, 128000, 200000]),
    "70b": (["0.35", "0.59", "0.80", "0.90"], [8192, 32768, 131072]),
    "pro": (["1.25", "2.00", "2.50", "3.00"], [200000, 400000, 1048576, 2000000]),
    "max": (["2.50", "3.00", "5.00"], [200000, 256000, 1000000]),
    "405b": (["2.70", "3.00", "3.50"], [32768, 131072]),
    "ultra": (["5.00", "10.00", "15.00", "30.00"], [128000, 200000]),
}
OUTPUT_MULTIPLIERS = ["1", "1.2", "1.5", "2", "3", "4", "4", "5", "6", "8"]
CACHE_RATIOS = ["0.1", "0.25", "0.5"]
MAX_OUTPUTS = [4096, 8192, 16384, 32768, 65536, 128000]
FEATURES = (  # the schema's order
    "json_mode structured_outputs function_calling vision audio_input audio_output image_generation "
    "reasoning prompt_caching streaming web_search pdf_input embeddings batch_api fine_tuning"
).split()
MODALITIES = ["text", "image", "audio", "video", "pdf"]
PURPOSES = ["chat", "vision", "reasoning", "embedding", "coding", "fast"]
STATUS_WEIGHTS = {"active": 78, "preview": 6, "deprecated": 12, "retired": 4}
MIN_PRICE = Decimal("0.01")
# modelctl warns (MC310) about prices over 1,000 per 1M: keep every price well below.
MAX_INPUT = Decimal("60")
MAX_MEDIA = Decimal("800")
_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9 ._/()-]*\Z")
_YAML11_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}


# --------------------------------------------------------------------------- data


@dataclass(slots=True)
class Provider:
    id: str
    name: str
    kind: str
    website: str
    pricing_page: str
    stems: list[str]


@dataclass(slots=True)
class Model:
    provider: Provider
    id: str
    name: str
    stem: str
    version: str
    size: str
    suffix: str
    status: str = "active"
    released: date = FIRST_RELEASE
    replacement: str | None = None
    lines: list[str] = field(default_factory=list)

    @property
    def ref(self) -> str:
        return f"{self.provider.id}/{self.id}"


@dataclass(slots=True)
class Prices:
    """One set of prices: input, and the ratios that derive the others."""

    input: Decimal
    output_mult: Decimal
    cache_ratio: Decimal | None

    def scaled(self, factor: Decimal) -> Prices:
        return Prices(_round(self.input * factor), self.output_mult, self.cache_ratio)

    def items(self) -> list[tuple[str, Decimal]]:
        out = [("input_per_1m", self.input)]
        if self.cache_ratio is not None:
            out.append(("cached_input_per_1m", _round(self.input * self.cache_ratio)))
        out.append(("output_per_1m", _round(self.input * self.output_mult)))
        return out


# --------------------------------------------------------------------------- helpers


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _media(value: Decimal) -> Decimal:
    return min(value, MAX_MEDIA)


def _money(value: Decimal) -> str:
    """A plain decimal with 2-4 decimals: 2.50, 0.075, 0.0938; never 1E+1."""
    text = f"{_round(value):f}".rstrip("0")
    whole, _, frac = text.partition(".")
    return f"{whole}.{frac.ljust(2, '0')}"


def _scalar(text: str, *, flow: bool = False) -> str:
    """``text`` as a YAML scalar: plain where that reads back as the same string."""
    plain = _PLAIN.match(text) or (not flow and _PLAIN.match(text.replace(", ", " ")))
    if plain and text.lower() not in _YAML11_WORDS:
        return text
    return json.dumps(text)


def _flow_list(items: list[str]) -> str:
    return "[" + ", ".join(_scalar(i, flow=True) for i in items) + "]"


def _flow_map(pairs: list[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"


def _price_pairs(items: list[tuple[str, Decimal]]) -> list[tuple[str, str]]:
    return [(k, _money(v)) for k, v in items]


def _day_between(rng: random.Random, start: date, end: date) -> date:
    if end <= start:
        return start
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _month_start(day: date) -> date:
    return day.replace(day=1)


# --------------------------------------------------------------------------- planning


def _plan_providers(rng: random.Random, count: int) -> list[Provider]:
    providers = []
    for i in range(count):
        base_id, base_name, kind = PROVIDERS[i % len(PROVIDERS)]
        lap = i // len(PROVIDERS)
        pid = base_id if lap == 0 else f"{base_id}-{lap + 1}"
        name = base_name if lap == 0 else f"{base_name} {lap + 1}"
        website = f"https://{pid.replace('-', '')}.example.com"
        stems = rng.sample(STEMS, rng.randint(3, 7))
        providers.append(Provider(pid, name, kind, website, f"{website}/pricing", stems))
    return providers


def _allocate(rng: random.Random, models: int, providers: list[Provider]) -> list[Provider]:
    """One provider per model, uneven like a real catalog, each provider used once first."""
    first = providers[:models]
    weights = [rng.uniform(0.3, 3.0) for _ in providers]
    rest = rng.choices(providers, weights=weights, k=max(0, models - len(first)))
    return first + rest


def _new_model(rng: random.Random, provider: Provider, taken: set[str]) -> Model:
    for attempt in range(50):
        stem = rng.choice(provider.stems)
        version, size, suffix = rng.choice(VERSIONS), rng.choice(list(SIZES)), rng.choice(SUFFIXES)
        mid = "-".join(part for part in (stem, version, size, suffix) if part)
        if attempt > 10:  # a crowded provider: number the revisions
            mid = f"{mid}-r{attempt}"
        if mid not in taken:
            taken.add(mid)
            words = [stem.capitalize(), version, size.upper() if size[:1].isdigit() else size.capitalize()]
            words.append(suffix.capitalize())
            name = " ".join(w for w in words if w)
            return Model(provider, mid, name, stem, version, size, suffix)
    raise RuntimeError(f"cannot find a free model id for provider {provider.id}")


def _plan_models(rng: random.Random, count: int, providers: list[Provider]) -> list[Model]:
    taken: dict[str, set[str]] = {p.id: set() for p in providers}
    models = []
    for provider in _allocate(rng, count, providers):
        model = _new_model(rng, provider, taken[provider.id])
        model.status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
        model.released = _release_date(rng, model.status)
        models.append(model)
    _assign_replacements(rng, models)
    return models


def _release_date(rng: random.Random, status: str) -> date:
    if status == "preview":
        return _day_between(rng, date(2026, 3, 1), LAST_RELEASE)
    if status == "retired":
        return _day_between(rng, FIRST_RELEASE, date(2024, 12, 31))
    if status == "deprecated":
        return _day_between(rng, FIRST_RELEASE, date(2025, 12, 31))
    return _day_between(rng, FIRST_RELEASE, LAST_RELEASE)


def _assign_replacements(rng: random.Random, models: list[Model]) -> None:
    """Point each deprecated or retired model at an active one, preferring its provider."""
    active_by_provider: dict[str, list[Model]] = {}
    for m in models:
        if m.status == "active":
            active_by_provider.setdefault(m.provider.id, []).append(m)
    every_active = [m for m in models if m.status == "active"]
    for m in models:
        if m.status not in ("deprecated", "retired"):
            continue
        pool = active_by_provider.get(m.provider.id) or every_active
        if not pool:
            m.status = "active"  # a tiny catalog with nothing to move to
            continue
        newer = [c for c in pool if c.stem == m.stem and c.released > m.released]
        m.replacement = rng.choice(newer or pool).ref


# --------------------------------------------------------------------------- rendering


def _modalities(rng: random.Random, model: Model) -> tuple[list[str], list[str]]:
    inputs = {"text"}
    vision_bias = 0.9 if model.suffix == "vision" or model.size in ("pro", "max", "ultra") else 0.45
    if rng.random() < vision_bias:
        inputs.add("image")
        if rng.random() < 0.35:
            inputs.add("pdf")
        if rng.random() < 0.12:
            inputs.add("video")
    if rng.random() < 0.1:
        inputs.add("audio")
    outputs = {"text"}
    if "audio" in inputs and rng.random() < 0.4:
        outputs.add("audio")
    if "image" in inputs and rng.random() < 0.04:
        outputs.add("image")
    order = MODALITIES.index
    return sorted(inputs, key=order), sorted(outputs, key=order)


def _features(
    rng: random.Random, model: Model, inputs: list[str], outputs: list[str], *, caching: bool, batch: bool
) -> list[str]:
    chosen = {"vision": "image" in inputs, "pdf_input": "pdf" in inputs}
    chosen |= {"audio_input": "audio" in inputs, "audio_output": "audio" in outputs}
    chosen |= {"image_generation": "image" in outputs, "prompt_caching": caching, "batch_api": batch}
    chosen["streaming"] = rng.random() < 0.95
    chosen["function_calling"] = rng.random() < 0.8
    chosen["json_mode"] = rng.random() < 0.7
    chosen["structured_outputs"] = chosen["json_mode"] and rng.random() < 0.6
    chosen["reasoning"] = model.suffix == "reasoning" or rng.random() < 0.15
    chosen["web_search"] = rng.random() < 0.08
    chosen["fine_tuning"] = model.provider.kind == "lab" and rng.random() < 0.2
    return [f for f in FEATURES if chosen.get(f)]


def _limits(rng: random.Random, model: Model) -> tuple[int, str]:
    context = rng.choice(SIZES[model.size][1])
    max_out = rng.choice([m for m in MAX_OUTPUTS if m < context // 2] or [context // 4])
    pairs = [("context_window", str(context))]
    if rng.random() < 0.15:
        pairs.append(("max_input_tokens", str(context - max_out)))
    pairs.append(("max_output_tokens", str(max_out)))
    return context, _flow_map(pairs)


def _period_dates(rng: random.Random, released: date, periods: int) -> list[date]:
    """Newest first, strictly decreasing; the oldest is the release day."""
    span = (LAST_EFFECTIVE - released).days
    periods = max(1, min(periods, span // 45 + 1))
    later = rng.sample(range(30, span + 1), periods - 1) if periods > 1 else []
    days = [released + timedelta(days=d) for d in sorted(later, reverse=True)]
    return days + [released]


def _tiers(rng: random.Random, context: int) -> list[tuple[int, Decimal]]:
    if context > 400000 and rng.random() < 0.5:
        return [(128000, Decimal("1.5")), (272000, Decimal("2"))]
    if context > 200000 and rng.random() < 0.4:
        return [(200000, Decimal("2"))]
    return []


def _variants(rng: random.Random, kind: str) -> list[tuple[str, Decimal]]:
    out = []
    if rng.random() < 0.35:
        out.append(("batch", Decimal("0.5")))
    if rng.random() < 0.12:
        out.append(("flex", Decimal("0.5")))
    if rng.random() < 0.08:
        out.append(("priority", rng.choice([Decimal("1.75"), Decimal("2")])))
    if kind == "cloud" and rng.random() < 0.3:
        out.append(("eu", Decimal("1.1")))
    return out


@dataclass(slots=True)
class _Shape:
    """Everything about a model's prices that stays the same across its periods."""

    caching: bool
    cache_writes: bool
    tiers: list[tuple[int, Decimal]]
    variants: list[tuple[str, Decimal]]
    audio_in: bool
    audio_out: bool
    image_out: bool
    reasoning_apart: bool


def _period_lines(
    model: Model, shape: _Shape, prices: Prices, *, effective: date, checked: date, newest: bool
) -> list[str]:
    lines = [
        f"  - effective_from: {effective.isoformat()}",
        f"    source: {model.provider.pricing_page}",
        f"    checked: {checked.isoformat()}",
    ]
    lines += [f"    {k}: {_money(v)}" for k, v in prices.items()]
    if shape.cache_writes and prices.cache_ratio is not None:
        lines.append(f"    cache_write_per_1m: {_money(prices.input * Decimal('1.25'))}")
        lines.append(f"    cache_write_1h_per_1m: {_money(prices.input * 2)}")
    if shape.reasoning_apart:
        lines.append(f"    reasoning_per_1m: {_money(prices.input * prices.output_mult)}")
    if shape.audio_in:
        lines.append(f"    input_audio_per_1m: {_money(_media(prices.input * 8))}")
    if shape.audio_out:
        lines.append(f"    output_audio_per_1m: {_money(_media(prices.input * prices.output_mult * 4))}")
    if shape.image_out:
        lines.append(f"    output_image_per_1m: {_money(_media(prices.input * 16))}")
    if not newest:  # older periods keep the basics and the flat variants, as real histories do
        return lines + _older_variant_lines(shape, prices)
    if shape.tiers:
        lines.append("    tiers:")
        for threshold, factor in shape.tiers:
            lines.append(f"      - above_input_tokens: {threshold}")
            lines += [f"        {k}: {_money(v)}" for k, v in prices.scaled(factor).items()]
    if shape.variants:
        lines.append("    variants:")
        for name, factor in shape.variants:
            lines += _variant_lines(name, prices.scaled(factor), shape.tiers)
    return lines


def _older_variant_lines(shape: _Shape, prices: Prices) -> list[str]:
    flat = [(name, factor) for name, factor in shape.variants if name in ("batch", "eu")]
    if not flat:
        return []
    lines = ["    variants:"]
    return lines + [f"      {n}: {_flow_map(_price_pairs(prices.scaled(f).items()))}" for n, f in flat]


def _variant_lines(name: str, prices: Prices, tiers: list[tuple[int, Decimal]]) -> list[str]:
    if not tiers:
        return [f"      {name}: {_flow_map(_price_pairs(prices.items()))}"]
    lines = [f"      {name}:"]
    lines += [f"        {k}: {_money(v)}" for k, v in prices.items()]
    lines.append("        tiers:")
    for threshold, factor in tiers:
        pairs = [("above_input_tokens", str(threshold))] + _price_pairs(prices.scaled(factor).items())
        lines.append(f"          - {_flow_map(pairs)}")
    return lines


def _base_prices(rng: random.Random, model: Model, caching: bool) -> Prices:
    base = Decimal(rng.choice(SIZES[model.size][0]))
    mult = Decimal(rng.choice(OUTPUT_MULTIPLIERS))
    ratio = None
    if caching:
        # Keep every derived cache price (batch halves it) at 0.01 or more.
        fits = [Decimal(r) for r in CACHE_RATIOS if base * Decimal(r) >= 2 * MIN_PRICE]
        ratio = rng.choice(fits)
    return Prices(base, mult, ratio)


def _pricing_lines(rng: random.Random, model: Model, shape: _Shape) -> list[str]:
    periods = rng.choices([1, 2, 3], weights=[15, 45, 40])[0]
    days = _period_dates(rng, model.released, periods)
    checked = _day_between(rng, max(CHECKED_FROM, days[0]), CHECKED_UNTIL)
    prices = _base_prices(rng, model, shape.caching)
    lines = ["pricing:                       # USD per 1M tokens unless the key says otherwise; newest first"]
    for i, day in enumerate(days):
        if i:  # prices fall over time: an older period was dearer
            factor = Decimal(rng.choice(["1.2", "1.25", "1.5", "2"]))
            prices = prices.scaled(factor if prices.input * factor <= MAX_INPUT else Decimal(1))
        lines += _period_lines(model, shape, prices, effective=day, checked=checked, newest=i == 0)
    return lines


def _aliases(rng: random.Random, model: Model) -> list[str]:
    snap = model.released
    choices = [
        f"{model.id}-{snap.isoformat()}",
        f"{model.id}-{snap.strftime('%Y%m%d')}",
        f"{model.provider.id}/{model.id}",
        f"{model.provider.id}.{model.id}-v1:0",
    ]
    return rng.sample(choices, rng.choices([0, 1, 2], weights=[25, 55, 20])[0])


def _lifecycle_lines(rng: random.Random, model: Model) -> list[str]:
    if model.status == "deprecated":
        announced = _day_between(rng, max(date(2026, 1, 5), model.released), ANNOUNCED_UNTIL)
        retires = _day_between(rng, date(2027, 1, 15), date(2027, 9, 30))
    elif model.status == "retired":
        announced = _day_between(rng, date(2025, 1, 15), date(2025, 12, 31))
        retires = _day_between(rng, announced + timedelta(days=90), date(2026, 10, 31))
    else:
        return []
    pairs = [("announced", announced.isoformat()), ("retires", retires.isoformat())]
    pairs.append(("replacement", str(model.replacement)))
    return [f"deprecation: {_flow_map(pairs)}"]


def _describe(rng: random.Random, model: Model) -> str:
    size = {"": "general-purpose", "8b": "small open-weight", "70b": "mid-size open-weight"}.get(
        model.size, "large open-weight" if model.size == "405b" else model.size
    )
    use = rng.choice(["chat", "coding", "agents", "document work", "summaries", "retrieval-augmented answers"])
    return f"The {size} {model.stem.capitalize()} {model.version} model, tuned for {use}."


def _model_text(rng: random.Random, model: Model) -> str:
    inputs, outputs = _modalities(rng, model)
    context, limits = _limits(rng, model)
    variants = _variants(rng, model.provider.kind)
    caching = rng.random() < 0.55
    reasoning_apart = model.suffix == "reasoning" and rng.random() < 0.3
    shape = _Shape(
        caching=caching,
        cache_writes=caching and rng.random() < 0.3,
        tiers=_tiers(rng, context),
        variants=variants,
        audio_in="audio" in inputs,
        audio_out="audio" in outputs,
        image_out="image" in outputs,
        reasoning_apart=reasoning_apart,
    )
    features = _features(rng, model, inputs, outputs, caching=caching, batch=any(n == "batch" for n, _ in variants))
    lines = [
        MODEL_HEADER,
        f"id: {_scalar(model.id)}",
        f"name: {_scalar(model.name)}",
        f"description: {_scalar(_describe(rng, model))}",
        f"family: {_scalar(f'{model.stem}-{model.version}')}",
        f"status: {model.status}",
        f"enabled: {'false' if model.status == 'retired' else 'true'}",
    ]
    aliases = _aliases(rng, model)
    if aliases:
        lines.append(f"aliases: {_flow_list(aliases)}")
    lines.append(f"released: {model.released.isoformat()}")
    if rng.random() < 0.75:
        cutoff = _month_start(model.released - timedelta(days=rng.randint(90, 400)))
        lines.append(f"knowledge_cutoff: {cutoff.isoformat()}")
    if model.provider.kind == "host" or model.size in ("8b", "70b", "405b"):
        lines.append("open_weights: true")
    lines += _lifecycle_lines(rng, model)
    lines.append(f"limits: {limits}")
    lines.append(f"modalities: {_flow_map([('input', _flow_list(inputs)), ('output', _flow_list(outputs))])}")
    lines.append(f"features: {_flow_list(features)}")
    lines += _pricing_lines(rng, model, shape)
    return "\n".join(lines) + "\n"


def _provider_text(provider: Provider) -> str:
    lines = [
        PROVIDER_HEADER,
        f"id: {provider.id}",
        f"name: {_scalar(provider.name)}",
        f"kind: {provider.kind}",
        f"description: {_scalar(f'{provider.name} {KIND_BLURB[provider.kind]}.')}",
        f"website: {provider.website}",
        f"pricing_page: {provider.pricing_page}",
        "currency: USD",
    ]
    return "\n".join(lines) + "\n"


def _catalog_text(models: int, providers: int, seed: int) -> str:
    lines = [
        CATALOG_HEADER,
        "name: synthetic benchmark catalog",
        "description: >-",
        f"  {models} invented models over {providers} invented providers, written by",
        f"  bench/gen_catalog.py (seed {seed}) to time modelctl. Not real prices.",
        "currency: USD",
        f"purposes: {_flow_list(PURPOSES)}",
        "stale_after_days: 365",
        "review_threshold_percent: 10",
        "rules: {}",
    ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- writing


def _prepare(out_dir: Path, *, overwrite: bool) -> None:
    parts = [out_dir / "catalog.yaml", out_dir / "providers", out_dir / "models"]
    if not overwrite and any(p.exists() for p in parts):
        raise FileExistsError(f"{out_dir} already holds a catalog (use overwrite=True / --force)")
    for part in parts:
        if part.is_dir():
            shutil.rmtree(part)
        elif part.exists():
            part.unlink()
    (out_dir / "providers").mkdir(parents=True)
    (out_dir / "models").mkdir()


def generate(out_dir: Path, models: int, providers: int = 25, seed: int = 0, *, overwrite: bool = False) -> None:
    """Write a valid synthetic catalog of ``models`` models over ``providers`` providers.

    ``out_dir`` gets ``catalog.yaml``, ``providers/<id>.yaml`` and
    ``models/<provider>/<id>.yaml``.  The output depends only on the
    arguments.  Raises ``FileExistsError`` if ``out_dir`` already holds a
    catalog, unless ``overwrite`` is true (then only ``catalog.yaml``,
    ``providers/`` and ``models/`` are replaced).
    """
    if models < 1 or providers < 1:
        raise ValueError("models and providers must be at least 1")
    out_dir = Path(out_dir)
    rng = random.Random(seed)
    plan_providers = _plan_providers(rng, providers)
    plan_models = _plan_models(rng, models, plan_providers)
    _prepare(out_dir, overwrite=overwrite)
    (out_dir / "catalog.yaml").write_text(_catalog_text(models, providers, seed), encoding="utf-8")
    for provider in plan_providers:
        (out_dir / "providers" / f"{provider.id}.yaml").write_text(_provider_text(provider), encoding="utf-8")
        (out_dir / "models" / provider.id).mkdir()
    for model in plan_models:
        path = out_dir / "models" / model.provider.id / f"{model.id}.yaml"
        path.write_text(_model_text(rng, model), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command line: ``gen_catalog.py OUT_DIR --models N [--providers P] [--seed S] [--force]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR", help="directory to write the catalog into")
    parser.add_argument("--models", type=int, default=5000, help="number of models (default 5000)")
    parser.add_argument("--providers", type=int, default=25, help="number of providers (default 25)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--force", action="store_true", help="replace a catalog already in OUT_DIR")
    args = parser.parse_args(argv)
    if args.models < 1 or args.providers < 1:
        parser.error("--models and --providers must be at least 1")
    try:
        generate(args.out_dir, args.models, args.providers, args.seed, overwrite=args.force)
    except FileExistsError as exc:
        print(f"gen_catalog: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.models} models over {args.providers} providers to {args.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
