"""CatalogHolder on a local file: the existing API, a bad file reported once (its stamp is
updated on failure), signatures beside the file, and the install hint without cryptography."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from distribution_origin import Keys, artifact, make_keys, signed

from modelctl.runtime import ArtifactError, CatalogError, CatalogHolder, SignatureError

SRC = str(Path(__file__).resolve().parents[2] / "src")


@pytest.fixture
def keys(tmp_path: Path) -> Keys:
    return make_keys(tmp_path)


def test_a_bad_file_is_reported_once_not_on_every_check(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    path.write_bytes(artifact("mini", 100, tmp_path))
    errors: list[CatalogError] = []
    holder = CatalogHolder(path, on_error=errors.append)
    path.write_bytes(b'{"format_version": "1.1", "content": ')  # a broken deploy
    for _ in range(5):
        assert holder.reload_if_changed() is False
    assert len(errors) == 1 and isinstance(holder.last_error, ArtifactError)
    assert holder.status()["origin"] == "file" and holder.catalog.revision == 100
    path.write_bytes(b"{}")  # another bad file: reported again
    assert holder.reload_if_changed() is False and len(errors) == 2
    path.write_bytes(artifact("mini2", 101, tmp_path))
    assert holder.reload_if_changed() is True and holder.last_error is None and holder.catalog.revision == 101


def test_a_signed_file(tmp_path: Path, keys: Keys) -> None:
    path = tmp_path / "catalog.json"
    data = artifact("mini", 100, tmp_path)
    path.write_bytes(data)
    with pytest.raises(SignatureError, match="unsigned"):
        CatalogHolder(path, public_key=keys.public_path)
    Path(str(path) + ".minisig").write_bytes(signed(data, keys))
    holder = CatalogHolder(path, public_key=keys.public_text)
    assert holder.catalog.revision == 100
    other = artifact("mini2", 101, tmp_path)
    path.write_bytes(other)  # new artifact, old signature
    assert holder.reload() is False and isinstance(holder.last_error, SignatureError)
    Path(str(path) + ".minisig").write_bytes(signed(other, keys))
    assert holder.reload() is True and holder.catalog.revision == 101


def test_a_bad_public_key_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    path.write_bytes(artifact("mini", 100, tmp_path))
    with pytest.raises(CatalogError, match="not base64|minisign"):
        CatalogHolder(path, public_key="not a key")


def test_without_cryptography_a_public_key_gives_an_install_hint(tmp_path: Path, keys: Keys) -> None:
    path = tmp_path / "catalog.json"
    path.write_bytes(artifact("mini", 100, tmp_path))
    code = textwrap.dedent(
        """
        import sys
        sys.modules["cryptography"] = None  # not installed
        from modelctl.runtime import CatalogError, CatalogHolder
        CatalogHolder(sys.argv[1])  # no key: no cryptography needed
        try:
            CatalogHolder(sys.argv[1], public_key=sys.argv[2])
        except CatalogError as exc:
            print(exc)
        """
    )
    env = {**os.environ, "PYTHONPATH": SRC}
    run = subprocess.run(
        [sys.executable, "-c", code, str(path), str(keys.public_path)], env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert "pip install 'modelctl[sign]'" in run.stdout


def test_a_holder_without_refresh_loads_no_thread_and_close_is_safe(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    path.write_bytes(artifact("mini", 100, tmp_path))
    holder = CatalogHolder(path)
    assert holder._thread is None
    holder.close()
    holder.close()
    with CatalogHolder(path, refresh=0.05) as refreshing:
        assert refreshing._thread is not None and refreshing._thread.is_alive()
    assert not refreshing._thread.is_alive()


def test_a_signature_written_after_its_artifact_is_picked_up_by_the_next_check(tmp_path: Path, keys: Keys) -> None:
    """``publish`` removes the ``.minisig``, replaces the artifact, then writes the new ``.minisig``:
    a check in between refuses the artifact as unsigned (shown in ``status()``, not yet sent to
    ``on_error``: no false alarm), and the next cheap check, once the signature is there, serves it
    (the artifact's stamp alone had not changed: refused for ever)."""
    path, sig = tmp_path / "catalog.json", tmp_path / "catalog.json.minisig"
    old, new = artifact("mini", 100, tmp_path), artifact("mini2", 101, tmp_path)
    path.write_bytes(old)
    sig.write_bytes(signed(old, keys))
    errors: list[CatalogError] = []
    holder = CatalogHolder(path, public_key=keys.public_path, on_error=errors.append)
    sig.unlink()
    path.write_bytes(new)
    assert holder.reload_if_changed() is False and "unsigned" in str(holder.last_error)
    sig.write_bytes(signed(new, keys))
    assert holder.reload_if_changed() is True
    assert holder.catalog.revision == 101 and holder.last_error is None and errors == []
    assert holder.reload_if_changed() is False  # and then unchanged again: no reload


def test_a_file_larger_than_an_artifact_can_be_is_refused_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from modelctl.runtime import _holder

    path = tmp_path / "catalog.json"
    data = artifact("mini", 100, tmp_path)
    path.write_bytes(data)
    monkeypatch.setattr(_holder, "MAX_BYTES", len(data) - 1)  # read at most the limit and a byte, then refused
    with pytest.raises(ArtifactError, match=f"{path}.*larger than the limit of {len(data) - 1} bytes"):
        CatalogHolder(path)
    monkeypatch.setattr(_holder, "MAX_BYTES", len(data))
    assert CatalogHolder(path).catalog.revision == 100


def test_a_file_left_unsigned_is_reported_at_the_second_check(tmp_path: Path, keys: Keys) -> None:
    path, sig = tmp_path / "catalog.json", tmp_path / "catalog.json.minisig"
    old = artifact("mini", 100, tmp_path)
    path.write_bytes(old)
    sig.write_bytes(signed(old, keys))
    errors: list[CatalogError] = []
    holder = CatalogHolder(path, public_key=keys.public_path, on_error=errors.append)
    sig.unlink()
    path.write_bytes(artifact("mini2", 101, tmp_path))
    assert holder.reload_if_changed() is False and errors == []
    for _ in range(3):
        assert holder.reload_if_changed() is False
    assert len(errors) == 1 and isinstance(errors[0], SignatureError) and "unsigned" in str(errors[0])
    assert holder.catalog.revision == 100
