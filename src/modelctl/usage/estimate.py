"""What a workload costs: one model with the breakdown (``modelctl cost``),
or every matching model, cheapest first (``modelctl estimate``).

Every number comes from ``runtime.Catalog.cost``, the code applications run;
this module only adds which price each component used and why a model was
left out of an estimate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation, localcontext

from modelctl import runtime
from modelctl.catalog.model import Workload
from modelctl.runtime._pricing import _COMPONENTS, _OPTIONAL

__all__ = [
    "Breakdown",
    "Component",
    "Estimate",
    "PRICED_BY",
    "Skipped",
    "breakdown",
    "estimate",
    "parse_count",
]

# usage field -> (component, price keys tried in order, per 1M tokens?): the
# runtime's own table (docs/runtime.md), so the breakdown names what priced each part.
PRICED_BY: tuple[tuple[str, str, tuple[str, ...], int], ...] = _COMPONENTS
FREE_WITHOUT_PRICE = frozenset(_OPTIONAL)  # no per_request price: requests cost nothing

# ASCII digits, grouped by underscores (as Python writes 1_500) or by commas in thousands only: 1,500 is
# 1500 but 1,5k (a decimal comma) or 1,00 is refused rather than read as 15,000 or 100.
_COUNT = re.compile(r"^\s*([0-9]+(?:_[0-9]+)*|[0-9]{1,3}(?:,[0-9]{3})+)(\.[0-9]+)?\s*([kKmMbB]?)\s*\Z")
_SCALE = {"": 1, "k": 1_000, "m": 1_000_000, "b": 1_000_000_000}


def parse_count(text: str) -> int:
    """A token count: ``1500``, ``1_500``, ``1,500``, ``1.5k``, ``2M``, ``1b``.

    Raises ValueError (with a message for people) unless it is a whole,
    non-negative number."""
    if isinstance(text, int):
        return text
    match = _COUNT.match(str(text))
    if not match:
        raise ValueError(f"{text!r} is not a token count: write a whole number such as 1500, 1_500, 1.5k or 2M")
    try:
        whole = match.group(1).replace("_", "").replace(",", "")
        value = Decimal(whole + (match.group(2) or "")) * _SCALE[match.group(3).lower()]
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a token count") from None
    if value != value.to_integral_value():
        raise ValueError(f"{text!r} is not a whole number of tokens")
    return int(value)


@dataclass(frozen=True, slots=True)
class Component:
    """One line of a cost: how many units, the price that applied, the amount."""

    name: str  # input, output, cached_input, ..., request, image
    units: int
    price_key: str  # the key that priced it, e.g. cached_input_per_1m
    price: Decimal  # as written: per 1M tokens, or per unit for per_request / per_image
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Breakdown:
    model: runtime.ModelInfo
    cost: runtime.Cost
    components: tuple[Component, ...]
    usage: runtime.Usage
    at: date


def breakdown(
    catalog: runtime.Catalog, ref: str, usage: runtime.Usage, *, at: date, variant: str | None = None
) -> Breakdown:
    """``catalog.cost`` with each component's price.  Raises the runtime's errors."""
    cost = catalog.cost(ref, usage, at=at, variant=variant)
    price = catalog.price(ref, at=at, variant=variant)
    prices = price.prices
    if cost.tier is not None:
        prices = next(p for above, p in price.tiers if above == cost.tier)
    lines = []
    for usage_field, component, keys, _unit in PRICED_BY:
        if component not in cost.components:
            continue
        key = next(k for k in keys if k in prices)
        units = getattr(usage, usage_field)
        lines.append(Component(component, units, key, prices[key], cost.components[component]))
    return Breakdown(catalog.model(ref), cost, tuple(lines), usage, at)


@dataclass(frozen=True, slots=True)
class Skipped:
    """Models an estimate left out, by reason."""

    reasons: dict[str, list[str]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(refs) for refs in self.reasons.values())

    def add(self, reason: str, ref: str) -> None:
        self.reasons.setdefault(reason, []).append(ref)


@dataclass(frozen=True, slots=True)
class Estimate:
    rows: tuple[Breakdown, ...]  # cheapest first
    skipped: Skipped
    considered: int


def estimate(
    catalog: runtime.Catalog,
    usage: runtime.Usage,
    *,
    at: date,
    features: Iterable[str] = (),
    providers: Iterable[str] = (),
    variant: str | None = None,
    include_unavailable: bool = False,
    plan: str | None = None,
    account: str | None = None,
) -> Estimate:
    """``usage`` priced on every model that matches, cheapest first.

    Left out, and counted by reason: disabled or retired models (unless
    ``include_unavailable``), models without the variant, without a price
    in force on ``at``, without a price for a component the usage has, or
    whose context window is smaller than the request.  ``plan`` / ``account``
    keep only the models that plan or account may use."""
    wanted = set(providers)
    candidates = [m for m in catalog.models(feature=list(features)) if not wanted or m.provider in wanted]
    if plan is not None or account is not None:
        entitled = {m.ref for m in catalog.models_for(plan=plan, account=account)}
        candidates = [m for m in candidates if m.ref in entitled]
    skipped = Skipped()
    rows: list[Breakdown] = []
    needed = usage.input_side_tokens + usage.output_tokens + usage.reasoning_tokens
    for info in candidates:
        reason = _unusable(info, variant, needed, include_unavailable)
        if reason is None:
            try:
                rows.append(breakdown(catalog, info.ref, usage, at=at, variant=variant))
                continue
            except runtime.NoPriceError as exc:
                reason = _no_price_reason(catalog, info, at, variant, exc)
            except runtime.UnsupportedUsageError as exc:
                reason = exc.reason  # marked, never ranked: "does not accept audio input"
        skipped.add(reason, info.ref)
    rows.sort(key=lambda b: (b.cost.total, b.model.ref))
    return Estimate(tuple(rows), skipped, len(candidates))


def _unusable(info: runtime.ModelInfo, variant: str | None, needed: int, include_unavailable: bool) -> str | None:
    if not include_unavailable and not info.available:
        return "retired" if info.status == "retired" else "disabled"
    if variant is not None and not any(variant in p.get("variants", {}) for p in info.data.get("pricing", ())):
        return f"no {variant} variant"
    if info.context_window and needed > info.context_window:
        return "request larger than the context window"
    return None


def _no_price_reason(
    catalog: runtime.Catalog, info: runtime.ModelInfo, at: date, variant: str | None, exc: runtime.NoPriceError
) -> str:
    try:
        catalog.price(info.ref, at=at, variant=variant)
    except runtime.NoPriceError:
        return f"no {variant + ' ' if variant else ''}price in force on {at}"
    message = str(exc)
    marker = "has no price for "
    if marker in message:
        return "no price for " + message.split(marker, 1)[1].split(" (", 1)[0]
    return message


@dataclass(frozen=True, slots=True)
class WorkloadRow:
    """A workload's month moved onto one model: every entry's requests at that model's prices."""

    model: runtime.ModelInfo
    monthly: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class WorkloadEstimate:
    rows: tuple[WorkloadRow, ...]  # cheapest first
    skipped: Skipped
    considered: int


def estimate_workload(
    catalog: runtime.Catalog, workload: Workload, *, at: date, include_unavailable: bool = False
) -> WorkloadEstimate:
    """The workload's monthly cost on every model its plan or account may use, cheapest first.

    Each entry's average request is priced on the candidate (its tiers decided per request) and
    multiplied by the entry's requests; variant shares are not applied (a candidate may not have
    them). A model that cannot price every entry is left out with the first entry's reason."""
    per_entry = [
        (
            entry.requests,
            estimate(
                catalog,
                runtime.Usage(**entry.per_request),
                at=at,
                include_unavailable=include_unavailable,
                plan=workload.plan,
                account=workload.account,
            ),
        )
        for entry in workload.models
    ]
    totals: dict[str, Decimal] = {}
    infos: dict[str, tuple[runtime.ModelInfo, str]] = {}
    skipped = Skipped()
    with localcontext() as ctx:
        ctx.prec = 60
        for i, (requests, result) in enumerate(per_entry):
            priced = {b.model.ref: b for b in result.rows}
            if i == 0:
                for b in result.rows:
                    infos[b.model.ref] = (b.model, b.cost.currency)
                    totals[b.model.ref] = Decimal(0)
                for reason, refs in result.skipped.reasons.items():
                    for ref in refs:
                        skipped.add(reason, ref)
            for ref in list(totals):
                if ref in priced:
                    totals[ref] += priced[ref].cost.total * requests
                else:
                    skipped.add(f"cannot price entry {i + 1} ({workload.models[i].model}'s usage)", ref)
                    del totals[ref]
    rows = [WorkloadRow(infos[ref][0], total, infos[ref][1]) for ref, total in totals.items()]
    rows.sort(key=lambda r: (r.monthly, r.model.ref))
    considered = per_entry[0][1].considered if per_entry else 0
    return WorkloadEstimate(tuple(rows), skipped, considered)
