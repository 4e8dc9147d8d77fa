"""The usage rows of ``reprice --engine duckdb`` folded into groups before
they are priced: the pricing query (interop/exporters/sql.py) then joins and
multiplies a few thousand groups instead of every row.

Two rows go into one group only when every choice the query makes comes out
the same for both: the same model name, variant, account and plan (when
grouped by), whether the row is bad, which counts are above zero, and, for
each bound the price tables hold, the same side of it:

* the day (UTC, or ``--at``) against every ``valid_from``/``valid_to``
  of the prices and windows (a day a price period starts or ends);
* the minute of the UTC day against every window's start and end minute (a
  date alone, which has no minute, is a group of its own), and the weekday
  when there are windows;
* the input-side tokens against every tier bound (``above_input_tokens``,
  ``up_to_input_tokens``), and ceil(input-side tokens / max(requests, 1))
  against every ``max_input_tokens``.

A group carries one of its rows' day, minute and input-side tokens (the
smallest; any would do) for the joins, and the sums of its counts for the
amounts: the cost of a group is then exactly the sum of its rows' costs
(whole counts times exact decimal prices; sums of products equal products
of sums).  The engine's numbered pass (the rows that fail) stays row by row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from modelctl.runtime._pricing import SIDE_FIELDS

__all__ = ["Bounds", "bounds", "bucket", "grouped_usage"]


@dataclass(frozen=True, slots=True)
class Bounds:
    days: tuple[str, ...]  # ISO dates a price or window period starts or ends
    minutes: tuple[int, ...]  # the minutes of the UTC day windows start or end at
    sides: tuple[int, ...]  # tier bounds of the input-side tokens
    limits: tuple[int, ...]  # max_input_tokens values
    windowed: frozenset[str]  # the models with time-of-day windows


def bounds(con: Any, targets: Sequence[str] = ()) -> Bounds:
    """The bounds in the loaded ``prices`` and ``price_windows`` tables.  Also creates the table
    ``name_keys``: for each name of ``model_names`` and each bucket of the days (``gday``: how many of
    ``days`` are at most the day), ``lday``, how many of the bounds of that name's model and of the
    what-if models ``targets`` are at most the day (the same for every day of the bucket), and
    ``timeless``: the model has no time-of-day windows (nor has any what-if model)."""

    def values(query: str) -> list[Any]:
        return sorted(row[0] for row in con.execute(query).fetchall() if row[0] is not None)

    days = values(
        "SELECT valid_from FROM prices UNION SELECT valid_to FROM prices "
        "UNION SELECT valid_from FROM price_windows UNION SELECT valid_to FROM price_windows"
    )
    minutes = values("SELECT start_minute FROM price_windows UNION SELECT end_minute FROM price_windows")
    sides = values("SELECT above_input_tokens FROM prices UNION SELECT up_to_input_tokens FROM prices")
    limits = values("SELECT max_input_tokens FROM prices")
    windowed = frozenset(values("SELECT DISTINCT model FROM price_windows"))
    refs = "[" + ", ".join("'" + t.replace("'", "''") + "'" for t in targets) + "]::VARCHAR[]"
    starts = "[" + ", ".join(f"DATE '{d.isoformat()}'" for d in days) + "]::DATE[]"
    con.execute(f"""
        CREATE TABLE name_keys AS
        WITH own AS (
          SELECT model, valid_from AS d FROM prices UNION SELECT model, valid_to FROM prices
          UNION SELECT model, valid_from FROM price_windows UNION SELECT model, valid_to FROM price_windows
        ),
        models AS (SELECT DISTINCT model FROM prices),
        cuts AS (
          SELECT model, d FROM own WHERE d IS NOT NULL
          UNION SELECT m.model, o.d FROM models AS m, own AS o WHERE list_contains({refs}, o.model) AND o.d IS NOT NULL
        ),
        buckets AS (
          SELECT i AS gday, CASE WHEN i > 0 THEN ({starts})[i] END AS start FROM range(0, {len(days) + 1}) AS t(i)
        ),
        local AS (
          SELECT m.model, b.gday, count(c.d) AS lday
          FROM models AS m CROSS JOIN buckets AS b LEFT JOIN cuts AS c ON c.model = m.model AND c.d <= b.start
          GROUP BY m.model, b.gday
        )
        SELECT n.name, l.gday::INTEGER AS gday, l.lday::INTEGER AS lday,
               n.model NOT IN (SELECT model FROM price_windows) AND NOT EXISTS (
                 SELECT 1 FROM price_windows AS w WHERE list_contains({refs}, w.model)) AS timeless
        FROM model_names AS n JOIN local AS l ON l.model = n.model
    """)
    return Bounds(tuple(d.isoformat() for d in days), tuple(minutes), tuple(sides), tuple(limits), windowed)


def bucket(x: str, cuts: Sequence[str], strict: bool) -> str:
    """How many of ``cuts`` (SQL literals, in ascending order) are below ``x`` (``strict``) or at most
    ``x``: two values with the same count compare alike to every cut.  A binary search, so
    about log2(len(cuts)) comparisons a row.  A NULL ``x`` gives -1."""
    op = ">" if strict else ">="

    def part(lo: int, hi: int) -> str:
        if lo == hi:
            return str(lo)
        mid = (lo + hi) // 2
        return f"CASE WHEN {x} {op} {cuts[mid]} THEN {part(mid + 1, hi)} ELSE {part(lo, mid)} END"

    return f"CASE WHEN {x} IS NULL THEN -1 ELSE {part(0, len(cuts))} END" if cuts else f"({x} IS NULL)::INTEGER"


def grouped_usage(
    usage: str,
    fields: Sequence[str],
    found: Bounds,
    *,
    requests: bool,
    keys: Sequence[str],
    at: bool,
    any_of: Sequence[str] = (),
) -> str:
    """``usage`` (the engine's typed rows: ``model``, ``__variant``, ``__bad``, ``__day``, ``__minute``,
    ``__weekday``, ``__row_day`` and the counts ``fields``) as groups: the same columns (counts summed), plus
    ``__rows`` (rows in the group), ``__requests`` (requests: summed, or one a row when ``requests`` is False),
    ``__side`` and ``__per_request`` (a row's input-side tokens, and those per request).  ``keys``: the
    other columns kept (``account``, ``plan``, ``__row_day``: what the result is grouped by); ``at``:
    every row is priced on one day; ``any_of``: boolean columns kept as whether any row of the group has it.

    A name found as written (so in lower case) in ``name_keys`` (bounds()) splits its rows only by its
    own model's (and the what-if models') period bounds, and by minute and weekday only when some of
    them has windows; any other name (unknown, or to be lower-cased) by every bound."""
    side_terms = [f for f in SIDE_FIELDS if f in fields]
    side = " + ".join(side_terms) if side_terms else "CAST(0 AS UBIGINT)"
    limits = [str(v) for v in found.limits]
    sides = [str(v) for v in found.sides]
    if requests:
        per = "(CAST(__s AS HUGEINT) + greatest(requests, 1) - 1) // greatest(requests, 1)"
        limit_key = [bucket("__p", limits, strict=True)]
    else:  # one request a row: the side per request is the side
        per, sides = "__s", sorted(set(sides) | set(limits), key=int)
        limit_key = []
    # which counts are nonzero (none to tell apart without counts: a bare 0 would be GROUP BY's position 0)
    flags = " + ".join(f"(CASE WHEN {f} > 0 THEN {1 << i} ELSE 0 END)" for i, f in enumerate(fields))
    nonzero = [flags] if fields else []
    group = ["model", "__variant", "(__bad IS NULL)", *keys, *nonzero, bucket("__s", sides, strict=True), *limit_key]
    gday = bucket("__day", [f"DATE '{d}'" for d in found.days], strict=False)
    source = (
        f"(SELECT __u.*, __k.lday AS __lday, __k.timeless AS __timeless FROM (SELECT *, {gday} AS __gday FROM {usage}) "
        "AS __u LEFT JOIN name_keys AS __k ON __k.name = __u.model AND __k.gday = __u.__gday)"
    )
    if found.minutes:
        timed = [bucket("__minute", [str(m) for m in found.minutes], strict=False), "__weekday"]
        group += [f"CASE WHEN __timeless THEN -2 ELSE {t} END" for t in timed]
    if not at:
        group.append("coalesce(__lday, 100000 + __gday)")
    sums = "".join(f", sum({f}) AS {f}" for f in fields)
    count = "sum(requests)" if requests else "count(*)"
    return (
        f"(SELECT model, __variant, min(__bad) AS __bad, {''.join(k + ', ' for k in keys)}"
        "min(__day) AS __day, min(__minute) AS __minute, min(__weekday) AS __weekday, "
        f"min(__s) AS __side, min(__p) AS __per_request, count(*) AS __rows, {count} AS __requests{sums}"
        f"{''.join(f', bool_or({f}) AS {f}' for f in any_of)} "
        f"FROM (SELECT *, {per} AS __p FROM (SELECT *, {side} AS __s FROM {source})) "
        f"GROUP BY {', '.join(group)})"
    )
