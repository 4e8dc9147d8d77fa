"""Publish: validate, compile, and write the artifact atomically.

Nothing invalid is ever published: with validation errors nothing is
written.  The artifact is written to a temporary file in the same folder,
fsynced and renamed over the old one, with a ``.sha256`` file beside it in
``sha256sum`` format; ``artifact.output`` orders the writes under a lock on
the folder so that the two never disagree.  When the bytes are unchanged
nothing is rewritten.  Any I/O failure is a ``ModelctlError`` naming the path.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from modelctl.artifact.compile import (
    Artifact,
    SourceInfo,
    assemble,
    canonical,
    catalog_version,
    compile_artifact,
    content_of,
    digest_of,
)
from modelctl.artifact.output import artifact_names, clean_temporaries, envelope, folder_lock, write_with_sidecars
from modelctl.artifact.output import write_atomic as write_atomic
from modelctl.artifact.signing import SecretKey, signature
from modelctl.errors import ModelctlError
from modelctl.review.git import run_git
from modelctl.rules.validate import ValidationResult, validate_catalog
from modelctl.runtime import Catalog as RuntimeCatalog
from modelctl.runtime import CatalogError

ARTIFACT_NAME = "catalog.json"
PUBLIC_NAME = "catalog.public.json"


@dataclass(frozen=True, slots=True)
class Published:
    validation: ValidationResult
    path: Path | None = None  # None when validation failed
    digest: str | None = None
    catalog_version: str | None = None
    changed: bool = False
    size: int = 0
    public_path: Path | None = None
    public_digest: str | None = None
    revision: int | None = None
    published_at: str | None = None
    signed: bool = False
    refused: str | None = None  # why the runtime would refuse the compiled artifact (nothing written)


def git_source(directory: Path) -> SourceInfo:
    """The commit the catalog directory is at, and whether its files differ from it."""

    def git(*args: str) -> str | None:  # None outside a repository, or before its first commit
        try:
            return run_git(args, cwd=directory, what="describe the catalog's commit").strip()
        except ModelctlError:
            return None

    commit = git("rev-parse", "HEAD")
    if not commit:
        return SourceInfo()
    when = git("show", "-s", "--format=%ct", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=normal", "--", ".")
    return SourceInfo(commit=commit, commit_time=int(when) if when else None, dirty=bool(status))


def source_date_epoch() -> int | None:
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise ModelctlError(f"SOURCE_DATE_EPOCH={value!r} is not a whole number of seconds") from None


def publish(
    root: Path,
    out_dir: Path,
    *,
    today: date | None = None,
    strict: bool = False,
    source: SourceInfo | None = None,
    public: bool = False,
    sign: SecretKey | None = None,
) -> Published:
    """Validate the catalog at ``root`` and, if valid, write ``out_dir/catalog.json``; with ``public``,
    also ``out_dir/catalog.public.json``, which leaves the accounts (private contracts) out; with
    ``sign``, a ``.minisig`` beside each."""
    result = validate_catalog(root, today=today, strict=strict)
    if not result.valid:
        return Published(result)
    source = source or git_source(root)
    epoch = source_date_epoch()
    base = base_revision(source, epoch)
    contents = [(ARTIFACT_NAME, canonical(content_of(result.catalog)))]
    if public:
        contents.append((PUBLIC_NAME, canonical(content_of(result.catalog, include_accounts=False))))
    for name, content in contents:
        refused = refused_by_runtime(content)
        if refused is not None:
            return Published(result, refused=f"{name}: {refused}")
    written: list[Artifact] = []
    changed = False
    try:
        with folder_lock(out_dir):
            clean_temporaries(out_dir, artifact_names(ARTIFACT_NAME) + artifact_names(PUBLIC_NAME))
            for name, content in contents:
                digest = digest_of(content)
                revision, when = _revision_in(out_dir / name, digest, base, epoch)
                version = catalog_version(source, digest, epoch)
                artifact = assemble(content, digest, version, source.as_json(), revision=revision, published_at=when)
                changed = _write_signed(out_dir / name, artifact, sign) or changed
                written.append(artifact)
    except OSError as exc:
        raise ModelctlError(io_message(exc, out_dir)) from None
    main_artifact = written[0]
    public_artifact = written[1] if public else None
    return Published(
        result,
        out_dir / ARTIFACT_NAME,
        main_artifact.digest,
        main_artifact.catalog_version,
        changed,
        len(main_artifact.data),
        out_dir / PUBLIC_NAME if public_artifact else None,
        public_artifact.digest if public_artifact else None,
        main_artifact.revision,
        main_artifact.published_at,
        sign is not None,
    )


def refused_by_runtime(content: bytes) -> str | None:
    """Why ``runtime.Catalog.loads`` would refuse an artifact of ``content``, or None.  validate and
    the runtime's load check are two codes that say what is valid; publish writes nothing that no
    application could load, so that if they ever disagree, CI says so and not every holder
    (about 1.5 % of a publish: one load of the compiled bytes)."""
    probe = assemble(content, digest_of(content), "check", {}, revision=1, published_at=0)
    try:
        RuntimeCatalog.loads(probe.data)
    except CatalogError as exc:
        return str(exc)
    return None


def base_revision(source: SourceInfo, epoch: int | None) -> int:
    """The revision a publish starts from (docs/artifact.md): ``SOURCE_DATE_EPOCH`` when set, else
    the committer time of a clean commit, else (uncommitted changes, no git) the current time."""
    if epoch is not None:
        return epoch
    if source.commit_time is not None and not source.dirty:
        return source.commit_time
    return int(time.time())


def _existing(path: Path) -> tuple[int, str, str] | None:
    """(revision, digest, published_at) of the artifact already at ``path``, if it is readable."""
    try:
        if not path.is_file():
            return None
        data = path.read_bytes()
    except OSError:
        return None
    return envelope(data)


def _revision_in(path: Path, digest: str, base: int, epoch: int | None) -> tuple[int, int]:
    """The revision and publish time for ``digest`` written at ``path``: the artifact already there
    keeps its revision and time when it holds the same content (nothing new to announce);
    otherwise the revision is ``base``, or one above the one there when that is not lower."""
    now = epoch if epoch is not None else int(time.time())
    old = _existing(path)
    if old is None:
        return base, now
    if old[1] == digest and old[2]:
        try:
            kept = int(datetime.strptime(old[2], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())
        except ValueError:
            kept = now
        return old[0], kept
    return max(base, old[0] + 1), now


@dataclass(frozen=True, slots=True)
class Republished:
    path: Path
    digest: str
    catalog_version: str
    changed: bool
    size: int
    models: int
    revision: int
    published_at: str
    signed: bool


def republish(artifact_path: Path, out_dir: Path, *, sign: SecretKey | None = None) -> Republished:
    """``publish --from-artifact``: an earlier artifact's content (verified, byte for byte) under a
    new revision above both its own and the one in ``out_dir``, published now."""
    try:
        raw = artifact_path.read_bytes()
    except OSError as exc:
        raise ModelctlError(f"{artifact_path}: cannot read the artifact: {exc.strerror or exc}") from None
    try:
        old = RuntimeCatalog.loads(raw)
    except CatalogError as exc:
        raise ModelctlError(f"{artifact_path}: {exc}") from None
    doc_content = json.loads(raw)["content"]
    content = canonical(doc_content)
    if digest_of(content) != old.digest:  # cannot happen after loads() verified it; never publish a mismatch
        raise ModelctlError(f"{artifact_path}: its content does not hash to its digest")
    epoch = source_date_epoch()
    now = epoch if epoch is not None else int(time.time())
    name = out_dir / ARTIFACT_NAME
    try:
        with folder_lock(out_dir):
            clean_temporaries(out_dir, artifact_names(ARTIFACT_NAME))
            current = _existing(name)
            revision = max(now, old.revision + 1, current[0] + 1 if current else 0)
            source = {**old.source, "republished_from": old.revision}
            artifact = assemble(content, old.digest, old.catalog_version, source, revision=revision, published_at=now)
            changed = _write_signed(name, artifact, sign)
    except OSError as exc:
        raise ModelctlError(io_message(exc, out_dir)) from None
    return Republished(
        name,
        artifact.digest,
        artifact.catalog_version,
        changed,
        len(artifact.data),
        len(doc_content.get("models", {})),
        revision,
        artifact.published_at or "",
        sign is not None,
    )


def _write_signed(path: Path, artifact: Artifact, sign: SecretKey | None) -> bool:
    sidecars = {".sha256": f"{hashlib.sha256(artifact.data).hexdigest()}  {path.name}\n".encode()}
    if sign is not None:
        comment = f"file:{path.name}\trevision:{artifact.revision}\tdigest:{artifact.digest}"
        sidecars[".minisig"] = signature(sign, artifact.data, comment)
    return write_with_sidecars(path, artifact.data, sidecars)


def io_message(exc: OSError, folder: Path) -> str:
    """One line naming the path an I/O error is about, for an exit-4 message."""
    where = exc.filename if exc.filename is not None else folder
    reason = exc.strerror or str(exc)
    if isinstance(exc, FileExistsError | NotADirectoryError) and not Path(folder).is_dir():
        reason = "--out names a file, not a folder"
    return f"{where}: cannot write the artifact: {reason}"


def compiled_digest(root: Path, *, today: date | None = None) -> tuple[ValidationResult, str | None]:
    """The content digest the catalog would publish (None when invalid)."""
    result = validate_catalog(root, today=today)
    if not result.valid:
        return result, None
    return result, compile_artifact(result.catalog, SourceInfo()).digest


def read_digest(artifact: Path) -> str:
    """The digest recorded in an existing artifact."""
    try:
        with open(artifact, "rb") as fh:
            doc = json.load(fh)
        digest = doc["digest"]
    except FileNotFoundError:
        raise ModelctlError(f"{artifact}: no artifact to compare with: run `modelctl publish` first") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelctlError(f"{artifact}: not a readable modelctl artifact ({exc})") from None
    except RecursionError:  # [[[[... deeper than the parser recurses
        raise ModelctlError(f"{artifact}: not a readable modelctl artifact (JSON nested too deeply)") from None
    if not isinstance(digest, str):
        raise ModelctlError(f"{artifact}: its digest is not a string")
    return digest
