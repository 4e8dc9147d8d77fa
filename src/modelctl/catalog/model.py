"""The catalog as frozen dataclasses, built from validated files.

Money is ``Decimal`` throughout; dates are ``datetime.date``.  Every entity
remembers the file it came from so that rules can point at its lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Context, Decimal
from typing import Any

PRICE_KEYS: tuple[str, ...] = (
    "input_per_1m",
    "output_per_1m",
    "cached_input_per_1m",
    "cache_write_per_1m",
    "cache_write_1h_per_1m",
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
TOKEN_PRICE_KEYS: tuple[str, ...] = tuple(k for k in PRICE_KEYS if k.endswith("_per_1m"))

# The money type of the warehouse price table (interop/exporters/price_table.py), which
# `reprice --engine duckdb` and the Spark loader load: DECIMAL(38, 18).
_HELD_BELOW = Decimal(10) ** 20
_EXACT = Context(prec=200)  # normalize() rounds to its context's precision: 200 digits is above any price


def warehouse_misfit(value: Decimal) -> str | None:
    """Why DECIMAL(38,18) cannot hold ``value`` exactly ("is 10^20 or more", "has 19 decimal
    places"), or None when it can: at most 18 decimal places once trailing zeros are dropped
    (``2.5000000000000000000000`` is held), and below 10^20 (38 digits, 18 after the point).
    validate accepts prices of 40 digits, from 10^-40 to 10^40 (and warns of these: MC320)."""
    if not value.copy_abs() < _HELD_BELOW:  # (copy_abs: abs() would round to the caller's context)
        return "is 10^20 or more"
    exponent = value.normalize(_EXACT).as_tuple().exponent
    if isinstance(exponent, int) and exponent < -18:
        return f"has {-exponent} decimal places"
    return None


# The vocabulary of PRODUCT.md, in its order (the schemas are generated from these).
FEATURES: tuple[str, ...] = (
    "json_mode",
    "structured_outputs",
    "function_calling",
    "vision",
    "audio_input",
    "audio_output",
    "image_generation",
    "reasoning",
    "prompt_caching",
    "streaming",
    "web_search",
    "pdf_input",
    "embeddings",
    "batch_api",
    "fine_tuning",
)
MODALITIES: tuple[str, ...] = ("text", "image", "audio", "video", "pdf")
STATUSES: tuple[str, ...] = ("preview", "active", "deprecated", "retired")


@dataclass(frozen=True, slots=True)
class Prices:
    """A set of prices; a key that is not given is None."""

    input_per_1m: Decimal | None = None
    output_per_1m: Decimal | None = None
    cached_input_per_1m: Decimal | None = None
    cache_write_per_1m: Decimal | None = None
    cache_write_1h_per_1m: Decimal | None = None
    reasoning_per_1m: Decimal | None = None
    input_audio_per_1m: Decimal | None = None
    output_audio_per_1m: Decimal | None = None
    input_image_per_1m: Decimal | None = None
    output_image_per_1m: Decimal | None = None
    per_request: Decimal | None = None
    per_image: Decimal | None = None
    web_search_per_1k: Decimal | None = None
    file_search_per_1k: Decimal | None = None
    input_audio_per_minute: Decimal | None = None
    input_video_per_1m: Decimal | None = None
    cached_input_audio_per_1m: Decimal | None = None
    cached_input_image_per_1m: Decimal | None = None
    cache_write_12h_per_1m: Decimal | None = None
    per_second: Decimal | None = None

    def items(self) -> list[tuple[str, Decimal]]:
        """The prices that are given, in vocabulary order."""
        return [(k, v) for k in PRICE_KEYS if (v := getattr(self, k)) is not None]

    def get(self, key: str) -> Decimal | None:
        value: Decimal | None = getattr(self, key)
        return value

    def over(self, base: Prices) -> Prices:
        """These prices, with the keys they do not give inherited from ``base``."""
        return Prices(**{k: (v if (v := getattr(self, k)) is not None else getattr(base, k)) for k in PRICE_KEYS})


@dataclass(frozen=True, slots=True)
class Limits:
    context_window: int
    max_input_tokens: int | None = None
    max_output_tokens: int | None = None


@dataclass(frozen=True, slots=True)
class Tier:
    above_input_tokens: int
    prices: Prices


@dataclass(frozen=True, slots=True)
class Window:
    """A time of day (UTC) when a variant applies by itself: ``start`` and ``end`` as written (HH:MM),
    ``end`` excluded, past midnight when before ``start``; ``weekdays`` (mon..sun) or every day."""

    start: str
    end: str
    weekdays: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Variant:
    name: str
    prices: Prices
    tiers: tuple[Tier, ...] = ()
    note: str | None = None
    windows: tuple[Window, ...] = ()


@dataclass(frozen=True, slots=True)
class PricePeriod:
    effective_from: date
    source: str
    checked: date
    prices: Prices
    tiers: tuple[Tier, ...] = ()
    variants: tuple[Variant, ...] = ()
    note: str | None = None
    limits: Limits | None = None  # the limits while this period was in force, where they differ
    free: bool = False  # ``free: true``: every price is 0 on purpose


@dataclass(frozen=True, slots=True)
class Deprecation:
    announced: date | None = None
    retires: date | None = None
    replacement: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Model:
    provider: str
    id: str
    name: str
    status: str
    limits: Limits
    input_modalities: tuple[str, ...]
    output_modalities: tuple[str, ...]
    pricing: tuple[PricePeriod, ...]
    file: str
    enabled: bool = True
    aliases: tuple[str, ...] = ()
    alias_variants: tuple[tuple[str, str], ...] = ()  # (alias, variant) for aliases that name a variant
    features: tuple[str, ...] = ()
    released: date | None = None
    knowledge_cutoff: date | None = None
    open_weights: bool | None = None
    currency: str | None = None
    deprecation: Deprecation | None = None
    description: str | None = None
    family: str | None = None

    @property
    def ref(self) -> str:
        """The canonical reference, ``provider/id``."""
        return f"{self.provider}/{self.id}"


@dataclass(frozen=True, slots=True)
class Provider:
    id: str
    name: str
    file: str
    kind: str | None = None
    website: str | None = None
    pricing_page: str | None = None
    currency: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Settings:
    name: str = "catalog"
    file: str | None = None
    description: str | None = None
    currency: str = "USD"
    purposes: tuple[str, ...] = ()
    stale_after_days: int = 365
    review_threshold_percent: Decimal = Decimal(10)
    rules: dict[str, str] = field(default_factory=dict)
    impact: ImpactSettings = field(default_factory=lambda: ImpactSettings())


@dataclass(frozen=True, slots=True)
class ImpactSettings:
    """catalog.yaml ``impact``: the noise threshold and the policy of ``modelctl diff``'s cost impact."""

    ignore_below_percent: Decimal | None = None
    ignore_below_amount: Decimal | None = None
    fail_on_increase_percent: Decimal | None = None
    fail_on_increase_amount: Decimal | None = None


Selector = str | dict[str, Any]  # a glob over provider/id, or {model, provider, feature, status}


@dataclass(frozen=True, slots=True)
class Rollout:
    """A percentage rollout of ``model``, or an A/B test of ``purpose``'s default over ``variants``."""

    id: str
    salt: str
    model: str | None = None
    percent: Decimal | None = None
    purpose: str | None = None
    variants: tuple[tuple[str, int], ...] = ()
    note: str | None = None


@dataclass(frozen=True, slots=True)
class DatedMarkup:
    markup: Decimal
    effective_from: str  # ISO dates as written; rules/terms.py checks them
    until: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    id: str
    name: str
    file: str
    allow: tuple[Selector, ...] = ()
    deny: tuple[Selector, ...] = ()
    defaults: dict[str, tuple[str, ...]] = field(default_factory=dict)  # purpose -> candidates, in order
    markup: Decimal | None = None
    credits_per_usd: Decimal | None = None
    rounding_decimals: int | None = None
    rounding_mode: str | None = None
    rollouts: tuple[Rollout, ...] = ()
    rounding_per: str | None = None  # request (default) or invoice
    description: str | None = None
    markups: tuple[DatedMarkup, ...] = ()


@dataclass(frozen=True, slots=True)
class NegotiatedPrice:
    model: str
    prices: Prices | None = None
    discount_percent: Decimal | None = None
    note: str | None = None
    effective_from: str | None = None  # ISO dates as written; rules/terms.py checks them
    until: str | None = None


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    name: str
    plan: str
    file: str
    description: str | None = None
    allow: tuple[Selector, ...] = ()
    deny: tuple[Selector, ...] = ()
    widen: tuple[Selector, ...] = ()
    defaults: dict[str, tuple[str, ...]] = field(default_factory=dict)  # purpose -> candidates, in order
    pricing: tuple[NegotiatedPrice, ...] = ()
    rollouts: dict[str, bool] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class WorkloadModel:
    """One model of a workload: requests a month, one average request's counts, variant shares."""

    model: str
    requests: int
    per_request: dict[str, int]
    variants: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Workload:
    """A named monthly usage profile (catalog/workloads/<id>.yaml), priced by ``modelctl diff``."""

    id: str
    name: str
    file: str
    models: tuple[WorkloadModel, ...]
    description: str | None = None
    plan: str | None = None
    account: str | None = None
    subjects: int | None = None
    fail_on_increase_percent: Decimal | None = None
    fail_on_increase_amount: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Catalog:
    settings: Settings
    providers: dict[str, Provider]
    models: dict[str, Model]
    plans: dict[str, Plan] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)
    workloads: dict[str, Workload] = field(default_factory=dict)

    def currency_of(self, model: Model) -> str:
        provider = self.providers.get(model.provider)
        return model.currency or (provider.currency if provider else None) or self.settings.currency
