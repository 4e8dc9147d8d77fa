"""Price rules (MC3xx): order of periods and tiers, the magnitude guard, dates of prices, overlapping
time-of-day windows and aliases that name a variant the model does not price."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal

from modelctl.catalog.model import TOKEN_PRICE_KEYS, Model, PricePeriod, Prices, Tier, Window, warehouse_misfit
from modelctl.catalog.strict_yaml import DECIMALS, PathSeg, plain_decimal
from modelctl.errors import Finding
from modelctl.rules.registry import RuleContext, rule

PER_TOKEN_BELOW = Decimal("0.001")  # $1,000 per 1M written per token is 0.001
# Prices this far apart suggest a per-1k / per-1M mix-up (1,000x).  Real gaps
# reach ~120x (DeepSeek's cache reads; audio output against text input).
MAGNITUDE_FACTOR = Decimal(300)
PLAUSIBLE_MAX = Decimal(1000)


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
        for p, period in enumerate(model.pricing):
            # A period may carry the limits in force then (a context window since withdrawn).
            window = (period.limits or model.limits).context_window
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


@rule
def warehouse_prices(ctx: RuleContext) -> Iterator[Finding]:
    """MC320: a price the warehouse price table (DECIMAL(38,18)) cannot hold exactly.  The Python
    engine and the runtime price it exactly; ``reprice --engine duckdb`` and the Spark loader
    refuse the catalog rather than round it, so the author hears of it here, in the pull request."""
    for model in ctx.catalog.models.values():
        for p, period in enumerate(model.pricing):
            for path, own, _parent in _price_sets(period, ["pricing", p]):
                for key, value in own.items():
                    why = warehouse_misfit(value)
                    if why is None:
                        continue
                    yield ctx.at(
                        "MC320",
                        model.file,
                        [*path, key],
                        f"{key} = {plain_decimal(value)} {why}: the warehouse price table (DECIMAL(38,18): at most "
                        "18 places, below 10^20) cannot hold it exactly, so `reprice --engine duckdb` and the "
                        "Spark path refuse this catalog (the runtime and the Python engine price it exactly)",
                    )


def _ratio(a: Decimal, b: Decimal) -> Decimal:
    return DECIMALS.divide(max(a, b), min(a, b))  # a local context: never the caller's


def _per_token(key: str, value: Decimal | None) -> bool:
    """A ``_per_1m`` price small enough to be a per-token price (MC304 reports it at its own line)."""
    return key in TOKEN_PRICE_KEYS and value is not None and 0 < value < PER_TOKEN_BELOW


def _magnitude(ctx: RuleContext, model: Model, path: list[PathSeg], own: Prices, parent: Prices) -> Iterator[Finding]:
    input_price = own.input_per_1m if own.input_per_1m is not None else parent.input_per_1m
    # A per-token price is reported once, at the line that holds it (MC304): a right price is never
    # blamed for being far from it (MC305, MC309 compare only with plausible prices).
    if _per_token("input_per_1m", input_price):
        input_price = None
    for key, value in own.items():
        kpath = [*path, key]
        if _per_token(key, value):
            per_1m = plain_decimal(DECIMALS.multiply(value, 1_000_000))
            msg = (
                f"{key} = {plain_decimal(value)} looks like a per-token price: `_per_1m` fields hold dollars per "
                f"million tokens ({plain_decimal(value)} per token is {per_1m} per 1M)"
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
        if _per_token(key, inherited):
            inherited = None
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
        if _per_token(key, before) or _per_token(key, value):
            continue  # MC304 says so at the line of the per-token price
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


def _all_zero(period: PricePeriod) -> bool:
    """Every price the period gives (base, tiers, variants) is zero."""
    values = [v for _path, own, _parent in _price_sets(period, []) for _k, v in own.items()]
    return bool(values) and not any(values)


@rule
def free_prices(ctx: RuleContext) -> Iterator[Finding]:
    for model in ctx.catalog.models.values():
        for p, period in enumerate(model.pricing):
            zero = _all_zero(period)
            if period.free and not zero:
                yield ctx.at(
                    "MC319",
                    model.file,
                    ["pricing", p, "free"],
                    f"pricing[{p}] says free: true but gives a price above zero: remove `free` or the price",
                )
            elif zero and not period.free and model.enabled:
                yield ctx.at(
                    "MC318",
                    model.file,
                    ["pricing", p],
                    f"every price of pricing[{p}] is 0 on an enabled model: if it really costs nothing, say "
                    "`free: true`; otherwise write the real prices (a placeholder bills every request at 0)",
                )


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


# --- variants: time-of-day windows and the aliases that name a variant -------------------------

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_MINUTES = 24 * 60


def _minutes(window: Window) -> frozenset[int]:
    """The minutes of the UTC day a window holds, exactly as the runtime matches them: from start
    (included) to end (excluded), past midnight when the end is before the start, none when equal."""
    start, end = (int(t[:2]) * 60 + int(t[3:]) for t in (window.start, window.end))
    if start <= end:
        return frozenset(range(start, end))
    return frozenset(range(start, _DAY_MINUTES)) | frozenset(range(end))


def _days(window: Window) -> frozenset[str]:
    return frozenset(window.weekdays or _DAYS)  # the runtime tests the weekday of the instant


def _when(days: frozenset[str], minutes: frozenset[int]) -> str:
    """``sat, sun 04:00-06:00 UTC``: the days and the first run of minutes of an overlap."""
    starts = sorted(m for m in minutes if (m - 1) % _DAY_MINUTES not in minutes)
    first = starts[0] if starts else 0  # no start: every minute of the day
    length = 1
    while length < _DAY_MINUTES and (first + length) % _DAY_MINUTES in minutes:
        length += 1
    end = (first + length) % _DAY_MINUTES or _DAY_MINUTES
    named = "every day" if len(days) == len(_DAYS) else ", ".join(d for d in _DAYS if d in days)
    return f"{named} {first // 60:02d}:{first % 60:02d}-{end // 60:02d}:{end % 60:02d} UTC"


@rule
def window_overlaps(ctx: RuleContext) -> Iterator[Finding]:
    """Windows of two variants that hold the same instant make two prices for one request (the runtime
    bills the first variant by name): MC314.  In one variant, windows may overlap (DeepSeek: daily hours
    plus whole weekends); a window another one of the variant holds entirely says nothing: MC315."""
    for model in ctx.catalog.models.values():
        for p, period in enumerate(model.pricing):
            windows = [(v.name, i, w, _days(w), _minutes(w)) for v in period.variants for i, w in enumerate(v.windows)]
            for k, (name_a, i, a, days_a, mins_a) in enumerate(windows):
                for name_b, j, b, days_b, mins_b in windows[k + 1 :]:
                    days, mins = days_a & days_b, mins_a & mins_b
                    if not days or not mins:
                        continue
                    if name_a != name_b:
                        msg = (
                            f"variant {name_b!r} windows[{j}] ({b.start}-{b.end}) and variant {name_a!r} "
                            f"windows[{i}] ({a.start}-{a.end}) both hold {_when(days, mins)}: one instant, two "
                            f"prices (the runtime bills {min(name_a, name_b)!r}, the first by name): make them disjoint"
                        )
                        yield ctx.at("MC314", model.file, ["pricing", p, "variants", name_b, "windows", j], msg)
                        continue
                    if days_b <= days_a and mins_b <= mins_a:  # the later one inside: remove it
                        inner, x, outer = b, j, i
                    elif days_a <= days_b and mins_a <= mins_b:
                        inner, x, outer = a, i, j
                    else:
                        continue  # overlapping, each adds something: fine
                    msg = (
                        f"variant {name_b!r}: windows[{x}] ({inner.start}-{inner.end}) lies inside "
                        f"windows[{outer}]: it changes nothing; remove it"
                    )
                    yield ctx.at("MC315", model.file, ["pricing", p, "variants", name_b, "windows", x], msg)


@rule
def alias_variants(ctx: RuleContext) -> Iterator[Finding]:
    """An alias that names a variant no period offers (MC316), or one the period in force today lacks
    (MC317): ``cost()`` of that name raises NoPriceError instead of billing it."""
    for model in ctx.catalog.models.values():
        offered = {v.name for period in model.pricing for v in period.variants}
        current = current_period(model, ctx.today)
        now = {v.name for v in current.variants} if current is not None else offered
        for alias, variant in model.alias_variants:
            i = model.aliases.index(alias)
            path: list[PathSeg] = ["aliases", i, "variant"]
            known = ", ".join(sorted(offered)) or "none"
            if variant not in offered:
                msg = (
                    f"alias {alias!r} names variant {variant!r}, which no price period of {model.ref} offers "
                    f"(its variants: {known}): add the variant's prices or fix the name"
                )
                yield ctx.at("MC316", model.file, path, msg)
            elif variant not in now and current is not None:
                since = current.effective_from
                msg = (
                    f"alias {alias!r} names variant {variant!r}, which the period in force today (from {since}) "
                    f"does not offer: cost() of {alias!r} raises NoPriceError; carry the variant forward"
                )
                yield ctx.at("MC317", model.file, path, msg)
