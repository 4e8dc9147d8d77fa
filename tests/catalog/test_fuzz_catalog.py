"""Property tests: real catalog files, mutated (tests/mutations.py), never crash
validate, and whatever validate accepts publish writes as a valid artifact that
the runtime loads.

Bounded for CI by the ``ci`` hypothesis profile (derandomized: the same
examples every run); ``HYPOTHESIS_PROFILE=long`` explores further, and
``bench/fuzz.py`` runs 100,000 cases.
"""

from __future__ import annotations

import json
import os
import random
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import TODAY
from modelctl.cli import app
from mutations import MUTATORS, artifact_validator, check_catalog, mutate, read_small_catalog, write_catalog

settings.register_profile(
    "ci",
    max_examples=60,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "long",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")

FILES = read_small_catalog()
VALIDATOR = artifact_validator()
runner = CliRunner()


def test_the_small_catalog_is_valid_to_start_with(tmp_path: Path) -> None:
    root = write_catalog(tmp_path / "catalog", FILES)
    valid, problems = check_catalog(root, tmp_path / "dist", VALIDATOR, today=date.fromisoformat(TODAY))
    assert valid and problems == []
    assert (tmp_path / "dist" / "catalog.json").is_file()


def _case(tmp_path: Path, rnd: random.Random) -> tuple[Path, str]:
    name, used, files = mutate(rnd, FILES)
    root = write_catalog(tmp_path / "catalog", files)
    out = tmp_path / "dist"
    if out.exists():
        for child in out.iterdir():
            child.unlink()
    return root, f"{name} <- {used}"


@settings(settings.get_profile(PROFILE))
@given(rnd=st.randoms(use_true_random=False))
def test_mutated_catalogs_keep_every_promise(tmp_path: Path, rnd: random.Random) -> None:
    root, what = _case(tmp_path, rnd)
    valid, problems = check_catalog(root, tmp_path / "dist", VALIDATOR, today=date.fromisoformat(TODAY))
    assert problems == [], what


@settings(settings.get_profile(PROFILE), max_examples=settings.get_profile(PROFILE).max_examples // 2)
@given(rnd=st.randoms(use_true_random=False), mutator=st.sampled_from(MUTATORS))
def test_each_mutation_through_the_command_line(tmp_path: Path, rnd: random.Random, mutator: object) -> None:
    """`validate --format json` exits 0, 1 or 4 (never a traceback) and every
    diagnostic names its file and line."""
    name = rnd.choice(sorted(FILES))
    files = {**FILES, name: mutator(rnd, FILES[name])}  # type: ignore[operator]
    root = write_catalog(tmp_path / "catalog", files)
    result = runner.invoke(app, ["validate", str(root), "--format", "json"])
    assert result.exit_code in (0, 1, 4), (name, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    if result.exit_code == 4:
        return
    doc = json.loads(result.stdout)
    assert doc["valid"] is (result.exit_code == 0)
    for diag in doc["diagnostics"]:
        assert diag["file"].startswith(str(root)) and diag["line"] >= 1 and diag["column"] >= 1, diag


@pytest.mark.parametrize("mutator", MUTATORS, ids=[m.__name__ for m in MUTATORS])
def test_every_mutator_changes_something(mutator: object) -> None:
    """The mutators themselves: each one, seeded, changes some file (else the suite tests nothing)."""
    changed = 0
    for seed in range(20):
        rnd = random.Random(seed)
        name = rnd.choice(sorted(FILES))
        changed += mutator(rnd, FILES[name]) != FILES[name]  # type: ignore[operator]
    assert changed > 0
