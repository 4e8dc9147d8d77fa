"""A real static origin for the distribution tests: Debian's nginx on 127.0.0.1, a temporary
configuration, a free port, its own ETags, and an access log to count 304s.  Also helpers that
build signed artifacts with chosen revisions."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import MINI, REPO, write_catalog
from modelctl.artifact.compile import SourceInfo, assemble, canonical, compile_artifact, digest_of
from modelctl.artifact.signing import SecretKey, parse_secret_key, signature, write_key_pair
from modelctl.rules.validate import validate_catalog

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)

CONF = """
worker_processes 1;
{user}
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    types {{ application/json json; text/plain minisig sha256; }}
    default_type application/octet-stream;
    log_format counted '$request_uri $status $body_bytes_sent';
    access_log {tmp}/access.log counted;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {site};
        etag on;
        location /slow/ {{ alias {site}/; limit_rate 2k; }}
        location = /busy/catalog.json {{ add_header Retry-After 7 always; return 503; }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Origin:
    site: Path
    port: int
    tmp: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/catalog.json"

    def base(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def log(self) -> list[tuple[str, int]]:
        """The access log's (uri, status) lines, once nginx has written the last answers' lines: it
        writes a line after the answer is sent, so a client can read a response before its line is
        there (a count one short). Read again until the log holds still for 50 ms (at most 5 s)."""
        lines, deadline = self._lines(), time.monotonic() + 5
        while time.monotonic() < deadline:
            time.sleep(0.05)
            again = self._lines()
            if again == lines:
                break
            lines = again
        return [(parts[0], int(parts[1])) for parts in (line.split() for line in lines) if len(parts) >= 2]

    def _lines(self) -> list[str]:
        try:
            return (self.tmp / "access.log").read_text().splitlines()
        except FileNotFoundError:
            return []

    def count(self, uri: str, status: int) -> int:
        return sum(1 for u, s in self.log() if u == uri and s == status)

    def start(self) -> None:
        conf = self.tmp / "nginx.conf"
        user = "user root;" if os.geteuid() == 0 else ""
        conf.write_text(CONF.format(tmp=self.tmp, port=self.port, site=self.site, user=user))
        self.proc = subprocess.Popen(
            [
                NGINX or "nginx",
                "-c",
                str(conf),
                "-p",
                str(self.tmp),
                "-e",
                str(self.tmp / "error.log"),
                "-g",
                "daemon off;",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"nginx did not start: {(self.tmp / 'error.log').read_text()}") from None
                time.sleep(0.05)
        raise RuntimeError("nginx did not start listening")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None

    def put(self, data: bytes, sig: bytes | None = None, name: str = "catalog.json") -> None:
        """Publish onto the origin: the pointer files replaced by renames (as push does)."""
        for rel, body in ((name + ".minisig", sig), (name, data)):
            target = self.site / rel
            if body is None:
                target.unlink(missing_ok=True)
                continue
            tmp = target.with_name(f".{target.name}.tmp")
            tmp.write_bytes(body)
            # nginx's ETag is the mtime in seconds and the size: two same-sized files within one
            # second would share it (docs/distribution.md); tests publish faster than real life.
            self._clock = max(getattr(self, "_clock", 0), int(time.time())) + 1
            os.utime(tmp, (self._clock, self._clock))
            os.replace(tmp, target)


def run_origin(tmp_path: Path) -> Iterator[Origin]:
    """The body of an ``origin`` fixture: nginx serving ``tmp_path/site``."""
    if NGINX is None:
        pytest.skip("Debian's nginx is not installed (.ci/run installs it)")
    site = tmp_path / "site"
    site.mkdir()
    work = tmp_path / "nginx"
    work.mkdir()
    server = Origin(site, free_port(), work)
    server.start()
    try:
        yield server
    finally:
        server.stop()


# --- artifacts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Keys:
    secret: SecretKey
    public_path: Path
    public_text: str


def make_keys(tmp_path: Path) -> Keys:
    secret, public = write_key_pair(tmp_path / "keys")
    return Keys(parse_secret_key(secret.read_text(), str(secret)), public, public.read_text())


_CONTENT: dict[str, bytes] = {}


def content(kind: str, tmp: Path) -> bytes:
    """Canonical content bytes: "mini" (2 models), "mini2" (another price), "repo" (80 models)."""
    if kind not in _CONTENT:
        if kind == "repo":
            from datetime import date

            catalog = validate_catalog(REPO / "catalog", today=date(2026, 11, 25)).catalog
        else:
            files = dict(MINI)
            if kind == "mini2":
                files["models/acme/alpha.yaml"] = files["models/acme/alpha.yaml"].replace(
                    "input_per_1m: 2.00", "input_per_1m: 2.50"
                )
            catalog = validate_catalog(write_catalog(tmp / f"cat-{kind}", files)).catalog
        data = compile_artifact(catalog, SourceInfo())
        _CONTENT[kind] = canonical(json.loads(data.data)["content"])
    return _CONTENT[kind]


def artifact(kind: str, revision: int, tmp: Path) -> bytes:
    body = content(kind, tmp)
    return assemble(body, digest_of(body), f"test+{revision}", {}, revision=revision, published_at=1767225600).data


def signed(data: bytes, keys: Keys) -> bytes:
    return signature(keys.secret, data, "file:catalog.json")
