"""The fixture catalog itself must be valid, or every other test means nothing."""

from __future__ import annotations

from conftest import MakeCatalog
from modelctl.rules.validate import validate_catalog


def test_mini_catalog_is_clean(make_catalog: MakeCatalog) -> None:
    result = validate_catalog(make_catalog())
    assert [str(f) for f in result.findings] == []
    assert sorted(result.catalog.models) == ["acme/alpha", "acme/beta"]
