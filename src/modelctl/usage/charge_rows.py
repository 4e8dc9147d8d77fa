"""Reading a usage file's rows for ``reprice --charges`` (usage/charges.py): CSV or JSON Lines,
each row as ``(line, timestamp, model, variant, account, plan, dimension values, counts, raw)`` or
``(line, why, raw)`` for a row that cannot be read; ``raw`` is the CSV row's cells or the JSON line,
for ``--errors-out`` (usage/charges.py shows it only for a row that fails)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from operator import itemgetter
from typing import Any, NamedTuple

from modelctl import runtime
from modelctl.usage.csv_rows import CHUNK, _lines
from modelctl.usage.files import COUNT_LIMIT, NO_COUNT, count_problem, json_count_problem, json_row, json_text, unstated

_RUNTIME_FIELDS = runtime.USAGE_FIELDS


Row = tuple[int, Any, str, str, str, str, tuple[str, ...], list[int], Any]
Failed = tuple[int, str, Any]


class Chunk(NamedTuple):
    """Rows read together whose every count cell is a whole number from 0 to 2**64 - 1 (``ints``: the
    token columns, as ``int``), for usage/charge_columns.py; ``item(j)`` is row ``j`` as a ``Row``."""

    rows: list[list[str]]
    cols: list[tuple[str, ...]]
    ints: list[list[int]]
    lines: list[int]
    item: Callable[[int], Row]


def csv_rows(
    stream: Iterable[str], header: Any, read: tuple[str, ...], implicit: bool, chunked: bool = False
) -> Iterator[Row | Failed | Chunk]:
    """The rows of a CSV file: a count cell is read by ``int`` (an empty or blank cell is 0, or in
    ``requests`` one request: usage.files.unstated).  ``chunked``:
    ``CHUNK`` rows at a time, as a ``Chunk`` when every row has the header's width and every count
    cell is a whole number from 0 to 2**64 - 1 (else, and for the rows before a CSV error, row by
    row).  A count outside that range fails its row, as in plain reprice (usage.files.COUNT_LIMIT)."""
    names = header.names
    width = len(names)
    i_ts, i_model, i_var = header.index("timestamp"), header.index("model"), header.index("variant")
    i_acc, i_plan = header.index("account"), header.index("plan")
    tokens = header.tokens
    take = itemgetter(*tokens) if len(tokens) > 1 else (lambda row: (row[tokens[0]],))
    defaults = [unstated(names[i]) for i in tokens]
    dims_of = _dims_getter([header.index(d) for d in read])
    no_dims: tuple[str, ...] = ()
    reader = csv.reader(stream, delimiter=header.delimiter)

    def items(numbered: Iterable[tuple[list[str], int]]) -> Iterator[Row | Failed]:
        for row, line in numbered:
            if not row:
                continue
            if len(row) != width:
                yield line, f"expected {width} fields as in the header, found {len(row)}", row
                continue
            cells = take(row)
            try:
                counts = [*map(int, cells)]
            except ValueError:  # an empty or blank cell, or a bad count
                try:
                    counts = [int(c) if c.strip() else d for c, d in zip(cells, defaults, strict=True)]
                except ValueError:
                    yield line, _count_problem(row, tokens, names), row
                    continue
            if min(counts) < 0 or max(counts) >= COUNT_LIMIT:
                yield line, _count_problem(row, tokens, names), row
                continue
            if implicit:
                counts.append(1)
            yield (
                line,
                row[i_ts],
                row[i_model],
                row[i_var] if i_var >= 0 else "",
                row[i_acc] if i_acc >= 0 else "",
                row[i_plan] if i_plan >= 0 else "",
                no_dims if dims_of is None else dims_of(row),
                counts,
                row,
            )

    if not chunked:
        yield from items((row, reader.line_num + 1) for row in reader)
        return
    while True:
        start = reader.line_num
        rows: list[list[str]] = []
        try:
            rows.extend(islice(reader, CHUNK))
        except (csv.Error, UnicodeDecodeError):
            yield from items(zip(rows, _lines(rows, start, reader.line_num), strict=True))  # the rows before it
            raise
        if not rows:
            return
        lines = _lines(rows, start, reader.line_num)
        chunk = _chunk(rows, lines, width, tokens, implicit, items) if len(rows[0]) == width else None
        if chunk is None:
            yield from items(zip(rows, lines, strict=True))
        else:
            yield chunk


def _chunk(
    rows: list[list[str]], lines: list[int], width: int, tokens: tuple[int, ...], implicit: bool, items: Any
) -> Chunk | None:
    if len(set(map(len, rows))) != 1:
        return None
    cols = list(zip(*rows, strict=True))
    try:
        ints = [list(map(int, cols[k])) for k in tokens]
    except ValueError:  # an empty cell, or not a count: row by row
        return None
    if min(map(min, ints)) < 0 or max(map(max, ints)) >= COUNT_LIMIT:
        return None

    def item(j: int) -> Row:
        found: Row = next(items([(rows[j], lines[j])]))
        return found

    return Chunk(rows, cols, ints, lines, item)


def _count_problem(row: list[str], tokens: tuple[int, ...], names: tuple[str, ...]) -> str:
    """Why a row's counts cannot be read: the first count cell that is neither blank nor a count
    (``int``'s, from 0 to 2**64 - 1: not ``isdigit``, which takes '²'), else the first count cell."""
    for i in tokens:
        text = row[i].strip()
        try:
            if not text or 0 <= int(text) < COUNT_LIMIT:
                continue
        except ValueError:
            pass
        return count_problem(names[i], row[i])
    return count_problem(names[tokens[0]], row[tokens[0]])


def _dims_getter(idx: list[int]) -> Callable[[list[str]], tuple[str, ...]] | None:
    """The dimension values of a row, as a tuple ("" for a column the file lacks); None: none are read."""
    if not idx:
        return None
    if len(idx) == 1:
        i = idx[0]
        return (lambda row: (row[i],)) if i >= 0 else (lambda row: ("",))
    if all(i >= 0 for i in idx):
        return itemgetter(*idx)
    return lambda row: tuple(row[i] if i >= 0 else "" for i in idx)


def jsonl_rows(first: str, stream: Iterable[str], read: tuple[str, ...], keys: list[str]) -> Iterator[Row | Failed]:
    """The rows; ``keys`` (the first row's, to begin with) gets every other key a row has, in the order
    they first appear, so that the ignored ones of any row are named."""
    seen = set(keys)
    known = seen.issuperset
    line = 0
    for text in _chain(first, stream):
        line += 1
        if not text.strip():
            continue
        obj = json_row(text)
        if isinstance(obj, str):  # not a JSON object: why, in plain reprice's words
            yield line, obj, text
            continue
        if not known(obj):
            keys.extend(k for k in obj if k not in seen)
            seen.update(obj)
        counts: list[int] = []
        for name in _RUNTIME_FIELDS:
            n = obj.get(name)
            if n is None:
                n = unstated(name)
            elif type(n) is not int or not 0 <= n < COUNT_LIMIT:
                counts = []
                yield line, json_count_problem(name, n), text
                break
            counts.append(n)
        if len(counts) != len(_RUNTIME_FIELDS):
            continue
        if all(obj.get(name) is None for name in _RUNTIME_FIELDS):
            yield line, NO_COUNT, text
            continue
        model = obj.get("model")
        yield (
            line,
            obj.get("timestamp"),
            model if type(model) is str else "",
            json_text(obj.get("variant")),
            json_text(obj.get("account")),
            json_text(obj.get("plan")),
            tuple(json_text(obj.get(d)) for d in read),
            counts,
            text,
        )


def _chain(first: str, rest: Iterable[str]) -> Iterator[str]:
    if first:
        yield first
    yield from rest
