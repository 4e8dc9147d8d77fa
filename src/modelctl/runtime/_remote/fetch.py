"""Fetching an artifact over HTTP(S): conditional GET, a deadline for the whole download,
Retry-After.  Standard library only (``urllib.request``)."""

from __future__ import annotations

import email.utils
import time
import urllib.error
import urllib.request

from modelctl.runtime._errors import FetchError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

MAX_BYTES = 256 * 1024 * 1024
_CHUNK = 1 << 16


class Response:
    __slots__ = ("status", "body", "etag", "last_modified")

    def __init__(self, status: int, body: bytes, etag: str | None, last_modified: str | None) -> None:
        self.status = status  # 200, or 304 (not modified: no body)
        self.body = body
        self.etag = etag
        self.last_modified = last_modified


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - time.time())


def get(
    url: str,
    *,
    timeout: float,
    headers: Mapping[str, str] | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Response:
    """GET ``url``; with ``etag``/``last_modified``, conditionally.  The whole exchange, slow
    servers included, takes at most about ``timeout`` seconds.  Raises ``FetchError``."""
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(url, headers=dict(headers or {}))
    request.add_header("Accept", "application/json")
    if etag:
        request.add_header("If-None-Match", etag)
    if last_modified:
        request.add_header("If-Modified-Since", last_modified)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310 - the configured source
            length = reply.headers.get("Content-Length")
            chunks: list[bytes] = []
            size = 0
            while True:
                if time.monotonic() > deadline:
                    raise FetchError(f"{url}: download took longer than the {timeout:g} s timeout")
                chunk = reply.read1(_CHUNK) if hasattr(reply, "read1") else reply.read(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > MAX_BYTES:
                    raise FetchError(f"{url}: larger than {MAX_BYTES} bytes")
                chunks.append(chunk)
            body = b"".join(chunks)
            if length is not None and length.isdigit() and int(length) != len(body):
                raise FetchError(f"{url}: truncated download ({len(body)} of {length} bytes)")
            return Response(reply.status, body, reply.headers.get("ETag"), reply.headers.get("Last-Modified"))
    except urllib.error.HTTPError as exc:
        exc.close()  # its socket
        if exc.code == 304:
            same = exc.headers.get("ETag") or etag
            return Response(304, b"", same, exc.headers.get("Last-Modified") or last_modified)
        wait = retry_after(exc.headers.get("Retry-After")) if exc.headers else None
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}", retry_after=wait) from None
    except FetchError:
        raise
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise FetchError(f"{url}: {reason}") from None
    except Exception as exc:  # http.client.IncompleteRead and friends: never let one escape a refresh
        raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from None
