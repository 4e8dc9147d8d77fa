"""Prices laid out for a usage file's columns, and the cells ``reprice`` sums.

Within one price period (one model, variant and period, one context tier) a
cost is linear in the token counts: ``sum(rate * tokens)``.  So ``reprice``
does not price rows one by one; it files each row into a *cell* — the
prices in force, the tier, the group — and adds its counts there.  Each cell
is priced once at the end with the rates the runtime uses
(``runtime.Catalog.price`` and ``usage.estimate.PRICED_BY``'s fall-backs).  Decimal
products and sums are exact, so the result equals the sum of
``runtime.Catalog.cost`` over the rows to the last digit.

A cell's counts are packed into one integer, a 96-bit field per count (the
first counts rows): adding two packed integers adds every field at once, in
C.  A row's count must fit in 64 bits (``struct`` checks it), so a field
overflows only after 2^32 rows of maximal counts in one cell.
"""

from __future__ import annotations

import struct
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from modelctl import runtime
from modelctl.runtime._pricing import compile_windows, max_input_of, unit_price, unsupported_fields, window_variant
from modelctl.usage.estimate import FREE_WITHOUT_PRICE, PRICED_BY
from modelctl.usage.files import USAGE_FIELDS

__all__ = ["Entry", "PriceTable", "packer", "unpack"]

_ZERO = Decimal(0)
FIELD_BITS = 96
_FIELD_MASK = (1 << FIELD_BITS) - 1
TIER_SLOTS = 64  # a cell code is entry id * TIER_SLOTS + tier level
# Above any row's input-side tokens (at most 10 counts below 2**64 each): "no bound".
UNBOUNDED = 1 << 72
_REQUESTS = USAGE_FIELDS.index("requests")


def packer(columns: int) -> Callable[..., bytes]:
    """``pack(1, *counts)``: little-endian 64-bit values in 96-bit fields (then ``int.from_bytes``)."""
    return struct.Struct("<" + "Q4x" * (columns + 1)).pack


def unpack(value: int, columns: int) -> list[int]:
    """[rows, count, count, ...] from a packed cell."""
    return [(value >> (FIELD_BITS * i)) & _FIELD_MASK for i in range(columns + 1)]


@dataclass(slots=True)
class Entry:
    """The prices that apply to rows of one model and variant in one period
    (and one group, for the dimensions a row's model and day decide)."""

    eid: int
    ref: str
    provider: str
    currency: str
    variant: str
    effective_from: date
    aboves: tuple[int, ...]  # tier thresholds
    rates: list[tuple[Decimal | None, ...]]  # per tier level (0: base prices): price per unit of each column
    forbidden: list[tuple[int, ...]]  # per tier level: columns without any price (must be zero)
    implicit_request: list[Decimal | None]  # per tier level: the per-request fee when the file has no requests column
    fields: tuple[str, ...]  # the usage field of each column
    key: tuple[str, ...]  # the values of the model/provider/day/month/variant dimensions
    simple: bool  # no tiers, nothing forbidden, no limit to check: every row goes to tier 0
    # What the model cannot serve, as the runtime's cost() refuses it: (column, reason) for a modality
    # it does not take, and the most input-side tokens per request (0: none known).
    unsupported: tuple[tuple[int, str], ...] = ()
    max_input: int = 0
    requests_column: int | None = None
    # The time-of-day windows of the period's variants (runtime._pricing.compile_windows), for a
    # base entry: a row with a time is billed at the variant whose window holds it.
    windows: tuple[Any, ...] = ()
    # What lets a row skip code() (usage/csv_rows.py's columnar pass): at most ``bound`` input-side
    # tokens (the first tier's threshold, the limit per request), and zero in the columns of
    # ``zero_mask`` (bit k: file column k has no price or cannot be served), mean tier 0, no refusal.
    bound: int = UNBOUNDED
    zero_mask: int = 0

    def code(self, counts: Sequence[int], side: Sequence[int]) -> int | str:
        """The row's cell code (entry and tier), or why it cannot be priced."""
        tier = 0
        for k, reason in self.unsupported:
            if counts[k]:
                return f"{self.ref} {reason}: usage field {self.fields[k]!r} cannot be priced"
        if self.aboves or self.max_input:
            total = sum([counts[k] for k in side])
            if self.max_input:
                requests = counts[self.requests_column] if self.requests_column is not None else 1
                if total > self.max_input * (requests or 1):
                    return (
                        f"{self.ref} does not take that much input ({total:,} input-side tokens in "
                        f"{requests or 1:,} request(s), above its limit of {self.max_input:,} per request)"
                    )
            for level, above in enumerate(self.aboves, 1):
                if total > above:
                    tier = level  # a cliff: the highest threshold exceeded wins, as in the runtime
        for k in self.forbidden[tier]:
            if counts[k]:
                what = f"variant {self.variant!r} of {self.ref}" if self.variant else self.ref
                tiered = f", tier above {self.aboves[tier - 1]:,}" if tier else ""
                return f"{what} has no price for {self.fields[k]} (prices from {self.effective_from}{tiered})"
        return self.eid * TIER_SLOTS + tier

    def cost(self, tier: int, cell: Sequence[int]) -> Decimal:
        """What a cell's rows cost: ``cell`` is [rows, count, ...]."""
        total = _ZERO
        for rate, n in zip(self.rates[tier], cell[1:]):  # noqa: B905 - same length by construction
            if n and rate is not None:
                total += rate * n
        fee = self.implicit_request[tier]
        if fee is not None:
            total += fee * cell[0]
        return total


def _unit_prices(prices: dict[str, Decimal]) -> list[tuple[Decimal | None, bool]]:
    """(price per unit, must be zero?) for each usage field, as the runtime prices it."""
    out: list[tuple[Decimal | None, bool]] = []
    for usage_field, _component, keys, unit in PRICED_BY:
        price = next((prices[k] for k in keys if k in prices), None)
        if price is None:
            out.append((None, usage_field not in FREE_WITHOUT_PRICE))
        else:
            out.append((unit_price(price, unit), False))
    return out


class PriceTable:
    """Entries for (model name, variant, day) lookups, made once and shared:
    rows of different days in the same period (and group) share an entry."""

    def __init__(
        self,
        catalog: runtime.Catalog,
        columns: Sequence[int],
        *,
        implicit_requests: bool,
        at: date | None,
        dims: Sequence[str],
    ) -> None:
        self.catalog = catalog
        self.columns = tuple(columns)  # usage field index of each file column
        self.fields = tuple(USAGE_FIELDS[f] for f in self.columns)
        self.implicit_requests = implicit_requests
        self.dims = tuple(dims)
        self.entries: list[Entry] = []
        self._shared: dict[tuple[Any, ...], Entry] = {}
        self._compiled: dict[tuple[str, str, date], tuple[Any, ...]] = {}
        self._windowed: dict[tuple[str, str, int], Entry | str] = {}
        self._starts: dict[str, list[int]] = {}  # model name -> its periods' first days (ordinals)
        self._by_period: dict[tuple[str, str, int, int], Entry] = {}
        self.at = at.toordinal() if at is not None else 0  # every row at this day's prices (0: its own)
        self.by_day = "day" in self.dims or "month" in self.dims  # an entry per day, not per period
        self._requests_column = self.columns.index(_REQUESTS) if _REQUESTS in self.columns else None

    def lookup(self, name: str, variant: str, day: int) -> Entry | str:
        """The entry for a row of ``name`` on ``day``, or why it cannot be priced.

        Every day of a price period has the same entry (unless the day or month is a group):
        found once per period, by the runtime's own rule (the newest period whose
        ``effective_from`` is on or before the day), and asked of the catalog the first time."""
        key = (name, variant, bisect_right(self.period_starts(name), self.at or day), day if self.by_day else 0)
        shared = self._by_period.get(key)
        if shared is not None:
            return shared
        hit = self._lookup(name, variant, day)
        if isinstance(hit, Entry):  # why a row cannot be priced may name its day: not shared
            self._by_period[key] = hit
        return hit

    def period_starts(self, name: str) -> list[int]:
        """The first day (ordinal) of each price period of the model ``name`` names ([]: none)."""
        starts = self._starts.get(name)
        if starts is None:
            try:
                info = self.catalog.model(self.catalog.resolve(name))
            except runtime.CatalogError:
                starts = []
            else:
                starts = sorted(
                    date.fromisoformat(p["effective_from"]).toordinal() for p in info.data.get("pricing", ())
                )
            self._starts[name] = starts
        return starts

    def _lookup(self, name: str, variant: str, day: int) -> Entry | str:
        """``lookup`` asked of the catalog.

        The variant is the row's, else the one the name implies (an alias such as Bedrock's
        ``eu.anthropic...``, as ``Catalog.cost`` applies it).  A base entry keeps the period's
        time-of-day windows: ``windowed`` gives the entry of the variant in force at a row's time."""
        try:
            ref = self.catalog.resolve(name)
            info = self.catalog.model(ref)
            # by the row's name, not ref: the runtime applies the variant an alias names
            price = self.catalog.price(name, at=date.fromordinal(self.at or day), variant=variant or None)
        except runtime.CatalogError as exc:
            return str(exc)
        variant = price.variant or ""
        key = tuple(_dimension(d, ref, info.provider, day, variant) for d in self.dims)
        shared = (ref, variant, price.effective_from, key)
        entry = self._shared.get(shared)
        if entry is None:
            aboves, rates, forbidden, implicit = self._compile(ref, variant, price)
            period = next(
                p for p in info.data.get("pricing", ()) if p["effective_from"] == price.effective_from.isoformat()
            )
            max_input = max_input_of(info.data, period)
            refused = unsupported_fields(info.input_modalities, info.output_modalities)
            unsupported = tuple(
                (i, reason) for i, f in enumerate(self.columns) for index, _, reason in refused if index == f
            )
            simple = not aboves and not forbidden[0] and not max_input and not unsupported
            windows = compile_windows(period.get("variants", {})) if not variant else ()
            bound = min(aboves[0] if aboves else UNBOUNDED, max_input or UNBOUNDED)
            zero_mask = 0
            for k in (*forbidden[0], *(k for k, _ in unsupported)):
                zero_mask |= 1 << k
            entry = Entry(
                len(self.entries), ref, info.provider, price.currency, variant, price.effective_from,
                aboves, rates, forbidden, implicit, self.fields, key, simple and not windows,
                unsupported, max_input, self._requests_column, windows, bound, zero_mask,
            )  # fmt: skip
            self.entries.append(entry)
            self._shared[shared] = entry
        return entry

    def windowed(self, name: str, entry: Entry, day: int, minute: int) -> Entry | str:
        """The entry that prices a row of ``name`` at ``minute`` of the UTC day ``day`` (its own day,
        whose weekday a window may name), given the base ``entry`` found for it: the variant whose
        window holds that instant, as ``Catalog.cost(at=datetime)`` bills it; ``entry`` itself
        outside every window, or when the row has a date and no time (``minute`` < 0)."""
        if minute < 0 or not entry.windows:
            return entry
        named = window_variant(entry.windows, minute, (day + 6) % 7)  # ordinal 1 was a Monday
        if named is None:
            return entry
        key = (name, named, day)
        found = self._windowed.get(key)
        if found is None:
            found = self._windowed[key] = self.lookup(name, named, day)
        return found

    def _compile(self, ref: str, variant: str, price: runtime.PriceSet) -> tuple[Any, ...]:
        found = self._compiled.get((ref, variant, price.effective_from))
        if found is None:
            rates, forbidden, implicit = [], [], []
            for prices in [price.prices, *(p for _, p in price.tiers)]:
                per_field = _unit_prices(prices)
                rates.append(tuple(per_field[f][0] for f in self.columns))
                forbidden.append(tuple(i for i, f in enumerate(self.columns) if per_field[f][1]))
                implicit.append(per_field[_REQUESTS][0] if self.implicit_requests else None)
            found = (tuple(above for above, _ in price.tiers), rates, forbidden, implicit)
            self._compiled[(ref, variant, price.effective_from)] = found
        return found


def _dimension(dim: str, ref: str, provider: str, day: int, variant: str) -> str:
    if dim == "model":
        return ref
    if dim == "provider":
        return provider
    if dim == "day":
        return date.fromordinal(day).isoformat()
    if dim == "month":
        return date.fromordinal(day).isoformat()[:7]
    return variant or "base"
