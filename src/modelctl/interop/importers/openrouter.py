"""An OpenRouter ``GET /api/v1/models`` response -> candidates of provider ``openrouter``.

Prices are USD per token as decimal strings (``"0.000003"``), parsed exactly.
OpenRouter ids (``meta-llama/llama-3-70b``) are not file ids: the model gets
a clean id and keeps the OpenRouter id (and its ``canonical_slug``) as
aliases.  ``created`` is the release date, and the start of the one price
period unless ``--since`` is given.  ``web_search`` (USD per search call) becomes
``web_search_per_1k`` (x 1,000).  Negative prices mark routers
(``openrouter/auto``): skipped.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
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
    per_token_to_per_1m,
    read_json,
    shielded,
    tidy_features,
    to_decimal,
)

KIND = "openrouter"
PROVIDER = "openrouter"
PER_TOKEN = {
    "prompt": "input_per_1m",
    "completion": "output_per_1m",
    "input_cache_read": "cached_input_per_1m",
    "input_cache_write": "cache_write_per_1m",
    "internal_reasoning": "reasoning_per_1m",
    "image": "input_image_per_1m",
    "audio": "input_audio_per_1m",
}
PER_UNIT = {"request": "per_request"}
PER_CALL = {"web_search": "web_search_per_1k"}  # USD per call -> per 1,000 calls
PARAMETERS = {
    "tools": "function_calling",
    "response_format": "json_mode",
    "structured_outputs": "structured_outputs",
    "reasoning": "reasoning",
    "web_search_options": "web_search",
}
_PARAMS_CONSUMED = {"tool_choice", "include_reasoning"}
MODALITY = {"text": "text", "image": "image", "audio": "audio", "video": "video", "file": "pdf"}
_MAPPED = {
    "id",
    "canonical_slug",
    "name",
    "created",
    "description",
    "context_length",
    "architecture",
    "pricing",
    "top_provider",
    "supported_parameters",
    "knowledge_cutoff",
    "expiration_date",
}


def read(path: Path, opts: ReadOptions) -> SourceData:
    raw = read_json(path)
    models = raw.get("data") if isinstance(raw, dict) else raw
    if not isinstance(models, list):
        raise SourceError(f'{path}: not an OpenRouter models list: expected {{"data": [...]}}')
    if models and not any(isinstance(m, dict) and "id" in m for m in models):
        # [1, 2, 3] or another source's list: not a list of skipped models (exit 0), a wrong file (exit 4).
        raise SourceError(
            f'{path}: not an OpenRouter models list: none of its {len(models):,} entries is a model with an "id"'
        )
    label = f"OpenRouter models list {path.name}"
    candidates: list[Candidate] = []
    skipped: list[Skip] = []
    for model in models:
        result = shielded(_name_of(model), PROVIDER, _model, model, label, opts)
        (candidates if isinstance(result, Candidate) else skipped).append(result)  # type: ignore[arg-type]
    providers = {PROVIDER: ProviderInfo(PROVIDER, {"name": "OpenRouter", "kind": "aggregator", "currency": "USD"})}
    providers[PROVIDER].doc.update(website="https://openrouter.ai", pricing_page="https://openrouter.ai/models")
    return SourceData(
        KIND, str(path), tuple(candidates), providers, tuple(skipped), count_unmapped(candidates), (), len(models)
    )


def _model(model: Any, label: str, opts: ReadOptions) -> Candidate | Skip:
    if not isinstance(model, dict) or not isinstance(model.get("id"), str):
        return Skip(str(model)[:40], "a model without an id", PROVIDER)
    name = model["id"]
    unmapped: list[str] = []
    context = model.get("context_length")
    if not isinstance(context, int) or context < 1:
        return Skip(name, "no context window (context_length)", PROVIDER)
    prices = _prices(model.get("pricing"), unmapped)
    if isinstance(prices, str):
        return Skip(name, prices, PROVIDER)
    if any(v < 0 for v in prices.values()):
        return Skip(name, "a negative price (a router, priced per routed model)", PROVIDER)
    if not any_price(prices):
        return Skip(name, "no price the catalog can express", PROVIDER)
    created = model.get("created")
    released = datetime.fromtimestamp(created, UTC).date() if isinstance(created, int) else None
    since = opts.since or released or opts.today
    doc: dict[str, Any] = {"name": model.get("name") or name, "status": "active", "enabled": True}
    if isinstance(model.get("description"), str) and model["description"].strip():
        doc["description"] = " ".join(model["description"].split())
    if released:
        doc["released"] = released
    cutoff = day(model.get("knowledge_cutoff"))
    if cutoff:
        doc["knowledge_cutoff"] = cutoff
    elif model.get("knowledge_cutoff"):
        unmapped.append("knowledge_cutoff (not a full date)")
    doc["limits"] = _limits(model.get("top_provider"), context, unmapped)
    _capabilities(doc, model, unmapped)
    doc["pricing"] = [{"effective_from": since, "source": f"{label}, {name}", "checked": opts.today, **prices}]
    _expiration(doc, model.get("expiration_date"), opts, unmapped)
    tidy_features(doc)
    unmapped += [k for k, v in model.items() if k not in _MAPPED and _given(v)]
    aliases = [s for s in (model.get("canonical_slug"),) if isinstance(s, str) and s != name]
    derived = {"status", "enabled"} if "deprecation" not in doc else set()
    return Candidate(PROVIDER, name, name, doc, frozenset(derived), since, None, tuple(unmapped), tuple(aliases))


def _given(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_given(v) for v in value.values())
    return value not in (None, False, "", [], {})


def _prices(pricing: Any, unmapped: list[str]) -> dict[str, Decimal] | str:
    """The prices; a reason to skip the model when a price it has is not a number
    (``"prompt": "NaN"`` must not import the model without its input price)."""
    out: dict[str, Decimal] = {}
    if not isinstance(pricing, dict):
        return out
    for key, value in pricing.items():
        amount = to_decimal(value)
        if (key in PER_TOKEN or key in PER_UNIT or key in PER_CALL) and amount is None and value not in (None, ""):
            shown = str(value)[:40]
            return (
                f"pricing.{key} is {shown!r}, not a price (a finite number): left out rather than imported without it"
            )
        if key in PER_TOKEN and amount is not None:
            out[PER_TOKEN[key]] = per_token_to_per_1m(amount)
        elif key in PER_UNIT and amount is not None:
            out[PER_UNIT[key]] = amount
        elif key in PER_CALL and amount is not None and amount != 0:  # 0: no search fee stated
            out[PER_CALL[key]] = amount.scaleb(3)
        elif amount is None or amount != 0:  # a fee of 0 for something unmapped loses nothing
            unmapped.append(f"pricing.{key}")
    return out


def _limits(top: Any, context: int, unmapped: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"context_window": context}
    if not isinstance(top, dict):
        return out
    max_out = top.get("max_completion_tokens")
    if isinstance(max_out, int) and 0 < max_out <= context:
        out["max_output_tokens"] = max_out
    elif max_out is not None:
        unmapped.append("top_provider.max_completion_tokens (above context_length)")
    known = ("context_length", "max_completion_tokens")
    unmapped += [f"top_provider.{k}" for k, v in top.items() if k not in known and _given(v)]
    return out


def _capabilities(doc: dict[str, Any], model: dict[str, Any], unmapped: list[str]) -> None:
    arch = model.get("architecture")
    if not isinstance(arch, dict):
        if arch:
            unmapped.append("architecture (not an object)")
        arch = {}
    sides = {}
    for side in ("input", "output"):
        values = _names(arch.get(f"{side}_modalities"), f"architecture.{side}_modalities", unmapped) or ["text"]
        unmapped += [f"architecture.{side}_modalities: {m}" for m in values if m not in MODALITY]
        sides[side] = [MODALITY[m] for m in values if m in MODALITY] or ["text"]
    known = ("modality", "input_modalities", "output_modalities")
    unmapped += [f"architecture.{k}" for k, v in arch.items() if k not in known and _given(v)]
    params = _names(model.get("supported_parameters"), "supported_parameters", unmapped)
    features = [f for p, f in PARAMETERS.items() if p in params]
    unmapped += [f"supported_parameters: {p}" for p in params if p not in PARAMETERS and p not in _PARAMS_CONSUMED]
    inputs, outputs = sides["input"], sides["output"]
    features += [f for m, f in (("image", "vision"), ("pdf", "pdf_input"), ("audio", "audio_input")) if m in inputs]
    features += [f for m, f in (("audio", "audio_output"), ("image", "image_generation")) if m in outputs]
    complete_modalities(features, inputs, outputs)
    doc["modalities"] = {"input": order_modalities(inputs), "output": order_modalities(outputs)}
    doc["features"] = features


def _names(value: Any, where: str, unmapped: list[str]) -> list[str]:
    """A list of names from the source; anything else in it (a list, an object) is reported, not hashed."""
    if value is None or value == []:
        return []
    if not isinstance(value, list):
        unmapped.append(f"{where} (not a list)")
        return []
    names = [v for v in value if isinstance(v, str)]
    if len(names) < len(value):
        unmapped.append(f"{where} (values that are not names)")
    return names


def _expiration(doc: dict[str, Any], value: Any, opts: ReadOptions, unmapped: list[str]) -> None:
    if value is None:
        return
    retires = day(value)
    if retires is None:
        unmapped.append("expiration_date")
        return
    doc["status"] = "deprecated" if retires > opts.today else "retired"
    doc["enabled"] = retires > opts.today
    doc["deprecation"] = {"retires": retires, "note": f"OpenRouter: expiration_date {retires}"}


def _name_of(model: Any) -> str:
    return model["id"] if isinstance(model, dict) and isinstance(model.get("id"), str) else str(model)[:40]
