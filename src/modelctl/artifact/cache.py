"""A cache of compiled catalogs, so that a command reading a catalog
directory (list, show, cost, ...) does not parse thousands of YAML files
again when nothing changed.

The key is a SHA-256 over the *content* of every file of the catalog (not
their modification times, which can miss an edit made within a clock tick;
found and read exactly as validate finds and reads them),
today's date (rules depend on it), whether accounts are included, and the
modelctl code and schemas themselves.  Only a valid catalog is stored.  The
cache lives in $MODELCTL_CACHE_DIR, else $XDG_CACHE_HOME/modelctl, else
~/.cache/modelctl; MODELCTL_NO_CACHE=1 turns it off.  Entries are written
atomically; the previous entry of the same catalog folder is removed.

Entries are whole artifacts, account contracts included: the folder is
created 0700 and every entry 0600.  A folder of ours that others can read
or write (made by an older modelctl, or by hand) is tightened to 0700; a
folder owned by another user, or that is not a folder, is not used at all
(nothing read from it, nothing written: the command runs without a cache).
"""

from __future__ import annotations

import hashlib
import os
import stat
from datetime import date
from pathlib import Path

import modelctl

_PACKAGE = Path(modelctl.__file__).resolve().parent


def cache_dir() -> Path | None:
    if os.environ.get("MODELCTL_NO_CACHE", "") not in ("", "0"):
        return None
    explicit = os.environ.get("MODELCTL_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "modelctl"


def _code_fingerprint() -> bytes:
    digest = hashlib.sha256(modelctl.__version__.encode())
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in (".py", ".json") and "__pycache__" not in path.parts:
            stat = path.stat()
            digest.update(f"{path.relative_to(_PACKAGE)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.digest()


def catalog_key(root: Path, *, today: date, public: bool) -> str:
    """The key of the catalog's current content: every file validate reads (found
    as validate finds them, read with the same bound, so a FIFO or /dev/zero
    cannot hang it) and the names of the files and folders it reports on.
    "" (do not cache) when the catalog cannot be listed."""
    from modelctl.catalog.files import read_bounded, reason
    from modelctl.catalog.loader import discover
    from modelctl.errors import CatalogNotFound

    try:
        sources, notes = discover(root)
    except CatalogNotFound:
        return ""
    digest = hashlib.sha256(_code_fingerprint())
    digest.update(f"{today.isoformat()}|{public}\n".encode())
    for note in notes:
        digest.update(f"{note}\n".encode())
    for src in sources:
        digest.update(str(src.path.relative_to(root)).encode() + b"\0")
        try:
            digest.update(hashlib.sha256(read_bounded(src.path)).digest())
        except OSError as exc:
            digest.update(f"unreadable: {reason(exc)}".encode())
    return digest.hexdigest()


def _private(folder: Path, *, create: bool) -> bool:
    """Whether ``folder`` is ours and private (0700), creating or tightening it as needed."""
    if create:
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError:
            return False
    try:
        info = os.stat(folder)
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    uid = getattr(os, "geteuid", None)
    if uid is None:  # no POSIX owners (Windows): the user's profile folder is private already
        return True
    if info.st_uid != uid():
        return False  # someone else's folder: its entries could be planted, ours read
    if info.st_mode & 0o077:
        try:
            os.chmod(folder, 0o700)
        except OSError:
            return False
    return True


def _write_private(path: Path, data: bytes) -> None:
    """``data`` to ``path`` atomically, the file 0600 from the start (never readable by others)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _prefix(root: Path) -> str:
    return hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]


def lookup(root: Path, *, today: date, public: bool) -> tuple[str, bytes | None]:
    """The key, and the cached artifact bytes when there is an entry for it."""
    folder = cache_dir()
    key = catalog_key(root, today=today, public=public) if folder else ""
    if folder is None or not _private(folder, create=False):
        return key, None
    try:
        return key, (folder / f"{_prefix(root)}-{key}.json").read_bytes()
    except OSError:
        return key, None


def store(root: Path, key: str, data: bytes) -> None:
    """Keep ``data`` under ``key``; never fails the command (a cache is optional)."""
    folder = cache_dir()
    if folder is None or not key or not _private(folder, create=True):
        return
    prefix = _prefix(root)
    try:
        for old in folder.glob(f"{prefix}-*.json"):
            old.unlink(missing_ok=True)
        _write_private(folder / f"{prefix}-{key}.json", data)
    except OSError:
        pass
