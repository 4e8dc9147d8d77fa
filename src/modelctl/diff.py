"""Compare two catalogs: field-level changes, classified for review.

Both sides are *content* mappings in the artifact's shape (``compile.content_of``
or a published artifact's ``content``), possibly partial: a side built from
the changed files of a pull request holds only the models those files define.
The comparison is pure: it returns ``Change`` values; renderers live in the CLI.

Classes:

- **breaking**: what can break an application: a model, alias, variant or
  provider removed (a retired model may go), a feature or modality removed,
  a context window or output limit shrunk, a currency changed, a model
  disabled.
- **review**: what a reviewer must look at: a price raised by more than the
  threshold (10% by default), a price removed, a past price rewritten or a new
  period dated in the past (usage already billed would be re-priced), a model
  retired.
- **info**: everything else.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from modelctl._gc import paused_gc
from modelctl.model import PRICE_KEYS

BREAKING, REVIEW, INFO = "breaking", "review", "info"
CLASS_ORDER = {BREAKING: 0, REVIEW: 1, INFO: 2}
ADDED, REMOVED, CHANGED = "added", "removed", "changed"

_ORDER = {k: i for i, k in enumerate(PRICE_KEYS)}
_SHRINK_IS_BREAKING = {"context_window", "max_output_tokens", "max_input_tokens"}
_LIST_ITEMS_REMOVED_BREAKING = {"features", "aliases", "modalities.input", "modalities.output"}
_KINDS = (("providers", "provider"), ("models", "model"), ("plans", "plan"), ("accounts", "account"))


@dataclass(frozen=True, slots=True)
class PriceChange:
    """The price detail of a change: where in the price structure, and by how much."""

    key: str
    effective_from: str
    variant: str | None = None
    tier: int | None = None
    scheduled: bool = False
    delta: Decimal | None = None
    percent: Decimal | None = None  # None when there is no before, or before is zero


@dataclass(frozen=True, slots=True)
class Change:
    kind: str  # provider | model | plan | account | catalog
    entity: str  # the id (models: provider/id)
    action: str  # added | removed | changed
    field: str | None  # dotted path inside the entity, None for the whole entity
    before: Any
    after: Any
    cls: str  # breaking | review | info
    reason: str = ""
    price: PriceChange | None = None

    @property
    def address(self) -> str:
        base = f'{self.kind}s["{self.entity}"]'
        return f"{base}.{self.field}" if self.field else base


@dataclass(frozen=True, slots=True)
class DiffResult:
    base: str
    head: str
    changes: tuple[Change, ...]
    entities: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # kind -> action -> ids
    # model -> {"plans": [...], "accounts": [...]} for models whose prices or lifecycle change
    impact: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def count(self, cls: str) -> int:
        return sum(1 for c in self.changes if c.cls == cls)

    @property
    def empty(self) -> bool:
        return not self.changes


@dataclass(frozen=True, slots=True)
class DiffOptions:
    today: date
    review_threshold: Decimal = Decimal(10)


def diff_contents(
    base: Mapping[str, Any],
    head: Mapping[str, Any],
    *,
    options: DiffOptions,
    base_label: str = "base",
    head_label: str = "head",
) -> DiffResult:
    """Every change from ``base`` to ``head``."""
    with paused_gc():
        return _diff_contents(base, head, options=options, base_label=base_label, head_label=head_label)


def _diff_contents(
    base: Mapping[str, Any], head: Mapping[str, Any], *, options: DiffOptions, base_label: str, head_label: str
) -> DiffResult:
    changes: list[Change] = []
    entities: dict[str, dict[str, list[str]]] = {}
    for section, kind in _KINDS:
        before, after = base.get(section, {}), head.get(section, {})
        summary = entities.setdefault(kind, {ADDED: [], REMOVED: [], CHANGED: []})
        for key in sorted(set(before) | set(after)):
            old, new = before.get(key), after.get(key)
            if old == new:
                continue
            found = list(_entity(kind, key, old, new, options, after))
            if not found:
                continue
            changes += found
            summary[ADDED if old is None else REMOVED if new is None else CHANGED].append(key)
    changes += _catalog_settings(base.get("catalog", {}), head.get("catalog", {}))
    changes.sort(key=lambda c: (CLASS_ORDER[c.cls], c.kind, c.entity, c.field or ""))
    return DiffResult(base_label, head_label, tuple(changes), entities, _impact(changes, base, head))


def _entity(kind: str, key: str, old: Any, new: Any, options: DiffOptions, head: Mapping[str, Any]) -> Iterator[Change]:
    if old is None:
        yield Change(kind, key, ADDED, None, None, _summary(kind, new), INFO, f"new {kind}")
        return
    if new is None:
        successor = _alias_holder(key, head) if kind == "model" else None
        if successor is not None and old.get("status") != "retired":
            yield Change(
                kind,
                key,
                REMOVED,
                None,
                _summary(kind, old),
                None,
                INFO,
                f"renamed to {successor}, which keeps {key.split('/', 1)[1]!r} as an alias",
            )
        else:
            yield _removed(kind, key, old)
        return
    if kind == "model":
        yield from _model(key, old, new, options)
    elif kind == "plan":
        yield from _plan(key, old, new)
    else:
        yield from _fields(kind, key, old, new, "")


def _alias_holder(ref: str, models: Mapping[str, Any]) -> str | None:
    """The model of the same provider that lists ``ref``'s id as an alias (a rename that keeps the old name)."""
    provider, _, old_id = ref.partition("/")
    for other, model in models.items():
        if other.startswith(f"{provider}/") and old_id.lower() in (a.lower() for a in model.get("aliases", ())):
            return str(other)
    return None


def _summary(kind: str, entity: Mapping[str, Any]) -> Any:
    if kind != "model":
        return entity.get("name", entity.get("id"))
    prices = entity.get("pricing", [{}])[0].get("prices", {})
    return {"name": entity.get("name"), "status": entity.get("status"), "prices": prices}


def _removed(kind: str, key: str, old: Mapping[str, Any]) -> Change:
    if kind == "model" and old.get("status") == "retired":
        return Change(kind, key, REMOVED, None, _summary(kind, old), None, INFO, "retired model removed")
    reason = {
        "model": f"model removed while {old.get('status', 'active')}: applications that name it will fail; "
        "retire it first (status: retired) with a replacement",
        "provider": "provider removed",
        "plan": "plan removed: its accounts lose their entitlements",
        "account": "account removed",
    }[kind]
    return Change(kind, key, REMOVED, None, _summary(kind, old), None, BREAKING, reason)


# --- generic fields ----------------------------------------------------------------------


def _fields(kind: str, key: str, old: Any, new: Any, path: str) -> Iterator[Change]:
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for name in sorted(set(old) | set(new)):
            sub = f"{path}.{name}" if path else name
            a, b = old.get(name), new.get(name)
            if a != b:
                yield from _fields(kind, key, a, b, sub)
        return
    if isinstance(old, list) or isinstance(new, list):  # an absent list is an empty one
        a, b = old or [], new or []
        if isinstance(a, list) and isinstance(b, list) and all(isinstance(x, str) for x in a + b):
            yield from _list(kind, key, a, b, path)
            return
    action = ADDED if old is None else REMOVED if new is None else CHANGED
    yield Change(kind, key, action, path, old, new, *_classify_field(kind, path, old, new))


def _list(kind: str, key: str, old: list[str], new: list[str], path: str) -> Iterator[Change]:
    removed = [x for x in old if x not in new]
    added = [x for x in new if x not in old]
    for item in removed:
        breaking = path in _LIST_ITEMS_REMOVED_BREAKING
        what = {"features": "feature", "aliases": "alias"}.get(path, path)
        reason = f"{what} {item!r} removed" + (": applications relying on it will fail" if breaking else "")
        yield Change(kind, key, REMOVED, path, item, None, BREAKING if breaking else INFO, reason)
    for item in added:
        yield Change(kind, key, ADDED, path, None, item, INFO, "")
    if not removed and not added and old != new:
        yield Change(kind, key, CHANGED, path, old, new, INFO, "reordered")


def _classify_field(kind: str, path: str, old: Any, new: Any) -> tuple[str, str]:
    leaf = path.rsplit(".", 1)[-1]
    if leaf in _SHRINK_IS_BREAKING and isinstance(old, int):
        if new is None or (isinstance(new, int) and new < old):
            return BREAKING, f"{leaf} shrunk from {old:,} to {new:,}" if new is not None else f"{leaf} removed"
        return INFO, ""
    if path == "currency" and old is not None:
        return BREAKING, f"currency changed from {old} to {new}: every price changes meaning"
    if kind == "model" and path == "enabled" and old is not False and new is False:
        return BREAKING, "model disabled: it is available nowhere from the moment this is published"
    if kind == "model" and path == "status" and new == "retired":
        return REVIEW, "model retired: it will be served nowhere"
    return INFO, ""


# --- models and prices --------------------------------------------------------------------


def _model(key: str, old: Mapping[str, Any], new: Mapping[str, Any], options: DiffOptions) -> Iterator[Change]:
    rest_old = {k: v for k, v in old.items() if k != "pricing"}
    rest_new = {k: v for k, v in new.items() if k != "pricing"}
    yield from _fields("model", key, rest_old, rest_new, "")
    if old.get("pricing") != new.get("pricing"):
        yield from _pricing(key, old.get("pricing", []), new.get("pricing", []), options)


def _periods(pricing: list[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    return {p["effective_from"]: p for p in pricing}


def _in_force(periods: dict[str, Mapping[str, Any]], day: str) -> Mapping[str, Any] | None:
    started = [d for d in periods if d <= day]
    return periods[max(started)] if started else None


def _pricing(
    key: str, old: list[Mapping[str, Any]], new: list[Mapping[str, Any]], options: DiffOptions
) -> Iterator[Change]:
    before, after = _periods(old), _periods(new)
    today = options.today.isoformat()
    for day in sorted(set(before) | set(after), reverse=True):
        a, b = before.get(day), after.get(day)
        if a == b:
            continue
        scheduled = day > today
        if a is None and b is not None:
            # A new period: compare with what was in force on that day before the change.
            prior = _in_force(before, day)
            yield from _price_sets(
                key, day, prior, b, options, scheduled=scheduled, new_period=True, retroactive=day < today
            )
        elif b is None and a is not None:
            cls = REVIEW if day <= today else INFO
            reason = (
                "price period removed: usage in it would be re-priced"
                if cls == REVIEW
                else "scheduled price change withdrawn"
            )
            yield Change(
                "model",
                key,
                REMOVED,
                f"pricing[{day}]",
                a.get("prices"),
                None,
                cls,
                reason,
                PriceChange("*", day, scheduled=scheduled),
            )
        else:
            assert a is not None and b is not None
            yield from _price_sets(
                key, day, a, b, options, scheduled=scheduled, new_period=False, retroactive=day <= today
            )
            for name in ("source", "checked", "note"):
                if a.get(name) != b.get(name):
                    yield Change(
                        "model",
                        key,
                        CHANGED if a.get(name) and b.get(name) else ADDED if b.get(name) else REMOVED,
                        f"pricing[{day}].{name}",
                        a.get(name),
                        b.get(name),
                        INFO,
                        "",
                    )


def _price_sets(
    key: str,
    day: str,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any],
    options: DiffOptions,
    *,
    scheduled: bool,
    new_period: bool,
    retroactive: bool,
) -> Iterator[Change]:
    old = old or {}
    old_v, new_v = old.get("variants", {}), new.get("variants", {})
    # The base prices (variant None), then each variant, compared the same way.
    sets: list[tuple[str | None, Any, Any]] = [(None, old, new)]
    sets += [(name, old_v.get(name), new_v.get(name)) for name in sorted(set(old_v) | set(new_v))]
    for name, a, b in sets:
        if a == b and name is not None:
            continue
        if b is None:
            yield Change(
                "model",
                key,
                REMOVED,
                f"pricing[{day}].variants.{name}",
                a,
                None,
                BREAKING,
                f"variant {name!r} removed: requests for it will fail",
                PriceChange("*", day, variant=name, scheduled=scheduled),
            )
            continue
        a = a or {}
        yield from _prices(
            key,
            day,
            name,
            None,
            a.get("prices", {}),
            b.get("prices", {}),
            options,
            scheduled=scheduled,
            new_period=new_period,
            retroactive=retroactive,
        )
        yield from _tiers(
            key, day, name, a.get("tiers", []), b.get("tiers", []), options, scheduled, new_period, retroactive
        )


def _tiers(
    key: str,
    day: str,
    variant: str | None,
    old: list[Mapping[str, Any]],
    new: list[Mapping[str, Any]],
    options: DiffOptions,
    scheduled: bool,
    new_period: bool,
    retroactive: bool,
) -> Iterator[Change]:
    a = {t["above_input_tokens"]: t.get("prices", {}) for t in old}
    b = {t["above_input_tokens"]: t.get("prices", {}) for t in new}
    for above in sorted(set(a) | set(b)):
        yield from _prices(
            key,
            day,
            variant,
            above,
            a.get(above, {}),
            b.get(above, {}),
            options,
            scheduled=scheduled,
            new_period=new_period,
            retroactive=retroactive,
        )


def _where(day: str, variant: str | None, tier: int | None, price_key: str) -> str:
    out = f"pricing[{day}]"
    if variant:
        out += f".variants.{variant}"
    if tier is not None:
        out += f".tiers[>{tier}]"
    return f"{out}.{price_key}"


def _prices(
    key: str,
    day: str,
    variant: str | None,
    tier: int | None,
    old: Mapping[str, str],
    new: Mapping[str, str],
    options: DiffOptions,
    *,
    scheduled: bool,
    new_period: bool,
    retroactive: bool,
) -> Iterator[Change]:
    for price_key in sorted(set(old) | set(new), key=lambda k: _ORDER.get(k, 99)):
        a, b = old.get(price_key), new.get(price_key)
        if a == b:
            continue
        before = Decimal(a) if a is not None else None
        after = Decimal(b) if b is not None else None
        if before is not None and after is not None and before == after:
            continue
        delta = after - before if before is not None and after is not None else None
        percent = (delta / before * 100).quantize(Decimal("0.1")) if delta is not None and before else None
        detail = PriceChange(price_key, day, variant, tier, scheduled, delta, percent)
        action = ADDED if a is None else REMOVED if b is None else CHANGED
        cls, reason = _classify_price(
            before, after, percent, options, scheduled=scheduled, new_period=new_period, retroactive=retroactive
        )
        yield Change("model", key, action, _where(day, variant, tier, price_key), a, b, cls, reason, detail)


def _classify_price(
    before: Decimal | None,
    after: Decimal | None,
    percent: Decimal | None,
    options: DiffOptions,
    *,
    scheduled: bool,
    new_period: bool,
    retroactive: bool,
) -> tuple[str, str]:
    if after is None:
        return REVIEW, "price removed: this usage falls back to another price or fails"
    if retroactive:
        what = "a new period dated in the past" if new_period else "a price of a period already in force"
        return REVIEW, f"{what}: usage already billed would be re-priced"
    if before is not None and after > before:
        if percent is None or percent > options.review_threshold:
            return REVIEW, f"price raised by more than {options.review_threshold}%"
    return INFO, "scheduled" if scheduled else ""


def _catalog_settings(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    if old == new or not old or not new:
        return []
    return list(_fields("catalog", "catalog", old, new, ""))


# --- plans -------------------------------------------------------------------------------------


def _plan(key: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    rest_old = {k: v for k, v in old.items() if k != "rollouts"}
    rest_new = {k: v for k, v in new.items() if k != "rollouts"}
    for change in _fields("plan", key, rest_old, rest_new, ""):
        if change.field and change.field.startswith("defaults.") and change.cls == INFO:
            purpose = change.field.split(".", 1)[1]
            change = Change(
                change.kind,
                change.entity,
                change.action,
                change.field,
                change.before,
                change.after,
                REVIEW,
                f"the default {purpose} model of every account on plan {key} changes",
            )
        elif change.field and change.field.startswith("models.") and change.cls == INFO:
            change = Change(
                change.kind,
                change.entity,
                change.action,
                change.field,
                change.before,
                change.after,
                REVIEW,
                f"the models plan {key} may use change",
            )
        yield change
    yield from _rollouts(key, old.get("rollouts", []), new.get("rollouts", []))


def _rollouts(plan: str, old: list[Mapping[str, Any]], new: list[Mapping[str, Any]]) -> Iterator[Change]:
    before = {r["id"]: r for r in old}
    after = {r["id"]: r for r in new}
    for rid in sorted(set(before) | set(after)):
        a, b = before.get(rid), after.get(rid)
        path = f"rollouts.{rid}"
        if a == b:
            continue
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


def _impact(changes: list[Change], base: Mapping[str, Any], head: Mapping[str, Any]) -> dict[str, dict[str, list[str]]]:
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
    out: dict[str, dict[str, list[str]]] = {}
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
    return out
