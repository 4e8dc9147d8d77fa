"""Look at models: the list (``modelctl list``), one model in full (``show``),
several side by side (``compare``).

Everything is read from the runtime catalog (``runtime.Catalog``), so the
prices shown are the prices ``cost`` uses.  Library only: the CLI renders.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from modelctl import runtime
from modelctl.catalog.model import FEATURES, PRICE_KEYS

__all__ = [
    "Listed",
    "ModelView",
    "PeriodView",
    "PriceLine",
    "SORT_KEYS",
    "TierView",
    "VariantView",
    "compare_rows",
    "list_models",
    "model_view",
]

SORT_KEYS: tuple[str, ...] = (
    "ref",
    "name",
    "provider",
    "status",
    "context",
    "max_output",
    "released",
    "retires",
    *PRICE_KEYS,
)


@dataclass(frozen=True, slots=True)
class Listed:
    """A model with its base prices in force on the day asked (None: none)."""

    info: runtime.ModelInfo
    price: runtime.PriceSet | None

    @property
    def prices(self) -> Mapping[str, Decimal]:
        return self.price.prices if self.price is not None else {}

    @property
    def retires(self) -> str | None:
        dep = self.info.deprecation or {}
        retires: str | None = dep.get("retires")
        return retires


def list_models(
    catalog: runtime.Catalog,
    *,
    at: date,
    providers: Iterable[str] = (),
    features: Iterable[str] = (),
    statuses: Iterable[str] = (),
    enabled: bool | None = None,
    search: str | None = None,
    sort: str = "ref",
    descending: bool = False,
    plan: str | None = None,
    account: str | None = None,
) -> list[Listed]:
    """The models matching every filter, sorted by ``sort`` (one of SORT_KEYS).

    ``providers`` and ``statuses`` match any of those given, ``features``
    must all be present; ``search`` is a case-insensitive substring of the
    canonical id, name or an alias; ``plan`` / ``account`` keep the models
    that plan or account may use (runtime ``models_for``).  Models without the
    sort key (no such price) come last in either direction."""
    if sort not in SORT_KEYS:
        raise ValueError(f"cannot sort by {sort!r}: use one of {', '.join(SORT_KEYS)}")
    wanted = set(providers)
    statuses = set(statuses)
    needle = search.lower() if search else None
    entitled = None
    if plan is not None or account is not None:
        entitled = {m.ref for m in catalog.models_for(plan=plan, account=account)}
    out = []
    for info in catalog.models(feature=list(features), enabled=enabled):
        if entitled is not None and info.ref not in entitled:
            continue
        if wanted and info.provider not in wanted:
            continue
        if statuses and info.status not in statuses:
            continue
        if needle and not _matches(info, needle):
            continue
        out.append(Listed(info, _base_price(info, at)))
    present = [x for x in out if _sort_value(x, sort) is not None]
    missing = [x for x in out if _sort_value(x, sort) is None]
    present.sort(key=lambda x: (_sort_value(x, sort), x.info.ref), reverse=descending)
    return present + missing


def _matches(info: runtime.ModelInfo, needle: str) -> bool:
    return needle in info.ref.lower() or needle in info.name.lower() or any(needle in a.lower() for a in info.aliases)


def _price_or_none(catalog: runtime.Catalog, ref: str, at: date, variant: str | None = None) -> runtime.PriceSet | None:
    try:
        return catalog.price(ref, at=at, variant=variant)
    except runtime.NoPriceError:
        return None


def _base_price(info: runtime.ModelInfo, at: date) -> runtime.PriceSet | None:
    """``catalog.price(ref, at)`` without compiling every period's rates: the
    newest period started by ``at`` (periods are newest first in the
    artifact), its base prices only.  A test checks it against the runtime."""
    day = at.isoformat()
    for period in info.data.get("pricing", ()):
        if period["effective_from"] <= day:
            prices = {k: Decimal(v) for k, v in period.get("prices", {}).items()}
            start = date.fromisoformat(period["effective_from"])
            return runtime.PriceSet(info.ref, info.currency, start, None, prices, (), period.get("source", ""))
    return None


def _sort_value(item: Listed, key: str) -> Any:
    info = item.info
    simple: dict[str, Any] = {
        "ref": info.ref.lower(),
        "name": info.name.lower(),
        "provider": info.provider,
        "status": ("preview", "active", "deprecated", "retired").index(info.status),
        "context": info.context_window or None,
        "max_output": info.max_output_tokens,
        "released": info.released,
        "retires": item.retires,
    }
    if key in simple:
        return simple[key]
    return item.prices.get(key)


# --- one model ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PriceLine:
    key: str
    value: Decimal
    inherited: bool = False  # from the period's base prices (or, in a tier, from the prices it refines)


@dataclass(frozen=True, slots=True)
class TierView:
    above_input_tokens: int
    prices: tuple[PriceLine, ...]


@dataclass(frozen=True, slots=True)
class VariantView:
    name: str
    prices: tuple[PriceLine, ...]
    tiers: tuple[TierView, ...]
    note: str | None


@dataclass(frozen=True, slots=True)
class PeriodView:
    effective_from: date
    until: date | None  # the last day, when a newer period follows
    state: str  # "current", "past" or "scheduled"
    source: str
    checked: date | None  # (every artifact modelctl writes has it; another tool's may not)
    note: str | None
    prices: tuple[PriceLine, ...]
    tiers: tuple[TierView, ...]
    variants: tuple[VariantView, ...]


@dataclass(frozen=True, slots=True)
class ModelView:
    info: runtime.ModelInfo
    provider_name: str
    periods: tuple[PeriodView, ...]  # newest first


def _lines(own: Mapping[str, str], base: Mapping[str, Decimal] | None = None) -> tuple[PriceLine, ...]:
    merged = {k: (Decimal(v), False) for k, v in own.items()}
    for key, value in (base or {}).items():
        merged.setdefault(key, (value, True))
    return tuple(PriceLine(k, *merged[k]) for k in PRICE_KEYS if k in merged)


def _as_prices(lines: Iterable[PriceLine]) -> dict[str, Decimal]:
    return {line.key: line.value for line in lines}


def _tiers(tiers: Sequence[Mapping[str, Any]], base: Mapping[str, Decimal]) -> tuple[TierView, ...]:
    return tuple(TierView(t["above_input_tokens"], _lines(t.get("prices", {}), base)) for t in tiers)


def model_view(catalog: runtime.Catalog, ref: str, *, today: date) -> ModelView:
    """Everything about one model; raises the runtime's lookup errors."""
    info = catalog.model(ref)
    provider = catalog.providers().get(info.provider, {})
    periods = info.data.get("pricing", [])
    starts = [date.fromisoformat(p["effective_from"]) for p in periods]  # newest first
    current = next((i for i, start in enumerate(starts) if start <= today), None)
    views = []
    for i, period in enumerate(periods):
        base = _lines(period.get("prices", {}))
        base_prices = _as_prices(base)
        variants = []
        for name, v in sorted(period.get("variants", {}).items()):
            prices = _lines(v.get("prices", {}), base_prices)
            variants.append(VariantView(name, prices, _tiers(v.get("tiers", []), _as_prices(prices)), v.get("note")))
        state = "scheduled" if starts[i] > today else "current" if i == current else "past"
        views.append(
            PeriodView(
                effective_from=starts[i],
                until=starts[i - 1] - timedelta(days=1) if i > 0 else None,
                state=state,
                source=period.get("source", ""),
                checked=date.fromisoformat(period["checked"]) if "checked" in period else None,
                note=period.get("note"),
                prices=base,
                tiers=_tiers(period.get("tiers", []), base_prices),
                variants=tuple(variants),
            )
        )
    return ModelView(info, str(provider.get("name", info.provider)), tuple(views))


# --- side by side ------------------------------------------------------------------


def compare_rows(
    catalog: runtime.Catalog,
    refs: Sequence[str],
    *,
    at: date,
    variant: str | None = None,
    usage: runtime.Usage | None = None,
) -> list[tuple[str, list[Any]]]:
    """(field, one value per model) rows for a side-by-side table (``refs``: the names as given,
    canonical ids or aliases; ``at``: a day, or an instant for time-of-day prices): identity,
    lifecycle, limits, modalities, the prices in force on ``at`` (None where
    a model has no such price), tiers and variants, then features (bool).
    Only price keys and features that at least one model has are listed.

    With ``usage``, a ``cost`` row follows the prices: what that usage costs on each
    model (``catalog.cost`` on ``at``, in the variant whose prices are shown), None
    where it cannot be priced, and then a ``cost_error`` row saying why (the runtime's
    words), if any model could not price it."""
    infos = [catalog.model(r) for r in refs]
    # Priced by the names given: an alias that names a variant (eu.anthropic...) is priced at it.
    prices = [(variant and _price_or_none(catalog, r, at, variant)) or _price_or_none(catalog, r, at) for r in refs]
    rows: list[tuple[str, list[Any]]] = [
        ("name", [i.name for i in infos]),
        ("provider", [i.provider for i in infos]),
        ("status", [i.status for i in infos]),
        ("enabled", [bool(i.enabled) for i in infos]),
        ("released", [i.released for i in infos]),
        ("retires", [(i.deprecation or {}).get("retires") for i in infos]),
        ("replacement", [(i.deprecation or {}).get("replacement") for i in infos]),
        ("context_window", [i.context_window or None for i in infos]),
        ("max_output_tokens", [i.max_output_tokens for i in infos]),
        ("input_modalities", [list(i.input_modalities) for i in infos]),
        ("output_modalities", [list(i.output_modalities) for i in infos]),
        ("currency", [i.currency for i in infos]),
        ("prices_from", [p.effective_from if p else None for p in prices]),
        ("variant", [p.variant if p else None for p in prices]),
    ]
    for key in PRICE_KEYS:
        values = [p.prices.get(key) if p else None for p in prices]
        if any(v is not None for v in values):
            rows.append((key, values))
    if usage is not None:
        rows += _cost_rows(catalog, infos, prices, usage, at)
    rows.append(("tiers", [[above for above, _ in p.tiers] if p else [] for p in prices]))
    rows.append(("variants", [_variants(i) for i in infos]))
    for feature in FEATURES:
        have = [feature in i.features for i in infos]
        if any(have):
            rows.append((feature, have))
    return rows


def _cost_rows(
    catalog: runtime.Catalog,
    infos: Sequence[runtime.ModelInfo],
    prices: Sequence[runtime.PriceSet | None],
    usage: runtime.Usage,
    at: date,
) -> list[tuple[str, list[Any]]]:
    costs: list[Decimal | None] = []
    errors: list[str | None] = []
    for info, price in zip(infos, prices, strict=True):
        try:
            costs.append(catalog.cost(info.ref, usage, at=at, variant=price.variant if price else None).total)
            errors.append(None)
        except runtime.CatalogError as exc:  # no price that day, a count the model does not price, ...
            costs.append(None)
            errors.append(str(exc))
    rows: list[tuple[str, list[Any]]] = [("cost", costs)]
    if any(e is not None for e in errors):
        rows.append(("cost_error", errors))
    return rows


def _variants(info: runtime.ModelInfo) -> list[str]:
    return sorted({name for p in info.data.get("pricing", ()) for name in p.get("variants", {})})
