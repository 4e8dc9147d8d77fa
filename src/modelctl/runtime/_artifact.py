"""Checking an artifact: parsing it, its format version, its envelope and its digest.

Every way an artifact can be wrong ends in an ``ArtifactError``: bytes that are not
UTF-8, lone surrogates (raw or escaped), ``NaN``/``Infinity`` literals, nesting too deep
for the parser, a format version that is not ASCII ``MAJOR.MINOR``, an envelope field of
the wrong type, a digest that does not match.  Nothing else escapes (``ValueError``,
``UnicodeEncodeError`` and ``RecursionError`` included).
"""

from __future__ import annotations

import gc
import sys
from operator import call as _call

from modelctl.runtime._errors import ArtifactError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NoReturn

SUPPORTED_MAJOR = 1
_HEX = frozenset("0123456789abcdef")
# source keys the runtime knows, and their types (a minor version may add others).
_SOURCE_TYPES: dict[str, type] = {"commit": str, "commit_time": str, "dirty": bool, "republished_from": int}


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    """A JSON number with a fraction or an exponent, refused when it overflows a float (``1e400``
    would be ``inf``, which no canonical artifact holds, and which msgspec refuses too)."""
    value = float(text)
    if value - value != 0:  # inf - inf is nan (a float's own test, no import)
        raise ValueError(f"number {text[:40]} is out of range")
    return value


# The parsers ``Catalog.loads(parser=...)`` takes: the standard library's (the default) and msgspec's
# (the ``fast`` extra, ``_fast.py``), which accept and refuse the same documents
# (tests/runtime/test_parsers.py).
PARSERS = ("json", "msgspec")


def check_parser(parser: object) -> Any:
    """``parser`` checked: a ``TypeError`` or ``ValueError`` for a wrong one, a ``CatalogError``
    saying how to install msgspec when it is asked for and missing.  Returns msgspec's decode
    function, or None for the standard library's."""
    if parser == "json" and type(parser) is str:
        return None
    if not isinstance(parser, str):
        raise TypeError(f"parser must be a str ('json' or 'msgspec'), not {type(parser).__name__}")
    if parser != "msgspec":
        raise ValueError(f"parser {parser!r} is not one of: {', '.join(PARSERS)}")
    from modelctl.runtime._fast import decoder

    return decoder()


def _parse(raw: bytes, decode: Any = None) -> Any:
    """The document (call with the cyclic GC paused: it would rescan every new object), by the
    standard library's json, or by ``decode`` (msgspec's, from ``check_parser``)."""
    if decode is not None:
        return _parse_msgspec(raw, decode)
    import json

    text = _text(raw)
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except RecursionError:
        raise ArtifactError("artifact is not valid JSON: nested too deeply") from None
    except (ValueError, MemoryError) as exc:  # JSONDecodeError, int digit limit, NaN/Infinity
        raise ArtifactError(f"artifact is not valid JSON (truncated or corrupt?): {exc}") from None


def _parse_msgspec(raw: bytes, decode: Any) -> Any:
    """The same document as ``_parse`` by msgspec, straight from the bytes (no decoding to a
    ``str`` first): about half the standard library's time.  It refuses what ``_parse`` refuses
    (bytes that are not UTF-8, lone surrogates, NaN, numbers out of range, more than 4,300 digits);
    for the first two, with ``_parse``'s messages (found again once it has refused)."""
    try:
        doc = decode(raw)
    except RecursionError:
        raise ArtifactError("artifact is not valid JSON: nested too deeply") from None
    except MemoryError as exc:
        raise ArtifactError(f"artifact is not valid JSON (truncated or corrupt?): {exc}") from None
    except Exception as exc:  # noqa: BLE001 - msgspec.DecodeError / ValidationError (not imported here)
        _text(raw)  # not UTF-8, or a lone surrogate: refused with _parse's message
        raise ArtifactError(f"artifact is not valid JSON (truncated or corrupt?): {exc}") from None
    return doc


def _text(raw: bytes) -> str:
    """The artifact's text: ``ArtifactError`` for bytes that are not UTF-8 or a lone surrogate."""
    try:
        text = raw.decode("utf-8")  # strict: surrogates written as raw bytes are not UTF-8
    except UnicodeDecodeError as exc:
        raise ArtifactError(f"artifact is not UTF-8 (corrupt?): byte {exc.start}: {exc.reason}") from None
    if "\\" in text:  # (a one-character search: "\\u" in text takes 10 ms on 6 MB)
        _refuse_lone_surrogates(text)
    return text


def _checked(raw: bytes, decode: Any = None) -> dict[str, Any]:
    """Parse and check an artifact: its envelope, its digest, the shape of its content.
    Call it with the cyclic GC paused (``paused_gc``); ``decode`` is ``check_parser``'s."""
    from modelctl.runtime._shape import check_content

    ahead = _HashAhead(raw)  # the digest, in a thread while the JSON is parsed
    doc = _parse(raw, decode)
    _check_format(doc)
    _check_revision(doc)
    _verify(raw, doc, ahead)
    check_content(doc["content"])
    return doc  # type: ignore[no-any-return]


class _HashAhead:
    """The SHA-256 of the byte range the content has in a byte-canonical artifact, found by
    searching the bytes (before they are parsed) and hashed in a thread, while the JSON is
    parsed: ``hashlib`` releases the GIL while it hashes a large buffer, so on a machine with a
    free core the digest costs no wall time (it costs the same CPU time).  Only a guess:
    ``_verify`` uses it only when the range it computes from the parsed envelope is the same.
    Small artifacts are hashed in line (a thread costs about 0.1 ms)."""

    __slots__ = ("start", "end", "digest", "_done")
    MIN_BYTES = 1 << 20
    START_SECONDS = 2.0  # a thread that has not started by then is not waited for (hashed in line)

    def __init__(self, raw: bytes) -> None:
        self.start = raw.find(b'"content":') + 10
        self.end = raw.rfind(b'},"digest":"sha256:') + 1
        self.digest: str | None = None
        self._done: Any = None
        if self.start < 10 or self.end - self.start < self.MIN_BYTES or sys.is_finalizing():
            return  # (a thread started while the interpreter shuts down never runs)
        import hashlib
        from _thread import allocate_lock, start_new_thread

        ready, done = allocate_lock(), allocate_lock()
        ready.acquire()
        done.acquire()
        view = memoryview(raw)[self.start : self.end]

        def work() -> None:
            ready.release()  # the parse starts once this thread has released the GIL, in sha256
            try:
                self.digest = "sha256:" + hashlib.sha256(view).hexdigest()
            finally:
                done.release()

        try:
            start_new_thread(work, ())
        except RuntimeError:  # no thread can be started (interpreter shutting down, a limit)
            return
        if ready.acquire(timeout=self.START_SECONDS):
            self._done = done

    def result(self, start: int, end: int) -> str | None:
        """The digest of ``raw[start:end]``, or None if that is not the range hashed."""
        if self._done is None or (start, end) != (self.start, self.end):
            return None
        self._done.acquire()  # (without the GIL)
        self._done.release()
        return self.digest


class paused_gc:  # noqa: N801 - used like a function: ``with paused_gc():``
    """The cyclic GC paused while loading, and what was loaded moved to its oldest generation.

    Every object a load makes is kept, so a collection in the middle would only rescan them all;
    and after the load, the young collections would each scan them once more (35-50 ms at 5,000
    models) before they reach the oldest generation.  So: the young generations are collected
    first (they then hold only live objects, a few thousand at most), the GC is paused for the
    load, and on success every object it tracks is moved to the oldest generation unscanned
    (``gc.freeze()`` then ``gc.unfreeze()``, in one C call that no other thread can interleave),
    where full collections see them as they see any long-lived data.  Nothing stays frozen
    (``gc.get_referrers`` and the like see everything); an application that froze objects itself
    (``gc.get_freeze_count()``) is left alone, as is one that disabled the GC."""

    def __enter__(self) -> None:
        self.enabled = gc.isenabled()
        if self.enabled:
            gc.collect(1)  # the young garbage of the application, before it would be promoted
        gc.disable()

    def __exit__(self, failed: object, *exc: object) -> None:
        if self.enabled:
            if failed is None and not gc.get_freeze_count():
                list(map(_call, _PROMOTE))  # promote everything unscanned; nothing stays frozen
            gc.enable()


_PROMOTE = (gc.freeze, gc.unfreeze)


def _refuse_lone_surrogates(text: str) -> None:
    r"""A ``\uD800``-``\uDFFF`` escape not part of a high+low pair decodes to a lone
    surrogate, which no UTF-8 writer can write back (and publish never writes one).
    Walks the escapes from backslash to backslash (a one-character search is fast)."""
    find = text.find
    i = find("\\")
    while i >= 0:
        if text[i + 1 : i + 2] != "u":
            i = find("\\", i + 2)  # another escape (\\ included): skip the escaped character
            continue
        hexa = text[i + 2 : i + 6].lower()
        step = 6
        if len(hexa) == 4 and hexa[0] == "d" and hexa[1] in "89abcdef":
            low = text[i + 6 : i + 12].lower()
            paired = hexa[1] in "89ab" and len(low) == 6 and low[:3] == "\\ud" and low[3] in "cdef"
            if not paired:
                line = text.count("\n", 0, i) + 1
                raise ArtifactError(f"artifact has a lone surrogate \\u{hexa} (line {line}): it is not valid Unicode")
            step = 12
        i = find("\\", i + step)


def _ascii_number(text: str) -> bool:
    return 0 < len(text) <= 9 and text.isascii() and text.isdigit()


def _check_format(doc: Any) -> None:
    if not isinstance(doc, dict) or "format_version" not in doc:
        raise ArtifactError("not a modelctl artifact: no format_version")
    version = doc["format_version"]
    if not isinstance(version, str):
        raise ArtifactError(f"artifact format_version {_short(version)} is not a MAJOR.MINOR string")
    major, dot, minor = version.partition(".")
    if not (dot and _ascii_number(major) and _ascii_number(minor)) or (major[0] == "0" and major != "0"):
        raise ArtifactError(f"artifact format_version {_short(version)} is not MAJOR.MINOR (such as 1.0)")
    if int(major) != SUPPORTED_MAJOR:
        raise ArtifactError(
            f"artifact format {version} is not supported by this runtime (it reads {SUPPORTED_MAJOR}.x): "
            + ("upgrade modelctl" if int(major) > SUPPORTED_MAJOR else "republish the catalog")
        )
    if not isinstance(doc.get("content"), dict):
        raise ArtifactError("artifact has no content")
    if not isinstance(doc.get("catalog_version", ""), str):
        raise ArtifactError(f"artifact catalog_version {_short(doc['catalog_version'])} is not a string")
    digest = doc.get("digest")
    if not (isinstance(digest, str) and len(digest) == 71 and digest.startswith("sha256:") and _HEX >= set(digest[7:])):
        raise ArtifactError("artifact has no sha256 digest: it was not written by modelctl publish")
    source = doc.get("source", {})
    if not isinstance(source, dict):
        raise ArtifactError(f"artifact source {_short(source)} is not an object")
    for key, typ in _SOURCE_TYPES.items():
        if key in source and source[key].__class__ is not typ:
            raise ArtifactError(f"artifact source.{key} {_short(source[key])} is not a {typ.__name__}")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _verify(raw: bytes, doc: dict[str, Any], ahead: _HashAhead | None = None) -> None:
    """Check the digest by hashing the content's byte range in the file (or by the hash
    ``ahead`` computed of the same range)."""
    import hashlib
    import json

    digest = doc["digest"]

    def dumps(value: Any) -> bytes:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    try:
        # Canonical: sorted keys, so `content` is one byte range between the other keys (whatever
        # minor version added them: 1.1 added `published_at` and `revision`).
        keys = sorted(doc)
        head = b"{" + b"".join(dumps(k) + b":" + dumps(doc[k]) + b"," for k in keys if k < "content") + b'"content":'
        tail = b"".join(b"," + dumps(k) + b":" + dumps(doc[k]) for k in keys if k > "content") + b"}\n"
        content: bytes | memoryview
        actual = None
        if raw.startswith(head) and raw.endswith(tail) and len(raw) > len(head) + len(tail):
            start, end = len(head), len(raw) - len(tail)
            actual = ahead.result(start, end) if ahead is not None else None
            content = memoryview(raw)[start:end]  # hashed in place, not copied
        else:  # not byte-canonical (re-serialised by some tool): hash the canonical form instead
            content = dumps(doc.get("content"))
    except (ValueError, RecursionError) as exc:  # UnicodeEncodeError is a ValueError
        raise ArtifactError(f"artifact cannot be written canonically to check its digest: {exc}") from None
    if actual is None:
        actual = "sha256:" + hashlib.sha256(content).hexdigest()
    if actual != digest:
        raise ArtifactError(
            f"artifact digest mismatch: recorded {digest}, content hashes to {actual}; "
            "the file was modified or corrupted after publishing"
        )


def _check_revision(doc: dict[str, Any]) -> int:
    """The artifact's revision (format 1.1; 0 for a 1.0 artifact, which had none)."""
    revision = doc.get("revision", 0)
    if type(revision) is not int or revision < 0:
        raise ArtifactError(f"artifact revision {_short(revision)} is not a non-negative whole number")
    published = doc.get("published_at", "")
    if not isinstance(published, str):
        raise ArtifactError(f"artifact published_at {_short(published)} is not a string")
    return revision
