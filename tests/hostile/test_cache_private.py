"""The compile cache holds whole artifacts, account contracts included: its
folder is 0700 and its entries 0600, whatever the umask; a folder of ours
that others can read is tightened; someone else's folder is never used."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import MakeCatalog
from modelctl.query import opening


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    old = os.umask(0)  # the worst case: everything created world-readable unless asked otherwise
    yield
    os.umask(old)


def test_new_folder_and_entries_are_private(
    make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, open_umask: None
) -> None:
    folder = tmp_path / "home" / ".cache" / "modelctl"
    monkeypatch.setenv("MODELCTL_CACHE_DIR", str(folder))
    opening.open_catalog(make_catalog())
    assert _mode(folder) == 0o700
    entries = list(folder.iterdir())
    assert entries and all(_mode(e) == 0o600 for e in entries)


def test_an_open_folder_of_ours_is_tightened(
    make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, open_umask: None
) -> None:
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o777)
    os.chmod(folder, 0o777)
    monkeypatch.setenv("MODELCTL_CACHE_DIR", str(folder))
    root = make_catalog()
    opening.open_catalog(root)
    assert _mode(folder) == 0o700
    assert [_mode(e) for e in folder.iterdir()] == [0o600]
    assert opening.open_catalog(root).catalog.price("acme/beta") is not None  # and still read back


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give a folder away")
def test_someone_elses_folder_is_never_used(
    make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "theirs"
    folder.mkdir()
    os.chmod(folder, 0o777)
    os.chown(folder, 65534, 65534)  # nobody
    monkeypatch.setenv("MODELCTL_CACHE_DIR", str(folder))
    root = make_catalog()
    assert opening.open_catalog(root).catalog.price("acme/beta") is not None
    assert list(folder.iterdir()) == []  # nothing written there
    assert _mode(folder) == 0o777  # and not touched


def test_a_file_where_the_folder_should_be(
    make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "cache").write_text("not a folder")
    monkeypatch.setenv("MODELCTL_CACHE_DIR", str(tmp_path / "cache"))
    assert opening.open_catalog(make_catalog()).catalog.price("acme/beta") is not None
    assert (tmp_path / "cache").read_text() == "not a folder"
