"""Compare two catalogs: field-level changes, classified for review.

Both sides are *content* mappings in the artifact's shape (``artifact.compile.content_of``
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
from typing import Any

from modelctl._gc import paused_gc
from modelctl.review.accounts import account_changes, merged_models
from modelctl.review.changes import (
    _KINDS,
    ADDED,
    BREAKING,
    CHANGED,
    CLASS_ORDER,
    INFO,
    REMOVED,
    REVIEW,
    Change,
    DiffOptions,
    DiffResult,
    PriceChange,
    _fields,
)
from modelctl.review.plans import _impact, _plan
from modelctl.review.prices import _pricing

__all__ = [
    "ADDED",
    "BREAKING",
    "CHANGED",
    "CLASS_ORDER",
    "INFO",
    "REMOVED",
    "REVIEW",
    "Change",
    "DiffOptions",
    "DiffResult",
    "PriceChange",
    "diff_contents",
]


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
            if kind == "account" and old is not None and new is not None:
                found = list(account_changes(key, old, new, base, head))
            elif kind == "plan" and old is not None and new is not None:
                found = list(_plan(key, old, new, merged_models(base, head)))
            else:
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


def _model(key: str, old: Mapping[str, Any], new: Mapping[str, Any], options: DiffOptions) -> Iterator[Change]:
    rest_old = {k: v for k, v in old.items() if k != "pricing"}
    rest_new = {k: v for k, v in new.items() if k != "pricing"}
    yield from _fields("model", key, rest_old, rest_new, "")
    if old.get("pricing") != new.get("pricing"):
        yield from _pricing(key, old.get("pricing", []), new.get("pricing", []), options)


def _catalog_settings(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    if old == new or not old or not new:
        return []
    return list(_fields("catalog", "catalog", old, new, ""))
