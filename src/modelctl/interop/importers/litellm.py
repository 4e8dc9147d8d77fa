"""LiteLLM's ``model_prices_and_context_window.json`` -> candidates.

Prices are USD per token as JSON numbers (``2.5e-06``); the file is parsed
with ``parse_float=Decimal`` so each keeps its text, and is moved to per 1M
by shifting the decimal point.  A price key is read as
``<base>[_above_<N>k_tokens][_batches|_flex|_priority]``: the middle part is
a context tier (a cliff above N x 1000 input tokens; for xAI, whose
thresholds LiteLLM treats as inclusive, from N x 1000 on: ``above_input_tokens``
N x 1000 - 1), the suffix a variant.  Per-second audio prices (``input_cost_per_audio_per_second``, and
a transcription model's ``input_cost_per_second``) become per minute (x 60);
``search_context_cost_per_query`` (USD per call, by search context size) becomes
``web_search_per_1k`` from its medium size (x 1,000; other sizes that differ are reported).
LiteLLM has no price history: the one period starts at ``--since``, else
today.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import MAX_PREC, Context, Decimal
from pathlib import Path
from typing import Any

from modelctl.interop.importers.common import (
    Candidate,
    ProviderInfo,
    ReadOptions,
    Skip,
    SourceData,
    SourceError,
    any_price,
    complete_modalities,
    count_unmapped,
    day,
    order_modalities,
    parse_json,
    per_token_to_per_1m,
    read_text,
    shielded,
    source_digest,
    tidy_features,
    to_decimal,
)

KIND = "litellm"
_EXACT = Context(prec=MAX_PREC)  # products of source prices and small integers: exact
_SIXTY = Decimal(60)
_NO_LIMIT = 1 << 62
META_KEYS = ("sample_spec", "fallback_generalizations")
# LiteLLM provider names that the catalog (and the other public catalogs) spell differently.
PROVIDER_TO_CATALOG = {
    "gemini": "google",
    "bedrock": "amazon-bedrock",
    "bedrock_converse": "amazon-bedrock",
    "cohere_chat": "cohere",
    "text-completion-openai": "openai",
}
CATALOG_TO_PROVIDER = {"google": "gemini", "amazon-bedrock": "bedrock"}
PER_TOKEN = {
    "input_cost_per_token": "input_per_1m",
    "output_cost_per_token": "output_per_1m",
    "cache_read_input_token_cost": "cached_input_per_1m",
    "cache_creation_input_token_cost": "cache_write_per_1m",
    "cache_creation_input_token_cost_above_1hr": "cache_write_1h_per_1m",
    "output_cost_per_reasoning_token": "reasoning_per_1m",
    "input_cost_per_audio_token": "input_audio_per_1m",
    "output_cost_per_audio_token": "output_audio_per_1m",
    "input_cost_per_image_token": "input_image_per_1m",
    "output_cost_per_image_token": "output_image_per_1m",
    "input_cost_per_video_token": "input_video_per_1m",
    "cache_read_input_audio_token_cost": "cached_input_audio_per_1m",
    "cache_read_input_image_token_cost": "cached_input_image_per_1m",
    "cache_creation_input_token_cost_above_12hr": "cache_write_12h_per_1m",
}
PER_UNIT = {
    "input_cost_per_request": "per_request",
    "output_cost_per_image": "per_image",
    "file_search_cost_per_1k_calls": "file_search_per_1k",
    "input_cost_per_second": "per_second",
}
# USD per second of input audio -> per minute (x 60, exact).  A transcription model's
# ``input_cost_per_second`` is per second of the audio it transcribes: per minute too.
PER_SECOND = {"input_cost_per_audio_per_second": "input_audio_per_minute"}
AUDIO_MODES = frozenset({"audio_transcription"})
# ``search_context_cost_per_query: {search_context_size_low|medium|high: USD per call}``: LiteLLM
# bills the medium size unless the request asks for another; the catalog has one price per 1,000 calls.
SEARCH_KEY = "search_context_cost_per_query"
SEARCH_SIZE = "search_context_size_medium"
VARIANTS = {"batches": "batch", "flex": "flex", "priority": "priority"}
_BASES = "|".join(sorted(map(re.escape, [*PER_TOKEN, *PER_UNIT, *PER_SECOND]), key=len, reverse=True))
# LiteLLM providers whose ``_above_<N>k_tokens`` keys apply from the N x 1000th input token on
# (LiteLLM's xAI cost calculator compares with >=); for the others, strictly above it.
INCLUSIVE_TIERS = frozenset({"xai"})
PRICE_KEY = re.compile(rf"^(?P<base>{_BASES})(?:_above_(?P<k>\d+)k_tokens)?(?:_(?P<variant>batches|flex|priority))?\Z")
FLAGS = {
    "supports_function_calling": "function_calling",
    "supports_vision": "vision",
    "supports_response_schema": "structured_outputs",
    "supports_reasoning": "reasoning",
    "supports_prompt_caching": "prompt_caching",
    "supports_pdf_input": "pdf_input",
    "supports_audio_input": "audio_input",
    "supports_audio_output": "audio_output",
    "supports_web_search": "web_search",
    "supports_native_streaming": "streaming",
}
MODALITY_FLAGS = {"supports_video_input": "video", "supports_image_input": "image"}
MODES = {  # mode -> (extra input modalities, extra output modalities, features)
    "chat": ((), (), ()),
    "completion": ((), (), ()),
    "responses": ((), (), ()),
    "realtime": ((), (), ()),
    "embedding": ((), (), ("embeddings",)),
    "image_generation": ((), ("image",), ("image_generation",)),
    "image_edit": (("image",), ("image",), ("image_generation",)),
    "audio_speech": ((), ("audio",), ("audio_output",)),
    "audio_transcription": (("audio",), (), ("audio_input",)),
    "video_generation": ((), ("video",), ()),
}
_MAPPED = {
    "litellm_provider",
    "mode",
    "max_input_tokens",
    "max_output_tokens",
    "supported_modalities",
    "supported_output_modalities",
    "deprecation_date",
    "deprecation_source",
    "successor_model",
    "source",
    SEARCH_KEY,
    *FLAGS,
    *MODALITY_FLAGS,
}


def catalog_provider(litellm_provider: str) -> str:
    """The catalog's provider id for a LiteLLM provider name."""
    name = PROVIDER_TO_CATALOG.get(litellm_provider, litellm_provider)
    return re.sub(r"-[a-z0-9_]*models$", "", name)  # vertex_ai-anthropic_models -> vertex_ai


def read(path: Path, opts: ReadOptions) -> SourceData:
    text = read_text(path)
    raw = parse_json(text, path)
    if not isinstance(raw, dict):
        raise SourceError(f"{path}: not a LiteLLM price map: the top level must be an object of models")
    label = f"LiteLLM {path.name} (sha256:{source_digest(text)})"
    entries = [(k, v) for k, v in raw.items() if k not in META_KEYS]
    if entries and not any(isinstance(v, dict) and "litellm_provider" in v for _, v in entries):
        # Not one entry is a LiteLLM model: another kind of file (exit 4), not a map of skipped models.
        raise SourceError(
            f"{path}: not a LiteLLM price map: none of its {len(entries):,} entries has a `litellm_provider` "
            "(is it another source's file? see `modelctl import --help` for the kinds)"
        )
    candidates: list[Candidate] = []
    skipped: list[Skip] = []
    names: dict[tuple[str, str], str] = {}
    for i, (key, spec) in enumerate(entries):
        if opts.progress and i % 250 == 0:
            opts.progress("read", i, len(entries))
        result = shielded(key, None, _entry, key, spec, opts, label, names)
        if opts.progress and i + 1 == len(entries):
            opts.progress("read", i + 1, len(entries))
        (candidates if isinstance(result, Candidate) else skipped).append(result)  # type: ignore[arg-type]
    providers = {c.provider: ProviderInfo(c.provider, {"name": c.provider, "currency": "USD"}) for c in candidates}
    return SourceData(
        KIND, str(path), tuple(candidates), providers, tuple(skipped), count_unmapped(candidates), (), len(entries)
    )


def _entry(key: str, spec: Any, opts: ReadOptions, label: str, names: dict[tuple[str, str], str]) -> Candidate | Skip:
    if not isinstance(spec, dict):
        return Skip(key, "not an object")
    lp = spec.get("litellm_provider")
    if not isinstance(lp, str) or not lp:
        return Skip(key, "no litellm_provider")
    provider = catalog_provider(lp)
    mode = spec.get("mode") or "chat"
    if not isinstance(mode, str) or mode not in MODES:
        return Skip(key, f"mode {mode!r} is not priced by tokens", provider)
    name = key
    for prefix in (f"{lp}/", f"{provider}/"):
        if name.startswith(prefix) and len(name) > len(prefix):
            name = name[len(prefix) :]
            break
    first = names.setdefault((provider, name.lower()), key)
    if first != key:  # two LiteLLM keys give the same name: keep the whole key for the second
        if names.setdefault((provider, key.lower()), key) != key:
            return Skip(key, f"the same model as LiteLLM key {first!r}", provider)
        name = key
    unmapped: list[str] = []
    context = _int(spec.get("max_input_tokens"))
    if context is None and opts.require_limits:
        return Skip(key, "no context window (max_input_tokens)", provider)
    try:
        period, features = _pricing(
            spec, context or _NO_LIMIT, unmapped, inclusive=lp in INCLUSIVE_TIERS, audio=mode in AUDIO_MODES
        )
    except _NotAPrice as exc:
        return Skip(key, str(exc), provider)
    if period is None:
        return Skip(key, "no price the catalog can express", provider)
    if any(isinstance(v, Decimal) and v < 0 for v in period.values()):
        return Skip(key, "a negative price", provider)
    doc = _doc(spec, name, mode, context, features, unmapped)
    since = opts.since or opts.today
    period = {"effective_from": since, "source": f"{label}, {key}", "checked": opts.today, **period}
    if isinstance(spec.get("source"), str):
        period["note"] = f"LiteLLM cites {spec['source']}"
    doc["pricing"] = [period]
    successor = spec.get("successor_model") if isinstance(spec.get("successor_model"), str) else None
    unmapped += _lifecycle(doc, spec, opts.today, successor)
    tidy_features(doc)
    for k, v in spec.items():
        if k not in _MAPPED and not PRICE_KEY.match(k) and k != "tiered_pricing" and v not in (None, False, "", [], {}):
            if k == "max_tokens" and v in (spec.get("max_output_tokens"), context):
                continue
            unmapped.append(k)
    derived = {"name"} | ({"status"} if "deprecation" not in doc else set())
    if "supported_modalities" not in spec:
        derived.add("modalities")
    return Candidate(provider, name, key, doc, frozenset(derived), since, successor, tuple(unmapped))


def _int(value: Any) -> int | None:
    number = to_decimal(value)
    if number is None or number <= 0 or number != number.to_integral_value():
        return None
    return int(number)


def tier_threshold(k: int, *, inclusive: bool) -> int:
    """``_above_<k>k_tokens`` as ``above_input_tokens`` (strictly above): LiteLLM's
    xAI thresholds include the ``k`` x 1000th token."""
    return k * 1000 - 1 if inclusive else k * 1000


def litellm_k(above: int, *, inclusive: bool) -> int | None:
    """``above_input_tokens`` as the ``k`` of ``_above_<k>k_tokens``; None when no key says it."""
    first = above + 1 if inclusive else above
    return first // 1000 if first % 1000 == 0 and first > 0 else None


def _pricing(
    spec: dict[str, Any], context: int, unmapped: list[str], *, inclusive: bool = False, audio: bool = False
) -> tuple[dict[str, Any] | None, list[str]]:
    base: dict[str, Any] = {}
    tiers: dict[int, dict[str, Decimal]] = {}
    variants: dict[str, dict[str, Any]] = {}
    for key, value in spec.items():
        m = PRICE_KEY.match(key)
        if not m:
            continue
        amount = to_decimal(value)
        if amount is None:
            _not_a_price(key, value)
            unmapped.append(key)
            continue
        target, amount = _converted(m["base"], amount, audio)
        owner = variants.setdefault(VARIANTS[m["variant"]], {}) if m["variant"] else base
        if m["k"]:
            above = tier_threshold(int(m["k"]), inclusive=inclusive)
            if above >= context:
                unmapped.append(f"{key} (tier beyond the context window)")
                continue
            owner.setdefault("_tiers", {}).setdefault(above, {})[target] = amount
        else:
            owner[target] = amount
    _tiered_pricing(spec.get("tiered_pricing"), base, context, unmapped)
    _search(spec.get(SEARCH_KEY), base, unmapped)
    tiers = base.pop("_tiers", {})
    if not any_price(base):
        return None, []
    period: dict[str, Any] = dict(base)
    if tiers:
        period["tiers"] = [{"above_input_tokens": a, **tiers[a]} for a in sorted(tiers)]
    out_variants = {}
    for vname, v in variants.items():
        vtiers = v.pop("_tiers", {})
        if not any_price(v):
            unmapped.extend(f"{vname} variant tier without base price ({k})" for k in vtiers)
            continue
        if vtiers:
            v["tiers"] = [{"above_input_tokens": a, **vtiers[a]} for a in sorted(vtiers)]
        out_variants[vname] = v
    if out_variants:
        period["variants"] = out_variants
    features = ["batch_api"] if "batch" in out_variants else []
    return period, features


def _converted(base: str, amount: Decimal, audio: bool) -> tuple[str, Decimal]:
    """A LiteLLM price key's catalog key and the amount in the catalog's unit (never rounded)."""
    if base in PER_TOKEN:
        return PER_TOKEN[base], per_token_to_per_1m(amount)
    if base in PER_SECOND or (audio and base == "input_cost_per_second"):
        return "input_audio_per_minute", _EXACT.multiply(amount, _SIXTY)
    return PER_UNIT[base], amount


def _search(value: Any, base: dict[str, Any], unmapped: list[str]) -> None:
    """``search_context_cost_per_query`` -> ``web_search_per_1k`` (the medium size, x 1,000)."""
    if value is None:
        return
    sizes = {k: to_decimal(v) for k, v in value.items()} if isinstance(value, dict) else {}
    medium = sizes.get(SEARCH_SIZE)
    if medium is None:
        _not_a_price(SEARCH_KEY, value if not isinstance(value, dict) else value.get(SEARCH_SIZE))
        unmapped.append(SEARCH_KEY)
        return
    base["web_search_per_1k"] = medium.scaleb(3)
    if any(v != medium for v in sizes.values()):
        unmapped.append(f"{SEARCH_KEY} (other context sizes than medium)")


class _NotAPrice(Exception):
    """A price the source gives that is not a number: the model is skipped, never imported without it."""


def _not_a_price(key: str, value: Any) -> None:
    if value is not None and value != "":
        raise _NotAPrice(
            f"{key} is {str(value)[:40]!r}, not a price (a finite number): left out rather than imported without it"
        )


def _tiered_pricing(value: Any, base: dict[str, Any], context: int, unmapped: list[str]) -> None:
    """LiteLLM's ``tiered_pricing: [{range: [lo, hi], <price keys>}]`` (DashScope)."""
    if not value:
        return
    if not isinstance(value, list):
        unmapped.append("tiered_pricing")
        return
    for item in value:
        rng = item.get("range") if isinstance(item, dict) else None
        lo = to_decimal(rng[0]) if isinstance(rng, list) and rng else None
        if lo is None or lo < 0 or lo != lo.to_integral_value() or int(lo) >= context:
            unmapped.append("tiered_pricing (range)")
            continue
        prices: dict[str, Decimal] = {}
        for key, raw in item.items():
            amount = to_decimal(raw)
            if key == "range":
                continue
            if key in PER_TOKEN and amount is not None:
                prices[PER_TOKEN[key]] = per_token_to_per_1m(amount)
            else:
                if key in PER_TOKEN:
                    _not_a_price(f"tiered_pricing.{key}", raw)
                unmapped.append(f"tiered_pricing.{key}")
        if int(lo) == 0:
            for k, v in prices.items():
                base.setdefault(k, v)
        elif prices:
            base.setdefault("_tiers", {}).setdefault(int(lo), {}).update(prices)


def _doc(
    spec: dict[str, Any], name: str, mode: str, context: int | None, features: list[str], unmapped: list[str]
) -> dict[str, Any]:
    doc: dict[str, Any] = {"name": name.rsplit("/", 1)[-1], "status": "active", "enabled": True}
    if context is not None:
        limits: dict[str, Any] = {"context_window": context}
        max_out = _int(spec.get("max_output_tokens"))
        if max_out is not None and max_out <= context:
            limits["max_output_tokens"] = max_out
        elif max_out is not None:
            unmapped.append("max_output_tokens (above max_input_tokens)")
        doc["limits"] = limits
    extra_in, extra_out, mode_features = MODES[mode]
    inputs = _modalities(spec.get("supported_modalities"), "supported_modalities", unmapped) or ["text"]
    outputs = _modalities(spec.get("supported_output_modalities"), "supported_output_modalities", unmapped) or ["text"]
    inputs += [m for m in extra_in if m not in inputs]
    outputs += [m for m in extra_out if m not in outputs]
    inputs += [m for flag, m in MODALITY_FLAGS.items() if spec.get(flag) is True and m not in inputs]
    feats = [f for flag, f in FLAGS.items() if spec.get(flag) is True]
    feats += [f for f in (*mode_features, *features) if f not in feats]
    complete_modalities(feats, inputs, outputs)
    doc["modalities"] = {"input": order_modalities(inputs), "output": order_modalities(outputs)}
    doc["features"] = feats
    return doc


def _modalities(value: Any, field: str, unmapped: list[str]) -> list[str]:
    if not isinstance(value, list):
        return []
    out = []
    for item in value:
        if item in ("text", "image", "audio", "video", "pdf"):
            out.append(item)
        else:
            unmapped.append(f"{field}: {item}")
    return out


def _lifecycle(doc: dict[str, Any], spec: dict[str, Any], today: date, successor: str | None) -> list[str]:
    """LiteLLM's ``deprecation_date`` is the day the model stops being served."""
    retires = day(spec.get("deprecation_date"))
    if retires is None:
        return ["deprecation_date"] if spec.get("deprecation_date") else []
    note = f"LiteLLM: deprecation_date {retires}"
    if successor:
        note += f", successor {successor}"
    if isinstance(spec.get("deprecation_source"), str):
        note += f" ({spec['deprecation_source']})"
    doc["status"] = "deprecated" if retires > today else "retired"
    doc["enabled"] = retires > today
    doc["deprecation"] = {"retires": retires, "note": note}
    return []
