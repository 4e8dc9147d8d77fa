"""The columnar step of ``reprice --charges`` (usage/charges.py), as plain reprice has one
(usage/csv_rows.py): a chunk of CSV rows whose counts all read (usage/charge_rows.py's ``Chunk``)
is charged column by column, every step in C (``map``, ``zip``, ``compress``), for the rows where
nothing can go wrong; every other row goes back to the row-by-row loop, in file order.

A row is charged here when: every count cell of its chunk is a whole number below 2**64 (an empty
cell sends the chunk to the loop), every timestamp an ISO date-time (with a ``T``) that
``datetime.fromisoformat`` reads; its (model, variant, day, plan, account) was charged before by
the loop with terms that have no time-of-day window, no negative charge rate, and no what-if
model is asked (``register``); its input-side tokens are at most the terms' first tier and input
limit; its counts are zero where the terms have no price or the model takes no such usage; and its
cell (dimension values, month, level) exists already.  So the loop has made every cell, in the
order it meets them, and said every error; here a row only adds (1, its rounded charge, its counts),
packed in one integer as plain reprice packs counts, to its cell's sum.

The per-request rounding (usage/charge_money.py) of a charge ``n >= 0`` in units of ``10**-scale``
to ``decimals`` places is ``(n + offset) // d * f`` (d = 10**(scale - decimals) when rounding,
f = 10**(decimals - scale) when not); half_even then takes one off an odd result of an exact tie.
As f is 1 wherever d is not, f is taken into the rates; and where the requests count is implicit
(1 a row) the offset goes into its rate.  Per row that leaves, in C: a product and a sum per kind
of token some row of the chunk has, one floor division, one ``struct`` pack.  The loop and this
step compute the same integers (tests/usage/test_charge_columns.py compares the two on random files).
"""

from __future__ import annotations

import struct
from datetime import UTC, date, datetime
from itertools import compress, repeat
from operator import add, and_, attrgetter, contains, eq, floordiv, le, mod, mul, ne, not_
from typing import Any

from modelctl.usage.charge_rows import Chunk
from modelctl.usage.csv_rows import _nonzero
from modelctl.usage.price_cells import UNBOUNDED, packer, unpack

__all__ = ["Columns"]


class Columns:
    """What the columnar step knows (``fast``: a key's entry id, filled by ``register``; the entries'
    fields in lists indexed by it, read in C by ``map(list.__getitem__, ids)``) and has summed."""

    def __init__(self, header: Any, read: tuple[str, ...], implicit: bool, side: tuple[int, ...], cells: Any) -> None:
        self.i_ts, self.i_model, self.i_var = header.index("timestamp"), header.index("model"), header.index("variant")
        self.i_acc, self.i_plan = header.index("account"), header.index("plan")
        self.dims = [header.index(d) for d in read]
        # grouped by nothing, or only by plan and account: an entry's key gives its rows' values
        self.keyed = all(d in ("plan", "account") for d in read)
        self.read = read
        self.implicit = implicit
        self.width = len(header.tokens) + implicit  # the counts of a row
        self.side = side
        self.cells = cells  # the loop's: a row is summed here only into a cell it has made
        self.fast: dict[tuple[str, str, int, str, str], int] = {}
        # entry id -> ...; entry 0 is never fast (its bound is below any count)
        self.bound, self.zero, self.day, self.cell = [-1], [0], [0], [("", 0)]
        self.values: list[tuple[str, ...]] = [()]  # (keyed) the dimension values of an entry's rows
        self.rate: list[list[int]] = [[0] for _ in range(self.width)]
        self.offset, self.d, self.tie = [0], [1], [False]
        self.ready = [False]  # its cell exists (no dimension read)
        self.cids: dict[tuple[tuple[str, ...], int], int] = {}  # (dimension values, entry id) whose cell exists
        self.pairs: list[tuple[tuple[str, ...], int]] = []  # cell id -> (dimension values, entry id)
        self.sums: dict[int, int] = {}  # entry id (keyed) or cell id -> packed sums
        self.rows = 0
        self.pack = packer(self.width + 1)  # (1, rounded charge, *counts)

    def register(self, key: tuple[str, str, int, str, str], hit: Any) -> None:
        """The loop found ``hit`` (usage/charges.py's ``lookup``) for rows of ``key``."""
        _, level, tiers, _, limits, windows = hit
        lid, unpriced, irates, _, rounding = level
        if windows or rounding is None or any(r < 0 for r in irates):
            self.fast[key] = 0
            return
        bound = min((above for above, _ in tiers), default=UNBOUNDED)
        zero = 0
        for k in unpriced:
            zero |= 1 << k
        if limits is not None:
            unsupported, max_input, _ = limits
            for k, _, _ in unsupported:
                zero |= 1 << k
            if max_input:
                bound = min(bound, max_input)
        self.fast[key] = len(self.bound)
        day = key[2]
        self.bound.append(bound)
        self.zero.append(zero)
        self.day.append(day)
        self.cell.append((date.fromordinal(day).isoformat()[:7], lid))
        self.values.append(tuple(key[4] if d == "account" else key[3] for d in self.read) if self.keyed else ())
        # (n + offset) // d * f: f is 1 where d is not, so f goes into the rates; with the requests
        # count implicit (1 a row) the offset goes into its rate
        offset, d, f, tie = rounding
        rates = [r * f for r in irates or (0,) * self.width]
        if self.implicit:
            rates[-1] += offset
            offset = 0
        for k, r in enumerate(rates):
            self.rate[k].append(r)
        self.offset.append(offset)
        self.d.append(d)
        self.tie.append(tie)
        self.ready.append(False)

    def add(self, chunk: Chunk) -> list[Any]:  # noqa: C901 - one pass, in order
        """Sum the rows of ``chunk`` that can be; the others, as row items, for the loop."""
        rows, cols, ints = chunk.rows, chunk.cols, chunk.ints
        n = len(rows)
        ts = cols[self.i_ts]
        if not all(map(contains, ts, repeat("T"))):
            return [chunk.item(j) for j in range(n)]
        try:
            moments = list(map(datetime.fromisoformat, ts))
            zones = set(map(_zone, moments))
            if not zones <= {None, UTC}:  # the UTC instants
                moments = [m.astimezone(UTC) if m.tzinfo is not None else m for m in moments]
        except (ValueError, OverflowError, OSError):
            return [chunk.item(j) for j in range(n)]
        empty = repeat("")
        keys = zip(
            cols[self.i_model],
            cols[self.i_var] if self.i_var >= 0 else empty,
            map(datetime.toordinal, moments),
            cols[self.i_plan] if self.i_plan >= 0 else empty,
            cols[self.i_acc] if self.i_acc >= 0 else empty,
            strict=False,
        )
        ids = list(map(self.fast.get, keys, repeat(0)))
        distinct = set(ids)
        counts = ints + [[1] * n] if self.implicit else ints
        sides: Any = repeat(0)
        if self.side:
            sides = counts[self.side[0]]
            for p in self.side[1:]:
                sides = list(map(add, sides, counts[p]))
        ok: Any = list(map(le, sides, map(self.bound.__getitem__, ids)))
        if any(self.zero[e] for e in distinct):
            zeros = list(map(self.zero.__getitem__, ids))
            ok = list(map(and_, ok, map(not_, map(and_, _nonzero(counts, zeros), zeros))))
        dims = self.dims
        cks: Any = ids
        if self.keyed:
            ready = self.ready
            for e in distinct:
                if e and not ready[e]:
                    ready[e] = (self.values[e], *self.cell[e]) in self.cells
            if not all(ready[e] for e in distinct):
                ok = list(map(and_, ok, map(ready.__getitem__, ids)))
        else:  # a cell id for each (dimension values, entry id) whose cell exists, else -1
            values = zip(*(cols[i] if i >= 0 else empty for i in dims), strict=False)
            pairs = list(zip(values, ids, strict=False))
            cid_get = self.cids.get
            cks = list(map(cid_get, pairs, repeat(-1)))
            if -1 in cks:
                for pair in set(compress(pairs, map(eq, cks, repeat(-1)))):
                    if pair[1] and (pair[0], *self.cell[pair[1]]) in self.cells:
                        self.cids[pair] = len(self.pairs)
                        self.pairs.append(pair)
                cks = list(map(cid_get, pairs, repeat(-1)))
                if -1 in cks:
                    ok = list(map(and_, ok, map(ne, cks, repeat(-1))))
        charge: Any = None
        for k in range(self.width):
            rate = self.rate[k]
            if not any(rate[e] for e in distinct) or not any(counts[k]):
                continue  # no entry of the chunk charges this kind, or no row has it
            if self.implicit and k == self.width - 1:  # the requests count: 1 a row
                products = map(rate.__getitem__, ids)
            else:
                products = map(mul, map(rate.__getitem__, ids), counts[k])
            charge = products if charge is None else map(add, charge, products)
        if charge is None:
            charge = repeat(0, n)
        if any(self.offset[e] for e in distinct):
            charge = map(add, charge, map(self.offset.__getitem__, ids))
        rounded: Any = list(charge)
        if any(self.d[e] != 1 for e in distinct):
            shifted = rounded
            ds = list(map(self.d.__getitem__, ids))
            rounded = list(map(floordiv, shifted, ds))
            tie = self.tie
            if any(tie[e] for e in distinct):  # half_even: an exact tie rounded up to an odd number goes down
                for j in compress(range(n), map(not_, map(mod, shifted, ds))):
                    if tie[ids[j]] and rounded[j] & 1:
                        rounded[j] -= 1
        try:
            packs = map(self.pack, repeat(1), rounded, *counts)
            packed = list(map(int.from_bytes, packs, repeat("little")))  # type: ignore[arg-type]
        except struct.error:  # a count past 64 bits (or such a charge): row by row
            return [chunk.item(j) for j in range(n)]
        sums, get = self.sums, self.sums.get
        done = sum(ok)
        if done == n:
            for ck, p in zip(cks, packed, strict=True):
                sums[ck] = get(ck, 0) + p
        else:
            for ck, p in zip(compress(cks, ok), compress(packed, ok), strict=False):
                sums[ck] = get(ck, 0) + p
        self.rows += done
        if done == n:
            return []
        return [chunk.item(j) for j in compress(range(n), map(not_, ok))]

    def merge(self) -> set[int]:
        """Add the sums into the loop's cells; the days of the rows summed."""
        days = set()
        for ck, p in self.sums.items():
            values, e = (self.values[ck], ck) if self.keyed else self.pairs[ck]
            days.add(self.day[e])
            fields = unpack(p, self.width + 1)
            acc = self.cells[_cell_key(values, self.cell[e])]
            acc[0] += fields[0]
            acc[1] = [*map(add, acc[1], fields[2:])]
            acc[2] += fields[1]
        self.sums.clear()
        return days


_zone = attrgetter("tzinfo")


def _cell_key(values: tuple[str, ...], cell: tuple[str, int]) -> tuple[Any, ...]:
    return (values, *cell)
