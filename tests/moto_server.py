"""moto's standalone S3 (and IAM) server on a free port of 127.0.0.1, started and stopped by a
fixture: the object store of the push and distribution tests (``moto[server]``, the test extra)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def run_moto(tmp_path_factory: pytest.TempPathFactory, env: dict[str, str] | None = None) -> Iterator[str]:
    """The body of a fixture: yields the endpoint URL, stops the server after.  ``env`` adds to the
    server's environment (``INITIAL_NO_AUTH_ACTION_COUNT`` makes it enforce IAM after that many
    calls)."""
    server = Path(sys.executable).with_name("moto_server")
    if not server.exists():
        pytest.skip("moto[server] is not installed (the test extra installs it)")
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            [str(server), "-H", "127.0.0.1", "-p", str(port)], stdout=fh, stderr=fh, env={**os.environ, **(env or {})}
        )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(f"moto_server did not start: {log.read_text()}")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)
