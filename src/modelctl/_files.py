"""File helpers that every package may use (``authoring`` and ``interop`` both write files, and
neither may import the other): the process's umask, and temporaries that say whose they are.

A file replaced atomically is written to a temporary beside it first, then renamed.  A writer
killed outright (``kill -9``, the OOM killer, a power cut) leaves the temporary behind: nothing
runs to remove it.  ``temporary`` names it after the file, hidden, with this host and the
writer's pid (``.errors.csv.HOST.PID.RANDOM.tmp``), and ``remove_stale``, called by a later
writer of the same file, removes those whose writer on this host is no longer alive: only names of
that pattern, of that file and this host (another host's pid says nothing here, in a folder
shared over the network), and never a live writer's.
"""

from __future__ import annotations

import os
import re
import socket
import tempfile
from pathlib import Path

__all__ = ["current_umask", "remove_stale", "temporary"]

_NAME_MAX = 255  # bytes in a file name (Linux, macOS)
_PID_ROOM = 10  # digits kept for the pid, whatever it is: every writer of a file has the same stem
_TAIL = len(".abcdefgh.tmp")  # mkstemp's random part and the suffix


def current_umask() -> int:
    """The process's umask (read by setting it, then set back): what ``open()`` takes off a new file's 0o666."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def temporary(path: Path) -> tuple[int, Path]:
    """A new temporary file beside ``path`` (``mkstemp``'s: mode 0600, open), named for ``remove_stale``."""
    fd, name = tempfile.mkstemp(prefix=f"{_stem(path)}{os.getpid()}.", suffix=".tmp", dir=path.parent)
    return fd, Path(name)


def remove_stale(path: Path) -> int:
    """Remove the temporaries of ``path`` that writers on this host left when they were killed (their
    pid is not alive); how many.  Best effort: one that cannot be removed, or has gone, stays for
    the next writer; a pid that is alive again (reused) keeps its temporary too."""
    pattern = re.compile(re.escape(_stem(path)) + r"([1-9][0-9]{0,9})\.[^.]+\.tmp")
    removed = 0
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return 0
    for entry in entries:
        found = pattern.fullmatch(entry.name)
        if found is None or _alive(int(found.group(1))):
            continue
        try:
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed += 1
        except OSError:
            pass
    return removed


def _stem(path: Path) -> str:
    """``.NAME.HOST.``: the start of every temporary of ``path`` (NAME cut short if the whole
    name would be too long for the file system)."""
    host = re.sub(r"[^A-Za-z0-9.-]", "_", socket.gethostname())[:64] or "localhost"
    name = path.name
    room = _NAME_MAX - len(f"..{host}.".encode()) - _PID_ROOM - _TAIL
    raw = os.fsencode(name)
    if len(raw) > room:
        name = os.fsdecode(raw[:room])
    return f".{name}.{host}."


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this host (one of another user's too); a pid the system
    cannot even hold counts as alive: its temporary is not ours to judge."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # EPERM: alive, someone else's
        return True
    return True
