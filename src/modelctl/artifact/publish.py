"""Publish: validate, compile, and write the artifact atomically.

Nothing invalid is ever published: with validation errors nothing is
written.  The artifact is written to a temporary file in the same folder,
fsynced and renamed over the old one, with a ``.sha256`` file beside it in
``sha256sum`` format.  When the bytes are unchanged nothing is rewritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from modelctl.artifact.compile import SourceInfo, compile_artifact
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


def write_atomic(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically; False when the file already holds it."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return True


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
    changed = _write_with_checksum(path, artifact.data)
    public_path = public_digest = None
    if public:
        public_artifact = compile_artifact(result.catalog, source, epoch=epoch, include_accounts=False)
        public_path, public_digest = out_dir / PUBLIC_NAME, public_artifact.digest
        changed = _write_with_checksum(public_path, public_artifact.data) or changed
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
    changed = write_atomic(path, data)
    checksum = f"{hashlib.sha256(data).hexdigest()}  {path.name}\n".encode()
    write_atomic(path.with_name(path.name + ".sha256"), checksum)
    return changed


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
