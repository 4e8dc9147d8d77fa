"""``reprice --errors-out FILE`` (plain and ``--charges``): every row that could not be priced, as
CSV (``line,what_if,message,row``).

The rows go to a temporary file beside FILE (``.FILE.HOST.PID.RANDOM.tmp``, modelctl._files),
which replaces FILE only once the whole usage file has been read (exit 0 or 1); then the
temporaries of FILE that runs killed on this host left (their pid is dead) are removed. A usage
error found on the way (an unknown ``--rollout``, ``-g arm`` without an arm or subject column:
exit 2), a usage file that cannot be read (exit 4) or ^C writes nothing: no file, and a file
already there is left as it was. FILE through a link is the file
linked to; a FIFO or a device (``/dev/stdout``) is written as the rows come, it cannot be replaced.
"""

from __future__ import annotations

import csv
import errno
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, NoReturn

import typer

from modelctl._files import current_umask, remove_stale, temporary
from modelctl.cli.common import EXIT_INPUT, csv_cell, error
from modelctl.cli.output import writing
from modelctl.usage.row_pass import RowError

HEADER = ["line", "what_if", "message", "row"]


@contextmanager
def errors_file(path: Path | None) -> Iterator[Callable[[RowError], None] | None]:
    """A function writing one row of FILE (None without ``--errors-out``); FILE is in place after the
    block, if it ends without an exception."""
    if path is None:
        yield None
        return
    try:
        target, fh, staged = _open(path)
    except OSError as exc:
        _cannot_write(path, exc)
    try:
        try:
            writer = csv.writer(fh, lineterminator="\n")
            with writing(path):
                writer.writerow(HEADER)

            def write(err: RowError) -> None:
                with writing(path):
                    writer.writerow([err.line, csv_cell(err.what_if or ""), csv_cell(err.message), csv_cell(err.raw)])

            yield write
        finally:
            with writing(path):
                fh.close()  # what is left is written here: a full disk fails naming FILE
    except BaseException:
        if staged is not None:
            staged.unlink(missing_ok=True)
        raise
    if staged is not None:
        try:
            os.replace(staged, target)
        except OSError as exc:
            staged.unlink(missing_ok=True)
            _cannot_write(path, exc)
        remove_stale(target)  # what runs killed before us (kill -9: nothing ran to remove it) left


def _open(path: Path) -> tuple[Path, IO[str], Path | None]:
    """The file written to, open, and its temporary name when it is staged beside FILE."""
    target = Path(os.path.realpath(path))
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "a folder of that name is in the way", str(path))
    if mode is not None and not stat.S_ISREG(mode):  # a FIFO, /dev/stdout: nothing to replace
        return target, open(target, "w", encoding="utf-8", newline=""), None  # noqa: SIM115 - the caller closes it
    if mode is not None and not os.access(target, os.W_OK):  # it would be replaced all the same
        raise PermissionError(errno.EACCES, "Permission denied", str(path))
    fd, staged = temporary(target)  # .FILE.HOST.PID.RANDOM.tmp: a later run removes it if we are killed
    try:
        os.chmod(staged, stat.S_IMODE(mode) if mode is not None else 0o666 & ~current_umask())  # as open() would
        return target, os.fdopen(fd, "w", encoding="utf-8", newline=""), staged
    except BaseException:
        os.close(fd)
        staged.unlink(missing_ok=True)
        raise


def _cannot_write(path: Path, exc: OSError) -> NoReturn:
    error(f"cannot write --errors-out {str(path)!r}: {exc.strerror or exc}")
    raise typer.Exit(EXIT_INPUT) from None
