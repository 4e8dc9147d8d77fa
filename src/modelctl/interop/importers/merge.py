"""``import --update``: merge an imported model into its existing file.

The existing file is the user's: keys the source does not give are kept,
descriptive keys it has (name, description, family, dates, ``enabled``) are
kept too, aliases, features and modalities are unions, limits and the
deprecation are merged key by key, and keys the importer only made up
(``derived``: ``status: active``, text modalities) never replace the file's.  Prices keep their history:

* an incoming period is laid over the file's period it updates key by key
  (tiers by threshold, variants by name): a price the source does not give
  is kept, never dropped;
* a period the source dates (genai-prices ``start_date``) updates the
  file's period of the same day, or is added; a period already in force
  (started on or before today) is never changed: a different price there
  is refused, naming each key;
* an undated price (LiteLLM, models.dev, OpenRouter: "the price now") that
  equals the period in force refreshes its ``source`` and ``checked``; one
  that differs starts a new period on ``--since`` (default: today), keeping
  the prices the source does not give.  When that day is not after the
  period in force the merge is refused, naming the keys it would change.

Every price added or changed is reported (``key old -> new``).
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


def merge_model(
    old: dict[str, Any], new: dict[str, Any], cand: Candidate, today: date, *, since: date | None = None
) -> dict[str, Any]:
    """The existing document ``old`` (normalized) updated from ``new``."""
    return merge_model_report(old, new, cand, today, since=since)[0]


def merge_model_report(
    old: dict[str, Any], new: dict[str, Any], cand: Candidate, today: date, *, since: date | None = None
) -> tuple[dict[str, Any], list[str]]:
    """``merge_model``, and the prices it adds or changes (one line each)."""
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
    out["pricing"], report = merge_pricing_report(
        old.get("pricing") or [], new["pricing"], cand.undated_from, today, since=since
    )
    return out, report


def _union(first: list[Any], second: list[Any]) -> list[Any]:
    return first + [x for x in second if x not in first]


def _ordered(first: list[str], second: list[str]) -> list[str]:
    have = set(first) | set(second)
    return [m for m in MODALITIES if m in have]


def merge_pricing(
    old: list[dict[str, Any]],
    new: list[dict[str, Any]],
    undated_from: date | None,
    today: date,
    *,
    since: date | None = None,
) -> list[dict[str, Any]]:
    """The file's periods with the source's merged in (see the module docstring)."""
    return merge_pricing_report(old, new, undated_from, today, since=since)[0]


def merge_pricing_report(
    old: list[dict[str, Any]],
    new: list[dict[str, Any]],
    undated_from: date | None,
    today: date,
    *,
    since: date | None = None,
) -> tuple[list[dict[str, Any]], list[str]]:
    """The merged periods, and one line per price the merge adds or changes.

    Each incoming period is laid over the file's period it updates, key by
    key (variants and tiers too): a key the source does not give is kept.
    A period already in force (``effective_from`` on or before today) is
    never changed: a different price there starts a new period on
    ``--since`` when the source is undated (or updates the period that
    starts on ``--since`` itself), and is refused otherwise."""
    by_day: dict[Any, dict[str, Any]] = {p["effective_from"]: dict(p) for p in old}
    incoming = sorted(new, key=lambda p: p["effective_from"])
    report: list[str] = []
    for i, period in enumerate(incoming):
        start = period["effective_from"]
        undated = undated_from is not None and start == undated_from
        if undated:
            ref = today if i == len(incoming) - 1 else incoming[i + 1]["effective_from"] - timedelta(days=1)
            target = max((p for p in by_day.values() if _le(p["effective_from"], ref)), key=_start, default=None)
        else:
            target = by_day.get(start)
        if target is None:
            by_day[start] = dict(period)
            report.append(f"new period from {start}: {_listing(period)}")
            continue
        merged = overlay(target, period)
        if same_prices(merged, target):
            target.update(source=period["source"], checked=period["checked"])
            continue
        changes = price_changes(target, merged)
        t_start = target["effective_from"]
        if undated and _start(target) < start:
            by_day[start] = {**merged, "effective_from": start}
            by_day[start].pop("note", None)
            report.append(f"new period from {start} (the period from {t_start} is kept): {', '.join(changes)}")
        elif not _le(t_start, today):  # not in force yet: the source's newer word wins
            by_day[t_start] = merged
            report.append(f"period from {t_start} (not yet in force): {', '.join(changes)}")
        elif undated and since is not None and t_start == start == since:  # the user's --since names this very period
            by_day[t_start] = merged
            report.append(f"period from {t_start} (--since): {', '.join(changes)}")
        elif undated:
            raise MergeConflict(
                f"the source changes the period from {t_start}, which is in force ({', '.join(changes)}), and "
                f"does not say since when: pass --since DATE (after {t_start}) to start a new period with them"
            )
        else:
            raise MergeConflict(
                f"the source's period from {t_start} differs from the file's, which is in force "
                f"({', '.join(changes)}): the file is kept; edit it by hand if the source is right"
            )
    return sorted(by_day.values(), key=_start, reverse=True), report


def overlay(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """``new`` laid over ``old`` key by key: prices, tiers (by threshold) and
    variants (by name) the source does not give are kept."""
    out = {**old, **{k: v for k, v in new.items() if k not in ("tiers", "variants", "note")}}
    if "tiers" in old or "tiers" in new:
        out["tiers"] = _overlay_tiers(old.get("tiers") or [], new.get("tiers") or [])
    if "variants" in old or "variants" in new:
        variants = dict(old.get("variants") or {})
        for name, variant in (new.get("variants") or {}).items():
            variants[name] = overlay(variants[name], variant) if name in variants else variant
        out["variants"] = variants
    return out


def _overlay_tiers(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_above = {t["above_input_tokens"]: dict(t) for t in old}
    for tier in new:
        above = tier["above_input_tokens"]
        by_above[above] = {**by_above.get(above, {}), **tier}
    return [by_above[k] for k in sorted(by_above)]


def _flat(period: dict[str, Any], prefix: str = "") -> dict[str, Decimal]:
    out = {f"{prefix}{k}": v for k, v in price_key(period)}
    for tier in period.get("tiers") or ():
        above = tier["above_input_tokens"]
        out.update(_flat({k: v for k, v in tier.items() if k != "tiers"}, f"{prefix}tiers[>{above}]."))
    for name, variant in (period.get("variants") or {}).items():
        out.update(_flat(variant, f"{prefix}variants.{name}."))
    return out


def price_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """``key old -> new`` for each price that differs (``-`` where there is none)."""
    a, b = _flat(old), _flat(new)
    return [f"{k} {_show(a.get(k))} -> {_show(b.get(k))}" for k in sorted(a.keys() | b.keys()) if a.get(k) != b.get(k)]


def _listing(period: dict[str, Any]) -> str:
    return ", ".join(f"{k} {_show(v)}" for k, v in sorted(_flat(period).items())) or "no prices"


def _show(value: Decimal | None) -> str:
    return "(none)" if value is None else format(value, "f")


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
