"""Strict YAML loading: text -> plain data plus the node tree for positions.

PyYAML's own constructors are too forgiving for money (``1e-6`` is a string,
``no`` is False, duplicate keys silently overwrite, anchors can explode), so
we compose the node tree with the C parser when the machine has it and build
the data ourselves: floats become ``Decimal`` from the scalar's text, dates
stay ISO strings, and every surprise is a finding at its line and column.
The node tree is kept so that any JSON path can be turned into a position.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from modelctl.codes import code as _code
from modelctl.errors import Finding, Location

MAX_BYTES = 1024 * 1024

try:  # pragma: no branch - which one depends on the machine
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - machines without libyaml
    _Loader = yaml.SafeLoader

_T = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL, TIMESTAMP = (_T + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
MAP, SEQ, MERGE = _T + "map", _T + "seq", _T + "merge"
_SCALAR_TAGS = {STR, INT, FLOAT, BOOL, NULL, TIMESTAMP}

_EXPONENT = re.compile(r"^[-+]?(\d[\d_]*(\.[\d_]*)?|\.\d[\d_]*)[eE][-+]?\d+$")
_DECIMAL_INT = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")
_FATAL = {"MC001", "MC003", "MC004", "MC006", "MC007", "MC008", "MC009", "MC010", "MC011", "MC017"}

PathSeg = str | int


@dataclass(slots=True)
class LoadedFile:
    """One YAML file: its data (None when unreadable), node tree and findings."""

    display: str
    data: Any = None
    root: yaml.Node | None = None
    first_line: str = ""
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.data is not None

    def locate(self, path: Sequence[PathSeg], *, key: bool = False) -> Location:
        """The position of the value at ``path`` (of its key when ``key``).

        Where a segment does not exist, the deepest node that does is used.
        """
        node = self.root
        if node is None:
            return Location(self.display)
        key_node: yaml.Node | None = None
        for seg in path:
            child, child_key = _child(node, seg)
            if child is None:
                break
            node, key_node = child, child_key
        target = key_node if key and key_node is not None else node
        mark = target.start_mark
        return Location(self.display, mark.line + 1, mark.column + 1)


def _child(node: yaml.Node, seg: PathSeg) -> tuple[yaml.Node | None, yaml.Node | None]:
    if isinstance(node, yaml.MappingNode):
        found: tuple[yaml.Node | None, yaml.Node | None] = (None, None)
        for k, v in node.value:  # the last duplicate wins, as in the data
            if isinstance(k, yaml.ScalarNode) and k.value == str(seg):
                found = (v, k)
        return found
    if isinstance(node, yaml.SequenceNode) and isinstance(seg, int) and 0 <= seg < len(node.value):
        return node.value[seg], None
    return None, None


def json_path(path: Sequence[PathSeg]) -> str:
    out = "$"
    for seg in path:
        out += f"[{seg}]" if isinstance(seg, int) else f".{seg}"
    return out


class _Builder:
    """Builds plain data from a node tree, collecting findings."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.findings: list[Finding] = []
        self.seen: set[int] = set()

    def add(self, code_id: str, node: yaml.Node | yaml.Mark, message: str, path: Sequence[PathSeg] = ()) -> None:
        mark = node if isinstance(node, yaml.Mark) or not hasattr(node, "start_mark") else node.start_mark
        loc = Location(self.display, mark.line + 1, mark.column + 1)
        self.findings.append(Finding(code_id, _code(code_id).severity, message, loc, json_path(path)))

    def build(self, node: yaml.Node, path: list[PathSeg]) -> Any:
        if id(node) in self.seen:  # an alias shares its anchor's node
            self.add("MC003", node, "aliases are not allowed: write the value out in full", path)
            return None
        self.seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        if isinstance(node, yaml.SequenceNode):
            self.check_tag(node, SEQ, path)
            return [self.build(item, [*path, i]) for i, item in enumerate(node.value)]
        self.check_tag(node, MAP, path)
        return self.mapping(node, path)

    def check_tag(self, node: yaml.Node, expected: str, path: Sequence[PathSeg]) -> None:
        if node.tag != expected:
            self.add("MC006", node, f"tag {node.tag!r} is not allowed: remove it", path)

    def mapping(self, node: yaml.MappingNode, path: list[PathSeg]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = self.key(key_node, path)
            if key is None:
                continue
            if key in first_line:
                self.add(
                    "MC002",
                    key_node,
                    f"duplicate key {key!r}: first at line {first_line[key]}, again at line "
                    f"{key_node.start_mark.line + 1}; keep one of them",
                    [*path, key],
                )
            first_line[key] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, [*path, key])
        return out

    def key(self, node: yaml.Node, path: list[PathSeg]) -> str | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == MERGE:
            self.add("MC004", node, "merge keys (<<) are not allowed: write the keys out in full", path)
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.add("MC005", node, "a key must be a plain string, not a list or mapping", path)
            return None
        if node.tag != STR:
            self.add(
                "MC005",
                node,
                f"key {node.value!r} is read as {node.tag.rsplit(':', 1)[-1]}, not a string: quote it ('{node.value}')",
                path,
            )
        return str(node.value)

    def scalar(self, node: yaml.ScalarNode, path: list[PathSeg]) -> Any:
        tag, text = node.tag, node.value
        if tag not in _SCALAR_TAGS:
            self.add("MC006", node, f"tag {tag!r} is not allowed: remove it", path)
            return text
        if tag == STR:
            if not node.style and _EXPONENT.match(text):  # plain style: None (pure) or '' (C)
                self.exponent(node, text, path)
                return _decimal(text)
            return text
        if tag == FLOAT:
            return self.float(node, text, path)
        if tag == INT:
            return self.int(node, text, path)
        if tag == BOOL:
            low = text.lower()
            if low not in ("true", "false"):
                self.add("MC014", node, f"{text!r} is a YAML 1.1 boolean: write true or false, or quote it ('{text}')", path)
            return low in ("true", "yes", "on", "y")
        if tag == NULL:
            return None
        return text  # a timestamp stays an ISO string; the schema checks its form

    def exponent(self, node: yaml.Node, text: str, path: list[PathSeg]) -> None:
        value = _decimal(text)
        plain = plain_decimal(value) if value is not None else text
        hint = ""
        if path and isinstance(path[-1], str) and path[-1].endswith("_per_1m") and value is not None and value < 1:
            hint = f"; `_per_1m` prices are per million tokens, so a per-token {text} is {plain_decimal(value * 1_000_000)}"
        self.add("MC012", node, f"{text} is in exponent notation: write a plain decimal ({plain}){hint}", path)

    def float(self, node: yaml.Node, text: str, path: list[PathSeg]) -> Any:
        if "e" in text or "E" in text:
            self.exponent(node, text, path)
        value = _decimal(text)
        if value is None or not value.is_finite():
            self.add("MC013", node, f"{text!r} is not a finite number: write a plain decimal", path)
            return None
        return value

    def int(self, node: yaml.Node, text: str, path: list[PathSeg]) -> Any:
        if not _DECIMAL_INT.match(text):
            self.add(
                "MC015",
                node,
                f"{text!r} is an integer in non-decimal notation (YAML 1.1 reads 012 as 10): write it in plain decimal",
                path,
            )
            try:
                return int(yaml.load(text, Loader=yaml.SafeLoader))
            except (ValueError, TypeError):  # pragma: no cover - the resolver said int
                return None
        return int(text.replace("_", ""))


def plain_decimal(value: Decimal) -> str:
    """``Decimal('2.5000000')`` -> ``'2.50'``: plain notation, at least two decimals."""
    text = format(value.normalize(), "f")
    whole, _, frac = text.partition(".")
    return f"{whole}.{frac.ljust(2, '0')}"


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace("_", ""))
    except InvalidOperation:
        return None


def load_file(path: Path, display: str | None = None) -> LoadedFile:
    """Read and strictly parse one YAML file.  Never raises for bad content."""
    shown = display or str(path)
    out = LoadedFile(shown)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            out.findings.append(_finding("MC008", shown, 1, 1, f"file is {size:,} bytes, over the 1 MiB limit: split it"))
            return out
        raw = path.read_bytes()
    except OSError as exc:
        out.findings.append(_finding("MC017", shown, 1, 1, f"cannot read the file: {exc.strerror or exc}"))
        return out
    return load_bytes(raw, shown, out)


def load_bytes(raw: bytes, display: str, out: LoadedFile | None = None) -> LoadedFile:
    out = out or LoadedFile(display)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(raw, exc.start)
        out.findings.append(
            _finding("MC007", display, line, col, f"byte 0x{raw[exc.start]:02x} is not valid UTF-8: save the file as UTF-8")
        )
        return out
    return load_text(text, display, out)


def load_text(text: str, display: str, out: LoadedFile | None = None) -> LoadedFile:
    out = out or LoadedFile(display)
    out.first_line = text.split("\n", 1)[0]
    if "\t" in text and _tabs(text, out):
        return out
    try:
        root = yaml.compose(text, Loader=_Loader)
        if root is not None and ("&" in text or "*" in text):
            _anchors(text, out)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        out.findings.append(_finding("MC001", display, line, col, f"YAML syntax error: {problem}"))
        return out
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml reports marks
        out.findings.append(_finding("MC001", display, 1, 1, f"YAML syntax error: {exc}"))
        return out
    if out.findings:
        return out
    if root is None:
        out.findings.append(_finding("MC009", display, 1, 1, "the file is empty: it must hold one mapping"))
        return out
    out.root = root
    if not isinstance(root, yaml.MappingNode):
        kind = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        mark = root.start_mark
        out.findings.append(
            _finding("MC010", display, mark.line + 1, mark.column + 1, f"the document is {kind}: it must be a mapping of keys")
        )
        return out
    builder = _Builder(display)
    data = builder.build(root, [])
    out.findings.extend(builder.findings)
    if not any(f.code in _FATAL for f in builder.findings):
        out.data = data
    return out


def _tabs(text: str, out: LoadedFile) -> bool:
    found = False
    for n, line in enumerate(text.split("\n"), start=1):
        indent = len(line) - len(line.lstrip(" \t"))
        col = line.find("\t", 0, indent)
        if col >= 0 and line.strip():
            out.findings.append(_finding("MC011", out.display, n, col + 1, "a tab is used for indentation: indent with spaces"))
            found = True
    return found


def _anchors(text: str, out: LoadedFile) -> None:
    for event in _events(text):
        if isinstance(event, yaml.AliasEvent):
            msg = f"alias *{event.anchor} is not allowed: write the value out in full"
        elif getattr(event, "anchor", None):
            msg = f"anchor &{event.anchor} is not allowed: write the value out in full where it is used"
        else:
            continue
        mark = event.start_mark
        out.findings.append(_finding("MC003", out.display, mark.line + 1, mark.column + 1, msg))


def _events(text: str) -> Iterator[yaml.Event]:
    return yaml.parse(text, Loader=_Loader)


def _line_col(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    start = before.rfind(b"\n") + 1
    col = len(before[start:].decode("utf-8", errors="replace")) + 1
    return line, col


def _finding(code_id: str, display: str, line: int, col: int, message: str) -> Finding:
    return Finding(code_id, _code(code_id).severity, message, Location(display, line, col))
