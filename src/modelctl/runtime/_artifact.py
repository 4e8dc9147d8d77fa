"""Checking an artifact: its format version and its digest."""

from __future__ import annotations

from modelctl.runtime._errors import ArtifactError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SUPPORTED_MAJOR = 1


def _verify(raw: bytes, doc: dict[str, Any]) -> None:
    """Check the digest by hashing the content's byte range in the file."""
    import hashlib
    import json

    digest = doc.get("digest")
    if not isinstance(digest, str) or not digest.startswith("sha256:"):
        raise ArtifactError("artifact has no sha256 digest: it was not written by modelctl publish")

    def dumps(value: Any) -> bytes:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    # Canonical: sorted keys, so `content` is one byte range between the other keys (whatever
    # minor version added them: 1.1 added `published_at` and `revision`).
    keys = sorted(doc)
    head = b"{" + b"".join(dumps(k) + b":" + dumps(doc[k]) + b"," for k in keys if k < "content") + b'"content":'
    tail = b"".join(b"," + dumps(k) + b":" + dumps(doc[k]) for k in keys if k > "content") + b"}\n"
    if raw.startswith(head) and raw.endswith(tail) and len(raw) > len(head) + len(tail):
        content = raw[len(head) : len(raw) - len(tail)]
    else:  # not byte-canonical (re-serialised by some tool): hash the canonical form instead
        content = dumps(doc.get("content"))
    actual = "sha256:" + hashlib.sha256(content).hexdigest()
    if actual != digest:
        raise ArtifactError(
            f"artifact digest mismatch: recorded {digest}, content hashes to {actual}; "
            "the file was modified or corrupted after publishing"
        )


def _check_format(doc: Any) -> None:
    if not isinstance(doc, dict) or "format_version" not in doc:
        raise ArtifactError("not a modelctl artifact: no format_version")
    version = doc["format_version"]
    major, _, _minor = str(version).partition(".")
    if not major.isdigit():
        raise ArtifactError(f"artifact format_version {version!r} is not MAJOR.MINOR")
    if int(major) != SUPPORTED_MAJOR:
        raise ArtifactError(
            f"artifact format {version} is not supported by this runtime (it reads {SUPPORTED_MAJOR}.x): "
            "upgrade modelctl"
            if int(major) > SUPPORTED_MAJOR
            else "republish the catalog"
        )
    if not isinstance(doc.get("content"), dict):
        raise ArtifactError("artifact has no content")


def _check_revision(doc: dict[str, Any]) -> int:
    """The artifact's revision (format 1.1; 0 for a 1.0 artifact, which had none)."""
    revision = doc.get("revision", 0)
    if type(revision) is not int or revision < 0:
        raise ArtifactError(f"artifact revision {revision!r} is not a non-negative whole number")
    published = doc.get("published_at", "")
    if not isinstance(published, str):
        raise ArtifactError(f"artifact published_at {published!r} is not a string")
    return revision
