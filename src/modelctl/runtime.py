"""Load a published modelctl artifact and answer questions about it.

Standard library only (a test keeps it so): an application imports this
module, loads the artifact once at start-up and asks it which model a name
means, what it can do, and what a request cost::

    from modelctl.runtime import Catalog, Usage

    catalog = Catalog.load("dist/catalog.json")
    model = catalog.model("gpt-4o")                   # bare id, alias or provider/id
    cost = catalog.cost("openai/gpt-4o", Usage(input_tokens=1200, output_tokens=300))
    cost.total                                         # Decimal('0.00600')

Money is ``Decimal`` throughout and never rounded: a sum of a million costs
is exact.  Errors are subclasses of ``CatalogError``.
"""

from __future__ import annotations

import os
from _thread import allocate_lock
from bisect import bisect_right
from collections import namedtuple
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import compress
from time import time as _time

# Startup cost matters here (docs/performance.md): no typing, dataclasses or
# pathlib at import time, and json/hashlib/difflib only when first needed.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from typing import Any

__all__ = [
    "AmbiguousModelError",
    "ArtifactError",
    "Catalog",
    "CatalogError",
    "CatalogHolder",
    "Cost",
    "ModelInfo",
    "NoPriceError",
    "PriceSet",
    "SUPPORTED_MAJOR",
    "UnknownModelError",
    "Usage",
]

SUPPORTED_MAJOR = 1


# --- errors ----------------------------------------------------------------------


class CatalogError(Exception):
    """Base of every error this module raises."""


class ArtifactError(CatalogError):
    """The artifact is corrupt, truncated, tampered with, or of an unknown format."""


class UnknownModelError(CatalogError, LookupError):
    """No model has that name; ``suggestions`` holds close matches."""

    def __init__(self, ref: str, suggestions: list[str]) -> None:
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown model {ref!r}{hint}")
        self.ref = ref
        self.suggestions = suggestions


class AmbiguousModelError(CatalogError, LookupError):
    """A bare name matches models of several providers; ``candidates`` lists them."""

    def __init__(self, ref: str, candidates: list[str]) -> None:
        super().__init__(f"{ref!r} is ambiguous: it names {', '.join(candidates)}; use provider/id")
        self.ref = ref
        self.candidates = candidates


class NoPriceError(CatalogError, LookupError):
    """No price applies: before the first period, an unknown variant, or a usage the model has no price for."""


# --- values ------------------------------------------------------------------------


_UsageBase = namedtuple(
    "_UsageBase",
    [
        "input_tokens",
        "output_tokens",
        "cached_input_tokens",
        "cache_write_tokens",
        "cache_write_1h_tokens",
        "reasoning_tokens",
        "input_audio_tokens",
        "output_audio_tokens",
        "input_image_tokens",
        "output_image_tokens",
        "requests",
        "images",
    ],
    defaults=[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0],
)


USAGE_FIELDS: tuple[str, ...] = _UsageBase._fields


class Usage(_UsageBase):
    """What one request (or a batch of them) used.  The counts are disjoint:
    ``input_tokens`` excludes cached and cache-write tokens, ``output_tokens``
    excludes reasoning tokens, and audio and image tokens are counted apart.
    ``requests`` defaults to 1.  ``a + b`` adds two usages field by field.

    Fields: input_tokens, output_tokens, cached_input_tokens,
    cache_write_tokens, cache_write_1h_tokens, reasoning_tokens,
    input_audio_tokens, output_audio_tokens, input_image_tokens,
    output_image_tokens, requests, images."""

    __slots__ = ()

    def __add__(self, other: object) -> Usage:
        if not isinstance(other, Usage):
            return NotImplemented
        return Usage(*map(int.__add__, self, other))

    @property
    def input_side_tokens(self) -> int:
        """Tokens that count towards a context tier: input, cached input, cache writes."""
        return int(self.input_tokens + self.cached_input_tokens + self.cache_write_tokens + self.cache_write_1h_tokens)

    @classmethod
    def from_openai(cls, usage: Mapping[str, Any] | Any) -> Usage:
        """From an OpenAI ``usage`` object (Chat Completions or Responses API).

        OpenAI counts cached tokens inside the prompt tokens, reasoning inside
        the completion tokens, and audio tokens inside both."""
        u = _as_mapping(usage)
        prompt = u.get("prompt_tokens", u.get("input_tokens", 0)) or 0
        completion = u.get("completion_tokens", u.get("output_tokens", 0)) or 0
        pd = _as_mapping(u.get("prompt_tokens_details") or u.get("input_tokens_details") or {})
        cd = _as_mapping(u.get("completion_tokens_details") or u.get("output_tokens_details") or {})
        cached = pd.get("cached_tokens", 0) or 0
        audio_in = pd.get("audio_tokens", 0) or 0
        image_in = pd.get("image_tokens", 0) or 0
        reasoning = cd.get("reasoning_tokens", 0) or 0
        audio_out = cd.get("audio_tokens", 0) or 0
        image_out = cd.get("image_tokens", 0) or 0
        return cls(
            input_tokens=prompt - cached - audio_in - image_in,
            cached_input_tokens=cached,
            input_audio_tokens=audio_in,
            input_image_tokens=image_in,
            output_tokens=completion - reasoning - audio_out - image_out,
            reasoning_tokens=reasoning,
            output_audio_tokens=audio_out,
            output_image_tokens=image_out,
        )

    @classmethod
    def from_anthropic(cls, usage: Mapping[str, Any] | Any) -> Usage:
        """From an Anthropic Messages ``usage`` object: cache reads and writes are
        reported apart from ``input_tokens``; ``cache_creation`` splits writes by
        lifetime (5 minutes, 1 hour) when present."""
        u = _as_mapping(usage)
        writes = u.get("cache_creation_input_tokens", 0) or 0
        split = _as_mapping(u.get("cache_creation") or {})
        write_1h = split.get("ephemeral_1h_input_tokens", 0) or 0
        write_5m = split.get("ephemeral_5m_input_tokens", writes - write_1h) or 0
        return cls(
            input_tokens=u.get("input_tokens", 0) or 0,
            output_tokens=u.get("output_tokens", 0) or 0,
            cached_input_tokens=u.get("cache_read_input_tokens", 0) or 0,
            cache_write_tokens=write_5m,
            cache_write_1h_tokens=write_1h,
        )

    @classmethod
    def from_google(cls, usage_metadata: Mapping[str, Any] | Any) -> Usage:
        """From a Gemini ``usageMetadata`` (camelCase or snake_case): cached
        tokens are inside the prompt count; thoughts are reported apart."""
        u = _as_mapping(usage_metadata)

        def get(*names: str) -> int:
            for name in names:
                if u.get(name) is not None:
                    return int(u[name])
            return 0

        prompt = get("promptTokenCount", "prompt_token_count")
        cached = get("cachedContentTokenCount", "cached_content_token_count")
        return cls(
            input_tokens=prompt - cached,
            cached_input_tokens=cached,
            output_tokens=get("candidatesTokenCount", "candidates_token_count"),
            reasoning_tokens=get("thoughtsTokenCount", "thoughts_token_count"),
        )


def _as_mapping(obj: Any) -> Mapping[str, Any]:
    if isinstance(obj, dict) or (hasattr(obj, "get") and hasattr(obj, "__getitem__")):
        found: Mapping[str, Any] = obj
        return found
    if hasattr(obj, "model_dump"):  # SDK objects (pydantic models)
        dumped: Mapping[str, Any] = obj.model_dump()
        return dumped
    attrs: Mapping[str, Any] = vars(obj)
    return attrs


class ModelInfo(
    namedtuple(
        "ModelInfo",
        [
            "ref",
            "provider",
            "id",
            "name",
            "status",
            "enabled",
            "aliases",
            "features",
            "input_modalities",
            "output_modalities",
            "context_window",
            "max_output_tokens",
            "currency",
            "released",
            "deprecation",
            "data",
        ],
    )
):
    """One model, as the artifact describes it (``data`` is its whole entry)."""

    __slots__ = ()

    @property
    def available(self) -> bool:
        """Enabled and not retired: may be served at all."""
        return bool(self.enabled) and self.status != "retired"

    def __repr__(self) -> str:
        return f"ModelInfo(ref={self.ref!r}, name={self.name!r}, status={self.status!r}, enabled={self.enabled})"


class PriceSet(namedtuple("PriceSet", ("model", "currency", "effective_from", "variant", "prices", "tiers", "source"))):
    """The prices in force for a model on a day, for a variant (None = base).
    ``prices`` has every key that applies (a variant's missing keys inherited);
    ``tiers`` are (above_input_tokens, prices) pairs, ascending."""

    __slots__ = ()


class Cost(namedtuple("Cost", ("model", "currency", "total", "components", "effective_from", "variant", "tier"))):
    """What a usage cost: the exact total and each component (both Decimal),
    the currency, and which period (``effective_from``), variant and tier
    (its ``above_input_tokens``, or None for base prices) priced it."""

    __slots__ = ()


_new_cost = tuple.__new__


def _coerce_usage(usage: Any) -> Usage:
    if isinstance(usage, Usage):
        return usage
    if isinstance(usage, dict):
        return Usage(**usage)
    raise TypeError(f"usage must be a Usage (or a dict of its fields), not {type(usage).__name__}")


# --- pricing plans: a price set compiled for fast costing -------------------------

_MILLION = Decimal(1_000_000)
_ZERO = Decimal(0)
# usage field -> (component name, price keys to try in order, per million?)
_COMPONENTS: tuple[tuple[str, str, tuple[str, ...], bool], ...] = (
    ("input_tokens", "input", ("input_per_1m",), True),
    ("output_tokens", "output", ("output_per_1m",), True),
    ("cached_input_tokens", "cached_input", ("cached_input_per_1m", "input_per_1m"), True),
    ("cache_write_tokens", "cache_write", ("cache_write_per_1m", "input_per_1m"), True),
    ("cache_write_1h_tokens", "cache_write_1h", ("cache_write_1h_per_1m", "cache_write_per_1m", "input_per_1m"), True),
    ("reasoning_tokens", "reasoning", ("reasoning_per_1m", "output_per_1m"), True),
    ("input_audio_tokens", "input_audio", ("input_audio_per_1m", "input_per_1m"), True),
    ("output_audio_tokens", "output_audio", ("output_audio_per_1m", "output_per_1m"), True),
    ("input_image_tokens", "input_image", ("input_image_per_1m", "input_per_1m"), True),
    ("output_image_tokens", "output_image", ("output_image_per_1m", "output_per_1m"), True),
    ("requests", "request", ("per_request",), False),
    ("images", "image", ("per_image",), False),
)
_OPTIONAL = {"requests"}  # no per_request price: requests cost nothing


# One (component, price per unit) per usage field, in USAGE_FIELDS order; the
# price is None where the model has none.
if TYPE_CHECKING:
    _Rates = tuple[tuple[str | None, Decimal | None], ...]


def _rates(prices: Mapping[str, Decimal]) -> _Rates:
    out: list[tuple[str | None, Decimal | None]] = []
    for usage_field, component, keys, per_million in _COMPONENTS:
        price = next((prices[k] for k in keys if k in prices), None)
        if price is None:
            # (component, None): a non-zero usage is an error; (None, None): it is free.
            out.append((None if usage_field in _OPTIONAL else component, None))
        else:
            # Dividing by a power of ten is exact: it only moves the exponent.
            out.append((component, price / _MILLION if per_million else price))
    return tuple(out)


class _Plan(namedtuple("_Plan", ("price", "rates", "tiers"))):
    __slots__ = ()


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


_today = [0, 0.0]  # [ordinal of today (UTC), the time at which it ends]


def _today_ordinal() -> int:
    now = _time()
    if now >= _today[1]:
        days = int(now // 86400)
        _today[0], _today[1] = _EPOCH_ORDINAL + days, (days + 1) * 86400.0
    return int(_today[0])


def _ordinal(at: date | datetime | str | None) -> int:
    if at is None:
        return _today_ordinal()
    if type(at) is date:
        return at.toordinal()
    return _day(at).toordinal()


# --- the catalog ---------------------------------------------------------------------


def _verify(raw: bytes, doc: dict[str, Any]) -> None:
    """Check the digest by hashing the content's byte range in the file."""
    import hashlib
    import json

    digest = doc.get("digest")
    if not isinstance(digest, str) or not digest.startswith("sha256:"):
        raise ArtifactError("artifact has no sha256 digest: it was not written by modelctl publish")

    def dumps(value: Any) -> bytes:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    head = b'{"catalog_version":' + dumps(doc.get("catalog_version")) + b',"content":'
    tail = (
        b',"digest":'
        + dumps(digest)
        + b',"format_version":'
        + dumps(doc.get("format_version"))
        + b',"source":'
        + dumps(doc.get("source"))
        + b"}\n"
    )
    if raw.startswith(head) and raw.endswith(tail) and len(raw) > len(head) + len(tail):
        content = raw[len(head) : len(raw) - len(tail)]
    else:  # not byte-canonical (re-serialised by some tool): hash the canonical form instead
        content = dumps(doc.get("content"))
    actual = "sha256:" + hashlib.sha256(content).hexdigest()
    if actual != digest:
        raise ArtifactError(
            f"artifact digest mismatch: recorded {digest}, content hashes to {actual}; "
            "the file was modified or corrupted after publishing"
        )


def _check_format(doc: Any) -> None:
    if not isinstance(doc, dict) or "format_version" not in doc:
        raise ArtifactError("not a modelctl artifact: no format_version")
    version = doc["format_version"]
    major, _, _minor = str(version).partition(".")
    if not major.isdigit():
        raise ArtifactError(f"artifact format_version {version!r} is not MAJOR.MINOR")
    if int(major) != SUPPORTED_MAJOR:
        raise ArtifactError(
            f"artifact format {version} is not supported by this runtime (it reads {SUPPORTED_MAJOR}.x): "
            "upgrade modelctl"
            if int(major) > SUPPORTED_MAJOR
            else "republish the catalog"
        )
    if not isinstance(doc.get("content"), dict):
        raise ArtifactError("artifact has no content")


def _day(at: date | datetime | str | None) -> date:
    if at is None:
        return datetime.now(UTC).date()
    if isinstance(at, datetime):
        return (at.astimezone(UTC) if at.tzinfo else at).date()
    if isinstance(at, date):
        return at
    if isinstance(at, str):
        try:
            return datetime.fromisoformat(at.replace("Z", "+00:00")).date() if "T" in at else date.fromisoformat(at)
        except ValueError:
            raise ValueError(f"{at!r} is not an ISO date or date-time") from None
    raise TypeError(f"at must be a date, datetime or ISO string, not {type(at).__name__}")


class Catalog:
    """A loaded artifact.  Immutable; safe to share between threads."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.format_version: str = doc["format_version"]
        self.catalog_version: str = doc.get("catalog_version", "")
        self.digest: str = doc["digest"]
        self.source: Mapping[str, Any] = doc.get("source", {})
        content = doc["content"]
        self._content = content
        self._models: dict[str, dict[str, Any]] = content.get("models", {})
        self._aliases: dict[str, str] = content.get("aliases", {})
        self._lower: dict[str, str] | None = None
        self._bare: dict[str, list[str]] | None = None
        self._infos: dict[str, ModelInfo] = {}
        self._resolved: dict[str, str] = {}
        self._plans: dict[tuple[str, str | None], tuple[list[int], list[_Plan]]] = {}
        self._lock = allocate_lock()

    # loading

    @classmethod
    def loads(cls, data: bytes | str) -> Catalog:
        """Parse and verify an artifact held in memory."""
        import json

        raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        try:
            doc = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ArtifactError(f"artifact is not valid JSON (truncated or corrupt?): {exc}") from None
        _check_format(doc)
        _verify(raw, doc)
        return cls(doc)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Catalog:
        """Read, parse and verify the artifact at ``path``."""
        try:
            with open(path, "rb") as fh:
                raw = fh.read()
        except OSError as exc:
            raise ArtifactError(f"cannot read artifact {os.fspath(path)!r}: {exc.strerror or exc}") from None
        try:
            return cls.loads(raw)
        except ArtifactError as exc:
            raise ArtifactError(f"{os.fspath(path)}: {exc}") from None

    # names

    @property
    def name(self) -> str:
        return str(self._content.get("catalog", {}).get("name", ""))

    def __len__(self) -> int:
        return len(self._models)

    def __contains__(self, ref: object) -> bool:
        try:
            self.resolve(str(ref))
        except CatalogError:
            return False
        return True

    def resolve(self, ref: str) -> str:
        """The canonical ``provider/id`` that ``ref`` names.

        ``ref`` may be the canonical id, ``provider/alias``, or a bare id or
        alias when exactly one provider has it (case-insensitive)."""
        hit = self._resolved.get(ref)
        if hit is not None:
            return hit
        canonical = self._resolve(ref)
        if len(self._resolved) < 100_000:
            self._resolved[ref] = canonical
        return canonical

    def _resolve(self, ref: str) -> str:
        if ref in self._models:
            return ref
        low = ref.lower()
        lower = self._lower_index()
        if low in lower:
            return lower[low]
        if low in self._aliases:
            return self._aliases[low]
        matches = self._bare_index().get(low, [])
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise AmbiguousModelError(ref, sorted(matches))
        raise UnknownModelError(ref, self._suggest(ref))

    def _lower_index(self) -> dict[str, str]:
        if self._lower is None:
            self._lower = {ref.lower(): ref for ref in self._models}
        return self._lower

    def _bare_index(self) -> dict[str, list[str]]:
        if self._bare is None:
            bare: dict[str, set[str]] = {}
            for ref, m in self._models.items():
                bare.setdefault(m["id"].lower(), set()).add(ref)
            for key, ref in self._aliases.items():
                bare.setdefault(key.split("/", 1)[1], set()).add(ref)
            self._bare = {k: sorted(v) for k, v in bare.items()}
        return self._bare

    def _suggest(self, ref: str) -> list[str]:
        import difflib

        names = list(self._models) + [m["id"] for m in self._models.values()]
        return sorted(set(difflib.get_close_matches(ref, names, n=3, cutoff=0.6)))

    # models

    def model(self, ref: str) -> ModelInfo:
        """The model ``ref`` names; raises UnknownModelError or AmbiguousModelError."""
        canonical = self.resolve(ref)
        info = self._infos.get(canonical)
        if info is None:
            info = self._info(canonical)
            self._infos[canonical] = info
        return info

    def _info(self, ref: str) -> ModelInfo:
        m = self._models[ref]
        limits = m.get("limits", {})
        released = m.get("released")
        return ModelInfo(
            ref=ref,
            provider=m["provider"],
            id=m["id"],
            name=m["name"],
            status=m["status"],
            enabled=m.get("enabled", True),
            aliases=tuple(m.get("aliases", ())),
            features=frozenset(m.get("features", ())),
            input_modalities=tuple(m["modalities"]["input"]),
            output_modalities=tuple(m["modalities"]["output"]),
            context_window=limits.get("context_window", 0),
            max_output_tokens=limits.get("max_output_tokens"),
            currency=m.get("currency", "USD"),
            released=date.fromisoformat(released) if released else None,
            deprecation=m.get("deprecation"),
            data=m,
        )

    def models(
        self,
        *,
        provider: str | None = None,
        feature: str | Iterable[str] | None = None,
        status: str | Iterable[str] | None = None,
        enabled: bool | None = None,
    ) -> list[ModelInfo]:
        """Models matching every filter given, sorted by canonical id.  ``feature``
        may name several (all required); ``status`` several (any matches)."""
        features = {feature} if isinstance(feature, str) else set(feature or ())
        statuses = {status} if isinstance(status, str) else set(status) if status is not None else None
        out = []
        for ref in sorted(self._models):
            info = self.model(ref)
            if provider is not None and info.provider != provider:
                continue
            if features and not features <= info.features:
                continue
            if statuses is not None and info.status not in statuses:
                continue
            if enabled is not None and info.enabled != enabled:
                continue
            out.append(info)
        return out

    # prices

    def _plans_for(self, ref: str, variant: str | None) -> tuple[list[int], list[_Plan]]:
        key = (ref, variant)
        found = self._plans.get(key)
        if found is None:
            found = self._compile(ref, variant)
            with self._lock:
                self._plans[key] = found
        return found

    def _compile(self, ref: str, variant: str | None) -> tuple[list[int], list[_Plan]]:
        m = self._models[ref]
        currency = m.get("currency", "USD")
        periods = sorted(m.get("pricing", ()), key=lambda p: p["effective_from"])
        starts: list[int] = []
        plans: list[_Plan] = []
        for period in periods:
            base = {k: Decimal(v) for k, v in period.get("prices", {}).items()}
            tiers_src = period.get("tiers", ())
            if variant is not None:
                v = period.get("variants", {}).get(variant)
                if v is None:
                    continue  # this period has no such variant
                base = {**base, **{k: Decimal(x) for k, x in v.get("prices", {}).items()}}
                tiers_src = v.get("tiers", ())
            tiers = tuple(
                (t["above_input_tokens"], {**base, **{k: Decimal(x) for k, x in t.get("prices", {}).items()}})
                for t in tiers_src
            )
            day = date.fromisoformat(period["effective_from"])
            price = PriceSet(ref, currency, day, variant, base, tiers, period.get("source", ""))
            starts.append(day.toordinal())
            plans.append(_Plan(price, _rates(base), tuple((above, _rates(p)) for above, p in tiers)))
        return starts, plans

    def _plan(self, ref: str, at: date | datetime | str | None, variant: str | None) -> _Plan:
        canonical = self._resolved.get(ref) or self.resolve(ref)
        starts, plans = self._plans.get((canonical, variant)) or self._plans_for(canonical, variant)
        i = bisect_right(starts, _ordinal(at)) - 1
        if i < 0:
            self._no_price(canonical, starts, plans, at, variant)
        return plans[i]

    def _no_price(
        self, ref: str, starts: list[int], plans: list[_Plan], at: date | datetime | str | None, variant: str | None
    ) -> None:
        if not plans and variant is not None:
            known = sorted({name for p in self._models[ref].get("pricing", ()) for name in p.get("variants", {})})
            raise NoPriceError(
                f"{ref} has no variant {variant!r}" + (f" (it has: {', '.join(known)})" if known else " (it has none)")
            )
        first = f"; its first price starts {date.fromordinal(starts[0])}" if starts else ""
        what = f"variant {variant!r} of {ref}" if variant else ref
        raise NoPriceError(f"{what} has no price in force on {date.fromordinal(_ordinal(at))}{first}")

    def price(self, ref: str, at: date | datetime | str | None = None, variant: str | None = None) -> PriceSet:
        """The prices in force for ``ref`` on ``at`` (default: today, UTC)."""
        price: PriceSet = self._plan(ref, at, variant).price
        return price

    def cost(self, ref: str, usage: Usage, at: date | datetime | str | None = None, variant: str | None = None) -> Cost:
        """What ``usage`` cost on ``at`` (default: today, UTC), exactly.

        A context tier is a cliff: when the input-side tokens are strictly
        above its threshold, the whole request is billed at its prices."""
        # The hot path of an application: kept flat on purpose (see bench/bench_runtime.py).
        if usage.__class__ is not Usage:
            usage = _coerce_usage(usage)
        canonical = self._resolved.get(ref) or self.resolve(ref)
        starts, plans = self._plans.get((canonical, variant)) or self._plans_for(canonical, variant)
        if at is None:
            day = _today[0] if _time() < _today[1] else _today_ordinal()
        else:
            day = _ordinal(at)
        i = bisect_right(starts, day) - 1
        if i < 0:
            self._no_price(canonical, starts, plans, at, variant)
        price, rates, tiers = plans[i]
        tier = None
        if tiers:
            side = usage[0] + usage[2] + usage[3] + usage[4]  # input, cached input, cache writes (5m, 1h)
            for above, tier_rates in tiers:
                if side > above:
                    rates, tier = tier_rates, above
        components = {}
        total = _ZERO
        # compress/filter walk only the non-zero usage fields, in C.
        for (component, rate), n in zip(compress(rates, usage), filter(None, usage)):  # noqa: B905 - hot path
            if rate is None:
                if component is None:
                    continue  # requests, without a per-request fee
                raise NoPriceError(f"{canonical} has no price for {component} tokens (period from {price[2]})")
            amount = rate * n
            components[component] = amount
            total += amount
        return _new_cost(Cost, (canonical, price[1], total, components, price[2], variant, tier))

    def legacy_rates(self) -> dict[str, dict[str, Decimal]]:
        """``{model: {"input": per-1M, "output": per-1M}}`` at today's base prices,
        the shape of the old hard-coded MODEL_RATES.  Keys are bare ids where
        unique across providers, canonical ids otherwise; models without a
        current input or output price are left out."""
        counts: dict[str, int] = {}
        for m in self._models.values():
            counts[m["id"]] = counts.get(m["id"], 0) + 1
        out: dict[str, dict[str, Decimal]] = {}
        for ref, m in sorted(self._models.items()):
            try:
                prices = self.price(ref).prices
            except NoPriceError:
                continue
            if "input_per_1m" in prices and "output_per_1m" in prices:
                key = m["id"] if counts[m["id"]] == 1 else ref
                out[key] = {"input": prices["input_per_1m"], "output": prices["output_per_1m"]}
        return out


# --- reloading ---------------------------------------------------------------------------


class CatalogHolder:
    """Holds the current catalog and reloads it, keeping the last good one
    when a new artifact is broken::

        holder = CatalogHolder("dist/catalog.json")   # raises if the first load fails
        holder.catalog.cost(...)
        holder.reload_if_changed()                       # e.g. from a timer
        holder.last_error                                # why the last reload was refused
    """

    def __init__(self, path: str | os.PathLike[str], *, on_error: Callable[[CatalogError], None] | None = None) -> None:
        self.path = os.fspath(path)
        self.on_error = on_error
        self.last_error: CatalogError | None = None
        self._lock = allocate_lock()
        self._stamp = self._stat()
        self._catalog = Catalog.load(self.path)

    @property
    def catalog(self) -> Catalog:
        return self._catalog

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def reload(self) -> bool:
        """Load the artifact again.  True if a new catalog is now served; False
        if it failed (``last_error`` says why; the last good catalog stays)."""
        with self._lock:
            stamp = self._stat()
            try:
                fresh = Catalog.load(self.path)
            except CatalogError as exc:
                self.last_error = exc
                if self.on_error is not None:
                    self.on_error(exc)
                return False
            self._stamp = stamp
            self.last_error = None
            changed = fresh.digest != self._catalog.digest
            self._catalog = fresh
            return changed

    def reload_if_changed(self) -> bool:
        """Reload only when the file's mtime, size or inode changed."""
        if self._stat() == self._stamp:
            return False
        return self.reload()
