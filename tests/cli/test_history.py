"""`modelctl history` on a real git repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gitutil import commit_all, edit, git, make_repo
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
