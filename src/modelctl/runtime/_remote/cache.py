"""The holder's disk cache: the last verified artifact of a source, with its signature and the
validators (ETag, Last-Modified) it was fetched with, in **one** file replaced by a rename, so
that a reader (another worker process on the host) sees the old entry or the new one, never an
artifact beside another artifact's signature.  Everything read back is verified again.

The header also holds the artifact's revision, and a writer never replaces an entry of a higher
revision with a lower one (unless told to: ``allow_rollback``): the workers of a host share the
file, and one that accepted an older artifact (a CDN edge serving an old copy to a worker that
holds that same revision) must not take the others' protection against a replay across
restarts away.  Writers take an exclusive ``flock`` on the cache folder itself for the compare
and the rename (where ``fcntl`` exists; no lock file is left beside the entries)."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import stat
import tempfile
import time

from modelctl.runtime._remote import MAX_BYTES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAGIC = b"MODELCTL-CACHE 1\n"
LOCK_WAIT = 1.0  # seconds a writer waits for another to release the folder's lock


class Entry:
    __slots__ = ("artifact", "signature", "etag", "last_modified", "fetched_at", "revision")

    def __init__(
        self,
        artifact: bytes,
        signature: bytes | None,
        etag: str | None = None,
        last_modified: str | None = None,
        fetched_at: float | None = None,
        revision: int | None = None,
    ) -> None:
        self.artifact = artifact
        self.signature = signature
        self.etag = etag
        self.last_modified = last_modified
        self.fetched_at = fetched_at
        self.revision = revision  # the artifact's, as the writer verified it (None: an older cache)


def path_for(cache_dir: str, source: str) -> str:
    key = hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return os.path.join(cache_dir, f"catalog-{key}.cache")


_HEAD = 1 << 16  # the first read: the magic line and the header (a few hundred bytes) fit


def read(path: str) -> Entry | None:
    """The entry at ``path``, or None when there is none or it is not one of ours.

    The artifact is read by itself, after its header, in one read into its own ``bytes``
    (unbuffered: ``FileIO.readall`` sizes it from the file), not sliced out of the whole file:
    at 50,000 models that saves copying 61 MB twice.  A file larger than an artifact can be
    (``MAX_BYTES`` and its header) is not read: not one of ours."""
    try:
        # Opened without blocking and used only if it is a regular file: a FIFO (or a link to one)
        # in its place would wait for a writer for ever, with no timeout to stop it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        with open(fd, "rb", buffering=0) as fh:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES + _HEAD:
                return None
            if hasattr(os, "set_blocking"):
                os.set_blocking(fd, True)
            head = fh.read(_HEAD)
            if not head.startswith(MAGIC):
                return None
            end = head.find(b"\n", len(MAGIC))
            if end >= 0:
                fh.seek(end + 1)
                artifact = fh.read(MAX_BYTES + 1)  # bounded: the file may have grown since fstat
                header = head[len(MAGIC) : end]
            else:  # a header longer than the first read (or none): the rest, split as a whole
                header, sep, artifact = (head + fh.read(MAX_BYTES + 1))[len(MAGIC) :].partition(b"\n")
                if not sep:
                    return None
    except OSError:
        return None
    try:
        meta: dict[str, Any] = json.loads(header)
        sig = meta.get("signature")
        return Entry(
            artifact,
            sig.encode("utf-8") if isinstance(sig, str) else None,
            meta.get("etag") if isinstance(meta.get("etag"), str) else None,
            meta.get("last_modified") if isinstance(meta.get("last_modified"), str) else None,
            float(meta["fetched_at"]) if isinstance(meta.get("fetched_at"), int | float) else None,
            _revision(meta),
        )
    except (ValueError, TypeError, UnicodeDecodeError, AttributeError):
        return None


def _revision(meta: dict[str, Any]) -> int | None:
    value = meta.get("revision")
    return value if value.__class__ is int and value >= 0 else None


def held_revision(path: str) -> int | None:
    """The revision of the entry at ``path`` from its header alone (None: none, or not known)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        with open(fd, "rb", buffering=0) as fh:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            head = fh.read(_HEAD)
    except OSError:
        return None
    end = head.find(b"\n", len(MAGIC))
    if not head.startswith(MAGIC) or end < 0:
        return None
    try:
        meta = json.loads(head[len(MAGIC) : end])
        return _revision(meta) if isinstance(meta, dict) else None
    except (ValueError, UnicodeDecodeError):
        return None


def write(path: str, entry: Entry, *, allow_rollback: bool = False, wait: float = LOCK_WAIT) -> bool:
    """Replace the entry at ``path`` atomically (0600: an artifact may carry private contracts),
    unless it holds a higher revision than ``entry`` (and not ``allow_rollback``): False then,
    nothing written.  The folder's lock is waited for at most ``wait`` seconds (a writer stopped
    while holding it must not hold up a start-up): then the entry is written without it.
    Raises ``OSError``."""
    folder = os.path.dirname(path)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    meta = {
        "revision": entry.revision,  # first: held_revision reads the header's first 64 KiB only
        "etag": entry.etag,
        "last_modified": entry.last_modified,
        "fetched_at": entry.fetched_at,
        "signature": entry.signature.decode("utf-8") if entry.signature is not None else None,
    }
    header = MAGIC + json.dumps(meta, separators=(",", ":")).encode("utf-8") + b"\n"
    with _locked(folder, wait) as locked:
        held = held_revision(path)
        if held is not None and entry.revision is not None and entry.revision < held and not allow_rollback:
            return False
        stem = _stem()
        if locked:  # every writer writes under the lock: a temporary found now is a dead writer's
            remove_stale(folder, stem)
        fd, tmp = tempfile.mkstemp(prefix=f"{stem}{os.getpid()}-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(header)
                fh.write(entry.artifact)  # (not joined to the header first: no copy of the artifact)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    return True


def _stem() -> str:
    """``.catalog-HOST-``: the start of this host's temporaries (a folder may be shared over the
    network, where another host's pid says nothing here)."""
    host = "".join(c if c.isascii() and (c.isalnum() or c in ".-") else "_" for c in socket.gethostname()[:64])
    return f".catalog-{host or 'localhost'}-"


def remove_stale(folder: str, stem: str) -> int:
    """Remove the temporaries that writers on this host left when they were killed mid-write
    (``kill -9``, the OOM killer: up to an artifact's size each); how many.  Only names of this
    module's pattern, of this host, whose pid is not alive (a pid alive again keeps its file);
    best effort."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for item in entries:
        name = item.name
        if not (name.startswith(stem) and name.endswith(".tmp")):
            continue
        pid, dash, rest = name[len(stem) : -len(".tmp")].partition("-")
        if not (dash and rest and pid.isascii() and pid.isdigit() and 0 < len(pid) <= 10 and pid[0] != "0"):
            continue
        if int(pid) == os.getpid() or _alive(int(pid)):
            continue
        try:
            if item.is_file(follow_symlinks=False):
                os.unlink(item.path)
                removed += 1
        except OSError:
            pass
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # EPERM: another user's, alive
        return True
    return True


class _locked:
    """An exclusive ``flock`` on the folder ``path`` for the block, at best: nothing where ``fcntl``
    (or ``O_DIRECTORY``) does not exist, the file system refuses the lock, or another writer holds
    it for more than ``wait`` seconds (the cache is still written; only a race between two writers
    of different revisions is then possible)."""

    def __init__(self, path: str, wait: float = 0.0) -> None:
        self.path, self.fd, self.wait = path, -1, wait

    def __enter__(self) -> bool:
        """Whether the lock is held."""
        try:
            import fcntl
        except ImportError:  # not POSIX: the rename alone (a lower revision may then win a race)
            return False
        if not hasattr(os, "O_DIRECTORY"):
            return False
        try:
            self.fd = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
            until = time.monotonic() + self.wait
            while True:
                try:
                    fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:  # another writer has it: a write takes milliseconds
                    if time.monotonic() >= until:
                        raise
                    time.sleep(0.005)
        except OSError:  # no locks here (some network file systems): the rename alone, as above
            self.__exit__()
        except BaseException:
            self.__exit__()
            raise
        return self.fd >= 0

    def __exit__(self, *exc: object) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # (closing releases the lock)
            self.fd = -1
