"""diff on hostile repositories: file names with newlines, blobs over the
1 MiB limit, submodules and symbolic links, on real git repositories."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gitutil import commit_all, git, make_repo
from modelctl.cli import app
from modelctl.review.git import GitRepo

runner = CliRunner()
ACME = "catalog/models/acme"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_repo(tmp_path / "repo")
    monkeypatch.chdir(root)
    return root


def _diff(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["diff", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_a_file_name_with_a_newline_blames_only_itself(repo: Path) -> None:
    beta = (repo / ACME / "beta.yaml").read_text()
    # Sorted first, so that a shifted reply would blame every file after it.
    (repo / ACME / "a\nalpha.yaml").write_text(beta.replace("id: beta", "id: gamma"))
    (repo / ACME / "zz.yaml").write_text(beta.replace("id: beta", "id: zz"))
    commit_all(repo, "newline")
    code, out, err = _diff("main", "feature", "--format", "json")
    assert code == 4 and out == ""
    blamed = [line for line in err.splitlines() if "error" in line and "MC" in line]
    assert blamed and all("a\\x0aalpha.yaml" in line for line in blamed), err
    assert any("id 'gamma' differs" in line for line in blamed), err  # its own content was read


def test_newline_names_read_through_cat_file(repo: Path) -> None:
    (repo / "x\ny.txt").write_text("first")
    (repo / "y.txt").write_text("second")
    commit_all(repo, "names")
    got = GitRepo(repo).read(["HEAD:x\ny.txt", "HEAD:y.txt", "HEAD:nope\nmore", "HEAD:x"])
    assert got == {"HEAD:x\ny.txt": b"first", "HEAD:y.txt": b"second", "HEAD:nope\nmore": None, "HEAD:x": None}


def test_a_blob_over_1_mib_is_never_read(repo: Path) -> None:
    big = repo / ACME / "big.yaml"
    big.write_text("id: big\n# " + "x" * (3 * 1024 * 1024) + "\n")
    commit_all(repo, "big")
    g = GitRepo(repo)
    assert g.read(["HEAD:catalog/models/acme/big.yaml"]) == {"HEAD:catalog/models/acme/big.yaml": big.stat().st_size}
    code, out, err = _diff("main", "feature")
    assert code == 4 and out == ""
    assert "big.yaml:1:1: error MC008" in err and "over the 1 MiB limit" in err


def test_an_18_mb_blob_costs_nothing(repo: Path, tmp_path: Path) -> None:
    big = repo / ACME / "huge.yaml"
    with big.open("wb") as fh:
        fh.write(b"id: huge\n" + os.urandom(18 * 1024 * 1024))  # incompressible: git keeps it as is
    commit_all(repo, "huge")
    sizes = GitRepo(repo).read(["HEAD:catalog/models/acme/huge.yaml"])
    assert sizes == {"HEAD:catalog/models/acme/huge.yaml": big.stat().st_size}
    code, _, err = _diff("main", "feature")
    assert code == 4 and "huge.yaml:1:1: error MC008" in err


def _add_submodule_entry(repo: Path, path: str) -> None:
    head = git(repo, "rev-parse", "HEAD")
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{head},{path}")
    git(repo, "commit", "-qm", "submodule")


def test_a_submodule_named_like_a_model_file_is_a_warning(repo: Path) -> None:
    _add_submodule_entry(repo, f"{ACME}/sub.yaml")
    code, out, err = _diff("main", "feature", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["changes"] == []
    # The whole catalog at that revision too (history, diff of a revision with a directory).
    code, out, err = _diff("feature", str(repo / "catalog"), "--format", "json")
    assert code == 0, err


def test_symbolic_links_in_git(repo: Path) -> None:
    os.symlink("../../../../../etc/passwd", repo / ACME / "out.yaml")
    commit_all(repo, "link out")
    code, _, err = _diff("main", "feature")
    assert code == 4
    assert "out.yaml" in err and "outside the catalog" in err


def test_a_symbolic_link_inside_the_catalog_is_followed(repo: Path) -> None:
    beta = (repo / ACME / "beta.yaml").read_text()
    (repo / "catalog/shared-gamma.txt").write_text(beta.replace("id: beta", "id: gamma"))
    os.symlink("../../shared-gamma.txt", repo / ACME / "gamma.yaml")
    commit_all(repo, "link in")
    code, out, err = _diff("main", "feature", "--format", "json")
    assert code == 0, err
    added = [c for c in json.loads(out)["changes"] if c["action"] == "added"]
    assert [c["entity"] for c in added] == ["acme/gamma"]
    assert (
        subprocess.run(
            ["git", "cat-file", "-t", "HEAD:catalog/models/acme/gamma.yaml"], cwd=repo, capture_output=True, text=True
        ).stdout.strip()
        == "blob"
    )
