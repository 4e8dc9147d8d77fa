"""An artifact -> an OpenRouter-style models list (``GET /api/v1/models``):
``{"data": [{id, name, pricing: {prompt, completion, ...}, context_length,
architecture, ...}]}``.

``id`` is the canonical ``provider/id``, as OpenRouter ids are ``author/slug``.
Prices are USD per token as decimal strings (``"0.0000025"``), computed
exactly.  OpenRouter's shape has no tiers or variants: the base prices in
force are exported and the rest is noted.  Fields modelctl does not know
(tokenizer, moderation) are left out rather than made up.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from modelctl.interop.exporters.common import Artifact, in_force, plain
from modelctl.interop.exporters.litellm import Export
from modelctl.interop.importers.openrouter import PARAMETERS, PER_CALL, PER_TOKEN, PER_UNIT

PRICE_NAMES = {v: k for k, v in PER_TOKEN.items()}
UNIT_NAMES = {v: k for k, v in PER_UNIT.items()}
CALL_NAMES = {v: k for k, v in PER_CALL.items()}  # web_search_per_1k -> web_search (USD per call)
FEATURE_PARAMETERS = {
    "function_calling": ("tools", "tool_choice"),
    "reasoning": ("reasoning", "include_reasoning"),
    **{v: (k,) for k, v in PARAMETERS.items() if v not in ("function_calling", "reasoning")},
}
MODALITY_NAMES = {"pdf": "file"}


def export(artifact: Artifact, at: date) -> Export:
    out = Export()
    data = []
    for ref, model in sorted(artifact.models.items()):
        if model.get("currency", "USD") != "USD":
            out.notes.append(f"{ref}: prices in {model['currency']}, OpenRouter lists USD: left out")
            continue
        period = in_force(model, at)
        if period is None:
            out.notes.append(f"{ref}: no price in force on {at}: left out")
            continue
        if period.get("tiers") or period.get("variants"):
            out.notes.append(f"{ref}: tiers and variants have no place in OpenRouter's list: base prices only")
        data.append(_model(ref, model, period, out.notes))
    out.data = {"data": data}
    return out


def _model(ref: str, model: dict[str, Any], period: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    limits = model.get("limits", {})
    mods = model.get("modalities", {})
    inputs = [MODALITY_NAMES.get(m, m) for m in mods.get("input", ["text"])]
    outputs = [MODALITY_NAMES.get(m, m) for m in mods.get("output", ["text"])]
    item: dict[str, Any] = {"id": ref, "canonical_slug": ref, "name": model.get("name", model["id"])}
    if model.get("released"):
        released = datetime.combine(date.fromisoformat(model["released"]), datetime.min.time(), UTC)
        item["created"] = int(released.timestamp())
    item["description"] = model.get("description", "")
    item["context_length"] = limits.get("context_window")
    item["architecture"] = {
        "modality": f"{'+'.join(inputs)}->{'+'.join(outputs)}",
        "input_modalities": inputs,
        "output_modalities": outputs,
    }
    item["pricing"] = _pricing(ref, period.get("prices", {}), notes)
    item["top_provider"] = {"context_length": limits.get("context_window")}
    if limits.get("max_output_tokens"):
        item["top_provider"]["max_completion_tokens"] = limits["max_output_tokens"]
    params: list[str] = []
    for feature in model.get("features", ()):
        params += [p for p in FEATURE_PARAMETERS.get(feature, ()) if p not in params]
    item["supported_parameters"] = sorted(params)
    item["knowledge_cutoff"] = model.get("knowledge_cutoff")
    item["expiration_date"] = (model.get("deprecation") or {}).get("retires")
    return item


def _pricing(ref: str, prices: dict[str, str], notes: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, text in prices.items():
        value = Decimal(text)
        if key in PRICE_NAMES:
            out[PRICE_NAMES[key]] = plain(value.scaleb(-6))
        elif key in UNIT_NAMES:
            out[UNIT_NAMES[key]] = plain(value)
        elif key in CALL_NAMES:
            out[CALL_NAMES[key]] = plain(value.scaleb(-3))
        else:
            notes.append(f"{ref}: {key} has no OpenRouter price field: left out")
    return out
