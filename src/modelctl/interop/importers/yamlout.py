"""Catalog documents -> YAML text in the style of the repository's catalog.

The first line is the ``yaml-language-server`` schema comment; prices are
plain decimals with at least two places (never exponent notation); dates are
unquoted; small maps (limits, modalities, tiers, short variants) use flow
style.  A string is written plain only when the strict loader reads it back
as the same string; otherwise it is double-quoted (JSON escaping is valid
YAML).  ``catalog.strict_yaml.load_text`` of the output gives back the document.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from typing import Any

import yaml

from modelctl.catalog.strict_yaml import STR, plain_decimal

MODEL_SCHEMA = "# yaml-language-server: $schema=../../../schema/model.schema.json"
PROVIDER_SCHEMA = "# yaml-language-server: $schema=../../schema/provider.schema.json"
CATALOG_SCHEMA = "# yaml-language-server: $schema=../schema/catalog.schema.json"

MODEL_KEYS = (
    "id",
    "name",
    "description",
    "family",
    "status",
    "enabled",
    "aliases",
    "released",
    "knowledge_cutoff",
    "open_weights",
    "currency",
    "deprecation",
    "limits",
    "modalities",
    "features",
    "pricing",
)
PERIOD_HEAD = ("effective_from", "source", "checked", "note")
# The order of the repository's catalog files: input, cache reads and writes, then output.
# Every key of the catalog's vocabulary, in `modelctl fmt`'s canonical order (tests keep both true:
# a key missing here would be dropped, one out of order would make the file non-canonical).
PRICE_KEYS = (
    "input_per_1m",
    "cached_input_per_1m",
    "cache_write_per_1m",
    "cache_write_1h_per_1m",
    "output_per_1m",
    "reasoning_per_1m",
    "input_audio_per_1m",
    "output_audio_per_1m",
    "input_image_per_1m",
    "output_image_per_1m",
    "per_request",
    "per_image",
    "web_search_per_1k",
    "file_search_per_1k",
    "input_audio_per_minute",
    "input_video_per_1m",
    "cached_input_audio_per_1m",
    "cached_input_image_per_1m",
    "cache_write_12h_per_1m",
    "per_second",
)
LIMIT_KEYS = ("context_window", "max_input_tokens", "max_output_tokens")
DEPRECATION_KEYS = ("announced", "retires", "replacement", "note")
PROVIDER_KEYS = ("id", "name", "kind", "website", "pricing_page", "currency", "description")
_PLAIN_FLOW = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._/+-]*\Z")
_PLAIN_BLOCK = re.compile(r"^[A-Za-z0-9_(][A-Za-z0-9 ._/+(),;'-]*\Z")
_FLOW_MAX = 100
_RESOLVER = yaml.resolver.Resolver()


_EXPONENT = re.compile(r"^[-+]?(\d[\d_]*(\.[\d_]*)?|\.\d[\d_]*)[eE][-+]?\d+\Z")


def _reads_as_string(text: str) -> bool:
    # The strict loader also flags unquoted exponent-looking strings (MC012).
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return tag == STR and not _EXPONENT.match(text)


def scalar(value: Any, *, flow: bool = False, quote: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    pattern = _PLAIN_FLOW if flow else _PLAIN_BLOCK
    if not quote and pattern.match(text) and not text.endswith(" ") and _reads_as_string(text) and "  " not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _flow_map(data: dict[str, Any], keys: tuple[str, ...] | None = None) -> str:
    items = [(k, data[k]) for k in (keys or tuple(data)) if k in data and data[k] is not None]
    parts = []
    for k, v in items:
        if isinstance(v, list):
            parts.append(f"{k}: [{', '.join(scalar(x, flow=True) for x in v)}]")
        else:
            parts.append(f"{k}: {scalar(v, flow=True)}")
    return "{" + ", ".join(parts) + "}"


def _flow_list(values: list[Any]) -> str:
    return "[" + ", ".join(scalar(v, flow=True) for v in values) + "]"


def _prices(data: dict[str, Any], indent: str, out: list[str]) -> None:
    for key in PRICE_KEYS:
        if data.get(key) is not None:
            out.append(f"{indent}{key}: {scalar(data[key])}")


def _tier_lines(tiers: list[dict[str, Any]], indent: str, out: list[str]) -> None:
    out.append(f"{indent}tiers:")
    for tier in tiers:
        out.append(f"{indent}  - {_flow_map(tier, ('above_input_tokens', *PRICE_KEYS))}")


_VARIANT_ORDER = ("batch", "flex", "priority")


def _variant_order(name: str) -> tuple[int, str]:
    return (_VARIANT_ORDER.index(name) if name in _VARIANT_ORDER else len(_VARIANT_ORDER), name)


def _variant_lines(variants: dict[str, dict[str, Any]], indent: str, out: list[str]) -> None:
    out.append(f"{indent}variants:")
    for name in sorted(variants, key=_variant_order):
        variant = variants[name]
        flow = _flow_map(variant, PRICE_KEYS)
        if "note" not in variant and "tiers" not in variant and len(flow) <= _FLOW_MAX:
            out.append(f"{indent}  {name}: {flow}")
            continue
        out.append(f"{indent}  {name}:")
        if variant.get("note"):
            out.append(f"{indent}    note: {scalar(variant['note'], quote=True)}")
        _prices(variant, indent + "    ", out)
        if variant.get("tiers"):
            _tier_lines(variant["tiers"], indent + "    ", out)


def _period_lines(period: dict[str, Any], out: list[str]) -> None:
    first = True
    for key in PERIOD_HEAD:
        if period.get(key) is not None:
            out.append(f"{'  - ' if first else '    '}{key}: {scalar(period[key], quote=key == 'note')}")
            first = False
    _prices(period, "    ", out)
    if period.get("tiers"):
        _tier_lines(period["tiers"], "    ", out)
    if period.get("variants"):
        _variant_lines(period["variants"], "    ", out)


def render_model(doc: dict[str, Any]) -> str:
    """A model document (``id`` included) as the text of its YAML file."""
    out = [MODEL_SCHEMA]
    for key in MODEL_KEYS:
        value = doc.get(key)
        if value is None or value == [] or value == {}:
            continue
        if key == "deprecation":
            if "note" in value:
                out.append("deprecation:")
                out += [f"  {k}: {scalar(value[k], quote=k == 'note')}" for k in DEPRECATION_KEYS if k in value]
            else:
                out.append(f"deprecation: {_flow_map(value, DEPRECATION_KEYS)}")
        elif key == "limits":
            out.append(f"limits: {_flow_map(value, LIMIT_KEYS)}")
        elif key == "modalities":
            out.append(f"modalities: {{input: {_flow_list(value['input'])}, output: {_flow_list(value['output'])}}}")
        elif key in ("aliases", "features"):
            out.append(f"{key}: {_flow_list(value)}")
        elif key == "pricing":
            out.append("pricing:                       # USD per 1M tokens unless the key says otherwise; newest first")
            for period in value:
                _period_lines(period, out)
        else:
            out.append(f"{key}: {scalar(value)}")
    return "\n".join(out) + "\n"


def render_provider(doc: dict[str, Any]) -> str:
    out = [PROVIDER_SCHEMA]
    out += [f"{k}: {scalar(doc[k])}" for k in PROVIDER_KEYS if doc.get(k) is not None]
    return "\n".join(out) + "\n"


def render_settings(name: str, currency: str = "USD") -> str:
    return f"{CATALOG_SCHEMA}\nname: {scalar(name)}\ncurrency: {currency}\n"
