"""Comparing price periods: what changed, by how much, from when, and how it is classed."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal, localcontext
from typing import Any

from modelctl.review.changes import (
    _ORDER,
    ADDED,
    BREAKING,
    CHANGED,
    INFO,
    REMOVED,
    REVIEW,
    Change,
    DiffOptions,
    PriceChange,
)


def _periods(pricing: list[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    return {p["effective_from"]: p for p in pricing}


def _in_force(periods: dict[str, Mapping[str, Any]], day: str) -> Mapping[str, Any] | None:
    started = [d for d in periods if d <= day]
    return periods[max(started)] if started else None


def _pricing(
    key: str, old: list[Mapping[str, Any]], new: list[Mapping[str, Any]], options: DiffOptions
) -> Iterator[Change]:
    before, after = _periods(old), _periods(new)
    today = options.today.isoformat()
    for day in sorted(set(before) | set(after), reverse=True):
        a, b = before.get(day), after.get(day)
        if a == b:
            continue
        scheduled = day > today
        if a is None and b is not None:
            # A new period: compare with what was in force on that day before the change.
            prior = _in_force(before, day)
            yield from _price_sets(
                key, day, prior, b, options, scheduled=scheduled, new_period=True, retroactive=day < today
            )
        elif b is None and a is not None:
            cls = REVIEW if day <= today else INFO
            reason = (
                "price period removed: usage in it would be re-priced"
                if cls == REVIEW
                else "scheduled price change withdrawn"
            )
            yield Change(
                "model",
                key,
                REMOVED,
                f"pricing[{day}]",
                a.get("prices"),
                None,
                cls,
                reason,
                PriceChange("*", day, scheduled=scheduled),
            )
        else:
            assert a is not None and b is not None
            yield from _price_sets(
                key, day, a, b, options, scheduled=scheduled, new_period=False, retroactive=day <= today
            )
            for name in ("source", "checked", "note"):
                if a.get(name) != b.get(name):
                    yield Change(
                        "model",
                        key,
                        CHANGED if a.get(name) and b.get(name) else ADDED if b.get(name) else REMOVED,
                        f"pricing[{day}].{name}",
                        a.get(name),
                        b.get(name),
                        INFO,
                        "",
                    )


def _price_sets(
    key: str,
    day: str,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any],
    options: DiffOptions,
    *,
    scheduled: bool,
    new_period: bool,
    retroactive: bool,
) -> Iterator[Change]:
    old = old or {}
    old_v, new_v = old.get("variants", {}), new.get("variants", {})
    # The base prices (variant None), then each variant, compared the same way.
    sets: list[tuple[str | None, Any, Any]] = [(None, old, new)]
    sets += [(name, old_v.get(name), new_v.get(name)) for name in sorted(set(old_v) | set(new_v))]
    for name, a, b in sets:
        if a == b and name is not None:
            continue
        if b is None:
            yield Change(
                "model",
                key,
                REMOVED,
                f"pricing[{day}].variants.{name}",
                a,
                None,
                BREAKING,
                f"variant {name!r} removed: requests for it will fail",
                PriceChange("*", day, variant=name, scheduled=scheduled),
            )
            continue
        a = a or {}
        yield from _prices(
            key,
            day,
            name,
            None,
            a.get("prices", {}),
            b.get("prices", {}),
            options,
            scheduled=scheduled,
            new_period=new_period,
            retroactive=retroactive,
        )
        yield from _tiers(
            key, day, name, a.get("tiers", []), b.get("tiers", []), options, scheduled, new_period, retroactive
        )


def _tiers(
    key: str,
    day: str,
    variant: str | None,
    old: list[Mapping[str, Any]],
    new: list[Mapping[str, Any]],
    options: DiffOptions,
    scheduled: bool,
    new_period: bool,
    retroactive: bool,
) -> Iterator[Change]:
    a = {t["above_input_tokens"]: t.get("prices", {}) for t in old}
    b = {t["above_input_tokens"]: t.get("prices", {}) for t in new}
    for above in sorted(set(a) | set(b)):
        yield from _prices(
            key,
            day,
            variant,
            above,
            a.get(above, {}),
            b.get(above, {}),
            options,
            scheduled=scheduled,
            new_period=new_period,
            retroactive=retroactive,
        )


def _where(day: str, variant: str | None, tier: int | None, price_key: str) -> str:
    out = f"pricing[{day}]"
    if variant:
        out += f".variants.{variant}"
    if tier is not None:
        out += f".tiers[>{tier}]"
    return f"{out}.{price_key}"


def _prices(
    key: str,
    day: str,
    variant: str | None,
    tier: int | None,
    old: Mapping[str, str],
    new: Mapping[str, str],
    options: DiffOptions,
    *,
    scheduled: bool,
    new_period: bool,
    retroactive: bool,
) -> Iterator[Change]:
    for price_key in sorted(set(old) | set(new), key=lambda k: _ORDER.get(k, 99)):
        a, b = old.get(price_key), new.get(price_key)
        if a == b:
            continue
        before = Decimal(a) if a is not None else None
        after = Decimal(b) if b is not None else None
        if before is not None and after is not None and before == after:
            continue
        with localcontext() as ctx:  # exact for any price validate accepts (40 digits, 10^-40 to 10^40)
            ctx.prec = 200
            delta = after - before if before is not None and after is not None else None
            percent = (delta / before * 100).quantize(Decimal("0.1")) if delta is not None and before else None
        detail = PriceChange(price_key, day, variant, tier, scheduled, delta, percent)
        action = ADDED if a is None else REMOVED if b is None else CHANGED
        cls, reason = _classify_price(
            before, after, percent, options, scheduled=scheduled, new_period=new_period, retroactive=retroactive
        )
        yield Change("model", key, action, _where(day, variant, tier, price_key), a, b, cls, reason, detail)


def _classify_price(
    before: Decimal | None,
    after: Decimal | None,
    percent: Decimal | None,
    options: DiffOptions,
    *,
    scheduled: bool,
    new_period: bool,
    retroactive: bool,
) -> tuple[str, str]:
    if after is None:
        return REVIEW, "price removed: this usage falls back to another price or fails"
    if retroactive:
        what = "a new period dated in the past" if new_period else "a price of a period already in force"
        return REVIEW, f"{what}: usage already billed would be re-priced"
    if before is not None and after > before:
        if percent is None or percent > options.review_threshold:
            return REVIEW, f"price raised by more than {options.review_threshold}%"
    return INFO, "scheduled" if scheduled else ""
