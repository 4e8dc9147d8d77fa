"""``modelctl price set``: a new dated price period that carries forward every
key, tier and variant of the period in force and changes only what is given.

A ``--from`` in the future schedules the change; changing a period already
in force (or adding one that starts in the past) rewrites prices that were
billed, so it needs ``amend``.
"""

from __future__ import annotations

import copy
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from modelctl.authoring.edit import Outcome, edit_model
from modelctl.authoring.new import UsageProblem
from modelctl.authoring.roundtrip import CommentedMap, CommentedSeq
from modelctl.catalog.model import Model
from modelctl.catalog.schema import load_schema
from modelctl.rules.validate import ValidationResult

__all__ = ["PRICE_KEYS", "parse_assignments", "price_set"]

_META = {"effective_from", "source", "checked", "note", "tiers", "variants", "free", "windows", "limits"}
PRICE_KEYS = tuple(k for k in load_schema("model")["properties"]["pricing"]["items"]["properties"] if k not in _META)
_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?")


def parse_assignments(items: list[str]) -> dict[str, Decimal | None]:
    """``KEY=VALUE`` pairs; ``KEY=none`` drops a key the period would otherwise carry forward."""
    out: dict[str, Decimal | None] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key:
            raise UsageProblem(f"{item!r} is not KEY=VALUE (e.g. input_per_1m=2.50)")
        if key not in PRICE_KEYS:
            import difflib

            close = difflib.get_close_matches(key, PRICE_KEYS, n=1)
            hint = f"did you mean {close[0]}?" if close else f"price keys: {', '.join(PRICE_KEYS)}"
            raise UsageProblem(f"{key!r} is not a price key: {hint}")
        if key in out:
            raise UsageProblem(f"{key} is given twice")
        if value.lower() == "none":
            out[key] = None
            continue
        if not _DECIMAL.fullmatch(value):
            raise UsageProblem(f"{key}={value!r}: write a plain non-negative decimal such as 2.50 (USD)")
        try:
            out[key] = Decimal(value)
        except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
            raise UsageProblem(f"{key}={value!r} is not a number") from None
    if not out:
        raise UsageProblem("give at least one KEY=VALUE, e.g. input_per_1m=2.50")
    return out


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def price_set(
    root: Path,
    ref: str,
    changes: dict[str, Decimal | None],
    *,
    start: date,
    today: date,
    before: ValidationResult,
    variant: str | None = None,
    tier: int | None = None,
    source: str | None = None,
    checked: date | None = None,
    amend: bool = False,
) -> Outcome:
    """Write the new (or amended) period into the model's file.  Raises UsageProblem or EditRefused."""

    def change(data: CommentedMap, model: Model) -> list[str]:
        pricing = data.get("pricing")
        if not isinstance(pricing, CommentedSeq) or not pricing:
            raise UsageProblem(f"{model.file}: the model has no pricing list to add to")
        period, notes = _period_for(pricing, start, today, amend)
        if source is not None:
            period["source"] = source
        period["checked"] = checked or today
        target = _target(period, variant, tier)
        for key, value in changes.items():
            if value is None:
                target.pop(key, None)
            elif key in target:
                target[key] = value
            else:
                _insert_price(target, key, value)
        return notes

    return edit_model(root, ref, change, today=today, before=before)


def _period_for(pricing: CommentedSeq, start: date, today: date, amend: bool) -> tuple[CommentedMap, list[str]]:
    days = [_day(p["effective_from"]) for p in pricing]
    if start in days:
        period = pricing[days.index(start)]
        if start <= today and not amend:
            raise UsageProblem(
                f"the period from {start} is already in force: changing it rewrites prices that were billed; "
                "pass --amend to correct it, or give a later --from for a new period"
            )
        return period, [f"amended the period from {start}"]
    if start < today and not amend:
        raise UsageProblem(
            f"--from {start} is in the past: a period starting then changes prices already in force; "
            "pass --amend to correct history, or give --from today or later"
        )
    older = [i for i, d in enumerate(days) if d < start]
    base = max(older, key=lambda i: days[i]) if older else min(range(len(days)), key=lambda i: days[i])
    new = copy.deepcopy(pricing[base])
    new["effective_from"] = start
    where = min((i for i, d in enumerate(days) if d < start), default=len(days))
    pricing.insert(where, new)
    when = "scheduled" if start > today else "in force"
    return new, [f"new period from {start} ({when}), carrying forward the period from {days[base]}"]


def _target(period: CommentedMap, variant: str | None, tier: int | None) -> CommentedMap:
    target = period
    if variant is not None:
        variants = period.get("variants")
        if variants is None:
            variants = CommentedMap()
            period["variants"] = variants
        if variant not in variants:
            fresh = CommentedMap()
            fresh.fa.set_flow_style()
            variants[variant] = fresh
        target = variants[variant]
    if tier is not None:
        tiers = target.get("tiers")
        if tiers is None:
            tiers = CommentedSeq()
            _insert_before(target, "tiers", tiers, ("variants",))
        for item in tiers:
            if int(item["above_input_tokens"]) == tier:
                return item  # type: ignore[no-any-return]
        fresh = CommentedMap([("above_input_tokens", tier)])
        fresh.fa.set_flow_style()
        where = sum(1 for item in tiers if int(item["above_input_tokens"]) < tier)
        tiers.insert(where, fresh)
        return fresh
    return target


def _insert_price(target: CommentedMap, key: str, value: Decimal) -> None:
    _insert_before(target, key, value, ("tiers", "variants"))


def _insert_before(target: CommentedMap, key: str, value: object, before: tuple[str, ...]) -> None:
    keys = list(target)
    where = min((keys.index(k) for k in before if k in target), default=len(keys))
    target.insert(where, key, value)
