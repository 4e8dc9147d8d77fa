"""An artifact -> LiteLLM's model cost map (``model_prices_and_context_window.json``
shape), for ``litellm.register_model`` or a proxy's custom pricing.

LiteLLM wants USD per token as JSON numbers: each is computed exactly as
``Decimal(price) / 10**6`` and written from its Decimal text (``2.5e-06``),
so no float noise appears.  Tiers become ``_above_<N>k_tokens`` keys (for xAI, whose thresholds LiteLLM
treats as inclusive, ``above_input_tokens: 199999`` is ``_above_200k_tokens``), the
batch/flex/priority variants ``_batches``/``_flex``/``_priority`` keys.
``web_search_per_1k`` becomes ``search_context_cost_per_query`` (per call, the same for
every context size), ``input_audio_per_minute`` ``input_cost_per_audio_per_second``
(divided by 60, rounded to 17 significant digits: 1/60 has no decimal form).
A variant with time-of-day windows (DeepSeek's off-peak hours) becomes
``off_peak_pricing`` (``hours_utc`` for every-day windows, ``windows`` with ISO
weekdays 1-7 for the others, and its per-token rates).
What LiteLLM's shape cannot say (another variant name, a tier threshold that
is not a whole number of thousands, a non-USD price) is left out and noted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import Any

from modelctl.interop.exporters.common import Artifact, Number, in_force, variants_of
from modelctl.interop.importers.litellm import (
    CATALOG_TO_PROVIDER,
    FLAGS,
    INCLUSIVE_TIERS,
    PER_SECOND,
    PER_TOKEN,
    PER_UNIT,
    SEARCH_KEY,
    VARIANTS,
    litellm_k,
)

BARE_PROVIDERS = frozenset({"openai", "anthropic"})  # LiteLLM's keys for these carry no provider prefix
TOKEN_KEYS = {v: k for k, v in PER_TOKEN.items()}
UNIT_KEYS = {v: k for k, v in PER_UNIT.items()}
SECOND_KEYS = {v: k for k, v in PER_SECOND.items()}  # input_audio_per_minute -> ..._per_audio_per_second
SEARCH_SIZES = ("search_context_size_low", "search_context_size_medium", "search_context_size_high")
# A per-minute price as per second: 1/60 has no decimal form, so the quotient is rounded to
# 17 significant digits (what a JSON float carries); the exact price is the catalog's.
_PER_SECOND = Context(prec=17, rounding=ROUND_HALF_EVEN)
SUFFIX = {v: k for k, v in VARIANTS.items()}  # batch -> batches
FLAG_OF = {v: k for k, v in FLAGS.items()}


@dataclass(slots=True)
class Export:
    data: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def litellm_provider(provider: str) -> str:
    return CATALOG_TO_PROVIDER.get(provider, provider)


def key_of(provider: str, name: str) -> str:
    lp = litellm_provider(provider)
    return name if lp in BARE_PROVIDERS else f"{lp}/{name}"


def export(artifact: Artifact, at: date) -> Export:
    out = Export()
    entries: dict[str, Any] = {}
    for ref, model in sorted(artifact.models.items()):
        if model.get("currency", "USD") != "USD":
            out.notes.append(f"{ref}: prices in {model['currency']}, LiteLLM's map is USD: left out")
            continue
        period = in_force(model, at)
        if period is None:
            out.notes.append(f"{ref}: no price in force on {at}: left out")
            continue
        entry = _entry(ref, model, period, out.notes)
        for name in (model["id"], *model.get("aliases", ())):
            key = key_of(model["provider"], name)
            if key in entries:
                out.notes.append(f"{ref}: key {key!r} is already {entries[key][0]}'s: not repeated")
                continue
            entries[key] = (ref, entry)
    out.data = {k: v for k, (_, v) in sorted(entries.items())}
    return out


def _entry(ref: str, model: dict[str, Any], period: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    limits = model.get("limits", {})
    features = set(model.get("features", ()))
    outputs = model.get("modalities", {}).get("output", ["text"])
    entry: dict[str, Any] = {"litellm_provider": litellm_provider(model["provider"]), "mode": _mode(features, outputs)}
    max_in = limits.get("max_input_tokens") or limits.get("context_window")
    entry["max_input_tokens"] = max_in
    if limits.get("max_output_tokens"):
        entry["max_output_tokens"] = limits["max_output_tokens"]
    entry["max_tokens"] = limits.get("max_output_tokens") or max_in
    inclusive = entry["litellm_provider"] in INCLUSIVE_TIERS
    _prices(entry, period.get("prices", {}), period.get("tiers", ()), "", ref, notes, inclusive)
    for name in variants_of(period):
        if name not in SUFFIX and period["variants"][name].get("windows") and "off_peak_pricing" not in entry:
            entry["off_peak_pricing"] = _off_peak(period["variants"][name], ref, notes)
            continue
        if name not in SUFFIX:
            notes.append(f"{ref}: variant {name!r} has no LiteLLM key: left out")
            continue
        variant = period["variants"][name]
        _prices(entry, variant.get("prices", {}), variant.get("tiers", ()), f"_{SUFFIX[name]}", ref, notes, inclusive)
    for feature in sorted(features):
        if feature in FLAG_OF:
            entry[FLAG_OF[feature]] = True
    inputs = [m for m in model.get("modalities", {}).get("input", ["text"]) if m != "pdf"]
    entry["supported_modalities"] = inputs
    entry["supported_output_modalities"] = [m for m in outputs if m != "pdf"]
    dep = model.get("deprecation") or {}
    if dep.get("retires"):
        entry["deprecation_date"] = dep["retires"]
    return entry


def _mode(features: set[str], outputs: list[str]) -> str:
    if "embeddings" in features:
        return "embedding"
    if "image_generation" in features and "text" not in outputs:
        return "image_generation"
    return "chat"


def _prices(
    entry: dict[str, Any], prices: dict[str, str], tiers: Any, suffix: str, ref: str, notes: list[str], inclusive: bool
) -> None:
    for key, text in prices.items():
        if key == "web_search_per_1k":
            _search(entry, text, suffix, ref, notes)
            continue
        name = _name(key)
        if name is None:
            notes.append(f"{ref}: {key} has no LiteLLM key: left out")
            continue
        entry[name + suffix] = _number(key, text)
    for tier in tiers:
        above = tier["above_input_tokens"]
        k = litellm_k(above, inclusive=inclusive)
        if k is None:
            how = (
                "from a whole number of thousands on (LiteLLM's xAI tiers are inclusive)"
                if inclusive
                else ("above a whole number of thousands")
            )
            notes.append(f"{ref}: tier above {above:,} tokens does not start {how}: left out")
            continue
        for key, text in tier["prices"].items():
            name = _name(key)
            if name is not None:
                entry[f"{name}_above_{k}k_tokens{suffix}"] = _number(key, text)
            else:
                notes.append(f"{ref}: {key} in the tier above {above:,} tokens has no LiteLLM key: left out")


def _search(entry: dict[str, Any], text: str, suffix: str, ref: str, notes: list[str]) -> None:
    """``web_search_per_1k`` -> ``search_context_cost_per_query`` (USD per call, every context size)."""
    per_call = Number(Decimal(text).scaleb(-3))
    if suffix:
        same = getattr(entry.get(SEARCH_KEY, {}).get("search_context_size_medium"), "text", None) == per_call.text
        if not same:
            notes.append(f"{ref}: web_search_per_1k of variant {suffix[1:]} has no LiteLLM key: left out")
        return
    entry[SEARCH_KEY] = dict.fromkeys(SEARCH_SIZES, per_call)


def _name(key: str) -> str | None:
    return TOKEN_KEYS.get(key) or UNIT_KEYS.get(key) or SECOND_KEYS.get(key)


def _number(key: str, text: str) -> Number:
    value = Decimal(text)
    if key in TOKEN_KEYS:
        return Number(value.scaleb(-6))
    if key in SECOND_KEYS:
        return Number(_PER_SECOND.divide(value, Decimal(60)))
    return Number(value)


# The rates LiteLLM's off_peak_pricing takes (a price key the variant gives outside these is noted).
OFF_PEAK_RATES = frozenset(
    {
        "input_cost_per_token",
        "output_cost_per_token",
        "output_cost_per_reasoning_token",
        "cache_read_input_token_cost",
        "cache_creation_input_token_cost",
    }
)
ISO_WEEKDAY = {"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7}


def _hours(window: dict[str, Any]) -> str:
    """A window as LiteLLM writes it: "HH:MM-HH:MM", midnight as 00:00 ("00:00-00:00" is all day)."""
    end = "00:00" if window["end"] == "24:00" else window["end"]
    return f"{window['start']}-{end}"


def _off_peak(variant: dict[str, Any], ref: str, notes: list[str]) -> dict[str, Any]:
    block: dict[str, Any] = {}
    for key, text in variant.get("prices", {}).items():
        name = _name(key)
        if name in OFF_PEAK_RATES:
            block[name] = _number(key, text)
        else:
            notes.append(f"{ref}: off-peak {key} has no LiteLLM off_peak_pricing key: left out")
    every_day = [_hours(w) for w in variant["windows"] if not w.get("weekdays")]
    if every_day:
        block["hours_utc"] = every_day
    by_day = [
        {"hours_utc": [_hours(w)], "weekdays": sorted(ISO_WEEKDAY[d] for d in w["weekdays"])}
        for w in variant["windows"]
        if w.get("weekdays")
    ]
    if by_day:
        block["windows"] = by_day
    return block
