"""Property test: the edit commands (``price set``, ``retire``, ``deprecate``, ``disable``,
``enable``) on real catalog files, mutated (tests/mutations.py, mostly the model file edited).
Each ends with a documented exit code and no traceback; unless it exits 0, no file of the catalog
changes; and when it exits 0 on a catalog that was valid, the catalog is still valid."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import TODAY
from modelctl.cli import app
from modelctl.rules.validate import validate_catalog
from mutations import MUTATORS, mutate, read_small_catalog, write_catalog

FILES = read_small_catalog()
MODELS = sorted(f[len("models/") : -len(".yaml")] for f in FILES if f.startswith("models/"))
runner = CliRunner()


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _command(rnd: random.Random, ref: str) -> list[str]:
    other = rnd.choice([m for m in MODELS if m != ref])
    return rnd.choice(
        [
            ["price", "set", ref, "input_per_1m=1.23", "--from", "2027-01-01"],
            ["price", "set", ref, "output_per_1m=none", "--from", "2027-01-01"],
            ["price", "set", ref, "input_per_1m=9", "--from", "2026-01-01", "--amend"],
            ["price", "set", ref, "input_per_1m=2", "--variant", "batch", "--from", "2027-02-01"],
            ["retire", ref, "--replacement", other, "--on", "2026-11-20"],
            ["deprecate", ref, "--replacement", other, "--on", "2027-06-01", "--announced", "2026-11-01"],
            ["disable", ref],
            ["enable", ref],
        ]
    )


def _run(root: Path, args: list[str]) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--catalog", str(root)])
    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    assert not crashed, f"{args}: {result.exception!r}"
    assert result.exit_code in (0, 1, 2, 4) and "Traceback" not in result.output, (args, result.output)
    return result.exit_code, result.output


def test_the_edits_work_on_the_small_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the property below is not vacuous: on the unmutated files every command writes
    monkeypatch.setenv("MODELCTL_TODAY", TODAY)
    rnd = random.Random(0)
    for args in (_command(rnd, "openai/gpt-4o") for _ in range(6)):
        root = write_catalog(tmp_path / "catalog", FILES)
        code, output = _run(root, args)
        assert code == 0, (args, output)
        assert _files(root) != FILES or args[0] == "enable"
        assert validate_catalog(root, today=date.fromisoformat(TODAY)).valid


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(rnd=st.randoms(use_true_random=False))
def test_edits_on_mutated_files_write_only_what_validates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rnd: random.Random
) -> None:
    monkeypatch.setenv("MODELCTL_TODAY", TODAY)
    name, _, files = mutate(rnd, FILES)
    if rnd.random() < 0.7:  # the edits read the model's file: mutate one more often
        name = f"models/{rnd.choice(MODELS)}.yaml"
        data = files[name]
        for _ in range(rnd.choice((1, 1, 2))):
            data = rnd.choice(MUTATORS)(rnd, data)
        files = {**files, name: data}
    root = write_catalog(tmp_path / "catalog", files)
    today = date.fromisoformat(TODAY)
    was_valid = validate_catalog(root, today=today).valid
    ref = name[len("models/") : -len(".yaml")] if name.startswith("models/") else rnd.choice(MODELS)
    args = _command(rnd, ref)
    before = _files(root)
    code, output = _run(root, args)
    if code != 0:
        assert _files(root) == before, f"{args} exited {code} and changed files: {output}"
    elif was_valid:
        assert validate_catalog(root, today=today).valid, f"{args} made a valid catalog invalid: {output}"
