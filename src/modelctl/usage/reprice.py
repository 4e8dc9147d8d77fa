"""Re-price a usage file (``modelctl reprice``): every row at the prices in
force on its day, totalled by model, provider, day, month, account, plan or
variant; optionally the same rows priced on other models (``what_if``).

The file is streamed (CSV with a header, or JSON Lines; see usage/files.py)
and never held in memory: memory grows with the number of distinct
(model, variant, day) combinations and of groups, not with rows.  Rows that
cannot be priced are counted, and the first few kept with their line
numbers (all of them go to ``on_error``); none is dropped silently.  How the
totals stay exact and fast: usage/price_cells.py.
"""

from __future__ import annotations

import csv
import json
import re
import struct
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, localcontext
from operator import itemgetter
from pathlib import Path
from typing import Any

from modelctl import runtime
from modelctl.runtime._pricing import SIDE_FIELDS
from modelctl.usage.files import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    USAGE_FIELDS,
    UsageFileError,
    check_header,
    count_problem,
    day_parser,
    kind_of,
    open_usage,
)
from modelctl.usage.price_cells import TIER_SLOTS, Entry, PriceTable, packer, unpack
from modelctl.usage.readout import Readout, plan_readout

__all__ = [
    "DIMENSIONS",
    "Group",
    "RepriceResult",
    "RowError",
    "UsageFileError",
    "WhatIfTotal",
    "check_arguments",
    "reprice",
]

DIMENSIONS: tuple[str, ...] = (
    "model",
    "provider",
    "day",
    "month",
    "account",
    "plan",
    "variant",
    "subject",
    "rollout",
    "arm",
)
# read from each row (rollout and arm may be derived from subject: usage/readout.py); the others
# follow from model and day
ROW_DIMENSIONS: tuple[str, ...] = ("account", "plan", "subject", "rollout", "arm")
PROGRESS_EVERY = 1 << 15
_SIDE = SIDE_FIELDS
_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class RowError:
    """A row that was not priced: its line, why, and (for a what-if model) which model."""

    line: int
    message: str
    raw: str = ""
    what_if: str | None = None


@dataclass(frozen=True, slots=True)
class Group:
    key: tuple[str, ...]  # one value per dimension of ``group_by``
    currency: str
    rows: int
    tokens: dict[str, int]  # usage field -> total, for the file's token fields
    cost: Decimal
    what_if: tuple[Decimal, ...]  # the same rows on each what-if model (the rows it could price)
    what_if_unpriced: tuple[int, ...] = ()  # per what-if model: rows of this group it could not price

    def unpriced_on(self, w: int) -> int:
        """How many of this group's rows what-if model ``w`` could not price."""
        return self.what_if_unpriced[w] if w < len(self.what_if_unpriced) else 0


@dataclass(frozen=True, slots=True)
class WhatIfTotal:
    model: str
    currency: str
    total: Decimal
    failed: int  # rows priced on their own model but not on this one


@dataclass(frozen=True, slots=True)
class RepriceResult:
    path: str
    format: str  # "csv" or "jsonl"
    group_by: tuple[str, ...]
    token_fields: tuple[str, ...]
    groups: tuple[Group, ...]
    totals: dict[str, Decimal]  # currency -> total of the priced rows
    rows_read: int
    rows_priced: int
    errors: tuple[RowError, ...]  # the first ``keep_errors``
    error_count: int  # rows that could not be priced on their own model
    what_if: tuple[WhatIfTotal, ...]
    ignored_columns: tuple[str, ...]
    at: date | None

    @property
    def failed(self) -> bool:
        """True when some row could not be priced (on its model or a what-if model)."""
        return self.error_count > 0 or any(w.failed for w in self.what_if)


@dataclass(slots=True)
class _Run:
    """What one pass over the file accumulates."""

    table: PriceTable
    what_if: tuple[str, ...]
    wtables: list[PriceTable]
    keep_errors: int
    on_error: Callable[[RowError], None] | None
    ticking: bool = False
    rows: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    cells: dict[Any, int] = field(default_factory=dict)
    what_if_cells: list[dict[Any, int]] = field(default_factory=list)
    what_if_failed: list[int] = field(default_factory=list)
    what_if_failed_cells: list[dict[Any, int]] = field(default_factory=list)

    def error(self, line: int, message: str, raw: str, what_if: str | None = None) -> None:
        if what_if is None:
            self.error_count += 1
        err = RowError(line, message, raw, what_if)
        if len(self.errors) < self.keep_errors:
            self.errors.append(err)
        if self.on_error is not None:
            self.on_error(err)

    def add_what_if(
        self, variant: str, day: int, counts: list[int], packed: int, ck: Any, line: int, row: Any, show: Any
    ) -> None:
        """File a row (priced on its own model) into each what-if model's cells; ``show(row)`` is its text."""
        side = self._side
        for w, ref in enumerate(self.what_if):
            entry = self._wcache[w].get((variant, day))
            if entry is None:
                entry = self._wcache[w][(variant, day)] = self.wtables[w].lookup(ref, variant, day)
            code = entry if isinstance(entry, str) else entry.code(counts, side)
            if isinstance(code, str):
                self.what_if_failed[w] += 1
                failed = self.what_if_failed_cells[w]
                failed[ck] = failed.get(ck, 0) + 1
                self.error(line, code, show(row), what_if=ref)
                continue
            cells = self.what_if_cells[w]
            wck = (code, ck)
            cells[wck] = cells.get(wck, 0) + packed

    _side: list[int] = field(default_factory=list)
    _wcache: list[dict[tuple[str, int], Entry | str]] = field(default_factory=list)


def check_arguments(
    catalog: runtime.Catalog,
    group_by: Sequence[str],
    what_if: Sequence[str],
    dimensions: Sequence[str] = DIMENSIONS,
    engine: str = "",
) -> tuple[str, ...]:
    """What every reprice engine checks before reading a row: each ``group_by`` dimension is one of
    ``dimensions`` (ValueError naming ``engine``, if given), each what-if model exists
    (runtime.CatalogError).  Returns the what-if models' canonical references."""
    for dim in group_by:
        if dim not in dimensions:
            who = f"{engine} cannot" if engine else "cannot"
            raise ValueError(f"{who} group by {dim!r}: use one of {', '.join(dimensions)}")
    return tuple(catalog.resolve(name) for name in what_if)


def reprice(
    path: Path | str,
    catalog: runtime.Catalog,
    *,
    group_by: Sequence[str] = ("model",),
    what_if: Sequence[str] = (),
    at: date | None = None,
    keep_errors: int = 10,
    on_error: Callable[[RowError], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
    rollout: str | None = None,
) -> RepriceResult:
    """Price every row of the usage file at ``path`` (``-``: stdin).

    ``what_if`` names models to price the same rows on (same day and
    variant); ``at`` prices every row at that day's prices instead of its
    own.  ``progress`` is called now and then with (bytes read, total
    bytes).  ``rollout`` names the rollout whose arms a ``subject`` column is
    bucketed into when grouping by ``arm`` (usage/readout.py).  Raises
    UsageFileError when the file cannot be read or has no usable header,
    runtime.CatalogError for an unknown what-if model."""
    targets = check_arguments(catalog, group_by, what_if)
    with open_usage(path) as usage:
        try:
            first = usage.stream.readline()
        except UnicodeDecodeError:
            raise UsageFileError(f"{path}: not UTF-8 text (a CSV or JSON Lines file is expected)") from None
        except OSError as exc:
            raise UsageFileError(f"cannot read usage file {str(path)!r}: {exc.strerror or exc}") from None
        kind = kind_of(usage.name, first)
        if kind == "csv":
            header = check_header(first, str(path))
            columns = [USAGE_FIELDS.index(header.names[i]) for i in header.tokens]
            implicit, ignored = "requests" not in header.names, list(header.ignored)
        else:
            columns, implicit, ignored = list(range(len(USAGE_FIELDS))), False, _json_ignored(first)
        entry_dims = [d for d in group_by if d not in ROW_DIMENSIONS]
        run = _Run(
            PriceTable(catalog, columns, implicit_requests=implicit, at=at, dims=entry_dims),
            targets,
            [PriceTable(catalog, columns, implicit_requests=implicit, at=at, dims=()) for _ in targets],
            keep_errors,
            on_error,
            what_if_cells=[{} for _ in targets],
            what_if_failed=[0] * len(targets),
            what_if_failed_cells=[{} for _ in targets],
        )
        run.ticking = progress is not None
        run._side = [k for k, f in enumerate(columns) if USAGE_FIELDS[f] in _SIDE]
        run._wcache = [{} for _ in targets]
        file_columns = header.names if kind == "csv" else _json_keys(first)
        readout = plan_readout(catalog, file_columns, group_by, rollout)  # ReadoutError: a usage error
        row_dims = list(readout.read)
        tick = _ticker(progress, usage.position, usage.size)
        try:
            if kind == "csv":
                _csv_rows(run, usage.stream, header, row_dims, tick)
            else:
                _jsonl_rows(run, usage.stream, first, row_dims, tick)
        except UnicodeDecodeError:
            raise UsageFileError(f"{path}: not UTF-8 text (after row {run.rows:,})") from None
        except OSError as exc:  # a disk error, a truncated .gz (EOFError is not one: see below)
            raise UsageFileError(
                f"cannot read usage file {str(path)!r} after row {run.rows:,}: {exc.strerror or exc}"
            ) from None
        except csv.Error as exc:
            raise UsageFileError(f"{path}: after row {run.rows:,}: {exc}") from None
        if progress is not None:
            progress(usage.position(), usage.size)
    fields = tuple(USAGE_FIELDS[f] for f in columns)
    return _finish(str(path), kind, run, fields, ignored, list(group_by), at, readout)


def _ticker(progress: Callable[[int, int], None] | None, position: Callable[[], int], size: int) -> Callable[[], None]:
    if progress is None:
        return lambda: None
    return lambda: progress(position(), size)


def _json_keys(first: str) -> tuple[str, ...]:
    try:
        head = json.loads(first) if first.strip() else {}
    except (ValueError, RecursionError):  # the row itself says what is wrong with it
        return ()
    return tuple(head) if isinstance(head, dict) else ()


def _json_ignored(first: str) -> list[str]:
    try:
        head = json.loads(first) if first.strip() else {}
    except (ValueError, RecursionError):
        return []
    known = {*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS, *USAGE_FIELDS}
    return [k for k in head if k not in known] if isinstance(head, dict) else []


def _csv_rows(run: _Run, stream: Any, header: Any, row_dims: list[str], tick: Callable[[], None]) -> None:
    """The hot loop (bench/bench_reprice.py): file each row into a cell.  Kept
    flat on purpose: every attribute lookup and call here runs once per row."""
    names, tokens, delimiter = header.names, header.tokens, header.delimiter
    width = len(names)
    i_ts, i_model, i_var = header.index("timestamp"), header.index("model"), header.index("variant")
    dims_of = _dims_getter([header.index(d) for d in row_dims])
    take = itemgetter(*tokens) if len(tokens) > 1 else (lambda row: (row[tokens[0]],))
    pack, from_bytes, fromiso, utc = packer(len(tokens)), int.from_bytes, datetime.fromisoformat, UTC
    day_of = day_parser()
    cache: dict[tuple[str, str, int], Entry | int | str] = {}
    cells, side, what_if, lookup, error = run.cells, run._side, run.what_if, run.table.lookup, run.error
    reader = csv.reader(stream, delimiter=delimiter)
    mask = PROGRESS_EVERY - 1 if run.ticking else -1
    fast = not what_if  # what-if pricing needs each row's counts

    def line() -> int:
        return reader.line_num + 1  # the header was read apart

    n = 0
    for row in reader:
        if len(row) != width:
            if row:  # a blank line is not a row
                n += 1
                error(line(), f"expected {width} fields as in the header, found {len(row)}", delimiter.join(row))
            continue
        n += 1
        if not n & mask:
            run.rows = n
            tick()
        ts = row[i_ts]
        try:
            moment = fromiso(ts)
            tz = moment.tzinfo
            day = (moment if tz is None or tz is utc else moment.astimezone(utc)).toordinal()
        except ValueError:
            try:
                day = day_of(ts)  # epoch seconds
            except (ValueError, TypeError, OverflowError, OSError):
                error(line(), _bad_timestamp(ts), delimiter.join(row))
                continue
        variant = row[i_var] if i_var >= 0 else ""
        key = (row[i_model], variant, day)
        hit = cache.get(key)
        if hit is None:
            found = lookup(row[i_model], variant, day)
            # A simple entry (no tiers, nothing that must be zero) is cached as its cell code.
            hit = cache[key] = found.eid * TIER_SLOTS if isinstance(found, Entry) and found.simple else found
        if isinstance(hit, str):
            error(line(), hit, delimiter.join(row))
            continue
        if fast and isinstance(hit, int):  # the common case, without a list of counts
            try:
                packed = from_bytes(pack(1, *map(int, take(row))), "little")
            except (ValueError, struct.error):
                pass  # the general path below says what is wrong, or reads empty cells as zero
            else:
                fast_key = hit if dims_of is None else (hit, dims_of(row))
                cells[fast_key] = cells.get(fast_key, 0) + packed
                continue
        try:
            counts = [*map(int, take(row))]
            packed = from_bytes(pack(1, *counts), "little")
        except (ValueError, struct.error):
            slow = _slow_counts(row, tokens, names)  # empty cells are zero; or why a count is wrong
            if isinstance(slow, str):
                error(line(), slow, delimiter.join(row))
                continue
            counts, packed = slow, from_bytes(pack(1, *slow), "little")
        code = hit if isinstance(hit, int) else hit.code(counts, side)
        if isinstance(code, str):
            error(line(), code, delimiter.join(row))
            continue
        ck = code if dims_of is None else (code, dims_of(row))
        cells[ck] = cells.get(ck, 0) + packed
        if what_if:
            run.add_what_if(variant, day, counts, packed, ck, line(), row, delimiter.join)
    run.rows = n


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
            n = int(text) if text else 0
        except ValueError:
            return count_problem(names[i], row[i])
        if not 0 <= n < 1 << 64:
            return count_problem(names[i], row[i])
        counts.append(n)
    return counts


def _bad_timestamp(ts: Any) -> str:
    return f"timestamp {ts!r} is not an ISO date or date-time (or epoch seconds)"


def _jsonl_rows(run: _Run, stream: Iterable[str], first: str, row_dims: list[str], tick: Callable[[], None]) -> None:
    pack, from_bytes, loads = packer(len(USAGE_FIELDS)), int.from_bytes, json.loads
    defaults = [1 if f == "requests" else 0 for f in USAGE_FIELDS]
    day_of = day_parser()
    cache: dict[tuple[str, str, int], Entry | str] = {}
    cells, side = run.cells, run._side
    n = line_no = 0
    for text in _chain(first, stream):
        line_no += 1
        if not text.strip():
            continue
        n += 1
        if run.ticking and not n % PROGRESS_EVERY:
            run.rows = n
            tick()
        raw = text.rstrip("\r\n")
        parsed = _json_row(loads, raw, defaults, row_dims)
        if isinstance(parsed, str):
            run.error(line_no, parsed, raw)
            continue
        ts, name, variant, counts, dims = parsed
        try:
            packed = from_bytes(pack(1, *counts), "little")
        except struct.error:
            k = next(k for k, c in enumerate(counts) if not 0 <= c < 1 << 64)
            run.error(line_no, count_problem(USAGE_FIELDS[k], counts[k]), raw)
            continue
        try:
            day = day_of(ts)
        except (ValueError, TypeError, OverflowError, OSError):
            run.error(line_no, _bad_timestamp(ts), raw)
            continue
        entry = cache.get((name, variant, day))
        if entry is None:
            entry = cache[(name, variant, day)] = run.table.lookup(name, variant, day)
        code = entry if isinstance(entry, str) else entry.code(counts, side)
        if isinstance(code, str):
            run.error(line_no, code, raw)
            continue
        ck = (code, dims[0] if len(dims) == 1 else dims) if dims else code
        cells[ck] = cells.get(ck, 0) + packed
        if run.what_if:
            run.add_what_if(variant, day, counts, packed, ck, line_no, raw, str)
    run.rows = n


def _chain(first: str, rest: Iterable[str]) -> Iterable[str]:
    if first:
        yield first
    yield from rest


def _json_row(
    loads: Callable[[str], Any], raw: str, defaults: list[int], row_dims: list[str]
) -> tuple[Any, str, str, list[int], tuple[str, ...]] | str:
    try:
        obj = loads(raw)
    except ValueError as exc:
        return f"not valid JSON: {exc}"
    except RecursionError:
        return "not a usage row: JSON nested too deeply"
    if type(obj) is not dict:
        return "not a JSON object"
    get = obj.get
    ts, name, variant = get("timestamp"), get("model"), get("variant")
    if ts is None:
        return "no timestamp"
    if type(name) is not str or not name:
        return "no model name"
    counts = []
    for usage_field, default in zip(USAGE_FIELDS, defaults, strict=True):
        n = get(usage_field)
        if n is None:
            n = default
        elif type(n) is not int:
            return count_problem(usage_field, n)
        counts.append(n)
    dims = tuple("" if get(d) is None else str(get(d)) for d in row_dims)
    variant = "" if variant is None else str(variant)
    for what, text in (("model", name), ("variant", variant), *zip(row_dims, dims, strict=True)):
        if not text.isascii() and _SURROGATE.search(text):
            return f"{what} {text!r} is not valid Unicode (a lone surrogate escape)"
    return ts, name, variant, counts, dims


_SURROGATE = re.compile("[\ud800-\udfff]")


def _split(ck: Any, n_dims: int) -> tuple[int, tuple[str, ...]]:
    """A cell key: a code, or (code, value) with one row dimension, or (code, (values...))."""
    if not n_dims:
        return ck, ()
    code, values = ck
    return code, (values,) if n_dims == 1 else tuple(values)


def _finish(
    path: str,
    kind: str,
    run: _Run,
    token_fields: tuple[str, ...],
    ignored: list[str],
    group_by: list[str],
    at: date | None,
    readout: Readout,
) -> RepriceResult:
    table, width = run.table, len(token_fields)
    entry_dims = [d for d in group_by if d not in ROW_DIMENSIONS]
    row_dims, derive = list(readout.read), readout.derive
    groups: dict[tuple[tuple[str, ...], str], list[Any]] = {}
    cell_group: dict[Any, tuple[tuple[str, ...], str]] = {}
    with localcontext() as ctx:
        ctx.prec = 200  # far more digits than any sum of products here needs: exact
        for ck, packed in run.cells.items():
            code, dims = _split(ck, len(row_dims))
            entry = table.entries[code // TIER_SLOTS]
            values = {**dict(zip(entry_dims, entry.key, strict=True)), **dict(zip(row_dims, dims, strict=True))}
            if derive is not None:
                values = derive(values)
            gkey = (tuple(values[d] for d in group_by), entry.currency)
            cell_group[ck] = gkey
            acc = groups.get(gkey)
            if acc is None:
                acc = groups[gkey] = [0, [0] * width, _ZERO, [_ZERO] * len(run.what_if), [0] * len(run.what_if)]
            cell = unpack(packed, width)
            acc[0] += cell[0]
            acc[1] = [a + b for a, b in zip(acc[1], cell[1:], strict=True)]
            acc[2] += entry.cost(code % TIER_SLOTS, cell)
        wtotals = []
        for w, ref in enumerate(run.what_if):
            total, currency = _ZERO, ""
            for (wcode, ck), packed in run.what_if_cells[w].items():
                wentry = run.wtables[w].entries[wcode // TIER_SLOTS]
                amount = wentry.cost(wcode % TIER_SLOTS, unpack(packed, width))
                groups[cell_group[ck]][3][w] += amount
                total += amount
                currency = wentry.currency
            for ck, n in run.what_if_failed_cells[w].items():
                groups[cell_group[ck]][4][w] += n
            wtotals.append(WhatIfTotal(ref, currency, total, run.what_if_failed[w]))
        totals: dict[str, Decimal] = {}
        out = []
        for (key, currency), (rows, tokens, cost, wcost, wfailed) in sorted(groups.items()):
            totals[currency] = totals.get(currency, _ZERO) + cost
            fields = dict(zip(token_fields, tokens, strict=True))
            out.append(Group(key, currency, rows, fields, cost, tuple(wcost), tuple(wfailed)))
    return RepriceResult(
        path=path,
        format=kind,
        group_by=tuple(group_by),
        token_fields=token_fields,
        groups=tuple(out),
        totals=totals,
        rows_read=run.rows,
        rows_priced=sum(g.rows for g in out),
        errors=tuple(run.errors),
        error_count=run.error_count,
        what_if=tuple(wtotals),
        ignored_columns=tuple(ignored),
        at=at,
    )
