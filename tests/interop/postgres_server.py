"""A throw-away PostgreSQL server for tests: Debian's ``postgresql`` binaries
(``/usr/lib/postgresql/*/bin``, installed by .ci/run), a fresh cluster in a
temporary folder, listening only on a unix socket in that folder (no TCP port,
nothing to collide with), stopped and deleted afterwards.

initdb and postgres refuse to run as root: when the tests run as root the
cluster is owned by ``nobody`` and the server commands run through
``runuser -u nobody --`` (or ``setpriv``); psql, a client, runs as the test
user and reads its ``\\copy`` files itself."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

PORT = 5432  # only names the socket file (.s.PGSQL.5432) in our own folder
USER = "nobody"


def bin_dir() -> Path | None:
    """The newest installed server's bin folder with initdb, pg_ctl and psql, or None."""
    found = []
    for path in glob.glob("/usr/lib/postgresql/*/bin"):
        version = Path(path).parent.name
        if version.isdigit() and all(os.access(Path(path, tool), os.X_OK) for tool in ("initdb", "pg_ctl", "psql")):
            found.append((int(version), Path(path)))
    return max(found)[1] if found else None


def _as_server_user() -> list[str]:
    """The prefix that runs a command as the unprivileged owner of the cluster ([] when not root)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("runuser"):
        return ["runuser", "-u", USER, "--"]
    if shutil.which("setpriv"):
        import pwd

        entry = pwd.getpwnam(USER)
        return ["setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--clear-groups"]
    raise RuntimeError("running as root and neither runuser nor setpriv is installed: cannot start PostgreSQL")


@dataclass
class Server:
    bin: Path
    base: Path  # the temporary folder: data/, the socket, server.log

    @property
    def data(self) -> Path:
        return self.base / "data"

    def _server_cmd(self, *args: str, timeout: float = 180) -> None:
        cmd = [*_as_server_user(), *args]
        done = subprocess.run(cmd, cwd=self.base, capture_output=True, text=True, timeout=timeout, check=False)
        if done.returncode:
            log = (self.base / "server.log").read_text(errors="replace") if (self.base / "server.log").exists() else ""
            raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}{done.stderr}{log}")

    def start(self) -> None:
        self._server_cmd(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                         "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip
        # a server time zone far from UTC: a script that forgets SET TIME ZONE 'UTC' gets other days
        options = (
            f"-c listen_addresses='' -k {self.base} -p {PORT} -c fsync=off -c full_page_writes=off "
            "-c TimeZone=Pacific/Kiritimati"
        )
        self._server_cmd(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.base / "server.log"),
                         "-o", options, "-w", "-t", "150", "start")  # fmt: skip

    def stop(self) -> None:
        self._server_cmd(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def psql(self, script: str | None = None, *, args: Sequence[str] = ()) -> str:
        """Run ``script`` (on stdin; stops at the first error, which raises with psql's message),
        or only ``args`` (``-c``, ``-f FILE``, ...); the output."""
        cmd = [str(self.bin / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", str(self.base), "-p", str(PORT),
               "-U", "postgres", "-d", "postgres", *args, *(["-f", "-"] if script is not None else [])]  # fmt: skip
        env = {**os.environ, "PGCLIENTENCODING": "UTF8"}  # the time zone: SET by each script, as documented
        done = subprocess.run(cmd, input=script, capture_output=True, text=True, env=env, timeout=300, check=False)
        if done.returncode:
            raise RuntimeError(f"psql failed ({done.returncode}): {done.stderr}")
        return done.stdout


def start() -> Server:
    """A running server in a fresh temporary folder (owned by ``nobody`` when we are root)."""
    found = bin_dir()
    if found is None:
        raise FileNotFoundError("no /usr/lib/postgresql/*/bin/initdb")
    base = Path(tempfile.mkdtemp(prefix="modelctl-pg-"))  # short: a socket path has at most 107 bytes
    if os.geteuid() == 0:
        import pwd

        entry = pwd.getpwnam(USER)
        os.chown(base, entry.pw_uid, entry.pw_gid)
    server = Server(found, base)
    try:
        server.start()
    except BaseException:
        shutil.rmtree(base, ignore_errors=True)
        raise
    return server


def stop(server: Server) -> None:
    try:
        server.stop()
    finally:
        shutil.rmtree(server.base, ignore_errors=True)
