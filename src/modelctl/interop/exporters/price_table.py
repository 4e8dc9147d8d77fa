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

What else ``cost()`` decides is in the tables too: each row carries the
model's modalities and the period's input limit (a row needing another
modality, or above the limit, is refused); the names table says which
variant an alias implies (Bedrock's ``eu.`` ids: ``regional``); and the
windows table (``windows``) says which variant a time-of-day window bills,
one row per weekday and span of minutes of the UTC day, overlaps resolved as
the runtime resolves them, so an instant matches at most one row.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, localcontext
from typing import Any

from modelctl.catalog.model import PRICE_KEYS, warehouse_misfit
from modelctl.interop.exporters.common import Artifact, periods_in_force, price_sets
from modelctl.interop.exporters.sql import per_second_column
from modelctl.runtime._pricing import compile_windows, max_input_of, window_variant
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
    (
        "max_input_tokens",
        "BIGINT",
        "the most input-side tokens a request may have in the period; empty: no limit known",
    ),
    ("input_modalities", "VARCHAR", "what the model accepts (text image audio video pdf ...), separated by spaces"),
    ("output_modalities", "VARCHAR", "what the model produces, separated by spaces"),
    (
        "windows",
        "VARCHAR",
        "a variant's time-of-day windows (UTC) as the catalog gives them; the windows table applies them",
    ),
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
INT_COLUMNS = frozenset({"above_input_tokens", "up_to_input_tokens", "max_input_tokens"})


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
    modalities = model.get("modalities", {})
    out = []
    for i, period in enumerate(periods):
        if variant is not None and variant not in period.get("variants", {}):
            continue  # not offered in this period
        valid_to = periods[i + 1]["effective_from"] if i + 1 < len(periods) else None
        windows = period["variants"][variant].get("windows", ()) if variant is not None else ()
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
                "max_input_tokens": max_input_of(model, period) or None,
                "input_modalities": " ".join(modalities.get("input", ())),
                "output_modalities": " ".join(modalities.get("output", ())),
                "windows": "; ".join(_window_text(w) for w in windows),
            }
            charged, filled = effective(prices)
            row.update(charged)
            row.update(per_second(charged))
            row["filled"] = " ".join(filled)
            row["source"] = period.get("source", "")
            out.append(row)
    return out


def _window_text(window: dict[str, Any]) -> str:
    days = window.get("weekdays")
    return (",".join(days) + " " if days else "") + f"{window['start']}-{window['end']}"


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


def not_held(table: list[dict[str, Any]]) -> tuple[str, str, str] | None:
    """The first price of ``table`` its DECIMAL(38,18) columns cannot hold exactly, as (model, key,
    the artifact's text), or None: more than 18 decimal places (a table would round it) or 10^20 or
    more (it would not fit), both of which validate accepts with a warning (MC320).
    The engines that load this table (duckdb, Spark) refuse such a catalog rather than round it."""
    for row in table:
        for key in MONEY_KEYS:
            text = row.get(key)
            if text is not None and warehouse_misfit(Decimal(str(text))) is not None:
                return str(row["model"]), key, str(text)
    return None


def to_csv(table: list[dict[str, Any]]) -> str:
    return _csv(table, NAMES)


def _csv(table: list[dict[str, Any]], names: Sequence[str]) -> str:
    """``names`` as the header, then a line per row; a missing value (None) is an empty cell."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(names)
    for row in table:
        writer.writerow(["" if row[n] is None else row[n] for n in names])
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
    ("variant", "VARCHAR", "the variant the name implies (an alias such as eu.anthropic.claude-sonnet-4-6: regional); "
     "'' for none: a usage row's own variant wins"),
)  # fmt: skip


def names(artifact: Artifact) -> list[tuple[str, str, str]]:
    """(name, model, variant) for every name ``runtime.Catalog.resolve`` accepts,
    lower case: canonical references, ``provider/alias``, and bare ids and
    aliases that exactly one model has (an ambiguous bare name names nothing);
    ``variant`` is the one an alias names (``alias_variants``), else ''."""
    bare: dict[str, set[str]] = {}
    implied: dict[str, str] = {}
    for ref, model in artifact.models.items():
        for name in (model["id"], *model.get("aliases", ())):
            bare.setdefault(name.lower(), set()).add(ref)
        for alias, variant in (model.get("alias_variants") or {}).items():
            implied[alias.lower()] = implied[f"{model['provider']}/{alias}".lower()] = variant
    out = {name: next(iter(refs)) for name, refs in bare.items() if len(refs) == 1}
    for ref, model in artifact.models.items():
        for alias in model.get("aliases", ()):
            out[f"{model['provider']}/{alias}".lower()] = ref
    for ref in artifact.models:
        out[ref.lower()] = ref
    return sorted((name, ref, "" if name == ref.lower() else implied.get(name, "")) for name, ref in out.items())


def names_csv(table: list[tuple[str, str, str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([n for n, _, _ in NAME_COLUMNS])
    writer.writerows(table)
    return buf.getvalue()


# --- time-of-day windows ------------------------------------------------------------------

WINDOW_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("model", "VARCHAR", "canonical reference, as in the price table"),
    ("valid_from", "DATE", "the price period's first day (UTC)"),
    ("valid_to", "DATE", "the next period's first day (exclusive); empty for the newest"),
    ("weekday", "INTEGER", "the UTC day of the week of the instant: 0 = Monday ... 6 = Sunday"),
    ("start_minute", "INTEGER", "minute of the UTC day the span starts (included)"),
    ("end_minute", "INTEGER", "minute it ends (excluded; 1440 = midnight)"),
    ("variant", "VARCHAR", "the variant billed in the span, unless the row names a variant itself"),
)
WINDOW_NAMES = tuple(name for name, _, _ in WINDOW_COLUMNS)


def windows(artifact: Artifact) -> list[dict[str, Any]]:
    """The time-of-day windows as spans that never overlap: for each model and
    price period with windows, each weekday and each span of minutes where one
    variant's window holds (the first variant in name order where windows of
    two overlap, as ``runtime.Catalog.cost``), a row.  A usage row with a time
    of day and no variant of its own (or of its alias) matches at most one."""
    out = []
    for ref, model in sorted(artifact.models.items()):
        periods = periods_in_force(model)
        for i, period in enumerate(periods):
            compiled = compile_windows(period.get("variants", {}))
            if not compiled:
                continue
            valid_to = periods[i + 1]["effective_from"] if i + 1 < len(periods) else None
            cuts = sorted({0, 1440, *(m for _, spans in compiled for s in spans for m in s[:2] if 0 < m < 1440)})
            for weekday in range(7):
                spans: list[list[Any]] = []
                for start, end in zip(cuts, cuts[1:], strict=False):
                    # no span starts or ends inside [start, end): one answer holds for all of it
                    variant = window_variant(compiled, start, weekday)
                    if variant is None:
                        continue
                    if spans and spans[-1][1] == start and spans[-1][2] == variant:
                        spans[-1][1] = end
                    else:
                        spans.append([start, end, variant])
                out += [
                    {"model": ref, "valid_from": period["effective_from"], "valid_to": valid_to, "weekday": weekday,
                     "start_minute": s, "end_minute": e, "variant": v}
                    for s, e, v in spans
                ]  # fmt: skip
    return out


def windows_csv(table: list[dict[str, Any]]) -> str:
    return _csv(table, WINDOW_NAMES)
