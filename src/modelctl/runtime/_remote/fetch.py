"""Fetching an artifact over HTTP(S): conditional GET, a deadline for the whole download,
Retry-After, a size limit, gzip, redirects that keep the configured headers on their origin.
Standard library only (``urllib.request``)."""

from __future__ import annotations

import email.utils
import http.client
import io
import math
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib

from modelctl.runtime._errors import FetchError
from modelctl.runtime._remote import MAX_BYTES as _MAX_BYTES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

MAX_BYTES = _MAX_BYTES  # an artifact (after gzip) larger than this is refused: docs/distribution.md
MAX_RETRY_AFTER = 3600.0  # a longer Retry-After is read as an hour (the holder bounds it further)
_CHUNK = 1 << 16
_PRIVATE = "_modelctl_private"  # on a Request: the configured headers, sent to the source's origin only
_DEADLINE = "_modelctl_deadline"  # on a Request: the time.monotonic() by which the whole exchange ends


class Response:
    __slots__ = ("status", "body", "etag", "last_modified", "content_type")

    def __init__(
        self, status: int, body: bytes, etag: str | None, last_modified: str | None, content_type: str | None = None
    ) -> None:
        self.status = status  # 200, or 304 (not modified: no body)
        self.body = body
        self.etag = etag
        self.last_modified = last_modified
        self.content_type = content_type


def error_page(url: str, reply: Response) -> FetchError | None:
    """A 200 whose body cannot be an artifact, which is always a JSON object: empty, or beginning
    (after white space and a UTF-8 BOM) with anything but ``{``, such as the HTML page of a proxy,
    a captive portal or a server's error page.  That is an outage, not a bad publish: the catalog's
    origin was not reached.  None for a body that may be an artifact (the load decides)."""
    head = reply.body[:4096].lstrip(b" \t\r\n")
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:].lstrip(b" \t\r\n")
    if head[:1] == b"{" or (not head and len(reply.body) > 4096):
        return None
    begins = head[:40].decode("utf-8", "replace")
    kind = f"Content-Type {reply.content_type[:60]!r}" if reply.content_type else "no Content-Type"
    what = f"begins {begins!r}" if head else "is empty"
    return FetchError(
        f"{url}: HTTP {reply.status}, but the body {what} ({kind}): not an artifact, which is a JSON "
        "object (a proxy's, a portal's or a server's error page?)"
    )


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), at most MAX_RETRY_AFTER;
    None when it is neither."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)  # float("9" * 5000) is inf: min() bounds it
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if not math.isfinite(when):
        return None
    return min(max(0.0, when - time.time()), MAX_RETRY_AFTER)


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


class _Redirects(urllib.request.HTTPRedirectHandler):
    """urllib's redirects, except: only to http(s), never from https down to http, and the
    configured headers (``Authorization``...) only to the source's own origin."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        new = urllib.parse.urljoin(req.full_url, newurl)
        scheme = urllib.parse.urlsplit(new).scheme
        refused = None
        if scheme not in ("http", "https"):
            refused = f"{req.full_url}: redirected to {new}: refused (only http and https)"
        elif urllib.parse.urlsplit(req.full_url).scheme == "https" and scheme != "https":
            refused = f"{req.full_url}: redirected from https to http ({new}): refused"
        if refused is not None:
            if fp is not None:
                fp.close()  # its socket
            raise FetchError(refused)
        redirected = super().redirect_request(req, fp, code, msg, headers, new)
        private = getattr(req, _PRIVATE, ())
        if redirected is not None:
            if _origin(new) != _origin(req.full_url):
                for name in private:
                    redirected.remove_header(name)
                private = ()
            setattr(redirected, _PRIVATE, private)
            setattr(redirected, _DEADLINE, getattr(req, _DEADLINE, None))
        return redirected


class _Deadlined(io.RawIOBase):
    """A response's socket reads, each given only the time left before the deadline: a socket
    timeout alone bounds one read, and a server trickling its status line and headers a byte at a
    time (http.client reads them before the body) would hold a check for ever."""

    def __init__(self, inner: Any, sock: Any, deadline: float) -> None:
        # inner: the response's own buffered file, never read (it is replaced before the status
        # line is read): kept to close it, and read through its raw socket file, so that every
        # byte is buffered once (by the reader around this one), not twice.
        self._inner, self._raw, self._sock, self._deadline = inner, inner.raw, sock, deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("timed out")
        self._sock.settimeout(left)
        return int(self._raw.readinto(buffer) or 0)  # one read of the socket

    def close(self) -> None:
        self._inner.close()
        super().close()


class _Response(http.client.HTTPResponse):
    def __init__(self, sock: Any, *args: Any, deadline: float, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        self.fp = io.BufferedReader(_Deadlined(self.fp, sock, deadline))


class _Deadline:
    """For urllib's HTTP and HTTPS handlers: each connection connects within the time left before
    the request's deadline and reads its response through ``_Deadlined``."""

    def do_open(self, http_class: Any, req: Any, **kwargs: Any) -> Any:
        deadline = getattr(req, _DEADLINE, None)

        def connection(host: str, timeout: float, **more: Any) -> Any:
            if deadline is None:
                return http_class(host, timeout=timeout, **more)
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("timed out")
            conn = http_class(host, timeout=min(timeout, left), **more)
            conn.response_class = lambda sock, *a, **kw: _Response(sock, *a, deadline=deadline, **kw)
            return conn

        return super().do_open(connection, req, **kwargs)  # type: ignore[misc]


class _HTTP(_Deadline, urllib.request.HTTPHandler):
    pass


_HANDLERS: list[Any] = [_Redirects, _HTTP]
if hasattr(urllib.request, "HTTPSHandler"):  # Python built with ssl

    class _HTTPS(_Deadline, urllib.request.HTTPSHandler):
        pass

    _HANDLERS.append(_HTTPS)
_OPENER = urllib.request.build_opener(*_HANDLERS)


def _body(reply: Any, url: str, timeout: float, deadline: float) -> bytes:
    """The body as sent (gzip decompressed), at most MAX_BYTES, within the deadline."""
    encoding = (reply.headers.get("Content-Encoding") or "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip"):
        raise FetchError(
            f"{url}: served with Content-Encoding {encoding}, which the holder cannot read (serve it plain or gzip)"
        )
    inflate = zlib.decompressobj(wbits=31) if encoding != "identity" else None
    length = reply.headers.get("Content-Length")
    declared = int(length) if length is not None and length.isascii() and length.isdigit() else None
    if declared is not None and declared > MAX_BYTES:
        raise FetchError(f"{url}: {declared} bytes, above the limit of {MAX_BYTES} bytes: refused")
    chunks: list[bytes] = []
    size = received = 0
    while True:
        if time.monotonic() > deadline:
            raise FetchError(f"{url}: download took longer than the {timeout:g} s timeout")
        chunk = reply.read1(_CHUNK) if hasattr(reply, "read1") else reply.read(_CHUNK)
        if not chunk:
            break
        received += len(chunk)
        if inflate is not None:
            try:
                chunk = inflate.decompress(chunk, MAX_BYTES + 1 - size)
            except zlib.error as exc:
                raise FetchError(f"{url}: the gzip body is corrupt: {exc}") from None
        size += len(chunk)
        if size > MAX_BYTES:
            raise FetchError(f"{url}: larger than the limit of {MAX_BYTES} bytes: refused")
        chunks.append(chunk)
    if declared is not None and declared != received:
        raise FetchError(f"{url}: truncated download ({received} of {declared} bytes)")
    if inflate is not None and not inflate.eof:
        raise FetchError(f"{url}: the gzip body is truncated")
    return b"".join(chunks)


def get(
    url: str,
    *,
    timeout: float,
    headers: Mapping[str, str] | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    deadline: float | None = None,
) -> Response:
    """GET ``url``; with ``etag``/``last_modified``, conditionally.  The whole exchange, slow
    servers included, takes at most about ``timeout`` seconds, or ends by ``deadline`` (a
    ``time.monotonic()`` shared by the requests of one check) when that is sooner.  Raises
    ``FetchError``."""
    now = time.monotonic()
    deadline = now + timeout if deadline is None else min(deadline, now + timeout)
    if deadline <= now:
        raise FetchError(f"{url}: no answer within the {timeout:g} s timeout (the check's time was spent)")
    request = urllib.request.Request(url, headers=dict(headers or {}))
    setattr(request, _PRIVATE, tuple(name.capitalize() for name in headers or ()))
    setattr(request, _DEADLINE, deadline)
    request.add_header("Accept", "application/json")
    if etag:
        request.add_header("If-None-Match", etag)
    elif last_modified:
        # Only without an ETag: a server must ignore the date beside If-None-Match (RFC 7232, 6),
        # but some judge it (moto's S3), and with dates to the second a new artifact written in the
        # same second as the last one was a 304 at every check until the next publish.
        request.add_header("If-Modified-Since", last_modified)
    try:
        with _OPENER.open(request, timeout=deadline - now) as reply:
            body = _body(reply, url, timeout, deadline)
            head = reply.headers
            return Response(reply.status, body, head.get("ETag"), head.get("Last-Modified"), head.get("Content-Type"))
    except urllib.error.HTTPError as exc:
        exc.close()  # its socket
        if exc.code == 304:
            if not etag and not last_modified:  # a 304 says "what you have is current": nothing was offered
                raise FetchError(
                    f"{url}: HTTP 304 Not Modified to a request that was not conditional (a misconfigured "
                    "server or proxy?)"
                ) from None
            same = exc.headers.get("ETag") or etag
            return Response(304, b"", same, exc.headers.get("Last-Modified") or last_modified)
        wait = retry_after(exc.headers.get("Retry-After")) if exc.headers else None
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}", retry_after=wait) from None
    except FetchError:
        raise
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        if isinstance(reason, TimeoutError):
            raise FetchError(f"{url}: no answer within the {timeout:g} s timeout ({reason})") from None
        raise FetchError(f"{url}: {reason}") from None
    except Exception as exc:  # http.client.IncompleteRead and friends: never let one escape a refresh
        raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from None
