"""The catalog an application serves, fetched, verified, cached and swapped live.

``CatalogHolder`` holds the current ``Catalog`` and replaces it only with an artifact that passes
every check, always keeping the last good one: see docs/distribution.md.  Standard library only;
``cryptography`` is imported only when ``public_key`` is set.
"""

from __future__ import annotations

import hashlib
import numbers
import os
import random
import re
import threading  # before register_at_fork below: its own after-fork clean-up must run first
import time
import weakref
from _thread import allocate_lock
from collections import deque

from modelctl.runtime._artifact import check_parser
from modelctl.runtime._catalog import Catalog
from modelctl.runtime._errors import ArtifactError, CatalogError, FetchError, RollbackError, ShrinkError, SignatureError
from modelctl.runtime._remote import MAX_BYTES, immutable_name
from modelctl.runtime._remote import cache as _cache

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    from modelctl.runtime._remote.minisign import PublicKey

_HOLDERS: weakref.WeakSet[CatalogHolder] = weakref.WeakSet()
_MAX_REPORTED = 1024


def _after_fork_in_child() -> None:
    for holder in list(_HOLDERS):
        holder._after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


class CatalogHolder:
    """Holds the current catalog and refreshes it from a file or an ``http(s)://`` URL::

        holder = CatalogHolder("https://prices.example.com/catalog.json",
                               public_key="/etc/app/modelctl.pub", cache_dir="/var/cache/app",
                               refresh=30)            # raises if neither source nor cache has one
        holder.catalog.cost(...)                       # always the last good catalog
        holder.status()                                # revision, origin, stale, last error ...

    Refused, always keeping the last good catalog: a digest mismatch, a missing or bad signature
    (with ``public_key``), a lower revision (unless ``allow_rollback``), fewer than ``max_shrink``
    times the models held, an unknown format, a malformed or truncated body.  Each refusal is
    reported once per distinct artifact through ``on_error`` and ``status()``.  ``refresh()`` and
    the background thread never raise: an ``on_error`` or ``on_change`` callback that raises is
    logged (logger ``modelctl.runtime``) and shown in ``status()["callback_error"]``, and the
    catalog and the thread carry on.  A path holding a NUL character is an ``ArtifactError``.
    ``parser="msgspec"`` parses every artifact with msgspec (the ``fast`` extra; ``Catalog.loads``).
    """

    def __init__(
        self,
        source: str | os.PathLike[str],
        *,
        public_key: str | bytes | os.PathLike[str] | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
        refresh: float | None = None,
        timeout: float = 5.0,
        headers: Mapping[str, str] | None = None,
        on_change: Callable[[Catalog], None] | None = None,
        on_error: Callable[[CatalogError], None] | None = None,
        max_shrink: float = 0.5,
        allow_rollback: bool = False,
        stale_after: float | None = None,
        parser: str = "json",
    ) -> None:
        check_parser(parser)  # a wrong one, or msgspec asked for and missing: raised now, not at a refresh
        self.parser = parser
        self.source = os.fspath(source)
        self.is_url = self.source.startswith(("http://", "https://"))
        self.path = self.source.removeprefix("file://") if not self.is_url else self.source
        if "\0" in self.source and not self.is_url:  # os.stat and open would raise ValueError
            raise ArtifactError(f"cannot read artifact {self.source!r}: the path contains a NUL character")
        if cache_dir is not None and "\0" in os.fspath(cache_dir):
            raise ArtifactError(f"cannot use the cache folder {os.fspath(cache_dir)!r}: it contains a NUL character")
        refresh = _number("refresh", refresh, none=True)
        timeout = _number("timeout", timeout, zero=False)
        stale_after = _number("stale_after", stale_after, none=True, infinite=True)
        max_shrink = _number("max_shrink", max_shrink, most=1.0)
        self.on_change, self.on_error = on_change, on_error
        self.timeout, self.headers = timeout, _checked_headers(headers)
        self.max_shrink, self.allow_rollback = max_shrink, allow_rollback
        self.refresh_interval = refresh
        self.stale_after = stale_after if stale_after is not None else (max(3 * refresh, 60.0) if refresh else 3600.0)
        self.last_error: CatalogError | None = None
        self.callback_error: str | None = None  # the last on_error/on_change callback that raised
        self._key: PublicKey | None = None
        if public_key is not None:
            from modelctl.runtime._remote.minisign import PublicKey

            self._key = PublicKey(public_key)
        self._cache_path = _cache.path_for(os.fspath(cache_dir), self.source) if cache_dir is not None else None
        self._lock = allocate_lock()
        self._catalog: Catalog | None = None
        self._origin = ""
        self._etag: str | None = None
        self._last_modified: str | None = None
        self._stamp: tuple[tuple[int, int, int] | None, ...] | None = None
        self._fetched_at: float | None = None
        self._checked_at: float | None = None
        self._success_at: float | None = None
        self._failures = 0
        self._not_before = 0.0
        self._deadline: float | None = None  # the time.monotonic() by which a URL check's requests end
        self._refused: _Refused | None = None  # what the source serves now, when it was refused
        self._reported: dict[object, None] = {}
        self._pending: deque[tuple[str, Callable[[Any], object], object]] = deque()
        self._closed = False
        self._thread: Any = None
        self._stop: Any = None
        self._start()
        _HOLDERS.add(self)
        if refresh:
            self._start_thread()

    # --- reading --------------------------------------------------------------------------

    @property
    def catalog(self) -> Catalog:
        assert self._catalog is not None  # set by __init__ or it raised
        return self._catalog

    def status(self) -> dict[str, Any]:
        """For a health check or a metric: what is served, from where, and how fresh."""
        catalog, now = self.catalog, time.time()
        since = self._success_at
        return {
            "source": self.source,
            "origin": self._origin,  # "source" (fetched), "cache" (from cache_dir) or "file"
            "revision": catalog.revision,
            "digest": catalog.digest,
            "catalog_version": catalog.catalog_version,
            "published_at": catalog.published_at,
            "models": len(catalog),
            "fetched_at": self._fetched_at,
            "checked_at": self._checked_at,
            "last_success_at": since,
            "last_error": str(self.last_error) if self.last_error is not None else None,
            "failures": self._failures,
            "stale": since is None or now - since > self.stale_after,
            "callback_error": self.callback_error,
        }

    # --- checking -------------------------------------------------------------------------

    def refresh(self) -> bool:
        """Check the source now.  True when a new catalog is now served.  Never raises."""
        return self._run(self._check_source)

    def reload(self) -> bool:
        """Load the source again even if it looks unchanged; True when a new catalog is now served,
        False when refused (``last_error`` says why; the last good catalog stays)."""
        return self._run(lambda: self._check_source(force=True))

    def reload_if_changed(self) -> bool:
        """A file: reload only when its mtime, size or inode changed (or, with ``public_key``, its
        ``.minisig``'s); a URL: a conditional GET."""
        return self.refresh()

    def close(self) -> None:
        """Stop the refresh thread (if any)."""
        self._closed = True
        if self._stop is not None:
            self._stop.set()
        thread = self._thread
        if thread is not None and thread.is_alive() and thread is not _current_thread():
            thread.join(self.timeout + 1)

    def __enter__(self) -> CatalogHolder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- internals ------------------------------------------------------------------------

    def _start(self) -> None:
        first_error: CatalogError | None = None
        if self._cache_path is not None:
            entry = _cache.read(self._cache_path)
            if entry is not None:
                try:
                    self._catalog = self._verified(entry.artifact, entry.signature)
                    self._origin, self._fetched_at = "cache", entry.fetched_at
                    # Asked with the cache's validators: a 304 says it is current (no download).
                    self._etag, self._last_modified = entry.etag, entry.last_modified
                except CatalogError as exc:
                    first_error = exc  # a damaged cache is not used, and replaced by the next good fetch
        try:
            self._check_source(force=self._catalog is None)
        except CatalogError as exc:
            self._note_failure(exc)
            first_error = exc
        self._fire_callbacks()
        if self._catalog is None:
            raise first_error or ArtifactError(f"no catalog from {self.source}")

    def _run(self, check: Callable[[], bool]) -> bool:
        try:
            return check()
        except CatalogError as exc:
            self._note_failure(exc)
            return False
        finally:
            self._fire_callbacks()

    def _fire_callbacks(self) -> None:
        """Call the callbacks a check queued, outside the lock: one may call ``refresh()`` itself."""
        pending = self._pending
        while pending:
            try:
                name, callback, arg = pending.popleft()
            except IndexError:  # another thread fired the last one
                return
            self._callback(name, callback, arg)

    def _note_failure(self, exc: CatalogError) -> None:
        self._failures += 1
        wait = getattr(exc, "retry_after", None)
        if wait:  # honoured up to the longest back-off (a server's "come back next year" is not)
            self._not_before = time.monotonic() + min(wait, self._longest_wait())
        # One report per kind of outage, not per message: "truncated download (812 of 4096 bytes)"
        # differs at every check of the same outage.
        self._report(exc, ("failure", type(exc).__name__, _DIGITS.sub("#", str(exc))))

    def _report(self, exc: CatalogError, ident: object) -> None:
        self.last_error = exc
        if ident in self._reported:
            return
        if len(self._reported) >= _MAX_REPORTED:
            self._reported.pop(next(iter(self._reported)))
        self._reported[ident] = None
        if self.on_error is not None:
            self._pending.append(("on_error", self.on_error, exc))

    def _callback(self, name: str, callback: Callable[[Any], object], arg: object) -> None:
        """Call the application's ``on_error``/``on_change``: what it raises is logged and shown in
        ``status()``, never raised into a reload or the refresh thread (the catalog stays)."""
        try:
            callback(arg)
        except Exception as exc:
            import logging

            self.callback_error = f"{name} raised {type(exc).__name__}: {exc}"
            log = logging.getLogger("modelctl.runtime")
            log.exception("CatalogHolder(%r): the %s callback raised", self.source, name)

    def _verified(self, raw: bytes, signature: bytes | None) -> Catalog:
        catalog = Catalog.loads(raw, parser=self.parser)
        self._check_signature(raw, signature)
        return catalog

    def _check_signature(self, raw: bytes, signature: bytes | None) -> None:
        if self._key is not None:
            if signature is None:
                raise SignatureError("the artifact is unsigned and a public key is configured: refused")
            self._key.verify(raw, signature)

    def _check_source(self, *, force: bool = False) -> bool:
        with self._lock:
            self._checked_at = time.time()
            if self.is_url:
                return self._check_url(force)
            stamp = self._stat()
            if not force and stamp == self._stamp and self._catalog is not None:
                self._succeeded()
                self._report_deferred()
                return False
            self._stamp = stamp  # also when refused: a bad file is reported once, not on every check
            raw, signature = self._read_file()
            return self._consider(raw, signature, "file", None, None)

    def _check_url(self, force: bool) -> bool:
        """One check of a URL: its requests (the artifact, with a key its signature, perhaps once
        more) share one ``timeout``.  Asked with the validators of what it served last, refused
        or not: a refused artifact is not downloaded again while the origin still serves it."""
        from modelctl.runtime._remote import fetch as _fetch

        self._deadline = time.monotonic() + self.timeout
        refused = None if force else self._refused
        etag, modified = (refused.etag, refused.last_modified) if refused else (self._etag, self._last_modified)
        reply = _fetch.get(
            self.source,
            timeout=self.timeout,
            headers=self.headers,
            etag=None if force else etag,
            last_modified=None if force else modified,
            deadline=self._deadline,
        )
        if reply.status != 304:
            page = _fetch.error_page(self.source, reply)
            if page is not None:
                raise page  # an outage (back-off, ``stale``), not a refusal of an artifact
            signature = self._signature_url() if self._key is not None else None
            return self._consider(reply.body, signature, "source", reply.etag, reply.last_modified)
        if self._catalog is None:  # (fetch refuses a 304 to a request that offered nothing)
            raise FetchError(f"{self.source}: HTTP 304 Not Modified, and no catalog is held")
        if refused is not None and refused.raw is not None:
            # The artifact refused for its signature (missing or not matching) is still served; its
            # signature is an object of its own, which a push may have written since: fetch it.
            signature = self._signature_url()
            if signature != refused.signature:
                return self._consider(refused.raw, signature, "source", refused.etag, refused.last_modified)
        self._succeeded()
        self._report_deferred()
        return False

    def _report_deferred(self) -> None:
        """A signature refusal seen by a second check: reported now (the first may have seen a push
        half done: the new artifact beside the old signature, or before its signature)."""
        refused = self._refused
        if refused is not None and not refused.reported:
            refused.reported = True
            self._report(refused.error, refused.ident)

    def _succeeded(self) -> None:
        self._success_at, self._failures, self._not_before = time.time(), 0, 0.0
        self._reported = {k: None for k in self._reported if not (isinstance(k, tuple) and k[0] == "failure")}
        if self.last_error is not None and isinstance(self.last_error, FetchError):
            self.last_error = None

    def _signature_url(self) -> bytes | None:
        from modelctl.runtime._remote import fetch as _fetch

        try:
            return _fetch.get(
                _beside(self.source, ".minisig"), timeout=self.timeout, headers=self.headers, deadline=self._deadline
            ).body
        except FetchError as exc:
            if "HTTP 404" in str(exc) or "HTTP 403" in str(exc):
                return None  # refused as unsigned
            raise

    def _immutable_signature(self, catalog: Catalog) -> bytes | None:
        """The signature beside the immutable copy ``modelctl push`` writes for this artifact
        (``catalogs/<revision>-<hex>.json.minisig`` beside ``catalog.json``), or None (no such
        layout, not there, not reachable in the check's time).  Behind a CDN the pointer and its
        ``.minisig`` are cached apart, and for up to their ``max-age`` an edge can serve the new
        artifact with the old signature: a refusal, and a false alarm at the next check.  The
        immutable copy's signature is never stale.  It is the same signature, checked the same
        way: where it comes from adds no trust."""
        from urllib.parse import urlsplit, urlunsplit

        from modelctl.runtime._remote import fetch as _fetch

        url = urlsplit(self.source)
        folder, _, name = url.path.rpartition("/")
        if not name.endswith(".json") or "/" not in url.path:
            return None
        copy = f"{folder}/{immutable_name(name, catalog.revision, catalog.digest)}.minisig"
        try:
            reply = _fetch.get(
                urlunsplit(url._replace(path=copy)), timeout=self.timeout, headers=self.headers, deadline=self._deadline
            )
        except FetchError:
            return None
        return reply.body if reply.status == 200 else None

    def _stat(self) -> tuple[tuple[int, int, int] | None, ...]:
        """The artifact's stamp, and with a public key its signature's: ``publish`` writes the
        ``.minisig`` after the artifact, and a check between the two (refused: unsigned) must not
        keep the new artifact refused once its signature is there."""
        paths = (self.path, self.path + ".minisig") if self._key is not None else (self.path,)
        return tuple(_stamp(path) for path in paths)

    def _read_file(self) -> tuple[bytes, bytes | None]:
        sig_path = self.path + ".minisig"
        for _ in range(3):  # the signature, the artifact, the signature again (docs/artifact.md)
            before = _read_or_none(sig_path) if self._key is not None else None
            try:
                with open(self.path, "rb") as fh:
                    raw = fh.read(MAX_BYTES + 1)  # bounded, as a download is
            except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
                raise ArtifactError(
                    f"cannot read artifact {self.path!r}: {getattr(exc, 'strerror', None) or exc}"
                ) from None
            if len(raw) > MAX_BYTES:
                raise ArtifactError(f"cannot read artifact {self.path!r}: larger than the limit of {MAX_BYTES} bytes")
            after = _read_or_none(sig_path) if self._key is not None else None
            if before == after:
                break
        return raw, after

    def _consider(
        self, raw: bytes, signature: bytes | None, origin: str, etag: str | None, last_modified: str | None
    ) -> bool:
        ident = hashlib.sha256(raw + b"\0" + (signature or b"")).digest()
        held = self._catalog
        try:
            fresh = Catalog.loads(raw, parser=self.parser)  # loaded once, whichever signature verifies it
            try:
                self._check_signature(raw, signature)
            except SignatureError:
                if not (self.is_url and self._key is not None):
                    raise
                # The pointer's artifact and signature are two objects: fetch the signature once more,
                # then the immutable copy's, which no cache can serve stale.
                signature = self._signature_url()
                try:
                    self._check_signature(raw, signature)
                except SignatureError:
                    immutable = self._immutable_signature(fresh)
                    if immutable is None:
                        raise
                    signature = immutable
                    self._check_signature(raw, signature)
            if held is not None:
                if fresh.revision < held.revision and not self.allow_rollback:
                    raise RollbackError(
                        f"artifact revision {fresh.revision} is lower than the revision {held.revision} held "
                        "(a replayed old artifact?): refused; re-publish it with `modelctl publish --from-artifact` "
                        "or pass allow_rollback=True"
                    )
                if self.max_shrink and len(fresh) < self.max_shrink * len(held):
                    raise ShrinkError(
                        f"artifact has {len(fresh)} models, fewer than {self.max_shrink:g} x the "
                        f"{len(held)} held: refused"
                    )
        except CatalogError as exc:
            named = _naming(exc, self.path if origin == "file" else self.source)
            if held is None:
                raise named from None
            # The source answered: a refusal is reported, but it is no outage (``stale`` says the
            # source cannot be reached; a fleet refusing one bad publish keeps serving, ready).
            self._succeeded()
            # A signature missing or not matching may be a push seen half done (the artifact and its
            # signature are two files or objects): reported when the next check sees it too.
            signed = isinstance(exc, SignatureError)
            again = self._refused is not None and self._refused.ident == ident
            keep = raw if signed and origin == "source" else None  # a URL's signature is fetched alone
            self._refused = _Refused(etag, last_modified, keep, signature, ident, named)
            if signed and not again:
                self._refused.reported = False
                self.last_error = named
                return False
            self._report(named, ident)
            return False
        self._succeeded()
        self.last_error = None
        self._refused = None
        self._etag, self._last_modified = etag, last_modified
        self._fetched_at = time.time()
        changed = held is None or fresh.digest != held.digest
        self._catalog, self._origin = fresh, origin
        if origin == "source" and self._cache_path is not None:
            try:
                entry = _cache.Entry(raw, signature, etag, last_modified, self._fetched_at, fresh.revision)
                # The folder's lock is waited for within the check's timeout, and 1 s at most.
                left = self._deadline - time.monotonic() if self._deadline is not None else _cache.LOCK_WAIT
                wait = min(_cache.LOCK_WAIT, max(left, 0.0))
                _cache.write(self._cache_path, entry, allow_rollback=self.allow_rollback, wait=wait)
            except OSError as exc:
                self._report(CatalogError(f"cannot write the cache {self._cache_path!r}: {exc}"), ("cache", str(exc)))
        if changed and held is not None and self.on_change is not None:
            self._pending.append(("on_change", self.on_change, fresh))  # called once the lock is released
        return changed

    # --- the refresh thread ---------------------------------------------------------------

    def _longest_wait(self) -> float:
        """The longest back-off: 16 x the interval or 5 minutes, whichever is longer."""
        return max(float(self.refresh_interval or 60.0) * 16, 300.0)

    def _next_delay(self) -> float:
        base = float(self.refresh_interval or 60.0)
        if self._failures:
            base = min(base * 2 ** min(self._failures, 10), self._longest_wait())
        delay = base * random.uniform(0.75, 1.25)
        return max(delay, self._not_before - time.monotonic())

    def _start_thread(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="modelctl-catalog-refresh", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        stop = self._stop
        while not stop.wait(self._next_delay()):
            try:
                self.refresh()
            except Exception as exc:  # not expected (refresh never raises): keep refreshing all the same
                self.last_error = CatalogError(f"the refresh raised {type(exc).__name__}: {exc}")

    def _after_fork(self) -> None:
        """In a forked child (gunicorn --preload): new lock, and a refresh thread of its own."""
        self._lock = allocate_lock()
        self._thread = None
        if self.refresh_interval and not self._closed:
            self._start_thread()


class _Refused:
    """The artifact the source serves now, refused: a URL's validators (the next check asks with
    them), and for a signature refusal its bytes and that signature (the signature alone is fetched
    again); whether it was reported yet (a signature refusal waits for a second check)."""

    __slots__ = ("etag", "last_modified", "raw", "signature", "ident", "error", "reported")

    def __init__(
        self,
        etag: str | None,
        last_modified: str | None,
        raw: bytes | None,
        signature: bytes | None,
        ident: bytes,
        error: CatalogError,
    ) -> None:
        self.etag, self.last_modified, self.raw, self.signature = etag, last_modified, raw, signature
        self.ident, self.error, self.reported = ident, error, True


_DIGITS = re.compile(r"[0-9]+")


def _number(
    name: str, value: Any, *, none: bool = False, zero: bool = True, infinite: bool = False, most: float | None = None
) -> Any:
    """A holder option that is a number of seconds (or a ratio): TypeError naming it when it is not a
    number, ValueError when it is NaN, negative, zero or infinite where that makes no sense (a negative
    ``refresh`` would check the origin in a tight loop)."""
    if value is None and none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number{' or None' if none else ''}, not {type(value).__name__}")
    number = float(value)
    if (
        number != number  # NaN
        or number < 0
        or (number == 0 and not zero)
        or (number == float("inf") and not infinite)
        or (most is not None and number > most)
    ):
        want = "a finite number" if not infinite else "a number"
        want += " above 0" if not zero else " of at least 0"
        want += f" and at most {most:g}" if most is not None else ""
        raise ValueError(f"{name} must be {want}, not {value!r}")
    return value


_TOKEN = frozenset("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _checked_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    """The configured headers, refused at construction (not on every fetch) when one cannot be sent:
    a name that is not an HTTP token, a value that is not latin-1 text or holds a line break or NUL.
    The error names the header, never its value (a token)."""
    out: dict[str, str] = {}
    for name, value in dict(headers or {}).items():
        if not isinstance(name, str) or not isinstance(value, str):
            what = type(name).__name__ if not isinstance(name, str) else f"{type(value).__name__} for {name!r}"
            raise TypeError(f"a header name and value are str, not {what}")
        if not name or not set(name) <= _TOKEN:
            raise ValueError(f"header {name!r}: not a valid HTTP header name")
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            raise ValueError(f"header {name!r}: its value is not latin-1 text, which HTTP cannot send") from None
        if "\r" in value or "\n" in value or "\0" in value:
            raise ValueError(f"header {name!r}: its value holds a line break or a NUL character")
        out[name] = value
    return out


def _beside(url: str, suffix: str) -> str:
    """The URL of the file beside ``url``'s with ``suffix`` added to its name, the query kept:
    ``https://h/catalog.json?token=t`` -> ``https://h/catalog.json.minisig?token=t`` (appending
    to the whole URL gave ``...?token=t.minisig``, the artifact again with another token)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path + suffix))


def _naming(exc: CatalogError, where: str) -> CatalogError:
    """The same error, its message starting with the file or URL it is about."""
    if str(exc).startswith(where) or type(exc) not in (ArtifactError, SignatureError, RollbackError, ShrinkError):
        return exc
    return type(exc)(f"{where}: {exc}")


def _stamp(path: str) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _read_or_none(path: str) -> bytes | None:
    """A signature file's bytes (at most 64 KiB: a minisign signature is about 300 bytes)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(1 << 16)
    except (OSError, ValueError):
        return None


def _current_thread() -> Any:
    return threading.current_thread()
