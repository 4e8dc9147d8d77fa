"""Semantic and cross-file rules: what a careful reviewer of a pricing pull
request would check and a JSON Schema cannot say.

Each rule is a function ``(ctx) -> Iterator[Finding]`` registered in
``RULES``; codes, meanings and default severities are in ``modelctl.codes``
and ``docs/rules.md``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from modelctl.codes import CODES
from modelctl.codes import code as _code
from modelctl.errors import Finding, Location
from modelctl.loading import LoadedFile, PathSeg, json_path, plain_decimal
from modelctl.model import TOKEN_PRICE_KEYS, Catalog, Model, PricePeriod, Prices, Tier

PER_TOKEN_BELOW = Decimal("0.001")  # $1,000 per 1M written per token is 0.001
# Prices this far apart suggest a per-1k / per-1M mix-up (1,000x).  Real gaps
# reach ~120x (DeepSeek's cache reads; audio output against text input).
MAGNITUDE_FACTOR = Decimal(300)
PLAUSIBLE_MAX = Decimal(1000)

FEATURE_NEEDS = {
    "vision": ("input", "image"),
    "audio_input": ("input", "audio"),
    "audio_output": ("output", "audio"),
    "image_generation": ("output", "image"),
    "pdf_input": ("input", "pdf"),
}
CACHE_KEYS = ("cached_input_per_1m", "cache_write_per_1m", "cache_write_1h_per_1m")


@dataclass(frozen=True, slots=True)
class RuleContext:
    catalog: Catalog
    files: dict[str, LoadedFile]
    today: date
    provider_ids: frozenset[str]  # providers/<id>.yaml on disk, loadable or not
    model_refs: frozenset[str]  # models/<provider>/<id>.yaml on disk, lower-cased

    def at(self, code_id: str, file: str, path: Sequence[PathSeg], message: str, *, key: bool = False) -> Finding:
        loaded = self.files.get(file)
        loc = loaded.locate(path, key=key) if loaded else Location(file)
        return Finding(code_id, _code(code_id).severity, message, loc, json_path(path))


Rule = Callable[[RuleContext], Iterator[Finding]]
RULES: list[Rule] = []


def rule(fn: Rule) -> Rule:
    RULES.append(fn)
    return fn


def run_rules(ctx: RuleContext) -> list[Finding]:
    return [finding for fn in RULES for finding in fn(ctx)]


# --- identity and references -------------------------------------------------


@rule
def unknown_provider(ctx: RuleContext) -> Iterator[Finding]:
    reported: set[str] = set()
    for model in ctx.catalog.models.values():
        if model.provider not in ctx.provider_ids and model.provider not in reported:
            reported.add(model.provider)
            msg = (
                f"provider {model.provider!r} (folder models/{model.provider}/) has no "
                f"providers/{model.provider}.yaml: create it, or move the model to an existing provider"
            )
            yield ctx.at("MC202", model.file, ["id"], msg)


@rule
def duplicate_ids_and_aliases(ctx: RuleContext) -> Iterator[Finding]:
    by_provider: dict[str, list[Model]] = defaultdict(list)
    for model in ctx.catalog.models.values():
        by_provider[model.provider].append(model)
    for models in by_provider.values():
        models.sort(key=lambda m: m.file)
        ids: dict[str, Model] = {}
        for model in models:
            first = ids.setdefault(model.id.lower(), model)
            if first is not model:
                msg = f"id {model.id!r} is also the id of {first.file} (ids compare case-insensitively): rename one"
                yield ctx.at("MC203", model.file, ["id"], msg)
        yield from _aliases(ctx, models, ids)


def _aliases(ctx: RuleContext, models: list[Model], ids: dict[str, Model]) -> Iterator[Finding]:
    seen: dict[str, Model] = {}
    for model in models:
        for i, alias in enumerate(model.aliases):
            low = alias.lower()
            path: list[PathSeg] = ["aliases", i]
            if low == model.id.lower():
                yield ctx.at("MC210", model.file, path, f"alias {alias!r} equals the model's own id: remove it")
                continue
            owner = ids.get(low)
            if owner is not None:
                msg = f"alias {alias!r} is the id of another model of this provider ({owner.file}): remove it"
                yield ctx.at("MC204", model.file, path, msg)
                continue
            first = seen.setdefault(low, model)
            if first is not model:
                msg = f"alias {alias!r} is also an alias of {first.file}: an alias must name one model"
                yield ctx.at("MC204", model.file, path, msg)


@rule
def replacements(ctx: RuleContext) -> Iterator[Finding]:
    lowered = {ref.lower(): m for ref, m in ctx.catalog.models.items()}
    for model in ctx.catalog.models.values():
        dep = model.deprecation
        if dep is None or dep.replacement is None:
            continue
        path: list[PathSeg] = ["deprecation", "replacement"]
        target = lowered.get(dep.replacement.lower())
        if dep.replacement.lower() == model.ref.lower():
            yield ctx.at("MC206", model.file, path, "a model cannot be its own replacement: name its successor")
        elif target is None and dep.replacement.lower() not in ctx.model_refs:
            yield ctx.at("MC205", model.file, path, _unknown_ref(dep.replacement, ctx))
        elif target is not None and target.status == "retired":
            msg = f"replacement {dep.replacement!r} is itself retired: name the model that replaced it" + (
                f" ({target.deprecation.replacement})" if target.deprecation and target.deprecation.replacement else ""
            )
            yield ctx.at("MC206", model.file, path, msg)


def _unknown_ref(ref: str, ctx: RuleContext) -> str:
    import difflib

    close = difflib.get_close_matches(ref, list(ctx.catalog.models), n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"{ref!r} is not a model in this catalog{hint}: use provider/id of an existing model"


@rule
def rule_settings(ctx: RuleContext) -> Iterator[Finding]:
    settings = ctx.catalog.settings
    if settings.file is None:
        return
    for code_id in settings.rules:
        if code_id not in CODES:
            yield ctx.at(
                "MC209",
                settings.file,
                ["rules", code_id],
                f"{code_id} is not a rule code (see docs/rules.md)",
                key=True,
            )
        elif CODES[code_id].fixed:
            yield ctx.at(
                "MC209",
                settings.file,
                ["rules", code_id],
                f"the severity of {code_id} cannot be changed: a file that cannot be read stays an error",
                key=True,
            )


# --- prices --------------------------------------------------------------------


def _price_sets(period: PricePeriod, base: Sequence[PathSeg]) -> Iterator[tuple[list[PathSeg], Prices, Prices]]:
    """Every price set of a period: (path, its own prices, the prices it inherits from)."""
    yield [*base], period.prices, Prices()
    for i, tier in enumerate(period.tiers):
        yield [*base, "tiers", i], tier.prices, period.prices
    for variant in period.variants:
        vpath: list[PathSeg] = [*base, "variants", variant.name]
        yield vpath, variant.prices, period.prices
        for i, tier in enumerate(variant.tiers):
            yield [*vpath, "tiers", i], tier.prices, variant.prices.over(period.prices)


@rule
def period_order(ctx: RuleContext) -> Iterator[Finding]:
    for model in ctx.catalog.models.values():
        for i in range(1, len(model.pricing)):
            newer, older = model.pricing[i - 1], model.pricing[i]
            path: list[PathSeg] = ["pricing", i, "effective_from"]
            if older.effective_from == newer.effective_from:
                msg = (
                    f"pricing[{i}] starts on {older.effective_from}, the same day as pricing[{i - 1}]: "
                    "merge the two periods or correct a date"
                )
                yield ctx.at("MC302", model.file, path, msg)
            elif older.effective_from > newer.effective_from:
                msg = (
                    f"pricing[{i}] ({older.effective_from}) is newer than pricing[{i - 1}] "
                    f"({newer.effective_from}): list periods newest first — move pricing[{i}] above pricing[{i - 1}]"
                )
                yield ctx.at("MC301", model.file, path, msg)


@rule
def tier_order(ctx: RuleContext) -> Iterator[Finding]:
    for model in ctx.catalog.models.values():
        window = model.limits.context_window
        for p, period in enumerate(model.pricing):
            groups: list[tuple[list[PathSeg], tuple[Tier, ...]]] = [(["pricing", p], period.tiers)]
            groups += [(["pricing", p, "variants", v.name], v.tiers) for v in period.variants]
            for base, tiers in groups:
                for i, tier in enumerate(tiers):
                    path: list[PathSeg] = [*base, "tiers", i, "above_input_tokens"]
                    if i and tier.above_input_tokens <= tiers[i - 1].above_input_tokens:
                        msg = (
                            f"tier threshold {tier.above_input_tokens:,} is not above the previous one "
                            f"({tiers[i - 1].above_input_tokens:,}): list tiers by ascending threshold"
                        )
                        yield ctx.at("MC303", model.file, path, msg)
                    if tier.above_input_tokens >= window:
                        msg = (
                            f"tier threshold {tier.above_input_tokens:,} is not below the context window "
                            f"({window:,}): the tier could never apply"
                        )
                        yield ctx.at("MC311", model.file, path, msg)


@rule
def variant_tiers(ctx: RuleContext) -> Iterator[Finding]:
    for model in ctx.catalog.models.values():
        for p, period in enumerate(model.pricing):
            if not period.tiers:
                continue
            for variant in period.variants:
                if not variant.tiers:
                    yield ctx.at(
                        "MC313",
                        model.file,
                        ["pricing", p, "variants", variant.name],
                        f"the period has context tiers but variant {variant.name!r} has none, so requests above "
                        f"{period.tiers[0].above_input_tokens:,} input tokens get its base prices: give it "
                        "its own tiers (variants do not inherit tiers)",
                    )


@rule
def price_magnitudes(ctx: RuleContext) -> Iterator[Finding]:
    for model in ctx.catalog.models.values():
        for p, period in enumerate(model.pricing):
            for path, own, parent in _price_sets(period, ["pricing", p]):
                yield from _magnitude(ctx, model, path, own, parent)
        for p in range(1, len(model.pricing)):
            yield from _period_jump(ctx, model, p)


def _ratio(a: Decimal, b: Decimal) -> Decimal:
    return max(a, b) / min(a, b)


def _magnitude(ctx: RuleContext, model: Model, path: list[PathSeg], own: Prices, parent: Prices) -> Iterator[Finding]:
    input_price = own.input_per_1m if own.input_per_1m is not None else parent.input_per_1m
    for key, value in own.items():
        kpath = [*path, key]
        if key in TOKEN_PRICE_KEYS and 0 < value < PER_TOKEN_BELOW:
            msg = (
                f"{key} = {plain_decimal(value)} looks like a per-token price: `_per_1m` fields hold dollars per "
                f"million tokens ({plain_decimal(value)} per token is {plain_decimal(value * 1_000_000)} per 1M)"
            )
            yield ctx.at("MC304", model.file, kpath, msg)
            continue
        if value > PLAUSIBLE_MAX:
            unit = "per 1M tokens" if key in TOKEN_PRICE_KEYS else "per unit"
            yield ctx.at(
                "MC310",
                model.file,
                kpath,
                f"{key} = {plain_decimal(value)} {unit} is implausibly high: check the unit (cents? per 1B tokens?)",
            )
        inherited = parent.get(key)
        if inherited and value and _ratio(value, inherited) >= MAGNITUDE_FACTOR:
            msg = (
                f"{key} = {plain_decimal(value)} is {_ratio(value, inherited):.0f}x the base price "
                f"{plain_decimal(inherited)}: a per-1k or per-token price in a per-1M field?"
            )
            yield ctx.at("MC305", model.file, kpath, msg)
        elif (
            key in TOKEN_PRICE_KEYS
            and key != "input_per_1m"
            and input_price
            and value
            and _ratio(value, input_price) >= MAGNITUDE_FACTOR
        ):
            msg = (
                f"{key} = {plain_decimal(value)} is {_ratio(value, input_price):.0f}x away from input_per_1m = "
                f"{plain_decimal(input_price)}: one of them is in the wrong unit (per 1k? per token?)"
            )
            yield ctx.at("MC305", model.file, kpath, msg)
    cached = own.cached_input_per_1m
    if cached is not None and input_price is not None and cached > input_price:
        msg = (
            f"cached_input_per_1m ({plain_decimal(cached)}) is above input_per_1m ({plain_decimal(input_price)}): "
            "a cache read costs at most what fresh input costs"
        )
        yield ctx.at("MC309", model.file, [*path, "cached_input_per_1m"], msg)


def _period_jump(ctx: RuleContext, model: Model, p: int) -> Iterator[Finding]:
    newer, older = model.pricing[p - 1].prices, model.pricing[p].prices
    for key, value in newer.items():
        before = older.get(key)
        if before and value and _ratio(value, before) >= MAGNITUDE_FACTOR:
            msg = (
                f"{key} goes from {plain_decimal(before)} to {plain_decimal(value)}, "
                f"{_ratio(value, before):.0f}x, between pricing[{p}] and pricing[{p - 1}]: a per-1k or per-token "
                "price in a per-1M field?"
            )
            yield ctx.at("MC305", model.file, ["pricing", p - 1, key], msg)


@rule
def empty_prices(ctx: RuleContext) -> Iterator[Finding]:
    for model in ctx.catalog.models.values():
        for p, period in enumerate(model.pricing):
            if not period.prices.items():
                yield ctx.at(
                    "MC308",
                    model.file,
                    ["pricing", p],
                    f"pricing[{p}] gives no price: add at least input_per_1m and output_per_1m (or per_request, "
                    "per_image)",
                )
            for path, own, _parent in _price_sets(period, ["pricing", p]):
                if len(path) > 2 and not own.items() and not _has_tiers(period, path):
                    yield ctx.at("MC308", model.file, path, "this tier or variant gives no price: add one or remove it")


def _has_tiers(period: PricePeriod, path: list[PathSeg]) -> bool:
    if len(path) == 4 and path[2] == "variants":
        return any(v.name == path[3] and v.tiers for v in period.variants)
    return False


def current_period(model: Model, today: date) -> PricePeriod | None:
    """The period in force on ``today``: the newest one that has started."""
    started = [p for p in model.pricing if p.effective_from <= today]
    return max(started, key=lambda p: p.effective_from) if started else None


@rule
def price_dates(ctx: RuleContext) -> Iterator[Finding]:
    max_age = ctx.catalog.settings.stale_after_days
    for model in ctx.catalog.models.values():
        for p, period in enumerate(model.pricing):
            if period.checked > ctx.today:
                yield ctx.at(
                    "MC307",
                    model.file,
                    ["pricing", p, "checked"],
                    f"checked {period.checked} is after today ({ctx.today}): write the day the price was read",
                )
        current = current_period(model, ctx.today)
        if current is None:
            yield ctx.at(
                "MC312",
                model.file,
                ["pricing"],
                f"every price period starts after today ({ctx.today}): the model has no price yet",
            )
            continue
        age = (ctx.today - current.checked).days
        if model.status != "retired" and age > max_age:
            p = model.pricing.index(current)
            yield ctx.at(
                "MC306",
                model.file,
                ["pricing", p, "checked"],
                f"the current price was checked {age} days ago ({current.checked}), over the "
                f"{max_age}-day limit: read it again at its source and update `checked`",
            )


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
            f"the retirement date {dep.retires} has passed: set `status: retired` and `enabled: false`",
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


# --- providers ---------------------------------------------------------------------


@rule
def providers(ctx: RuleContext) -> Iterator[Finding]:
    cat = ctx.catalog
    used = {m.provider for m in cat.models.values()}
    for provider in cat.providers.values():
        if provider.id not in used:
            yield ctx.at("MC502", provider.file, ["id"], f"provider {provider.id!r} has no models")
    for model in cat.models.values():
        owner = cat.providers.get(model.provider)
        if owner and model.currency and owner.currency and model.currency != owner.currency:
            yield ctx.at(
                "MC501",
                model.file,
                ["currency"],
                f"currency {model.currency} differs from the provider's ({owner.currency}): is that intended?",
            )
