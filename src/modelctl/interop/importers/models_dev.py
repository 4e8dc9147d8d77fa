"""models.dev provider TOML folders (``providers/<id>/``) -> candidates.

SOURCE is one provider folder (``provider.toml`` and ``models/**.toml``), or a
folder of them (``providers/``, or the repository root).  Costs are USD per
1M tokens, read with ``parse_float=Decimal``.  A model's ``base_model``
(``lab/model``) is merged in from ``models/<lab>/<model>.toml`` beside
``providers/``, minus its ``base_model_omit`` keys, under the provider
file's own values.  ``cost.tiers`` / ``cost.context_over_200k`` become context
tiers and ``experimental.modes.<m>.cost`` a variant ``<m>``.  models.dev
keeps only the current price: it starts at ``--since``, else the release date,
else today.  Cost keys models.dev itself would drop (``cache_input``,
``citation``, ...) are reported, never guessed.
"""

from __future__ import annotations

import re
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
    read_toml,
    shielded,
    source_price,
    text_or,
    tidy_features,
)

KIND = "models.dev"
COST = {
    "input": "input_per_1m",
    "output": "output_per_1m",
    "cache_read": "cached_input_per_1m",
    "cache_write": "cache_write_per_1m",
    "reasoning": "reasoning_per_1m",
    "input_audio": "input_audio_per_1m",
    "output_audio": "output_audio_per_1m",
}
FLAGS = {"tool_call": "function_calling", "structured_output": "structured_outputs", "reasoning": "reasoning"}
_MAPPED = {"name", "family", "release_date", "open_weights", "knowledge", "cost", "limit", "modalities", "base_model"}
_MAPPED |= set(FLAGS) | {"base_model_omit", "experimental"}


_BASE_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9._-]+")  # lab/model, as models/<lab>/<model>.toml


def provider_dirs(path: Path) -> list[Path]:
    if not path.is_dir():
        raise SourceError(f"{path}: not a folder: pass a models.dev providers/<id>/ folder (or providers/)")
    if (path / "provider.toml").exists():
        return [path]
    root = path / "providers" if (path / "providers").is_dir() else path
    dirs = sorted(p for p in root.iterdir() if (p / "provider.toml").exists())
    if not dirs:
        raise SourceError(f"{path}: no models.dev provider folders (with provider.toml) here")
    return dirs


def read(path: Path, opts: ReadOptions) -> SourceData:
    dirs = provider_dirs(path)
    files = [(d, f) for d in dirs for f in sorted((d / "models").rglob("*.toml"))]
    parsed = [(d, f, read_toml(f)) for d, f in files]  # every file parses, or nothing is imported
    providers: dict[str, ProviderInfo] = {}
    for d in dirs:
        meta = read_toml(d / "provider.toml")
        fields = tuple(f"provider.toml: {k}" for k in meta if k != "name")
        providers[d.name] = ProviderInfo(d.name, {"name": text_or(meta.get("name"), d.name), "currency": "USD"}, fields)
    candidates: list[Candidate] = []
    skipped: list[Skip] = []
    bases: dict[str, dict[str, Any] | None] = {}
    for i, (d, f, data) in enumerate(parsed):
        if opts.progress and i % 100 == 0:
            opts.progress("read", i, len(parsed))
        name = f.relative_to(d / "models").with_suffix("").as_posix()
        unmapped: list[str] = []
        merged = _with_base(data, d, bases, unmapped)
        label = f"models.dev {d.name}/models/{name}.toml"
        result = shielded(name, d.name, _model, merged, d.name, name, label, opts, unmapped)
        if opts.progress and i + 1 == len(parsed):
            opts.progress("read", i + 1, len(parsed))
        (candidates if isinstance(result, Candidate) else skipped).append(result)  # type: ignore[arg-type]
    return SourceData(
        KIND,
        str(path),
        tuple(candidates),
        providers,
        tuple(skipped),
        count_unmapped(candidates, providers.values()),
        (),
        len(files),
    )


def _with_base(
    data: dict[str, Any], pdir: Path, cache: dict[str, dict[str, Any] | None], unmapped: list[str]
) -> dict[str, Any]:
    ref = data.get("base_model")
    if not isinstance(ref, str):
        return data
    if not _BASE_REF.fullmatch(ref) or ".." in ref.split("/"):
        # "../../../home/me/.config/x" or "/etc/x" would read any .toml on this machine into the import.
        unmapped.append("base_model (not lab/model)")
        return data
    if ref not in cache:
        path = pdir.parent.parent / "models" / f"{ref}.toml"
        cache[ref] = read_toml(path) if path.exists() else None
    base = cache[ref]
    if base is None:
        unmapped.append("base_model (not found beside providers/)")
        return data
    base = _omit(base, data.get("base_model_omit") or [])
    return _deep_merge(base, data)


def _omit(data: dict[str, Any], paths: list[str]) -> dict[str, Any]:
    out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in data.items()}
    for path in paths:
        parts = str(path).split(".")
        node: Any = out
        for part in parts[:-1]:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(parts[-1], None)
    return out


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _model(
    data: dict[str, Any], provider: str, name: str, label: str, opts: ReadOptions, unmapped: list[str]
) -> Candidate | Skip:
    cost = data.get("cost")
    if not isinstance(cost, dict):
        return Skip(name, "no cost", provider)
    limit = data.get("limit") or {}
    context = limit.get("context")
    if not isinstance(context, int) or context < 1:
        return Skip(name, "no context window (limit.context)", provider)
    period = _prices(cost, "cost", context, unmapped)
    if not any_price(period):
        return Skip(name, "no price the catalog can express", provider)
    released = day(data.get("release_date"))
    since = opts.since or released or opts.today
    variants = _modes(data.get("experimental"), context, unmapped)
    if variants:
        period["variants"] = variants
    doc: dict[str, Any] = {"name": data.get("name") or name.rsplit("/", 1)[-1], "status": "active", "enabled": True}
    if released and released > opts.today:
        doc["status"] = "preview"
    for key in ("family",):
        if isinstance(data.get(key), str):
            doc[key] = data[key]
    if released:
        doc["released"] = released
    cutoff = day(data.get("knowledge"))
    if cutoff:
        doc["knowledge_cutoff"] = cutoff
    elif data.get("knowledge"):
        unmapped.append("knowledge (not a full date)")
    if isinstance(data.get("open_weights"), bool):
        doc["open_weights"] = data["open_weights"]
    doc["limits"] = _limits(limit, context, unmapped)
    _modalities_and_features(doc, data, unmapped)
    doc["pricing"] = [{"effective_from": since, "source": label, "checked": opts.today, **period}]
    tidy_features(doc)
    unmapped += [k for k, v in data.items() if k not in _MAPPED and v not in (None, False, "", [], {})]
    derived = {"status", "enabled"} | ({"name"} if not data.get("name") else set())
    if "modalities" not in data:
        derived.add("modalities")
    return Candidate(provider, name, name, doc, frozenset(derived), since, None, tuple(unmapped))


def _prices(cost: dict[str, Any], where: str, context: int, unmapped: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    tiers: list[dict[str, Any]] = []
    for key, value in cost.items():
        if key in COST:
            out[COST[key]] = source_price(f"{where}.{key}", value)
        elif key == "tiers" and isinstance(value, list):
            tiers += [t for t in (_tier(item, where, unmapped) for item in value) if t]
        elif key == "context_over_200k" and isinstance(value, dict):
            tiers.append({"above_input_tokens": 200_000, **_flat(value, f"{where}.{key}", unmapped)})
        else:
            unmapped.append(f"{where}.{key}")
    kept = sorted((t for t in tiers if t["above_input_tokens"] < context), key=lambda t: t["above_input_tokens"])
    if len(kept) < len(tiers):
        unmapped.append(f"{where}.tiers (beyond the context window)")
    if kept:
        out["tiers"] = kept
    return out


def _tier(item: Any, where: str, unmapped: list[str]) -> dict[str, Any] | None:
    spec = item.get("tier") if isinstance(item, dict) else None
    if not isinstance(spec, dict) or spec.get("type", "context") != "context" or not isinstance(spec.get("size"), int):
        unmapped.append(f"{where}.tiers.tier")
        return None
    prices = _flat({k: v for k, v in item.items() if k != "tier"}, f"{where}.tiers", unmapped)
    return {"above_input_tokens": spec["size"], **prices} if prices else None


def _flat(cost: dict[str, Any], where: str, unmapped: list[str]) -> dict[str, Decimal]:
    out = {}
    for key, value in cost.items():
        if key in COST:
            out[COST[key]] = source_price(f"{where}.{key}", value)
        else:
            unmapped.append(f"{where}.{key}")
    return out


def _modes(experimental: Any, context: int, unmapped: list[str]) -> dict[str, Any]:
    if not isinstance(experimental, dict):
        return {}
    variants: dict[str, Any] = {}
    for key, value in experimental.items():
        if key != "modes" or not isinstance(value, dict):
            unmapped.append(f"experimental.{key}")
            continue
        for mode, spec in value.items():
            cost = spec.get("cost") if isinstance(spec, dict) else None
            prices = _prices(cost, "experimental.modes.cost", context, unmapped) if isinstance(cost, dict) else {}
            if any_price(prices) and mode[:1].isalpha():
                variants[mode.lower().replace(".", "_")] = prices
            unmapped += [f"experimental.modes.{k}" for k in (spec or {}) if k != "cost"]
    return variants


def _limits(limit: dict[str, Any], context: int, unmapped: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"context_window": context}
    for src, key in (("input", "max_input_tokens"), ("output", "max_output_tokens")):
        value = limit.get(src)
        if isinstance(value, int) and 0 < value <= context:
            out[key] = value
        elif value is not None:
            unmapped.append(f"limit.{src}" + (" (above limit.context)" if isinstance(value, int) else ""))
    unmapped += [f"limit.{k}" for k in limit if k not in ("context", "input", "output")]
    return out


def _modalities_and_features(doc: dict[str, Any], data: dict[str, Any], unmapped: list[str]) -> None:
    mods = data.get("modalities") or {}
    sides = {}
    for side in ("input", "output"):
        values = mods.get(side) or ["text"]
        unmapped += [f"modalities.{side}: {m}" for m in values if m not in ("text", "image", "audio", "video", "pdf")]
        sides[side] = [m for m in values if m in ("text", "image", "audio", "video", "pdf")] or ["text"]
    features = [f for flag, f in FLAGS.items() if data.get(flag) is True]
    inputs, outputs = sides["input"], sides["output"]
    features += [f for m, f in (("image", "vision"), ("pdf", "pdf_input"), ("audio", "audio_input")) if m in inputs]
    features += [f for m, f in (("audio", "audio_output"), ("image", "image_generation")) if m in outputs]
    complete_modalities(features, inputs, outputs)
    doc["modalities"] = {"input": order_modalities(inputs), "output": order_modalities(outputs)}
    doc["features"] = features
