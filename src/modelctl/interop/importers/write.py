"""Write an import plan: everything goes to a temporary folder first and is
moved into place only at the end, so a failure leaves the catalog as it was.

A new catalog folder is renamed into place in one step; in an existing one
each file is moved with ``os.replace`` (atomic per file).
"""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from modelctl._files import current_umask
from modelctl.errors import ModelctlError
from modelctl.interop.importers.common import Progress
from modelctl.interop.importers.plan import FileChange


def unified_diff(change: FileChange) -> str:
    old = (change.old_text or "").splitlines(keepends=True)
    new = change.text.splitlines(keepends=True)
    src = f"a/{change.rel}" if change.old_text is not None else "/dev/null"
    return "".join(difflib.unified_diff(old, new, src, f"b/{change.rel}"))


def apply(root: Path, changes: Iterable[FileChange], progress: Progress | None = None) -> list[Path]:
    """Write ``changes`` under ``root``; returns the paths written."""
    todo = list(changes)
    if not todo:
        return []
    rels = [c.rel.lower() for c in todo]
    if len(set(rels)) != len(rels):
        raise ModelctlError("two planned files have the same path: nothing written (a bug: please report it)")
    parent = root.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=".modelctl-import-", dir=parent))
    except OSError as exc:
        raise ModelctlError(f"cannot write next to {root}: {exc.strerror or exc}") from None
    try:
        for i, change in enumerate(todo, start=1):
            path = stage.joinpath(*change.rel.split("/"))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(change.text, encoding="utf-8")
            if progress and (i % 200 == 0 or i == len(todo)):
                progress("write", i, len(todo))
        if not root.exists():
            os.rename(stage, root)
            os.chmod(root, 0o777 & ~current_umask())  # mkdtemp made it private (0700)
            return [root.joinpath(*c.rel.split("/")) for c in todo]
        written = []
        for change in todo:
            dest = root.joinpath(*change.rel.split("/"))
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(stage.joinpath(*change.rel.split("/")), dest)
            written.append(dest)
        return written
    except OSError as exc:
        raise ModelctlError(f"cannot write the catalog {root}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)
