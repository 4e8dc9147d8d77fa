"""Read a catalog as it was at a git revision, through git plumbing.

Nothing is checked out or extracted: file lists come from ``git ls-tree``
and ``git diff --name-status``, contents from one ``git cat-file --batch``
process fed every object at once.  Every list is NUL-separated (``-z``), so
a file name with a newline cannot shift the replies; sizes are known before
any content is read (``ls-tree -l``, ``cat-file --batch-check``), so a blob
over the 1 MiB limit of ``modelctl validate`` is never read.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from modelctl.catalog.files import MAX_BYTES
from modelctl.errors import ModelctlError


class RevisionError(ModelctlError):
    """A revision that is not there (exit 4)."""


@dataclass(frozen=True, slots=True)
class FileChange:
    status: str  # A, M, D, R (rename), T
    old: str | None  # path in base (None when added)
    new: str | None  # path in head (None when deleted)


@dataclass(frozen=True, slots=True)
class TreeEntry:
    """One entry of ``git ls-tree -r -l``: a blob (mode 100644/100755), a symbolic link
    (120000, its target as content) or a submodule (160000, type ``commit``)."""

    path: str
    mode: str
    type: str
    oid: str
    size: int  # -1 when git gives none (a submodule)

    @property
    def kind(self) -> str:
        """``file``, ``symlink`` or ``submodule``."""
        if self.type == "commit":
            return "submodule"
        return "symlink" if self.mode == "120000" else "file"


def run_git(args: Sequence[str], *, cwd: Path, what: str, input: bytes | None = None) -> str:
    """Run git in ``cwd`` and return its output; a ModelctlError saying ``what`` failed otherwise."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, input=input, capture_output=True, check=False, timeout=60)
    except FileNotFoundError:
        if not cwd.is_dir():  # pragma: no cover - callers run git in a folder that exists
            raise ModelctlError(f"cannot run git to {what}: there is no folder {str(cwd)!r}") from None
        raise ModelctlError(f"cannot run git to {what}: git is not installed (or not on PATH)") from None
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

    def shallow_commits(self) -> frozenset[str]:
        """The commits a shallow clone's history stops at (their parents are not there); none in a full clone."""
        path = Path(self.git("rev-parse", "--git-path", "shallow", what="inspect the clone").strip())
        try:
            return frozenset((self.root / path).read_text(encoding="ascii").split())
        except FileNotFoundError:
            return frozenset()

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
            elif not self.has_commits():
                hint = " The repository has no commit yet: commit the catalog first."
            raise RevisionError(f"revision {rev!r} is not in this repository.{hint}") from None

    def has_commits(self) -> bool:
        try:
            self.git("rev-parse", "--verify", "--quiet", "HEAD^{commit}", what="inspect the repository")
        except ModelctlError:
            return False
        return True

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
                if self.is_shallow():
                    break
                raise RevisionError(
                    f"HEAD shares no history with {candidate} (an orphan branch?): pass the base revision, "
                    f"e.g. `modelctl diff {candidate}`"
                ) from None
        if not self.has_commits():
            raise RevisionError("the repository has no commit yet: commit the catalog, or pass two catalog folders")
        hint = " (shallow clone: use `fetch-depth: 0`)" if self.is_shallow() else ""
        raise RevisionError(
            f"no main branch to compare with{hint}: pass the base revision, e.g. `modelctl diff origin/main`"
        )

    def list_files(self, commit: str, path: str) -> list[str]:
        """Every file under ``path`` at ``commit``."""
        return [e.path for e in self.tree(commit, path)]

    def tree(self, commit: str, path: str) -> list[TreeEntry]:
        """Every entry under ``path`` at ``commit``, with its mode, object id and size."""
        out = self.git("ls-tree", "-r", "-z", "-l", commit, "--", path or ".", what="list files")
        entries = []
        for record in out.split("\0"):
            if not record:
                continue
            meta, _, name = record.partition("\t")
            mode, kind, oid, size = meta.split()
            entries.append(TreeEntry(name, mode, kind, oid, int(size) if size.isdigit() else -1))
        return entries

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

    def read(self, names: Iterable[str], *, limit: int = MAX_BYTES) -> dict[str, bytes | int | None]:
        """Contents of object names (``rev:path`` or object ids): the bytes; None when there is
        no such blob; the size (an int) of a blob over ``limit``, which is not read."""
        wanted = list(dict.fromkeys(names))
        if not wanted:
            return {}
        z = self._nul_input()
        if not z and any("\n" in n for n in wanted):
            raise ModelctlError(f"git {self._version} cannot read a file whose name has a newline: use git 2.38+")
        check = self._batch(["--batch-check"], wanted, z)
        out: dict[str, bytes | int | None] = {}
        ids: dict[str, str] = {}
        pos = 0
        for name in wanted:  # one line per name: "<oid> <type> <size>", or "<name> missing"
            missing = name.encode("utf-8", errors="surrogateescape") + b" missing\n"
            if check.startswith(missing, pos):  # the name may hold spaces or newlines
                out[name] = None
                pos += len(missing)
                continue
            end = check.index(b"\n", pos)
            header = check[pos:end].split()
            pos = end + 1
            if len(header) != 3 or header[1] != b"blob":
                out[name] = None  # ambiguous, or not a blob (a tree, a submodule's commit)
            elif int(header[2]) > limit:
                out[name] = int(header[2])
            else:
                ids[name] = header[0].decode("ascii")
        if ids:
            contents = _parse_batch(self._batch(["--batch"], list(dict.fromkeys(ids.values())), False))
            out.update({name: contents[oid] for name, oid in ids.items()})
        return out

    def _batch(self, mode: list[str], names: list[str], z: bool) -> bytes:
        end = "\0" if z else "\n"
        request = "".join(f"{n}{end}" for n in names).encode("utf-8", errors="surrogateescape")
        args = ["git", "cat-file", *mode, *(["-z"] if z else [])]
        try:
            done = subprocess.run(args, cwd=self.root, input=request, capture_output=True, check=False, timeout=300)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ModelctlError(f"cannot run git cat-file: {getattr(exc, 'strerror', None) or exc}") from None
        if done.returncode != 0:
            raise ModelctlError(f"git cat-file failed: {done.stderr.decode(errors='replace').strip()}")
        return done.stdout

    _version = ""

    def _nul_input(self) -> bool:
        """Whether this git reads NUL-separated names (``cat-file -z``, git 2.38 and later)."""
        if not self._version:
            self._version = (self.git("version", what="find the git version").split() + ["", "", "0"])[2]
        parts = [int(p) if p.isdigit() else 0 for p in self._version.split(".")[:2]]
        return tuple(parts) >= (2, 38)


def _parse_batch(data: bytes) -> dict[str, bytes]:
    """``cat-file --batch`` replies to object ids: id -> content."""
    out: dict[str, bytes] = {}
    pos = 0
    while pos < len(data):
        end = data.index(b"\n", pos)
        oid, _, size = data[pos:end].split()
        pos = end + 1
        out[oid.decode("ascii")] = data[pos : pos + int(size)]
        pos += int(size) + 1  # the content is followed by a newline
    return out
