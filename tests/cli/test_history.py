"""`modelctl history` on a real git repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gitutil import commit_all, edit, git, make_repo, shallow_clone
from modelctl.cli import app

runner = CliRunner()
BETA = "catalog/models/acme/beta.yaml"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_repo(tmp_path / "repo")
    monkeypatch.chdir(root)
    edit(root / BETA, "output_per_1m: 1.50", "output_per_1m: 1.80")
    commit_all(root, "Raise beta output", date="2026-03-01T10:00:00Z")
    edit(root / "catalog/models/acme/alpha.yaml", "name: Alpha", "name: Alpha One")
    commit_all(root, "Rename alpha's display name", date="2026-04-01T10:00:00Z")
    git(root, "mv", BETA, "catalog/models/acme/beta-v2.yaml")
    edit(root / "catalog/models/acme/beta-v2.yaml", "id: beta", "id: beta-v2\naliases: [beta]")
    commit_all(root, "Rename beta to beta-v2", date="2026-05-01T10:00:00Z")
    edit(root / "catalog/models/acme/beta-v2.yaml", "input_per_1m: 0.50", "input_per_1m: 0.40")
    commit_all(root, "Cut beta-v2 input", date="2026-06-01T10:00:00Z")
    return root


def _history(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["history", *args])
    return result.exit_code, result.stdout, result.stderr


def test_every_commit_with_field_changes_across_a_rename(repo: Path) -> None:
    code, out, _ = _history("acme/beta-v2", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["format_version"] == "1.0" and doc["path"] == "catalog/models/acme/beta-v2.yaml"
    subjects = [c["subject"] for c in doc["commits"]]
    assert subjects == ["Cut beta-v2 input", "Rename beta to beta-v2", "Raise beta output", "catalog"]
    cut, rename, raise_, first = doc["commits"]
    assert cut["changes"] == [
        {
            "field": "pricing[2024-01-01].input_per_1m",
            "action": "changed",
            "before": "0.50",
            "after": "0.40",
            "class": "review",
            "delta": "-0.10",
            "percent": "-20.0",
        }
    ]
    assert rename["action"] == "renamed" and rename["path"] == "catalog/models/acme/beta-v2.yaml"
    assert {(c["field"], c["before"], c["after"]) for c in rename["changes"]} == {
        ("id", "beta", "beta-v2"),
        ("aliases", None, "beta"),
    }
    assert raise_["changes"][0]["before"] == "1.50" and raise_["changes"][0]["after"] == "1.80"
    assert raise_["author"] == "Ada Pricing" and raise_["date"].startswith("2026-03-01")
    assert first["action"] == "added" and first["path"] == BETA


def test_since_limits_the_commits(repo: Path) -> None:
    code, out, _ = _history("acme/beta-v2", "--since", "2026-04-15", "--format", "json")
    assert code == 0
    commits = json.loads(out)["commits"]
    assert [c["subject"] for c in commits] == ["Cut beta-v2 input", "Rename beta to beta-v2"]
    # the oldest shown commit is still compared with the version before it
    assert ("id", "beta", "beta-v2") in {(c["field"], c["before"], c["after"]) for c in commits[1]["changes"]}


def test_text_and_markdown(repo: Path) -> None:
    code, out, _ = _history("beta-v2")
    assert code == 0
    assert "pricing[2024-01-01].input_per_1m: 0.50 -> 0.40  (-0.10 (-20.0%))" in out
    assert "Ada Pricing <ada@example.com>" in out
    code, out, _ = _history("acme/alpha", "--format", "markdown")
    assert code == 0 and "| name: Alpha -> Alpha One |" not in out and "name: Alpha -> Alpha One" in out


def test_unknown_model(repo: Path) -> None:
    code, out, err = _history("acme/nope")
    assert code == 4 and out == "" and "no commit touches catalog/models/acme/nope.yaml" in err


def test_since_with_no_commit_in_the_window_is_an_empty_answer(repo: Path) -> None:
    # It was exit 4, "no commit touches ...: is it committed?", about a model with four commits.
    code, out, err = _history("acme/beta-v2", "--since", "2026-07-01", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["commits"] == []
    assert "no commit since 2026-07-01" in err and "catalog/models/acme/beta-v2.yaml" in err
    # git reads a --since it cannot parse as now: say so rather than hide it
    code, out, err = _history("acme/beta-v2", "--since", "not a date at all")
    assert code == 0 and "0 commits" in out
    assert "'not a date at all' as git reads it" in err
    # a model with no history at all is still exit 4, with or without --since
    code, _, err = _history("acme/nope", "--since", "2026-07-01")
    assert code == 4 and "no commit touches catalog/models/acme/nope.yaml" in err


def test_a_shallow_clone_cut_inside_the_history_is_exit_4_not_an_addition(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It showed 1 commit, "added" in "Cut beta-v2 input": the clone's first commit looked like the model's.
    shallow = shallow_clone(repo, tmp_path / "shallow")
    monkeypatch.chdir(shallow)
    code, out, err = _history("acme/beta-v2")
    assert code == 4 and out == ""
    assert "shallow clone" in err and "fetch-depth: 0" in err
    # a window the clone holds whole is fine
    edit(shallow / "catalog/models/acme/beta-v2.yaml", "input_per_1m: 0.40", "input_per_1m: 0.45")
    commit_all(shallow, "Raise beta-v2 input", date="2026-08-01T10:00:00Z")
    code, out, err = _history("acme/beta-v2", "--since", "2026-07-01", "--format", "json")
    assert code == 0, err
    assert [c["subject"] for c in json.loads(out)["commits"]] == ["Raise beta-v2 input"]


def test_history_outside_a_repository_and_in_one_without_commits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import MINI, write_catalog

    plain = tmp_path / "plain"
    write_catalog(plain / "catalog", dict(MINI))
    monkeypatch.chdir(plain)
    code, out, err = _history("acme/alpha")
    assert code == 4 and out == "" and "not a git repository" in err
    git(plain, "init", "-q", "-b", "main")
    code, out, err = _history("acme/alpha")
    assert code == 4 and out == "" and "does not have any commits yet" in err


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_terminal_escapes_in_names_and_subjects_never_reach_the_terminal(repo: Path, fmt: str) -> None:
    # a display name and a commit subject holding ESC sequences were printed as they were (text,
    # markdown) and a bidi override raw in JSON: the repository's strings could drive the terminal
    edit(repo / "catalog/models/acme/alpha.yaml", "name: Alpha One", 'name: "\\e]0;owned\\a\\e[2J\\u202eX"')
    commit_all(repo, "Retitle \x1b[31malpha\u202e", date="2026-07-01T10:00:00Z")
    code, out, _ = _history("acme/alpha", "--format", fmt)
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    if fmt == "json":
        latest = json.loads(out)["commits"][0]
        assert latest["subject"] == "Retitle \x1b[31malpha\u202e"
        assert latest["changes"][0]["after"] == "\x1b]0;owned\x07\x1b[2J\u202eX"
    elif fmt == "text":
        assert "\\x1b]0;owned\\x07\\x1b[2J\\u202eX" in out and "Retitle \\x1b[31malpha\\u202e" in out
