"""Writing catalog files safely: atomically (a temporary file in the same
folder, then a rename), and the unified diff of what changed."""

from __future__ import annotations

import difflib
import os
import tempfile
from pathlib import Path

from modelctl._files import current_umask

__all__ = ["in_the_way", "unified_diff", "write_atomic"]


def in_the_way(folder: Path) -> tuple[Path, str] | None:
    """What keeps ``folder`` from being a folder to write in (None when nothing does): it, or the
    nearest folder above it that is there, is a file (anything but a folder) or a link to nothing;
    as (that path, why). Writing would otherwise fail later, saying "File exists" or "Not a
    directory" of a temporary, or after the files before it were written. ``init``, ``site --out``
    and ``export --output`` (its folder) ask it before writing anything."""
    for path in (folder, *folder.parents):
        if path.is_symlink() and not path.exists():
            return path, f"is a symbolic link to nothing ({os.readlink(path)})"
        if path.exists():
            return None if path.is_dir() else (path, "is a file, not a folder")
    return None


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text``: readers see the old file or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def unified_diff(path: Path | str, before: str, after: str) -> str:
    """``before`` -> ``after`` as a unified diff naming ``path`` (empty when equal)."""
    return "".join(
        difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True), str(path), str(path))
    )
