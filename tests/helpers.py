from __future__ import annotations

from pathlib import Path

from modelctl.rules.validate import ValidationResult, validate_catalog


def found(result: ValidationResult, root: Path) -> list[tuple[str, str, int, int]]:
    """(code, path relative to the catalog, line, column) of every finding."""
    out = []
    for f in result.findings:
        rel = str(Path(f.location.file).relative_to(root)) if f.location.file.startswith(str(root)) else f.location.file
        out.append((f.code, rel, f.location.line, f.location.column))
    return out


def check(root: Path) -> tuple[ValidationResult, list[tuple[str, str, int, int]]]:
    result = validate_catalog(root)
    return result, found(result, root)
