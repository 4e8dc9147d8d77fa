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


def bounds(con: Any) -> Bounds:
    """The bounds in the loaded ``prices`` and ``price_windows`` tables; also creates the table
    ``timeless_names``: the names (as in ``model_names``) of the models without windows."""

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
    con.execute(
        "CREATE TABLE timeless_names AS SELECT name FROM model_names "
        "WHERE model NOT IN (SELECT model FROM price_windows)"
    )
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
    targets: Sequence[str] = (),
) -> str:
    """``usage`` (the engine's typed rows: ``model``, ``__variant``, ``__bad``, ``__day``, ``__minute``,
    ``__weekday``, ``__row_day`` and the counts ``fields``) as groups: the same columns (counts summed), plus
    ``__rows`` (rows in the group), ``__requests`` (requests: summed, or one a row when ``requests`` is False),
    ``__side`` and ``__per_request`` (a row's input-side tokens, and those per request).  ``keys``: the
    other columns kept (``account``, ``plan``, ``__row_day``: what the result is grouped by); ``at``:
    every row is priced on one day; ``targets``: the what-if models (priced at each row's own minute).

    The minute and weekday only split rows whose name may have windows: a name the names table holds
    (as written, so lower case) for a model without windows is priced the same at any time of day,
    unless a what-if model has windows."""
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
    nonzero = " + ".join(f"(CASE WHEN {f} > 0 THEN {1 << i} ELSE 0 END)" for i, f in enumerate(fields)) or "0"
    group = ["model", "__variant", "(__bad IS NULL)", *keys, nonzero, bucket("__s", sides, strict=True), *limit_key]
    source = usage
    if found.minutes:
        timed = [bucket("__minute", [str(m) for m in found.minutes], strict=False), "__weekday"]
        if not found.windowed & set(targets):
            source = (
                f"(SELECT __u.*, __t.name AS __timeless FROM {usage} AS __u "
                "LEFT JOIN timeless_names AS __t ON __t.name = __u.model)"
            )
            timed = [f"CASE WHEN __timeless IS NOT NULL THEN -2 ELSE {t} END" for t in timed]
        group += timed
    if not at:
        group.append(bucket("__day", [f"DATE '{d}'" for d in found.days], strict=False))
    sums = "".join(f", sum({f}) AS {f}" for f in fields)
    count = "sum(requests)" if requests else "count(*)"
    return (
        f"(SELECT model, __variant, min(__bad) AS __bad, {''.join(k + ', ' for k in keys)}"
        "min(__day) AS __day, min(__minute) AS __minute, min(__weekday) AS __weekday, "
        f"min(__s) AS __side, min(__p) AS __per_request, count(*) AS __rows, {count} AS __requests{sums} "
        f"FROM (SELECT *, {per} AS __p FROM (SELECT *, {side} AS __s FROM {source})) "
        f"GROUP BY {', '.join(group)})"
    )
