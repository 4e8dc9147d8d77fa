"""What one pass over a usage file accumulates, and how a row is filed into its cell.

A pass prices every row on one or more *sides*: one price table for ``reprice``, two (the
catalog before and after a change) for ``modelctl diff --usage``, which reads the file once
(usage/reprice.py: ``reprice_sides``).  A row's cell key is its cell code on the one side, or
with several sides the id of its codes' combination (``Pass.combos``: a side that cannot price
the row has None there).  ``Pass.file`` is the general path, row by row, in file order: every
check, every refusal with its line.  usage/csv_rows.py skips it, for whole chunks of rows at a
time, where ``Pass.fast`` says nothing can go wrong: see there.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from modelctl.runtime._pricing import window_variant
from modelctl.usage.price_cells import TIER_SLOTS, Entry, PriceTable

__all__ = ["MISS", "SLOW", "WINDOWED", "Pass", "RowError"]

# Pass.fast's answers for a row the columnar path must leave to Pass.file (no bound holds): a
# (model, variant, day) not seen yet, and one seen that needs Pass.file (time-of-day windows, no
# price, a what-if model).  Told apart by value (``MISS in hits``).
MISS = (None, -1, 0)
SLOW = (None, -2, 0)
WINDOWED = (None, -3, 0)  # time-of-day windows: ``Pass.window_fast`` answers for the row's minute


@dataclass(frozen=True, slots=True)
class RowError:
    """A row that was not priced: its line, why, and (for a what-if model) which model."""

    line: int
    message: str
    raw: str = ""
    what_if: str | None = None


class _Starts(dict[str, list[int]]):
    """Model name -> the first days (ordinals) of its price periods on every side, merged: between
    two of them, no side's prices change (``Pass.fast_key``).  Filled on first use, in C too
    (``map(starts.__getitem__, names)``)."""

    def __init__(self, tables: list[PriceTable]) -> None:
        super().__init__()
        self.tables = tables

    def __missing__(self, name: str) -> list[int]:
        merged = sorted({d for t in self.tables for d in t.period_starts(name)})
        self[name] = merged
        return merged


@dataclass(slots=True)
class Pass:
    tables: list[PriceTable]  # one per side
    what_if: tuple[str, ...]
    wtables: list[PriceTable]
    keep_errors: int
    on_error: Callable[[RowError], None] | None
    side: list[int]  # the file columns that count towards a tier (input-side tokens)
    ticking: bool = False
    rows: int = 0
    error_count: int = 0  # rows no side could price (with one side: the rows not priced)
    errors: list[RowError] = field(default_factory=list)
    cells: dict[Any, int] = field(default_factory=dict)
    # (model name, variant, day) -> (cell key, most input-side tokens, columns that must be zero)
    # for rows that need nothing but their counts added: see usage/csv_rows.py.
    fast: dict[tuple[str, str, int], tuple[Any, int, int]] = field(default_factory=dict)
    found: dict[tuple[str, str, int], tuple[Entry | str, ...]] = field(default_factory=dict)
    refuse_above: dict[int, int] = field(default_factory=dict)  # see csv_rows.py (one side)
    wfast: dict[tuple[tuple[str, str, int], tuple[str | None, ...]], tuple[Any, int, int]] = field(default_factory=dict)
    combos: list[tuple[int | None, ...]] = field(default_factory=list)  # with several sides
    combo_ids: dict[tuple[int | None, ...], int] = field(default_factory=dict)
    what_if_cells: list[dict[Any, int]] = field(default_factory=list)
    what_if_failed: list[int] = field(default_factory=list)
    what_if_failed_cells: list[dict[Any, int]] = field(default_factory=list)
    wcache: list[dict[tuple[str, int], Entry | str]] = field(default_factory=list)
    starts: _Starts = field(default_factory=lambda: _Starts([]))

    def __post_init__(self) -> None:
        self.starts = _Starts(self.tables)
        n = len(self.what_if)
        self.what_if_cells = [{} for _ in range(n)]
        self.what_if_failed = [0] * n
        self.what_if_failed_cells = [{} for _ in range(n)]
        self.wcache = [{} for _ in range(n)]

    @property
    def table(self) -> PriceTable:
        return self.tables[0]

    def errors_full(self) -> bool:
        """No more rows to keep, nothing to tell: a refused row need only be counted."""
        return self.on_error is None and len(self.errors) >= self.keep_errors

    def error(
        self, line: int, message: str, row: Any, show: Callable[[Any], str] = str, what_if: str | None = None
    ) -> None:
        """Count a row that cannot be priced; keep it (its text is ``show(row)``) while needed."""
        if what_if is None:
            self.error_count += 1
        if len(self.errors) < self.keep_errors or self.on_error is not None:
            err = RowError(line, message, show(row), what_if)
            if len(self.errors) < self.keep_errors:
                self.errors.append(err)
            if self.on_error is not None:
                self.on_error(err)

    def fast_key(self, name: str, variant: str, day: int) -> tuple[str, str, int]:
        """The key of ``fast`` for a row: (name, variant, the price period), or the day itself when
        the day or month is a group (each day its own entry)."""
        if self.tables[0].by_day:
            return (name, variant, day)
        return (name, variant, bisect_right(self.starts[name], self.tables[0].at or day))

    def find(self, name: str, variant: str, day: int) -> tuple[Entry | str, ...]:
        """Each side's entry for rows of (name, variant, day), or why it cannot price them."""
        key = (name, variant, day)
        found = self.found.get(key)
        if found is None:
            found = self.found[key] = tuple(t.lookup(name, variant, day) for t in self.tables)
            if any(isinstance(e, Entry) and e.windows for e in found):
                self.fast[self.fast_key(name, variant, day)] = WINDOWED
            else:
                self.fast[self.fast_key(name, variant, day)] = self._fast_value(found)
        return found

    def window_fast(self, key: tuple[str, str, int], day: int, minute: int) -> tuple[Any, int, int]:
        """``fast``'s answer for a row of a WINDOWED ``key`` at ``minute`` of its UTC ``day``: the
        same for every row in the same windows (or outside them) in the same period."""
        name, variant = key[0], key[1]
        found = self.find(name, variant, day)
        weekday = (day + 6) % 7  # ordinal 1 was a Monday
        named = tuple(
            window_variant(e.windows, minute, weekday) if isinstance(e, Entry) and e.windows else None for e in found
        )
        wkey = (key, named)
        hit = self.wfast.get(wkey)
        if hit is None:
            entries = tuple(
                e if isinstance(e, str) else self.tables[t].windowed(name, e, day, minute) for t, e in enumerate(found)
            )
            hit = self.wfast[wkey] = self._fast_value(entries, windowed=True)
        return hit

    def _fast_value(self, found: tuple[Entry | str, ...], *, windowed: bool = False) -> tuple[Any, int, int]:
        """(cell key, bound, zero mask) for rows of these entries, or SLOW; ``windowed``: the entries
        in force at an instant (a base entry outside its windows keeps them)."""
        entries = [e for e in found if isinstance(e, Entry)]
        one = len(found) == 1
        if not entries or (one and self.what_if) or (not windowed and any(e.windows for e in entries)):
            return SLOW
        codes = [e.eid * TIER_SLOTS if isinstance(e, Entry) else None for e in found]
        zero = 0
        for e in entries:
            zero |= e.zero_mask
        if one and entries[0].max_input and entries[0].requests_column is None:  # one request a row
            self.refuse_above[codes[0]] = entries[0].max_input  # type: ignore[index]
        return (codes[0] if one else self.combo(codes), min(e.bound for e in entries), zero)

    def combo(self, codes: Sequence[int | None]) -> int:
        key = tuple(codes)
        cid = self.combo_ids.get(key)
        if cid is None:
            cid = self.combo_ids[key] = len(self.combos)
            self.combos.append(key)
        return cid

    def file(
        self,
        name: str,
        variant: str,
        found: tuple[Entry | str, ...],
        day: int,
        minute: int,
        counts: list[int],
        packed: int,
        dims: Any,
        line: int,
        row: Any,
        show: Callable[[Any], str],
    ) -> None:
        """Price a row (its variant column, ``found``: its entry on each side; ``minute``: of its UTC
        day, or -1 for a date alone) and add its counts to its cell; or report why it cannot be priced."""
        side = self.side
        if len(found) == 1:
            entry = found[0]
            if not isinstance(entry, str) and entry.windows:
                entry = self.tables[0].windowed(name, entry, day, minute)
            code = entry if isinstance(entry, str) else entry.code(counts, side)
            if isinstance(code, str):
                self.error(line, code, row, show)
                return
            ck = code if dims is None else (code, dims)
            self.cells[ck] = self.cells.get(ck, 0) + packed
            if self.what_if:
                self.add_what_if(variant, day, minute, counts, packed, ck, line, row, show)
            return
        codes: list[int | None] = []
        why = ""
        for t, entry in enumerate(found):
            if not isinstance(entry, str) and entry.windows:
                entry = self.tables[t].windowed(name, entry, day, minute)
            code = entry if isinstance(entry, str) else entry.code(counts, side)
            if isinstance(code, str):
                why = why or code
                codes.append(None)
            else:
                codes.append(code)
        if all(c is None for c in codes):
            self.error(line, why, row, show)
            return
        cid = self.combo(codes)
        ck = cid if dims is None else (cid, dims)
        self.cells[ck] = self.cells.get(ck, 0) + packed

    def add_what_if(
        self,
        variant: str,
        day: int,
        minute: int,
        counts: list[int],
        packed: int,
        ck: Any,
        line: int,
        row: Any,
        show: Callable[[Any], str],
    ) -> None:
        """File a row (priced on its own model) into each what-if model's cells, on the same day
        and variant (the row's ``variant`` column), at the same instant; ``show(row)`` is its text."""
        side = self.side
        for w, ref in enumerate(self.what_if):
            entry = self.wcache[w].get((variant, day))
            if entry is None:
                entry = self.wcache[w][(variant, day)] = self.wtables[w].lookup(ref, variant, day)
            if not isinstance(entry, str) and entry.windows:
                entry = self.wtables[w].windowed(ref, entry, day, minute)
            code = entry if isinstance(entry, str) else entry.code(counts, side)
            if isinstance(code, str):
                self.what_if_failed[w] += 1
                failed = self.what_if_failed_cells[w]
                failed[ck] = failed.get(ck, 0) + 1
                self.error(line, code, row, show, what_if=ref)
                continue
            cells = self.what_if_cells[w]
            wck = (code, ck)
            cells[wck] = cells.get(wck, 0) + packed
