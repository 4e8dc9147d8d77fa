"""Comparing plans (defaults, allowed models, rollouts) and finding the plans and accounts a change touches."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from modelctl.review.changes import (
    ADDED,
    CHANGED,
    INFO,
    REMOVED,
    REVIEW,
    Change,
    _fields,
    keyed_pairs,
)


def _plan(
    key: str, old: Mapping[str, Any], new: Mapping[str, Any], models: Mapping[str, Any] | None = None
) -> Iterator[Change]:
    rest_old = {k: v for k, v in old.items() if k != "rollouts"}
    rest_new = {k: v for k, v in new.items() if k != "rollouts"}
    for change in _fields("plan", key, rest_old, rest_new, ""):
        field_path = change.field or ""
        if change.cls == INFO and field_path.startswith("defaults."):
            purpose = field_path.split(".", 1)[1]
            reason = f"the default {purpose} model of every account on plan {key} changes"
            change = replace(change, cls=REVIEW, reason=reason)
        elif change.cls == INFO and field_path.startswith("models."):
            detail = ""
            if models is not None:
                from modelctl.review.accounts import entitled, gained_and_lost

                detail = ": " + gained_and_lost(entitled(old, None, models), entitled(new, None, models))
            change = replace(change, cls=REVIEW, reason=f"the models plan {key} may use change{detail}")
        yield change
    yield from _rollouts(key, old.get("rollouts", []), new.get("rollouts", []))


def _rollouts(plan: str, old: list[Mapping[str, Any]], new: list[Mapping[str, Any]]) -> Iterator[Change]:
    for rid, a, b in keyed_pairs(old, new, "id"):
        path = f"rollouts.{rid}"
        if a is None or b is None:
            action = ADDED if a is None else REMOVED
            what = "started" if a is None else "ended"
            yield Change("plan", plan, action, path, a, b, INFO, f"rollout {rid} {what}")
            continue
        if a.get("salt", rid) != b.get("salt", rid):
            yield Change(
                "plan",
                plan,
                CHANGED,
                f"{path}.salt",
                a.get("salt", rid),
                b.get("salt", rid),
                REVIEW,
                f"changing the salt re-buckets every account of plan {plan} in rollout {rid}",
            )
        if a.get("percent") != b.get("percent"):
            old_p, new_p = Decimal(a.get("percent", "0")), Decimal(b.get("percent", "0"))
            cls = REVIEW if new_p < old_p else INFO
            reason = (
                f"rollout {rid} shrinks from {old_p}% to {new_p}%: accounts already included lose the model"
                if cls == REVIEW
                else f"rollout {rid} grows from {old_p}% to {new_p}% (everyone included stays)"
            )
            yield Change("plan", plan, CHANGED, f"{path}.percent", a.get("percent"), b.get("percent"), cls, reason)
        old_v = [(v["model"], v["weight"]) for v in a.get("variants", ())]
        new_v = [(v["model"], v["weight"]) for v in b.get("variants", ())]
        if old_v != new_v:
            reordered = sorted(old_v) == sorted(new_v)
            reason = (
                f"variants of {rid} reordered: accounts move between variants"
                if reordered
                else f"variants or weights of {rid} change: accounts move between variants"
            )
            yield Change("plan", plan, CHANGED, f"{path}.variants", old_v, new_v, REVIEW, reason)
        for name in ("model", "purpose", "note"):
            if a.get(name) != b.get(name):
                yield Change(
                    "plan",
                    plan,
                    CHANGED,
                    f"{path}.{name}",
                    a.get(name),
                    b.get(name),
                    REVIEW if name != "note" else INFO,
                    "",
                )


def _impact(changes: list[Change], base: Mapping[str, Any], head: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """For each model whose prices or lifecycle change: the plans that may use it and the accounts on
    them (or with a negotiated price for it)."""
    touched = sorted(
        {
            c.entity
            for c in changes
            if c.kind == "model"
            and (
                c.price is not None
                or c.field in (None, "status", "enabled")
                or (c.field or "").startswith("deprecation")
            )
        }
    )
    plans = head.get("plans") or base.get("plans") or {}
    if not touched or not plans:
        return {}
    from modelctl.runtime._plans import PlanRules, Selector

    accounts = head.get("accounts") or base.get("accounts") or {}
    rules = {pid: PlanRules({**p, "rollouts": []}, None) for pid, p in plans.items()}
    out: dict[str, dict[str, Any]] = {}
    for ref in touched:
        model = head.get("models", {}).get(ref) or base.get("models", {}).get(ref)
        if model is None:
            continue
        # Judge availability as if the model were still enabled and not retired: a retirement
        # touches the plans that offered it.
        probe = {**model, "status": "active", "enabled": True}
        in_plans = sorted(pid for pid, r in rules.items() if r.decide(ref, probe))
        in_accounts = sorted(
            aid
            for aid, acc in accounts.items()
            if acc.get("plan") in in_plans
            or any(Selector(p["model"]).matches(ref, probe) for p in acc.get("pricing", ()))
        )
        if in_plans or in_accounts:
            out[ref] = {"plans": in_plans, "accounts": in_accounts}
    from modelctl.review.fallbacks import fallbacks

    for ref, shifts in fallbacks(base, head, list(out)).items():
        out[ref]["defaults"] = shifts
    return out
