"""The values a comparison yields, and the generic field-by-field comparison."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from modelctl.catalog.model import PRICE_KEYS

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
    impact: dict[str, dict[str, Any]] = field(default_factory=dict)

    def count(self, cls: str) -> int:
        return sum(1 for c in self.changes if c.cls == cls)

    @property
    def empty(self) -> bool:
        return not self.changes


@dataclass(frozen=True, slots=True)
class DiffOptions:
    today: date
    review_threshold: Decimal = Decimal(10)


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


def keyed_pairs(
    old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]], key: str | Callable[[Mapping[str, Any]], Any]
) -> Iterator[tuple[Any, Mapping[str, Any] | None, Mapping[str, Any] | None]]:
    """Two lists of entries matched by their ``key`` field (an account's pricing by ``model``, a
    plan's rollouts by ``id``) or by what ``key(entry)`` returns: each key whose entries differ, in
    sorted order, with its entry before and after (None on the side that has none).  A key listed
    twice: its last entry counts."""
    key_of = (lambda e: e[key]) if isinstance(key, str) else key
    before = {key_of(e): e for e in old}
    after = {key_of(e): e for e in new}
    for k in sorted(set(before) | set(after)):
        a, b = before.get(k), after.get(k)
        if a != b:
            yield k, a, b


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
