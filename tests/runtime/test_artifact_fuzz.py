"""Property tests of the runtime's contract (issue 11) over mutated artifacts: byte flips,
truncation, type swaps of content values (the digest recomputed, to reach the shape check),
deep nesting, surrogates, huge numbers, NaN strings.  ``Catalog.loads`` and ``CatalogHolder``
raise only ``CatalogError``s, never accept a wrong digest, and after a successful load no
method raises anything else.  The mutations are those of ``bench/fuzz_artifacts.py`` (which
runs them for long); here hypothesis drives them, a bounded number of times."""

from __future__ import annotations

import json
import random
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from modelctl.artifact.compile import SourceInfo, compile_artifact
from modelctl.rules.validate import validate_catalog
from modelctl.runtime import ArtifactError, Catalog, CatalogError, CatalogHolder, _shape

sys.path.insert(0, str(REPO / "bench"))

import fuzz_artifacts as fuzz  # noqa: E402
from gen_catalog import generate  # noqa: E402

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def base() -> tuple[bytes, dict[str, Any], list[Any]]:
    return fuzz.base()


def test_the_fuzzer_s_base_artifact_loads_and_every_method_answers(base: tuple[bytes, Any, Any]) -> None:
    raw, _, _ = base
    catalog = Catalog.loads(raw)
    assert len(catalog) == 80 and fuzz.exercise(catalog, random.Random(0)) > 300


@SETTINGS
@given(rng=st.randoms(use_true_random=False))
def test_mutated_artifacts_raise_only_catalog_errors(base: tuple[bytes, Any, Any], rng: random.Random) -> None:
    raw, content, paths = base
    _, data = fuzz.mutate(rng, raw, content, paths)
    fuzz.run_case(data, rng)  # raises on anything but a CatalogError, or on a wrong digest accepted


@settings(max_examples=30, deadline=None)
@given(rng=st.randoms(use_true_random=False))
def test_mutations_that_keep_the_digest_reach_the_shape_check(base: tuple[bytes, Any, Any], rng: random.Random) -> None:
    raw, content, paths = base
    data = fuzz.swap_value(rng, raw, content, paths)
    try:
        Catalog.loads(data)
    except ArtifactError as exc:
        assert "digest" not in str(exc)  # the digest was recomputed: refused for its content


@settings(max_examples=20, deadline=None)
@given(rng=st.randoms(use_true_random=False))
def test_the_holder_on_a_file_keeps_the_last_good_catalog(
    tmp_path_factory: pytest.TempPathFactory, base: tuple[bytes, Any, Any], rng: random.Random
) -> None:
    raw, content, paths = base
    path = tmp_path_factory.mktemp("holder") / "catalog.json"
    path.write_bytes(raw)
    errors: list[CatalogError] = []
    holder = CatalogHolder(path, on_error=errors.append)
    good = holder.catalog
    name, data = fuzz.mutate(rng, raw, content, paths)
    path.write_bytes(data)
    holder.reload()  # never raises
    try:
        Catalog.loads(data)
    except CatalogError:
        assert holder.catalog is good and isinstance(holder.last_error, CatalogError) and errors
    else:
        assert holder.last_error is None
        fuzz.exercise(holder.catalog, rng)


@settings(max_examples=60, deadline=None)
@given(rng=st.randoms(use_true_random=False), deletions=st.booleans())
def test_the_compiled_check_and_the_walk_agree(
    base: tuple[bytes, Any, Any], rng: random.Random, deletions: bool
) -> None:
    """The fast check decides; the walk words the error: they must agree on every content."""
    raw, content, paths = base
    mutation = fuzz.delete_key if deletions else fuzz.swap_value
    doc = json.loads(mutation(rng, raw, content, paths))["content"]
    fast = _shape._accepts(doc)
    try:
        _shape._CONTENT.one(doc)
        _shape._references(doc)
        slow = True
    except _shape._Bad:
        slow = False
    assert fast == slow


@pytest.mark.parametrize("seed", [1, 2])
def test_every_artifact_the_compiler_writes_passes_the_shape_check(tmp_path: Path, seed: int) -> None:
    generate(tmp_path / "catalog", 60, providers=6, seed=seed)
    result = validate_catalog(tmp_path / "catalog", today=date(2026, 11, 25))
    assert result.valid
    catalog = Catalog.loads(compile_artifact(result.catalog, SourceInfo()).data)
    assert len(catalog) == 60 and fuzz.exercise(catalog, random.Random(seed)) > 100


def test_the_repository_artifact_passes_the_shape_check() -> None:
    result = validate_catalog(REPO / "catalog", today=date(2026, 11, 25))
    data = compile_artifact(result.catalog, SourceInfo()).data
    _shape.check_content(json.loads(data)["content"])  # does not raise


def test_run_reports_counts() -> None:
    counts = fuzz.run(12, seed=3)
    assert counts["cases"] == 12 == counts["accepted"] + counts["refused"] + counts["crashes"]
    assert counts["crashes"] == counts["hangs"] == 0, counts["examples"]
