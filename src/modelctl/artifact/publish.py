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
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from modelctl.artifact.compile import SourceInfo, compile_artifact
from modelctl.artifact.output import artifact_names, clean_temporaries, folder_lock, write_with_sidecars
from modelctl.artifact.output import write_atomic as write_atomic
from modelctl.errors import ModelctlError
from modelctl.review.git import run_git
from modelctl.rules.validate import ValidationResult, validate_catalog

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
) -> Published:
    """Validate the catalog at ``root`` and, if valid, write ``out_dir/catalog.json``; with ``public``,
    also ``out_dir/catalog.public.json``, which leaves the accounts (private contracts) out."""
    result = validate_catalog(root, today=today, strict=strict)
    if not result.valid:
        return Published(result)
    source = source or git_source(root)
    epoch = source_date_epoch()
    artifact = compile_artifact(result.catalog, source, epoch=epoch)
    path = out_dir / ARTIFACT_NAME
    public_artifact = compile_artifact(result.catalog, source, epoch=epoch, include_accounts=False) if public else None
    public_path = out_dir / PUBLIC_NAME if public_artifact else None
    public_digest = public_artifact.digest if public_artifact else None
    try:
        with folder_lock(out_dir):
            clean_temporaries(out_dir, artifact_names(ARTIFACT_NAME) + artifact_names(PUBLIC_NAME))
            changed = _write_with_checksum(path, artifact.data)
            if public_artifact is not None and public_path is not None:
                changed = _write_with_checksum(public_path, public_artifact.data) or changed
    except OSError as exc:
        raise ModelctlError(io_message(exc, out_dir)) from None
    return Published(
        result,
        path,
        artifact.digest,
        artifact.catalog_version,
        changed,
        len(artifact.data),
        public_path,
        public_digest,
    )


def _write_with_checksum(path: Path, data: bytes) -> bool:
    checksum = f"{hashlib.sha256(data).hexdigest()}  {path.name}\n".encode()
    return write_with_sidecars(path, data, {".sha256": checksum})


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
    if not isinstance(digest, str):
        raise ModelctlError(f"{artifact}: its digest is not a string")
    return digest
