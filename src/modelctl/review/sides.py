"""The two sides of a diff: a git revision, the working tree, a catalog
directory, or a published artifact, each turned into artifact-shaped content.

When both sides are git (two revisions, or a revision and the working tree)
only the files that changed between them are read and parsed, plus the few
small files every side needs (catalog.yaml, providers, plans, accounts).
Each file read is loaded strictly and checked against its schema; a side
with errors is invalid (the CLI exits 4 with its findings).  The semantic
rules that need the whole catalog are `modelctl validate`'s job.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from modelctl.artifact.compile import content_of
from modelctl.catalog.loader import SourceFile, classify, load_sources
from modelctl.catalog.model import Catalog, ImpactSettings, Workload
from modelctl.catalog.strict_yaml import LoadedFile, load_bytes, load_file
from modelctl.codes import CODES
from modelctl.errors import Finding, Location, ModelctlError, Severity
from modelctl.review.git import GitRepo, TreeEntry
from modelctl.runtime import Catalog as RuntimeCatalog
from modelctl.runtime import CatalogError

WORKTREE = None  # the head side "working tree" is spelled None


class SideError(ModelctlError):
    """A side cannot be read (exit 4)."""


@dataclass(slots=True)
class Side:
    label: str
    content: dict[str, Any]
    findings: list[Finding] = field(default_factory=list)
    files_read: int = 0
    workloads: dict[str, Workload] = field(default_factory=dict)  # catalog/workloads/, for the cost impact
    impact: ImpactSettings = field(default_factory=ImpactSettings)  # catalog.yaml ``impact``

    @classmethod
    def of(cls, label: str, catalog: Catalog, findings: list[Finding], files_read: int) -> Side:
        """A side holding ``catalog``'s content and what the cost impact needs (not in the artifact)."""
        content = content_of(catalog)
        return cls(label, content, findings, files_read, catalog.workloads, catalog.settings.impact)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]


def load_directory(root: Path, *, today: date) -> Side:
    """A whole catalog directory: every file loaded and schema-checked (the
    semantic rules are `modelctl validate`'s job)."""
    from modelctl.catalog.loader import load_catalog

    loaded = load_catalog(root)
    return Side.of(str(root), loaded.catalog, loaded.findings, len(loaded.files))


def load_artifact(path: Path) -> Side:
    """A published artifact as one side of a diff, checked as the runtime loads it (format, digest,
    the shape of everything diff walks): a file that is not one is a :class:`SideError`."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SideError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        RuntimeCatalog.loads(data)
    except CatalogError as exc:
        raise SideError(f"{path}: not a readable modelctl artifact ({exc})") from None
    content = json.loads(data)["content"]  # what the load above has just checked
    return Side(str(path), content, [], 1)


@dataclass(frozen=True, slots=True)
class GitSides:
    base: Side
    head: Side
    changed: int


def load_git_pair(repo: GitRepo, catalog: Path, base: str, head: str | None) -> GitSides:
    """The two sides from git, reading only what changed under the catalog."""
    cat_rel = repo.relative(catalog)
    base_commit = repo.commit(base)
    head_commit = repo.commit(head) if head else None
    changes = repo.changed_files(base_commit, head_commit, cat_rel)
    prefix = f"{cat_rel}/" if cat_rel else ""

    def inside(path: str | None) -> str | None:
        return path[len(prefix) :] if path and path.startswith(prefix) else None

    base_models = [p for c in changes if (p := inside(c.old))]
    head_models = [p for c in changes if (p := inside(c.new))]
    # The models the workloads price are read on both sides, changed or not, so their totals are whole.
    used = _workload_models(repo, head_commit, cat_rel, catalog)
    base_side = _git_side(repo, base_commit, base, cat_rel, base_models, used)
    if head_commit is None:
        head_side = _worktree_side(catalog, head_models + sorted(used))
    else:
        head_side = _git_side(repo, head_commit, head or "", cat_rel, head_models, used)
    if not base_side.files_read and not head_side.files_read:
        # Run from the wrong folder (or with a --catalog that is not the catalog's path in the repository),
        # every diff is "no changes", and a CI gate passes without having looked at anything.
        raise _no_catalog(cat_rel, f"{base} nor in {head or 'the working tree'}")
    return GitSides(base_side, head_side, len(changes))


def _small_files(paths: list[str]) -> list[str]:
    return [p for p in paths if not p.startswith("models/")]


def _git_side(
    repo: GitRepo,
    commit: str,
    label: str,
    cat_rel: str,
    changed: list[str] | None,
    extra: frozenset[str] | set[str] = frozenset(),
) -> Side:
    """A side read from git: the small files, and the model files in ``changed`` (None: all) and in
    ``extra`` (those that exist at ``commit``)."""
    prefix = f"{cat_rel}/" if cat_rel else ""
    tree = {e.path[len(prefix) :]: e for e in repo.tree(commit, cat_rel) if e.path.startswith(prefix)}
    if not tree:  # the catalog does not exist yet at this revision: an empty side
        return Side(label, {}, [], 0)
    everything = list(tree)
    present = extra & set(everything) if changed is not None else set()
    models = [p for p in (everything if changed is None else [*changed, *present]) if p.startswith("models/")]
    wanted = sorted(p for p in set(_small_files(everything)) | set(models) if p in tree)
    display_root = Path(f"{label}:{cat_rel}")  # git's own rev:path notation
    findings: list[Finding] = []
    oids: dict[str, str] = {}
    for rel in wanted:
        found = _blob_of(tree, rel, repo)
        if isinstance(found, str) and not found.startswith(_WHY):
            oids[rel] = found
            continue
        shown = str(display_root.joinpath(*rel.split("/")))
        if not rel.endswith(".yaml"):
            continue
        if found is None:  # as validate says of a folder where a file should be
            why, code = "unexpected file or folder: a git submodule, not a file", "MC207"
        else:
            why, code = found[len(_WHY) :], "MC017"
        findings.append(Finding(code, CODES[code].severity, why, Location(shown)))
    blobs = repo.read(oids.values())

    def read(src: SourceFile) -> LoadedFile:
        rel = src.path.relative_to(display_root).as_posix()
        blob = blobs.get(oids[rel])
        if isinstance(blob, int):
            out = LoadedFile(src.display)
            why = f"file is {blob:,} bytes, over the 1 MiB limit: split it"
            out.findings.append(Finding("MC008", CODES["MC008"].severity, why, Location(src.display, 1, 1)))
            return out
        return load_bytes(blob or b"", src.display)

    sources = classify(display_root, list(oids))
    loaded = load_sources(str(display_root), sources, read, findings)
    return Side.of(label, loaded.catalog, loaded.findings, len(wanted))


_WHY = "why:"
_MAX_LINKS = 8


def _blob_of(tree: dict[str, TreeEntry], rel: str, repo: GitRepo) -> str | None:
    """The blob a catalog path names: its object id; None for a submodule; ``why:...`` when
    it is a symbolic link that does not lead to a file inside the catalog (as validate reads)."""
    entry = tree[rel]
    seen = 0
    while entry.kind == "symlink":
        seen += 1
        target = repo.read([entry.oid], limit=4096).get(entry.oid)
        if not isinstance(target, bytes) or seen > _MAX_LINKS:
            return f"{_WHY}a symbolic link that cannot be followed"
        text = target.decode("utf-8", errors="surrogateescape")
        inside = posixpath.normpath(posixpath.join(posixpath.dirname(rel), text))
        if text.startswith("/") or inside.startswith("../") or inside not in tree:
            return f"{_WHY}a symbolic link to {text}, outside the catalog: only files inside the catalog are read"
        rel, entry = inside, tree[inside]
    if entry.kind == "submodule":
        return None
    return entry.oid


def load_git_full(repo: GitRepo, catalog: Path, rev: str) -> Side:
    """The whole catalog as it was at ``rev``."""
    cat_rel = repo.relative(catalog)
    side = _git_side(repo, repo.commit(rev), rev, cat_rel, None)
    if not side.files_read:
        raise _no_catalog(cat_rel, rev)
    return side


def _no_catalog(cat_rel: str, where: str) -> SideError:
    return SideError(
        f"there is no catalog at {cat_rel or '.'!r} in {where}: pass --catalog with the catalog's path in the "
        "repository, or run modelctl from the folder that holds it"
    )


def _worktree_side(catalog: Path, changed: list[str]) -> Side:
    small: list[str] = []
    for sub in ("catalog.yaml", "providers", "plans", "accounts", "workloads"):
        path = catalog / sub
        if path.is_file():
            small.append(sub)
        elif path.is_dir():
            small += [f"{sub}/{p.name}" for p in sorted(path.iterdir()) if p.suffix == ".yaml"]
    wanted = sorted(set(small) | {p for p in changed if p.startswith("models/") and (catalog / p).is_file()})
    sources = classify(catalog, wanted)
    loaded = load_sources(str(catalog), sources, lambda src: load_file(src.path, src.display))
    return Side.of("working tree", loaded.catalog, loaded.findings, len(wanted))


def _workload_models(repo: GitRepo, commit: str | None, cat_rel: str, catalog: Path) -> set[str]:
    """``models/<provider>/<id>.yaml`` of every model the head's workloads name (unchecked: the
    side's loading checks the files themselves)."""
    if commit is None:
        folder = catalog / "workloads"
        files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
        loaded = [load_file(path, str(path)) for path in files]
    else:
        prefix = f"{cat_rel}/" if cat_rel else ""
        names = [p for p in repo.list_files(commit, cat_rel) if p[len(prefix) :].startswith("workloads/")]
        blobs = repo.read(f"{commit}:{name}" for name in names)
        # Unchecked, as above: a blob over the limit (its size, an int) names no models here.
        loaded = [
            load_bytes(b if isinstance(b := blobs.get(f"{commit}:{name}"), bytes) else b"", name) for name in names
        ]
    refs: set[str] = set()
    for doc in loaded:
        entries = doc.data.get("models") if doc.ok and isinstance(doc.data, dict) else None
        for entry in entries if isinstance(entries, list) else ():
            ref = entry.get("model") if isinstance(entry, dict) else None
            if isinstance(ref, str) and ref.count("/") == 1 and ".." not in ref:
                refs.add(f"models/{ref}.yaml")
    return refs
