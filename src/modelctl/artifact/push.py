"""``modelctl push``: copy a published folder to where applications fetch it.

Two kinds of object, in this order, so that a reader never follows a pointer to something absent:

1. the **immutable**, content-addressed copy ``catalogs/<revision>-<digest>.json`` (+ its
   ``.sha256`` and ``.minisig``), cached for a year (``immutable``); it is never overwritten;
2. the small **mutable** pointer files at the top, ``catalog.json`` (a copy of that artifact),
   ``catalog.json.sha256`` and ``catalog.json.minisig``, cached for a minute, so instances see a
   new revision within a refresh.

Destinations: ``file:///path`` (or a plain path), written with the same lock and ordering as
``publish`` (artifact.output); ``s3://bucket/prefix`` on any S3-compatible store (``boto3``, the
``s3`` extra; ``endpoint_url`` for MinIO, R2, moto...).  The folder's pair is read consistently
and verified (digest, and the checksum file) before anything is copied.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from ipaddress import ip_address
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse, urlsplit

from modelctl.artifact.output import SIDECARS, clean_temporaries, folder_lock, write_atomic, write_with_sidecars
from modelctl.errors import ModelctlError
from modelctl.runtime import Catalog, CatalogError

IMMUTABLE_CACHE = "public, max-age=31536000, immutable"
POINTER_CACHE = "public, max-age=60, must-revalidate"
S3_HINT = "pushing to s3:// needs boto3: pip install 'modelctl[s3]'"
CONTENT_TYPES = {"": "application/json", ".sha256": "text/plain", ".minisig": "text/plain"}


@dataclass(frozen=True, slots=True)
class Pushed:
    destination: str
    immutable: str  # the content-addressed name, relative to the destination
    pointer: str
    revision: int
    digest: str
    uploaded: tuple[str, ...]  # what was written (the immutable copy is skipped when already there)


def read_published(folder: Path, name: str) -> tuple[bytes, dict[str, bytes], Catalog]:
    """The artifact and its sidecars, read consistently (sidecar, artifact, sidecar again) and verified."""
    path = folder / name
    for _ in range(5):
        try:
            before = {s: (folder / (name + s)).read_bytes() for s in SIDECARS if (folder / (name + s)).is_file()}
            data = path.read_bytes()
            after = {s: (folder / (name + s)).read_bytes() for s in SIDECARS if (folder / (name + s)).is_file()}
        except OSError as exc:
            raise ModelctlError(f"{exc.filename or path}: cannot read: {exc.strerror or exc}") from None
        if before == after and ".sha256" in after:
            break
    else:
        raise ModelctlError(f"{path}: no matching {name}.sha256 beside it (a publish is running, or was killed)")
    expected = after[".sha256"].split(b" ", 1)[0].decode("ascii", "replace")
    if hashlib.sha256(data).hexdigest() != expected:
        raise ModelctlError(f"{path}: does not match {name}.sha256: not pushing it")
    try:
        catalog = Catalog.loads(data)
    except CatalogError as exc:
        raise ModelctlError(f"{path}: {exc}") from None
    return data, after, catalog


def check_name(name: str) -> str | None:
    """Why ``name`` cannot be the artifact's name (None when it can): it names a file in the
    published folder and, as it is, the pointer at the destination, so a path (``../x.json``)
    would read and write outside both."""
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        return f"{name!r} is not a file name: give the artifact's name in the folder, e.g. catalog.public.json"
    return None


def check_destination(destination: str) -> str | None:
    """Why ``destination`` names no place push can copy to (None when it does), on its face: another
    scheme than file:// or s3://, a file:// URL with a host, an s3:// URL without a bucket."""
    url = urlparse(destination)
    if url.scheme == "s3":
        return None if url.netloc else "s3:// destination names no bucket: s3://bucket/prefix"
    if url.scheme not in ("file", ""):
        return f"{destination}: push copies to file:// or s3:// destinations"
    if url.scheme and url.netloc not in ("", "localhost"):
        # file://dist/x is read as the folder /x on host "dist": writing there would put the
        # artifact at the top of this machine's file system, far from what was meant.
        return (
            f"{destination}: a file:// URL names a folder on this machine: file:///absolute/path "
            f"(three slashes), or a plain path such as {url.netloc}{url.path}"
        )
    return None


_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)", re.IGNORECASE)


def check_endpoint(endpoint_url: str, destination: str) -> str | None:
    """Why ``endpoint_url`` cannot be the S3 endpoint for ``destination`` (None when it can), on its
    face: a destination that is not s3://, or not an http:// or https:// URL with a host (and a
    port, if any, a number), as botocore's own check would refuse it only once boto3 is loaded."""
    if not destination.startswith("s3://"):
        return "is for s3:// destinations only (a folder has no endpoint)"
    shown = endpoint_url if endpoint_url.strip() else repr(endpoint_url)
    example = "e.g. http://localhost:9000 or https://ACCOUNT.r2.cloudflarestorage.com"
    if any(c in endpoint_url for c in "\t\r\n "):
        return f"{endpoint_url!r} is not a URL (it holds white space): {example}"
    try:
        url = urlsplit(endpoint_url)
        url.port  # noqa: B018 - raises ValueError for a port that is not a number from 0 to 65535
    except ValueError as exc:
        return f"{shown} is not a URL ({exc}): {example}"
    if url.scheme not in ("http", "https"):
        what = f"{url.scheme}:// is not http:// or https://" if "://" in endpoint_url else "no http:// or https://"
        return f"{shown} is not an endpoint URL ({what}): {example}"
    host = (url.hostname or "").removesuffix(".")
    if not host or not (_is_ip(host) or all(map(_HOST_LABEL.fullmatch, host.split(".")))):
        said = f"{url.hostname!r} is not a host name" if host else "it names no host"
        return f"{shown} is not an endpoint URL ({said}): {example}"
    return None


def _is_ip(host: str) -> bool:
    try:
        ip_address(host)
    except ValueError:
        return False
    return True


def push(folder: Path, destination: str, *, name: str = "catalog.json", endpoint_url: str | None = None) -> Pushed:
    problem = check_name(name)
    if problem is not None:
        raise ModelctlError(f"--name: {problem}")
    problem = check_destination(destination)
    if problem is not None:
        raise ModelctlError(problem)
    problem = None if endpoint_url is None else check_endpoint(endpoint_url, destination)
    if problem is not None:
        raise ModelctlError(f"--endpoint-url: {problem}")
    data, sidecars, catalog = read_published(folder, name)
    stem = name.removesuffix(".json")
    immutable = f"catalogs/{catalog.revision}-{catalog.digest.removeprefix('sha256:')}.json"
    if stem != "catalog":
        immutable = immutable.replace("catalogs/", f"catalogs/{stem}-")
    url = urlparse(destination)
    if url.scheme == "s3":
        uploaded = _push_s3(url.netloc, url.path.strip("/"), data, sidecars, name, immutable, endpoint_url)
    else:  # file:// or a path (check_destination)
        target = Path(unquote(url.path) if url.scheme else destination)
        uploaded = _push_file(target, data, sidecars, name, immutable)
    return Pushed(destination, immutable, name, catalog.revision, catalog.digest, uploaded)


def _retag(sidecars: dict[str, bytes], old: str, new: str) -> dict[str, bytes]:
    """The ``.sha256`` line names the file; rename it for the copy.  A signature needs nothing."""
    out = dict(sidecars)
    if ".sha256" in out:
        out[".sha256"] = out[".sha256"].replace(f"  {old}".encode(), f"  {new}".encode(), 1)
    return out


def _push_file(target: Path, data: bytes, sidecars: dict[str, bytes], name: str, immutable: str) -> tuple[str, ...]:
    uploaded: list[str] = []
    try:
        copy = target / immutable
        with folder_lock(copy.parent):
            clean_temporaries(copy.parent, (copy.name, *(copy.name + s for s in SIDECARS)))
            if not (copy.is_file() and copy.read_bytes() == data):
                uploaded.append(immutable)
            for suffix, body in _retag(sidecars, name, copy.name).items():
                write_atomic(copy.with_name(copy.name + suffix), body)
            write_atomic(copy, data)  # the immutable copy's sidecars may come first: nothing points here yet
        with folder_lock(target):
            clean_temporaries(target, (name, *(name + s for s in SIDECARS)))
            if write_with_sidecars(target / name, data, sidecars):
                uploaded.append(name)
    except OSError as exc:
        # os.replace names the temporary first and the file it would replace second: name the file.
        where = exc.filename2 or exc.filename or target
        raise ModelctlError(f"{where}: cannot write: {exc.strerror or exc}") from None
    return tuple(uploaded)


def _s3_client(endpoint_url: str | None) -> Any:
    try:
        import boto3  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except ImportError:
        raise ModelctlError(S3_HINT) from None
    try:
        return boto3.client("s3", endpoint_url=endpoint_url)
    except ValueError as exc:  # botocore: "Invalid endpoint: notaurl"
        raise ModelctlError(f"--endpoint-url {endpoint_url}: not a URL boto3 can use ({exc})") from None


def _push_s3(
    bucket: str,
    prefix: str,
    data: bytes,
    sidecars: dict[str, bytes],
    name: str,
    immutable: str,
    endpoint_url: str | None,
) -> tuple[str, ...]:
    from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped, import-not-found, unused-ignore]

    client = _s3_client(endpoint_url)

    def key(rel: str) -> str:
        return f"{prefix}/{rel}" if prefix else rel

    def put(rel: str, body: bytes, suffix: str, cache: str) -> None:
        client.put_object(Bucket=bucket, Key=key(rel), Body=body, ContentType=CONTENT_TYPES[suffix], CacheControl=cache)

    uploaded: list[str] = []
    try:
        try:
            head = client.head_object(Bucket=bucket, Key=key(immutable))
            present = head.get("ContentLength") == len(data)
        except ClientError:
            present = False
        if not present:
            for suffix, body in _retag(sidecars, name, Path(immutable).name).items():
                put(immutable + suffix, body, suffix, IMMUTABLE_CACHE)
            put(immutable, data, "", IMMUTABLE_CACHE)
            uploaded.append(immutable)
        # The pointer: signature last would leave a window with the new artifact and the old
        # signature; removing it first would leave one with none.  A reader that fails to verify
        # fetches the signature once more (runtime), so the artifact goes first.
        put(name, data, "", POINTER_CACHE)
        for suffix in SIDECARS:
            if suffix in sidecars:
                put(name + suffix, sidecars[suffix], suffix, POINTER_CACHE)
            else:
                client.delete_object(Bucket=bucket, Key=key(name + suffix))
        uploaded.append(name)
    except (BotoCoreError, ClientError) as exc:
        raise ModelctlError(f"s3://{bucket}/{prefix}: cannot push: {exc}") from None
    except RecursionError:  # botocore follows an S3 redirect (301, 307) again and again, with no limit
        where = f" {endpoint_url}" if endpoint_url else ""
        raise ModelctlError(f"s3://{bucket}/{prefix}: cannot push: the endpoint{where} redirects in a loop") from None
    return tuple(uploaded)


def summary(pushed: Pushed) -> dict[str, Any]:
    return {
        "destination": pushed.destination,
        "immutable": pushed.immutable,
        "pointer": pushed.pointer,
        "revision": pushed.revision,
        "digest": pushed.digest,
        "uploaded": list(pushed.uploaded),
    }
