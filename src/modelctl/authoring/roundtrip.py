"""Round-trip YAML for edits (ruamel.yaml): a file read and written back
unchanged is byte for byte the same, comments and layout included, so an
edit's diff shows only the edit.  Validation never reads through this: the
strict loader (``catalog.strict_yaml``) stays the only reader for checks."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from modelctl.errors import ModelctlError

__all__ = ["CommentedMap", "CommentedSeq", "EditProblem", "dump", "load", "plain_money"]


class EditProblem(ModelctlError):
    """The file cannot be edited as asked (not YAML the editor can read, or no such field)."""


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long line
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(Decimal, _represent_decimal)
    return yaml


def _represent_decimal(representer: Any, value: Decimal) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:float", plain_money(value))


def plain_money(value: Decimal) -> str:
    """A price as the catalog spells it: plain decimal, at least two decimals (0.40, 0.175, 15.00)."""
    text = format(value, "f")
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    return f"{whole}.{frac.ljust(2, '0')}"


def load(text: str, display: str) -> CommentedMap:
    try:
        data = _yaml().load(text)
    except YAMLError as exc:
        raise EditProblem(f"{display}: cannot be read for editing: {exc}") from None
    if not isinstance(data, CommentedMap):
        raise EditProblem(f"{display}: the document is not a mapping")
    return data


def dump(data: CommentedMap) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()
