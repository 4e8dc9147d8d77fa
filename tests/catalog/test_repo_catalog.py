"""The repository's own catalog: valid, clean, and as rich as issue #2 asks."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import REPO
from modelctl.catalog.model import Catalog
from modelctl.rules.validate import validate_catalog


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    # The day the catalog was last brought up to date (three models retired on 2026-11-30 and 12-01).
    result = validate_catalog(REPO / "catalog", today=date(2026, 12, 2))
    assert [str(f) for f in result.findings] == []
    return result.catalog


def test_providers_and_models(catalog: Catalog) -> None:
    assert len(catalog.providers) >= 8
    assert len(catalog.models) >= 60
    assert {"openai", "anthropic", "google", "mistral", "deepseek", "xai", "cohere"} <= set(catalog.providers)
    assert {p.kind for p in catalog.providers.values()} >= {"lab", "host", "cloud"}


def test_history_tiers_variants_and_lifecycle(catalog: Catalog) -> None:
    models = list(catalog.models.values())
    assert sum(len(m.pricing) > 1 for m in models) >= 10
    assert sum(any(p.tiers for p in m.pricing) for m in models) >= 5
    assert sum(any(v.name == "batch" for p in m.pricing for v in p.variants) for m in models) >= 5
    ending = [m for m in models if m.status in ("deprecated", "retired")]
    assert len(ending) >= 5
    for model in ending:
        assert model.deprecation and model.deprecation.replacement in catalog.models
        assert catalog.models[model.deprecation.replacement].status != "retired"


def test_every_period_cites_a_source_and_a_real_reading_day(catalog: Catalog) -> None:
    for model in catalog.models.values():
        for period in model.pricing:
            assert period.source.strip()
            assert period.checked <= date(2026, 11, 25)


def test_every_file_starts_with_its_schema_comment() -> None:
    for path in (REPO / "catalog").rglob("*.yaml"):
        first = path.read_text().split("\n", 1)[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        assert (path.parent / first.split("=", 1)[1]).resolve().is_file(), path
