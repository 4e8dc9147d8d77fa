"""Mutations of real catalog files, for the property tests
(tests/catalog/test_fuzz_catalog.py) and the long runs of bench/fuzz.py.

``SMALL_CATALOG`` is a valid slice of the repository's ``catalog/`` (two
providers' worth of real files plus a plan that refers to them);
``mutate(data, rnd)`` changes one file's bytes the way an adversarial or
careless user would: byte flips, truncation, deep nesting, huge and tiny
numbers, control characters, lone surrogates, tags, anchors and odd keys.
Only ``random.Random`` drives it, so hypothesis (``st.randoms()``) and a
seeded loop can share it.
"""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SMALL_CATALOG = (
    "catalog.yaml",
    "providers/openai.yaml",
    "providers/anthropic.yaml",
    "providers/google.yaml",
    "providers/groq.yaml",
    "models/openai/gpt-4o.yaml",
    "models/openai/gpt-6-luna.yaml",
    "models/openai/text-embedding-3-small.yaml",
    "models/anthropic/claude-haiku-5-5.yaml",
    "models/anthropic/claude-sonnet-4-5.yaml",
    "models/anthropic/claude-sonnet-5-5.yaml",
    "models/google/gemini-3.5-flash-lite.yaml",
    "models/groq/gpt-oss-20b.yaml",
    "plans/free.yaml",
)


def read_small_catalog(source: Path = REPO / "catalog") -> dict[str, bytes]:
    return {rel: (source / rel).read_bytes() for rel in SMALL_CATALOG}


def write_catalog(root: Path, files: dict[str, bytes]) -> Path:
    if root.exists():
        shutil.rmtree(root)
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


NUMBERS = (
    "1e999999999",
    "1e-999999999",
    "-1e999999999",
    "9" * 4301,
    "1" * 41,
    "0." + "0" * 45 + "1",
    "-0.0",
    "0.00000000",
    "0.0000001",
    "16384.0",
    "1e400",
    "1E-7",
    ".inf",
    "-.inf",
    ".nan",
    "0x1F",
    "0o17",
    "017",
    "0b101",
    "1_000",
    "1:30:00",
    "-1",
    "+5",
    "1.",
    ".5",
    "1e",
    "1__0",
    "123456789012345678901234567890.123456789",
    "340282366920938463463374607431768211457",
    "0",
    "1000000000",
    "2.500000000000000000000000000000000000000",
)
TAGS = (
    "!!python/object/apply:os.system ['true']",
    "!!python/name:os.system",
    "!foo",
    "!!binary aGVsbG8=",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!!timestamp 2025-01-01",
    "!!str",
    "!!int",
    "!!float",
    "!<tag:yaml.org,2002:str>",
    "!!null",
    "!!bool",
)
ODD_KEYS = (
    "? [a, b]\n: 1",
    "? {a: 1}\n: 1",
    "1: one",
    "null: x",
    "~: x",
    "true: x",
    "'': empty",
    "<<: {a: 1}",
    "id: duplicate",
    "name: duplicate",
    "\u00e9t\u00e9: summer",
    "k" * 5000 + ": long",
    "'\u202e': rtl",
    '"\\ud800": surrogate',
    "2025-01-01: date",
    "1.5: float",
)
CONTROL = [chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32), 127, 0x85, *range(0x80, 0xA0, 7))]
CONTROL += ["\ufeff", "\ufffe", "\uffff", "\u2028", "\u2029", "\r", "\t", "\x1b[31m"]
BAD_BYTES = (b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xff", b"\xc0\xaf", b"\xf4\x90\x80\x80", b"\x80", b"\xe2\x82")
_NUMBER = re.compile(rb"(?<=: )-?[0-9][0-9._]*(?=\s|,|}|$)", re.M)
_VALUE = re.compile(rb"(?<=: )[^\s{}\[\],#][^\n,{}\[\]]*", re.M)


def _pos(rnd: random.Random, data: bytes) -> int:
    return rnd.randrange(len(data) + 1)


def _line_start(rnd: random.Random, data: bytes) -> int:
    starts = [0] + [m.end() for m in re.finditer(rb"\n", data)]
    return rnd.choice(starts)


def flip_byte(rnd: random.Random, data: bytes) -> bytes:
    if not data:
        return bytes([rnd.randrange(256)])
    out = bytearray(data)
    for _ in range(rnd.choice((1, 1, 1, 2, 5))):
        out[rnd.randrange(len(out))] = rnd.randrange(256)
    return bytes(out)


def flip_bit(rnd: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    out = bytearray(data)
    i = rnd.randrange(len(out))
    out[i] ^= 1 << rnd.randrange(8)
    return bytes(out)


def truncate(rnd: random.Random, data: bytes) -> bytes:
    return data[: _pos(rnd, data)]


def delete_span(rnd: random.Random, data: bytes) -> bytes:
    i = _pos(rnd, data)
    return data[:i] + data[i + rnd.randrange(1, 40) :]


def duplicate_span(rnd: random.Random, data: bytes) -> bytes:
    i = _pos(rnd, data)
    j = min(len(data), i + rnd.randrange(1, 200))
    k = _pos(rnd, data)
    return data[:k] + data[i:j] + data[k:]


def swap_lines(rnd: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    if len(lines) > 2:
        i, j = rnd.randrange(len(lines)), rnd.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    return b"\n".join(lines)


def deep_nesting(rnd: random.Random, data: bytes) -> bytes:
    depth = rnd.choice((31, 32, 33, 64, 255, 256, 300, 999, 1000, 1001, 5000, 100_000))
    if rnd.random() < 0.5:
        value = "[" * depth + "]" * depth
    else:
        value = "{a: " * depth + "1" + "}" * depth
    key = rnd.choice(("aliases", "features", "x", "limits", "pricing"))
    if rnd.random() < 0.3:  # block-style nesting by indentation
        value = "".join(f"\n{'  ' * (n + 1)}k{n}:" for n in range(min(depth, 2000))) + " 1"
    i = _line_start(rnd, data)
    return data[:i] + f"{key}: {value}\n".encode() + data[i:]


def replace_number(rnd: random.Random, data: bytes) -> bytes:
    spots = list(_NUMBER.finditer(data))
    new = rnd.choice(NUMBERS) if rnd.random() < 0.8 else str(rnd.choice((10, -10)) ** rnd.randrange(60))
    if not spots:
        return data + f"\nx: {new}\n".encode()
    m = rnd.choice(spots)
    return data[: m.start()] + new.encode() + data[m.end() :]


def replace_value(rnd: random.Random, data: bytes) -> bytes:
    spots = list(_VALUE.finditer(data))
    if not spots:
        return data
    m = rnd.choice(spots)
    new = rnd.choice(
        (*NUMBERS[:12], *TAGS, "[]", "{}", "[a, b]", "{a: 1}", "null", "~", "''", "yes", "no", "on", "off", "y", "n")
    )
    if rnd.random() < 0.4:
        new = f"{rnd.choice(TAGS)} {m.group().decode('utf-8', 'replace')}"
    return data[: m.start()] + new.encode("utf-8", "surrogatepass") + data[m.end() :]


def insert_control(rnd: random.Random, data: bytes) -> bytes:
    char = rnd.choice(CONTROL)
    i = _pos(rnd, data)
    return data[:i] + char.encode("utf-8") + data[i:]


def insert_bad_bytes(rnd: random.Random, data: bytes) -> bytes:
    i = _pos(rnd, data)
    return data[:i] + rnd.choice(BAD_BYTES) + data[i:]


def quoted_escape(rnd: random.Random, data: bytes) -> bytes:
    escape = rnd.choice(("\\ud800", "\\udfff", "\\x00", "\\0", "\\e", "\\U0010ffff", "\\U00110000", "\\N", "\\L"))
    spots = list(_VALUE.finditer(data))
    if not spots:
        return data
    m = rnd.choice(spots)
    return data[: m.start()] + f'"a{escape}b"'.encode() + data[m.end() :]


def anchor_alias(rnd: random.Random, data: bytes) -> bytes:
    spots = list(_VALUE.finditer(data))
    if not spots:
        return data
    m = rnd.choice(spots)
    choice = rnd.randrange(4)
    if choice == 0:
        new = b"&a " + m.group()
    elif choice == 1:
        new = b"*a"
    elif choice == 2:  # a billion laughs, small
        new = b"&a [x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]"
    else:
        new = b"{<<: {a: 1}}"
    return data[: m.start()] + new + data[m.end() :]


def odd_key(rnd: random.Random, data: bytes) -> bytes:
    i = _line_start(rnd, data)
    indent = b" " * rnd.choice((0, 0, 2, 4))
    return data[:i] + indent + rnd.choice(ODD_KEYS).encode("utf-8", "surrogatepass") + b"\n" + data[i:]


def documents(rnd: random.Random, data: bytes) -> bytes:
    return rnd.choice((data + b"\n---\nid: two\n", b"---\n" + data, b"%YAML 1.2\n---\n" + data, data + b"\n...\n"))


def whole_file(rnd: random.Random, data: bytes) -> bytes:
    return rnd.choice(
        (b"", b"\n", b"[]", b"- a\n- b\n", b"just a string", b"null", b"~", b"{}", b"\xef\xbb\xbf" + data, data * 2)
    )


MUTATORS: tuple[Callable[[random.Random, bytes], bytes], ...] = (
    flip_byte,
    flip_bit,
    truncate,
    delete_span,
    duplicate_span,
    swap_lines,
    deep_nesting,
    replace_number,
    replace_number,
    replace_value,
    insert_control,
    insert_bad_bytes,
    quoted_escape,
    anchor_alias,
    odd_key,
    documents,
    whole_file,
)


def mutate(rnd: random.Random, files: dict[str, bytes]) -> tuple[str, str, dict[str, bytes]]:
    """One file of ``files`` mutated (1 to 3 mutations): (its name, the mutators used, the new files)."""
    name = rnd.choice(sorted(files))
    data = files[name]
    used = []
    for _ in range(rnd.choice((1, 1, 1, 2, 3))):
        mutator = rnd.choice(MUTATORS)
        data = mutator(rnd, data)
        used.append(mutator.__name__)
    return name, "+".join(used), {**files, name: data}


# --- what must hold for any catalog ---------------------------------------------------


def artifact_validator() -> object:
    import json

    import jsonschema_rs

    schema = json.loads((REPO / "schema" / "artifact.schema.json").read_text(encoding="utf-8"))
    return jsonschema_rs.validator_for(schema)


def check_catalog(root: Path, out: Path, validator: object, *, today: date | None = None) -> tuple[bool, list[str]]:
    """Validate and, when valid, publish the catalog at ``root`` into ``out``; the
    promises that fail (an empty list when all hold).  Exceptions propagate:
    any exception is a crash.  Returns (valid, problems)."""
    from modelctl.artifact.compile import SourceInfo
    from modelctl.artifact.publish import publish
    from modelctl.rules.validate import validate_catalog
    from modelctl.runtime import Catalog, CatalogError, Usage

    result = validate_catalog(root, today=today)
    problems = []
    for f in result.findings:
        loc = f.location
        if not loc.file or not loc.file.startswith(str(root)) or loc.line < 1 or loc.column < 1:
            problems.append(f"finding without a file and line: {f}")
        if "\n" in f.message:
            problems.append(f"finding over several lines: {f!r}")
    if not result.valid:
        return False, problems
    published = publish(root, out, today=today, source=SourceInfo())  # no git: the catalog is not in a repository
    if published.path is None:
        problems.append("validate said valid, publish refused: " + "; ".join(map(str, published.validation.findings)))
        return True, problems
    data = published.path.read_bytes()
    import json

    errors = [e.message for e in validator.iter_errors(json.loads(data))]  # type: ignore[attr-defined]
    if errors:
        problems.append(f"the artifact breaks schema/artifact.schema.json: {errors[:3]}")
    catalog = Catalog.loads(data)
    for info in catalog.models():
        catalog.model(info.ref)
        try:
            catalog.cost(info.ref, Usage(input_tokens=1000, output_tokens=1000))
        except CatalogError:
            pass
    return True, problems
