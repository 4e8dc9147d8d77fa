"""Start a catalog repository (``modelctl init``) and write the bundled
schemas into one (``modelctl schema``).

The repository written validates and publishes as it is: the catalog (a
provider, a model and a plan, or providers copied from the reference catalog
that ships with modelctl), ``schema/``, the CI workflows and the pre-commit
configuration pinned to the installed version, a CODEOWNERS example and a
README.  The catalog is validated in a scratch folder before anything is
written; existing files are never overwritten without ``force``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

from modelctl import __version__
from modelctl.authoring.files import in_the_way, write_atomic
from modelctl.catalog.schema import bundled_schemas
from modelctl.errors import Finding, ModelctlError, Severity
from modelctl.rules.validate import validate_catalog

__all__ = [
    "REPOSITORY",
    "FilesExist",
    "InvalidScaffold",
    "Planned",
    "plan_repository",
    "reference_dir",
    "schema_files",
    "write_planned",
]

# Where modelctl's releases (tags vX.Y.Z), its action and its pre-commit hooks live.
REPOSITORY = "OWNER/modelctl"
ACTION = f"{REPOSITORY}@v{__version__}"


class FilesExist(ModelctlError):
    """Some files to write exist already; nothing was written."""

    def __init__(self, paths: list[Path]) -> None:
        shown = "\n".join(f"  {p}" for p in paths)
        count = f"{len(paths)} file{'s' if len(paths) != 1 else ''}"
        super().__init__(f"{count} exist already: nothing written (pass --force to overwrite):\n{shown}")
        self.paths = paths


class InvalidScaffold(ModelctlError):
    """The catalog to write would not validate (a reference provider whose models name another provider)."""


@dataclass(frozen=True, slots=True)
class Planned:
    """One file to write: its path relative to the repository, and its text."""

    rel: str
    text: str


def reference_dir() -> Path:
    """The reference catalog: inside the installed package, or the source tree."""
    packaged = Path(__file__).resolve().parent.parent / "_reference"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "catalog"


def schema_files() -> list[Planned]:
    """The bundled schemas, as ``schema/<kind>.schema.json``."""
    return [Planned(f"schema/{name}", text) for name, text in bundled_schemas().items()]


def _template(name: str) -> str:
    text = resources.files("modelctl.authoring").joinpath("templates", name).read_text(encoding="utf-8")
    return text.replace("@@ACTION@@", ACTION).replace("@@REPOSITORY@@", REPOSITORY).replace("@@VERSION@@", __version__)


_REPO_FILES = {
    ".github/workflows/catalog.yml": "workflows/catalog.yml",
    ".github/workflows/pricing-gate.yml": "workflows/pricing-gate.yml",
    ".github/workflows/pr-comment.yml": "workflows/pr-comment.yml",
    ".github/workflows/publish.yml": "workflows/publish.yml",
    ".pre-commit-config.yaml": "pre-commit-config.yaml",
    ".github/CODEOWNERS": "CODEOWNERS",
    ".gitignore": "gitignore",
    "README.md": "README.md",
}


def plan_repository(*, today: date, reference: list[str] | None = None) -> list[Planned]:
    """Every file of a new catalog repository, validated (raises InvalidScaffold or UsageProblem)."""
    from modelctl.authoring.starter import reference_catalog, starter_catalog

    catalog = starter_catalog(today) if not reference else reference_catalog(reference_dir(), reference, today)
    planned = [*catalog, *schema_files(), *(Planned(rel, _template(src)) for rel, src in _REPO_FILES.items())]
    _check(planned, today)
    return planned


def _check(planned: list[Planned], today: date) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="modelctl-init-"))
    try:
        for item in planned:
            if item.rel.startswith(("catalog/", "schema/")):
                path = scratch / item.rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(item.text, encoding="utf-8")
        result = validate_catalog(scratch / "catalog", today=today)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    errors = [f for f in result.findings if f.severity is Severity.ERROR]
    if errors:
        raise InvalidScaffold("the catalog would not validate:\n" + "\n".join(_shown(f, scratch) for f in errors))


def _shown(finding: Finding, scratch: Path) -> str:
    return "  " + str(finding).replace(str(scratch) + os.sep, "")


def _blocked(target: Path, paths: list[Path]) -> str | None:
    """Why one of ``paths`` cannot be written (None when all can): it is a folder, or a folder it
    needs (``target`` itself, above or under it) is a file."""
    found = in_the_way(target)
    if found is not None:
        return f"{found[0]}: {found[1]}"
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            return f"{path}: is a folder, not a file"
        found = in_the_way(path.parent)  # under target, which is a folder
        if found is not None:
            return f"{found[0]}: {found[1]} (it would hold {path.relative_to(found[0])})"
    return None


def write_planned(target: Path, planned: list[Planned], *, force: bool) -> list[Path]:
    """Write ``planned`` under ``target``; refuses (FilesExist, nothing written) when any exists, unless ``force``."""
    paths = [target / item.rel for item in planned]
    existing = [p for p in paths if p.exists() or p.is_symlink()]
    if existing and not force:
        raise FilesExist(existing)
    blocked = _blocked(target, paths)
    if blocked:  # found now, not after the files before it were written
        raise ModelctlError(f"{blocked}; nothing written")
    for path, item in zip(paths, planned, strict=True):
        write_atomic(path, item.text)
    return paths
