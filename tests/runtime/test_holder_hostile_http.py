"""CatalogHolder against an origin that misbehaves in ways nginx will not: a tiny HTTP server on
127.0.0.1 in the test, answering each path as the test says (redirects to another host or to
plain HTTP, a body larger than the limit or endless, a Content-Length that lies, gzip, 5xx with a
Retry-After that is a date, garbage or enormous)."""

from __future__ import annotations

import gzip
import http.server
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from distribution_origin import artifact, make_keys, signed

from modelctl.runtime import CatalogHolder, FetchError
from modelctl.runtime._remote import fetch


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    endless: bool = False  # after the body, zeros until the client stops reading
    # 304 to an If-Modified-Since of this date whatever the If-None-Match, as moto's S3 does for an
    # object written in the same second (RFC 7232 says to ignore If-Modified-Since beside it)
    not_modified_since: str | None = None


@dataclass
class Server:
    port: int
    routes: dict[str, Reply]
    seen: list[tuple[str, dict[str, str]]]

    def url(self, path: str = "/catalog.json", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


def _handler(routes: dict[str, Reply], seen: list[tuple[str, dict[str, str]]]) -> type:
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            seen.append((self.path, dict(self.headers.items())))
            reply = routes.get(self.path, Reply(404))
            if reply.not_modified_since and self.headers.get("If-Modified-Since") == reply.not_modified_since:
                reply = Reply(304)
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if "Content-Length" not in reply.headers and not reply.endless:
                self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            try:
                self.wfile.write(reply.body)
                while reply.endless:
                    self.wfile.write(b"0" * 65536)
            except OSError:
                pass  # the client stopped reading

    return Handler


@pytest.fixture
def server() -> Iterator[Server]:
    routes: dict[str, Reply] = {}
    seen: list[tuple[str, dict[str, str]]] = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(routes, seen))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield Server(httpd.server_address[1], routes, seen)
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def good(tmp_path: Path) -> bytes:
    return artifact("mini", 100, tmp_path)


# --- redirects -------------------------------------------------------------------------------


def test_a_redirect_to_another_host_does_not_carry_the_configured_headers(server: Server, good: bytes) -> None:
    # 127.0.0.1 and localhost are two origins (another host, as far as HTTP goes), one server.
    server.routes["/catalog.json"] = Reply(302, {"Location": server.url("/moved.json", host="localhost")})
    server.routes["/moved.json"] = Reply(200, body=good)
    holder = CatalogHolder(server.url(), headers={"Authorization": "Bearer secret", "X-Api-Key": "k"})
    assert holder.catalog.revision == 100
    first, moved = server.seen
    assert first[1].get("Authorization") == "Bearer secret" and first[1].get("X-Api-Key") == "k"
    assert moved[0] == "/moved.json"
    assert "Authorization" not in moved[1] and "X-Api-Key" not in moved[1]


def test_a_redirect_on_the_same_origin_keeps_the_headers(server: Server, good: bytes) -> None:
    server.routes["/catalog.json"] = Reply(301, {"Location": "/v2/catalog.json"})
    server.routes["/v2/catalog.json"] = Reply(200, body=good)
    CatalogHolder(server.url(), headers={"Authorization": "Bearer secret"})
    assert [h.get("Authorization") for _, h in server.seen] == ["Bearer secret", "Bearer secret"]


@pytest.mark.parametrize("target", ["ftp://127.0.0.1/catalog.json", "file:///etc/passwd"])
def test_a_redirect_to_another_scheme_is_refused(server: Server, target: str) -> None:
    server.routes["/catalog.json"] = Reply(302, {"Location": target})
    with pytest.raises(FetchError, match=r"[Rr]edirect.*to .*(refused|not allowed)"):
        CatalogHolder(server.url())
    assert len(server.seen) == 1  # nothing followed


def test_a_redirect_from_https_to_http_is_refused() -> None:
    class Request:
        full_url = "https://prices.example/catalog.json"

    handler = fetch._Redirects()
    with pytest.raises(FetchError, match="from https to http.*refused"):
        handler.redirect_request(Request(), None, 302, "Found", {}, "http://prices.example/catalog.json")  # type: ignore[arg-type]


# --- slow answers -------------------------------------------------------------------------


@pytest.mark.parametrize("head", [b"", b"HTTP/1.1 200 OK\r\n", b"HTTP/1.1 200 OK\r\nContent-Length: 9999\r\n\r\n"])
def test_an_answer_trickled_a_byte_at_a_time_is_bounded_by_the_timeout(head: bytes) -> None:
    """The socket timeout bounds one read, not the exchange: a server that sends its status line,
    its headers or its body a byte every 0.1 s never lets one read time out.  The holder's start-up
    ends after its timeout, not when the server stops (60 s, or hours for headers)."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def trickle() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(head)
            for _ in range(600):  # a minute at most, whatever the client does
                if stop.wait(0.1):
                    return
                try:
                    conn.sendall(b"x")  # a status line, a header line or a body that never ends
                except OSError:
                    return

    worker = threading.Thread(target=trickle, daemon=True)
    worker.start()
    started = time.monotonic()
    try:
        with pytest.raises(FetchError, match="timeout"):
            CatalogHolder(f"http://127.0.0.1:{listener.getsockname()[1]}/catalog.json", timeout=0.5)
        assert time.monotonic() - started < 20  # 0.5 s and a busy machine; unbounded, 60 s
    finally:
        stop.set()
        worker.join(10)
        listener.close()


def test_one_timeout_bounds_every_request_of_a_check(
    server: Server, good: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a key a check makes up to four requests (the artifact, its signature, the signature
    once more when it does not match, then the immutable copy's): they share one deadline,
    ``timeout`` after the check began, so start-up is bounded by ``timeout``, not four times it."""
    keys = make_keys(tmp_path)
    server.routes["/catalog.json"] = Reply(200, body=good)
    server.routes["/catalog.json.minisig"] = Reply(200, body=signed(good, keys))
    deadlines: list[float | None] = []
    real = fetch.get

    def recording(url: str, **kwargs: Any) -> fetch.Response:
        deadlines.append(kwargs.get("deadline"))
        return real(url, **kwargs)

    monkeypatch.setattr(fetch, "get", recording)
    holder = CatalogHolder(server.url(), public_key=keys.public_path, timeout=30)
    assert len(deadlines) == 2 and deadlines[0] is not None and deadlines[0] == deadlines[1]
    server.routes["/catalog.json"] = Reply(200, body=artifact("mini2", 101, tmp_path))  # the old signature
    started = time.monotonic()
    holder.refresh()
    assert len(deadlines) == 6 and deadlines[2] == deadlines[3] == deadlines[4] == deadlines[5]
    assert started < deadlines[2] <= time.monotonic() + 30  # type: ignore[operator]


def test_a_deadline_already_past_fails_before_connecting(server: Server) -> None:
    with pytest.raises(FetchError, match="within the 5 s timeout"):
        fetch.get(server.url(), timeout=5, deadline=time.monotonic() - 1)
    assert server.seen == []


def test_a_304_to_a_request_that_offered_nothing_is_named(server: Server) -> None:
    """A 304 says "what you have is current"; to a request with no If-None-Match or
    If-Modified-Since it is a misconfigured server or proxy, not "artifact is not valid JSON"."""
    server.routes["/catalog.json"] = Reply(304)
    with pytest.raises(FetchError, match="304 Not Modified to a request that was not conditional"):
        CatalogHolder(server.url())


def test_a_new_artifact_of_the_same_second_is_not_hidden_by_if_modified_since(server: Server, tmp_path: Path) -> None:
    """With an ETag the holder asks with If-None-Match alone: a server that also judges
    If-Modified-Since (moto's S3; second-resolution dates) answered 304 to every check after a
    publish in the same second as the one before, until the next publish in a later second."""
    second = "Thu, 03 Dec 2026 12:00:00 GMT"
    old, new = artifact("mini", 100, tmp_path), artifact("mini2", 101, tmp_path)
    server.routes["/catalog.json"] = Reply(200, {"ETag": '"a"', "Last-Modified": second}, old)
    holder = CatalogHolder(server.url())
    server.routes["/catalog.json"] = Reply(
        200, {"ETag": '"b"', "Last-Modified": second}, new, not_modified_since=second
    )
    assert holder.refresh() is True and holder.status()["revision"] == 101
    asked = server.seen[-1][1]
    assert asked.get("If-None-Match") == '"a"' and "If-Modified-Since" not in asked
    # With no ETag, the date is all there is to ask with.
    server.routes["/catalog.json"] = Reply(200, {"Last-Modified": "Thu, 03 Dec 2026 12:00:05 GMT"}, old)
    bare = CatalogHolder(server.url(), allow_rollback=True)
    bare.refresh()
    assert server.seen[-1][1].get("If-Modified-Since") == "Thu, 03 Dec 2026 12:00:05 GMT"


def test_an_outage_whose_message_varies_is_reported_once(server: Server, good: bytes) -> None:
    errors: list[Exception] = []
    server.routes["/catalog.json"] = Reply(200, body=good)
    holder = CatalogHolder(server.url(), on_error=errors.append)
    for extra in (100, 250, 4000):  # truncated downloads: "(N of M bytes)" differs every time
        server.routes["/catalog.json"] = Reply(
            200, {"Content-Length": str(len(good) + extra), "Connection": "close"}, good
        )
        assert holder.reload() is False
    assert len(errors) == 1 and "truncated download" in str(errors[0])
    assert holder.status()["failures"] == 3 and str(len(good) + 4000) in holder.status()["last_error"]
    server.routes["/catalog.json"] = Reply(503)  # another kind of outage: reported
    holder.reload()
    assert len(errors) == 2 and "HTTP 503" in str(errors[1])


# --- bodies ---------------------------------------------------------------------------------


PAGE = b"<!DOCTYPE html>\n<html><body>Please sign in to the network</body></html>"


@pytest.mark.parametrize(
    "body", [PAGE, b"", b"  \r\n Service Unavailable", b"\xef\xbb\xbf<?xml version='1.0'?><Error/>"]
)
def test_a_200_that_is_no_json_object_is_an_outage_not_a_refusal(server: Server, good: bytes, body: bytes) -> None:
    """A proxy's or a captive portal's page served with 200 says the origin was not reached: the
    holder backs off and goes stale as for a 502, reports it once, and is back with the origin."""
    errors: list[Exception] = []
    server.routes["/catalog.json"] = Reply(200, body=good)
    holder = CatalogHolder(server.url(), on_error=errors.append, stale_after=0.05)
    revision = holder.catalog.revision
    server.routes["/catalog.json"] = Reply(200, {"Content-Type": "text/html; charset=utf-8"}, body)
    for _ in range(3):
        assert holder.reload() is False
    time.sleep(0.1)
    status = holder.status()
    assert status["failures"] == 3 and status["stale"] is True and holder.catalog.revision == revision
    assert len(errors) == 1 and isinstance(errors[0], FetchError)
    assert "not an artifact" in str(errors[0]) and "text/html" in str(errors[0])
    server.routes["/catalog.json"] = Reply(200, body=good)
    holder.reload()
    assert holder.status()["failures"] == 0 and holder.status()["stale"] is False
    assert holder.status()["last_error"] is None


def test_a_portal_page_at_start_up_serves_the_cache(server: Server, good: bytes, tmp_path: Path) -> None:
    server.routes["/catalog.json"] = Reply(200, body=good)
    CatalogHolder(server.url(), cache_dir=tmp_path / "c")
    server.routes["/catalog.json"] = Reply(200, {"Content-Type": "text/html"}, PAGE)
    holder = CatalogHolder(server.url(), cache_dir=tmp_path / "c")
    assert holder.status()["origin"] == "cache" and holder.status()["failures"] == 1
    assert "not an artifact" in holder.status()["last_error"]
    shown = r"begins '<!DOCTYPE html>\\n<html><body>Please sign ' \(Content-Type 'text/html'\)"
    with pytest.raises(FetchError, match=shown):
        CatalogHolder(server.url())  # no cache: no prices, no start


def test_a_body_that_is_a_json_object_is_left_to_the_load(server: Server, good: bytes) -> None:
    """Only a body that cannot be JSON is taken for an error page: a JSON object that is no
    artifact is refused as one (the origin answered), with white space or a BOM before it."""
    errors: list[Exception] = []
    server.routes["/catalog.json"] = Reply(200, body=good)
    holder = CatalogHolder(server.url(), on_error=errors.append)
    server.routes["/catalog.json"] = Reply(200, body=b'\xef\xbb\xbf \n{"message": "hello"}')
    assert holder.reload() is False
    assert holder.status()["failures"] == 0 and type(errors[0]).__name__ == "ArtifactError"
    server.routes["/catalog.json"] = Reply(200, body=b" " * 5000 + b"{}")  # white space past the look-ahead
    assert holder.reload() is False and holder.status()["failures"] == 0


def test_a_content_length_above_the_limit_is_refused_before_the_download(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetch, "MAX_BYTES", 1000)
    server.routes["/catalog.json"] = Reply(200, {"Content-Length": "5000"}, endless=True)
    started = time.monotonic()
    with pytest.raises(FetchError, match="5000 bytes, above the limit of 1000"):
        fetch.get(server.url(), timeout=5)
    assert time.monotonic() - started < 2


def test_an_endless_body_stops_at_the_limit(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch, "MAX_BYTES", 1 << 20)
    server.routes["/catalog.json"] = Reply(200, {"Connection": "close"}, endless=True)
    with pytest.raises(FetchError, match="larger than the limit of 1048576 bytes"):
        fetch.get(server.url(), timeout=5)


def test_a_content_length_that_lies_is_refused(server: Server, good: bytes) -> None:
    server.routes["/catalog.json"] = Reply(200, {"Content-Length": str(len(good) + 100), "Connection": "close"}, good)
    with pytest.raises(FetchError):
        fetch.get(server.url(), timeout=5)
    server.routes["/catalog.json"] = Reply(200, {"Content-Length": "²", "Connection": "close"}, good)
    assert fetch.get(server.url(), timeout=5).body == good  # not a number: ignored, as http.client does


def test_a_gzip_body_is_decompressed(server: Server, good: bytes) -> None:
    server.routes["/catalog.json"] = Reply(200, {"Content-Encoding": "gzip"}, gzip.compress(good))
    holder = CatalogHolder(server.url())
    assert holder.catalog.revision == 100 and holder.last_error is None


def test_a_gzip_bomb_stops_at_the_limit(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch, "MAX_BYTES", 1 << 20)
    server.routes["/catalog.json"] = Reply(200, {"Content-Encoding": "gzip"}, gzip.compress(b"0" * (8 << 20)))
    with pytest.raises(FetchError, match="larger than the limit of 1048576 bytes"):
        fetch.get(server.url(), timeout=5)


@pytest.mark.parametrize("encoding", ["br", "zstd", "x-unknown"])
def test_an_encoding_the_holder_cannot_read_is_named(server: Server, good: bytes, encoding: str) -> None:
    server.routes["/catalog.json"] = Reply(200, {"Content-Encoding": encoding}, good)
    with pytest.raises(FetchError, match=f"Content-Encoding {encoding}"):
        fetch.get(server.url(), timeout=5)


def test_corrupt_gzip_is_a_fetch_error(server: Server, good: bytes) -> None:
    server.routes["/catalog.json"] = Reply(200, {"Content-Encoding": "gzip"}, gzip.compress(good)[:-20])
    with pytest.raises(FetchError, match="gzip"):
        fetch.get(server.url(), timeout=5)


# --- Retry-After ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["9" * 30, "9" * 5000, "Fri, 31 Dec 9999 23:59:59 GMT", "Thu, 01 Jan 1970 00:00:00 GMT", "soon", "-5", "1e9", ""],
)
def test_retry_after_is_bounded_and_garbage_ignored(value: str) -> None:
    wait = fetch.retry_after(value)
    assert wait is None or 0 <= wait <= fetch.MAX_RETRY_AFTER


def test_an_enormous_retry_after_does_not_stop_the_refresh_thread(server: Server, good: bytes) -> None:
    server.routes["/catalog.json"] = Reply(200, body=good)
    holder = CatalogHolder(server.url(), refresh=0.05)
    try:
        server.routes["/catalog.json"] = Reply(503, {"Retry-After": "9" * 5000})
        deadline = time.monotonic() + 5
        while holder.status()["failures"] == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.2)
        assert holder.status()["failures"] >= 1
        assert holder._thread.is_alive()
        assert holder._next_delay() <= max(0.05 * 16, 300.0) * 1.25 + 1
    finally:
        holder.close()


# --- arguments ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["Bearer …", "a\r\nX-Injected: 1", "a\nb", "a\x00b"])
def test_a_header_that_cannot_be_sent_is_refused_at_construction_without_echoing_it(
    server: Server, good: bytes, value: str
) -> None:
    server.routes["/catalog.json"] = Reply(200, body=good)
    with pytest.raises(ValueError, match="header 'Authorization'") as info:
        CatalogHolder(server.url(), headers={"Authorization": value})
    assert value not in str(info.value)
    assert server.seen == []


@pytest.mark.parametrize("headers", [{"Authorization": 5}, {5: "x"}, {"Bad Name": "x"}, {"": "x"}])
def test_a_header_of_the_wrong_type_or_name_is_refused(headers: Any) -> None:
    with pytest.raises((TypeError, ValueError), match="header"):
        CatalogHolder("http://127.0.0.1:9/catalog.json", headers=headers)


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("refresh", -1),
        ("refresh", float("nan")),
        ("refresh", float("inf")),
        ("timeout", 0),
        ("timeout", -5),
        ("timeout", float("nan")),
        ("stale_after", -1),
        ("max_shrink", float("nan")),
        ("max_shrink", -0.5),
    ],
)
def test_a_number_out_of_range_is_a_value_error(server: Server, good: bytes, option: str, value: float) -> None:
    server.routes["/catalog.json"] = Reply(200, body=good)
    with pytest.raises(ValueError, match=option):
        CatalogHolder(server.url(), **{option: value})
    assert server.seen == []


@pytest.mark.parametrize(("option", "value"), [("refresh", "30"), ("timeout", None), ("max_shrink", "half")])
def test_a_number_of_the_wrong_type_is_a_type_error(option: str, value: Any) -> None:
    with pytest.raises(TypeError, match=option):
        CatalogHolder("http://127.0.0.1:9/catalog.json", **{option: value})


def test_close_twice_and_refresh_after_close(server: Server, good: bytes) -> None:
    server.routes["/catalog.json"] = Reply(200, body=good)
    holder = CatalogHolder(server.url(), refresh=0.05)
    holder.close()
    holder.close()
    assert not holder._thread.is_alive()
    assert holder.refresh() is False  # still checks on demand (nothing changed): never raises
    assert holder.status()["revision"] == 100


# --- the cache folder and the key -----------------------------------------------------------


def test_a_cache_folder_that_is_a_file_is_reported_and_the_catalog_served(
    server: Server, good: bytes, tmp_path: Path
) -> None:
    server.routes["/catalog.json"] = Reply(200, body=good)
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder")
    errors: list[Exception] = []
    holder = CatalogHolder(server.url(), cache_dir=blocker, on_error=errors.append)
    assert holder.catalog.revision == 100
    assert len(errors) == 1 and "cannot write the cache" in str(errors[0])
    holder.reload()
    assert len(errors) == 1  # once, not on every check
    assert blocker.read_text() == "not a folder"


def test_two_holders_share_one_cache_folder(server: Server, good: bytes, tmp_path: Path) -> None:
    server.routes["/catalog.json"] = Reply(200, body=good)
    first = CatalogHolder(server.url(), cache_dir=tmp_path / "cache")
    second = CatalogHolder(server.url(), cache_dir=tmp_path / "cache")
    for _ in range(5):
        first.reload()
        second.reload()
    del server.routes["/catalog.json"]  # the origin now answers 404
    third = CatalogHolder(server.url(), cache_dir=tmp_path / "cache")
    assert third.status()["origin"] == "cache" and third.catalog.digest == first.catalog.digest
    assert [p.name for p in (tmp_path / "cache").iterdir() if p.name.startswith(".")] == []  # no temp file left


def test_a_cache_folder_locked_by_a_stuck_writer_does_not_hold_up_start_up(
    server: Server, good: bytes, tmp_path: Path
) -> None:
    """The folder's lock is waited for within the check's ``timeout``: a worker stopped while it
    held the lock (in a debugger, say) does not keep the others from starting."""
    import fcntl
    import os

    server.routes["/catalog.json"] = Reply(200, body=good)
    (tmp_path / "cache").mkdir()
    fd = os.open(tmp_path / "cache", os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # another open file: conflicts as another process's would
    try:
        started = time.monotonic()
        holder = CatalogHolder(server.url(), cache_dir=tmp_path / "cache", timeout=0.5)
        assert time.monotonic() - started < 5 and holder.status()["origin"] == "source"
    finally:
        os.close(fd)
    del server.routes["/catalog.json"]  # the entry was written all the same
    assert CatalogHolder(server.url(), cache_dir=tmp_path / "cache").status()["origin"] == "cache"


def test_a_public_key_path_that_does_not_exist_says_so(tmp_path: Path) -> None:
    from modelctl.runtime import CatalogError

    missing = str(tmp_path / "keys" / "modelctl.pub")
    with pytest.raises(CatalogError, match="cannot read the public key .*modelctl.pub.*no such file"):
        CatalogHolder(str(tmp_path / "catalog.json"), public_key=missing)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        pytest.param(b"not a key\n", "is not base64", id="one-line"),
        pytest.param(b"\0" * 10, "is not base64", id="nul"),
        pytest.param(b"", "is not a minisign Ed25519 public key", id="empty"),
        pytest.param(b"untrusted comment: x\nRWQ=\n", "is not a minisign Ed25519 public key", id="short"),
    ],
)
@pytest.mark.parametrize("as_path", [False, True], ids=["str", "path"])
def test_a_public_key_file_that_is_not_a_key_is_named_not_missing(
    tmp_path: Path, data: bytes, says: str, as_path: bool
) -> None:
    # a one-line file that is not a key was "no such file", and no message named the file
    from modelctl.runtime import CatalogError

    key = tmp_path / "modelctl.pub"
    key.write_bytes(data)
    with pytest.raises(CatalogError) as raised:
        CatalogHolder(str(tmp_path / "catalog.json"), public_key=key if as_path else str(key))
    assert str(raised.value) == f"the public key {str(key)!r} {says}" + (
        " (`modelctl keygen` writes one)" if "minisign" in says else ""
    )


def test_a_public_key_path_that_is_a_folder_says_so(tmp_path: Path) -> None:
    from modelctl.runtime import CatalogError

    with pytest.raises(CatalogError, match="cannot read the public key .*: not a file"):
        CatalogHolder(str(tmp_path / "catalog.json"), public_key=str(tmp_path))


@pytest.mark.parametrize("key", [5, ["RWQ"], 1.5])
def test_a_public_key_of_the_wrong_type_is_a_type_error(tmp_path: Path, key: Any) -> None:
    with pytest.raises(TypeError, match="public_key"):
        CatalogHolder(str(tmp_path / "catalog.json"), public_key=key)


def test_a_source_url_with_a_query_keeps_it_for_the_signature(server: Server, good: bytes, tmp_path: Path) -> None:
    """``?token=…`` (an authenticating proxy, a cache-buster) goes with the signature's URL too,
    after the name: appending ``.minisig`` to the whole URL asked for ``?token=t.minisig``."""
    keys = make_keys(tmp_path)
    server.routes["/prices/catalog.json?token=t"] = Reply(200, body=good)
    server.routes["/prices/catalog.json.minisig?token=t"] = Reply(200, body=signed(good, keys))
    holder = CatalogHolder(server.url("/prices/catalog.json?token=t"), public_key=keys.public_path)
    assert holder.status()["last_error"] is None
    assert [path for path, _ in server.seen] == ["/prices/catalog.json?token=t", "/prices/catalog.json.minisig?token=t"]
