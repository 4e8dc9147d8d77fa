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


FILLED_DAY = "2026-11-20"


def fill(path: Path) -> None:
    """Fill the TODO placeholders as a maintainer would after reading the prices."""
    lines = []
    for line in path.read_text().splitlines(keepends=True):
        if line.strip().startswith("source: TODO"):
            line = line.split("source:")[0] + "source: https://filled.example/prices\n"
        elif line.strip().startswith("checked: TODO"):
            line = line.split("checked:")[0] + f"checked: {FILLED_DAY}\n"
        lines.append(line)
    path.write_text("".join(lines))
