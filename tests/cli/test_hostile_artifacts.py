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


NOT_ARTIFACTS = {
    "deep": b"[" * 200_000,
    "deep-content": b'{"format_version": "1.1", "content": ' + b"[" * 200_000,
    "not-utf8": b'{"digest": "\xff"}',
    "array": b"[1, 2]",
    "huge-int": b'{"revision": ' + b"9" * 5000 + b"}",
    "content-number": b'{"format_version": "1.1", "digest": "sha256:00", "content": 5}',
    "content-list": b'{"format_version": "1.1", "digest": "sha256:00", "content": []}',
    "models-number": b'{"format_version": "1.1", "digest": "sha256:00", "content": {"models": 5}}',
    "models-list": b'{"format_version": "1.1", "digest": "sha256:00", "content": {"models": [1]}}',
    "format-number": b'{"format_version": 1, "digest": "sha256:00", "content": {}}',
    "empty": b"",
}


@pytest.mark.parametrize("bytes_", NOT_ARTIFACTS.values(), ids=NOT_ARTIFACTS.keys())
def test_commands_that_read_an_artifact_unloaded_refuse_what_is_not_one(tmp_path: Path, bytes_: bytes) -> None:
    """diff and publish --check read an artifact's JSON without the runtime's load (diff compares
    content; --check its digest): what is not an artifact ends with exit 4 and the file's name, or
    (diff) a comparison, never a traceback.  Deep nesting was a RecursionError in both."""
    from typer.testing import CliRunner

    from modelctl.cli import app

    out = tmp_path / "dist"
    out.mkdir()
    bad = out / "catalog.json"
    bad.write_bytes(bytes_)
    runner = CliRunner()
    catalog = str(REPO / "catalog")
    for args in (
        ["diff", str(bad), catalog],
        ["diff", catalog, str(bad), "--format", "json"],
        ["publish", catalog, "--check", "--out", str(out)],
        ["list", "--catalog", str(bad)],
        ["export", str(bad), "--format", "litellm"],
    ):
        result = runner.invoke(app, args)
        crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
        assert not crashed, (args[0], repr(result.exception))
        assert "Traceback" not in result.output
        if args[0] == "publish" and result.exit_code == 1:  # a digest string that is not the catalog's: drift
            assert "the artifact's sha256:00" in result.output, result.output[-300:]
            continue
        assert result.exit_code == 4, (args, result.exit_code, result.output[-300:])
        assert str(bad) in result.output
