"""The audit trail of one model, from git: every commit that changed its
file, with who, when, and the field changes (prices before -> after).

``git log --follow`` follows the file across renames; every version is read
through one ``git cat-file --batch`` and parsed once, and consecutive
versions are compared with the same rules as ``modelctl diff``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from modelctl.artifact.compile import model_content
from modelctl.catalog import construct, schema
from modelctl.catalog.strict_yaml import load_bytes
from modelctl.errors import ModelctlError
from modelctl.review.diff import Change, DiffOptions, diff_contents
from modelctl.review.git import GitRepo


@dataclass(frozen=True, slots=True)
class Revision:
    commit: str
    author: str
    email: str
    date: str  # ISO 8601, author date
    subject: str
    path: str  # the model file's path at this commit
    action: str  # added | changed | removed | renamed
    changes: tuple[Change, ...]
    invalid: bool = False  # this version of the file did not load or match the schema


@dataclass(frozen=True, slots=True)
class History:
    model: str
    path: str
    revisions: tuple[Revision, ...]  # newest first
    since: str | None = None  # with --since: the instant git read it as (UTC, ISO 8601)


@dataclass(frozen=True, slots=True)
class _Entry:
    commit: str
    author: str
    email: str
    date: str
    subject: str
    status: str
    path: str
    old_path: str | None


def model_path(repo: GitRepo, catalog: Path, ref: str) -> str:
    """The model file's path in the repository for ``provider/id`` or a unique bare id."""
    cat_rel = repo.relative(catalog)
    prefix = f"{cat_rel}/models" if cat_rel else "models"
    if "/" in ref:
        provider, model_id = ref.split("/", 1)
        return f"{prefix}/{provider}/{model_id}.yaml"
    matches = sorted(p.relative_to(repo.root).as_posix() for p in (repo.root / prefix).glob(f"*/{ref}.yaml"))
    if len(matches) == 1:
        return matches[0]
    if matches:
        names = ", ".join(m.split("/")[-2] + "/" + ref for m in matches)
        raise ModelctlError(f"{ref!r} is ambiguous: {names}; use provider/id")
    return f"{prefix}/*/{ref}.yaml"


def _log(repo: GitRepo, path: str, since: str | None) -> list[_Entry]:
    fmt = "%x1e%H%x1f%an%x1f%ae%x1f%aI%x1f%s"
    args = ["log", "--follow", "-M", f"--format={fmt}", "--name-status", "-z"]
    if since:
        args.append(f"--since={since}")
    out = repo.git(*args, "--", path, what=f"read the history of {path}")
    entries = []
    for record in out.split("\x1e")[1:]:
        header, _, rest = record.partition("\n")
        commit, author, email, when, subject = (part.strip("\0 ") for part in header.split("\x1f"))
        fields = [f for f in rest.strip("\n\0").split("\0") if f]
        if not fields:
            continue  # a merge without its own change to the file
        status = fields[0][0]
        if status in "RC":
            entries.append(_Entry(commit, author, email, when, subject, "R", fields[2], fields[1]))
        else:
            entries.append(_Entry(commit, author, email, when, subject, status, fields[1], None))
    return entries


def _parse(data: bytes | int | None, display: str, provider: str) -> tuple[dict[str, Any] | None, bool]:
    """The model as artifact content, and whether the version was invalid (over 1 MiB: ``data`` is its size)."""
    if data is None:
        return None, False
    if isinstance(data, int):
        return None, True
    loaded = load_bytes(data, display)
    if not loaded.ok or schema.validate("model", loaded):
        return None, True
    model, _ = construct.build_model(loaded, provider)
    if model is None:
        return None, True
    return model_content(model, model.currency or ""), False


def model_history(repo: GitRepo, catalog: Path, ref: str, *, today: date, since: str | None = None) -> History:
    path = model_path(repo, catalog, ref)
    entries = _log(repo, path, since)
    if not entries and (not since or not _log(repo, path, None)):
        raise ModelctlError(f"no commit touches {path}: is {ref!r} a model of this catalog, and is it committed?")
    since_read = _since(repo, since) if since else None
    if not entries:  # a history, none of it in the window: an answer, not an error
        return History(ref, path, (), since_read)
    if entries[-1].commit in repo.shallow_commits():
        # git shows the file as added where the clone's history starts: the trail before it is missing
        raise ModelctlError(
            f"this is a shallow clone whose history stops at {entries[-1].commit[:12]}: the commits before it "
            f"(and whether that one added {path}) are missing: fetch them (`git fetch --unshallow`, or "
            "`fetch-depth: 0` in actions/checkout)"
        )
    names = [f"{e.commit}:{e.path}" for e in entries if e.status != "D"]
    oldest = entries[-1]
    base_name = None
    if oldest.status != "A":
        base_name = f"{oldest.commit}^:{oldest.old_path or oldest.path}"
        names.append(base_name)
    blobs = repo.read(names)
    options = DiffOptions(today=today)
    revisions = []
    previous: tuple[dict[str, Any] | None, bool] | None = None
    # Walk oldest to newest, comparing each version with the one before it.
    versions: list[tuple[_Entry, dict[str, Any] | None, bool]] = []
    for entry in reversed(entries):
        provider = entry.path.rsplit("/", 2)[-2]
        data = None if entry.status == "D" else blobs.get(f"{entry.commit}:{entry.path}")
        versions.append((entry, *_parse(data, f"{entry.commit[:12]}:{entry.path}", provider)))
    if base_name is not None:
        provider = (oldest.old_path or oldest.path).rsplit("/", 2)[-2]
        previous = _parse(blobs.get(base_name), base_name, provider)
    newest = entries[0].path
    key = (
        ref if "/" in ref else f"{newest.rsplit('/', 2)[-2]}/{ref}"
    )  # one key for every version: renames diff as fields
    for entry, content, invalid in versions:
        before = previous[0] if previous else None
        result = diff_contents(
            {"models": {key: before}} if before else {}, {"models": {key: content}} if content else {}, options=options
        )
        action = {"A": "added", "D": "removed", "R": "renamed"}.get(entry.status, "changed")
        revisions.append(
            Revision(
                entry.commit,
                entry.author,
                entry.email,
                entry.date,
                entry.subject,
                entry.path,
                action,
                result.changes,
                invalid,
            )
        )
        if not invalid:
            previous = (content, invalid)
    return History(ref, path, tuple(reversed(revisions)), since_read)


def _since(repo: GitRepo, since: str) -> str | None:
    """How git reads ``--since``: its approxidate takes anything (``garbage`` is now), so say it."""
    out = repo.git("rev-parse", f"--since={since}", what=f"read --since {since!r}").strip()
    if not out.startswith("--max-age="):
        return None
    try:
        return datetime.fromtimestamp(int(out.removeprefix("--max-age=")), UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (ValueError, OverflowError, OSError):
        return None
