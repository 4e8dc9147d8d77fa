"""Exact integer money for ``reprice --charges`` (usage/charges.py's hot loop).

A Decimal multiply and add per token kind, twice (cost and charge), and a quantize per row were
most of the loop.  Instead, a level's rates (one terms' base or tier rates) are held as integers
over a common power of ten, ``rate * 10**scale``: a row's charge is an integer sum of products,
and rounding it per request to ``decimals`` places is an integer division, done exactly for each
rounding mode as ``Decimal.quantize`` does it (``up`` and ``down``: away from and towards zero).
Cost and exact charge are linear in the counts, so a cell only sums its rows' counts and is priced
once (``linear``), with the Decimal rates, as the row-by-row sum would be: same value, same exponent.
Python integers are unbounded, so nothing here rounds or overflows, whatever the counts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal
from typing import Any

from modelctl.runtime._entitlements import ChargeTerms
from modelctl.runtime._pricing import MONEY
from modelctl.usage.charges_what_if import WAcc

__all__ = ["Acc", "Level", "decimal_of", "linear", "new_level", "priced_cells", "rounder", "scaled"]

_ZERO = Decimal(0)

Level = tuple[int, tuple[Any, Any], int]  # terms id, (cost rates, charge rates), decimals


@dataclass(slots=True)
class Acc:
    """A cell of one terms, priced: what usage/charges.py's ``_finish`` sums into groups."""

    rows: int = 0
    cost: Decimal = _ZERO
    exact: Decimal = _ZERO
    amount: Decimal = _ZERO
    invoices: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    what_if: list[WAcc] | None = None


def scaled(rates: Sequence[Decimal | None]) -> tuple[int, tuple[int, ...]]:
    """``(scale, ints)``: the least ``scale`` >= 0 that makes every rate times ``10**scale`` whole,
    and those integers (0 for None: a kind with no price, which a row must not have)."""
    scale = max((-int(r.as_tuple().exponent) for r in rates if r is not None), default=0)
    scale = max(scale, 0)
    return scale, tuple(0 if r is None else int(r.scaleb(scale, MONEY)) for r in rates)


def rounder(scale: int, decimals: int, mode: str) -> Callable[[int], int]:
    """``n`` (an amount in units of ``10**-scale``) -> the amount rounded to ``decimals`` places by
    ``mode`` (a ``decimal`` rounding constant), in units of ``10**-decimals``, as
    ``Decimal.quantize(Decimal(1).scaleb(-decimals), rounding=mode)`` rounds it."""
    if scale <= decimals:  # nothing to round
        factor = 10 ** (decimals - scale)
        return lambda n: n * factor
    d = 10 ** (scale - decimals)
    half = d // 2  # d is a power of ten above 1: even
    if mode == ROUND_DOWN:
        return lambda n: n // d if n >= 0 else -(-n // d)
    if mode == ROUND_UP:
        return lambda n: -(-n // d) if n >= 0 else n // d
    if mode == ROUND_HALF_UP:
        return lambda n: (n + half) // d if n >= 0 else -((half - n) // d)
    if mode == ROUND_HALF_EVEN:

        def half_even(n: int) -> int:
            q: int
            r: int
            q, r = divmod(-n if n < 0 else n, d)
            if r > half or (r == half and q & 1):
                q += 1
            return -q if n < 0 else q

        return half_even
    raise ValueError(f"no integer rounding for {mode!r}")


def decimal_of(n: int, decimals: int) -> Decimal:
    """``n * 10**-decimals`` exactly, with the exponent ``quantize`` gives (-``decimals``; 0 when
    ``decimals`` is negative, as a sum started from ``Decimal(0)`` has)."""
    if decimals < 0:
        return Decimal(n * 10**-decimals)
    return Decimal(n).scaleb(-decimals, MONEY)


def linear(rates: Sequence[Decimal | None], totals: Sequence[int]) -> Decimal:
    """``Decimal(0)`` plus ``rate * total`` for each kind a row had (total > 0), exactly: the value
    and the exponent of the same products summed row by row."""
    out = _ZERO
    for rate, total in zip(rates, totals, strict=True):
        if total:
            out = MONEY.add(out, MONEY.multiply(rate, total))  # type: ignore[arg-type]
    return out


def new_level(
    levels: list[Level], tid: int, terms: ChargeTerms, rates: tuple[Any, Any]
) -> tuple[int, tuple[int, ...], tuple[int, ...], Callable[[int], int] | None]:
    """A new level (the terms' base or tier rates): its id, the kinds it has no price for, and for
    per-request rounding its charge rates as integers with the function rounding their sum
    (above)."""
    cost_rates, charge_rates = rates
    unpriced = tuple(k for k, (r, c) in enumerate(zip(cost_rates, charge_rates, strict=True)) if r is None or c is None)
    decimals = -int(terms.quantum.as_tuple().exponent)
    levels.append((tid, rates, decimals))
    if terms.per == "invoice":
        return len(levels) - 1, unpriced, (), None
    scale, ints = scaled(charge_rates)
    return len(levels) - 1, unpriced, ints, rounder(scale, decimals, terms.mode)


def priced_cells(
    cells: dict[tuple[Any, ...], list[Any]],
    wcells: dict[tuple[Any, ...], list[WAcc]],
    levels: list[Level],
    known: list[ChargeTerms],
    owners: list[str],
) -> list[tuple[tuple[Any, ...], Acc]]:
    """The cells of one terms each (the levels of a terms' tiers summed), priced exactly: cost and
    exact charge from the sums of the counts, the rounded charges from their integer sum."""
    out: dict[tuple[Any, ...], Acc] = {}
    for (values, month, lid), (rows, totals, rounded) in cells.items():
        tid, (cost_rates, charge_rates), decimals = levels[lid]
        key = (values, tid, month)
        acc = out.get(key)
        if acc is None:
            acc = out[key] = Acc(what_if=wcells.get(key))
        acc.rows += rows
        acc.cost = MONEY.add(acc.cost, linear(cost_rates, totals))
        acc.exact = MONEY.add(acc.exact, linear(charge_rates, totals))
        if known[tid].per != "invoice":
            acc.amount = MONEY.add(acc.amount, decimal_of(rounded, decimals))
    for (_, tid, month), acc in out.items():
        terms = known[tid]
        if terms.per == "invoice":  # one invoice a cell: its terms give the owner, its key the month
            acc.invoices[(owners[tid] or f"plan {terms.plan}", month)] = acc.exact
    return [((v, known[t], owners[t], m), acc) for (v, t, m), acc in out.items()]
