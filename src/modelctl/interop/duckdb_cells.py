"""The SQL with which ``reprice --engine duckdb`` reads a usage file's timestamp and count cells as
Python reprice reads them (usage/files.py ``stamp_parser``, usage/csv_rows.py ``int()``), so that
one file gets one answer from both engines (bench/fuzz_usage.py compares them).

DuckDB's own casts read other texts than Python's: ``CAST(... AS TIMESTAMPTZ)`` takes
``2026-05-01 12:00:00 UTC``, ``Europe/Paris``, ``2026-5-1``, ``epoch``, ``+24:00`` and years past
9999 (epoch milliseconds were priced in the year 57970), and refuses ISO forms Python takes
(``20260501T120000Z``, ``2026-05-01T12``, ``12:00:00,5``); a count's cast refuses ``1_000``, ``-0``,
digits of other scripts and cells of other blanks (a tab, a no-break space) that ``int()`` and
``str.strip()`` take.  So a timestamp goes to DuckDB's cast only in a form both read alike
(``ISO``), or rewritten into one (``_ISO_ANY``: Python's other ISO forms); epoch seconds are
read as digits; every instant outside Python's years 1-9999 (UTC) is refused.  A count that is
not its UBIGINT cast's own digits is read by the rules of ``int()``.
"""

from __future__ import annotations

import sys
import unicodedata

__all__ = ["ISO", "count_sql", "date_only_sql", "in_range_sql", "moment_sql"]

_H = "(?:[01][0-9]|2[0-3])"
_M = "[0-5][0-9]"
# What DuckDB's TIMESTAMPTZ cast and Python's fromisoformat read alike (a property test checks it):
# an extended date, a T or a space, HH:MM[:SS[.f]], Z or an offset of hours and minutes.
ISO = f"[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}(?:[T ]{_H}:{_M}(?::{_M}(?:\\.[0-9]{{1,9}})?)?(?:Z|[+-]{_H}(?::?{_M})?)?)?"
# Python's other ISO date-times: a basic date (20260501) or a week date (2026-W18-5, 2026W185, 2026-W18),
# any one character between date and time, HH, HH:MM, HH:MM:SS, HHMM or HHMMSS, then a fraction after
# . or , (its digits may be left out before an offset), an offset of [+-]HH[:MM[:SS[.f]]] or
# [+-]HHMM[SS[.f]]; the groups are put back together as the ISO form (_iso_moment), the fractions
# (microseconds: six digits at most) added apart, as fromisoformat does (an offset of 0 h 0 min 0 s
# is no offset, whatever its fraction).
_TIME = f"(?:({_H})(?::({_M})(?::({_M}))?|({_M})({_M})?)?([.,][0-9]*)?)"
_ZONE = f"(Z|[+-]{_H}(?::{_M}(?::{_M}([.,][0-9]+)?)?|{_M}(?:{_M}([.,][0-9]+)?)?)?)"
_DATE = "([0-9]{4})(?:-([0-9]{2})-([0-9]{2})|([0-9]{2})([0-9]{2})|-W([0-9]{2})(?:-([1-7]))?|W([0-9]{2})([1-7])?)"
_ISO_ANY = f"{_DATE}(?:[^0-9]{_TIME}{_ZONE}?)?"
_GROUPS = ("y", "m", "d", "bm", "bd", "w", "wd", "bw", "bwd", "h", "mi", "s", "bmi", "bs", "f", "z", "zf", "bzf")

# Python's years 1-9999 (UTC), in microseconds since 1970: an instant outside them is refused.
_FIRST_US = -62_135_596_800_000_000
_LAST_US = 253_402_300_799_999_999
# int() and str.strip(): the blanks they strip, the digits of every script they read.
_BLANKS = "".join(f"\\x{{{ord(c):x}}}" for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
_DIGITS = [c for c in map(chr, range(128, sys.maxunicode + 1)) if c.isdecimal()]
_FROM = "".join(_DIGITS)
_TO = "".join(str(unicodedata.decimal(c)) for c in _DIGITS)


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _iso_moment(ts: str) -> str:
    """SQL: the instant of ``ts`` (a Python ISO form, _ISO_ANY) in microseconds since 1970: its whole
    seconds rewritten as the ISO form DuckDB's cast reads (NULL for a week that year does not have:
    DuckDB's strptime would move it to the next), then the fractions of a second."""
    parts = f"regexp_extract({ts}, {_lit('^' + _ISO_ANY + '$')}, [{', '.join(map(_lit, _GROUPS))}])"

    def g(name: str) -> str:
        return f"{parts}['{name}']"

    def either(a: str, b: str) -> str:
        return f"(CASE WHEN {g(a)} <> '' THEN {g(a)} ELSE {g(b)} END)"

    week = f"({g('y')} || '-W' || {either('w', 'bw')})"
    weekday = either("wd", "bwd")
    day = f"TRY_STRPTIME({week} || '-' || (CASE WHEN {weekday} = '' THEN '1' ELSE {weekday} END), '%G-W%V-%u')"
    date = (
        f"CASE WHEN {either('w', 'bw')} = '' THEN {g('y')} || '-' || {either('m', 'bm')} || '-' || {either('d', 'bd')} "
        f"WHEN strftime({day}, '%G-W%V') = {week} THEN strftime({day}, '%Y-%m-%d') END"
    )
    minute, second = either("mi", "bmi"), either("s", "bs")
    time = (
        f"CASE WHEN {g('h')} = '' THEN '' ELSE ' ' || {g('h')} || ':' || "
        f"(CASE WHEN {minute} = '' THEN '00' ELSE {minute} END) || ':' || "
        f"(CASE WHEN {second} = '' THEN '00' ELSE {second} END) END"
    )
    z = f"regexp_replace({g('z')}, '[.,][0-9]+$', '')"  # the offset's whole seconds
    zone = (
        f"CASE WHEN {z} = '' THEN '' WHEN {z} = 'Z' THEN '+00' WHEN {z}[4] = ':' OR length({z}) = 3 THEN {z} "
        f"ELSE {z}[1:3] || ':' || {z}[4:5] || CASE WHEN length({z}) = 7 THEN ':' || {z}[6:7] ELSE '' END END"
    )

    def micro(fraction: str) -> str:
        return f"CAST(rpad(substr({fraction}, 2, 6), 6, '0') AS BIGINT)"

    local, zf = g("f"), either("zf", "bzf")
    own = f"CASE WHEN {second} <> '' AND length({local}) > 1 THEN {micro(local)} ELSE 0 END"
    sign = f"(CASE WHEN {z}[1] = '-' THEN -1 ELSE 1 END)"
    offset = (
        f"CASE WHEN {zf} = '' OR regexp_full_match(regexp_replace({z}, '[^0-9]', '', 'g'), '0+') THEN 0 "
        f"ELSE {sign} * {micro(zf)} END"
    )
    return f"(epoch_us(TRY_CAST(({date}) || ({time}) || ({zone}) AS TIMESTAMPTZ)) + ({own}) - ({offset}))"


def moment_sql(ts: str, text: str) -> str:
    """SQL: the instant of the timestamp ``ts`` (a text) in microseconds since 1970 (check it with
    ``in_range_sql``), or NULL where Python reprice refuses it.  ``text`` (SQL, a boolean) says
    whether the value was text (a CSV cell, a JSON string: eight digits that make a date are that
    date, other digits epoch seconds) or a number (a JSON number: epoch seconds, whole or not,
    negative too, as Python's ``datetime.fromtimestamp``)."""
    digits = f"translate({ts}, {_lit(_FROM)}, {_lit(_TO)})"
    epoch = (
        f"CASE WHEN NOT coalesce(length({digits}) = 8 AND TRY_STRPTIME({digits}, '%Y%m%d') >= DATE '0001-01-01', "
        "false) "
        f"THEN (CASE WHEN length(ltrim({digits}, '0')) <= 12 THEN TRY_CAST({digits} AS BIGINT) * 1000000 END) "
        f"ELSE epoch_us(TRY_STRPTIME({digits}, '%Y%m%d')) END"
    )
    number = f"TRY_CAST({ts} AS DOUBLE)"
    whole = f"CASE WHEN length({ts}) <= 13 THEN TRY_CAST({ts} AS BIGINT) * 1000000 END"
    fraction = (
        f"CASE WHEN {number} BETWEEN {_FIRST_US // 10**6} AND {_LAST_US // 10**6 + 1} "
        f"THEN CAST(round({number} * 1000000) AS BIGINT) END"
    )
    return (
        f"CASE WHEN regexp_full_match({ts}, {_lit(ISO)}) THEN epoch_us(TRY_CAST({ts} AS TIMESTAMPTZ)) "
        f"WHEN NOT {text} THEN (CASE WHEN regexp_full_match({ts}, '-?[0-9]+') THEN {whole} ELSE {fraction} END) "
        f"WHEN regexp_full_match({ts}, '\\p{{Nd}}+') THEN {epoch} "
        f"WHEN regexp_full_match({ts}, {_lit(_ISO_ANY)}) AND NOT regexp_matches({ts}, '[.,]$') "
        f"THEN {_iso_moment(ts)} END"
    )


def in_range_sql(us: str) -> str:
    """SQL: ``us`` (from ``moment_sql``) if it falls in Python's years 1-9999 (UTC), else NULL."""
    return f"CASE WHEN {us} BETWEEN {_FIRST_US} AND {_LAST_US} THEN {us} END"


def date_only_sql(ts: str, text: str) -> str:
    """SQL: whether the timestamp ``ts`` is a date alone (no time of day: the base prices), as Python
    reprice says: a text of at most 10 characters read as an ISO form (2026-05-01, 20260501, 2026-W18-5,
    even 2026W18T12), not as epoch seconds; a Parquet date (2026-05-01) too."""
    eight = f"translate({ts}, {_lit(_FROM)}, {_lit(_TO)})"
    return (  # a CASE: DuckDB evaluates every operand of AND and OR (the translate would run on every row)
        f"coalesce(CASE WHEN length({ts}) > 10 THEN false "
        f"WHEN regexp_full_match({ts}, '\\p{{Nd}}+') THEN {text} AND length({ts}) = 8 "
        f"AND TRY_STRPTIME({eight}, '%Y%m%d') >= DATE '0001-01-01' "
        f"ELSE {text} OR regexp_full_match({ts}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') END, false)"
    )


def count_sql(text: str, default: int, *, json: bool) -> str:
    """SQL: the count in ``text`` (a cell that is not its UBIGINT cast's own digits) as Python reprice
    reads it, or NULL where it refuses it: a blank cell is ``default``; else ``int()``'s digits (of any
    script, ``_`` between them), a sign and blanks around; from 0 to 2^64 - 1.  A JSON count is a JSON
    number (DuckDB gives ``-0`` as ``0``): whole digits only."""
    if json:
        return f"CASE WHEN regexp_full_match({text}, '[0-9]+') THEN TRY_CAST({text} AS UBIGINT) END"
    bare = f"regexp_replace({text}, {_lit(f'^[{_BLANKS}]+|[{_BLANKS}]+$')}, '', 'g')"
    ascii_ = f"replace(translate({bare}, {_lit(_FROM)}, {_lit(_TO)}), '_', '')"
    digits = "\\p{Nd}+(?:_\\p{Nd}+)*"
    return (
        f"CASE WHEN {bare} = '' THEN {default} "
        f"WHEN regexp_full_match({bare}, '[+]?{digits}') THEN TRY_CAST(ltrim({ascii_}, '+') AS UBIGINT) "
        f"WHEN regexp_full_match({bare}, '-{digits}') AND regexp_full_match({ascii_}, '-0+') THEN 0 END"
    )
