"""Ed25519 keys and signatures in minisign's format (``cryptography``, the ``sign`` extra).

A public key is ``base64("Ed" + key id (8 bytes) + Ed25519 public key (32))`` under an untrusted
comment line; the secret key is minisign's unencrypted secret key (``minisign -G -W``'s format:
``"Ed" + kdf "\\0\\0" + checksum "B2" + zero KDF parameters + key id + seed||public key + a
BLAKE2b-256 checksum``).  A signature is minisign's prehashed ``ED`` form over the BLAKE2b-512 of
the file, plus a global signature over the signature and the trusted comment, which names the
file, the artifact's revision and digest.  ``minisign -V -m catalog.json -p modelctl.pub`` checks it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modelctl.errors import ModelctlError

INSTALL_HINT = "signing needs the `cryptography` package: pip install 'modelctl[sign]'"
SECRET_NAME, PUBLIC_NAME = "modelctl.key", "modelctl.pub"
_KDF_NONE = b"\0\0"


def _ed25519() -> Any:
    try:
        from cryptography.hazmat.primitives.asymmetric import ed25519
    except ImportError:
        raise ModelctlError(INSTALL_HINT) from None
    return ed25519


@dataclass(frozen=True, slots=True)
class SecretKey:
    key_id: bytes  # 8 bytes
    seed: bytes  # 32 bytes
    public: bytes  # 32 bytes

    def sign(self, message: bytes) -> bytes:
        return bytes(_ed25519().Ed25519PrivateKey.from_private_bytes(self.seed).sign(message))


def _checksum(key_id: bytes, seed: bytes, public: bytes) -> bytes:
    return hashlib.blake2b(b"Ed" + key_id + seed + public, digest_size=32).digest()


def _key_id_text(key_id: bytes) -> str:
    return f"{int.from_bytes(key_id, 'little'):016X}"


def generate() -> tuple[bytes, bytes]:
    """A new key pair: (secret key file bytes, public key file bytes)."""
    from cryptography.hazmat.primitives import serialization

    raw = serialization.Encoding.Raw
    private = _ed25519().Ed25519PrivateKey.generate()
    seed = private.private_bytes(raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    public = private.public_key().public_bytes(raw, serialization.PublicFormat.Raw)
    key_id = secrets.token_bytes(8)
    body = b"Ed" + _KDF_NONE + b"B2" + bytes(32) + bytes(16) + key_id + seed + public
    body += _checksum(key_id, seed, public)
    ident = _key_id_text(key_id)
    secret_file = f"untrusted comment: modelctl secret key {ident} (unencrypted)\n".encode()
    secret_file += base64.b64encode(body) + b"\n"
    public_file = f"untrusted comment: minisign public key {ident}\n".encode()
    public_file += base64.b64encode(b"Ed" + key_id + public) + b"\n"
    return secret_file, public_file


def _last_line(text: str, what: str) -> bytes:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        raise ModelctlError(f"{what} is empty")
    try:
        return base64.b64decode(lines[-1], validate=True)
    except (binascii.Error, ValueError):
        raise ModelctlError(f"{what}: not a minisign key (its last line is not base64)") from None


def parse_secret_key(text: str, what: str) -> SecretKey:
    body = _last_line(text, what)
    if len(body) != 158 or body[:2] != b"Ed" or body[4:6] != b"B2":
        raise ModelctlError(f"{what}: not a minisign Ed25519 secret key")
    if body[2:4] != _KDF_NONE:
        raise ModelctlError(f"{what}: the key is password-protected; `modelctl keygen` writes one publish can use")
    key_id, seed, public, check = body[54:62], body[62:94], body[94:126], body[126:158]
    if _checksum(key_id, seed, public) != check:
        raise ModelctlError(f"{what}: the secret key's checksum does not match (damaged key file)")
    return SecretKey(key_id, seed, public)


def load_secret_key(spec: str | os.PathLike[str], *, from_env: bool = False) -> SecretKey:
    """A secret key from a file, or (``$MODELCTL_SIGNING_KEY``) the key file's text itself."""
    text = os.fspath(spec)
    if from_env and "\n" in text.strip():
        return parse_secret_key(text, "$MODELCTL_SIGNING_KEY")
    path = Path(text)
    try:
        return parse_secret_key(path.read_text(encoding="ascii"), str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelctlError(f"{path}: cannot read the signing key ({getattr(exc, 'strerror', None) or exc})") from None


def signature(key: SecretKey, data: bytes, trusted_comment: str) -> bytes:
    """The ``.minisig`` file for ``data``."""
    if "\n" in trusted_comment or "\r" in trusted_comment:
        raise ValueError("a trusted comment is one line")
    sig = key.sign(hashlib.blake2b(data, digest_size=64).digest())
    comment = trusted_comment.encode("utf-8")
    global_sig = key.sign(sig + comment)
    return (
        f"untrusted comment: signature from modelctl secret key {_key_id_text(key.key_id)}\n".encode()
        + base64.b64encode(b"ED" + key.key_id + sig)
        + b"\ntrusted comment: "
        + comment
        + b"\n"
        + base64.b64encode(global_sig)
        + b"\n"
    )


def write_key_pair(folder: Path) -> tuple[Path, Path]:
    """``keygen``: write a new pair into ``folder``; never overwrites a key."""
    secret, public = generate()
    secret_path, public_path = folder / SECRET_NAME, folder / PUBLIC_NAME
    if (folder.exists() or folder.is_symlink()) and not folder.is_dir():
        what = "a symbolic link to nothing" if folder.is_symlink() and not folder.exists() else "a file"
        raise ModelctlError(f"{folder}: is {what}, not a folder: --out names the folder to write the key pair in")
    created: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for path in (secret_path, public_path):
            if path.exists() or path.is_symlink():
                raise ModelctlError(f"{path}: already exists; not overwriting a key (move it away first)")
        _write_new(secret_path, secret, 0o600, created)
        _write_new(public_path, public, 0o666, created)  # the umask applies, as to any file
    except OSError as exc:
        # A secret key cut short, or one without its public key, would be refused by the next
        # keygen ("already exists") or fail publish --sign: remove what this run created.
        for path in created:
            path.unlink(missing_ok=True)
        where = exc.filename or (created[-1] if created else folder)
        raise ModelctlError(f"{where}: cannot write the key pair: {exc.strerror or exc}; nothing was kept") from None
    return secret_path, public_path


def _write_new(path: Path, data: bytes, mode: int, created: list[Path]) -> None:
    """Create ``path`` (never an existing file, never through a link) holding ``data``."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), mode)
    created.append(path)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)
