"""``import --update``: merge an imported model into its existing file.

The existing file is the user's: keys the source does not give are kept,
descriptive keys it has (name, description, family, dates, ``enabled``) are
kept too, aliases, features and modalities are unions, limits and the
deprecation are merged key by key, and keys the importer only made up
(``derived``: ``status: active``, text modalities) never replace the file's.  Prices keep their history:

* a period the source dates (genai-prices ``start_date``) replaces the
  file's period of the same day, or is added;
* an undated price (LiteLLM, models.dev, OpenRouter: "the price now") that
  equals the period in force refreshes its ``source`` and ``checked``; one
  that differs starts a new period on ``--since`` (default: today).  When
  that day is not after the period in force the merge is refused, naming it.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from modelctl.catalog.model import PRICE_KEYS
from modelctl.interop.importers.common import MODALITIES, Candidate

_DATE_KEYS = ("released", "knowledge_cutoff")
# Descriptive keys the file already has are the user's: an update fills them in, never replaces them.
KEEP = frozenset({"name", "description", "family", "released", "knowledge_cutoff", "open_weights", "enabled"})


class MergeConflict(Exception):
    """The imported prices cannot be placed in the file's history."""


def normalized(data: dict[str, Any]) -> dict[str, Any]:
    """A loaded model file with its dates as ``date`` (the loader keeps strings)."""
    out = dict(data)
    for key in _DATE_KEYS:
        out[key] = _day(out.get(key))
    if isinstance(out.get("deprecation"), dict):
        dep = dict(out["deprecation"])
        for key in ("announced", "retires"):
            dep[key] = _day(dep.get(key))
        out["deprecation"] = {k: v for k, v in dep.items() if v is not None}
    periods = []
    for period in out.get("pricing") or []:
        p = dict(period)
        p["effective_from"], p["checked"] = _day(p.get("effective_from")), _day(p.get("checked"))
        periods.append(p)
    out["pricing"] = periods
    return {k: v for k, v in out.items() if v is not None}


def _day(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def merge_model(old: dict[str, Any], new: dict[str, Any], cand: Candidate, today: date) -> dict[str, Any]:
    """The existing document ``old`` (normalized) updated from ``new``."""
    out = dict(old)
    keep_lifecycle = "status" in cand.derived and "status" in old
    for key, value in new.items():
        if key in ("id", "pricing"):
            continue
        if key in ("status", "enabled", "deprecation") and keep_lifecycle:
            continue
        if (key in cand.derived or key in KEEP) and key in old:
            continue
        if key == "aliases":
            out[key] = _union(old.get(key) or [], value)
        elif key == "features":
            out[key] = _union(old.get(key) or [], value)
        elif key in ("limits", "deprecation"):
            out[key] = {**(old.get(key) or {}), **value}
        elif key == "modalities":
            before = old.get(key) or {}
            out[key] = {side: _ordered(before.get(side) or [], value[side]) for side in ("input", "output")}
        else:
            out[key] = value
    out["pricing"] = merge_pricing(old.get("pricing") or [], new["pricing"], cand.undated_from, today)
    return out


def _union(first: list[Any], second: list[Any]) -> list[Any]:
    return first + [x for x in second if x not in first]


def _ordered(first: list[str], second: list[str]) -> list[str]:
    have = set(first) | set(second)
    return [m for m in MODALITIES if m in have]


def merge_pricing(
    old: list[dict[str, Any]], new: list[dict[str, Any]], undated_from: date | None, today: date
) -> list[dict[str, Any]]:
    by_day: dict[Any, dict[str, Any]] = {p["effective_from"]: dict(p) for p in old}
    incoming = sorted(new, key=lambda p: p["effective_from"])
    for i, period in enumerate(incoming):
        start = period["effective_from"]
        if undated_from is None or start != undated_from:
            before = by_day.get(start)
            note = before.get("note") if before else None
            by_day[start] = {**period, **({"note": note} if note and "note" not in period else {})}
            continue
        ref = today if i == len(incoming) - 1 else incoming[i + 1]["effective_from"] - timedelta(days=1)
        in_force = max((p for p in by_day.values() if _le(p["effective_from"], ref)), key=_start, default=None)
        if in_force is not None and same_prices(in_force, period):
            in_force.update(source=period["source"], checked=period["checked"])
        elif in_force is None or _start(in_force) < start:
            by_day[start] = dict(period)
        elif _start(in_force) == start:
            by_day[start] = {**period, **({"note": in_force["note"]} if "note" in in_force else {})}
        else:
            raise MergeConflict(
                f"its price differs from the file's period from {in_force['effective_from']}, and the source "
                f"does not say since when: pass --since DATE (after {in_force['effective_from']}) to add it"
            )
    return sorted(by_day.values(), key=_start, reverse=True)


def _start(period: dict[str, Any]) -> date:
    value = period["effective_from"]
    return value if isinstance(value, date) else date.min


def _le(value: Any, ref: date) -> bool:
    return isinstance(value, date) and value <= ref


def price_key(prices: dict[str, Any]) -> tuple[tuple[str, Decimal], ...]:
    return tuple((k, Decimal(prices[k])) for k in PRICE_KEYS if prices.get(k) is not None)


def _tiers_key(owner: dict[str, Any]) -> tuple[Any, ...]:
    return tuple((t["above_input_tokens"], price_key(t)) for t in owner.get("tiers") or ())


def same_prices(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Equal prices, tiers and variants (notes, sources and dates aside)."""

    def key(p: dict[str, Any]) -> tuple[Any, ...]:
        variants = p.get("variants") or {}
        return (
            price_key(p),
            _tiers_key(p),
            tuple(sorted((n, price_key(v), _tiers_key(v)) for n, v in variants.items())),
        )

    return key(a) == key(b)
