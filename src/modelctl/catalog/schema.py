"""JSON Schema validation of loaded files, with findings at the offending line.

The schemas live in the repository's ``schema/`` folder (shipped inside the
wheel as ``modelctl/_schema``).  Validation uses jsonschema-rs: it accepts
``Decimal`` values as numbers and is fast enough to check thousands of files
in well under a second.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs

from modelctl.catalog.strict_yaml import LoadedFile, PathSeg, json_path
from modelctl.codes import code as _code
from modelctl.errors import Finding

KINDS = ("catalog", "provider", "model", "plan", "account")

_CODE_BY_KIND = {
    "AdditionalProperties": "MC101",
    "Required": "MC102",
    "Type": "MC103",
    "Enum": "MC104",
    "Constant": "MC104",
    "Pattern": "MC105",
    "PropertyNames": "MC105",
    "Format": "MC105",
}


def schema_dir() -> Path:
    """Where the schema files are: inside the installed package, or the source tree."""
    packaged = Path(__file__).resolve().parent.parent / "_schema"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "schema"


def bundled_schemas() -> dict[str, str]:
    """The text of each schema file of this modelctl (every file kind's, and the artifact's), by file name."""
    folder = schema_dir()
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.schema.json"))}


def stale_schemas(repo_schema: Path) -> list[str]:
    """Names of the schemas in a repository's ``schema/`` folder that differ from (or lack) this modelctl's."""
    try:
        if not repo_schema.is_dir() or repo_schema.resolve() == schema_dir().resolve():
            return []
    except OSError:
        return []
    out = []
    for name, text in bundled_schemas().items():
        try:
            theirs = (repo_schema / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            theirs = None
        if theirs != text:
            out.append(name)
    return out


@cache
def load_schema(kind: str) -> dict[str, Any]:
    with open(schema_dir() / f"{kind}.schema.json", encoding="utf-8") as fh:
        schema: dict[str, Any] = json.load(fh)
    return schema


@cache
def _validator(kind: str) -> Any:
    return jsonschema_rs.validator_for(load_schema(kind))


@cache
def integer_keys(kind: str) -> frozenset[str]:
    """The keys whose value the schema declares an integer (``context_window``, ...)."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for name, sub in (node.get("properties") or {}).items():
                if isinstance(sub, dict) and sub.get("type") == "integer":
                    found.add(name)
            for sub in node.values():
                walk(sub)
        elif isinstance(node, list):
            for sub in node:
                walk(sub)

    walk(load_schema(kind))
    return frozenset(found)


def validate(kind: str, loaded: LoadedFile) -> list[Finding]:
    """Schema findings for one loaded file (which must have data).

    A string value starting with ``TODO`` (what ``modelctl new`` leaves to
    fill in) is a placeholder (MC108), reported instead of the schema's own
    complaint about that value."""
    placeholders = _placeholders(loaded.data, [])
    validator = _validator(kind)
    if not placeholders and validator.is_valid(loaded.data):
        return _whole_numbers(kind, loaded) if loaded.whole_decimals else []
    found = [_placeholder(loaded, path) for path in placeholders]
    held = {tuple(path) for path in placeholders}
    found += [
        _finding(kind, loaded, err)
        for err in validator.iter_errors(loaded.data)
        if tuple(err.instance_path) not in held
    ]
    return found


def _placeholders(node: Any, path: list[PathSeg]) -> list[list[PathSeg]]:
    if isinstance(node, str):
        return [path] if node.lstrip().startswith("TODO") else []
    if isinstance(node, dict):
        return [p for key, value in node.items() for p in _placeholders(value, [*path, key])]
    if isinstance(node, list):
        return [p for i, value in enumerate(node) for p in _placeholders(value, [*path, i])]
    return []


def _placeholder(loaded: LoadedFile, path: list[PathSeg]) -> Finding:
    message = f"{_where(path)} is a TODO placeholder: fill it in (the real value, as read at the source)"
    return Finding("MC108", _code("MC108").severity, message, loaded.locate(path), json_path(path))


def _whole_numbers(kind: str, loaded: LoadedFile) -> list[Finding]:
    """JSON Schema counts 16384.0 as an integer; a count must be written 16384
    (the artifact, the runtime and every exporter expect an int).  The loader
    noted where such numbers are, so nothing is walked."""
    keys = integer_keys(kind)
    out = []
    for path in loaded.whole_decimals:
        value = _at(loaded.data, path) if path and path[-1] in keys else None
        if isinstance(value, Decimal):
            message = f"{_where(path)}: {value} is a decimal: write the whole number {int(value)}"
            out.append(Finding("MC103", _code("MC103").severity, message, loaded.locate(path), json_path(path)))
    return out


def _at(data: Any, path: Sequence[PathSeg]) -> Any:
    try:
        for seg in path:
            data = data[seg]
    except (KeyError, IndexError, TypeError):
        return None
    return data


def _finding(kind: str, loaded: LoadedFile, err: Any) -> Finding:
    path: list[PathSeg] = list(err.instance_path)
    kind_name = type(err.kind).__name__
    code_id = _CODE_BY_KIND.get(kind_name, "MC106")
    where = _where(path)
    if kind_name == "AdditionalProperties":
        unexpected = sorted(err.kind.unexpected)
        key = unexpected[0]
        allowed = _allowed_keys(kind, err.schema_path)
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else f"; allowed: {', '.join(allowed)}" if allowed else ""
        names = ", ".join(repr(k) for k in unexpected)
        message = f"unknown key {names} in {where}{hint}"
        location = loaded.locate([*path, key], key=True)
        return Finding(code_id, _code(code_id).severity, message, location, json_path([*path, key]))
    if kind_name == "Required":
        message = f"{where} is missing the required key {err.kind.property!r}"
    elif kind_name == "Type":
        message = f"{where}: {err.message}{_type_hint(err)}"
    elif kind_name == "Enum":
        options = [str(o) for o in getattr(err.kind, "options", [])]
        close = difflib.get_close_matches(str(err.instance), options, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        message = f"{where}: {err.instance!r} is not allowed{hint}; use one of: {', '.join(options)}"
    elif kind_name == "Pattern":
        message = f"{where}: {err.instance!r} does not have the required form{_pattern_hint(kind, err.schema_path)}"
    else:
        message = f"{where}: {err.message}"
    return Finding(code_id, _code(code_id).severity, message, loaded.locate(path), json_path(path))


def _where(path: Sequence[PathSeg]) -> str:
    if not path:
        return "the file"
    out = ""
    for seg in path:
        out += f"[{seg}]" if isinstance(seg, int) else (f".{seg}" if out else seg)
    return out


def _subschema(kind: str, schema_path: Sequence[PathSeg]) -> Any:
    node: Any = load_schema(kind)
    for seg in schema_path:
        try:
            node = node[seg]
        except (KeyError, IndexError, TypeError):
            return {}
    return node


def _allowed_keys(kind: str, schema_path: Sequence[PathSeg]) -> list[str]:
    parent = _subschema(kind, list(schema_path)[:-1])
    props = parent.get("properties", {}) if isinstance(parent, dict) else {}
    return list(props)


def _pattern_hint(kind: str, schema_path: Sequence[PathSeg]) -> str:
    parent = _subschema(kind, list(schema_path)[:-1])
    desc = parent.get("description") if isinstance(parent, dict) else None
    return f": {desc}" if desc else ""


def _type_hint(err: Any) -> str:
    value = err.instance
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return ""
        return " (remove the quotes to write a number)"
    return ""
