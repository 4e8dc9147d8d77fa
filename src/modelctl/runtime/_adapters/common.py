"""What every adapter shares: reading a field of a dict, a pydantic model or any object with attributes,
checking a count, building the Usage, the checks of parts within wholes, variant names; and, for the
fast paths, a dict of an object's fields."""

from __future__ import annotations

from modelctl.runtime._errors import InvalidUsageError
from modelctl.runtime._usage import _COUNTS, USAGE_FIELDS, Usage

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_new = tuple.__new__
_I = {name: i for i, name in enumerate(USAGE_FIELDS)}
_BLANK = (*(1 if f == "requests" else 0 for f in USAGE_FIELDS), None)


_KIND: dict[type, int] = {}  # class -> 1 pydantic model, 2 mapping, 3 other (attributes)
# The pydantic classes met (kind 1): the fast paths read such a model's __dict__ inline, when it has
# no extra fields, instead of calling _fields (a call costs as much as a dozen lookups).
_PYDANTIC: set[type] = set()


def _kind(cls: type) -> int:
    kind = _KIND.get(cls)
    if kind is None:
        if hasattr(cls, "__pydantic_fields__") and hasattr(cls, "__pydantic_extra__"):
            kind = 1  # a pydantic model (a pydantic dataclass has no __pydantic_extra__: attributes)
        elif hasattr(cls, "keys") and hasattr(cls, "get"):
            kind = 2
        else:
            kind = 3
        if len(_KIND) < 1000:
            _KIND[cls] = kind
            if kind == 1:
                _PYDANTIC.add(cls)
    return kind


def _get(obj: Any, name: str) -> Any:
    if obj is None:
        return None
    cls = obj.__class__
    if cls is dict:
        return obj.get(name)
    kind = _kind(cls)
    if kind == 1:
        # pydantic (the SDKs): fields are in __dict__, extra fields apart; asking for an absent
        # attribute would go through pydantic's slow __getattr__.
        value = obj.__dict__.get(name)
        if value is None:
            extra = obj.__pydantic_extra__
            value = extra.get(name) if extra else None
        return value
    if kind == 2:
        return obj.get(name)
    return getattr(obj, name, None)


def _n(obj: Any, name: str, path: str) -> int:
    """The count ``name`` of ``obj`` (0 when absent or null); anything but a non-negative int raises."""
    value = _get(obj, name)
    if value is None:
        return 0
    if value.__class__ is not int:
        if isinstance(value, int) and not isinstance(value, bool):
            value = int(value)  # an int subclass (proto-plus, enums of counts)
        else:
            raise InvalidUsageError(path, value, f"is not a token count ({type(value).__name__})")
    if value < 0:
        raise InvalidUsageError(path, value, "is negative")
    return int(value)


def _unreadable(exc: Exception) -> InvalidUsageError:
    """What an adapter raises when reading the response raised: a property or a mapping's ``get``
    of the caller's object, a ``repr`` (the object's own error is chained as the cause)."""
    try:
        detail = f"{type(exc).__name__}: {exc}"
    except Exception:  # noqa: BLE001 - a hostile __str__: the class name is all there is
        detail = type(exc).__name__
    if len(detail) > 200:
        detail = detail[:197] + "..."
    return InvalidUsageError("", None, f"could not be read: reading it raised {detail}")


def _has(obj: Any, *names: str) -> bool:
    return any(_get(obj, name) is not None for name in names)


def _build(counts: dict[str, int], variant: str | None) -> Usage:
    values: list[int | str | None] = list(_BLANK)
    for name, n in counts.items():
        if n:
            values[_I[name]] = n
    values[_COUNTS] = variant
    usage: Usage = _new(Usage, values)
    return usage


def _disjoint(whole: int, whole_name: str, parts: dict[str, int]) -> int:
    """``whole`` less its ``parts``; raises naming the fields if they exceed it."""
    rest = whole - sum(parts.values())
    if rest < 0:
        named = " + ".join(f"{k} ({v})" for k, v in parts.items() if v)
        raise InvalidUsageError(whole_name, whole, f"is less than the counts it includes: {named}")
    return rest


def _total(total: Any, reported_name: str, parts: dict[str, int]) -> None:
    """Raise when the provider's total is not the sum of the disjoint counts it reported."""
    if total is None:
        return
    if total.__class__ is not int or total != sum(parts.values()):
        named = " + ".join(f"{k} ({v})" for k, v in parts.items())
        raise InvalidUsageError(reported_name, total, f"is not {named} = {sum(parts.values())}")


def _tier(value: Any, standard: tuple[str, ...]) -> str | None:
    """A reported tier, region or speed as a variant name; None for the standard service."""
    if value is None:
        return None
    name = getattr(value, "value", value)  # enums
    if not isinstance(name, str):
        name = str(getattr(value, "name", name))
    name = name.strip().lower()
    return None if not name or name in standard else name


def _join(*variants: str | None) -> str | None:
    named = [v for v in variants if v]
    return "+".join(named) if named else None


# --- fast paths ---------------------------------------------------------------------------------
#
# The readers above check every count as they read it, one call per field.  The fast paths below
# read the common shapes (dicts and pydantic models: wire bodies and the SDKs' own objects) with
# plain dict lookups, check all the counts' types in one pass and the arithmetic at once, and
# return None at the first thing they are not sure of: the reference reader then reads the same
# response, and raises naming the field (or reads a shape the fast path does not know).  A fast
# path never accepts what the reference reader refuses, nor answers differently
# (tests/runtime/test_adapters_fast.py compares them on generated responses).

_NONE = type(None)
_INT_OR_NONE = frozenset((int, _NONE))


def _fields(obj: Any) -> dict[str, Any] | None:
    """``obj``'s fields as a dict: a dict itself, a pydantic model's ``__dict__`` (with its extra
    fields); None for anything else (the reference reader reads it)."""
    cls = obj.__class__
    if cls is dict:
        fields: dict[str, Any] = obj
        return fields
    if (_KIND.get(cls) or _kind(cls)) == 1:
        extra = obj.__pydantic_extra__
        fields = {**obj.__dict__, **extra} if extra else obj.__dict__
        return fields
    return None
