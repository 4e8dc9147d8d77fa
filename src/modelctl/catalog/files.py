"""Reading a catalog's files safely: regular files only, at most 1 MiB, inside
the catalog.

Every catalog file goes through ``read_bounded``: it opens without blocking
(a FIFO named ``p.yaml`` cannot hang a command), checks with ``fstat`` that
what it opened is a regular file (not ``/dev/zero``, a FIFO, a socket or a
folder) and reads at most ``MAX_BYTES + 1`` bytes, so a file that grows while
it is read is refused too.  ``scan`` lists a folder without swallowing
errors and says which entries are symbolic links leaving the catalog.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 1024 * 1024
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotRegularFile(OSError):
    """The path is not a regular file; ``str()`` says what it is."""


class TooLarge(OSError):
    """The file is over ``MAX_BYTES``; ``size`` is what was seen (at least MAX_BYTES + 1)."""

    def __init__(self, size: int) -> None:
        super().__init__(errno.EFBIG, f"file is {size:,} bytes, over the 1 MiB limit")
        self.size = size


def read_bounded(path: str | os.PathLike[str], limit: int = MAX_BYTES) -> bytes:
    """The bytes of the regular file at ``path``; raises OSError (NotRegularFile,
    TooLarge, or the system's own) and never blocks on a FIFO or device."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            what = next((name for test, name in _KINDS if test(info.st_mode)), "not a regular file")
            raise NotRegularFile(errno.EINVAL, f"it is {what}, not a regular file")
        if info.st_size > limit:
            raise TooLarge(info.st_size)
        # One read of limit + 1 bytes: a regular file's short read is its end, and
        # a file that grew past the limit since fstat() is refused all the same.
        data = os.read(fd, limit + 1)
        if len(data) > limit:
            raise TooLarge(len(data))
        return data
    finally:
        os.close(fd)


def reason(exc: OSError) -> str:
    """A short, stable description of a read failure."""
    if isinstance(exc, NotRegularFile | TooLarge):
        return str(exc.strerror)
    return str(exc.strerror or exc)


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of a folder: its name and whether it is a folder or leaves the catalog."""

    name: str
    is_dir: bool
    outside: str | None = None  # where a symbolic link leaving the catalog points


def scan(folder: Path, real_root: str) -> list[Entry]:
    """The entries of ``folder`` (not hidden ones), sorted by name; raises OSError
    when it cannot be listed.  A symbolic link is resolved and flagged when it
    points outside ``real_root`` (the catalog's real path)."""
    out = []
    with os.scandir(folder) as it:
        for entry in it:
            if entry.name.startswith("."):
                continue
            outside = None
            if entry.is_symlink():
                target = os.path.realpath(entry.path)
                if not _inside(target, real_root):
                    outside = target
            try:
                is_dir = outside is None and entry.is_dir()
            except OSError:
                is_dir = False
            out.append(Entry(entry.name, is_dir, outside))
    out.sort(key=lambda e: e.name)
    return out


def _inside(path: str, real_root: str) -> bool:
    return path == real_root or path.startswith(real_root.rstrip(os.sep) + os.sep)
