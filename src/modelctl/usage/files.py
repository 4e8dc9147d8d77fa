"""Reading usage files for ``modelctl reprice``: opening (plain or .gz, or
stdin), telling CSV from JSON Lines, checking a CSV header, and turning a
timestamp into a day.

Columns (CSV header names or JSON keys): ``timestamp``, ``model``, token
counts named as ``runtime.Usage`` fields, and optionally ``variant``,
``account``, ``plan``, ``subject`` (who made the request), ``rollout`` and
``arm``.  Other columns are ignored (and reported).
"""

from __future__ import annotations

import codecs
import csv
import errno
import gzip
import io
import json
import os
import sys
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from modelctl.errors import ModelctlError
from modelctl.usage.estimate import PRICED_BY

__all__ = [
    "COUNT_LIMIT",
    "NO_COUNT",
    "OPTIONAL_COLUMNS",
    "USAGE_FIELDS",
    "Header",
    "Opened",
    "UsageFileError",
    "check_columns",
    "check_header",
    "check_utf8",
    "count_problem",
    "day_parser",
    "kind_of",
    "not_utf8",
    "open_usage",
    "stamp_parser",
]

USAGE_FIELDS: tuple[str, ...] = tuple(f for f, *_ in PRICED_BY)
OPTIONAL_COLUMNS: tuple[str, ...] = ("variant", "account", "plan", "subject", "rollout", "arm")
REQUIRED_COLUMNS: tuple[str, ...] = ("timestamp", "model")


# A JSON Lines row that names no count at all (OpenAI's prompt_tokens, say) is not a request that cost 0.
NO_COUNT = "no usage count: name the counts as runtime.Usage fields (input_tokens, output_tokens, ...)"

# A count is a whole number from 0 to 2**64 - 1 in every engine, plain and --charges: the priced
# cells pack counts in 64-bit fields, and duckdb reads them as UBIGINT (count_problem says why not).
COUNT_LIMIT = 1 << 64


class UsageFileError(ModelctlError):
    """The usage file cannot be read, or has no timestamp, model or token column."""


@dataclass(frozen=True, slots=True)
class Opened:
    stream: IO[str]
    position: Callable[[], int]  # bytes of the file read so far
    size: int  # 0 when unknown (stdin)
    name: str  # the path without .gz


@contextmanager
def open_usage(path: Path | str) -> Iterator[Opened]:
    """The usage file as UTF-8 text (a BOM is skipped); ``-`` is stdin."""
    if str(path) == "-":
        yield Opened(sys.stdin, lambda: 0, 0, "-")
        return
    if os.path.isdir(path):
        raise UsageFileError(f"{str(path)!r} is a directory: pass a usage file")
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise UsageFileError(f"cannot read usage file {str(path)!r}: {exc.strerror or exc}") from None
    try:
        text = io.TextIOWrapper(_uncompressed(path, raw), encoding="utf-8-sig", newline="")
        yield Opened(text, raw.tell, os.fstat(raw.fileno()).st_size, str(path).removesuffix(".gz"))
    finally:
        raw.close()


def not_utf8(path: Path | str) -> UsageFileError:
    """The error for a usage file that is not UTF-8 text, naming the line and the first byte that
    is not (every engine says it so, exit 4): found by reading the file again, because the text
    stream that failed decodes ahead of the rows it hands out, in chunks.  Standard input cannot be
    read again, nor a file changed since: those get the message without a place."""
    place = ""
    if str(path) != "-":
        try:
            with open(path, "rb") as raw:
                place = _first_bad_utf8(_uncompressed(path, raw))
        except OSError:
            pass
    return UsageFileError(f"{path}: {place}not UTF-8 text (usage files are UTF-8: re-export it as UTF-8)")


def check_utf8(path: Path | str, chunk: int = 1 << 22) -> None:
    """Raise ``not_utf8(path)`` unless the whole file (uncompressed, for .gz) is UTF-8: for a reader
    that does not decode every byte itself (DuckDB's takes bytes that are not UTF-8 in a column it
    is not asked for, and in JSON strings), so that one file gets one answer from every engine.
    ASCII chunks, most usage files, are checked at memory speed (``bytes.isascii``).  Raises
    ``UsageFileError`` for a file that cannot be read.  (It does not count lines as it goes, as
    ``_first_bad_utf8`` does: ``bytes.count`` takes 8 x ``isascii``'s time; only a file refused is
    read again, to name the place.)"""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        with open(path, "rb") as raw:
            binary = _uncompressed(path, raw)
            while data := binary.read(chunk):
                if not (data.isascii() and not decoder.getstate()[0]):
                    decoder.decode(data)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise not_utf8(path) from None
    except OSError as exc:
        raise UsageFileError(f"cannot read usage file {str(path)!r}: {exc.strerror or exc}") from None


def _uncompressed(path: Path | str, raw: IO[bytes]) -> Any:
    """The bytes of the usage file open as ``raw``: decompressed for a ``.gz`` file."""
    return _Gzip(str(path), raw) if str(path).endswith(".gz") else raw


def _first_bad_utf8(binary: IO[bytes], chunk: int = 1 << 20) -> str:
    """ "line N: byte 0xXX is " for the first byte of ``binary`` that is not UTF-8, or ""."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    lines = 0  # newlines before ``data``
    while True:
        data = binary.read(chunk)
        pending = len(decoder.getstate()[0])  # the start of a sequence the last chunk ended in (no newline)
        try:
            decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            where = max(exc.start - pending, 0)
            bad = exc.object[exc.start]  # (the object is the pending bytes, then ``data``)
            line = lines + data.count(b"\n", 0, where) + 1
            return f"line {line}: byte 0x{bad:02x} is "
        if not data:
            return ""
        lines += data.count(b"\n")


class _Gzip(gzip.GzipFile):
    """A .gz usage file whose damage is an OSError naming it: gzip raises EOFError for a truncated
    file (which click turns into "Aborted!", exit 1) and zlib.error for corrupt data (a traceback)."""

    def __init__(self, path: str, raw: IO[bytes]) -> None:
        super().__init__(fileobj=raw, mode="rb")
        self._path = path

    def _damaged(self, exc: Exception) -> OSError:
        what = "it ends early" if isinstance(exc, EOFError) else str(exc)
        return OSError(errno.EIO, f"the compressed file is truncated or corrupt ({what})", self._path)

    def read(self, size: int | None = -1) -> bytes:
        try:
            return super().read(size)
        except (EOFError, zlib.error) as exc:
            raise self._damaged(exc) from None

    def read1(self, size: int = -1) -> bytes:
        try:
            return super().read1(size)
        except (EOFError, zlib.error) as exc:
            raise self._damaged(exc) from None

    def readline(self, size: int | None = -1) -> bytes:
        try:
            return super().readline(size)
        except (EOFError, zlib.error) as exc:
            raise self._damaged(exc) from None

    def peek(self, n: int) -> bytes:
        try:
            return super().peek(n)
        except (EOFError, zlib.error) as exc:
            raise self._damaged(exc) from None


def json_row(text: str) -> dict[str, Any] | str:
    """A JSON Lines line as its object, or why it is not a usage row, in the words every engine
    reports (plain reprice's rows, the charges', the keys read ahead)."""
    try:
        obj = json.loads(text)
    except ValueError as exc:
        return f"not valid JSON: {exc}"
    except RecursionError:
        return "not a usage row: JSON nested too deeply"
    return obj if type(obj) is dict else "not a JSON object"


def json_text(value: Any) -> str:
    """A JSON Lines row's ``variant``, ``account``, ``plan``, ``subject``, ``rollout`` or ``arm`` as
    text, in every engine: a string as it is, ``null`` (or no key) as "", any other value as its JSON
    text (``false``, ``12``, ``{"a":1}``; Python's ``str()`` said ``False``, and ``--charges`` left
    ``false`` and ``0`` out, while the duckdb engine reads the JSON text)."""
    if type(value) is str:
        return value
    if value is None:
        return ""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def json_keys(text: str) -> tuple[str, ...]:
    """The keys of a JSON Lines line's object (none when the line is not one: the row says why)."""
    obj = json_row(text) if text.strip() else {}
    return tuple(obj) if isinstance(obj, dict) else ()


def kind_of(name: str, first_line: str) -> str:
    """``csv`` or ``jsonl``, from the extension, else from the first line."""
    low = name.lower()
    if low.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if low.endswith((".csv", ".tsv", ".txt")):
        return "csv"
    return "jsonl" if first_line.lstrip().startswith("{") else "csv"


@dataclass(frozen=True, slots=True)
class Header:
    names: tuple[str, ...]  # lower-cased, stripped
    delimiter: str
    tokens: tuple[int, ...]  # positions of the token columns
    ignored: tuple[str, ...]

    def index(self, name: str) -> int:
        """The column's position, or -1."""
        return self.names.index(name) if name in self.names else -1


def check_header(first_line: str, label: str) -> Header:
    """Parse and check a CSV header line; raises UsageFileError saying what is wrong."""
    counts = {d: first_line.count(d) for d in (",", "\t", ";")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    try:
        names = next(csv.reader([first_line], delimiter=delimiter), [])
    except csv.Error as exc:  # a header field over csv's field_size_limit (128 KiB)
        raise UsageFileError(f"{label}: line 1: the header cannot be read as CSV ({exc})") from None
    if not names or [n.strip() for n in names] == [""]:
        raise UsageFileError(f"{label}: the file is empty: a header line (timestamp,model,input_tokens,...) is needed")
    return check_columns(names, label, delimiter)


def check_columns(written: list[str], label: str, delimiter: str = ",", what: str = "the header") -> Header:
    """Check a file's column names, matched in any case and without the spaces around them (a CSV
    header's, a Parquet file's); raises UsageFileError saying what is wrong (``what`` names them)."""
    names = [n.strip().lower() for n in written]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise UsageFileError(f"{label}: {what} names {', '.join(dupes)} more than once")
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    tokens = tuple(i for i, n in enumerate(names) if n in USAGE_FIELDS)
    if missing or not tokens:
        need = " and ".join(missing) if missing else "token"
        raise UsageFileError(
            f"{label}: {what} has no {need} column (it has: {', '.join(names)}); expected timestamp, model, "
            f"token counts named as runtime.Usage fields ({', '.join(USAGE_FIELDS)}), and optionally "
            f"{', '.join(OPTIONAL_COLUMNS)}"
        )
    known = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS, *USAGE_FIELDS)
    return Header(tuple(names), delimiter, tokens, tuple(n for n in names if n not in known))


def unstated(field: str) -> int:
    """What a count left empty (a blank CSV cell, a JSON null or no key, a Parquet null) is: 0, but
    ``requests`` 1: not stated, the row is one request, as without the column (``runtime.Usage``)."""
    return 1 if field == "requests" else 0


def count_problem(field: str, value: Any) -> str:
    """Why ``value`` is not a token count."""
    if isinstance(value, str):
        text = value.strip()
        try:
            n = int(text) if text else 0
        except ValueError:
            return f"{field} {value!r} is not a whole number"
    elif type(value) is int:
        n = value
    else:
        return f"{field} {value!r} is not a whole number"
    if n < 0:
        return f"{field} {value!r} is negative"
    return f"{field} {value!r} is too large for a token count"


def json_count_problem(field: str, value: Any) -> str:
    """Why a JSON row's ``value`` is not a token count: as ``count_problem``, and a string is not
    one whatever it holds (``"1000"`` in quotes is text; every engine refuses it, duckdb's too)."""
    if isinstance(value, str):
        return f"{field} {value!r} is text, not a number: write a JSON count without quotes"
    return count_problem(field, value)


def day_parser() -> Callable[[Any], int]:
    """A function from a timestamp to its day (UTC) as a date ordinal.

    Accepts an ISO date (``2026-05-01``), an ISO date-time with or without an
    offset (``2026-05-01T12:00:00Z``, ``...+02:00``; without an offset it is
    UTC), or epoch seconds (a number, or a string of digits).  Raises
    ValueError (or TypeError, OverflowError, OSError) for anything else."""
    dates: dict[str, int] = {}
    fromiso = datetime.fromisoformat
    fromtimestamp = datetime.fromtimestamp

    def day(ts: Any) -> int:
        if type(ts) is str:
            if len(ts) == 10 and ts[4:5] == "-":
                hit = dates.get(ts)
                if hit is None:
                    hit = dates[ts] = date.fromisoformat(ts).toordinal()
                return hit
            if ts.isdigit():
                return fromtimestamp(int(ts), UTC).toordinal()
            moment = fromiso(ts)
            if moment.tzinfo is not None:
                moment = moment.astimezone(UTC)
            return moment.toordinal()
        if type(ts) is int or type(ts) is float:
            return fromtimestamp(ts, UTC).toordinal()
        raise TypeError(type(ts).__name__)

    return day


def stamp_parser() -> Callable[[Any], tuple[int, int]]:
    """A function from a timestamp to (its UTC day as a date ordinal, its minute of that UTC day),
    the minute -1 for a date without a time: what a time-of-day price window needs.

    Accepts an ISO date (``2026-05-01``; a date alone means the base prices, as for
    ``Catalog.cost(at=date)``), an ISO date-time with or without an offset
    (``2026-05-01T12:00:00Z``, ``...+02:00``: converted to UTC; without an offset it is UTC),
    or epoch seconds (a number, or a string of digits that is not an ISO date).  Raises
    ValueError (or TypeError, OverflowError, OSError) for anything else."""
    dates: dict[str, int] = {}
    fromiso = datetime.fromisoformat
    fromtimestamp = datetime.fromtimestamp
    utc = UTC

    def stamp(ts: Any) -> tuple[int, int]:
        if type(ts) is str:
            if len(ts) == 10 and ts[4:5] == "-":
                hit = dates.get(ts)
                if hit is None:
                    hit = dates[ts] = date.fromisoformat(ts).toordinal()
                return hit, -1
            try:
                moment = fromiso(ts)
            except ValueError:
                if not ts.isdigit():
                    raise
                moment = fromtimestamp(int(ts), utc)
            else:
                if len(ts) <= 10:  # 20260501, 2026-W18-5: a date alone (a date-time is longer)
                    return moment.toordinal(), -1
                tz = moment.tzinfo
                if tz is not None and tz is not utc:
                    moment = moment.astimezone(utc)
        elif type(ts) is int or type(ts) is float:
            moment = fromtimestamp(ts, utc)
        else:
            raise TypeError(type(ts).__name__)
        return moment.toordinal(), moment.hour * 60 + moment.minute

    return stamp
