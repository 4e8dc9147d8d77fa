"""Verifying a minisign signature (``catalog.json.minisig``) with an Ed25519 public key.

``cryptography`` is imported only here, and only when a public key is configured; without it the
holder refuses to start with a clear install hint rather than silently skipping verification.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os

from modelctl.runtime._errors import CatalogError, SignatureError

INSTALL_HINT = (
    "verifying signatures needs the `cryptography` package: pip install 'modelctl[sign]' (or pip install cryptography)"
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _ed25519() -> Any:
    try:
        from cryptography.hazmat.primitives.asymmetric import ed25519
    except ImportError:
        raise CatalogError(INSTALL_HINT) from None
    return ed25519


def _b64(line: str, what: str) -> bytes:
    try:
        return base64.b64decode(line.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError(f"{what} is not base64") from None


class PublicKey:
    """A minisign public key: the ``.pub`` file's text, its base64 line, or a path to it."""

    def __init__(self, spec: str | bytes | os.PathLike[str]) -> None:
        path: str | None = None  # the file the key was read from
        if isinstance(spec, bytes):
            text = spec.decode("ascii", "replace")
        elif isinstance(spec, os.PathLike) or (isinstance(spec, str) and "\n" not in spec and os.path.isfile(spec)):
            path = os.fspath(spec)
            try:
                with open(spec, encoding="ascii") as fh:
                    text = fh.read()
            except (OSError, UnicodeDecodeError, ValueError) as exc:  # ValueError: a NUL in the path
                raise CatalogError(f"cannot read the public key {path!r}: {exc}") from None
        elif isinstance(spec, str):
            text = spec
        else:
            raise TypeError(f"public_key must be a path, the .pub file's text or bytes, not {type(spec).__name__}")
        what = "the public key" if path is None else f"the public key {path!r}"
        lines = [line for line in text.strip().splitlines() if line.strip()]
        try:
            raw = _b64(lines[-1] if lines else "", what)
        except SignatureError:
            if (
                path is None
                and isinstance(spec, str)
                and len(lines) == 1
                and ("/" in spec or os.sep in spec or spec.endswith(".pub"))
            ):
                # one line, not base64: a path (a typo, a file not yet deployed, a folder), not a key
                why = "not a file" if os.path.exists(spec) else "no such file"
                raise CatalogError(
                    f"cannot read the public key {spec!r}: {why} (nor is it a key's base64 line)"
                ) from None
            raise
        if len(raw) != 42 or raw[:2] != b"Ed":
            raise CatalogError(f"{what} is not a minisign Ed25519 public key (`modelctl keygen` writes one)")
        self.key_id = raw[2:10]
        self._key = _ed25519().Ed25519PublicKey.from_public_bytes(raw[10:])

    def verify(self, data: bytes, minisig: bytes) -> str:
        """Raise ``SignatureError`` unless ``minisig`` is this key's valid signature of ``data``;
        return the trusted comment."""
        from cryptography.exceptions import InvalidSignature

        sig, comment, global_sig = parse_signature(minisig)
        if sig[2:10] != self.key_id:
            raise SignatureError("the artifact was signed with another key than the configured public key")
        message = hashlib.blake2b(data, digest_size=64).digest() if sig[:2] == b"ED" else data
        try:
            self._key.verify(sig[10:], message)
            self._key.verify(global_sig, sig[10:] + comment)
        except InvalidSignature:
            raise SignatureError("the signature does not match the artifact (tampered or replaced?)") from None
        return comment.decode("utf-8")


def parse_signature(minisig: bytes) -> tuple[bytes, bytes, bytes]:
    """``(signature, trusted comment, global signature)`` of a ``.minisig`` file's bytes, checked
    for minisign's format only (no key needed, nothing verified), or ``SignatureError``."""
    try:
        lines = minisig.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise SignatureError("the signature file is not text") from None
    if len(lines) < 4 or not lines[2].startswith("trusted comment: "):
        raise SignatureError("the signature file is not in minisign's format")
    sig = _b64(lines[1], "the signature")
    if len(sig) != 74 or sig[:2] not in (b"ED", b"Ed"):
        raise SignatureError("the signature is not a minisign Ed25519 signature")
    comment = lines[2][len("trusted comment: ") :].encode("utf-8")
    return sig, comment, _b64(lines[3], "the global signature")
