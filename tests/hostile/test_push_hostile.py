"""push under hostile destinations and options: an S3 endpoint that is not a URL (a usage error), one that
redirects, fails or refuses (a tiny HTTP server on 127.0.0.1, never the network), a file:// URL
with a host, a --name that is a path.  Each is an error naming what is wrong, with its
documented exit code; nothing is written outside the destination, and no traceback."""

from __future__ import annotations

import http.server
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from conftest import MINI, MakeCatalog
from modelctl.artifact.publish import publish
from modelctl.artifact.push import push
from modelctl.cli import app
from modelctl.errors import ModelctlError

runner = CliRunner()


@pytest.fixture
def dist(make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, value in [
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_DEFAULT_REGION", "us-east-1"),
        ("AWS_MAX_ATTEMPTS", "1"),  # a 500 is not retried: the test needs one answer, not the back-off
    ]:
        monkeypatch.setenv(name, value)
    out = tmp_path / "dist"
    assert publish(make_catalog(MINI), out).digest
    return out


class _Answer(http.server.BaseHTTPRequestHandler):
    status = 200

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(self.status)
        body = b""
        if self.status in (301, 302, 307):
            self.send_header("Location", f"http://127.0.0.1:{self.server.server_address[1]}/elsewhere")
        elif self.status >= 400:
            body = b"<Error><Code>Nope</Code><Message>not today</Message></Error>"
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_PUT = do_HEAD = do_DELETE = do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def answering() -> Iterator[Callable[[int], str]]:
    servers: list[http.server.HTTPServer] = []

    def start(status: int) -> str:
        handler = type("Handler", (_Answer,), {"status": status})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _flat(text: str) -> str:
    """A usage error's words without the box and the line breaks rich puts in them."""
    return " ".join(text.replace("│", " ").split())


def _no_traceback(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


@pytest.mark.parametrize("status", [301, 307])
def test_a_redirecting_endpoint_is_exit_4_not_a_recursion_traceback(
    dist: Path, answering: Callable[[int], str], status: int
) -> None:
    endpoint = answering(status)
    result = runner.invoke(app, ["push", str(dist), "s3://bucket/p", "--endpoint-url", endpoint])
    _no_traceback(result)
    assert result.exit_code == 4
    assert f"the endpoint {endpoint} redirects in a loop" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("status", [500, 403])
def test_an_endpoint_that_fails_or_refuses_is_exit_4(dist: Path, answering: Callable[[int], str], status: int) -> None:
    result = runner.invoke(app, ["push", str(dist), "s3://bucket/p", "--endpoint-url", answering(status)])
    _no_traceback(result)
    assert result.exit_code == 4
    assert "s3://bucket/p: cannot push" in result.stderr and "not today" in result.stderr


@pytest.mark.parametrize(
    ("endpoint", "words"),
    [
        pytest.param("notaurl", "notaurl is not an endpoint URL (no http:// or https://)", id="no-scheme"),
        pytest.param("", "'' is not an endpoint URL (no http:// or https://)", id="empty"),
        pytest.param(
            "localhost:9000", "localhost:9000 is not an endpoint URL (no http:// or https://)", id="no-slashes"
        ),
        pytest.param("ftp://minio:9000", "(ftp:// is not http:// or https://)", id="ftp"),
        pytest.param("http://", "http:// is not an endpoint URL (it names no host)", id="no-host"),
        pytest.param("https:///bucket", "(it names no host)", id="empty-host"),
        pytest.param("http://[::1", "http://[::1 is not a URL (Invalid IPv6 URL)", id="ipv6-unclosed"),
        pytest.param("http://minio:99999", "is not a URL (Port out of range", id="port"),
        pytest.param("http://min_io:9000", "'min_io' is not a host name", id="host-name"),
        pytest.param("http://minio :9000", "'http://minio :9000' is not a URL (it holds white space)", id="space"),
    ],
)
def test_an_endpoint_that_is_not_a_url_is_a_usage_error_before_the_folder_is_read(
    tmp_path: Path, endpoint: str, words: str
) -> None:
    """Exit 2, as a DEST wrong on its face is: it was exit 4 (botocore's ValueError, once the folder
    had been read and boto3 loaded), and ftp:// or a bad port went on to fail as a connection."""
    result = runner.invoke(app, ["push", str(tmp_path / "no-such-folder"), "s3://bucket/p", "--endpoint-url", endpoint])
    _no_traceback(result)
    assert result.exit_code == 2, result.output
    said = _flat(result.stderr)
    assert "--endpoint-url" in said and words in said and "e.g. http://localhost:9000" in said
    assert "no-such-folder" not in said and result.stdout == ""


@pytest.mark.parametrize(
    "endpoint", ["http://127.0.0.1:9", "https://acct.r2.cloudflarestorage.com", "http://[::1]:9000"]
)
def test_an_endpoint_that_is_a_url_gets_to_the_folder(tmp_path: Path, endpoint: str) -> None:
    result = runner.invoke(app, ["push", str(tmp_path / "no-such-folder"), "s3://bucket/p", "--endpoint-url", endpoint])
    assert result.exit_code == 4
    assert "no-such-folder" in result.stderr and "--endpoint-url" not in result.stderr


@pytest.mark.parametrize(
    ("to", "endpoint", "words"),
    [
        pytest.param("s3://bucket/p", "notaurl", "notaurl is not an endpoint URL", id="not-a-url"),
        pytest.param("dist-copy", "http://127.0.0.1:9", "is for s3:// destinations only", id="folder"),
    ],
)
def test_publish_with_an_endpoint_wrong_on_its_face_publishes_nothing(
    make_catalog: MakeCatalog, tmp_path: Path, to: str, endpoint: str, words: str
) -> None:
    """It published, then failed the push (exit 4); a folder --to ignored the endpoint."""
    out = tmp_path / "dist"
    dest = to if to.startswith("s3://") else str(tmp_path / to)
    args = ["publish", str(make_catalog(MINI)), "--out", str(out), "--to", dest, "--endpoint-url", endpoint]
    result = runner.invoke(app, args)
    _no_traceback(result)
    assert result.exit_code == 2, result.output
    assert "--endpoint-url" in result.stderr and words in _flat(result.stderr)
    assert not out.exists() and not (tmp_path / to).exists()


def test_the_library_refuses_the_endpoint_before_reading_the_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelctlError, match=r"^--endpoint-url: notaurl is not an endpoint URL"):
        push(tmp_path / "no-such-folder", "s3://bucket/p", endpoint_url="notaurl")


def test_a_file_url_with_a_host_is_refused_not_written_at_the_root(dist: Path) -> None:
    # file://dist/x is host "dist", path "/x": it used to write /x at the top of the file system.
    leaf = f"modelctl-push-test-{uuid.uuid4().hex}"
    try:
        result = runner.invoke(app, ["push", str(dist), f"file://site/{leaf}"])
        assert result.exit_code == 2  # wrong on its face: a usage error, as another scheme is
        said = _flat(result.stderr)
        assert f"file://site/{leaf}: a file:// URL names a folder on this machine" in said
        assert f"site/{leaf}" in said  # the plain path that was likely meant
        assert not Path("/", leaf).exists()
    finally:
        if Path("/", leaf).is_dir():
            import shutil

            shutil.rmtree(Path("/", leaf))


@pytest.mark.parametrize(
    ("dest", "words"),
    [
        pytest.param("ftp://x/y", "ftp://x/y: push copies to file:// or s3:// destinations", id="ftp"),
        pytest.param("https://cdn.example/prices", "push copies to file:// or s3://", id="https"),
        pytest.param("file://site/x", "file://site/x: a file:// URL names a folder on this machine", id="file-host"),
        pytest.param("s3://", "s3:// destination names no bucket", id="s3-no-bucket"),
        pytest.param("s3:///prefix", "s3:// destination names no bucket", id="s3-empty-bucket"),
    ],
)
def test_a_destination_wrong_on_its_face_is_a_usage_error(tmp_path: Path, dest: str, words: str) -> None:
    """Exit 2 (docs/cli.md: a usage error is a bad value), found before the folder is read: a missing
    folder would otherwise be reported first, and ftp:// was exit 4 as if a host had refused it."""
    result = runner.invoke(app, ["push", str(tmp_path / "no-such-folder"), dest])
    _no_traceback(result)
    assert result.exit_code == 2, result.output
    assert words in _flat(result.stderr) and "DEST" in result.stderr
    assert "no-such-folder" not in result.stderr and result.stdout == ""


def test_publish_to_a_destination_wrong_on_its_face_publishes_nothing(
    make_catalog: MakeCatalog, tmp_path: Path
) -> None:
    """It published, then failed the push (exit 4, the artifact written all the same)."""
    out = tmp_path / "dist"
    result = runner.invoke(app, ["publish", str(make_catalog(MINI)), "--out", str(out), "--to", "ftp://x/y"])
    _no_traceback(result)
    assert result.exit_code == 2, result.output
    assert "--to" in result.stderr and "push copies to file:// or s3://" in _flat(result.stderr)
    assert not out.exists()


def test_file_localhost_is_this_machine(dist: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["push", str(dist), f"file://localhost{tmp_path / 'site'}"])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "site" / "catalog.json").read_bytes() == (dist / "catalog.json").read_bytes()


@pytest.mark.parametrize("name", ["../dist/catalog.json", "sub/catalog.json", "..", ".", ""])
def test_a_name_that_is_a_path_is_a_usage_error(dist: Path, tmp_path: Path, name: str) -> None:
    # --name ../dist/catalog.json read dist/../dist/catalog.json and wrote the pointer to site/../dist/.
    site = tmp_path / "deep" / "site"
    site.mkdir(parents=True)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    result = runner.invoke(app, ["push", str(dist), str(site), "--name", name])
    assert result.exit_code == 2
    assert "--name" in result.stderr and "is not a file name" in result.stderr
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_endpoint_url_with_a_folder_destination_is_a_usage_error(dist: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["push", str(dist), str(tmp_path / "site"), "--endpoint-url", "http://127.0.0.1:9"])
    assert result.exit_code == 2
    assert "--endpoint-url" in result.stderr and "s3:// destinations only" in result.stderr
    assert not (tmp_path / "site").exists()


def test_a_folder_where_the_pointer_goes_is_named_not_its_temporary(dist: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "catalog.json").mkdir(parents=True)
    result = runner.invoke(app, ["push", str(dist), str(site)])
    assert result.exit_code == 4
    assert f"error: {site / 'catalog.json'}: cannot write: " in result.stderr
    assert ".tmp" not in result.stderr
    assert not list(site.rglob("*.tmp"))  # no temporary left behind
