"""``modelctl._files``: temporaries named after their file, this host and the writer's pid, and
``remove_stale`` removing a dead writer's only (tests/cli/test_errors_out.py kills a real run)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from modelctl._files import remove_stale, temporary


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("errors.csv", id="short"),
        pytest.param("e" * 251 + ".csv", id="255-bytes"),  # the temporary's name is cut to fit, not refused
        pytest.param(os.fsdecode(b"\xffrr\xe9.csv"), id="not-utf-8"),
    ],
)
def test_a_dead_writer_s_temporary_is_removed_and_a_live_one_s_kept(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    fd, mine = temporary(path)
    os.close(fd)
    assert mine.parent == tmp_path and mine.name.startswith(".") and mine.name.endswith(".tmp")
    assert f".{os.getpid()}." in mine.name and len(os.fsencode(mine.name)) <= 255
    dead = mine.with_name(mine.name.replace(f".{os.getpid()}.", f".{_dead_pid()}."))
    dead.write_text("left by a run killed with SIGKILL")
    assert remove_stale(path) == 1
    assert not dead.exists() and mine.exists()  # this process is alive
    assert remove_stale(path) == 0


def test_a_pid_too_large_for_the_system_is_not_judged(tmp_path: Path) -> None:
    path = tmp_path / "errors.csv"
    fd, mine = temporary(path)
    os.close(fd)
    odd = mine.with_name(mine.name.replace(f".{os.getpid()}.", ".9999999999."))
    odd.write_text("x")
    assert remove_stale(path) == 0 and odd.exists()


def test_a_folder_that_cannot_be_listed_removes_nothing(tmp_path: Path) -> None:
    assert remove_stale(tmp_path / "missing" / "errors.csv") == 0
