"""Catalog strings (names, file names, sources) shown to people never act on
the terminal or reorder what it shows: control characters (C0, DEL, C1),
bidirectional overrides and line separators are rendered visibly escaped
(``\\x1b``, ``\\u202e``), the way Python writes them.

JSON output stays exact: ``json_text`` writes those characters as JSON
``\\u`` escapes, which decode to the very same string.
"""

from __future__ import annotations

import re

# C0 and DEL, C1, the Arabic letter mark, LRM/RLM, line/paragraph separators,
# the bidi embeddings and overrides (LRE..RLO) and isolates (LRI..PDI), and lone
# surrogates (which no terminal or UTF-8 file can even be given).
_OTHERS = "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_ANY = re.compile(f"[\x00-\x1f{_OTHERS}]")
_BUT_NEWLINES = re.compile(f"[\x00-\x09\x0b-\x1f{_OTHERS}]")
_JSON_RAW = re.compile(f"[{_OTHERS}]")  # json.dumps escapes C0 itself


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, lines: bool = False) -> str:
    """``text`` with every unsafe character escaped; with ``lines`` newlines stay (a whole rendered text)."""
    return (_BUT_NEWLINES if lines else _ANY).sub(_escape, text)


def json_text(text: str) -> str:
    """A JSON document (``ensure_ascii=False``) with the characters json leaves raw escaped as ``\\uXXXX``."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
