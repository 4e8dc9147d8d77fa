"""What every importer shares: the imported model, exact unit conversion,
source-file reading with positions, and clean ids.

An importer reads one public catalog and returns a ``SourceData``: one
``Candidate`` per source model, as a model document in the catalog's
vocabulary (prices ``Decimal`` per 1M tokens, dates ``datetime.date``), plus
every source field it could not map and every model it had to skip.  It
writes nothing; ``modelctl.interop.importers.plan`` decides what becomes a file.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from modelctl.errors import Location, ModelctlError

MILLION_EXP = 6  # per token -> per 1M tokens is an exact shift of the decimal point
MODALITIES = ("text", "image", "audio", "video", "pdf")
FEATURE_NEEDS = {
    "vision": ("input", "image"),
    "audio_input": ("input", "audio"),
    "audio_output": ("output", "audio"),
    "image_generation": ("output", "image"),
    "pdf_input": ("input", "pdf"),
}
CACHE_KEYS = ("cached_input_per_1m", "cache_write_per_1m", "cache_write_1h_per_1m")
_ID_BAD = re.compile(r"[^A-Za-z0-9._-]+")
_ID_START = re.compile(r"^[^A-Za-z0-9]+")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")

Progress = Callable[[str, int, int], None]  # (stage, done, total); total 0: not known


class SourceError(ModelctlError):
    """A source file that cannot be read or parsed; nothing is written."""


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """What a reader needs besides the source: today, and the start date to
    give prices whose start the source does not say (``since``)."""

    today: date
    since: date | None = None
    progress: Progress | None = None
    require_limits: bool = True  # False: keep models without a context window (for comparing prices only)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One source model, in the catalog's vocabulary.

    ``doc`` holds the model's keys except ``id`` (the planner assigns it);
    ``derived`` names keys the importer made up because the source is silent
    (a display name from the id, ``status: active``, text modalities): on
    ``--update`` the existing file's value wins for those.  ``undated_from``
    is the ``effective_from`` given to a price whose start the source does
    not give (None when every period is dated by the source).
    """

    provider: str
    name: str  # the source's model name within the provider (may not be a valid id)
    source_key: str  # the source's own key (LiteLLM map key, file path, ...)
    doc: dict[str, Any]
    derived: frozenset[str] = frozenset()
    undated_from: date | None = None
    successor: str | None = None  # a source model name to resolve as deprecation.replacement
    unmapped: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()  # other names the source gives (besides ``name``)


@dataclass(frozen=True, slots=True)
class ProviderInfo:
    id: str
    doc: dict[str, Any]  # name, kind?, website?, pricing_page?, currency
    unmapped: tuple[str, ...] = ()  # provider-level source fields with no place in the catalog


@dataclass(frozen=True, slots=True)
class Skip:
    """A source model that was not imported, and why."""

    name: str
    reason: str
    provider: str | None = None


# What a reader's code raises on a value of a shape it did not expect ([[]], {}, "NaN", ...).
SHAPE_ERRORS = (TypeError, AttributeError, KeyError, IndexError, ValueError, ArithmeticError, RecursionError)


class NotAPrice(Exception):
    """A price the source gives that is not a number: the model is skipped, never imported without it."""


def source_price(where: str, value: Any) -> Decimal:
    """A price from a source whose format has numbers (TOML, YAML): an int or an exact Decimal,
    finite and of a sane magnitude.  Anything else (a string, a list, NaN, a boolean) raises
    NotAPrice naming ``where``, so that the model is skipped with the reason instead of being
    imported without that price."""
    amount = to_decimal(value) if isinstance(value, (int, Decimal)) else None
    if amount is None:
        raise NotAPrice(
            f"{where} is {str(value)[:40]!r}, not a price (a finite number): left out rather than imported without it"
        )
    return amount


def shielded(name: Any, provider: str | None, build: Callable[..., Candidate | Skip], *args: Any) -> Candidate | Skip:
    """``build(*args)``, one source model; a value of a shape the reader does not expect skips the
    model, with the reason, instead of ending the whole import with a traceback."""
    try:
        return build(*args)
    except NotAPrice as exc:
        return Skip(str(name)[:80], str(exc), provider)
    except SHAPE_ERRORS as exc:
        what = type(exc).__name__
        return Skip(str(name)[:80], f"the source data has an unexpected shape ({what}: {str(exc)[:80]})", provider)


@dataclass(frozen=True, slots=True)
class SourceData:
    kind: str
    path: str
    candidates: tuple[Candidate, ...]
    providers: dict[str, ProviderInfo]
    skipped: tuple[Skip, ...] = ()
    unmapped: Counter[str] = field(default_factory=Counter)  # field -> number of models
    warnings: tuple[str, ...] = ()
    entries: int = 0  # source models read
    since: date | None = None  # --since, when given: the user's word for when undated prices start


# --- exact units -------------------------------------------------------------------


def to_decimal(value: Any) -> Decimal | None:
    """A price from the source as an exact Decimal; None when it is not a number.

    JSON and TOML are parsed with ``parse_float=Decimal``, so a value such as
    ``2.5e-06`` arrives with its text intact; strings (OpenRouter) are parsed
    the same way.  Booleans are not numbers here."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        parsed = value
    elif isinstance(value, int):
        if abs(value) >= 10**_MAX_EXPONENT:
            return None
        parsed = Decimal(value)
    elif isinstance(value, str):
        try:
            parsed = Decimal(value.strip())
        except InvalidOperation:
            return None
    else:
        return None  # a float never reaches here: sources are parsed with Decimal
    # NaN, infinities and absurd magnitudes (1e999999999 would overflow when scaled) are not prices.
    if not parsed.is_finite() or (parsed and not -_MAX_EXPONENT < parsed.adjusted() < _MAX_EXPONENT):
        return None
    return parsed


_MAX_EXPONENT = 40  # a price per token is about 1e-6; per 1M tokens about 1e1


def per_token_to_per_1m(value: Decimal) -> Decimal:
    """``2.5E-6`` -> ``2.5``: moves the decimal point, never rounds."""
    return value.scaleb(MILLION_EXP)


def per_1m_to_per_token(value: Decimal) -> Decimal:
    return value.scaleb(-MILLION_EXP)


def day(value: Any) -> date | None:
    """A full ISO date (``YYYY-MM-DD``) from the source, else None."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _DAY.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


# --- reading source files with positions ---------------------------------------------


NESTED_TOO_DEEP = "values are nested too deeply to read (thousands of levels): not a source file"
MAX_SOURCE_BYTES = 256 * 2**20  # LiteLLM's map, the largest source, is 3.4 MB


def read_text(path: Path) -> str:
    """A source file as text, at most MAX_SOURCE_BYTES: ``/dev/zero`` (or any endless or huge
    input) is refused at the limit instead of filling memory."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_SOURCE_BYTES + 1)
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(raw) > MAX_SOURCE_BYTES:
        raise SourceError(f"{path}: over {MAX_SOURCE_BYTES // 2**20} MiB: not a source file (nothing was read past it)")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = len(raw[raw.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode("utf-8", "replace")) + 1
        bad = raw[exc.start]
        raise SourceError(
            f"byte 0x{bad:02x} is not valid UTF-8: save the file as UTF-8", Location(str(path), line, column)
        ) from None


def read_json(path: Path) -> Any:
    """JSON with every number kept exactly (floats as Decimal).  A key given twice in one object
    is refused at its line: ``json`` keeps the last silently, so which price (or which model) the
    source means is a guess."""
    return parse_json(read_text(path), path)


def source_digest(text: str) -> str:
    """The short sha256 a ``source:`` line gives: of the bytes read (UTF-8 text encodes back to the
    very bytes it was decoded from), not of a second read that a pipe or a replaced file would change."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def parse_json(text: str, path: Path) -> Any:
    """``read_json`` of text already read from ``path``."""
    twice: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(items)
        if len(obj) != len(items) and not twice:
            twice.append(_first_repeated(k for k, _ in items))
        return obj

    try:
        data = json.loads(text, parse_float=Decimal, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise SourceError(f"invalid JSON: {exc.msg}", Location(str(path), exc.lineno, exc.colno)) from None
    except RecursionError:  # [[[[... a hundred thousand deep: the parser recurses per level
        raise SourceError(f"{path}: {NESTED_TOO_DEEP}") from None
    except ValueError:
        raise _too_many_digits(text, path) from None
    if twice:
        first, again = _duplicate_at(text, twice[0])
        where = f"column {first[1]}" if first[0] == again[0] else f"line {first[0]}"
        raise SourceError(
            f"duplicate key {twice[0][:80]!r} (first at {where}): keep one of them",
            Location(str(path), again[0], again[1]),
        )
    return data


def _first_repeated(keys: Iterable[str]) -> str:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            return key
        seen.add(key)
    return ""  # pragma: no cover - only called when a key repeats


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]]')
_JSON_COLON = re.compile(r"\s*:")


def _duplicate_at(text: str, key: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """Where ``key`` is given twice in one object of ``text`` (valid JSON): the (line, column) of
    both.  Only run once a duplicate is known, so a plain scan of strings and brackets will do."""
    stack: list[dict[str, int]] = []
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token == "{":
            stack.append({})
        elif token == "}":
            stack.pop()
        elif token == "[":
            stack.append({})  # an array holds no keys; its own level keeps the nesting right
        elif token == "]":
            stack.pop()
        elif stack and _JSON_COLON.match(text, match.end()) and json.loads(token) == key:
            if key in stack[-1]:
                return _line_col(text, stack[-1][key]), _line_col(text, match.start())
            stack[-1][key] = match.start()
    return (1, 1), (1, 1)  # pragma: no cover - the parser found it, so the scan does


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def read_toml(path: Path) -> dict[str, Any]:
    text = read_text(path)
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except RecursionError:
        raise SourceError(f"{path}: {NESTED_TOO_DEEP}") from None
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_AT.search(msg)
        where = Location(str(path), int(m.group(1)), int(m.group(2))) if m else Location(str(path))
        raise SourceError(f"invalid TOML: {_TOML_AT.sub('', msg).strip()}", where) from None
    except ValueError:
        raise _too_many_digits(text, path) from None


def _too_many_digits(text: str, path: Path) -> SourceError:
    """The error for an integer ``int()`` refuses: more digits than ``sys.get_int_max_str_digits()``
    (4,300 by default), which ``json`` and ``tomllib`` raise as a bare ValueError."""
    limit = sys.get_int_max_str_digits()
    found = re.search(rf"\d{{{limit + 1},}}", text) if limit else None
    where = Location(str(path), *_line_col(text, found.start())) if found else Location(str(path))
    return SourceError(f"a number of more than {limit:,} digits: not a source file", where)


# --- ids -----------------------------------------------------------------------------


def slug(text: str) -> str:
    """A valid file id from any name: ``a.b-v2:0`` -> ``a.b-v2-0``."""
    out = _ID_START.sub("", _ID_BAD.sub("-", text)).rstrip("-")
    out = re.sub(r"-{2,}", "-", out)[:128].rstrip("-.")
    return out or "model"


def assign_ids(names: Iterable[str], taken: dict[str, str] | None = None) -> dict[str, str]:
    """Clean, unique (case-insensitive) ids for one provider's source names.

    A name maps to an existing id when ``taken`` (lower-cased id or alias ->
    id) knows it.  Otherwise the last path segment is used when no other name
    shares it (``meta-llama/llama-3-70b`` -> ``llama-3-70b``), else the whole
    name; a clash left after that gets ``-2``, ``-3`` in name order.
    """
    taken = taken or {}
    names = sorted(set(names))
    out: dict[str, str] = {}
    short = {n: slug(n.rsplit("/", 1)[-1]) for n in names}
    counts = Counter(s.lower() for s in short.values())
    used = {v.lower() for v in taken.values()}
    for name in names:
        if name.lower() in taken:
            out[name] = taken[name.lower()]
            continue
        base = short[name] if counts[short[name].lower()] == 1 else slug(name)
        candidate, n = base, 1
        while candidate.lower() in used:
            n += 1
            candidate = f"{base[:120]}-{n}"
        used.add(candidate.lower())
        out[name] = candidate
    return out


# --- documents -----------------------------------------------------------------------


def complete_modalities(features: list[str], inputs: list[str], outputs: list[str]) -> None:
    """Add the modality each feature needs (vision needs image input, ...)."""
    for feature in features:
        need = FEATURE_NEEDS.get(feature)
        if need:
            side, modality = need
            target = inputs if side == "input" else outputs
            if modality not in target:
                target.append(modality)


def order_modalities(values: Iterable[str]) -> list[str]:
    seen = set(values)
    return [m for m in MODALITIES if m in seen]


def has_cache_price(period: dict[str, Any]) -> bool:
    sets = [period, *period.get("tiers", ()), *period.get("variants", {}).values()]
    return any(s.get(k) is not None for s in sets for k in CACHE_KEYS)


def tidy_features(doc: dict[str, Any]) -> None:
    """Features the prices imply: a cache price means prompt caching, a
    reasoning price means reasoning (rules MC407, MC408)."""
    features: list[str] = doc.setdefault("features", [])
    current = doc["pricing"][0] if doc.get("pricing") else {}
    if has_cache_price(current) and "prompt_caching" not in features:
        features.append("prompt_caching")
    sets = [current, *current.get("tiers", ()), *current.get("variants", {}).values()]
    if any(s.get("reasoning_per_1m") is not None for s in sets) and "reasoning" not in features:
        features.append("reasoning")


def any_price(prices: dict[str, Any]) -> bool:
    return any(isinstance(v, Decimal) for v in prices.values())


def count_unmapped(candidates: Iterable[Candidate], providers: Iterable[ProviderInfo] = ()) -> Counter[str]:
    """Source field -> how many models (or providers, for provider-level fields) had it unmapped."""
    counter: Counter[str] = Counter()
    for cand in candidates:
        counter.update(set(cand.unmapped))
    for info in providers:
        counter.update(set(info.unmapped))
    return counter


def text_or(value: Any, default: str) -> str:
    """``value`` when it is a string with something in it, else ``default`` (a source's name of the
    wrong type, ``name = 5``, is not written into a catalog file)."""
    return value if isinstance(value, str) and value.strip() else default


def display_name(name: str) -> str:
    return name.rsplit("/", 1)[-1]
