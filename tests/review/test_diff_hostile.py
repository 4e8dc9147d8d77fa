"""Property test: real catalog files, mutated (tests/mutations.py, mostly a model's file), committed
to a real git repository; ``diff`` (text, JSON, markdown, either way round) and ``history`` of the
model end with a documented exit code and no traceback."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import TODAY
from gitutil import commit_all, git
from modelctl.cli import app
from mutations import MUTATORS, mutate, read_small_catalog, write_catalog

FILES = read_small_catalog()
MODELS = sorted(f for f in FILES if f.startswith("models/"))
runner = CliRunner()


def _commands(ref: str) -> list[list[str]]:
    return [
        ["diff", "main~1", "main"],
        ["diff", "main~1", "main", "--format", "json"],
        ["diff", "main", "main~1", "--format", "markdown"],
        ["history", ref],
    ]


def _run(args: list[str]) -> int:
    result = runner.invoke(app, args)
    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    assert not crashed, f"{args}: {result.exception!r}"
    assert result.exit_code in (0, 1, 2, 3, 4) and "Traceback" not in result.output, (args, result.output)
    return result.exit_code


def _repo(root: Path, before: dict[str, bytes], after: dict[str, bytes]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    write_catalog(root / "catalog", before)
    commit_all(root, "base")
    write_catalog(root / "catalog", after)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "change", "--allow-empty")
    return root


def test_the_commands_answer_on_a_real_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # not vacuous: a price change is a change diff reports (exit 1 with --exit-code)
    monkeypatch.setenv("MODELCTL_TODAY", TODAY)
    name = "models/openai/gpt-4o.yaml"
    text = FILES[name].decode()
    changed = {**FILES, name: text.replace("input_per_1m: 2.50", "input_per_1m: 2.75", 1).encode()}
    assert changed[name] != FILES[name]
    monkeypatch.chdir(_repo(tmp_path / "repo", FILES, changed))
    assert [_run(args) for args in _commands("openai/gpt-4o")] == [0, 0, 0, 0]
    assert _run(["diff", "main~1", "main", "--exit-code"]) == 1


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(rnd=st.randoms(use_true_random=False))
def test_diff_and_history_of_mutated_files_never_crash(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, rnd: random.Random
) -> None:
    monkeypatch.setenv("MODELCTL_TODAY", TODAY)
    name, _, files = mutate(rnd, FILES)
    if rnd.random() < 0.6:  # a model's file more often: diff and history read them
        name = rnd.choice(MODELS)
        data = files[name]
        for _ in range(rnd.choice((1, 2))):
            data = rnd.choice(MUTATORS)(rnd, data)
        files = {**files, name: data}
    monkeypatch.chdir(_repo(tmp_path_factory.mktemp("repo"), FILES, files))
    ref = name[len("models/") : -len(".yaml")] if name.startswith("models/") else "openai/gpt-4o"
    for args in _commands(ref):
        _run(args)
