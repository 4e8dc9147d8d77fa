"""Open the catalog a command reads, as the runtime applications use.

A catalog directory is validated (``validate_catalog``) and compiled in
memory (``compile_artifact``), then loaded with ``runtime.Catalog.loads``; a
published artifact (a file) is loaded as it is.  A compiled directory is
kept in a content-keyed cache (``artifact.cache``), so the next command on
an unchanged catalog skips parsing.  Either way every answer —
names, prices, costs — comes from ``modelctl.runtime``, the code
applications run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from modelctl import clock, runtime
from modelctl.artifact import cache as compile_cache
from modelctl.errors import Finding, ModelctlError

ARTIFACT_ENV_VAR = "MODELCTL_ARTIFACT"
DEFAULT_ARTIFACT = Path("dist") / "catalog.json"


class InvalidCatalog(ModelctlError):
    """The catalog directory has validation errors; ``findings`` lists them."""

    def __init__(self, root: str, findings: tuple[Finding, ...]) -> None:
        errors = sum(1 for f in findings if f.severity.value == "error")
        super().__init__(
            f"{root}: the catalog is invalid ({errors} error{'' if errors == 1 else 's'}): "
            f"run `modelctl validate {root}`"
        )
        self.findings = findings


@dataclass(frozen=True, slots=True)
class Opened:
    """A catalog ready to answer questions, and where it came from."""

    catalog: runtime.Catalog
    label: str
    kind: str  # "directory" or "artifact"


def open_catalog(path: str | os.PathLike[str] | None, *, today: date | None = None, public: bool = False) -> Opened:
    """The catalog at ``path`` (a catalog directory or an artifact file);
    None means $MODELCTL_CATALOG, else ./catalog.  ``public`` leaves accounts
    out of a compiled directory (an artifact is read as it is).

    Raises CatalogNotFound, InvalidCatalog or ModelctlError (an unreadable
    or corrupt artifact)."""
    if path and Path(path).is_file():  # an artifact: no need to load the catalog machinery
        return open_artifact(path)
    from modelctl.catalog.loader import resolve_root

    target = resolve_root(path)
    if target.is_file():
        return open_artifact(target)
    if target.is_dir():
        key, cached = compile_cache.lookup(target, today=today or clock.today(), public=public)
        if cached is not None:
            try:
                return Opened(runtime.Catalog.loads(cached), str(target), "directory")
            except runtime.CatalogError:
                pass  # a damaged cache entry: compile again
    else:
        key = ""
    from modelctl.artifact.compile import SourceInfo, compile_artifact
    from modelctl.rules.validate import validate_catalog

    result = validate_catalog(target, today=today)
    if not result.valid:
        raise InvalidCatalog(str(target), tuple(f for f in result.findings if f.severity.value == "error"))
    data = compile_artifact(result.catalog, SourceInfo(), include_accounts=not public).data
    compile_cache.store(target, key, data)
    return Opened(runtime.Catalog.loads(data), str(target), "directory")


def open_artifact(path: str | os.PathLike[str] | None) -> Opened:
    """The artifact at ``path``; None means $MODELCTL_ARTIFACT, else dist/catalog.json."""
    target = Path(path) if path else Path(os.environ.get(ARTIFACT_ENV_VAR) or DEFAULT_ARTIFACT)
    if target.is_dir():
        target = target / "catalog.json"
    try:
        return Opened(runtime.Catalog.load(target), str(target), "artifact")
    except runtime.CatalogError as exc:
        raise ModelctlError(str(exc)) from None
