"""What the exporters share: reading a verified artifact, the prices in force
on a day (with the runtime's rules), and JSON whose numbers come from Decimal
text, never from a float.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from modelctl.errors import ModelctlError
from modelctl.runtime import ArtifactError, Catalog


class ExportError(ModelctlError):
    """The artifact cannot be read, or the output cannot be written."""


@dataclass(frozen=True, slots=True)
class Artifact:
    path: str
    name: str
    version: str
    models: dict[str, dict[str, Any]]  # canonical ref -> the artifact's model object


def load_artifact(path: Path) -> Artifact:
    """A published artifact, verified by the runtime (format version and digest)."""
    try:
        catalog = Catalog.load(path)
        doc = json.loads(path.read_bytes())
    except (ArtifactError, OSError, ValueError) as exc:
        raise ExportError(str(exc)) from None
    content = doc["content"]
    return Artifact(str(path), catalog.name, catalog.catalog_version, content.get("models", {}))


def periods_in_force(model: dict[str, Any]) -> list[dict[str, Any]]:
    """The model's periods, oldest first.  Each holds until the next one starts, and a
    variant is offered only in the periods that list it (the runtime's rule: a
    variant never carries over into a newer period)."""
    return sorted(model.get("pricing", ()), key=lambda p: p["effective_from"])


def in_force(model: dict[str, Any], at: date, variant: str | None = None) -> dict[str, Any] | None:
    """The period in force on ``at``; None when none is, or when it does not offer ``variant``."""
    day = at.isoformat()
    found = None
    for period in periods_in_force(model):
        if period["effective_from"] <= day:
            found = period
    if found is not None and variant is not None and variant not in found.get("variants", {}):
        return None
    return found


def price_sets(period: dict[str, Any], variant: str | None) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """The prices and tiers that apply for ``variant`` (None: the base) in a period,
    with inheritance resolved: a variant's missing keys come from the base, a
    tier's from the prices it belongs to; a variant does not inherit tiers."""
    base: dict[str, str] = dict(period.get("prices", {}))
    tiers = period.get("tiers", [])
    if variant is not None:
        v = period["variants"][variant]
        base = {**base, **v.get("prices", {})}
        tiers = v.get("tiers", [])
    resolved = [{"above_input_tokens": t["above_input_tokens"], "prices": {**base, **t["prices"]}} for t in tiers]
    return base, resolved


def variants_of(period: dict[str, Any]) -> list[str]:
    return sorted(period.get("variants", {}))


# --- JSON with exact numbers --------------------------------------------------------


class Number:
    """A JSON number written from its Decimal text."""

    __slots__ = ("text",)

    def __init__(self, value: Decimal, *, style: str = "float") -> None:
        self.text = float_style(value) if style == "float" else plain(value)


def plain(value: Decimal) -> str:
    """``Decimal('2.5E-6')`` -> ``0.0000025``: plain notation, no trailing zeros."""
    return "0" if value == 0 else format(value.normalize(), "f")


def float_style(value: Decimal) -> str:
    """How Python writes a float of this value, made from the Decimal (no float is
    involved): ``2.5E-6`` -> ``2.5e-06``, ``0.00125`` -> ``0.00125``, ``3`` -> ``3.0``."""
    if value == 0:
        return "0.0"
    sign = "-" if value < 0 else ""
    norm = abs(value).normalize()
    exp = norm.adjusted()
    if -4 <= exp < 16:
        text = format(norm, "f")
        return sign + (text if "." in text else text + ".0")
    mantissa = format(norm.scaleb(-exp).normalize(), "f")
    return f"{sign}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"


def dumps(value: Any, indent: int = 4) -> str:
    """JSON text like ``json.dumps(indent=...)`` where ``Number`` values keep their text."""
    return "".join(_chunks(value, indent, 0)) + "\n"


def _chunks(value: Any, indent: int, level: int) -> Iterator[str]:
    pad, inner = " " * (indent * level), " " * (indent * (level + 1))
    if isinstance(value, Number):
        yield value.text
    elif isinstance(value, dict):
        if not value:
            yield "{}"
            return
        yield "{\n"
        for i, (k, v) in enumerate(value.items()):
            yield f"{inner}{json.dumps(str(k), ensure_ascii=False)}: "
            yield from _chunks(v, indent, level + 1)
            yield ",\n" if i < len(value) - 1 else "\n"
        yield pad + "}"
    elif isinstance(value, list):
        if not value:
            yield "[]"
            return
        yield "[\n"
        for i, v in enumerate(value):
            yield inner
            yield from _chunks(v, indent, level + 1)
            yield ",\n" if i < len(value) - 1 else "\n"
        yield pad + "]"
    elif isinstance(value, Decimal):
        yield plain(value)
    else:
        yield json.dumps(value, ensure_ascii=False)
