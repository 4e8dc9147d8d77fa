"""keygen and publish --sign: minisign's format, checked by Debian's minisign itself."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MakeCatalog
from modelctl.artifact import signing
from modelctl.errors import ModelctlError

SRC = str(Path(__file__).resolve().parents[2] / "src")
MINISIGN = shutil.which("minisign")
needs_minisign = pytest.mark.skipif(MINISIGN is None, reason="Debian's minisign is not installed (.ci/run installs it)")


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PYTHONPATH": SRC}
    full.pop("MODELCTL_SIGNING_KEY", None)
    full.update(env or {})
    return subprocess.run([sys.executable, "-m", "modelctl", *args], env=full, capture_output=True, text=True)


def test_keygen_writes_a_private_secret_key_and_never_overwrites(tmp_path: Path) -> None:
    run = _cli("keygen", "--out", str(tmp_path / "keys"))
    assert run.returncode == 0, run.stderr
    secret, public = tmp_path / "keys" / "modelctl.key", tmp_path / "keys" / "modelctl.pub"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert public.read_text().startswith("untrusted comment: minisign public key ")
    before = secret.read_bytes()
    again = _cli("keygen", "--out", str(tmp_path / "keys"))
    assert again.returncode == 4 and "already exists" in again.stderr and "Traceback" not in again.stderr
    assert secret.read_bytes() == before


@needs_minisign
def test_minisign_verifies_a_signed_publish(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    assert _cli("keygen", "--out", str(tmp_path / "keys")).returncode == 0
    out = tmp_path / "dist"
    run = _cli("publish", str(make_catalog()), "--out", str(out), "--sign", str(tmp_path / "keys" / "modelctl.key"))
    assert run.returncode == 0, run.stderr
    check = subprocess.run(
        [MINISIGN or "minisign", "-V", "-m", "catalog.json", "-p", str(tmp_path / "keys" / "modelctl.pub")],
        cwd=out,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    assert "revision:" in check.stdout and "digest:sha256:" in check.stdout
    # One changed byte and minisign refuses it.
    data = (out / "catalog.json").read_bytes()
    (out / "catalog.json").write_bytes(data.replace(b'"2.00"', b'"0.20"', 1))
    bad = subprocess.run(
        [MINISIGN or "minisign", "-V", "-m", "catalog.json", "-p", str(tmp_path / "keys" / "modelctl.pub")],
        cwd=out,
        capture_output=True,
    )
    assert bad.returncode != 0


@needs_minisign
def test_the_secret_key_is_minisigns_own_format(tmp_path: Path) -> None:
    """minisign signs with a key keygen wrote (so the format is minisign's, not merely close)."""
    secret, public = signing.write_key_pair(tmp_path)
    (tmp_path / "m.txt").write_text("hello\n")
    signed = subprocess.run(
        [MINISIGN or "minisign", "-S", "-s", str(secret), "-m", str(tmp_path / "m.txt")],
        stdin=subprocess.DEVNULL,
        capture_output=True,
    )
    assert signed.returncode == 0, signed.stderr
    verified = subprocess.run(
        [MINISIGN or "minisign", "-V", "-m", str(tmp_path / "m.txt"), "-p", str(public)], capture_output=True
    )
    assert verified.returncode == 0


def test_signing_key_from_the_environment(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    secret, _ = signing.write_key_pair(tmp_path / "keys")
    out = tmp_path / "dist"
    run = _cli("publish", str(make_catalog()), "--out", str(out), env={"MODELCTL_SIGNING_KEY": secret.read_text()})
    assert run.returncode == 0, run.stderr
    assert (out / "catalog.json.minisig").read_text().count("\n") == 4
    run = _cli("publish", str(make_catalog()), "--out", str(out), env={"MODELCTL_SIGNING_KEY": str(secret)})
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "empty"),
        ("untrusted comment: x\nnot base64!!\n", "not base64"),
        ("untrusted comment: x\nRWQAAA==\n", "not a minisign Ed25519 secret key"),
    ],
)
def test_a_bad_key_is_a_clear_error(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "k.key"
    path.write_text(text)
    with pytest.raises(ModelctlError, match=words):
        signing.load_secret_key(path)


def test_a_damaged_key_fails_its_checksum(tmp_path: Path) -> None:
    import base64

    secret, _ = signing.write_key_pair(tmp_path)
    comment, body = secret.read_text().splitlines()
    raw = bytearray(base64.b64decode(body))
    raw[70] ^= 1
    secret.write_text(f"{comment}\n{base64.b64encode(bytes(raw)).decode()}\n")
    with pytest.raises(ModelctlError, match="checksum"):
        signing.load_secret_key(secret)


def test_publish_with_a_missing_key_exits_4(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    run = _cli("publish", str(make_catalog()), "--out", str(tmp_path / "d"), "--sign", str(tmp_path / "none.key"))
    assert run.returncode == 4 and "none.key" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "d").exists()
