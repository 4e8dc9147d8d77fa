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
from decimal import Context, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from modelctl.catalog import yaml_hints
from modelctl.catalog.files import TooLarge, read_bounded, reason
from modelctl.codes import code as _code
from modelctl.errors import Finding, Location

# Bounds that keep every later step (JSON Schema, the rules, the artifact, the
# runtime) far from its own limits: a catalog is never nested deeper than a
# handful of levels, and no price or count needs more than 40 digits or a
# magnitude beyond 10**±40.
MAX_DEPTH = 32
MAX_DIGITS = 40
MAX_EXPONENT = 40
# Decimal work on loaded values happens in this context, never the caller's.
DECIMALS = Context(prec=2 * MAX_DIGITS + 20, Emax=999, Emin=-999)

try:  # pragma: no branch - which one depends on the machine
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - machines without libyaml
    _Loader = yaml.SafeLoader

_T = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL, TIMESTAMP = (_T + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
MAP, SEQ, MERGE = _T + "map", _T + "seq", _T + "merge"
_SCALAR_TAGS = {STR, INT, FLOAT, BOOL, NULL, TIMESTAMP}
_NUMERIC_START = frozenset("0123456789+-.")

_EXPONENT = re.compile(r"[-+]?(\d[\d_]*(\.[\d_]*)?|\.\d[\d_]*)[eE][-+]?\d+")  # used with fullmatch
_DECIMAL_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*)")  # used with fullmatch
# What YAML 1.1 forbids in a stream (c-printable's complement), to point at it.
_NON_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_FATAL = {
    *("MC001", "MC003", "MC004", "MC006", "MC007", "MC008", "MC009", "MC010", "MC011", "MC017"),
    *("MC018", "MC020"),
}

PathSeg = str | int


class _FastLoader(_Loader):  # type: ignore[misc]
    """The C loader with a memoised resolver and no path resolvers.

    libyaml calls back into Python to resolve every node's tag; PyYAML's
    generic resolver is a third of the load time.  The rules are the same
    (YAML 1.1 implicit resolvers, keyed by first character), memoised by value.
    """

    _memo: dict[str, str] = {}

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            if not implicit[0]:
                return STR
            tag = self._memo.get(value)
            if tag is None:
                tag = _implicit_tag(value)
                if len(self._memo) < 65536:
                    self._memo[value] = tag
            return tag
        return MAP if kind is yaml.MappingNode else SEQ


_RESOLVERS = yaml.resolver.Resolver.yaml_implicit_resolvers


def _implicit_tag(value: str) -> str:
    for tag, regexp in _RESOLVERS.get(value[0] if value else "", []):
        if regexp.match(value):
            return str(tag)
    return STR


def _compose(text: str) -> yaml.Node | None:
    return yaml.compose(text, Loader=_FastLoader)


@dataclass(slots=True)
class LoadedFile:
    """One YAML file: its data (None when unreadable), findings, and the text
    from which node positions are recomputed when a finding needs one."""

    display: str
    data: Any = None
    text: str = ""
    findings: list[Finding] = field(default_factory=list)
    _root: yaml.Node | None = None
    # where a number such as 16384.0 was read (the schema check refuses it for an integer key)
    whole_decimals: list[tuple[PathSeg, ...]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.data is not None

    @property
    def first_line(self) -> str:
        return self.text.split("\n", 1)[0]

    @property
    def root(self) -> yaml.Node | None:
        if self._root is None and self.text:
            try:
                self._root = _compose(self.text)
            except yaml.YAMLError:
                return None
        return self._root

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
    """Builds plain data from a node tree, collecting findings.

    ``self.path`` is a stack of the segments leading to the node being built;
    it is copied only when a finding is made.
    """

    def __init__(self, display: str, *, check_aliases: bool) -> None:
        self.display = display
        self.findings: list[Finding] = []
        self.seen: set[int] | None = set() if check_aliases else None
        self.path: list[PathSeg] = []
        self.whole_decimals: list[tuple[PathSeg, ...]] = []

    def add(self, code_id: str, node: yaml.Node, message: str) -> None:
        mark = node.start_mark
        loc = Location(self.display, mark.line + 1, mark.column + 1)
        self.findings.append(Finding(code_id, _code(code_id).severity, message, loc, json_path(self.path)))

    def build(self, node: Any) -> Any:  # a yaml.Node; typed loosely for the hot path
        if self.seen is not None:
            if id(node) in self.seen:  # an alias shares its anchor's node
                self.add("MC003", node, "aliases are not allowed: write the value out in full")
                return None
            self.seen.add(id(node))
        cls = node.__class__
        if cls is yaml.ScalarNode:
            if node.tag is STR:
                text = node.value
                if not node.style and text and text[0] in _NUMERIC_START and _EXPONENT.fullmatch(text):
                    return self.exponent(node, text)
                return text
            return self.scalar(node)
        if len(self.path) >= MAX_DEPTH:
            self.add(
                "MC020", node, f"values are nested more than {MAX_DEPTH} levels deep: a catalog file never needs that"
            )
            return None
        if cls is yaml.MappingNode:
            if node.tag != MAP:
                self.add("MC006", node, f"tag {node.tag!r} is not allowed: remove it")
            return self.mapping(node)
        if node.tag != SEQ:
            self.add("MC006", node, f"tag {node.tag!r} is not allowed: remove it")
        out = []
        path = self.path
        for i, item in enumerate(node.value):
            path.append(i)
            out.append(self.build(item))
            path.pop()
        return out

    def mapping(self, node: yaml.MappingNode) -> dict[str, Any]:
        out: dict[str, Any] = {}
        path = self.path
        for key_node, value_node in node.value:
            if key_node.__class__ is yaml.ScalarNode and key_node.tag is STR:
                key = key_node.value
            else:
                key = self.key(key_node)
                if key is None:
                    continue
            path.append(key)
            if key in out:
                self.duplicate(node, key_node, key)
            out[key] = self.build(value_node)
            path.pop()
        return out

    def duplicate(self, node: yaml.MappingNode, key_node: yaml.Node, key: str) -> None:
        first = next(k for k, _ in node.value if isinstance(k, yaml.ScalarNode) and k.value == key)
        self.add(
            "MC002",
            key_node,
            f"duplicate key {key!r}: first at line {first.start_mark.line + 1}, again at line "
            f"{key_node.start_mark.line + 1}; keep one of them",
        )

    def key(self, node: yaml.Node) -> str | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == MERGE:
            self.add("MC004", node, "merge keys (<<) are not allowed: write the keys out in full")
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.add("MC005", node, "a key must be a plain string, not a list or mapping")
            return None
        if node.tag == STR:
            return str(node.value)
        if node.tag not in _SCALAR_TAGS:
            self.add("MC006", node, f"tag {node.tag!r} is not allowed: remove it")
        else:
            kind = node.tag.rsplit(":", 1)[-1]
            self.add("MC005", node, f"key {node.value!r} is read as {kind}, not a string: quote it ('{node.value}')")
        return str(node.value)

    def scalar(self, node: yaml.ScalarNode) -> Any:
        tag, text = node.tag, node.value
        if tag == FLOAT:
            return self.float(node, text)
        if tag == INT:
            return self.int(node, text)
        if tag == BOOL:
            low = text.lower()
            if low not in ("true", "false"):
                self.add("MC014", node, f"{text!r} is a YAML 1.1 boolean: write true or false, or quote it ('{text}')")
            return low in ("true", "yes", "on", "y")
        if tag == NULL:
            return None
        if tag == TIMESTAMP:
            return text  # a date stays an ISO string; the schema checks its form
        if tag == STR:
            return text
        self.add("MC006", node, f"tag {tag!r} is not allowed: remove it")
        return text

    def exponent(self, node: yaml.Node, text: str) -> Decimal | None:
        value = _decimal(text)
        if value is not None and not self.in_range(node, text, value):
            return None
        plain = plain_decimal(value) if value is not None else text
        hint = ""
        last = self.path[-1] if self.path else None
        if isinstance(last, str) and last.endswith("_per_1m") and value is not None and value < 1:
            per_1m = plain_decimal(DECIMALS.multiply(value, 1_000_000))
            hint = f"; `_per_1m` prices are per million tokens, so a per-token {text} is {per_1m}"
        self.add("MC012", node, f"{text} is in exponent notation: write a plain decimal ({plain}){hint}")
        return value

    def float(self, node: yaml.Node, text: str) -> Any:
        if "e" in text or "E" in text:
            return self.exponent(node, text)
        value = _decimal(text)
        if value is None or not value.is_finite():
            self.add("MC013", node, f"{text!r} is not a finite number: write a plain decimal")
            return None
        if len(text) > MAX_DIGITS and not self.in_range(node, text, value):  # shorter text is in range
            return None
        if not text.partition(".")[2].strip("0_"):
            self.whole_decimals.append(tuple(self.path))
        return value

    def in_range(self, node: yaml.Node, text: str, value: Decimal) -> bool:
        """Whether a finite number is within the bounds every later step can handle."""
        sign, digits, exponent = value.as_tuple()
        assert isinstance(exponent, int)
        if len(digits) <= MAX_DIGITS and -MAX_EXPONENT <= exponent and value.adjusted() <= MAX_EXPONENT:
            return True
        self.add("MC018", node, f"{_shorten(text)} is out of range: {_RANGE}")
        return False

    def int(self, node: yaml.Node, text: str) -> Any:
        if len(text) > MAX_DIGITS:
            self.add("MC018", node, f"{_shorten(text)} is out of range: {_RANGE}")
            return None
        if not _DECIMAL_INT.fullmatch(text):
            self.add(
                "MC015",
                node,
                f"{text!r} is an integer in non-decimal notation (YAML 1.1 reads 012 as 10): write it in plain decimal",
            )
            try:  # 0x1F, 0o17, 1:30 ... (or, with an explicit !!int tag, any text at all)
                return int(yaml.load(text, Loader=yaml.SafeLoader))
            except (ValueError, TypeError, yaml.YAMLError):
                return None
        return int(text.replace("_", ""))


_RANGE = f"write at most {MAX_DIGITS} digits, and no value beyond 10^{MAX_EXPONENT} or finer than 10^-{MAX_EXPONENT}"


def _shorten(text: str) -> str:
    return text if len(text) <= 24 else f"{text[:10]}...{text[-10:]} ({len(text):,} characters)"


def plain_decimal(value: Decimal) -> str:
    """``Decimal('2.5000000')`` -> ``'2.50'``: plain notation, at least two decimals."""
    text = format(DECIMALS.normalize(value), "f")
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
        raw = read_bounded(path)
    except TooLarge as exc:
        out.findings.append(
            _finding("MC008", shown, 1, 1, f"file is {exc.size:,} bytes, over the 1 MiB limit: split it")
        )
        return out
    except OSError as exc:
        out.findings.append(_finding("MC017", shown, 1, 1, f"cannot read the file: {reason(exc)}"))
        return out
    return load_bytes(raw, shown, out)


def load_bytes(raw: bytes, display: str, out: LoadedFile | None = None) -> LoadedFile:
    out = out or LoadedFile(display)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(raw, exc.start)
        out.findings.append(
            _finding(
                "MC007", display, line, col, f"byte 0x{raw[exc.start]:02x} is not valid UTF-8: save the file as UTF-8"
            )
        )
        return out
    return load_text(text, display, out)


def plain_text(text: str) -> str:
    """The text as YAML reads it: without a leading byte order mark, every line break (CRLF, or a
    lone CR of old Mac files) a LF.  The lines are the same, so positions are too, and what looks
    at the text itself (the `$schema` line, tabs, hints) sees the lines the parser sees."""
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def load_text(text: str, display: str, out: LoadedFile | None = None) -> LoadedFile:
    out = out or LoadedFile(display)
    text = plain_text(text)
    out.text = text
    if "\t" in text and _tabs(text, out):
        return out
    maybe_aliases = "&" in text or "*" in text
    try:
        root = _compose(text)
        if root is not None and maybe_aliases:
            _anchors(text, out)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        context = exc.context_mark.line + 1 if exc.context_mark else None
        found = yaml_hints.hint(text, problem, line, col, context)
        if found is not None:  # the line to fix, and what to check there
            line, col, problem = found.line, found.column, f"{problem}: {found.text}"
        out.findings.append(_finding("MC001", display, line, col, f"YAML syntax error: {problem}"))
        return out
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow in a stream
        out.findings.append(_reader_error(text, display, exc))
        return out
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml reports marks
        out.findings.append(_finding("MC001", display, 1, 1, f"YAML syntax error: {exc}"))
        return out
    if out.findings:
        return out
    if root is None:
        out.findings.append(_finding("MC009", display, 1, 1, "the file is empty: it must hold one mapping"))
        return out
    if not isinstance(root, yaml.MappingNode):
        kind = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        mark = root.start_mark
        out.findings.append(
            _finding(
                "MC010",
                display,
                mark.line + 1,
                mark.column + 1,
                f"the document is {kind}: it must be a mapping of keys",
            )
        )
        return out
    builder = _Builder(display, check_aliases=maybe_aliases)
    data = builder.build(root)
    out.findings.extend(builder.findings)
    out.whole_decimals = builder.whole_decimals
    if not any(f.code in _FATAL for f in builder.findings):
        out.data = data
    return out


def _reader_error(text: str, display: str, exc: yaml.reader.ReaderError) -> Finding:
    """The character the reader refused, at its own line and column, in one line
    (libyaml reports a byte offset into "<unicode string>")."""
    found = _NON_PRINTABLE.search(text)
    if found is None:  # pragma: no cover - the reader refuses only non-printable characters
        return _finding("MC001", display, 1, 1, f"YAML syntax error: {exc.reason}")
    before = text[: found.start()]
    line = before.count("\n") + 1
    col = found.start() - (before.rfind("\n") + 1) + 1
    char = found.group()
    msg = f"character U+{ord(char):04X} is not allowed in YAML: remove it (or write it as an escape in a quoted string)"
    return _finding("MC001", display, line, col, msg)


def _tabs(text: str, out: LoadedFile) -> bool:
    found = False
    for n, line in enumerate(text.split("\n"), start=1):
        indent = len(line) - len(line.lstrip(" \t"))
        col = line.find("\t", 0, indent)
        if col >= 0 and line.strip():
            out.findings.append(
                _finding("MC011", out.display, n, col + 1, "a tab is used for indentation: indent with spaces")
            )
            found = True
    return found


def _anchors(text: str, out: LoadedFile) -> None:
    for event in _events(text):
        if isinstance(event, yaml.AliasEvent):
            msg = f"alias *{event.anchor} is not allowed: write the value out in full"
        elif anchor := getattr(event, "anchor", None):
            msg = f"anchor &{anchor} is not allowed: write the value out in full where it is used"
        else:
            continue
        mark = event.start_mark
        assert mark is not None
        out.findings.append(_finding("MC003", out.display, mark.line + 1, mark.column + 1, msg))


def _events(text: str) -> Iterator[yaml.Event]:
    return yaml.parse(text, Loader=_FastLoader)


def _line_col(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1  # LF, CRLF or a lone CR
    start = max(before.rfind(b"\n"), before.rfind(b"\r")) + 1
    if start == 0 and before.startswith(b"\xef\xbb\xbf"):  # a byte order mark takes no column
        start = 3
    col = len(before[start:].decode("utf-8", errors="replace")) + 1
    return line, col


def _finding(code_id: str, display: str, line: int, col: int, message: str) -> Finding:
    return Finding(code_id, _code(code_id).severity, message, Location(display, line, col))
