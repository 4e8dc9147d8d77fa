"""Real git repositories for tests of diff and history."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from conftest import MINI, write_catalog

ENV = {
    "GIT_AUTHOR_NAME": "Ada Pricing",
    "GIT_AUTHOR_EMAIL": "ada@example.com",
    "GIT_COMMITTER_NAME": "Ada Pricing",
    "GIT_COMMITTER_EMAIL": "ada@example.com",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str, date: str = "2026-01-02T03:04:05Z") -> str:
    env = {**os.environ, **ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True, env=env).stdout.strip()


def make_repo(root: Path) -> Path:
    """A repository with the MINI catalog committed on main, checked out on a feature branch."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    write_catalog(root / "catalog", dict(MINI))
    git(root, "add", ".")
    git(root, "commit", "-qm", "catalog")
    git(root, "checkout", "-q", "-b", "feature")
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def commit_all(repo: Path, message: str, date: str = "2026-01-02T03:04:05Z") -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", message, date=date)
    return git(repo, "rev-parse", "HEAD")


def shallow_clone(repo: Path, dest: Path, branch: str = "feature") -> Path:
    """A ``--depth 1`` clone of ``repo``'s ``branch`` at ``dest`` (what a CI checkout gives by default)."""
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", "--branch", branch, f"file://{repo}", str(dest)],
        check=True,
        capture_output=True,
    )
    return dest
