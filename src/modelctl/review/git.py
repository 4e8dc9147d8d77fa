"""Read a catalog as it was at a git revision, through git plumbing.

Nothing is checked out or extracted: file lists come from ``git ls-tree``
and ``git diff --name-status``, contents from one ``git cat-file --batch``
process fed every object name at once.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from modelctl.errors import ModelctlError


class RevisionError(ModelctlError):
    """A revision that is not there (exit 4)."""


@dataclass(frozen=True, slots=True)
class FileChange:
    status: str  # A, M, D, R (rename), T
    old: str | None  # path in base (None when added)
    new: str | None  # path in head (None when deleted)


def run_git(args: Sequence[str], *, cwd: Path, what: str) -> str:
    """Run git in ``cwd`` and return its output; a ModelctlError saying ``what`` failed otherwise."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ModelctlError(f"cannot run git to {what}: {getattr(exc, 'strerror', None) or exc}") from None
    if done.returncode != 0:
        raise ModelctlError(f"git could not {what}: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout.decode("utf-8", errors="surrogateescape")


class GitRepo:
    """A repository, with the catalog's path inside it."""

    def __init__(self, start: Path) -> None:
        top = run_git(["rev-parse", "--show-toplevel"], cwd=start, what="find the git repository")
        self.root = Path(top.strip())

    def git(self, *args: str, what: str) -> str:
        return run_git(args, cwd=self.root, what=what)

    def relative(self, path: Path) -> str:
        """``path`` relative to the repository root, in git's form."""
        rel = os.path.relpath(path.resolve(), self.root.resolve())
        return "" if rel == "." else rel.replace(os.sep, "/")

    def is_shallow(self) -> bool:
        return self.git("rev-parse", "--is-shallow-repository", what="inspect the clone").strip() == "true"

    def commit(self, rev: str) -> str:
        """The full commit id of ``rev``; a clear error when it is not there."""
        try:
            return self.git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", what=f"resolve {rev!r}").strip()
        except ModelctlError:
            hint = ""
            if self.is_shallow():
                hint = (
                    " This is a shallow clone, which lacks older history: fetch it "
                    "(`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout)."
                )
            raise RevisionError(f"revision {rev!r} is not in this repository.{hint}") from None

    def default_base(self) -> str:
        """The merge-base of HEAD with the main branch."""
        for candidate in ("origin/HEAD", "origin/main", "origin/master", "main", "master"):
            try:
                self.commit(candidate)
            except RevisionError:
                continue
            try:
                return self.git("merge-base", candidate, "HEAD", what="find the merge-base").strip()
            except ModelctlError:
                break
        hint = " (shallow clone: use `fetch-depth: 0`)" if self.is_shallow() else ""
        raise RevisionError(
            f"no main branch to compare with{hint}: pass the base revision, e.g. `modelctl diff origin/main`"
        )

    def list_files(self, commit: str, path: str) -> list[str]:
        """Every file under ``path`` at ``commit``."""
        out = self.git("ls-tree", "-r", "-z", "--name-only", commit, "--", path or ".", what="list files")
        return [p for p in out.split("\0") if p]

    def changed_files(self, base: str, head: str | None, path: str) -> list[FileChange]:
        """Files under ``path`` that differ from ``base`` to ``head`` (None: the working tree,
        untracked files included), renames detected."""
        args = ["diff", "--name-status", "-z", "-M", "--no-ext-diff", base]
        if head:
            args.append(head)
        out = self.git(*args, "--", path or ".", what="list the changed files").split("\0")
        changes: list[FileChange] = []
        i = 0
        while i < len(out) and out[i]:
            status = out[i][0]
            if status in "RC":
                changes.append(FileChange("R", out[i + 1], out[i + 2]))
                i += 3
                continue
            name = out[i + 1]
            changes.append(FileChange(status, None if status == "A" else name, None if status == "D" else name))
            i += 2
        if head is None:
            untracked = self.git(
                "ls-files", "-z", "--others", "--exclude-standard", "--", path or ".", what="list untracked files"
            )
            changes += [FileChange("A", None, p) for p in untracked.split("\0") if p]
        return changes

    def read(self, names: Iterable[str]) -> dict[str, bytes | None]:
        """Contents of ``rev:path`` object names, through one ``git cat-file --batch``."""
        wanted = list(dict.fromkeys(names))
        if not wanted:
            return {}
        request = "".join(f"{n}\n" for n in wanted).encode("utf-8", errors="surrogateescape")
        try:
            done = subprocess.run(
                ["git", "cat-file", "--batch"], cwd=self.root, input=request, capture_output=True, check=False
            )
        except OSError as exc:
            raise ModelctlError(f"cannot run git: {exc.strerror}") from None
        if done.returncode != 0:
            raise ModelctlError(f"git cat-file failed: {done.stderr.decode(errors='replace').strip()}")
        return _parse_batch(done.stdout, wanted)


def _parse_batch(data: bytes, names: list[str]) -> dict[str, bytes | None]:
    out: dict[str, bytes | None] = {}
    pos = 0
    for name in names:
        end = data.index(b"\n", pos)
        header = data[pos:end].split()
        pos = end + 1
        if len(header) >= 2 and header[-1] == b"missing":
            out[name] = None
            continue
        size = int(header[2])
        out[name] = data[pos : pos + size]
        pos += size + 1  # the content is followed by a newline
    return out
