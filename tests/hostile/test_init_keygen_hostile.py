"""init and keygen where the files or folders they write are in the way: a file where a folder
goes, a folder where a file goes, a link to nothing, keys already there.  Each is an error
naming the path, with its documented exit code, and nothing is written (init used to write the
catalog/ files and then fail on schema/, with an "[Errno 20]" message)."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from modelctl.artifact import signing
from modelctl.cli import app

runner = CliRunner()


def tree(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root``: a file's bytes, None for a folder or a link."""
    return {
        str(p.relative_to(root)): (p.read_bytes() if p.is_file() and not p.is_symlink() else None)
        for p in sorted(root.rglob("*"))
    }


@pytest.mark.parametrize("force", [False, True])
def test_init_with_a_file_where_a_folder_goes_writes_nothing(tmp_path: Path, force: bool) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "schema").write_text("not a folder\n")
    before = tree(tmp_path)
    result = runner.invoke(app, ["init", str(repo), *(["--force"] if force else [])])
    assert result.exit_code == 4
    assert f"{repo / 'schema'}: is a file, not a folder (it would hold account.schema.json); nothing written" in (
        result.stderr
    )
    assert "Errno" not in result.stderr
    assert tree(tmp_path) == before  # catalog/, written first, is not there either


def test_init_force_with_a_folder_where_a_file_goes_writes_nothing(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "README.md").mkdir(parents=True)
    (repo / "README.md" / "keep.txt").write_text("mine\n")
    before = tree(tmp_path)
    result = runner.invoke(app, ["init", str(repo), "--force"])
    assert result.exit_code == 4
    assert f"{repo / 'README.md'}: is a folder, not a file; nothing written" in result.stderr
    assert tree(tmp_path) == before


def test_init_under_a_file_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x\n")
    result = runner.invoke(app, ["init", str(tmp_path / "afile" / "sub" / "repo")])
    assert result.exit_code == 4
    assert f"{tmp_path / 'afile'}: is a file, not a folder; nothing written" in result.stderr
    assert (tmp_path / "afile").read_text() == "x\n"


def test_init_into_a_link_to_nothing_names_it(tmp_path: Path) -> None:
    link = tmp_path / "repo"
    link.symlink_to(tmp_path / "gone")
    result = runner.invoke(app, ["init", str(link)])
    assert result.exit_code == 4
    assert f"{link}: is a symbolic link to nothing ({tmp_path / 'gone'}); nothing written" in result.stderr
    assert not (tmp_path / "gone").exists()


@pytest.mark.parametrize("command", [["init"], ["schema", "--out"]])
def test_init_into_a_file_is_exit_4_as_under_a_file(tmp_path: Path, command: list[str]) -> None:
    """`init FILE` was exit 2 ("is not a directory") where `init FILE/sub` is exit 4: the same file in
    the way, two codes. Both are exit 4, a file where a folder goes, with the same words (docs/cli.md)."""
    (tmp_path / "afile").write_text("x\n")
    before = tree(tmp_path)
    for where in (tmp_path / "afile", tmp_path / "afile" / "sub"):
        result = runner.invoke(app, [*command, str(where)])
        assert result.exit_code == 4, (where, result.output)
        assert f"{tmp_path / 'afile'}: is a file, not a folder; nothing written" in result.stderr
        assert tree(tmp_path) == before


def test_init_under_a_link_to_nothing_names_it(tmp_path: Path) -> None:
    """A link to nothing above DIR was "link: cannot write: File exists"; one inside DIR where a folder
    goes was named "is a file". The same words as for DIR itself, as site --out and export say it."""
    (tmp_path / "link").symlink_to(tmp_path / "gone")
    result = runner.invoke(app, ["init", str(tmp_path / "link" / "sub" / "repo")])
    assert result.exit_code == 4
    assert f"{tmp_path / 'link'}: is a symbolic link to nothing ({tmp_path / 'gone'}); nothing written" in result.stderr
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "schema").symlink_to(tmp_path / "nowhere")
    before = tree(tmp_path)
    result = runner.invoke(app, ["init", str(repo)])
    assert result.exit_code == 4
    assert (
        f"{repo / 'schema'}: is a symbolic link to nothing ({tmp_path / 'nowhere'}) (it would hold "
        "account.schema.json); nothing written"
    ) in result.stderr
    assert tree(tmp_path) == before and not (tmp_path / "gone").exists() and not (tmp_path / "nowhere").exists()


def test_init_into_a_folder_with_other_files_keeps_them(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n")
    (tmp_path / "catalog" / "models").mkdir(parents=True)
    result = runner.invoke(app, ["init", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "notes.txt").read_text() == "mine\n"
    assert (tmp_path / "catalog" / "catalog.yaml").is_file()


def test_init_into_an_existing_catalog_changes_nothing(tmp_path: Path) -> None:
    assert runner.invoke(app, ["init", str(tmp_path)]).exit_code == 0
    (tmp_path / "catalog" / "catalog.yaml").write_text((tmp_path / "catalog" / "catalog.yaml").read_text() + "# mine\n")
    before = tree(tmp_path)
    result = runner.invoke(app, ["init", str(tmp_path)])
    assert result.exit_code == 1
    assert "19 files exist already: nothing written (pass --force to overwrite)" in result.stderr
    assert f"  {tmp_path / 'catalog' / 'catalog.yaml'}\n" in result.stderr
    assert tree(tmp_path) == before


def test_schema_out_a_file_is_exit_4_naming_it(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x\n")
    result = runner.invoke(app, ["schema", "--out", str(tmp_path / "afile" / "schema")])
    assert result.exit_code == 4
    assert f"{tmp_path / 'afile'}: is a file, not a folder; nothing written" in result.stderr


# --- keygen ----------------------------------------------------------------------------------------


def test_keygen_never_overwrites_either_key(tmp_path: Path) -> None:
    assert runner.invoke(app, ["keygen", "--out", str(tmp_path)]).exit_code == 0
    keys = tree(tmp_path)
    again = runner.invoke(app, ["keygen", "--out", str(tmp_path)])
    assert again.exit_code == 4 and "modelctl.key: already exists; not overwriting a key" in again.stderr
    (tmp_path / "modelctl.key").unlink()
    only_public = runner.invoke(app, ["keygen", "--out", str(tmp_path)])
    assert only_public.exit_code == 4 and "modelctl.pub: already exists" in only_public.stderr
    assert not (tmp_path / "modelctl.key").exists()  # the secret key is not written beside a stale pub
    assert tree(tmp_path) == {"modelctl.pub": keys["modelctl.pub"]}


def test_keygen_does_not_follow_a_link_where_the_key_goes(tmp_path: Path) -> None:
    (tmp_path / "modelctl.key").symlink_to(tmp_path / "elsewhere")
    result = runner.invoke(app, ["keygen", "--out", str(tmp_path)])
    assert result.exit_code == 4 and "already exists" in result.stderr
    assert not (tmp_path / "elsewhere").exists()


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
def test_keygen_secret_key_is_0600_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        result = runner.invoke(app, ["keygen", "--out", str(tmp_path / "keys")])
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE((tmp_path / "keys" / "modelctl.key").stat().st_mode) == 0o600


@pytest.mark.parametrize("kind", ["file", "link"])
def test_keygen_out_that_is_not_a_folder_names_it(tmp_path: Path, kind: str) -> None:
    out = tmp_path / "out"
    if kind == "file":
        out.write_text("x\n")
    else:
        out.symlink_to(tmp_path / "gone")
    result = runner.invoke(app, ["keygen", "--out", str(out)])
    assert result.exit_code == 4
    what = "a file" if kind == "file" else "a symbolic link to nothing"
    assert f"{out}: is {what}, not a folder" in result.stderr
    assert "File exists" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_keygen_into_a_read_only_folder_is_exit_4(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        result = runner.invoke(app, ["keygen", "--out", str(folder)])
    finally:
        folder.chmod(0o755)
    assert result.exit_code == 4 and "cannot write the key pair" in result.stderr
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(("failing", "named"), [(1, "modelctl.key"), (2, "modelctl.pub")])
def test_keygen_that_cannot_finish_keeps_no_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: int, named: str
) -> None:
    # A full disk while writing the secret key left a cut-short modelctl.key; while writing the public
    # key, a secret key without it. Either way the next keygen refused ("already exists").
    real = os.write
    calls: list[int] = []

    def full_disk(fd: int, data: bytes) -> int:
        calls.append(fd)
        if len(calls) == failing:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, data)

    monkeypatch.setattr(signing.os, "write", full_disk)
    result = runner.invoke(app, ["keygen", "--out", str(tmp_path)])
    monkeypatch.undo()
    assert result.exit_code == 4
    assert f"{tmp_path / named}: cannot write the key pair: No space left on device; nothing was kept" in result.stderr
    assert list(tmp_path.iterdir()) == []
    assert runner.invoke(app, ["keygen", "--out", str(tmp_path)]).exit_code == 0  # and it can be run again
