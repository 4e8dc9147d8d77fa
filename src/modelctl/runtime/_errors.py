"""Errors of the runtime; all derive from CatalogError."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class CatalogError(Exception):
    """Base of every error this module raises."""


class ArtifactError(CatalogError):
    """The artifact is corrupt, truncated, tampered with, or of an unknown format."""


class UnknownModelError(CatalogError, LookupError):
    """No model has that name; ``suggestions`` holds close matches."""

    def __init__(self, ref: str, suggestions: list[str]) -> None:
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown model {ref!r}{hint}")
        self.ref = ref
        self.suggestions = suggestions


class AmbiguousModelError(CatalogError, LookupError):
    """A bare name matches models of several providers; ``candidates`` lists them."""

    def __init__(self, ref: str, candidates: list[str]) -> None:
        super().__init__(f"{ref!r} is ambiguous: it names {', '.join(candidates)}; use provider/id")
        self.ref = ref
        self.candidates = candidates


class NoPriceError(CatalogError, LookupError):
    """No price applies: before the first period, an unknown variant, or a usage the model has no price for."""


class UnknownPlanError(CatalogError, LookupError):
    """No plan or account has that id."""


class NotAllowedError(CatalogError):
    """The model may not be used by the plan or account; ``decision`` says which rule decided."""

    def __init__(self, decision: Any) -> None:
        super().__init__(f"{decision.model} is not available: {decision.reason} ({decision.rule})")
        self.decision = decision


class NoDefaultError(CatalogError, LookupError):
    """No default model for that purpose."""


class InvalidUsageError(CatalogError, ValueError):
    """A usage count is not a non-negative ``int`` (a bool, float, Decimal or negative number),
    or a provider response has the wrong shape or counts that do not add up.
    ``field`` names the field (or fields) at fault."""

    def __init__(self, field: str, value: Any, problem: str) -> None:
        where = f"usage field {field!r}" if field else "usage"
        shown = "" if value is None else f" (got {value!r})"
        super().__init__(f"{where} {problem}{shown}")
        self.field = field
        self.value = value


class UnsupportedUsageError(CatalogError, ValueError):
    """The model cannot serve the usage: a modality it does not accept (audio tokens on a text-only
    model) or an input above its context window.  ``model`` is the canonical id, ``field`` the usage
    field at fault and ``reason`` a short phrase (``does not accept audio input``)."""

    def __init__(self, model: str, field: str, reason: str, detail: str = "") -> None:
        super().__init__(f"{model} {reason}{detail}: usage field {field!r} cannot be priced")
        self.model = model
        self.field = field
        self.reason = reason


# --- distribution (CatalogHolder) ---


class SignatureError(ArtifactError):
    """A public key is configured and the artifact's signature is missing, malformed, from another
    key or does not match (never a silent downgrade to unsigned)."""


class RollbackError(ArtifactError):
    """The artifact's revision is lower than the one held: a replayed old artifact
    (``allow_rollback=True`` accepts it)."""


class ShrinkError(ArtifactError):
    """The artifact has fewer than ``max_shrink`` times the models held."""


class FetchError(CatalogError):
    """The source could not be reached or answered with an error; ``retry_after`` is the
    server's Retry-After in seconds, when it gave one."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
