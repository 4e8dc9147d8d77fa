"""The loaded catalog: names, models, prices and costs."""

from __future__ import annotations

import os
from _thread import allocate_lock
from bisect import bisect_right
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import compress
from operator import itemgetter
from time import time as _time

from modelctl.runtime._artifact import _checked, check_parser, paused_gc
from modelctl.runtime._errors import (
    AmbiguousModelError,
    ArtifactError,
    CatalogError,
    NoPriceError,
    NotAllowedError,
    UnknownModelError,
    UnknownPlanError,
    UnsupportedUsageError,
)
from modelctl.runtime._pricing import (
    _COMPONENTS,
    _ZERO,
    MONEY,
    MONEY_ADD,
    MONEY_MULTIPLY,
    SIDE_INDEXES,
    TEXT_COUNTS,
    TEXT_END,
    TEXT_NAMES,
    TEXT_TAIL,
    _ordinal,
    _Plan,
    _rates,
    _today,
    _today_ordinal,
    compile_windows,
    in_utc,
    max_input_of,
    minute_of_week,
    served_check,
    text_rates,
    unsupported_fields,
    week_table,
)
from modelctl.runtime._usage import _VARIANT, Usage, _coerce_usage
from modelctl.runtime._values import Cost, ModelInfo, PriceSet, _new_cost

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Any, NoReturn


_side_counts = itemgetter(*SIDE_INDEXES)
# cost() names the components of a text-only usage itself, and its fields by index (the fast path).
assert TEXT_NAMES == ("input", "output", "cached_input", "cache_write", "cache_write_1h", "reasoning")  # noqa: S101
assert (TEXT_COUNTS, TEXT_END, _VARIANT) == (6, 20, 20)  # noqa: S101

if TYPE_CHECKING:
    # cost()'s entry per name (and variant): canonical id, variant, period starts, plans, windowed
    # variants' plans, the last period's start and index
    _Entry = tuple[str, str | None, list[int], list[_Plan | None], dict[str, Any], int, int]


def _check_names(ref: Any, variant: Any = None) -> None:
    """A TypeError naming the argument when a model name or a variant is not a str (None, an int,
    bytes, a list): the lookups would raise AttributeError or "unhashable type" instead."""
    if not isinstance(ref, str):
        raise TypeError(f"a model is named by a str (provider/id, an id or an alias), not {type(ref).__name__}")
    if variant is not None and not isinstance(variant, str):
        raise TypeError(f"variant must be a str or None, not {type(variant).__name__}")


def _plain(value: Any, what: str, optional: bool = True) -> Any:
    """``value`` as an exact ``str`` (None stays None when ``optional``), for the caches; a TypeError
    naming ``what`` for anything else.  A str subclass is copied to a plain str: its own ``__eq__`` or
    ``__hash__`` (one that lies, or raises) must never decide what a later, plain name finds."""
    if type(value) is str or (value is None and optional):
        return value
    if isinstance(value, str):
        return str.__str__(value)  # str's own: the subclass's __str__ may lie too
    raise TypeError(f"{what} must be a str{' or None' if optional else ''}, not {type(value).__name__}")


def _plain_names(ref: Any, variant: Any = None) -> tuple[str, str | None]:
    """A model name and a variant as plain strs (``_check_names``'s TypeError for a wrong type)."""
    _check_names(ref, variant)
    return _plain(ref, "model"), _plain(variant, "variant")


def _plain_ids(plan: Any, account: Any, subject: Any = None) -> tuple[str | None, str | None, str | None]:
    """A plan, account and subject as plain strs (None stays None), else a TypeError naming it."""
    return _plain(plan, "plan"), _plain(account, "account"), _plain(subject, "subject")


def _cached(cache: dict[Any, Any], key: Any) -> Any:
    """``cache.get(key)``, None when the key cannot be hashed (a list, a str subclass whose __hash__
    raises): the caller checks its arguments on a miss."""
    try:
        return cache.get(key)
    except Exception:
        return None


def _exact(*values: Any) -> bool:
    """Every value a plain str or None: the caches may keep them as keys."""
    return all(v is None or type(v) is str for v in values)


def _side(usage: Usage) -> int:
    """Input-side tokens: what a context tier and the context window count."""
    return sum(_side_counts(usage))


class Catalog:
    """A loaded artifact.  Immutable; safe to share between threads."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.format_version: str = doc["format_version"]
        self.catalog_version: str = doc.get("catalog_version", "")
        self.digest: str = doc["digest"]
        self.source: Mapping[str, Any] = doc.get("source", {})
        self.revision: int = doc.get("revision", 0)  # grows with every publish (format 1.1; 0 before)
        self.published_at: str = doc.get("published_at", "")  # ISO 8601 UTC (format 1.1; "" before)
        content = doc["content"]
        self._content = content
        self._models: dict[str, dict[str, Any]] = content.get("models", {})
        self._aliases: dict[str, str] = content.get("aliases", {})
        self._lower: dict[str, str] | None = None
        self._bare: dict[str, list[str]] | None = None
        self._infos: dict[str, ModelInfo] = {}
        self._resolved: dict[str, str] = {}
        self._plans: dict[tuple[str, str | None], tuple[list[int], list[_Plan | None]]] = {}
        self._lock = allocate_lock()
        self._plan_rules: dict[tuple[str, str | None], Any] = {}
        self._decisions: dict[tuple[str, str | None, str | None], Any] = {}
        self._models_for: dict[tuple[str, str | None, str | None], tuple[ModelInfo, ...]] = {}
        # provider/alias and bare alias (as given and lower-cased) -> the variant the alias names
        self._alias_variant: dict[str, str] = {}
        for m in self._models.values():
            named = m.get("alias_variants")
            if named:
                for alias, variant in named.items():
                    for key in (f"{m['provider']}/{alias}", alias):
                        self._alias_variant[key.lower()] = variant
        # cost(): ref -> (canonical, variant, period starts, plans, windowed plans, last start, last index)
        self._costing: dict[str, _Entry] = {}
        # ... and per variant asked for (or reported): variant -> ref -> entry (two lookups by str are
        # cheaper than building, hashing and comparing a (ref, variant) tuple on every call)
        self._costing_by: dict[str, dict[str, _Entry]] = {}
        self._subject_cache: dict[tuple[str, str | None, str | None, str], Any] = {}
        self._default_cache: dict[tuple[str, str | None, str | None, str | None], Any] = {}

    # loading

    @classmethod
    def loads(cls, data: bytes | str, *, parser: str = "json") -> Catalog:
        """Parse and verify an artifact held in memory: its format, its digest and the
        shape of its content (so that no method raises anything but ``CatalogError``).

        ``parser="msgspec"`` parses with msgspec (the ``fast`` extra) instead of the standard
        library's ``json``: the same checks and the same answers, in about half the parse time
        (``docs/runtime.md``); without msgspec installed it is a ``CatalogError`` saying how to
        install it."""
        decode = check_parser(parser)
        try:
            raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        except (UnicodeEncodeError, TypeError) as exc:
            raise ArtifactError(f"artifact is not text or bytes: {exc}") from None
        with paused_gc():
            return cls(_checked(raw, decode))

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, parser: str = "json") -> Catalog:
        """Read, parse and verify the artifact at ``path`` (``parser`` as for ``loads``)."""
        check_parser(parser)
        try:
            with open(path, "rb") as fh:
                raw = fh.read()
        except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
            raise ArtifactError(
                f"cannot read artifact {os.fspath(path)!r}: {getattr(exc, 'strerror', None) or exc}"
            ) from None
        try:
            return cls.loads(raw, parser=parser)
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
        try:
            hit = self._resolved.get(ref)
        except Exception:  # unhashable (a list), or a str subclass whose __hash__ raises
            hit = None
        if hit is not None:
            return hit
        if type(ref) is not str:
            ref, _ = _plain_names(ref)  # a TypeError, or a plain copy (what the caches below keep)
            hit = self._resolved.get(ref)
            if hit is not None:
                return hit
        canonical = self._resolve(ref)
        named = self._alias_variant.get(ref.lower()) if self._alias_variant else None
        if len(self._resolved) < 100_000:
            self._resolved[ref] = canonical
            if named is not None:
                self._alias_variant[ref] = named
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

    def _plans_for(self, ref: str, variant: str | None) -> tuple[list[int], list[_Plan | None]]:
        key = (ref, variant)
        found = self._plans.get(key)
        if found is None:
            if not _exact(ref, variant):
                return self._plans_for(*_plain_names(ref, variant))
            found = self._compile(ref, variant)
            with self._lock:
                self._plans[key] = found
        return found

    def _compile(self, ref: str, variant: str | None) -> tuple[list[int], list[_Plan | None]]:
        m = self._models[ref]
        currency = m.get("currency", "USD")
        periods = sorted(m.get("pricing", ()), key=lambda p: p["effective_from"])
        starts: list[int] = []
        plans: list[_Plan | None] = []
        modalities = m.get("modalities", {})
        unsupported = unsupported_fields(modalities.get("input", ()), modalities.get("output", ()))
        served = served_check(unsupported)
        for period in periods:
            max_input = max_input_of(m, period)
            windows = compile_windows(period.get("variants", {})) if variant is None else ()
            base = {k: Decimal(v) for k, v in period.get("prices", {}).items()}
            tiers_src = period.get("tiers", ())
            if variant is not None:
                v = period.get("variants", {}).get(variant)
                if v is None:
                    # Not offered in this period: a variant never carries over from an older period.
                    starts.append(date.fromisoformat(period["effective_from"]).toordinal())
                    plans.append(None)
                    continue
                base = {**base, **{k: Decimal(x) for k, x in v.get("prices", {}).items()}}
                tiers_src = v.get("tiers", ())
            tiers = tuple(
                (t["above_input_tokens"], {**base, **{k: Decimal(x) for k, x in t.get("prices", {}).items()}})
                for t in tiers_src
            )
            day = date.fromisoformat(period["effective_from"])
            price = PriceSet(ref, currency, day, variant, base, tiers, period.get("source", ""))
            starts.append(day.toordinal())
            tier_rates = tuple((above, _rates(p)) for above, p in tiers)
            week = week_table(windows)
            rates = _rates(base)
            text = text_rates(rates, tier_rates, price, max_input)
            plans.append(_Plan(price, rates, tier_rates, windows, unsupported, max_input, week, served, text))
        return starts, plans

    def _named_variant(self, ref: str) -> str | None:
        """The variant a name implies (an alias that names one), else None."""
        if not self._alias_variant:
            return None
        # resolve() put every spelling it kept there; other spellings by their lower case
        return self._alias_variant.get(ref) or self._alias_variant.get(ref.lower())

    def _plan(self, ref: str, at: date | datetime | str | None, variant: str | None) -> _Plan:
        try:
            canonical = self._resolved.get(ref) or self.resolve(ref)
            if variant is None:
                variant = self._named_variant(ref)
            starts, plans = self._plans.get((canonical, variant)) or self._plans_for(canonical, variant)
        except CatalogError:
            raise
        except Exception:  # an unhashable name or variant (a list), or a str subclass whose __hash__ raises
            if _exact(ref, variant):
                raise
            ref, variant = _plain_names(ref, variant)  # a TypeError naming it, or plain copies
            return self._plan(ref, at, variant)
        i = bisect_right(starts, _ordinal(at)) - 1
        plan = plans[i] if i >= 0 else None
        if plan is None:
            self._no_price(canonical, starts, plans, at, variant, i)
        if plan.week is not None and variant is None:
            minute = minute_of_week(at) if type(at) is not date else -1
            if minute >= 0:
                named = plan.week[0][plan.week[1][minute]]
                if named is not None:
                    plan = self._windowed(canonical, named, at, i)
        return plan

    def _windowed(self, canonical: str, named: str, at: date | datetime | str | None, i: int) -> _Plan:
        """The plan of variant ``named`` (whose time-of-day window holds ``at``) in period ``i``."""
        starts, plans = self._plans.get((canonical, named)) or self._plans_for(canonical, named)
        found = plans[i]
        if found is None:
            self._no_price(canonical, starts, plans, at, named, i)
        return found

    def _no_price(
        self,
        ref: str,
        starts: list[int],
        plans: list[_Plan | None],
        at: date | datetime | str | None,
        variant: str | None,
        index: int = -1,
    ) -> NoReturn:
        if variant is not None and any(plans) and index >= 0:
            since = date.fromordinal(starts[index])
            raise NoPriceError(f"variant {variant!r} of {ref} is not offered in the price period from {since}")
        if variant is not None and not any(plans):
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

    def _cost_entry(self, ref: str, variant: str | None) -> _Entry:
        """What ``cost()`` keeps per name and variant asked for: the canonical id, the variant billed
        (the one asked for, else the one the name implies: an alias's), the periods and their plans,
        the windowed variants' plans (filled as they are met), the last period's start and index."""
        if not _exact(ref, variant):  # a TypeError, or plain copies: what the caches keep
            ref, variant = _plain_names(ref, variant)
        canonical = self._resolved.get(ref) or self.resolve(ref)
        cache = self._costing
        if variant is not None:
            cache = self._costing_by.get(variant)  # type: ignore[assignment]
            if cache is None:
                cache = {}
                if len(self._costing_by) < 1_000:  # (a variant is any string a response reports)
                    self._costing_by[variant] = cache
        else:
            variant = self._named_variant(ref)
        starts, plans = self._plans_for(canonical, variant)
        # No period: a start no day reaches, so that cost() looks the day up (and finds no price).
        last = starts[-1] if starts else 1 << 62
        entry: _Entry = (canonical, variant, starts, plans, {}, last, len(starts) - 1)
        if len(cache) < 100_000:
            cache[ref] = entry
        return entry

    def cost(self, ref: str, usage: Usage, at: date | datetime | str | None = None, variant: str | None = None) -> Cost:
        """What ``usage`` cost on ``at`` (default: today, UTC), exactly.

        A context tier is a cliff: when the input-side tokens are strictly
        above its threshold, the whole request is billed at its prices."""
        # The hot path of an application: kept flat on purpose (see bench/bench_runtime.py and
        # bench/bench_instructions.py).  type(x) and non-negative indexes are what the interpreter
        # specialises; x.__class__ and usage[-1] are looked up the slow way.
        if type(usage) is not Usage:
            usage = _coerce_usage(usage)
        # The variant asked for, else the one the provider reported serving (else the name's: the entry).
        if variant is None:
            variant = usage[20]
        try:
            if variant is None:
                entry: _Entry = self._costing.get(ref) or self._cost_entry(ref, None)
            else:
                by = self._costing_by.get(variant)
                entry = (by.get(ref) if by is not None else None) or self._cost_entry(ref, variant)
        except CatalogError:
            raise
        except Exception:  # an unhashable name or variant, or a str subclass whose __hash__ raises (free: 3.11's try)
            if _exact(ref, variant):
                raise
            ref, variant = _plain_names(ref, variant)  # a TypeError naming it, or plain copies
            return self.cost(ref, usage, at, variant)
        canonical, variant, starts, plans, windowed, last_start, last = entry
        if at is None:
            now = _time()
            day = _today[0] if now < _today[1] else _today_ordinal()
        elif type(at) is datetime:
            tz = at.tzinfo
            if tz is not None and tz is not UTC:
                # The same instant, in UTC, for its day and minute below (a ValueError naming it when
                # out of range or when its tzinfo raises; no offset at all: naive, so UTC)
                at = in_utc(at, at)
            day = at.toordinal()
        else:
            day = _ordinal(at)
        i = last if day >= last_start else bisect_right(starts, day) - 1  # mostly the last period
        plan = plans[i] if i >= 0 else None
        if plan is None:
            self._no_price(canonical, starts, plans, at, variant, i)
        week = plan[6]
        if week is not None and variant is None:  # time-of-day windows: the variant in force at that instant
            if at is None:
                minute = (int(now // 60) + 4320) % 10080  # 1970-01-01 was a Thursday: 3 days after a Monday
            elif type(at) is datetime:
                minute = at.weekday() * 1440 + at.hour * 60 + at.minute
            else:
                minute = minute_of_week(at) if type(at) is not date else -1
            if minute >= 0:
                variant = week[0][week[1][minute]]
                if variant is not None:
                    found = windowed.get(variant)
                    plan = found[i] if found is not None else None
                    if plan is None:
                        plan = self._windowed(canonical, variant, at, i)
                        windowed[variant] = self._plans[(canonical, variant)][1]
        text = plan[8]
        if text is not None and usage[6:20] == TEXT_TAIL:
            # A text-only usage (the six text counts; every other field its default): priced without
            # walking the other fields.  Anything unusual (a price missing, too much input) is left to
            # the full loop below, which raises naming it.
            values, tiers, currency, since, max_input = text
            n_in, n_out, n_cached, n_write, n_write_1h, n_reasoning = usage[:6]
            side = n_in + n_cached + n_write + n_write_1h
            if not max_input or side <= max_input:
                tier = None
                if tiers:
                    for above, tier_values in tiers:
                        if side > above:
                            values, tier = tier_values, above
                components = {}
                multiply, add = MONEY_MULTIPLY, MONEY_ADD  # exact, whatever the application's context is
                # The total is summed as the components are made (a reduce() over them cost as much as
                # a multiplication). 0 + amount is amount, exponent included (a rate's exponent is never
                # positive: prices are plain decimals), so a usage with no input tokens sums the same.
                summed = _ZERO
                try:
                    if n_in:
                        summed = components["input"] = multiply(values[0], n_in)
                    if n_out:
                        amount = components["output"] = multiply(values[1], n_out)
                        summed = add(summed, amount)
                    if n_cached:
                        amount = components["cached_input"] = multiply(values[2], n_cached)
                        summed = add(summed, amount)
                    if n_write:
                        amount = components["cache_write"] = multiply(values[3], n_write)
                        summed = add(summed, amount)
                    if n_write_1h:
                        amount = components["cache_write_1h"] = multiply(values[4], n_write_1h)
                        summed = add(summed, amount)
                    if n_reasoning:
                        amount = components["reasoning"] = multiply(values[5], n_reasoning)
                        summed = add(summed, amount)
                except TypeError:
                    pass  # a price is None: the loop below raises NoPriceError naming it
                else:
                    return _new_cost(Cost, (canonical, currency, summed, components, since, variant, tier))
        price, rates, tiers, _, unsupported, max_input, _, served, _ = plan
        if served is not None and any(served(usage)):
            for k, name, reason in unsupported:
                if usage[k]:
                    raise UnsupportedUsageError(canonical, name, reason)
        side = sum(_side_counts(usage))
        if max_input and side > max_input * (usage[10] or 1):  # a usage may sum several requests
            raise UnsupportedUsageError(
                canonical,
                "input_tokens",
                "does not take that much input",
                f" ({side:,} input-side tokens in {usage[10] or 1:,} request(s), above its limit of "
                f"{max_input:,} per request)",
            )
        tier = None
        if tiers:
            for above, tier_rates in tiers:
                if side > above:
                    rates, tier = tier_rates, above
        components = {}
        total = None
        multiply, add = MONEY_MULTIPLY, MONEY_ADD  # exact, whatever the application's context is
        # compress/filter walk only the non-zero usage fields, in C (zip stops with the counts:
        # the variant at the end of a usage is never read here).
        for (component, rate), n in zip(compress(rates, usage), filter(None, usage)):  # noqa: B905 - hot path
            if rate is None:
                if component is None:
                    continue  # requests, without a per-request fee
                raise NoPriceError(f"{canonical} has no price for {_priced(component)} (period from {price[2]})")
            components[component] = amount = multiply(rate, n)
            # 0 + amount is amount (a rate's exponent is never positive: prices are plain decimals)
            total = amount if total is None else add(total, amount)
        if total is None:
            total = _ZERO
        return _new_cost(Cost, (canonical, price[1], total, components, price[2], variant, tier))

    # plans and accounts (docs/plans.md)

    @classmethod
    def from_content(cls, content: dict[str, Any]) -> Catalog:
        """A catalog from artifact content (for tools that compile in memory): no digest, but the
        content's shape is checked as ``loads`` checks it (``ArtifactError`` naming the field)."""
        from modelctl.runtime._shape import check_content

        with paused_gc():
            check_content(content, parsed=False)
            return cls({"format_version": "1.0", "digest": "", "content": content})

    def plans(self) -> list[str]:
        """The plan ids, sorted."""
        return sorted(self._content.get("plans", {}))

    def accounts(self) -> list[str]:
        """The account ids, sorted (none in a public artifact)."""
        return sorted(self._content.get("accounts", {}))

    def plan(self, plan: str) -> Any:
        """A PlanInfo: what the plan's file says (name, selectors, defaults, markup, credits, rounding,
        rollouts) and the accounts on it.  UnknownPlanError for an id the catalog does not have."""
        from copy import deepcopy

        from modelctl.runtime._plans import plan_info

        doc = self._rules(plan, None).plan
        on_it = [aid for aid, acc in self._content.get("accounts", {}).items() if acc.get("plan") == plan]
        return plan_info(deepcopy(doc), on_it)

    def account(self, account: str) -> Any:
        """An AccountInfo: what the account's file says (plan, selectors, defaults, negotiated
        prices and discounts, rollout opt-ins).  UnknownPlanError for an id the catalog does not have."""
        from copy import deepcopy

        from modelctl.runtime._plans import account_info

        _, doc = self._plan_and_account(None, account)
        return account_info(deepcopy(doc))

    def purposes(self) -> tuple[str, ...]:
        """The purposes the catalog declares (catalog.yaml), in its order: what plans name defaults for."""
        return tuple(self._content.get("catalog", {}).get("purposes", ()))

    def plan_of(self, account: str) -> str:
        """The plan an account is on."""
        plan, _ = self._plan_and_account(None, account)
        return plan

    def providers(self) -> dict[str, Mapping[str, Any]]:
        """Providers by id: name, kind, website, pricing_page, currency."""
        return dict(self._content.get("providers", {}))

    def _rules(self, plan: str | None, account: str | None) -> Any:
        rules = _cached(self._plan_rules, (plan or "", account))
        if rules is None:
            if not _exact(plan, account):  # a TypeError naming it, or plain copies for the cache
                plan, account, _ = _plain_ids(plan, account)
            key = (plan or "", account)
            from modelctl.runtime._plans import PlanRules

            plan_id, account_doc = self._plan_and_account(plan, account)
            rules = PlanRules(self._content["plans"][plan_id], account_doc)
            self._plan_rules[key] = rules
        return rules

    def _plan_and_account(self, plan: str | None, account: str | None) -> tuple[str, Any]:
        if not _exact(plan, account):
            plan, account, _ = _plain_ids(plan, account)
        plans, accounts = self._content.get("plans", {}), self._content.get("accounts", {})
        account_doc = None
        if account is not None:
            account_doc = accounts.get(account)
            if account_doc is None:
                where = "" if accounts else " (this artifact has no accounts: a public artifact leaves them out)"
                raise UnknownPlanError(f"unknown account {account!r}{where}")
            if plan is not None and plan != account_doc["plan"]:
                raise UnknownPlanError(f"account {account!r} is on plan {account_doc['plan']!r}, not {plan!r}")
            plan = account_doc["plan"]
        if plan is None:
            raise UnknownPlanError("name a plan (or an account)")
        if plan not in plans:
            raise UnknownPlanError(f"unknown plan {plan!r}; plans: {', '.join(sorted(plans)) or 'none'}")
        return plan, account_doc

    def allowed(
        self, model: str, plan: str | None = None, account: str | None = None, subject: str | None = None
    ) -> Any:
        """A Decision: may ``plan`` (or ``account``, on its plan) use ``model``, and which rule decided.
        ``subject`` (any string id: a user, workspace or tenant) is bucketed for the plan's rollouts
        (docs/rollouts.md).  It is truthy when allowed; ``rollout`` and ``arm`` name a deciding rollout."""
        try:
            if subject is None:
                hit = self._decisions.get((model, plan, account))
            else:
                hit = self._subject_cache.get((model, plan, account, subject))
        except Exception:  # unhashable (a list), or a str subclass whose __hash__ raises: checked below
            hit = None
        if hit is not None:
            return hit
        if not _exact(model, plan, account, subject):  # a TypeError naming it, or plain copies for the caches
            model, _ = _plain_names(model)
            plan, account, subject = _plain_ids(plan, account, subject)
        if subject is not None:
            from modelctl.runtime._entitlements import SUBJECT_CACHE, allowed_for

            hit = allowed_for(self, model, plan, account, subject)
            if len(self._subject_cache) >= SUBJECT_CACHE:
                self._subject_cache.clear()
            self._subject_cache[(model, plan, account, subject)] = hit
            return hit
        ref = self.resolve(model)
        decision = self._rules(plan, account).decide(ref, self._models[ref])
        if len(self._decisions) < 1_000_000:
            self._decisions[(model, plan, account)] = decision
        return decision

    def models_for(
        self, plan: str | None = None, account: str | None = None, subject: str | None = None
    ) -> tuple[ModelInfo, ...]:
        """Every model ``plan`` (or ``account``, or ``subject`` within them) may use, sorted by canonical id."""
        found: tuple[ModelInfo, ...] | None = _cached(self._models_for, (plan or "", account, subject))
        if found is None:
            if not _exact(plan, account, subject):  # a TypeError naming it, or plain copies for the cache
                plan, account, subject = _plain_ids(plan, account, subject)
            key = (plan or "", account, subject)
            from modelctl.runtime._entitlements import SUBJECT_CACHE, models_for

            found = models_for(self, plan, account, subject)
            if len(self._models_for) >= SUBJECT_CACHE:
                self._models_for.clear()
            self._models_for[key] = found
        return found

    def default_model(
        self, purpose: str, plan: str | None = None, account: str | None = None, subject: str | None = None
    ) -> Any:
        """A DefaultChoice: the model ``plan`` (or ``account``, or ``subject`` within them) uses by
        default for ``purpose``: the first enabled and allowed of its candidates (fall-backs included),
        with the rule that chose it, the A/B test's rollout and arm, and the candidates skipped."""
        hit = _cached(self._default_cache, (purpose, plan, account, subject))
        if hit is None:
            if not _exact(plan, account, subject) or type(purpose) is not str:  # a TypeError, or plain copies
                plan, account, subject = _plain_ids(plan, account, subject)
                purpose = _plain(purpose, "purpose", optional=False)
            key = (purpose, plan, account, subject)
            from modelctl.runtime._entitlements import SUBJECT_CACHE, default_model

            hit = default_model(self, purpose, plan, account, subject)
            if len(self._default_cache) >= SUBJECT_CACHE:
                self._default_cache.clear()
            self._default_cache[key] = hit
        return hit

    def defaults(
        self, plan: str | None = None, account: str | None = None, subject: str | None = None
    ) -> dict[str, Any]:
        """Every purpose ``plan`` (or ``account``) has a default for -> its DefaultChoice, fall-backs
        applied (None when no candidate is usable)."""
        from modelctl.runtime._entitlements import defaults

        return defaults(self, plan, account, subject)

    def rollouts(self, plan: str) -> tuple[Mapping[str, Any], ...]:
        """A plan's rollouts and A/B tests, in the order of its file."""
        return tuple(self._rules(plan, None).plan.get("rollouts", ()))

    def rollout(self, plan: str, rollout: str) -> Mapping[str, Any]:
        """A plan's rollout by id, as the artifact has it (id, salt, percent or variants)."""
        rules = self._rules(plan, None)
        rollout = _plain(rollout, "rollout", optional=False)
        for doc in rules.plan.get("rollouts", ()):
            if doc["id"] == rollout:
                found: Mapping[str, Any] = doc
                return found
        known = ", ".join(r["id"] for r in rules.plan.get("rollouts", ())) or "none"
        raise UnknownPlanError(f"plan {plan!r} has no rollout {rollout!r} (it has: {known})")

    def arm(self, plan: str, rollout: str, subject: str, account: str | None = None) -> str:
        """The arm ``subject`` is in for a plan's rollout: ``in`` or ``out`` of a percentage rollout, the
        variant's model in an A/B test; an account's explicit opt-in or opt-out decides for its subjects."""
        from modelctl.runtime._entitlements import check_subject
        from modelctl.runtime._plans import arm_of

        doc = self.rollout(plan, rollout)
        opt = self._rules(plan, account).opt if account is not None else {}
        return arm_of(doc, check_subject(subject), opt.get(rollout))

    def charge(
        self,
        model: str,
        usage: Usage,
        plan: str | None = None,
        account: str | None = None,
        at: date | datetime | str | None = None,
        variant: str | None = None,
        subject: str | None = None,
    ) -> Any:
        """What to charge for ``usage`` of ``model``: the cost times the plan's markup (less an account's
        discount), or the account's negotiated prices; times the plan's credits per USD; rounded once
        by the plan's rule (6 decimals, half-up, unless it says otherwise)."""
        from modelctl.runtime._plans import ROUNDING, Charge

        decision = self.allowed(model, plan, account, subject)
        if not decision:
            raise NotAllowedError(decision)
        ref = decision.model
        rules = self._rules(plan, account)
        plan_doc = rules.plan
        cost = self.cost(ref, usage, at=at, variant=variant)
        day = _ordinal(at)
        markup, _ = rules.markup(day)
        entry = rules.negotiated(ref, self._models[ref], day)
        if entry is not None and "prices" in entry:
            exact, basis = self._negotiated_total(ref, usage, at, variant, entry["prices"]), "negotiated"
        elif entry is not None and "discount_percent" in entry:
            off = MONEY.subtract(100, Decimal(entry["discount_percent"]))
            exact = MONEY.multiply(MONEY.multiply(cost.total, markup), off).scaleb(-2, MONEY)
            basis = "discount"
        else:
            exact, basis = MONEY.multiply(cost.total, markup), "list"
        unit = cost.currency
        credits = plan_doc.get("credits_per_usd")
        if credits is not None:
            if cost.currency != "USD":
                raise CatalogError(f"{ref} is priced in {cost.currency}: plan {plan_doc['id']} converts USD to credits")
            exact, unit = MONEY.multiply(exact, Decimal(credits)), "credits"
        rounding = plan_doc.get("rounding", {})
        quantum = Decimal(1).scaleb(-int(rounding.get("decimals", 6)))
        amount = exact.quantize(quantum, rounding=ROUNDING[rounding.get("mode", "half_up")], context=MONEY)
        rule = f"{'account ' + str(account) if account else 'plan ' + plan_doc['id']} {basis}"
        return Charge(ref, plan_doc["id"], account, amount, exact, unit, basis, cost, rule, subject)

    def _negotiated_total(
        self, ref: str, usage: Usage, at: date | datetime | str | None, variant: str | None, prices: Mapping[str, str]
    ) -> Decimal:
        base = self.price(ref, at=at, variant=variant)
        merged = {**base.prices, **{k: Decimal(v) for k, v in prices.items()}}
        total = _ZERO
        for (component, rate), n in zip(compress(_rates(merged), usage), filter(None, usage)):  # noqa: B905
            if rate is None:
                if component is None:
                    continue
                raise NoPriceError(f"{ref} has no negotiated or list price for {component} tokens")
            total = MONEY.add(total, MONEY.multiply(rate, n))
        return total

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


def _priced(component: str) -> str:
    """What a component counts, for an error: ``output tokens``, ``web-search calls``."""
    field = next(f for f, c, *_ in _COMPONENTS if c == component)
    return f"{component} tokens" if field.endswith("_tokens") else _COUNTED.get(field, field)


_COUNTED = {
    "web_search_requests": "web-search calls",
    "file_search_requests": "file-search calls",
    "input_audio_seconds": "seconds of input audio",
    "seconds": "seconds of use",
    "images": "images",
}
