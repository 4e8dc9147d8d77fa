"""Validate what an import would write, together with the catalog it joins.

The planned files are validated from their exact text (the bytes that will
be written) alongside the existing files read from disk, with the same
loader, schema and rules as ``modelctl validate``.  Errors the catalog
already had are not the import's; a new error is attributed to the planned
file it is in, or that its message names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from modelctl.catalog.loader import LoadResult, SourceFile, discover, load_sources
from modelctl.catalog.strict_yaml import LoadedFile, load_file, load_text
from modelctl.errors import Finding, Severity
from modelctl.rules.validate import check_loaded

_KIND_ORDER = {"catalog": 0, "provider": 1, "plan": 2, "account": 3, "model": 4}


@dataclass(frozen=True, slots=True)
class Planned:
    """A file the import would write: where (relative to the root), its kind and text."""

    rel: str
    kind: str
    text: str
    label: str  # what to name it by in messages: provider/id for a model


@dataclass(slots=True)
class CheckResult:
    bad: dict[str, list[Finding]] = field(default_factory=dict)  # rel -> new errors in it
    unattributed: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)  # in planned files
    errors_before: int = 0


@dataclass(frozen=True, slots=True)
class Existing:
    """The catalog as it is on disk (empty when the folder is new)."""

    root: Path
    sources: tuple[SourceFile, ...] = ()
    stray: tuple[Finding, ...] = ()
    loaded: LoadResult | None = None
    baseline: frozenset[tuple[str, str, str]] = frozenset()
    errors_before: int = 0

    @classmethod
    def read(cls, root: Path, today: date) -> Existing:
        if not root.exists() or (root.is_dir() and not any(root.iterdir())):
            return cls(root)
        sources, stray = discover(root)
        loaded = load_sources(str(root), sources, lambda s: load_file(s.path, s.display), list(stray))
        result = check_loaded(loaded, today=today)
        errors = [f for f in result.findings if f.severity is Severity.ERROR]
        baseline = frozenset((f.code, f.location.file, f.message) for f in errors)
        return cls(root, tuple(sources), tuple(stray), loaded, baseline, len(errors))


def _display(root: Path, rel: str) -> str:
    return str(root.joinpath(*rel.split("/")))


def check(existing: Existing, planned: list[Planned], today: date) -> CheckResult:
    root = existing.root
    texts = {_display(root, p.rel): p for p in planned}
    sources = {s.display: s for s in existing.sources}
    for p in planned:
        display = _display(root, p.rel)
        if display not in sources:
            parts = p.rel.split("/")
            provider = parts[1] if p.kind == "model" else None
            sources[display] = SourceFile(root.joinpath(*parts), display, p.kind, provider)
    ordered = sorted(sources.values(), key=lambda s: (_KIND_ORDER.get(s.kind, 9), s.display))

    def read(src: SourceFile) -> LoadedFile:
        if src.display in texts:
            return load_text(texts[src.display].text, src.display)
        return load_file(src.path, src.display)

    loaded = load_sources(str(root), ordered, read, list(existing.stray))
    result = check_loaded(loaded, today=today)
    out = CheckResult(errors_before=existing.errors_before)
    for finding in result.findings:
        planned_here = texts.get(finding.location.file)
        if finding.severity is not Severity.ERROR:
            if planned_here is not None:
                out.warnings.append(finding)
            continue
        if planned_here is not None:
            out.bad.setdefault(planned_here.rel, []).append(finding)
        elif (finding.code, finding.location.file, finding.message) not in existing.baseline:
            named = [p for p in planned if p.label in finding.message or p.rel in finding.message]
            if named:
                out.bad.setdefault(named[0].rel, []).append(finding)
            else:
                out.unattributed.append(finding)
    return out
