"""``modelctl push``: copy a published folder to where applications fetch it.

Two kinds of object, in this order, so that a reader never follows a pointer to something absent:

1. the **immutable**, content-addressed copy ``catalogs/<revision>-<digest>.json`` (+ its
   ``.sha256`` and ``.minisig``), cached for a year (``immutable``); it is never overwritten (but
   an object of its name with other bytes is not it, and is replaced);
2. the small **mutable** pointer files at the top, ``catalog.json`` (a copy of that artifact),
   ``catalog.json.sha256`` and ``catalog.json.minisig``, cached for a minute, so instances see a
   new revision within a refresh.

The pointer never goes back: when the destination's ``catalog.json`` holds a higher revision than
the folder's (a re-run of an older CI job, two pushes racing, an old ``dist`` pushed by hand),
push refuses and writes nothing (:class:`PushRefused`), unless ``allow_rollback``.  Running
holders would refuse the older artifact as a replay anyway, but an instance starting without a
cache would take it.  A pointer that is not an artifact is replaced, and said so.  On S3 the
pointer is replaced only if it is still the object that was judged (a conditional ``PUT`` with
``If-Match``, or ``If-None-Match: *`` when there was none); a store that does not implement
conditional writes gets a plain ``PUT``, and the window between the check and the write is then
that of two pushes at once.

Destinations: ``file:///path`` (or a plain path), written with the same lock and ordering as
``publish`` (artifact.output); ``s3://bucket/prefix`` on any S3-compatible store (``boto3``, the
``s3`` extra; ``endpoint_url`` for MinIO, R2, moto...).  The folder's pair is read consistently
and verified (digest, and the checksum file) before anything is copied.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from ipaddress import ip_address
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse, urlsplit

from modelctl.artifact.output import (
    SIDECARS,
    clean_temporaries,
    envelope,
    folder_lock,
    write_atomic,
    write_with_sidecars,
)
from modelctl.errors import ModelctlError
from modelctl.runtime import Catalog, CatalogError
from modelctl.runtime._remote import MAX_BYTES, immutable_name

IMMUTABLE_CACHE = "public, max-age=31536000, immutable"
POINTER_CACHE = "public, max-age=60, must-revalidate"
S3_HINT = "pushing to s3:// needs boto3: pip install 'modelctl[s3]'"
CONTENT_TYPES = {"": "application/json", ".sha256": "text/plain", ".minisig": "text/plain"}


@dataclass(frozen=True, slots=True)
class Prior:
    """What the destination's pointer held before a push."""

    revision: int | None = None  # its revision (None: no pointer, or not an artifact)
    unreadable: bool = False  # a pointer was there that is not an artifact: replaced
    unchecked: str | None = None  # why it could not be read (s3:GetObject denied): pushed unjudged


@dataclass(frozen=True, slots=True)
class Pushed:
    destination: str
    immutable: str  # the content-addressed name, relative to the destination
    pointer: str
    revision: int
    digest: str
    uploaded: tuple[str, ...]  # what was written (the immutable copy is skipped when already there)
    prior: Prior  # what the pointer held before


class PushRefused(ModelctlError):
    """The destination's pointer holds a higher revision: nothing was written (exit 1)."""


def judge_pointer(held: bytes | None, revision: int, where: str, *, allow_rollback: bool) -> Prior:
    """What the pointer ``held`` at ``where`` holds (``held`` None: nothing there),
    or :class:`PushRefused` when its revision is higher than ``revision`` and rollback is not allowed.
    A pointer that is not an artifact (not JSON, no integer revision, larger than an artifact can
    be) does not hold anything back: it is replaced."""
    if held is None:
        return Prior()
    found = envelope(held) if len(held) <= MAX_BYTES else None
    if found is None:
        return Prior(unreadable=True)
    if found[0] > revision and not allow_rollback:
        raise PushRefused(
            f"{where} holds revision {found[0]}, newer than the folder's {revision}: not moving it back "
            "(running instances would refuse the older artifact as a replay, new ones would start from it). "
            "Push the newer folder, roll back with `modelctl publish --from-artifact` (a new, higher "
            "revision), or pass --allow-rollback to move the pointer back anyway"
        )
    return Prior(revision=found[0])


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


def check_signature(
    path: Path, data: bytes, minisig: bytes | None, catalog: Catalog, public_key: str | Path | None
) -> None:
    """Refuse (``ModelctlError``) to push a signature applications would refuse: one not in
    minisign's format, or whose trusted comment names another artifact (a stale ``.minisig``; publish
    writes ``file:NAME revision:R digest:D``), and with ``public_key``, one that does not verify
    or is missing.  Without a key only the format and the comment can be checked."""
    from modelctl.runtime._remote.minisign import PublicKey, parse_signature

    where = f"{path}.minisig"
    if minisig is None:
        if public_key is not None:
            raise ModelctlError(f"{path}: not signed (no {path.name}.minisig beside it), and --public-key is given")
        return
    try:
        _, comment, _ = parse_signature(minisig)
        fields = dict(f.partition(":")[::2] for f in comment.decode("utf-8", "replace").split("\t"))
        for field, value in (("revision", str(catalog.revision)), ("digest", catalog.digest)):
            if field in fields and fields[field] != value:
                raise ModelctlError(
                    f"{where}: signs another artifact ({field} {fields[field]}, this one's is {value}): "
                    "a stale signature; publish again with --sign"
                )
        if public_key is not None:
            PublicKey(public_key if isinstance(public_key, Path) else str(public_key)).verify(data, minisig)
    except CatalogError as exc:  # SignatureError is one; also a key that cannot be read, or no cryptography
        raise ModelctlError(f"{where}: {exc}: not pushing it") from None


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


def push(
    folder: Path,
    destination: str,
    *,
    name: str = "catalog.json",
    endpoint_url: str | None = None,
    allow_rollback: bool = False,
    public_key: str | Path | None = None,
) -> Pushed:
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
    check_signature(folder / name, data, sidecars.get(".minisig"), catalog, public_key)
    immutable = immutable_name(name, catalog.revision, catalog.digest)
    url = urlparse(destination)
    plan = _Plan(data, sidecars, name, immutable, catalog.revision, allow_rollback)
    if url.scheme == "s3":
        uploaded, prior = _push_s3(url.netloc, url.path.strip("/"), plan, endpoint_url)
    else:  # file:// or a path (check_destination)
        target = Path(unquote(url.path) if url.scheme else destination)
        uploaded, prior = _push_file(target, plan)
    return Pushed(destination, immutable, name, catalog.revision, catalog.digest, uploaded, prior)


@dataclass(frozen=True, slots=True)
class _Plan:
    """What one push writes, and the revision it must not go back from."""

    data: bytes
    sidecars: dict[str, bytes]
    name: str
    immutable: str
    revision: int
    allow_rollback: bool


def _retag(sidecars: dict[str, bytes], old: str, new: str) -> dict[str, bytes]:
    """The ``.sha256`` line names the file; rename it for the copy.  A signature needs nothing."""
    out = dict(sidecars)
    if ".sha256" in out:
        out[".sha256"] = out[".sha256"].replace(f"  {old}".encode(), f"  {new}".encode(), 1)
    return out


def _read_pointer(path: Path) -> bytes | None:
    """The bytes of the pointer already at ``path`` (None when there is none), read bounded and
    never from a FIFO or a device: a hostile destination must not hang or flood push."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ModelctlError(f"{path}: cannot read the pointer there: {exc.strerror or exc}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return b""  # a folder or a FIFO in its place: not an artifact (writing it will say why)
        with os.fdopen(os.dup(fd), "rb") as fh:
            return fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ModelctlError(f"{path}: cannot read the pointer there: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def _push_file(target: Path, plan: _Plan) -> tuple[tuple[str, ...], Prior]:
    uploaded: list[str] = []
    name, data = plan.name, plan.data
    try:
        # The pointer's folder stays locked from the check to the write: two pushes at once are
        # judged one after the other, so the older one sees the newer pointer and stops.
        with folder_lock(target):
            prior = judge_pointer(
                _read_pointer(target / name), plan.revision, str(target / name), allow_rollback=plan.allow_rollback
            )
            copy = target / plan.immutable
            with folder_lock(copy.parent):
                clean_temporaries(copy.parent, (copy.name, *(copy.name + s for s in SIDECARS)))
                if not (copy.is_file() and copy.read_bytes() == data):
                    uploaded.append(plan.immutable)
                for suffix, body in _retag(plan.sidecars, name, copy.name).items():
                    write_atomic(copy.with_name(copy.name + suffix), body)
                write_atomic(copy, data)  # the immutable copy's sidecars may come first: nothing points here yet
            clean_temporaries(target, (name, *(name + s for s in SIDECARS)))
            if write_with_sidecars(target / name, data, plan.sidecars):
                uploaded.append(name)
    except OSError as exc:
        # os.replace names the temporary first and the file it would replace second: name the file.
        where = exc.filename2 or exc.filename or target
        raise ModelctlError(f"{where}: cannot write: {exc.strerror or exc}") from None
    return tuple(uploaded), prior


def _s3_client(endpoint_url: str | None) -> Any:
    try:
        import boto3  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except ImportError:
        raise ModelctlError(S3_HINT) from None
    try:
        return boto3.client("s3", endpoint_url=endpoint_url)
    except ValueError as exc:  # botocore: "Invalid endpoint: notaurl"
        raise ModelctlError(f"--endpoint-url {endpoint_url}: not a URL boto3 can use ({exc})") from None


_ATTEMPTS = 5  # conditional pointer writes lost to other pushes before giving up


def _push_s3(bucket: str, prefix: str, plan: _Plan, endpoint_url: str | None) -> tuple[tuple[str, ...], Prior]:
    from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped, import-not-found, unused-ignore]

    client = _s3_client(endpoint_url)
    name = plan.name

    def key(rel: str) -> str:
        return f"{prefix}/{rel}" if prefix else rel

    def put(rel: str, body: bytes, suffix: str, cache: str, **condition: str) -> None:
        client.put_object(
            Bucket=bucket,
            Key=key(rel),
            Body=body,
            ContentType=CONTENT_TYPES[suffix],
            CacheControl=cache,
            **condition,
        )

    def code(exc: Exception) -> str:
        return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))

    uploaded: list[str] = []
    where = f"s3://{bucket}/{key(name)}"
    try:
        for _ in range(_ATTEMPTS):
            try:
                got = client.get_object(Bucket=bucket, Key=key(name))
                held, etag = got["Body"].read(MAX_BYTES + 1), got.get("ETag")
            except ClientError as exc:
                if code(exc) not in ("NoSuchKey", "404", "AccessDenied", "403"):
                    raise  # the store failed (500, SlowDown): cannot push
                if code(exc) in ("AccessDenied", "403"):
                    # A role allowed to put but not to get: pushed unjudged, as it says.
                    prior = Prior(unchecked=f"cannot read the pointer there ({code(exc) or exc})")
                    if not uploaded:
                        uploaded.extend(_put_immutable(client, key, bucket, plan, put))
                    put(name, plan.data, "", POINTER_CACHE)
                    break
                held, etag = None, None
            try:
                prior = judge_pointer(held, plan.revision, where, allow_rollback=plan.allow_rollback)
            except PushRefused as exc:
                if uploaded:  # judged again after another push: the copy is up, harmless
                    raise PushRefused(f"{exc} (the immutable {plan.immutable} is up: nothing points at it)") from None
                raise
            if not uploaded:
                uploaded.extend(_put_immutable(client, key, bucket, plan, put))
            try:  # replace only what was judged: another push may have written since
                put(name, plan.data, "", POINTER_CACHE, **({"IfMatch": etag} if etag else {"IfNoneMatch": "*"}))
            except ClientError as exc:
                if code(exc) == "PreconditionFailed":
                    continue  # judge the new pointer
                if code(exc) not in ("NotImplemented", "501"):
                    raise
                put(name, plan.data, "", POINTER_CACHE)  # a store without conditional writes
            break
        else:
            raise ModelctlError(
                f"{where}: the pointer changed {_ATTEMPTS} times while pushing (other pushes keep writing it); "
                "it does not point at this revision: push again"
            )
        # The pointer's sidecars: signature last would leave a window with the new artifact and
        # the old signature; removing it first would leave one with none.  A reader that fails to
        # verify fetches the signature once more (runtime), so the artifact goes first.
        for suffix in SIDECARS:
            if suffix in plan.sidecars:
                put(name + suffix, plan.sidecars[suffix], suffix, POINTER_CACHE)
            else:
                client.delete_object(Bucket=bucket, Key=key(name + suffix))
    except (BotoCoreError, ClientError, RecursionError) as exc:
        # botocore follows an S3 redirect (301, 307) again and again, with no limit, until Python's
        # recursion limit: raised as it is, or wrapped by the HTTP client (HTTPClientError(error=...)).
        if isinstance(exc, RecursionError) or isinstance(getattr(exc, "kwargs", {}).get("error"), RecursionError):
            raise _redirect_loop(bucket, prefix, endpoint_url) from None
        raise ModelctlError(f"s3://{bucket}/{prefix}: cannot push: {exc}") from None
    uploaded.append(name)
    return tuple(uploaded), prior


def _redirect_loop(bucket: str, prefix: str, endpoint_url: str | None) -> ModelctlError:
    shown = f" {endpoint_url}" if endpoint_url else ""
    return ModelctlError(f"s3://{bucket}/{prefix}: cannot push: the endpoint{shown} redirects in a loop")


def _put_immutable(client: Any, key: Any, bucket: str, plan: _Plan, put: Any) -> list[str]:
    """Upload the immutable copy and its sidecars unless the same bytes are there already.  Its name
    holds its digest, so an object of that name with other bytes (an upload cut short and retried, a
    corrupt copy) is not it, and is replaced: a rollback from it would be refused when most needed."""
    if _holds(client, bucket, key(plan.immutable), plan.data):
        return []
    for suffix, body in _retag(plan.sidecars, plan.name, Path(plan.immutable).name).items():
        put(plan.immutable + suffix, body, suffix, IMMUTABLE_CACHE)
    put(plan.immutable, plan.data, "", IMMUTABLE_CACHE)
    return [plan.immutable]


def _holds(client: Any, bucket: str, key: str, data: bytes) -> bool:
    """Whether the object ``key`` holds ``data``: by its ETag when that is the MD5 of a plain upload
    (AWS S3 without KMS, MinIO, moto), else by its bytes (multipart or encrypted objects' ETags are
    not an MD5; a copy of an artifact is a few MB)."""
    from botocore.exceptions import ClientError  # type: ignore[import-untyped, import-not-found, unused-ignore]

    try:
        head = client.head_object(Bucket=bucket, Key=key)
    except ClientError:  # absent, or no s3:GetObject: upload it
        return False
    if head.get("ContentLength") != len(data):
        return False
    if str(head.get("ETag", "")).strip('"') == hashlib.md5(data, usedforsecurity=False).hexdigest():
        return True
    try:
        body: bytes = client.get_object(Bucket=bucket, Key=key)["Body"].read(len(data) + 1)
    except ClientError:
        return False
    return body == data


def summary(pushed: Pushed) -> dict[str, Any]:
    return {
        "destination": pushed.destination,
        "immutable": pushed.immutable,
        "pointer": pushed.pointer,
        "revision": pushed.revision,
        "digest": pushed.digest,
        "uploaded": list(pushed.uploaded),
        "previous_revision": pushed.prior.revision,
        "replaced_unreadable": pushed.prior.unreadable,
        "unchecked": pushed.prior.unchecked,
    }
