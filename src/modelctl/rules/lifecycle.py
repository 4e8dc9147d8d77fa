"""Capability and lifecycle rules (MC4xx): limits, features against modalities and prices, lifecycle dates."""

from __future__ import annotations

from collections.abc import Iterator

from modelctl.catalog.model import Model
from modelctl.errors import Finding
from modelctl.rules.prices import _price_sets, current_period
from modelctl.rules.registry import RuleContext, rule

FEATURE_NEEDS = {
    "vision": ("input", "image"),
    "audio_input": ("input", "audio"),
    "audio_output": ("output", "audio"),
    "image_generation": ("output", "image"),
    "pdf_input": ("input", "pdf"),
}
CACHE_KEYS = ("cached_input_per_1m", "cache_write_per_1m", "cache_write_1h_per_1m")


# --- capabilities and lifecycle ----------------------------------------------------


@rule
def limits(ctx: RuleContext) -> Iterator[Finding]:
    for model in ctx.catalog.models.values():
        lim = model.limits
        for key in ("max_output_tokens", "max_input_tokens"):
            value = getattr(lim, key)
            if value is not None and value > lim.context_window:
                yield ctx.at(
                    "MC401",
                    model.file,
                    ["limits", key],
                    f"{key} ({value:,}) is larger than context_window ({lim.context_window:,})",
                )


@rule
def feature_modalities(ctx: RuleContext) -> Iterator[Finding]:
    for model in ctx.catalog.models.values():
        for i, feature in enumerate(model.features):
            need = FEATURE_NEEDS.get(feature)
            if need is None:
                continue
            side, modality = need
            have = model.input_modalities if side == "input" else model.output_modalities
            if modality not in have:
                yield ctx.at(
                    "MC402",
                    model.file,
                    ["features", i],
                    f"feature {feature!r} needs {modality!r} in modalities.{side}: add it there or drop the feature",
                )


@rule
def lifecycle(ctx: RuleContext) -> Iterator[Finding]:
    for model in ctx.catalog.models.values():
        dep, status = model.deprecation, model.status
        if status == "retired" and model.enabled:
            yield ctx.at(
                "MC403",
                model.file,
                ["status"],
                "a retired model is still enabled: set `enabled: false` (retired models are served nowhere)",
            )
        if status in ("deprecated", "retired") and (dep is None or (status == "retired" and dep.retires is None)):
            yield ctx.at(
                "MC404",
                model.file,
                ["status"] if dep is None else ["deprecation"],
                f"a {status} model needs `deprecation: {{retires: YYYY-MM-DD, replacement: provider/id}}`",
            )
        if status in ("active", "preview") and dep is not None:
            yield ctx.at(
                "MC410",
                model.file,
                ["deprecation"],
                f"an {status} model carries a deprecation: set `status: deprecated` or remove the block",
            )
        if dep and dep.announced and dep.retires and dep.retires < dep.announced:
            yield ctx.at(
                "MC405",
                model.file,
                ["deprecation", "retires"],
                f"retires {dep.retires} is before announced {dep.announced}: correct one of the dates",
            )
        yield from _lifecycle_dates(ctx, model)


def _lifecycle_dates(ctx: RuleContext, model: Model) -> Iterator[Finding]:
    dep, status, today = model.deprecation, model.status, ctx.today
    if dep and dep.retires and status != "retired" and dep.retires <= today:
        yield ctx.at(
            "MC406",
            model.file,
            ["deprecation", "retires"],
            f"the retirement date {dep.retires} "
            + ("is today" if dep.retires == today else "has passed")
            + ": set `status: retired` and `enabled: false`",
        )
    if dep and dep.retires and status == "retired" and dep.retires > today:
        yield ctx.at(
            "MC406",
            model.file,
            ["status"],
            f"status is retired but the retirement date {dep.retires} is after today: use `status: deprecated`",
        )
    if model.released and model.released > today and status == "active":
        yield ctx.at(
            "MC406",
            model.file,
            ["released"],
            f"released {model.released} is after today but status is active: use `status: preview`",
        )
    oldest = min((p.effective_from for p in model.pricing), default=None)
    if model.released and oldest and oldest < model.released:
        p = [q.effective_from for q in model.pricing].index(oldest)
        yield ctx.at(
            "MC409",
            model.file,
            ["pricing", p, "effective_from"],
            f"the oldest price starts {oldest}, before the model was released ({model.released})",
        )


@rule
def feature_prices(ctx: RuleContext) -> Iterator[Finding]:
    for model in ctx.catalog.models.values():
        current = current_period(model, ctx.today) or model.pricing[0]
        p = model.pricing.index(current)
        sets = list(_price_sets(current, ["pricing", p]))
        has_cache = any(own.get(k) is not None for _, own, _ in sets for k in CACHE_KEYS)
        caching = "prompt_caching" in model.features
        if caching and not has_cache:
            yield ctx.at(
                "MC407",
                model.file,
                ["features", model.features.index("prompt_caching")],
                "feature prompt_caching without a cache price in the current period: add cached_input_per_1m",
            )
        elif has_cache and not caching:
            yield ctx.at(
                "MC407",
                model.file,
                ["pricing", p],
                "the current period has a cache price but `features` lacks prompt_caching: add it",
            )
        if "reasoning" not in model.features:
            for path, own, _ in sets:
                if own.reasoning_per_1m is not None:
                    yield ctx.at(
                        "MC408",
                        model.file,
                        [*path, "reasoning_per_1m"],
                        "reasoning_per_1m on a model without the reasoning feature: add the feature or drop the price",
                    )
