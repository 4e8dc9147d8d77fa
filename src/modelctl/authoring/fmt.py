"""``modelctl fmt``: the canonical form of catalog files.

Canonical means: the ``$schema`` line for the file's kind first; keys in the
schema's order (a model's identity, lifecycle, limits, then pricing; a
period's dates and source, then prices, tiers, variants); price periods
newest first, tiers ascending; prices spelled as plain decimals with at
least two decimals (``0.40``, ``0.175``).  Comments stay with their keys.  A
reformatted file holds the same data as before (checked before writing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from modelctl.authoring.edit import Edit
from modelctl.authoring.files import write_atomic
from modelctl.authoring.roundtrip import CommentedMap, CommentedSeq, Number, dump, load, plain_money
from modelctl.catalog import loader
from modelctl.catalog.files import TooLarge, read_bounded, reason
from modelctl.catalog.loader import discover
from modelctl.catalog.schema import load_schema
from modelctl.catalog.strict_yaml import load_text, plain_text
from modelctl.errors import ModelctlError, Severity

__all__ = ["FmtProblem", "Target", "canonical", "fmt_edits", "targets"]

_DEPTH = {"catalog": 1, "model": 3}  # every other kind: a file in a folder of the catalog root (2)


class FmtProblem(ModelctlError):
    """A path is not a catalog file or folder, or a file cannot be put in canonical form safely."""


@dataclass(frozen=True, slots=True)
class Target:
    path: Path
    kind: str


def schema_line(kind: str) -> str:
    return f"# yaml-language-server: $schema={'../' * _DEPTH.get(kind, 2)}schema/{kind}.schema.json"


def targets(paths: list[Path]) -> list[Target]:
    """The catalog files named: a catalog folder stands for every file in it."""
    out: list[Target] = []
    for path in paths:
        if path.is_dir():
            sources, _ = discover(path)
            out += [Target(s.path, s.kind) for s in sources]
            continue
        kind = _kind_of(path)
        if kind is None:
            raise FmtProblem(f"{path}: not a catalog file (catalog.yaml, providers/, plans/, accounts/, models/<p>/)")
        out.append(Target(path, kind))
    return out


def _kind_of(path: Path) -> str | None:
    if path.suffix != ".yaml":
        return None
    if path.name == "catalog.yaml":
        return "catalog"
    if path.parent.name in loader._FOLDERS:
        return loader._FOLDERS[path.parent.name]
    if path.parent.parent.name == "models":
        return "model"
    return None


def fmt_edits(found: list[Target], *, write: bool) -> list[Edit]:
    """The files whose canonical form differs, written when ``write``."""
    edits = []
    for target in found:
        try:  # as the validator reads it: a regular file of at most 1 MiB, never blocking on a FIFO
            before = read_bounded(target.path).decode("utf-8")
        except TooLarge as exc:
            raise FmtProblem(f"{target.path}: fix it first: {exc.strerror}: split it") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise FmtProblem(
                f"{target.path}: cannot be read: {reason(exc) if isinstance(exc, OSError) else exc}"
            ) from None
        # No byte order mark, LF line endings: the round-trip parser would not keep a lone CR's lines.
        after = canonical(plain_text(before), target.kind, str(target.path))
        if after != before:
            edits.append(Edit(target.path, before, after))
            if write:
                write_atomic(target.path, after)
    return edits


def canonical(text: str, kind: str, display: str) -> str:
    """The canonical form of one file's text; raises FmtProblem when it cannot be reached safely."""
    strict = load_text(text, display)
    # Not only what stops the reader: a duplicate key, .nan, 2025-02-30 or 1e-6 are errors it reads past
    # (to check the rest of the file), and no canonical form of them is the one meant.
    errors = [f for f in strict.findings if f.severity is Severity.ERROR]
    if not strict.ok or errors:
        problems = "; ".join(str(f) for f in (errors or strict.findings)[:3])
        raise FmtProblem(f"{display}: fix it first: {problems}")
    schema = load_schema(kind)
    if _is_canonical(text, kind, strict.data, schema):
        return text  # the common case, without the (slower) round-trip parser
    data = load(text, display)
    _order(data, schema)
    if kind == "model":
        _model(data, schema)
    out = _with_schema_line(dump(data), kind)
    if _normal(load_text(out, display).data) != _normal(strict.data):  # pragma: no cover - a guard, not a path
        raise FmtProblem(f"{display}: the canonical form would change the data; left as it is")
    return out


def _is_canonical(text: str, kind: str, data: Any, schema: dict[str, Any]) -> bool:
    if not text.startswith(schema_line(kind) + "\n") or not _in_order(data, schema):
        return False
    if kind != "model":
        return True
    pricing = data.get("pricing")
    if not isinstance(pricing, list):
        return True
    days = [str(p.get("effective_from")) if isinstance(p, dict) else "" for p in pricing]
    if days != sorted(days, reverse=True):
        return False
    order = _price_order(schema["properties"]["pricing"]["items"])
    if not all(_prices_in_order(p, order) for p in pricing if isinstance(p, dict)):
        return False
    return all(plain_money(Decimal(m.group(2).replace("_", ""))) == m.group(2) for m in _PRICE_TEXT.finditer(text))


def _in_order(node: dict[str, Any], schema: dict[str, Any]) -> bool:
    props = list(schema.get("properties", {}))
    rank = [props.index(k) if k in props else len(props) for k in node]
    if rank != sorted(rank):
        return False
    return all(
        _in_order(node[k], schema["properties"][k])
        for k in node
        if k in props and isinstance(node[k], dict) and isinstance(schema["properties"][k], dict)
    )


def _prices_in_order(node: dict[str, Any], schema: dict[str, Any]) -> bool:
    if not _in_order(node, schema):
        return False
    tiers = node.get("tiers")
    if isinstance(tiers, list):
        above = [t.get("above_input_tokens", 0) if isinstance(t, dict) else 0 for t in tiers]
        tier_schema = {"properties": {"above_input_tokens": {}, **schema["properties"]}}
        if above != sorted(above) or not all(_in_order(t, tier_schema) for t in tiers if isinstance(t, dict)):
            return False
    variants = node.get("variants")
    if isinstance(variants, dict):
        return all(_prices_in_order(v, schema) for v in variants.values() if isinstance(v, dict))
    return True


def _with_schema_line(text: str, kind: str) -> str:
    first, _, rest = text.partition("\n")
    if first.startswith("# yaml-language-server:"):
        text = rest
    return f"{schema_line(kind)}\n{text}"


def _order(node: CommentedMap, schema: dict[str, Any]) -> None:
    """Keys in the schema's order (in nested objects too); keys it does not know keep their place at the end."""
    props = schema.get("properties", {})
    wanted = [k for k in props if k in node]
    for key in wanted + [k for k in node if k not in wanted]:
        node.move_to_end(key)
    for key in wanted:
        if isinstance(node[key], CommentedMap) and isinstance(props[key], dict) and "properties" in props[key]:
            _order(node[key], props[key])


def _model(data: CommentedMap, schema: dict[str, Any]) -> None:
    period_schema = schema["properties"]["pricing"]["items"]
    pricing = data.get("pricing")
    if not isinstance(pricing, CommentedSeq):
        return
    ordered = sorted(
        pricing, key=lambda p: str(p.get("effective_from", "")) if isinstance(p, dict) else "", reverse=True
    )
    if ordered != list(pricing):
        pricing[:] = ordered
    for period in pricing:
        if isinstance(period, CommentedMap):
            _prices(period, _price_order(period_schema))


# The catalog's convention: what a request reads, then what it writes; then the rest in the schema's order.
_FIRST = ("input_per_1m", "cached_input_per_1m", "cache_write_per_1m", "cache_write_1h_per_1m", "output_per_1m")


def _price_order(schema: dict[str, Any]) -> dict[str, Any]:
    props = dict(schema.get("properties", {}))
    meta = [k for k in props if not k.endswith(_PRICE_SUFFIXES) and k not in ("tiers", "variants")]
    prices = [
        *(k for k in _FIRST if k in props),
        *(k for k in props if k.endswith(_PRICE_SUFFIXES) and k not in _FIRST),
    ]
    return {"properties": {k: props[k] for k in [*meta, *prices, "tiers", "variants"] if k in props}}


def _prices(node: CommentedMap, schema: dict[str, Any]) -> None:
    _order(node, schema)
    for key, value in list(node.items()):
        if isinstance(value, Number | int) and not isinstance(value, bool) and key.endswith(_PRICE_SUFFIXES):
            node[key] = _money(value)
    tiers = node.get("tiers")
    if isinstance(tiers, CommentedSeq):
        tiers[:] = sorted(tiers, key=lambda t: int(t.get("above_input_tokens", 0)) if isinstance(t, dict) else 0)
        for tier in tiers:
            if isinstance(tier, CommentedMap):
                _prices(tier, {"properties": {"above_input_tokens": {}, **schema["properties"]}})
    variants = node.get("variants")
    if isinstance(variants, CommentedMap):
        for variant in variants.values():
            if isinstance(variant, CommentedMap):
                _prices(variant, schema)


_PRICE_SUFFIXES = ("_per_1m", "_per_1k", "_per_minute", "_per_second", "per_image", "per_request", "per_second")
_PRICE_TEXT = re.compile(
    r"(?<![\w])(\w*(?:"
    + "|".join(re.escape(s) for s in _PRICE_SUFFIXES)
    + r")):[ \t]*([0-9][0-9_]*(?:\.[0-9_]*)?)(?![\w.])"
)


def _money(value: Any) -> Any:
    return Decimal(plain_money(Decimal(value)))


def _normal(value: Any) -> Any:
    """Data compared regardless of key order and of the order of price periods."""
    if isinstance(value, dict):
        out = {k: _normal(v) for k, v in value.items()}
        if isinstance(out.get("pricing"), list):
            out["pricing"] = sorted(out["pricing"], key=lambda p: str(p.get("effective_from")))
        if isinstance(out.get("tiers"), list):
            out["tiers"] = sorted(out["tiers"], key=lambda t: str(t.get("above_input_tokens")))
        return out
    if isinstance(value, list):
        return [_normal(v) for v in value]
    return value
