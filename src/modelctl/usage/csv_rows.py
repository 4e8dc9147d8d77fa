"""The CSV pass of ``reprice`` (bench/bench_reprice.py): rows read a chunk at a time, and priced
column by column where nothing can go wrong.

Python spends most of a row-by-row loop on running the loop itself.  So the rows of a chunk
are transposed into columns and every step runs over a whole column in C (``map`` with a
builtin, ``zip``, ``compress``): timestamps parsed by ``datetime.fromisoformat``, counts by
``int`` and packed by ``struct`` (which refuses a negative or too large count), each row's cell
found in ``Pass.fast`` by (model, variant, day).  What the columnar path checks, and leaves to the
row-by-row path (``Pass.file``, in file order, with the row's line number) when it fails:

- the chunk: every row has the header's width, every timestamp is an ISO date or date-time,
  every count a whole number from 0 to 2**64 - 1 (an empty cell is 0, or a ``requests`` one 1:
  not stated, one request as without the column); else the whole chunk;
- a row: its (model, variant, day) is in ``Pass.fast`` (priced on a side, no time-of-day window,
  no what-if model), its input-side tokens are at most the entry's ``bound`` (tier 0, within the
  model's limit), and its counts in ``zero_mask``'s columns are zero.

A row is filed into the same cell either way, so the totals cannot depend on the path.  Line
numbers come from the reader's line count at the chunk's start: one line a row, unless the
chunk holds a quoted field that spans lines (then counted field by field).
"""

from __future__ import annotations

import csv
import struct
from bisect import bisect_right
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from itertools import compress, count, islice, repeat
from operator import add, and_, attrgetter, gt, is_, itemgetter, le, lshift, methodcaller, not_, or_
from typing import Any

from modelctl.usage.files import COUNT_LIMIT, Header, count_problem, stamp_parser, unstated
from modelctl.usage.price_cells import UNBOUNDED, packer
from modelctl.usage.row_pass import MISS, WINDOWED, Pass

__all__ = ["CHUNK", "bad_timestamp", "csv_rows"]

CHUNK = 2048  # rows per columnar step (the cells need no more memory for larger ones)
PROGRESS_EVERY = 1 << 15


def bad_timestamp(ts: Any) -> str:
    return f"timestamp {ts!r} is not an ISO date or date-time (or epoch seconds)"


def _lenient(field: str) -> Callable[[str], int]:
    """A cell of ``field``: ``int``'s, and an empty (or blank) one what a count not stated is
    (``usage.files.unstated``: 0, or in ``requests`` one request)."""
    default = unstated(field)
    return lambda text: int(text) if text.strip() else default


def csv_rows(run: Pass, stream: Any, header: Header, row_dims: list[str], tick: Callable[[], None]) -> None:
    names, tokens, delimiter = header.names, header.tokens, header.delimiter
    width = len(names)
    i_ts, i_model, i_var = header.index("timestamp"), header.index("model"), header.index("variant")
    dim_idx = [header.index(d) for d in row_dims]
    dims_of = _dims_getter(dim_idx)
    take = itemgetter(*tokens) if len(tokens) > 1 else (lambda row: (row[tokens[0]],))
    lenient = [_lenient(names[k]) for k in tokens]
    pack, from_bytes = packer(len(tokens)), int.from_bytes
    stamp = stamp_parser()
    find, file, error, join = run.find, run.file, run.error, delimiter.join
    reader = csv.reader(stream, delimiter=delimiter)
    fast_get, cells, starts, window_fast = run.fast.get, run.cells, run.starts.__getitem__, run.window_fast
    by_day = run.table.by_day
    at_days = repeat(run.table.at) if run.table.at else None
    fromiso, utc = datetime.fromisoformat, UTC
    zone_of, to_utc, ordinal = attrgetter("tzinfo"), methodcaller("astimezone", UTC), datetime.toordinal
    side_pos = list(run.side)  # the token columns (positions among them) that count towards a tier
    no_side = repeat(0)
    columnar = not run.what_if  # what-if pricing takes every row through Pass.file
    refuse_above = run.refuse_above  # cell code -> input-side tokens above which a row is refused
    refuse_get = refuse_above.get
    counting = len(run.tables) == 1 and run.on_error is None
    every = PROGRESS_EVERY if run.ticking else 0

    def one(row: list[str], line: int) -> None:
        """The row-by-row path: every check, in the order the messages depend on."""
        ts = row[i_ts]
        try:
            day, minute = stamp(ts)
        except (ValueError, TypeError, OverflowError, OSError):
            error(line, bad_timestamp(ts), row, join)
            return
        variant = row[i_var] if i_var >= 0 else ""
        name = row[i_model]
        found = find(name, variant, day)
        if len(found) == 1 and type(found[0]) is str:
            error(line, found[0], row, join)
            return
        try:
            counts = [*map(int, take(row))]
            packed = from_bytes(pack(1, *counts), "little")
        except (ValueError, struct.error):
            slow = _slow_counts(row, tokens, names)  # empty cells are zero (requests: one); or why a count is wrong
            if isinstance(slow, str):
                error(line, slow, row, join)
                return
            counts, packed = slow, from_bytes(pack(1, *slow), "little")
        file(
            name,
            variant,
            found,
            day,
            minute,
            counts,
            packed,
            None if dims_of is None else dims_of(row),
            line,
            row,
            join,
        )

    def columns(rows: list[list[str]], start: int) -> bool:
        """Price the chunk column by column (False, having done nothing: it needs ``one``)."""
        if len(rows[0]) != width or len(set(map(len, rows))) != 1:
            return False
        cols = list(zip(*rows, strict=True))
        try:
            moments = list(map(fromiso, cols[i_ts]))
        except ValueError:  # epoch seconds, or a bad timestamp
            return False
        zones = set(map(zone_of, moments))
        if not zones <= {None, utc}:  # the UTC instants
            if None not in zones:
                moments = list(map(to_utc, moments))
            else:
                moments = [m.astimezone(utc) if m.tzinfo is not None else m for m in moments]
        days = list(map(ordinal, moments))
        names, variants = cols[i_model], cols[i_var] if i_var >= 0 else repeat("")
        if by_day:
            keys = list(zip(names, variants, days, strict=False))
        else:  # the price period, found in each model's few period starts: fast's keys stay few
            periods = map(bisect_right, map(starts, names), at_days or days)
            keys = list(zip(names, variants, periods, strict=False))
        hits = list(map(fast_get, keys, repeat(MISS)))
        if MISS in hits:  # not seen before: find them first
            missing = list(map(is_, hits, repeat(MISS)))
            firsts = dict(zip(compress(keys, missing), compress(count(), missing), strict=True))
            for key, j in firsts.items():  # a day of its period (the entry is the same on all)
                find(key[0], key[1], days[j])
            hits = list(map(fast_get, keys, repeat(MISS)))
        codes, bounds, zeros = zip(*hits, strict=True)
        try:
            ints = [list(map(int, cols[k])) for k in tokens]
        except ValueError:
            try:
                ints = [list(map(f, cols[k])) for f, k in zip(lenient, tokens, strict=True)]
            except ValueError:
                return False
        try:
            packed = list(map(from_bytes, map(pack, repeat(1), *ints), repeat("little")))  # type: ignore[arg-type]
        except struct.error:  # a negative count, or one past 64 bits
            return False
        sides: Any = no_side
        if side_pos:
            sides = ints[side_pos[0]]
            for p in side_pos[1:]:
                sides = list(map(add, sides, ints[p]))
        ok: Any = list(map(le, sides, bounds))
        if any(zeros):
            ok = list(map(and_, ok, map(not_, map(and_, _nonzero(ints, zeros), zeros))))
        if dims_of is None:
            cks: Any = codes
        elif len(dim_idx) == 1:
            cks = zip(codes, cols[dim_idx[0]] if dim_idx[0] >= 0 else repeat(""), strict=False)
        else:
            cks = zip(codes, zip(*(cols[i] if i >= 0 else repeat("") for i in dim_idx), strict=False), strict=False)
        get = cells.get
        if all(ok):
            for ck, n in zip(cks, packed):  # noqa: B905 - same length by construction
                cells[ck] = get(ck, 0) + n
            return True
        for ck, n in zip(compress(cks, ok), compress(packed, ok)):  # noqa: B905
            cells[ck] = get(ck, 0) + n
        left: Any = map(not_, ok)
        if counting and refuse_above and run.errors_full():  # nothing kept any more: count the rows
            refused = list(map(gt, sides, map(refuse_get, codes, repeat(UNBOUNDED))))  # surely refused
            if any(refused):
                run.error_count += sum(refused)
                left = map(and_, map(not_, ok), map(not_, refused))
        # The others, in file order, through Pass.file with what was parsed (a date alone has no time).
        lines = _lines(rows, start, reader.line_num)
        for j in compress(range(len(rows)), left):
            row, key, day = rows[j], keys[j], days[j]
            if hits[j] is WINDOWED and len(row[i_ts]) > 10:  # priced at its minute, if no more is needed
                moment = moments[j]
                fast, bound, zero = window_fast(key, day, moment.hour * 60 + moment.minute)
                if fast is not None and sum([ints[p][j] for p in side_pos]) <= bound:
                    if not zero or not any(ints[p][j] for p in range(len(ints)) if zero >> p & 1):
                        ck = fast if dims_of is None else (fast, dims_of(row))
                        cells[ck] = get(ck, 0) + packed[j]
                        continue
            entries = find(key[0], key[1], day)
            if len(entries) == 1 and type(entries[0]) is str:
                error(lines[j], entries[0], row, join)
                continue
            moment = moments[j]
            minute = -1 if len(row[i_ts]) <= 10 else moment.hour * 60 + moment.minute
            counts = [c[j] for c in ints]
            dims = None if dims_of is None else dims_of(row)
            file(key[0], key[1], entries, day, minute, counts, packed[j], dims, lines[j], row, join)
        return True

    n = 0
    while True:
        start = reader.line_num
        rows: list[list[str]] = []
        try:
            rows.extend(islice(reader, CHUNK))
        except csv.Error:
            run.rows = n + len(rows)  # the rows before it, for the message
            raise
        if not rows:
            break
        if columnar and columns(rows, start):
            n += len(rows)
        else:
            lines = _lines(rows, start, reader.line_num)
            for j, row in enumerate(rows):
                if len(row) != width:
                    if row:  # a blank line is not a row
                        error(lines[j], f"expected {width} fields as in the header, found {len(row)}", row, join)
                    continue
                one(row, lines[j])
            n += len(rows) - rows.count([])
        if every and n // every != (n - len(rows)) // every:
            run.rows = n
            tick()
    run.rows = n


def _nonzero(ints: list[list[int]], zeros: Sequence[int]) -> Any:
    """Per row, a bit for each token column (among those any ``zeros`` mask names) that is not 0."""
    union = 0
    for z in set(zeros):
        union |= z
    out: Any = None
    for p in range(len(ints)):
        if union >> p & 1:
            bits = map(lshift, map(bool, ints[p]), repeat(p))
            out = bits if out is None else map(or_, out, bits)
    return out if out is not None else repeat(0)


def _lines(rows: list[list[str]], start: int, end: int) -> list[int]:
    """The line number of each row (the header was line 1 and is not in the reader's count)."""
    if end - start == len(rows):
        return list(range(start + 2, end + 2))
    out, at = [], start
    for row in rows:  # a quoted field may hold line breaks: each is one more line
        at += 1 + sum(f.count("\n") + f.count("\r") - f.count("\r\n") for f in row)
        out.append(at + 1)
    return out


def _dims_getter(idx: list[int]) -> Callable[[list[str]], Any] | None:
    """The row dimensions' values: one value, or a tuple of several ("" for a column the file lacks)."""
    if not idx:
        return None
    if all(i >= 0 for i in idx):
        return itemgetter(*idx)
    if len(idx) == 1:
        return lambda row: ""
    return lambda row: tuple(row[i] if i >= 0 else "" for i in idx)


def _slow_counts(row: list[str], tokens: Sequence[int], names: Sequence[str]) -> list[int] | str:
    counts = []
    for i in tokens:
        text = row[i].strip()
        try:
            n = int(text) if text else unstated(names[i])
        except ValueError:
            return count_problem(names[i], row[i])
        if not 0 <= n < COUNT_LIMIT:
            return count_problem(names[i], row[i])
        counts.append(n)
    return counts
