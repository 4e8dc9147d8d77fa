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
import re
import struct
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from itertools import chain
from pathlib import Path
from typing import Any, NamedTuple

from modelctl import runtime
from modelctl._gc import paused_gc
from modelctl.runtime._pricing import SIDE_FIELDS
from modelctl.usage.csv_rows import bad_timestamp, csv_rows
from modelctl.usage.files import (
    COUNT_LIMIT,
    NO_COUNT,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    USAGE_FIELDS,
    UsageFileError,
    check_header,
    count_problem,
    json_count_problem,
    json_keys,
    json_row,
    json_text,
    kind_of,
    not_utf8,
    open_usage,
    stamp_parser,
    unstated,
)
from modelctl.usage.price_cells import FIELD_BITS, TIER_SLOTS, PriceTable, packer, unpack
from modelctl.usage.readout import Readout, jsonl_columns, keys_ahead, plan_readout
from modelctl.usage.row_pass import Pass, RowError

__all__ = [
    "DIMENSIONS",
    "Group",
    "RepriceResult",
    "RowError",
    "SidesResult",
    "UsageFileError",
    "WhatIfTotal",
    "check_arguments",
    "reprice",
    "reprice_sides",
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
_ROWS_MASK = (1 << FIELD_BITS) - 1  # a packed cell's first field: its rows


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
    run, kind, fields, ignored, readout = _read(
        path, [catalog], group_by, targets, at, keep_errors, on_error, progress, rollout
    )
    return _finish(str(path), kind, run, fields, ignored, list(group_by), at, readout)


@dataclass(frozen=True, slots=True)
class SidesResult:
    """A usage file priced on several catalogs in one pass (``reprice_sides``)."""

    rows_read: int
    totals: tuple[dict[str, Decimal], ...]  # per catalog: currency -> total of the rows it priced
    unpriced: tuple[int, ...]  # per catalog: the rows it could not price


def reprice_sides(path: Path | str, catalogs: Sequence[runtime.Catalog], *, at: date | None = None) -> SidesResult:
    """Price every row of the usage file on each of ``catalogs`` (``modelctl diff --usage``: the
    catalog before and after a change), reading the file once: each total equals
    ``reprice(path, catalog).totals``, each unpriced count its ``error_count``.  Raises
    UsageFileError as ``reprice`` does."""
    run, _kind, fields, _ignored, _readout = _read(path, list(catalogs), (), (), at, 0, None, None, None)
    k, width = len(catalogs), len(fields)
    totals: list[dict[str, Decimal]] = [{} for _ in range(k)]
    unpriced = [run.error_count] * k
    with localcontext() as ctx:
        ctx.prec = 200  # far more digits than any sum of products here needs: exact
        for ck, packed in run.cells.items():
            codes = run.combos[ck] if k > 1 else (ck,)
            cell: list[int] | None = None
            for t, code in enumerate(codes):
                if code is None:
                    unpriced[t] += packed & _ROWS_MASK
                    continue
                cell = cell or unpack(packed, width)
                entry = run.tables[t].entries[code // TIER_SLOTS]
                side = totals[t]
                side[entry.currency] = side.get(entry.currency, _ZERO) + entry.cost(code % TIER_SLOTS, cell)
    return SidesResult(run.rows, tuple(totals), tuple(unpriced))


def _read(
    path: Path | str,
    catalogs: list[runtime.Catalog],
    group_by: Sequence[str],
    targets: tuple[str, ...],
    at: date | None,
    keep_errors: int,
    on_error: Callable[[RowError], None] | None,
    progress: Callable[[int, int], None] | None,
    rollout: str | None,
) -> tuple[Pass, str, tuple[str, ...], list[str], Readout]:
    """One pass over the file, each row priced on every catalog's price table (and ``targets``)."""
    with open_usage(path) as usage:
        try:
            first = usage.stream.readline()
        except UnicodeDecodeError:
            raise not_utf8(path) from None
        except OSError as exc:
            raise UsageFileError(f"cannot read usage file {str(path)!r}: {exc.strerror or exc}") from None
        kind = kind_of(usage.name, first)
        if kind == "csv":
            header = check_header(first, str(path))
            columns = [USAGE_FIELDS.index(header.names[i]) for i in header.tokens]
            implicit, ignored = "requests" not in header.names, list(header.ignored)
        else:
            columns, implicit, ignored = list(range(len(USAGE_FIELDS))), False, []  # filled as rows are read
        entry_dims = [d for d in group_by if d not in ROW_DIMENSIONS]
        run = Pass(
            [PriceTable(cat, columns, implicit_requests=implicit, at=at, dims=entry_dims) for cat in catalogs],
            targets,
            [PriceTable(catalogs[0], columns, implicit_requests=implicit, at=at, dims=()) for _ in targets],
            keep_errors,
            on_error,
            [k for k, f in enumerate(columns) if USAGE_FIELDS[f] in _SIDE],
            ticking=progress is not None,
        )
        ahead: list[str] = []  # JSON Lines rows read ahead to plan an A/B readout by (priced first)
        if kind == "csv":
            file_columns = header.names
        else:
            try:
                keys, ahead = keys_ahead(json_keys(first), usage.stream, group_by, json_keys)
            except UnicodeDecodeError:
                raise not_utf8(path) from None
            except OSError as exc:
                raise UsageFileError(f"cannot read usage file {str(path)!r}: {exc.strerror or exc}") from None
            file_columns = jsonl_columns(keys)
        readout = plan_readout(catalogs[0], file_columns, group_by, rollout)  # ReadoutError: a usage error
        row_dims = list(readout.read)
        tick = _ticker(progress, usage.position, usage.size)
        try:
            # The pass makes no reference cycles; the cyclic GC's passes over each chunk's rows took
            # a third of its time (docs/performance.md).  Reference counting frees every row.
            with paused_gc():
                if kind == "csv":
                    csv_rows(run, usage.stream, header, row_dims, tick)
                else:
                    rows = chain(ahead, usage.stream) if ahead else usage.stream
                    _jsonl_rows(run, rows, first, row_dims, tick, ignored)
        except UnicodeDecodeError:
            raise not_utf8(path) from None
        except OSError as exc:  # a disk error, a truncated .gz (EOFError is not one: see below)
            raise UsageFileError(
                f"cannot read usage file {str(path)!r} after row {run.rows:,}: {exc.strerror or exc}"
            ) from None
        except csv.Error as exc:
            raise UsageFileError(f"{path}: after row {run.rows:,}: {exc}") from None
        if progress is not None:
            progress(usage.position(), usage.size)
    return run, kind, tuple(USAGE_FIELDS[f] for f in columns), ignored, readout


def _ticker(progress: Callable[[int, int], None] | None, position: Callable[[], int], size: int) -> Callable[[], None]:
    if progress is None:
        return lambda: None
    return lambda: progress(position(), size)


def _jsonl_rows(
    run: Pass, stream: Iterable[str], first: str, row_dims: list[str], tick: Callable[[], None], ignored: list[str]
) -> None:
    """Prices every line; ``ignored`` gets the keys, of any line, that are not usage columns, in the order
    they first appear (as the duckdb engine names those of the first 20,480 lines)."""
    pack, from_bytes = packer(len(USAGE_FIELDS)), int.from_bytes
    seen = {*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS, *USAGE_FIELDS}  # every key judged so far
    keys = _KeyWatch(seen.issuperset, seen, ignored)
    defaults = [*map(unstated, USAGE_FIELDS)]
    stamp = stamp_parser()
    find, file, error = run.find, run.file, run.error
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
        parsed = _json_row(raw, defaults, row_dims, keys)
        if isinstance(parsed, str):
            error(line_no, parsed, raw)
            continue
        ts, name, variant, counts, dims = parsed
        try:
            packed = from_bytes(pack(1, *counts), "little")
        except struct.error:
            k = next(k for k, c in enumerate(counts) if not 0 <= c < COUNT_LIMIT)
            error(line_no, count_problem(USAGE_FIELDS[k], counts[k]), raw)
            continue
        try:
            day, minute = stamp(ts)
        except (ValueError, TypeError, OverflowError, OSError):
            error(line_no, bad_timestamp(ts), raw)
            continue
        found = find(name, variant, day)
        if len(found) == 1 and type(found[0]) is str:
            error(line_no, found[0], raw)
            continue
        dim = (dims[0] if len(dims) == 1 else dims) if dims else None
        file(name, variant, found, day, minute, counts, packed, dim, line_no, raw, str)
    run.rows = n


def _chain(first: str, rest: Iterable[str]) -> Iterable[str]:
    if first:
        yield first
    yield from rest


class _KeyWatch(NamedTuple):
    """The JSON keys judged so far (``known(row)``: one C-level subset test per row) and the unknown
    ones, listed when a row brings a new key."""

    known: Callable[[dict[str, Any]], bool]
    seen: set[str]
    unknown: list[str]

    def add(self, obj: dict[str, Any]) -> None:
        for key in obj:
            if key not in self.seen:
                self.seen.add(key)
                self.unknown.append(key)


def _json_row(
    raw: str, defaults: list[int], row_dims: list[str], keys: _KeyWatch
) -> tuple[Any, str, str, list[int], tuple[str, ...]] | str:
    obj = json_row(raw)
    if isinstance(obj, str):  # not a JSON object: why, in every engine's words
        return obj
    if not keys.known(obj):
        keys.add(obj)
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
            return json_count_problem(usage_field, n)
        counts.append(n)
    if counts == defaults and all(get(f) is None for f in USAGE_FIELDS):
        return NO_COUNT
    dims = tuple(json_text(get(d)) for d in row_dims)
    variant = json_text(variant)
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
    run: Pass,
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
