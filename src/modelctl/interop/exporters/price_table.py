"""An artifact -> a flat, dated price table for warehouses (DuckDB, BigQuery,
Spark, Snowflake): one row per model x variant x tier x period.

Every row is complete: a variant's row carries the base prices it inherits,
a tier's row the prices of the set it belongs to, and every cell the
runtime would fall back for is filled with the price it falls back to
(cached input -> input, cache writes -> input, reasoning -> output, audio
and image -> input or output: ``usage.estimate.PRICED_BY``; ``filled`` names
them).  So a usage row joins to exactly one price row, each token count is
multiplied by its own column, and an empty cell means what the runtime
means: no price (a non-zero count there cannot be priced)::

    model = u.model AND coalesce(variant, '') = coalesce(u.variant, '')
    AND u.day >= valid_from AND (valid_to IS NULL OR u.day < valid_to)
    AND u.input_side_tokens > coalesce(above_input_tokens, -1)
    AND (up_to_input_tokens IS NULL OR u.input_side_tokens <= up_to_input_tokens)

``valid_to`` is exclusive and empty for the newest period; a variant's rows
end where the next period starts, like the base rows: a variant is offered
only in the periods that list it (the runtime's rule).
Money is the artifact's decimal text, exactly; see COLUMNS for the types.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal, localcontext
from typing import Any

from modelctl.catalog.model import PRICE_KEYS
from modelctl.interop.exporters.common import Artifact, periods_in_force, price_sets
from modelctl.interop.exporters.sql import per_second_column
from modelctl.usage.estimate import PRICED_BY

# Every price key the catalog has and every key the runtime prices a usage field by (its
# fall-backs included): the pricing SQL finds a column for each, empty where there is no price.
MONEY_KEYS: tuple[str, ...] = tuple(dict.fromkeys([*PRICE_KEYS, *(k for _f, _c, ks, _u in PRICED_BY for k in ks)]))
# name, type (for CREATE TABLE / Parquet), meaning
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("model", "VARCHAR", "canonical reference, provider/id"),
    ("provider", "VARCHAR", "provider id"),
    ("model_id", "VARCHAR", "the model's id within its provider"),
    ("variant", "VARCHAR", "'' for the base prices, else the variant's name (batch, flex, ...)"),
    ("above_input_tokens", "BIGINT", "empty for the base rates, else the tier: input-side tokens strictly above this"),
    ("up_to_input_tokens", "BIGINT", "the next tier's threshold (inclusive upper bound); empty when none"),
    ("valid_from", "DATE", "first day (UTC) the row applies"),
    ("valid_to", "DATE", "first day it no longer applies (exclusive); empty for the newest period"),
    ("currency", "VARCHAR", "ISO 4217"),
    *((key, "DECIMAL(38,18)", "the price charged, fall-backs filled in; empty when none") for key in MONEY_KEYS),
    *(
        (per_second_column(keys[0]), "DECIMAL(38,18)", f"{keys[0]} / 60 to 18 places (SQL cannot divide exactly)")
        for _f, _c, keys, unit in PRICED_BY
        if unit == 60
    ),
    ("filled", "VARCHAR", "cells filled by a fall-back: key=from, separated by spaces"),
    ("source", "VARCHAR", "where the period's prices were read"),
)
NAMES = tuple(name for name, _, _ in COLUMNS)
INT_COLUMNS = frozenset({"above_input_tokens", "up_to_input_tokens"})


def rows(artifact: Artifact, *, at: date | None = None) -> list[dict[str, Any]]:
    """Every row, or with ``at`` only those in force on that day."""
    out = []
    for ref, model in sorted(artifact.models.items()):
        variants = {None, *(v for p in model.get("pricing", ()) for v in p.get("variants", {}))}
        for variant in sorted(variants, key=lambda v: v or ""):
            out += _variant_rows(ref, model, variant)
    if at is not None:
        day = at.isoformat()
        out = [r for r in out if r["valid_from"] <= day and (r["valid_to"] is None or day < r["valid_to"])]
    return out


def _variant_rows(ref: str, model: dict[str, Any], variant: str | None) -> list[dict[str, Any]]:
    periods = periods_in_force(model)
    out = []
    for i, period in enumerate(periods):
        if variant is not None and variant not in period.get("variants", {}):
            continue  # not offered in this period
        valid_to = periods[i + 1]["effective_from"] if i + 1 < len(periods) else None
        base, tiers = price_sets(period, variant)
        bounds = [None, *(t["above_input_tokens"] for t in tiers)]
        sets = [base, *(t["prices"] for t in tiers)]
        for j, prices in enumerate(sets):
            row: dict[str, Any] = {
                "model": ref,
                "provider": model["provider"],
                "model_id": model["id"],
                "variant": variant or "",
                "above_input_tokens": bounds[j],
                "up_to_input_tokens": bounds[j + 1] if j + 1 < len(bounds) else None,
                "valid_from": period["effective_from"],
                "valid_to": valid_to,
                "currency": model.get("currency", "USD"),
            }
            charged, filled = effective(prices)
            row.update(charged)
            row.update(per_second(charged))
            row["filled"] = " ".join(filled)
            row["source"] = period.get("source", "")
            out.append(row)
    return out


def effective(prices: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The price of every key as the runtime charges it, fall-backs filled in,
    and ``key=from`` for each cell filled.  The price of a usage field is the
    first of its keys that exists (``PRICED_BY``); that price goes in the
    field's own column."""
    out = {key: prices.get(key) for key in MONEY_KEYS}
    filled = []
    for _field, _component, keys, _per_million in PRICED_BY:
        own = keys[0]
        if own not in out or out[own] is not None:
            continue
        other = next((k for k in keys[1:] if prices.get(k) is not None), None)
        if other is not None:
            out[own] = prices[other]
            filled.append(f"{own}={other}")
    return out, filled


def per_second(charged: dict[str, Any]) -> dict[str, str | None]:
    """The per-second columns: each per-minute price / 60, rounded half-even to 18 places
    (the runtime keeps 50 significant digits; the difference is below 10^-18 per second)."""
    out: dict[str, str | None] = {}
    with localcontext() as ctx:
        ctx.prec = 60
        for _f, _c, keys, unit in PRICED_BY:
            if unit == 60:
                value = charged.get(keys[0])
                out[per_second_column(keys[0])] = (
                    None if value is None else format((Decimal(value) / 60).quantize(Decimal("1e-18")), "f")
                )
    return out


def to_csv(table: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(NAMES)
    for row in table:
        writer.writerow(["" if row[n] is None else row[n] for n in NAMES])
    return buf.getvalue()


def to_jsonl(table: list[dict[str, Any]]) -> str:
    return "".join(json.dumps({n: row[n] for n in NAMES}, ensure_ascii=False) + "\n" for row in table)


MONEY_SCALE = 18


def to_parquet(table: list[dict[str, Any]], path: str) -> None:
    """Needs pyarrow (not a dependency): raises ImportError without it, and
    ValueError for a price with more than 18 decimal places."""
    from decimal import Decimal

    for row in table:
        for name in MONEY_KEYS:
            value = row[name]
            if value is not None and -Decimal(value).as_tuple().exponent > MONEY_SCALE:  # type: ignore[operator]
                raise ValueError(f"{row['model']}: {name} {value} has more than {MONEY_SCALE} decimal places")

    import pyarrow as pa  # type: ignore[import-not-found,unused-ignore]
    import pyarrow.parquet as pq  # type: ignore[import-not-found,unused-ignore]

    arrays = {}
    for name, kind, _ in COLUMNS:
        values = [row[name] for row in table]
        if kind.startswith("DECIMAL"):
            arrays[name] = pa.array(
                [None if v is None else Decimal(v) for v in values], type=pa.decimal128(38, MONEY_SCALE)
            )
        elif kind == "BIGINT":
            arrays[name] = pa.array(values, type=pa.int64())
        elif kind == "DATE":
            arrays[name] = pa.array([None if v is None else date.fromisoformat(v) for v in values], type=pa.date32())
        else:
            arrays[name] = pa.array(values, type=pa.string())
    pq.write_table(pa.table(arrays), path)


# --- the names a usage row may give ----------------------------------------------------

NAME_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("name", "VARCHAR", "a name a usage row may give, lower case (join on lower(usage.model))"),
    ("model", "VARCHAR", "the canonical reference it names, as in the price table"),
)


def names(artifact: Artifact) -> list[tuple[str, str]]:
    """(name, model) for every name ``runtime.Catalog.resolve`` accepts, lower
    case: canonical references, ``provider/alias``, and bare ids and aliases
    that exactly one model has (an ambiguous bare name names nothing)."""
    bare: dict[str, set[str]] = {}
    for ref, model in artifact.models.items():
        for name in (model["id"], *model.get("aliases", ())):
            bare.setdefault(name.lower(), set()).add(ref)
    out = {name: next(iter(refs)) for name, refs in bare.items() if len(refs) == 1}
    for ref, model in artifact.models.items():
        for alias in model.get("aliases", ()):
            out[f"{model['provider']}/{alias}".lower()] = ref
    for ref in artifact.models:
        out[ref.lower()] = ref
    return sorted(out.items())


def names_csv(table: list[tuple[str, str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([n for n, _, _ in NAME_COLUMNS])
    writer.writerows(table)
    return buf.getvalue()
