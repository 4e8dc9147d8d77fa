"""Comparing accounts (contracts): changes to review, as for plans, with the detail a reviewer
needs: the models gained and lost, the defaults, the negotiated prices' deltas in percent and the
rollouts the account opts in to or out of."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import replace
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any

from modelctl.review.changes import ADDED, CHANGED, INFO, REMOVED, REVIEW, Change, _fields, keyed_pairs

_SHOWN = 5


def entitled(plan: Mapping[str, Any] | None, account: Mapping[str, Any] | None, models: Mapping[str, Any]) -> set[str]:
    """The models a plan (or an account on it) may use, rollouts aside."""
    from modelctl.runtime._plans import PlanRules

    if plan is None:
        return set()
    rules = PlanRules({**plan, "rollouts": []}, account)
    return {ref for ref, m in models.items() if rules.decide(ref, m)}


def gained_and_lost(before: set[str], after: set[str]) -> str:
    def names(refs: set[str]) -> str:
        shown = sorted(refs)[:_SHOWN]
        more = f" and {len(refs) - _SHOWN} more" if len(refs) > _SHOWN else ""
        return ", ".join(shown) + more

    gained, lost = after - before, before - after
    parts = ([f"gains {len(gained)} ({names(gained)})"] if gained else []) + (
        [f"loses {len(lost)} ({names(lost)})"] if lost else []
    )
    return "; ".join(parts) or "no model gained or lost"


def merged_models(base: Mapping[str, Any], head: Mapping[str, Any]) -> dict[str, Any]:
    # One set of models for both sides: what a plan or account change alone does (a side built from
    # a pull request's changed files holds only some models).
    return {**(base.get("models") or {}), **(head.get("models") or {})}


def account_changes(
    key: str, old: Mapping[str, Any], new: Mapping[str, Any], base: Mapping[str, Any], head: Mapping[str, Any]
) -> Iterator[Change]:
    skip = ("pricing", "rollouts")
    rest_old = {k: v for k, v in old.items() if k not in skip}
    rest_new = {k: v for k, v in new.items() if k not in skip}
    models_detail: str | None = None
    for change in _fields("account", key, rest_old, rest_new, ""):
        path = change.field or ""
        if change.cls == INFO and path.startswith("defaults."):
            purpose = path.split(".", 1)[1]
            change = replace(change, cls=REVIEW, reason=f"the default {purpose} model of account {key} changes")
        elif change.cls == INFO and (path.startswith("models.") or path == "plan"):
            if models_detail is None:
                models = merged_models(base, head)
                plans_old, plans_new = base.get("plans") or {}, head.get("plans") or base.get("plans") or {}
                before = entitled(plans_old.get(old.get("plan")) or plans_new.get(old.get("plan")), old, models)
                after = entitled(plans_new.get(new.get("plan")), new, models)
                models_detail = gained_and_lost(before, after)
            what = f"account {key} moves to plan {new.get('plan')}" if path == "plan" else "its models change"
            change = replace(change, cls=REVIEW, reason=f"{what}: {models_detail}")
        yield change
    yield from _pricing(key, old.get("pricing") or [], new.get("pricing") or [])
    yield from _opt_ins(key, old.get("rollouts") or {}, new.get("rollouts") or {})


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _pricing(key: str, old: list[Mapping[str, Any]], new: list[Mapping[str, Any]]) -> Iterator[Change]:
    # A selector listed once is matched by itself; listed more than once (dated terms), each entry
    # is matched by its selector and its effective_from, so that a change to any of them is seen.
    counts = Counter(e["model"] for e in old) | Counter(e["model"] for e in new)

    def term(entry: Mapping[str, Any]) -> str:
        selector = entry["model"]
        return selector if counts[selector] == 1 else f"{selector} from {entry.get('effective_from', 'the start')}"

    yield from _reordered(key, [term(e) for e in old], [term(e) for e in new])
    for selector, a, b in keyed_pairs(old, new, term):
        path = f"pricing[{selector}]"
        if a is None or b is None:
            action = ADDED if a is None else REMOVED
            what = "new negotiated price" if a is None else "negotiated price removed: list price x markup applies"
            yield Change("account", key, action, path, a, b, REVIEW, f"{what} for {selector}")
            continue
        for name in sorted(set(a.get("prices", {})) | set(b.get("prices", {}))):
            x, y = a.get("prices", {}).get(name), b.get("prices", {}).get(name)
            if x != y:
                yield _delta_change(key, f"{path}.prices.{name}", name, x, y, f"negotiated {name} for {selector}")
        if a.get("discount_percent") != b.get("discount_percent"):
            x, y = a.get("discount_percent"), b.get("discount_percent")
            yield Change(
                "account",
                key,
                CHANGED,
                f"{path}.discount_percent",
                x,
                y,
                REVIEW,
                f"discount for {selector} changes from {x or 0}% to {y or 0}%",
            )
        for name in sorted((set(a) | set(b)) - {"model", "prices", "discount_percent"}):
            if a.get(name) != b.get(name):
                cls = INFO if name == "note" else REVIEW
                yield Change("account", key, CHANGED, f"{path}.{name}", a.get(name), b.get(name), cls, "")


def _reordered(key: str, old: list[str], new: list[str]) -> Iterator[Change]:
    """The first entry matching a model applies: the entries both sides have, in another order, may
    give a model another price (``acme/*`` moved above ``acme/alpha``), so it is a change to review."""
    common = set(old) & set(new)
    before, after = [t for t in old if t in common], [t for t in new if t in common]
    if before != after:
        reason = (
            "negotiated terms reordered: the first entry matching a model applies, so a model may get another price"
        )
        yield Change("account", key, CHANGED, "pricing", before, after, REVIEW, reason)


def _delta_change(key: str, path: str, name: str, x: Any, y: Any, what: str) -> Change:
    old, new = _decimal(x), _decimal(y)
    percent = None
    if old is not None and new is not None and old:
        with localcontext() as ctx:  # exact for any value validate accepts (40 digits, 10^-40 to 10^40)
            ctx.prec = 200
            percent = ((new - old) / old * 100).quantize(Decimal("0.1"))
    action = ADDED if x is None else REMOVED if y is None else CHANGED
    shown = f" ({'+' if percent > 0 else ''}{percent}%)" if percent is not None else ""
    reason = f"{what}: {x if x is not None else 'list price'} -> {y if y is not None else 'list price'}{shown}"
    # No PriceChange: that is a model's list price, which price tables and cost impact read.
    return Change("account", key, action, path, x, y, REVIEW, reason)


def _opt_ins(key: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    for rollout in sorted(set(old) | set(new)):
        a, b = old.get(rollout), new.get(rollout)
        if a == b:
            continue
        now = "opts in to" if b is True else "opts out of" if b is False else "leaves its subjects to the buckets of"
        yield Change(
            "account",
            key,
            ADDED if a is None else REMOVED if b is None else CHANGED,
            f"rollouts.{rollout}",
            a,
            b,
            REVIEW,
            f"account {key} {now} rollout {rollout}: all its subjects move together",
        )
