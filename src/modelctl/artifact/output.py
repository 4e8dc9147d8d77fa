"""Writing published files so that a reader never sees an artifact and a sidecar that disagree.

An artifact (``catalog.json``) has sidecars beside it: ``catalog.json.sha256`` and, when signed,
``catalog.json.minisig``.  They are separate files, so no single rename can replace all of them at
once.  The order of writes makes every intermediate state safe instead:

1. an exclusive ``flock`` on the output folder itself (no lock file to leave behind) serialises
   two publishes into one ``--out``: a second waits for the first to finish;
2. the leftover temporaries of a publish that was killed (``.catalog.json.*.tmp``) are removed;
3. when the artifact's bytes change, every sidecar is **removed first** (and the removal made
   durable), then the artifact is replaced by a rename, then the new sidecars are written, each
   by a rename.

Killed at any moment, the folder holds the old pair, the old artifact alone, the new artifact
alone or the new pair: never an artifact with another artifact's checksum or signature.  The next
publish completes the pair.  A reader that wants both files reads the sidecar, the artifact, then
the sidecar again, and retries when the two sidecar reads differ (docs/distribution.md).

A single atomic write carrying the checksum inside was the alternative; it would break
``sha256sum -c`` and ``minisign -V``, which read a sidecar, so the sidecars stay.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import stat
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

SIDECARS = (".sha256", ".minisig")


def envelope(data: bytes) -> tuple[int, str, str] | None:
    """``(revision, digest, published_at)`` read from an artifact's JSON alone (its content is not
    checked), or None when ``data`` is not a JSON object with an integer ``revision`` (0 when absent),
    a string ``digest`` and a string ``published_at`` (empty when absent).  Any bytes: it never
    raises (not UTF-8, not JSON, nested past the parser's depth, an integer past Python's digits)."""
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        return None
    if not isinstance(doc, dict):
        return None
    revision, digest, when = doc.get("revision", 0), doc.get("digest"), doc.get("published_at", "")
    if type(revision) is not int or not isinstance(digest, str) or not isinstance(when, str):
        return None
    return revision, digest, when


def _fsync_dir(folder: Path) -> None:
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def write_atomic(path: Path, data: bytes, *, mode: int = 0o644) -> bool:
    """Write ``data`` to ``path`` atomically; False when the file already holds it.

    Raises ``OSError`` (naming the path) when it cannot; nothing is left behind then.
    """
    try:
        if path.is_file() and path.read_bytes() == data:
            return False
    except OSError:
        pass
    if path.is_dir():  # else the rename's error names the temporary file, not the folder in the way
        raise IsADirectoryError(errno.EISDIR, "a folder of that name is in the way", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)
    return True


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (created if missing) until the block ends."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def clean_temporaries(folder: Path, names: tuple[str, ...]) -> int:
    """Remove the temporaries an interrupted write of ``names`` left in ``folder``; call under the lock."""
    removed = 0
    for entry in os.scandir(folder):
        if entry.name.endswith(".tmp") and any(entry.name.startswith(f".{n}.") for n in names):
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed += 1
    return removed


def _second_and_size(path: Path) -> tuple[int, int] | None:
    """The whole second of a regular file's modification time and its size (None: no such file)."""
    try:
        st = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return (int(st.st_mtime), st.st_size) if stat.S_ISREG(st.st_mode) else None


def _not_the_old_validator(path: Path, before: tuple[int, int] | None) -> None:
    """A static server's ETag is often the modification second and the size (nginx: ``"%xT-%xO"``),
    and ``Last-Modified`` is to the second: a file of the same size replacing one written in the
    same second would get the old ETag, and holders asking with it would be told ``304`` for good
    (a price changed from 2.00 to 2.50 keeps the artifact's size).  Its modification time moves one
    second past the old file's then."""
    if before is None:
        return
    st = path.stat()
    if st.st_size == before[1] and int(st.st_mtime) <= before[0]:
        os.utime(path, ns=(st.st_atime_ns, (before[0] + 1) * 1_000_000_000))


def artifact_names(name: str) -> tuple[str, ...]:
    """An artifact's name and its sidecars' names."""
    return (name, *(name + suffix for suffix in SIDECARS))


def write_with_sidecars(path: Path, data: bytes, sidecars: Mapping[str, bytes]) -> bool:
    """Replace the artifact at ``path`` and its sidecars (suffix -> bytes) in the order that keeps
    them consistent; a sidecar not given (``.minisig`` when not signing) is removed.  Call it under
    :func:`folder_lock`.  True when the artifact's bytes changed."""
    unknown = set(sidecars) - set(SIDECARS)
    if unknown:
        raise ValueError(f"unknown sidecars {sorted(unknown)}")
    for suffix in SIDECARS:
        side = path.with_name(path.name + suffix)
        if side.is_dir() and not side.is_symlink():
            raise IsADirectoryError(21, "Is a directory: a sidecar file should be there", str(side))
    try:
        changed = not (path.is_file() and path.read_bytes() == data)
    except OSError:
        changed = True
    stamps = {suffix: _second_and_size(path.with_name(path.name + suffix)) for suffix in ("", *SIDECARS)}
    if changed:
        for suffix in SIDECARS:
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        _fsync_dir(path.parent)
        write_atomic(path, data)
        _not_the_old_validator(path, stamps[""])
    for suffix in SIDECARS:
        side = path.with_name(path.name + suffix)
        if suffix in sidecars:
            if write_atomic(side, sidecars[suffix]):
                _not_the_old_validator(side, stamps[suffix])
        elif side.exists() or side.is_symlink():
            side.unlink()
            _fsync_dir(path.parent)
    return changed
