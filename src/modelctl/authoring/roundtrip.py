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

__all__ = ["CommentedMap", "CommentedSeq", "EditProblem", "Number", "dump", "load", "plain_money"]


class EditProblem(ModelctlError):
    """The file cannot be edited as asked (not YAML the editor can read, or no such field)."""


class Number(Decimal):
    """A number read from a file: its exact value, and its spelling (written back as it was)."""

    text: str


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long line
    yaml.indent(mapping=2, sequence=4, offset=2)
    # Floats are read as exact decimals (a price is never a float), spelled as they were.
    yaml.constructor.add_constructor("tag:yaml.org,2002:float", _construct_number)
    yaml.representer.add_representer(Number, _represent_decimal)
    yaml.representer.add_representer(Decimal, _represent_decimal)
    # A period carried forward shares values with the one it copies: write them out, never as &anchors.
    yaml.representer.ignore_aliases = lambda data: True
    return yaml


def _construct_number(constructor: Any, node: Any) -> Decimal:
    text = str(node.value)
    try:
        number = Number(text.replace("_", ""))
    except ArithmeticError:
        raise EditProblem(f"line {node.start_mark.line + 1}: {text!r} is not a number the editor can keep") from None
    number.text = text
    return number


def _represent_decimal(representer: Any, value: Decimal) -> Any:
    text = getattr(value, "text", None) or plain_money(value)
    return representer.represent_scalar("tag:yaml.org,2002:float", text)


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
