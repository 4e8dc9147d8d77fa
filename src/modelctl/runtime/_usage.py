"""Usage: what a request used, in disjoint non-negative integer counts, and the variant it was served as."""

from __future__ import annotations

from collections import namedtuple

from modelctl.runtime._errors import InvalidUsageError
from modelctl.runtime._pricing import _COMPONENTS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Any

USAGE_FIELDS: tuple[str, ...] = tuple(f for f, *_ in _COMPONENTS)
_COUNTS = len(USAGE_FIELDS)
_VARIANT = _COUNTS  # index of the last field, the variant the provider reports
_DEFAULTS = tuple(1 if f == "requests" else 0 for f in USAGE_FIELDS)
_FIELD_SET = frozenset((*USAGE_FIELDS, "variant"))

_UsageBase = namedtuple(
    "_UsageBase",
    [
        "input_tokens",
        "output_tokens",
        "cached_input_tokens",
        "cache_write_tokens",
        "cache_write_1h_tokens",
        "reasoning_tokens",
        "input_audio_tokens",
        "output_audio_tokens",
        "input_image_tokens",
        "output_image_tokens",
        "requests",
        "images",
        "web_search_requests",
        "file_search_requests",
        "input_audio_seconds",
        "input_video_tokens",
        "cached_input_audio_tokens",
        "cached_input_image_tokens",
        "cache_write_12h_tokens",
        "seconds",
        "variant",
    ],
    defaults=[*_DEFAULTS, None],
)
# The pricing table and the value agree on the fields, in order (written out above for type checkers).
assert _UsageBase._fields == (*USAGE_FIELDS, "variant")  # noqa: S101
_new = tuple.__new__


def _make_new() -> Any:
    """``Usage.__new__`` with the fields as named parameters (as namedtuple makes it), checking the counts
    at once: their exact types, then their minimum; ``_check`` names the field at fault."""
    params = ", ".join(f"{f}={d}" for f, d in zip(USAGE_FIELDS, _DEFAULTS, strict=True))
    counts = ", ".join(USAGE_FIELDS)
    # Chained identity tests of the types: the cheapest check in 3.11 (a set of map(type, ...) costs
    # twice as many instructions); then a chain of `count < 0`, which 3.11 specialises for ints (a
    # min() over a slice of the counts took 40 % of the call).
    types = " is ".join(f"type({f})" for f in USAGE_FIELDS)
    negative = " or ".join(f"{f} < 0" for f in USAGE_FIELDS)
    source = (
        f"def __new__(cls, {params}, variant=None):\n"
        f"    counts = ({counts}, variant)\n"
        f"    if not ({types} is int) or {negative} or variant is not None:\n"
        "        _check(counts)\n"
        "    return _new(cls, counts)\n"
    )
    namespace: dict[str, Any] = {"_check": _check, "_new": _new}
    exec(source, namespace)  # noqa: S102 - generated from the constant field names above
    return namespace["__new__"]


def _check(values: tuple[Any, ...]) -> None:
    """Raise InvalidUsageError naming the first count that is not a non-negative int."""
    for name, value in zip(USAGE_FIELDS, values, strict=False):
        if value.__class__ is not int:
            kind = type(value).__name__
            raise InvalidUsageError(name, value, f"must be a whole number (int), not {kind}")
        if value < 0:
            raise InvalidUsageError(name, value, "must not be negative")
    variant = values[_VARIANT]
    if variant is not None and (variant.__class__ is not str or not variant):
        raise InvalidUsageError("variant", variant, "must be a variant name (a non-empty str) or None")


class Usage(_UsageBase):
    """What one request (or a batch of them) used.  The counts are disjoint:
    ``input_tokens`` excludes cached and cache-write tokens, ``output_tokens``
    excludes reasoning tokens, and audio, image and video tokens are counted
    apart.  ``requests`` defaults to 1.  Every count is a non-negative ``int``
    (not a bool, float or Decimal), checked when the Usage is made:
    ``InvalidUsageError`` names the field otherwise.

    ``variant`` is the price variant the provider says it served (``flex``,
    ``priority``, ``batch``, ``regional``, ``fast``...; None: the standard
    service); the adapters set it from the response and ``Catalog.cost``
    bills it unless its ``variant=`` argument names another.

    ``a + b`` adds two usages field by field (both must have been served as
    the same variant)."""

    __slots__ = ()
    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> Usage: ...

    else:
        __new__ = _make_new()

    @classmethod
    def _make(cls, iterable: Iterable[Any]) -> Usage:  # type: ignore[override]
        made: Usage = cls(*iterable)
        return made

    def __add__(self, other: object) -> Usage:
        if not isinstance(other, Usage):
            return NotImplemented
        if self[_VARIANT] != other[_VARIANT]:
            raise InvalidUsageError(
                "variant", other[_VARIANT], f"cannot add a usage served as {self[_VARIANT]!r} to one served as it"
            )
        # Both sides were checked when made: ints plus ints are ints.
        added: Usage = _new(Usage, (*map(int.__add__, self[:_COUNTS], other[:_COUNTS]), self[_VARIANT]))
        return added

    @property
    def input_side_tokens(self) -> int:
        """Tokens that count towards a context tier: every input-side count (docs/runtime.md)."""
        from modelctl.runtime._pricing import SIDE_INDEXES

        return sum(self[i] for i in SIDE_INDEXES)

    if TYPE_CHECKING:
        # The adapters (runtime/_adapters/), set on the class below as static methods: a classmethod
        # calling them would cost a frame and a bound method per call, a third of a fast adapter call.

        @staticmethod
        def from_openai(response: Mapping[str, Any] | Any) -> Usage:
            """From an OpenAI response or its ``usage``: Chat Completions, Responses or Realtime."""

        @staticmethod
        def from_xai(response: Mapping[str, Any] | Any) -> Usage:
            """From an xAI response or its ``usage`` (OpenAI's shape; reasoning is outside completion tokens)."""

        @staticmethod
        def from_anthropic(response: Mapping[str, Any] | Any) -> Usage:
            """From an Anthropic Messages response or its ``usage``."""

        @staticmethod
        def from_google(response: Mapping[str, Any] | Any) -> Usage:
            """From a Gemini response or its ``usage_metadata`` (google-genai, REST camelCase, proto-plus, Live)."""

        @staticmethod
        def from_bedrock(response: Mapping[str, Any] | Any) -> Usage:
            """From a Bedrock Converse response or its ``usage`` (camelCase)."""


def _coerce_usage(usage: Any) -> Usage:
    if isinstance(usage, Usage):
        return usage
    if isinstance(usage, dict):
        unknown = [k for k in usage if k not in _FIELD_SET]
        if unknown:
            shown = ", ".join(repr(k) for k in unknown[:3]) + (", ..." if len(unknown) > 3 else "")
            raise TypeError(f"usage has no field {shown}: a dict of usage holds {', '.join(USAGE_FIELDS)} or variant")
        return Usage(**usage)
    raise TypeError(f"usage must be a Usage (or a dict of its fields), not {type(usage).__name__}")


# Imported once here, not in each call (an import statement costs as much as a short adapter call);
# last, because the adapters import Usage from this module.
from modelctl.runtime import _adapters  # noqa: E402

for _name in ("from_openai", "from_xai", "from_anthropic", "from_google", "from_bedrock"):
    setattr(Usage, _name, staticmethod(getattr(_adapters, _name)))
