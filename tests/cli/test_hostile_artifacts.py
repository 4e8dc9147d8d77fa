"""Mutated artifacts that the runtime accepts, through the commands that read an artifact
(``list``, ``show``, ``plans``, ``explain``, ``compare``, ``cost``, ``estimate``, ``site``): each
ends with a documented exit code and no traceback.  The mutations are ``bench/fuzz_artifacts.py``'s
(``--commands`` runs this for long); here hypothesis drives them, a bounded number of times."""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from modelctl.runtime import Catalog, CatalogError

sys.path.insert(0, str(REPO / "bench"))

import fuzz_artifacts as fuzz  # noqa: E402


@pytest.fixture(scope="module")
def base() -> tuple[bytes, dict[str, Any], list[Any]]:
    return fuzz.base()


def test_the_base_artifact_goes_through_every_command(tmp_path: Path, base: tuple[bytes, Any, Any]) -> None:
    assert fuzz.run_commands(base[0], random.Random(0), tmp_path) >= 15


def test_a_command_that_crashes_is_reported(
    tmp_path: Path, base: tuple[bytes, Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # the oracle itself: a command raising something other than SystemExit is named
    from modelctl.cli import list_cmd

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("tuple.index(x): x not in tuple")

    monkeypatch.setattr(list_cmd, "list_models", broken)
    with pytest.raises(AssertionError, match=r"modelctl list --catalog.*ValueError: tuple.index"):
        fuzz.run_commands(base[0], random.Random(0), tmp_path)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rng=st.randoms(use_true_random=False))
def test_accepted_mutated_artifacts_never_crash_a_command(
    tmp_path_factory: pytest.TempPathFactory, base: tuple[bytes, Any, Any], rng: random.Random
) -> None:
    raw, content, paths = base
    for _ in range(30):  # most mutations are refused at load: take the first one accepted
        _, data = fuzz.mutate(rng, raw, content, paths)
        try:
            Catalog.loads(data)
        except CatalogError:
            continue
        fuzz.run_commands(data, rng, tmp_path_factory.mktemp("cli"))
        return
