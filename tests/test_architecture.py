"""The direction of imports between modelctl's packages (docs/architecture.md).

Every ``import`` in ``src/modelctl`` is read with ``ast``, function-level
imports included, and checked against the allowed directions.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import REPO

SRC = REPO / "src" / "modelctl"
TOP_LEVEL = {"errors", "codes", "clock", "_gc", "_files", "__init__", "__main__"}
# Which packages each package may import (besides itself, the standard library and the top-level modules).
ALLOWED: dict[str, set[str]] = {
    "runtime": set(),
    "catalog": set(),
    "rules": {"catalog", "runtime", "artifact"},
    "artifact": {"catalog", "rules", "review", "runtime"},
    "query": {"catalog", "rules", "artifact", "runtime", "usage"},
    "review": {"catalog", "rules", "artifact", "runtime", "usage"},
    "usage": {"catalog", "runtime"},
    "interop": {"catalog", "rules", "artifact", "runtime", "usage"},
    "authoring": {"catalog", "rules", "artifact"},
    "site": {"catalog", "rules", "artifact", "runtime", "usage", "query"},
    "cli": {"catalog", "rules", "artifact", "runtime", "usage", "query", "review", "interop", "authoring", "site"},
}


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}:{node.lineno}: use absolute imports"
            base = node.module or ""
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}" if base == "modelctl" else base


def _package(path: Path) -> str:
    rel = path.relative_to(SRC).parts
    return rel[0] if len(rel) > 1 else Path(rel[0]).stem


def _target(name: str) -> str | None:
    parts = name.split(".")
    if parts[0] != "modelctl":
        return None
    if len(parts) == 1 or not (SRC / parts[1]).exists() and not (SRC / f"{parts[1]}.py").exists():
        return "__init__"  # a name defined in modelctl/__init__.py, such as __version__
    return parts[1]


# The exceptions to "the runtime imports only the standard library": signature verification,
# imported only when CatalogHolder(public_key=...) is set, and msgspec, only for parser="msgspec"
# (tests/runtime/test_runtime.py checks that a default load imports neither).
RUNTIME_OPTIONAL = {"runtime/_remote/minisign.py": {"cryptography"}, "runtime/_fast.py": {"msgspec"}}


def _violations() -> Iterator[str]:
    for path in sorted(SRC.rglob("*.py")):
        pkg = _package(path)
        for line, name in _imports(path):
            target = _target(name)
            where = f"{path.relative_to(REPO)}:{line}: {pkg} imports {name}"
            if pkg == "runtime":
                top = name.split(".")[0]
                optional = RUNTIME_OPTIONAL.get(path.relative_to(SRC).as_posix(), set())
                if (
                    target is None
                    and top not in sys.stdlib_module_names
                    and top != "__future__"
                    and top not in optional
                ):
                    yield where + " (runtime imports only the standard library)"
                elif target is not None and target != "runtime":
                    yield where + " (runtime imports nothing else of modelctl)"
                continue
            if target is None or target == pkg or pkg in TOP_LEVEL and target in TOP_LEVEL:
                continue
            if target in TOP_LEVEL:
                continue
            if pkg in TOP_LEVEL and pkg != "__main__":
                yield where + " (top-level modules import no package)"
            elif pkg != "__main__" and target not in ALLOWED[pkg]:
                yield where


def test_every_package_is_in_the_table() -> None:
    packages = {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages == set(ALLOWED)


def test_imports_go_in_the_allowed_directions() -> None:
    assert list(_violations()) == []


@pytest.mark.parametrize("pkg", sorted(ALLOWED))
def test_package_docstring_says_what_it_may_import(pkg: str) -> None:
    doc = ast.get_docstring(ast.parse((SRC / pkg / "__init__.py").read_text(encoding="utf-8")))
    assert doc, f"{pkg}/__init__.py has no docstring"
    assert "may import" in doc.lower(), f"{pkg}/__init__.py does not say what it may import"


def test_no_package_holds_more_than_a_dozen_modules() -> None:
    # cli/ is the exception by design: one module per command, registered centrally.
    folders = [SRC, *(p for p in SRC.rglob("*") if p.is_dir() and (p / "__init__.py").exists() and p.name != "cli")]
    for folder in folders:
        modules = [p for p in folder.glob("*.py") if p.name != "__init__.py"]
        assert len(modules) <= 12, f"{folder.relative_to(REPO)} holds {len(modules)} modules"


def test_the_checker_sees_a_wrong_direction(tmp_path: Path) -> None:
    # The walk itself must catch a violation, or the tests above prove nothing.
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from modelctl.cli import main\n", encoding="utf-8")
    assert [(2, "modelctl.cli")] == list(_imports(bad))
    assert "cli" not in ALLOWED["usage"]
