"""The compiled-catalog cache behind list, show, cost, ...: keyed on content."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import MakeCatalog
from modelctl.artifact.cache import cache_dir
from modelctl.query import opening


def _beta_output(root: Path) -> str:
    opened = opening.open_catalog(root)
    return str(opened.catalog.price("acme/beta").prices["output_per_1m"])


def test_an_unchanged_catalog_is_not_parsed_again(make_catalog: MakeCatalog, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_catalog()
    assert _beta_output(root) == "1.50"
    folder = cache_dir()
    assert folder is not None and len(list(folder.glob("*.json"))) == 1

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the catalog was parsed again")

    monkeypatch.setattr("modelctl.rules.validate.validate_catalog", refuse)
    assert _beta_output(root) == "1.50"


def test_an_edit_of_the_same_size_is_seen(make_catalog: MakeCatalog) -> None:
    root = make_catalog()
    assert _beta_output(root) == "1.50"
    beta = root / "models/acme/beta.yaml"
    before = beta.stat()
    beta.write_text(beta.read_text().replace("output_per_1m: 1.50", "output_per_1m: 1.60"))
    assert beta.stat().st_size == before.st_size
    assert _beta_output(root) == "1.60"
    folder = cache_dir()
    assert folder is not None and len(list(folder.glob("*.json"))) == 1  # the old entry is replaced


def test_an_invalid_catalog_is_never_cached(make_catalog: MakeCatalog) -> None:
    root = make_catalog()
    beta = root / "models/acme/beta.yaml"
    beta.write_text(beta.read_text().replace("status: deprecated", "status: gone"))
    for _ in range(2):
        with pytest.raises(opening.InvalidCatalog):
            opening.open_catalog(root)
    folder = cache_dir()
    assert folder is not None and list(folder.glob("*.json")) == []


def test_a_damaged_entry_is_compiled_again(make_catalog: MakeCatalog) -> None:
    root = make_catalog()
    _beta_output(root)
    folder = cache_dir()
    assert folder is not None
    (entry,) = folder.glob("*.json")
    entry.write_bytes(b'{"format_version": "1.0", "truncated')
    assert _beta_output(root) == "1.50"
    assert entry.read_bytes().startswith(b'{"catalog_version"')


def test_the_cache_can_be_turned_off(
    make_catalog: MakeCatalog, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MODELCTL_NO_CACHE", "1")
    assert cache_dir() is None
    assert _beta_output(make_catalog()) == "1.50"
