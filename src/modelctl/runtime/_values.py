"""The values the catalog answers with: ModelInfo, PriceSet, Cost."""

from __future__ import annotations

from collections import namedtuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    pass


class ModelInfo(
    namedtuple(
        "ModelInfo",
        [
            "ref",
            "provider",
            "id",
            "name",
            "status",
            "enabled",
            "aliases",
            "features",
            "input_modalities",
            "output_modalities",
            "context_window",
            "max_output_tokens",
            "currency",
            "released",
            "deprecation",
            "data",
        ],
    )
):
    """One model, as the artifact describes it (``data`` is its whole entry)."""

    __slots__ = ()

    @property
    def available(self) -> bool:
        """Enabled and not retired: may be served at all."""
        return bool(self.enabled) and self.status != "retired"

    def __repr__(self) -> str:
        return f"ModelInfo(ref={self.ref!r}, name={self.name!r}, status={self.status!r}, enabled={self.enabled})"


class PriceSet(namedtuple("PriceSet", ("model", "currency", "effective_from", "variant", "prices", "tiers", "source"))):
    """The prices in force for a model on a day, for a variant (None = base).
    ``prices`` has every key that applies (a variant's missing keys inherited);
    ``tiers`` are (above_input_tokens, prices) pairs, ascending."""

    __slots__ = ()


class Cost(namedtuple("Cost", ("model", "currency", "total", "components", "effective_from", "variant", "tier"))):
    """What a usage cost: the exact total and each component (both Decimal),
    the currency, and which period (``effective_from``), variant and tier
    (its ``above_input_tokens``, or None for base prices) priced it."""

    __slots__ = ()


_new_cost = tuple.__new__
