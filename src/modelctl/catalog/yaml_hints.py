"""What to check when the YAML parser gives up on an indentation mistake.

The parser says "mapping values are not allowed in this context" or "did not find
expected '-' indicator" at the place it stopped; this module reads the lines
around it and says which key is out of line with which, so the finding names the
line to fix and what to compare it with.  Pure: text in, a hint (or None) out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# a block line: optional "- " item markers, then a key and ":" (followed by a space or the end)
_LINE = re.compile(r"(?P<indent> *)(?P<dashes>(?:- +)*)(?P<rest>.*)")
_KEY = re.compile(r"^(?P<key>[^\s#'\"{}\[\]][^#{}\[\]]*?)\s*:(?:\s|$)")
_MISPLACED = (
    "did not find expected '-' indicator",
    "did not find expected key",
    "expected <block end>",
    "did not find expected <document start>",
)


@dataclass(frozen=True, slots=True)
class Hint:
    line: int  # 1-based: the line to fix
    column: int  # 1-based: where its key starts
    text: str


@dataclass(frozen=True, slots=True)
class _Line:
    number: int
    indent: int  # of the first "- " or of the key
    key_indent: int  # where the key (or value) starts, after any "- "
    dash: bool
    key: str | None
    has_value: bool
    text: str


def _parse(number: int, raw: str) -> _Line | None:
    stripped = raw.strip()
    if not stripped or stripped.startswith("#") or stripped in ("---", "..."):
        return None
    m = _LINE.fullmatch(raw.rstrip())
    assert m is not None  # the pattern matches any line
    indent = len(m["indent"])
    key_indent = indent + len(m["dashes"])
    km = _KEY.match(m["rest"])
    key = km["key"] if km else None
    after = m["rest"][km.end() :].split("#", 1)[0].strip() if km else ""
    return _Line(number, indent, key_indent, bool(m["dashes"]), key, bool(after), m["rest"])


def _content(lines: list[str], upto: int) -> list[_Line]:
    """The content lines before line ``upto`` (1-based), nearest first."""
    out = []
    for i in range(upto - 1, 0, -1):
        parsed = _parse(i, lines[i - 1])
        if parsed is not None:
            out.append(parsed)
    return out


def _name(line: _Line) -> str:
    return f"`{line.key}:`" if line.key else f"`{_short(line.text)}`"


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _spaces(n: int) -> str:
    return f"{n} space{'' if n == 1 else 's'}"


def hint(text: str, problem: str, line: int, column: int, context_line: int | None = None) -> Hint | None:
    """What to check for a parser error at ``line``:``column`` (1-based), or None if it is
    not an indentation (or unquoted ``: ``) mistake this module recognises."""
    lines = text.splitlines()
    if problem.startswith("could not find expected ':'") and context_line:
        here = _parse(context_line, lines[context_line - 1]) if context_line <= len(lines) else None
        if here is None:
            return None
        return Hint(
            here.number,
            here.key_indent + 1,
            f"line {here.number} (`{_short(here.text)}`) is not `key: value`: add the `:` after the key, "
            "or, if it continues the value above, quote that value",
        )
    if line < 1 or line > len(lines):
        return None
    here = _parse(line, lines[line - 1])
    if here is None:
        return None
    before = _content(lines, line)
    if problem.startswith("mapping values are not allowed"):
        return _mapping_value(here, before, column)
    if problem.startswith(_MISPLACED):
        return _misplaced(here, before)
    return None


def _mapping_value(here: _Line, before: list[_Line], column: int) -> Hint | None:
    start = here.key_indent + 1
    if here.key is not None and column > start + len(here.key) + 1:
        return Hint(
            here.number,
            start,
            f"the value of `{here.key}` on line {here.number} contains `: `: put the value in quotes "
            f'(`{here.key}: "..."`)',
        )
    if not before:
        return None
    above = before[0]
    if here.key_indent > above.key_indent and above.has_value:
        return Hint(
            here.number,
            start,
            f"check the indentation of line {here.number}: {_name(here)} is indented {_spaces(here.key_indent)}, "
            f"more than {_name(above)} on line {above.number} ({_spaces(above.key_indent)}), which already has "
            f"a value: keys of one mapping start in the same column, so either line {here.number} is indented "
            f"too far or line {above.number} not far enough",
        )
    return None


def _misplaced(here: _Line, before: list[_Line]) -> Hint | None:
    """A key whose indentation matches no block open above it: name the levels it could align with."""
    levels: list[tuple[int, str]] = []  # (indent, what sits there), innermost first
    items: dict[int, _Line] = {}  # the indent of a list's "- " -> the item line
    lowest = 10**9
    for line in before:
        if line.key_indent < lowest:
            levels.append((line.key_indent, f"{_name(line)} on line {line.number}"))
            lowest = line.key_indent
        if line.dash and line.indent < lowest:
            levels.append((line.indent, f"the `- ` of the list item on line {line.number}"))
            items[line.indent] = line
            lowest = line.indent
        if lowest == 0:
            break
    if not levels:
        return None
    n = here.indent
    item = items.get(n)
    if item is not None and not here.dash:
        return Hint(
            here.number,
            n + 1,
            f"check the indentation of line {here.number}: {_name(here)} is indented {_spaces(n)}, where the "
            f"`- ` of the list item on line {item.number} is: a line there starts a new item (`- `); a key of "
            f"that item is indented {_spaces(item.key_indent)}, like {_name(item)}",
        )
    sibling = next((line for line in before if line.dash), None) if here.dash else None
    if sibling is not None and sibling.indent != n:
        return Hint(
            here.number,
            n + 1,
            f"check the indentation of line {here.number}: its `- ` is indented {_spaces(n)}, but the list item "
            f"above it (line {sibling.number}) starts at {_spaces(sibling.indent)}: the items of one list line up",
        )
    deeper = [lv for lv in levels if lv[0] > n]
    shallower = [lv for lv in levels if lv[0] < n]
    near = ([min(deeper)] if deeper else []) + ([max(shallower)] if shallower else [])
    if any(lv[0] == n for lv in levels):
        return None  # it lines up with something: not an indentation mistake we can name
    around = " or ".join(f"{_spaces(i)} ({what})" for i, what in near)
    return Hint(
        here.number,
        here.indent + 1,
        f"check the indentation of line {here.number}: {_name(here)} is indented {_spaces(n)}, which lines up "
        f"with nothing above it; the nearest levels are {around}: line it up with the one it belongs to",
    )
