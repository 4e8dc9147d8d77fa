"""publish under failure: killed at any moment, two at once into one --out, full disk,
read-only folder, --out naming a file, a folder where a sidecar goes.  A reader never sees
an artifact beside another artifact's checksum; every I/O failure is an exit-4 message."""

from __future__ import annotations

import errno
import hashlib
import os
import random
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import MINI, MakeCatalog
from modelctl.artifact import output
from modelctl.artifact.publish import publish
from modelctl.errors import ModelctlError
from modelctl.runtime import Catalog

# More kills for a long run: MODELCTL_CRASH_ROUNDS=50 pytest tests/artifact/test_publish_atomic.py
ROUNDS = int(os.environ.get("MODELCTL_CRASH_ROUNDS", "1"))
SRC = str(Path(__file__).resolve().parents[2] / "src")

# Runs `modelctl publish` in a child that SIGKILLs itself at the KILL_AT-th file operation
# (an open for writing, a rename, an unlink) inside the output folder: exactly at the rename,
# just before it, just after it (the next operation), and between each sidecar step.
KILLER = r"""
import os, signal, sys
out = os.path.realpath(os.environ["OUT"])
kill_at = int(os.environ.get("KILL_AT", "0"))
seen = 0
def hook(event, args):
    global seen
    if event not in ("os.rename", "os.remove", "open") or not args:
        return
    if event == "open":
        path, mode, flags = args
        writing = any(c in mode for c in "wax+") if isinstance(mode, str) else bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
        if not writing and not (isinstance(path, str) and os.path.isdir(path)):
            return
    path = args[0]
    if isinstance(path, int) or path is None:
        return
    if not os.path.realpath(os.fsdecode(path)).startswith(out):
        return
    seen += 1
    if seen == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
sys.addaudithook(hook)
import atexit
atexit.register(lambda: sys.stderr.write(f"\nOPS={seen}\n"))
from modelctl.cli import main
sys.argv = ["modelctl", "publish", *sys.argv[1:]]
main()
"""


def _env(out: Path, kill_at: int = 0) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": SRC, "OUT": str(out), "KILL_AT": str(kill_at)}


def _publish_cmd(catalog: Path, out: Path) -> list[str]:
    return [sys.executable, "-c", KILLER, str(catalog), "--out", str(out)]


def _two_catalogs(make_catalog: MakeCatalog) -> tuple[Path, Path]:
    a = make_catalog(name="a")
    alpha = MINI["models/acme/alpha.yaml"]
    assert "input_per_1m: 2.00" in alpha
    b = make_catalog({"models/acme/alpha.yaml": alpha.replace("input_per_1m: 2.00", "input_per_1m: 2.50")}, name="b")
    return a, b


def _assert_consistent(out: Path) -> str:
    """What a reader sees is one of: nothing yet, an artifact alone, or a matching pair."""
    artifact, sidecar = out / "catalog.json", out / "catalog.json.sha256"
    if not artifact.exists():
        assert not sidecar.exists(), "a checksum without its artifact"
        return "none"
    data = artifact.read_bytes()
    Catalog.loads(data)  # never partial
    if not sidecar.exists():
        return "alone"
    assert sidecar.read_text() == f"{hashlib.sha256(data).hexdigest()}  catalog.json\n", "pair disagrees"
    return "pair"


def _temporaries(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.endswith(".tmp"))


def _forked_publish(catalog: Path, out: Path, kill_at: int) -> int:
    """`modelctl publish` in a forked child (modelctl already imported: no start-up cost) that
    SIGKILLs itself at its ``kill_at``-th file operation in ``out``; its wait status."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            os.environ["OUT"], os.environ["KILL_AT"] = str(out), str(kill_at)
            exec(compile(KILLER.split("import atexit")[0], "killer", "exec"), {})
            from modelctl.cli import main

            sys.argv = ["modelctl", "publish", str(catalog), "--out", str(out)]
            try:
                main()
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
        finally:
            os._exit(code)
    return os.waitpid(pid, 0)[1]


def test_sigkill_at_every_file_operation_and_at_random_moments(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    a, b = _two_catalogs(make_catalog)
    out = tmp_path / "dist"
    first = subprocess.run(_publish_cmd(a, out), env=_env(out), capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    ops = int(first.stderr.rsplit("OPS=", 1)[1])
    assert ops >= 5  # temp file, rename, sidecar temp, rename, folder syncs
    seen: set[str] = set()
    source = b
    # Every operation of a publish that changes the artifact, killed there (and one past the end).
    for _ in range(ROUNDS):
        for kill_at in range(1, ops + 2):
            status = _forked_publish(source, out, kill_at)
            assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 or os.WTERMSIG(status) == signal.SIGKILL
            seen.add(_assert_consistent(out))
            # The next publish completes the pair and removes what the killed one left.
            assert publish(source, out).path is not None
            assert _assert_consistent(out) == "pair"
            assert _temporaries(out) == []
            source = a if source == b else b
    assert {"alone", "pair"} <= seen  # killed between the rename and the sidecar, and after
    # `python -m modelctl publish` killed from outside at random moments.
    rng = random.Random(13)
    start = time.perf_counter()
    subprocess.run(_publish_cmd(source, out), env=_env(out), capture_output=True, check=True)
    duration = time.perf_counter() - start
    for _ in range(4 * ROUNDS):
        source = a if source == b else b
        proc = subprocess.Popen(_publish_cmd(source, out), env=_env(out), stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(duration * 0.6, duration * 1.1))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        _assert_consistent(out)


def test_concurrent_publishes_into_one_folder_leave_a_matching_pair(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    a, b = _two_catalogs(make_catalog)
    out = tmp_path / "dist"
    for _ in range(2 * ROUNDS):
        procs = [subprocess.Popen(_publish_cmd(c, out), env=_env(out), stderr=subprocess.PIPE) for c in (a, b)]
        for proc in procs:
            _, err = proc.communicate()
            assert proc.returncode == 0, err
        assert _assert_consistent(out) == "pair"
        assert _temporaries(out) == []


def test_leftover_temporaries_are_removed(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / ".catalog.json.abc123.tmp").write_bytes(b"{partial")
    (out / ".catalog.json.sha256.x.tmp").write_bytes(b"")
    (out / ".other.tmp").write_bytes(b"not ours")
    publish(make_catalog(), out)
    assert _temporaries(out) == [".other.tmp"]


def test_a_stale_signature_is_removed_when_the_artifact_changes(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / "catalog.json.minisig").write_text("untrusted comment: an older artifact's\n")
    publish(make_catalog(), out)
    assert not (out / "catalog.json.minisig").exists()


def _cli(args: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": SRC}
    return subprocess.run([sys.executable, "-m", "modelctl", *args], env=env, capture_output=True, text=True, **kw)  # type: ignore[call-overload, no-any-return]


def test_out_naming_a_file_exits_4(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    target = tmp_path / "dist"
    target.write_text("a file")
    run = _cli(["publish", str(make_catalog()), "--out", str(target)])
    assert run.returncode == 4
    assert "Traceback" not in run.stderr
    assert str(target) in run.stderr and "names a file" in run.stderr
    assert target.read_text() == "a file"


def test_a_folder_where_the_checksum_goes_exits_4_and_keeps_the_old_artifact(
    make_catalog: MakeCatalog, tmp_path: Path
) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / "catalog.json").write_text("old")
    (out / "catalog.json.sha256").mkdir()
    run = _cli(["publish", str(make_catalog()), "--out", str(out)])
    assert run.returncode == 4, run.stderr
    assert "Traceback" not in run.stderr
    assert "catalog.json.sha256" in run.stderr and "directory" in run.stderr.lower()
    assert (out / "catalog.json").read_text() == "old"


def test_a_file_size_limit_exits_4_and_leaves_no_temporary(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    """A real write failure (EFBIG from RLIMIT_FSIZE, as a full disk would give ENOSPC)."""
    out = tmp_path / "dist"

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))

    run = _cli(["publish", str(make_catalog()), "--out", str(out)], preexec_fn=limit)
    assert run.returncode == 4, run.stderr
    assert "Traceback" not in run.stderr
    assert str(out) in run.stderr and "too large" in run.stderr.lower()
    assert sorted(p.name for p in out.iterdir()) == []


@pytest.mark.parametrize(
    ("err", "words"), [(errno.ENOSPC, "No space left"), (errno.EROFS, "Read-only"), (errno.EACCES, "Permission")]
)
def test_write_failures_are_modelctl_errors_naming_the_path(
    make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, err: int, words: str
) -> None:
    out = tmp_path / "dist"
    real = output.os.replace

    def failing(src: str, dst: str) -> None:
        raise OSError(err, os.strerror(err), dst)

    monkeypatch.setattr(output.os, "replace", failing)
    with pytest.raises(ModelctlError) as caught:
        publish(make_catalog(), out)
    assert words in str(caught.value) and "catalog.json" in str(caught.value)
    monkeypatch.setattr(output.os, "replace", real)
    assert _temporaries(out) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder_exits_4(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    out.chmod(0o555)
    try:
        run = _cli(["publish", str(make_catalog()), "--out", str(out)])
    finally:
        out.chmod(0o755)
    assert run.returncode == 4 and "Traceback" not in run.stderr and str(out) in run.stderr
