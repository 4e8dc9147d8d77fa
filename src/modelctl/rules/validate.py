"""Validate a catalog: load, schema-check, build, run the rules, apply the
catalog's severity settings.  Returns a ``ValidationResult``; prints nothing."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from modelctl import __version__, clock

# Importing a rules module registers its rules.
from modelctl.rules import identity, lifecycle, plans, prices, terms, workloads  # noqa: F401  # isort: skip
from modelctl.catalog.loader import LoadResult, load_catalog
from modelctl.catalog.model import Catalog
from modelctl.catalog.schema import stale_schemas
from modelctl.codes import CODES
from modelctl.errors import Finding, Location, Severity
from modelctl.rules.registry import RuleContext, run_rules


@dataclass(frozen=True, slots=True)
class ValidationResult:
    root: str
    catalog: Catalog
    findings: tuple[Finding, ...]
    files_checked: int

    @property
    def error_count(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warning_count(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)

    @property
    def valid(self) -> bool:
        return self.error_count == 0


def validate_catalog(root: Path, *, today: date | None = None, strict: bool = False) -> ValidationResult:
    """Every finding for the catalog at ``root``.  Raises CatalogNotFound only."""
    loaded = load_catalog(root)
    loaded.findings.extend(_schema_folder(root))
    return check_loaded(loaded, today=today or clock.today(), strict=strict)


def _schema_folder(root: Path) -> list[Finding]:
    """MC019 when the repository's schema/ (what the `$schema` lines name) is not this modelctl's."""
    # The folder beside the catalog: Path(".").parent is "." itself, so "." or ".." is made absolute
    # first (else `validate .` looked for schema/ inside the catalog and advised writing it there).
    beside = root if root.name not in ("", ".", "..") else Path(os.path.abspath(root))
    folder = beside.parent / "schema"
    stale = stale_schemas(folder)
    if not stale:
        return []
    message = (
        f"{folder} differs from the schemas of modelctl {__version__} ({', '.join(stale)}): "
        f"editors check against old rules; run `modelctl schema --out {folder}`"
    )
    return [Finding("MC019", CODES["MC019"].severity, message, Location(str(folder / stale[0])))]


def check_loaded(loaded: LoadResult, *, today: date, strict: bool = False) -> ValidationResult:
    ctx = RuleContext(
        catalog=loaded.catalog,
        files=loaded.files,
        today=today,
        provider_ids=frozenset(
            Path(display).name[: -len(".yaml")] for display in loaded.files if _is_provider(display, loaded.root)
        ),
        model_refs=frozenset(f"{s.provider}/{s.stem}".lower() for s in loaded.model_files),
    )
    findings = loaded.findings + run_rules(ctx)
    adjusted = _apply_settings(findings, loaded.catalog.settings.rules, strict=strict)
    return ValidationResult(
        loaded.root,
        loaded.catalog,
        tuple(sorted(adjusted, key=Finding.sort_key)),
        len(loaded.files),
    )


def _is_provider(display: str, root: str) -> bool:
    return Path(display).parent == Path(root) / "providers"


def _apply_settings(findings: list[Finding], overrides: dict[str, str], *, strict: bool) -> list[Finding]:
    out = []
    for finding in findings:
        wanted = overrides.get(finding.code)
        meta = CODES.get(finding.code)
        if wanted and meta and not meta.fixed:
            if wanted == "ignore":
                continue
            finding = replace(finding, severity=Severity(wanted))
        if strict and finding.severity is Severity.WARNING:
            finding = replace(finding, severity=Severity.ERROR)
        out.append(finding)
    return out
