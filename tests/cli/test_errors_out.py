"""``reprice --errors-out FILE``, plain and ``--charges``: a usage error found once the usage file is
being read (``--rollout``, ``-g arm``: exit 2) or a usage file that cannot be read (exit 4) writes
nothing: no file, and a file already at that path is left as it was. It left a file holding only
the CSV header, in place of the one there. A run that reads the whole file replaces FILE (exit 0:
the header alone, exit 1: the rows)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MakeCatalog
from modelctl.cli import app
from plans_helpers import USAGE, plans_catalog

runner = CliRunner()
HEADER = "line,what_if,message,row\n"
OLD = "line,what_if,message,row\n7,,an earlier run's error,x\n"
MODES = pytest.mark.parametrize("mode", [pytest.param([], id="reprice"), pytest.param(["--plan", "pro"], id="charges")])


@pytest.fixture
def cat(make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    plans_catalog(make_catalog)
    monkeypatch.chdir(tmp_path)
    Path("usage.csv").write_text(USAGE)
    Path("subjects.csv").write_text(
        "".join(line + (",subject\n" if i == 0 else ",u1\n") for i, line in enumerate(USAGE.splitlines()))
    )
    return "cat"


USAGE_ERRORS = pytest.mark.parametrize(
    ("usage", "args", "words"),
    [
        pytest.param("usage.csv", ["-g", "arm"], "needs an arm column, or a subject column and --rollout", id="arm"),
        pytest.param(
            "usage.csv", ["-g", "arm", "--rollout", "r1"], "needs a subject (or arm) column", id="rollout-no-subject"
        ),
        pytest.param("subjects.csv", ["-g", "arm", "--rollout", "nope"], "no plan has a rollout 'nope'", id="unknown"),
    ],
)


def _run(usage: str, cat: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["reprice", usage, "--catalog", cat, "--errors-out", "errors.csv", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, " ".join(result.stderr.replace("│", " ").split())


def _left(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@MODES
@USAGE_ERRORS
def test_a_usage_error_found_while_reading_writes_no_errors_file(
    cat: str, tmp_path: Path, mode: list[str], usage: str, args: list[str], words: str
) -> None:
    before = _left(tmp_path)
    code, out, err = _run(usage, cat, *mode, *args)
    assert code == 2 and words in err and "--rollout" in err
    assert out == "" and _left(tmp_path) == before  # no errors.csv, no temporary beside it


@MODES
@USAGE_ERRORS
def test_a_usage_error_leaves_an_errors_file_already_there_as_it_was(
    cat: str, tmp_path: Path, mode: list[str], usage: str, args: list[str], words: str
) -> None:
    Path("errors.csv").write_text(OLD)
    os.chmod("errors.csv", 0o640)
    before = _left(tmp_path)
    code, _, err = _run(usage, cat, *mode, *args)
    assert code == 2 and words in err
    assert Path("errors.csv").read_text() == OLD and _left(tmp_path) == before


@MODES
@pytest.mark.parametrize(
    ("text", "words"),
    [
        pytest.param("timestamp,input_tokens\n2026-11-20,5\n", "has no model column", id="no-model-column"),
        pytest.param("", "the file is empty", id="empty"),
    ],
)
def test_a_usage_file_that_cannot_be_read_writes_no_errors_file(
    cat: str, tmp_path: Path, mode: list[str], text: str, words: str
) -> None:
    Path("bad.csv").write_text(text)
    Path("errors.csv").write_text(OLD)
    before = _left(tmp_path)
    code, _, err = _run("bad.csv", cat, *mode)
    assert code == 4 and words in err
    assert Path("errors.csv").read_text() == OLD and _left(tmp_path) == before


@MODES
def test_a_run_that_reads_the_whole_file_replaces_it(cat: str, tmp_path: Path, mode: list[str]) -> None:
    Path("clean.csv").write_text(USAGE.replace(",,,,", ",,pro,,"))  # line 5 names a plan now
    Path("errors.csv").write_text(OLD)
    os.chmod("errors.csv", 0o640)
    before = _left(tmp_path)
    code, _, _ = _run("clean.csv", cat, *mode)
    assert code == 0 and Path("errors.csv").read_text() == HEADER  # the earlier run's rows are gone
    assert os.stat("errors.csv").st_mode & 0o777 == 0o640 and _left(tmp_path) == before
    Path("bad.csv").write_text(USAGE + "2026-11-25,acme/nope,,pro,,1,1\n")
    code, _, _ = _run("bad.csv", cat, *mode)
    assert code == 1
    assert Path("errors.csv").read_text().splitlines()[1].startswith("7,,")


def test_errors_out_through_a_link_replaces_the_file_linked_to(cat: str, tmp_path: Path) -> None:
    Path("real.csv").write_text(OLD)
    Path("errors.csv").symlink_to("real.csv")
    code, _, _ = _run("usage.csv", cat)
    assert code == 0
    assert Path("errors.csv").is_symlink() and Path("real.csv").read_text() == HEADER


def _staged(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.endswith(".tmp"))


@MODES
def test_a_killed_run_s_temporary_names_its_writer_and_the_next_run_removes_it(
    cat: str, tmp_path: Path, mode: list[str]
) -> None:
    """kill -9 (or the OOM killer) of a run gives its temporary no chance to go: it stayed beside FILE
    for good, as ``.errors.csv.2506r6wh.tmp``. Its name now says whose it is (FILE's, this host's,
    the writer's pid), and the next run that replaces FILE removes the temporaries of FILE whose
    writer on this host is dead, and no other file: not a live writer's, not another FILE's, not
    another host's (a shared folder), not a name of another pattern."""
    code = "from modelctl.cli import main; main()"
    argv = [sys.executable, "-c", code, "reprice", "-", "--catalog", cat, "--errors-out", "errors.csv", *mode]
    # stdin stays open and empty: the run has staged FILE and waits for the usage file's first line
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not _staged(tmp_path):
            assert proc.poll() is None and time.monotonic() < deadline, "the run staged no temporary"
            time.sleep(0.02)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        assert proc.stdin is not None
        proc.stdin.close()
    (left,) = _staged(tmp_path)
    host = re.sub(r"[^A-Za-z0-9.-]", "_", socket.gethostname())[:64] or "localhost"
    assert re.fullmatch(rf"\.errors\.csv\.{re.escape(host)}\.{proc.pid}\.[^.]+\.tmp", left.name), left.name
    assert proc.returncode == -signal.SIGKILL and left.stat().st_size == 0
    dead = proc.pid
    kept = [
        f".errors.csv.{host}.{os.getpid()}.abcd1234.tmp",  # a live writer's (this test's pid)
        f".other.csv.{host}.{dead}.abcd1234.tmp",  # another FILE's
        f".errors.csv.elsewhere.{dead}.abcd1234.tmp",  # another host's
        ".errors.csv.abcd1234.tmp",  # no pid (as before)
        f".errors.csv.{host}.{dead}.abcd1234.tmp.keep",
    ]
    for name in kept:
        Path(name).write_text("x")
    Path(f".errors.csv.{host}.{dead}.abcd1234.tmp").mkdir()  # a folder: not a temporary of ours
    Path("clean.csv").write_text(USAGE.replace(",,,,", ",,pro,,"))
    code, _, _ = _run("clean.csv", cat, *mode)
    assert code == 0 and Path("errors.csv").read_text() == HEADER
    assert not left.exists()
    assert all(Path(name).read_text() == "x" for name in kept)
    assert Path(f".errors.csv.{host}.{dead}.abcd1234.tmp").is_dir()
