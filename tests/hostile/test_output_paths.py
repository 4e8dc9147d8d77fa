"""Where the commands that write files are pointed at: a folder in the way, a file where a folder
should be, a FIFO, a device, a symbolic link, a read-only folder. Always exit 4 naming the path
(never a temporary file's name), nothing left behind, and nothing replaced that is not a file."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MakeCatalog
from modelctl.cli import app

runner = CliRunner()
ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False
not_root = pytest.mark.skipif(ROOT, reason="root writes into read-only folders")


def _flat(text: str) -> str:
    """A usage error's box, as one line of words."""
    return " ".join(text.replace("│", " ").split())


@pytest.fixture
def artifact(make_catalog: MakeCatalog, tmp_path: Path) -> Path:
    root = make_catalog()
    assert runner.invoke(app, ["publish", str(root), "--out", str(tmp_path / "dist")]).exit_code == 0
    return tmp_path / "dist" / "catalog.json"


def _export(artifact: Path, out: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["export", str(artifact), "-f", "litellm", "--output", str(out)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stderr


def test_export_onto_a_folder_leaves_no_temporary(artifact: Path, tmp_path: Path) -> None:
    folder = tmp_path / "out" / "prices.json"
    folder.mkdir(parents=True)
    code, err = _export(artifact, folder)
    assert code == 4 and f"cannot write {folder}: it is a folder" in err
    assert os.listdir(tmp_path / "out") == ["prices.json"] and folder.is_dir()  # (a .prices.json.* was left)


def test_export_under_a_file_names_the_file(artifact: Path, tmp_path: Path) -> None:
    (tmp_path / "notes").write_text("x")
    code, err = _export(artifact, tmp_path / "notes" / "prices.json")
    assert code == 4 and f"{tmp_path / 'notes'} is a file, not a folder" in err  # (it said "File exists")


def test_export_under_a_link_to_nothing_names_the_link(artifact: Path, tmp_path: Path) -> None:
    """The same check as site --out and init (authoring.files.in_the_way); it said "File exists"."""
    (tmp_path / "out").symlink_to(tmp_path / "gone")
    code, err = _export(artifact, tmp_path / "out" / "prices.json")
    assert code == 4
    assert f"cannot write {tmp_path / 'out' / 'prices.json'}: {tmp_path / 'out'} is a symbolic link to nothing" in err
    assert not (tmp_path / "gone").exists()


def test_export_to_a_fifo_writes_through_it(artifact: Path, tmp_path: Path) -> None:
    # The FIFO was replaced by a regular file (a rename of the temporary onto it); /dev/stdout or
    # /dev/full, as root, likewise.
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code, err = _export(artifact, fifo)
    reader.join(timeout=10)
    assert code == 0, err
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert got and got[0].startswith(b"{") and b"acme/alpha" in got[0]


def test_export_through_a_symbolic_link_keeps_the_link(artifact: Path, tmp_path: Path) -> None:
    target, link = tmp_path / "target.json", tmp_path / "link.json"
    target.write_text("old\n")
    link.symlink_to(target)
    code, err = _export(artifact, link)
    assert code == 0, err
    assert link.is_symlink() and b"acme/alpha" in target.read_bytes()


def test_export_files_have_the_usual_mode(artifact: Path, tmp_path: Path) -> None:
    # A new file was 0600 (the temporary's mode), an existing one lost its mode.
    old = os.umask(0o022)
    try:
        new = tmp_path / "new.json"
        assert _export(artifact, new)[0] == 0
        assert stat.S_IMODE(new.stat().st_mode) == 0o644
        shared = tmp_path / "shared.json"
        shared.write_text("x")
        shared.chmod(0o664)
        assert _export(artifact, shared)[0] == 0
        assert stat.S_IMODE(shared.stat().st_mode) == 0o664
    finally:
        os.umask(old)


@pytest.mark.skipif(not Path("/dev/full").exists() or not ROOT, reason="needs /dev/full and root (to replace it)")
def test_export_to_dev_full_is_exit_4_and_leaves_the_device(artifact: Path) -> None:
    code, err = _export(artifact, Path("/dev/full"))
    assert code == 4 and "No space left on device" in err
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_publish_and_site_onto_a_folder_name_it(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    root = make_catalog()
    (tmp_path / "dist" / "catalog.json").mkdir(parents=True)
    result = runner.invoke(app, ["publish", str(root), "--out", str(tmp_path / "dist")])
    assert result.exit_code == 4
    assert f"{tmp_path / 'dist' / 'catalog.json'}: cannot write the artifact: a folder" in result.stderr
    assert ".tmp" not in result.stderr and os.listdir(tmp_path / "dist") == ["catalog.json"]
    (tmp_path / "site" / "index.html").mkdir(parents=True)
    result = runner.invoke(app, ["site", "--catalog", str(root), "--out", str(tmp_path / "site")])
    assert result.exit_code == 4 and f"cannot write {tmp_path / 'site' / 'index.html'}: a folder" in result.stderr
    assert os.listdir(tmp_path / "site") == ["index.html"]


@not_root
def test_export_and_site_into_a_read_only_folder(artifact: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        code, err = _export(artifact, locked / "prices.json")
        assert code == 4 and f"cannot write {locked / 'prices.json'}" in err
        result = runner.invoke(app, ["site", str(artifact), "--out", str(locked)])
        assert result.exit_code == 4 and str(locked) in result.stderr
        assert os.listdir(locked) == []
    finally:
        locked.chmod(0o755)


def test_errors_out_naming_the_usage_file_is_refused_before_it_is_emptied(
    make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It emptied the usage file before reading it, then said "0 rows: 0 priced", exit 0.
    root = make_catalog()
    monkeypatch.chdir(tmp_path)
    usage = tmp_path / "usage.csv"
    usage.write_text("timestamp,model,input_tokens\n2026-11-20,acme/alpha,10\n2026-11-20,acme/nope,10\n")
    (tmp_path / "link.csv").symlink_to(usage)
    before = usage.read_bytes()
    for spelled in ("usage.csv", "./usage.csv", str(usage), "link.csv"):
        for extra in ([], ["--engine", "duckdb"]):
            result = runner.invoke(
                app, ["reprice", "usage.csv", "--catalog", str(root), "--errors-out", spelled, *extra]
            )
            assert result.exit_code == 2, (spelled, result.output)
            assert "is the usage file itself" in _flat(result.stderr)
            assert usage.read_bytes() == before
    result = runner.invoke(app, ["reprice", "usage.csv", "--catalog", str(root), "--errors-out", "errors.csv"])
    assert result.exit_code == 1 and (tmp_path / "errors.csv").read_text().count("\n") == 2


def test_export_onto_its_own_artifact_is_refused(artifact: Path) -> None:
    before = artifact.read_bytes()
    result = runner.invoke(app, ["export", str(artifact), "-f", "litellm", "--output", str(artifact)])
    assert result.exit_code == 2 and "is the artifact itself" in _flat(result.stderr)
    assert artifact.read_bytes() == before
