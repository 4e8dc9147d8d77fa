"""``reprice --engine duckdb`` reads a timestamp and a count cell as Python reprice does
(interop/duckdb_cells.py): DuckDB's own casts read other texts (found by bench/fuzz_usage.py:
``2026-05-01 12:00:00 UTC`` and epoch milliseconds priced by DuckDB alone, ``20260501T120000Z``
and ``1_000`` by Python alone).  Each text is put through the SQL and through Python's rules
(``usage.files.stamp_parser``, ``int()`` after ``str.strip()``) and the two must agree."""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modelctl.interop import duckdb_cells
from modelctl.usage.files import stamp_parser

_EPOCH = date(1970, 1, 1).toordinal()
_DAY_US = 86_400_000_000

# Each was read one way by DuckDB's casts and another by Python reprice.
STAMPS = [
    "2026-05-01 12:00:00 UTC", "2026-05-01 12:00:00 Europe/Paris", "2026-5-1", "2026/05/01", " 2026-05-01",
    "epoch", "2026-05-01T24:00:00", "2026-05-01T12:00:00+24:00", "2026-05-01T12:00:00+25:00", "0000-01-01",
    "-2026-05-01", "10000-01-01", "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00", "1767225600000",
    "253402300800", "99999999999999", "20260501T120000Z", "20260501T120000", "2026-05-01T12", "2026-05-01T1200",
    "2026-05-01T12Z", "2026-05-01T12:00:00,5Z", "2026-05-01 12", "20260501 12:00", "2026-05-01x12:00",
    "2026-05-01T120000.5", "2026-05-01T12:00:00+053015", "2026-05-01T12:00:00+05:30:15", "00000000",
    "\u0661\u0667\u0666\u0667\u0662\u0662\u0665\u0666\u0660\u0660", "0", "0001767225600", "17672256",
    "20260501", "20261301", "2026-05-01", "2026-05-01T12:00:00Z", "2026-05-01T07:00:00-05:00", "1767225600",
    "2026-05-01T12:00:00.123456789+00:00", "2026-05-01 12:00:00+00", "9999-12-31", "0001-01-01", "",
    "2026-W18-5", "2026W185", "2026-W18", "2026W18", "2026-W185", "2026W18-5", "2026-W18-5T12:00", "2026W185T1200Z",
    "2026-W18T12", "2026-W53-7", "2027-W53-1", "2026-W00-1", "2026-W18-8", "2026-05-01T12:00:00.Z",
    "2026-05-01T12:00:00.+01:00", "2026-05-01T12.Z", "2026-05-01T12:00:00.", "2026-05-01T12:00:00.5.Z",
    "2026-05-01T12.5", "2026-05-01T12:00.5", "2026-05-01T12:00:00+00:00:00.5", "2026-05-01T12:00:01+00:00:01.5",
    "2026-05-01T12:00:01-00:00:01.5", "2026-05-01T12:00:00+00:00:01.1234567", "2026-05-01T12:00:00+000001.5",
    "2026-05-01T12:00:00.7+00:00:01.5", "2026-05-01T12:00:00+00:00:01,5", "2026-05-01T12:00:00+00:00:01.",
    "2026-05-01T12:00:00,9999999+00:00:00,5", "20260501T120000.4-000000.9",
]  # fmt: skip
COUNTS = [
    "1_000", "-0", "+0", "+5", " 7 ", "\t", "\u00a05", "5\u2003", "\u0661\u0662", "\uff11\uff12", "\u00b2",
    "1__0", "_1", "1_", "-1", "--0", "+-1", "1.5", "1e3", "0x10", "18446744073709551615", "18446744073709551616",
    " 18446744073709551615 ", "-0_0", "\u00a0", "1 2", "00012", "", "   ",
]  # fmt: skip


def _python_stamp(text: str) -> tuple[int, int] | None:
    try:
        return stamp_parser()(text)
    except (ValueError, TypeError, OverflowError, OSError):
        return None


def _duckdb_stamps(texts: list[str], *, text: bool = True) -> list[tuple[int, int] | None]:
    ts = "x"
    us = duckdb_cells.in_range_sql(f"({duckdb_cells.moment_sql(ts, str(text).lower())})")
    only = duckdb_cells.date_only_sql(ts, str(text).lower())
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    rows = con.execute(f"SELECT {us}, {only} FROM (SELECT unnest(?) AS x, generate_subscripts(?, 1) AS i) ORDER BY i",
                       [texts, texts]).fetchall()  # fmt: skip
    out: list[tuple[int, int] | None] = []
    for moment, date_only in rows:
        if moment is None:
            out.append(None)
            continue
        day, tod = divmod(int(moment), _DAY_US)
        out.append((day + _EPOCH, -1 if date_only else tod // 60_000_000))
    return out


def _python_count(text: str, default: int = 0) -> int | None:
    bare = text.strip()
    try:
        n = int(bare) if bare else default
    except ValueError:
        return None
    return n if 0 <= n < 1 << 64 else None


def _duckdb_counts(texts: list[str], default: int = 0) -> list[Any]:
    expr = duckdb_cells.count_sql("x", default, json=False)
    con = duckdb.connect()
    query = f"SELECT {expr} FROM (SELECT unnest(?) AS x, generate_subscripts(?, 1) AS i) ORDER BY i"
    return [r[0] for r in con.execute(query, [texts, texts]).fetchall()]


@pytest.mark.parametrize("text", STAMPS)
def test_a_timestamp_reads_as_in_python(text: str) -> None:
    assert _duckdb_stamps([text]) == [_python_stamp(text)]


def test_json_numbers_are_epoch_seconds_as_in_python() -> None:
    values: list[Any] = [1767225600, -1, 20260501, 0, 1767225600.5, -62135596800, -62135596801, 253402300799,
                         253402300800, 1.7672256e9]  # fmt: skip
    expected = []
    for v in values:
        try:
            expected.append(stamp_parser()(v))
        except (ValueError, OverflowError, OSError):
            expected.append(None)
    assert _duckdb_stamps([str(v) for v in values], text=False) == expected


_ISO_PARTS = st.from_regex(duckdb_cells.ISO, fullmatch=True)
_DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=14)
_NEAR = st.text(alphabet="0123456789-:T Z+.,/", min_size=4, max_size=26)  # (no W: a week date then a digit, below)
_OFFSETS = st.from_regex(
    r"2026-05-01T12:0[01]:0[0-2]([.,][0-9]{0,7})?[+-]00:0[01]:0[0-2]([.,][0-9]{0,7})?", fullmatch=True
)
_WEEKS = st.from_regex(
    r"[0-9]{4}-?W[0-9]{2}(-?[0-9])?([T ][0-9]{2}(:?[0-9]{2})?([.,][0-9]*)?(Z|[+-][0-9]{2})?)?", fullmatch=True
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_ISO_PARTS, _DIGITS, _NEAR, _WEEKS, _OFFSETS), min_size=1, max_size=40))
def test_timestamps_read_as_in_python(texts: list[str]) -> None:
    assert _duckdb_stamps(texts) == [_python_stamp(t) for t in texts]


@pytest.mark.parametrize("text", COUNTS)
def test_a_count_reads_as_int_reads_it(text: str) -> None:
    assert _duckdb_counts([text]) == [_python_count(text)]
    assert _duckdb_counts([text], default=1) == [_python_count(text, 1)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="0123456789_+- \t\u00a0\u0661\uff11x.", max_size=12), min_size=1, max_size=40))
def test_counts_read_as_int_reads_them(texts: list[str]) -> None:
    assert _duckdb_counts(texts) == [_python_count(t) for t in texts]
