"""check-prices: the repository's catalog against LiteLLM and genai-prices
(the disagreements docs/catalog-sources.md records), and matching rules on
small references."""

from __future__ import annotations

import json
import textwrap
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import REPO, SHARED_DATA, TODAY, MakeCatalog
from modelctl.catalog.loader import load_catalog
from modelctl.interop.drift import Disagreement, check_prices
from modelctl.interop.importers import SourceError

DAY = date.fromisoformat(TODAY)
needs_data = pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data not present")


@pytest.fixture(scope="module")
def repo_catalog():  # type: ignore[no-untyped-def]
    return load_catalog(REPO / "catalog").catalog


@needs_data
def test_repository_catalog_against_litellm(repo_catalog) -> None:  # type: ignore[no-untyped-def]
    report = check_prices(
        repo_catalog, "litellm", SHARED_DATA / "litellm" / "model_prices_and_context_window.json", today=DAY
    )
    found = {(d.model, d.field): (d.ours, d.theirs, d.percent) for d in report.disagreements}
    # xai/grok-code-fast-1 (LiteLLM 1.00 input) and deepseek/deepseek-chat are retired: not checked
    assert found[("groq/gpt-oss-safeguard-20b", "cached_input_per_1m")] == (
        Decimal("0.0375"),
        Decimal("0.037"),
        Decimal("-1.3"),
    )
    assert found[("google/gemini-3.5-flash-lite", "batch.cached_input_per_1m")][:2] == (
        Decimal("0.02"),
        Decimal("0.015"),
    )
    assert report.matched["google/gemini-3.8-flash"] == "gemini/gemini-3.8-flash"  # via LiteLLM's provider/model key
    assert report.matched["openai/gpt-4o"] == "gpt-4o"
    assert not [d for d in report.disagreements if d.model == "openai/gpt-4o"]
    assert "groq/gpt-oss-safeguard-20b" in report.drifted and len(report.compared) >= 60


@needs_data
def test_repository_catalog_against_genai_prices(repo_catalog) -> None:  # type: ignore[no-untyped-def]
    report = check_prices(repo_catalog, "genai-prices", SHARED_DATA / "genai-prices", today=DAY)
    # Bedrock ids are aliases in the catalog and genai-prices' `aws` is the catalog's amazon-bedrock.
    assert any(ref.startswith("amazon-bedrock/") for ref in report.matched)
    sol = {d.field: d for d in report.disagreements if d.model == "openai/gpt-5.6-sol"}
    assert sol["input_per_1m"].theirs == Decimal(5) and sol["tier>272000.output_per_1m"].theirs == Decimal(45)


def _reference(tmp_path: Path, entries: dict[str, object]) -> Path:
    path = tmp_path / "litellm.json"
    path.write_text(json.dumps(entries))
    return path


def test_matching_by_id_alias_and_key_with_exact_differences(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    catalog = load_catalog(make_catalog()).catalog
    ref = _reference(
        tmp_path,
        {
            "acme/alpha-2025-01-01": {  # an alias of acme/alpha
                "litellm_provider": "acme",
                "input_cost_per_token": 2.2e-06,
                "output_cost_per_token": 8e-06,
                "input_cost_per_token_above_128k_tokens": 4e-06,
                "output_cost_per_token_batches": 5e-06,
            },
            "acme/beta": {"litellm_provider": "acme", "input_cost_per_token": 5e-07, "output_cost_per_token": 1.5e-06},
        },
    )
    report = check_prices(catalog, "litellm", ref, today=DAY)
    assert report.matched == {"acme/alpha": "acme/alpha-2025-01-01", "acme/beta": "acme/beta"}
    assert report.disagreements == (
        Disagreement("acme/alpha", "acme/alpha-2025-01-01", "input_per_1m", Decimal("2.00"), Decimal("2.2")),
        Disagreement("acme/alpha", "acme/alpha-2025-01-01", "batch.output_per_1m", Decimal("4.00"), Decimal("5")),
    )
    assert report.disagreements[0].percent == Decimal("10.0")
    assert report.disagreements[1].percent == Decimal("25.0")
    assert report.unmatched == []


def test_genai_prices_match_rules_find_the_model(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    catalog = load_catalog(make_catalog()).catalog
    ref = tmp_path / "acme.yml"
    ref.write_text(
        textwrap.dedent(
            """\
            id: acme
            name: Acme
            api_pattern: x
            models:
              - id: acme-a
                match: {starts_with: alph}
                prices: {input_mtok: 2, output_mtok: 9}
            """
        )
    )
    report = check_prices(catalog, "genai-prices", ref, today=DAY)
    assert report.matched == {"acme/alpha": "acme-a"}
    assert [(d.field, d.theirs) for d in report.disagreements] == [("output_per_1m", Decimal(9))]
    assert report.unmatched == ["acme/beta"]


@needs_data
def test_a_newer_version_is_not_matched_by_an_older_ones_prefix(repo_catalog) -> None:  # type: ignore[no-untyped-def]
    """genai-prices' claude-sonnet-5 rule says ``starts_with: claude-sonnet-5``: that must not make
    claude-sonnet-5-5 "drift" against claude-sonnet-5's prices."""
    report = check_prices(repo_catalog, "genai-prices", SHARED_DATA / "genai-prices", today=DAY)
    assert report.matched["anthropic/claude-sonnet-5"] == "claude-sonnet-5"
    assert "anthropic/claude-sonnet-5-5" not in report.matched
    assert "anthropic/claude-opus-5-5" not in report.matched
    assert not [d for d in report.disagreements if d.model.endswith("-5-5")]


@needs_data
def test_retired_models_are_not_checked(repo_catalog) -> None:  # type: ignore[no-untyped-def]
    retired = {ref for ref, m in repo_catalog.models.items() if m.status == "retired"}
    assert retired  # the reference catalog has some
    for against, path in (
        ("genai-prices", SHARED_DATA / "genai-prices"),
        ("litellm", SHARED_DATA / "litellm" / "model_prices_and_context_window.json"),
    ):
        report = check_prices(repo_catalog, against, path, today=DAY)
        assert not retired & set(report.compared) and not retired & {d.model for d in report.disagreements}


@pytest.mark.parametrize(
    ("name", "matches"),
    [
        pytest.param("claude-sonnet-5", True, id="itself"),
        pytest.param("claude-sonnet-5-20260101", True, id="dated-snapshot"),
        pytest.param("claude-sonnet-5-latest", True, id="latest"),
        pytest.param("claude-sonnet-5-5", False, id="next-minor"),
        pytest.param("claude-sonnet-5.5", False, id="next-minor-dot"),
        pytest.param("claude-sonnet-50", False, id="longer-number"),
    ],
)
def test_prefix_rules_stop_at_a_further_version(name: str, matches: bool) -> None:
    from modelctl.interop.drift import _matches

    assert _matches({"starts_with": "claude-sonnet-5"}, name) is matches


def test_zero_price_has_no_percent() -> None:
    assert Disagreement("a/b", "b", "input_per_1m", Decimal(0), Decimal(1)).percent is None


def test_unreadable_reference_raises(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    catalog = load_catalog(make_catalog()).catalog
    bad = tmp_path / "bad.json"
    bad.write_text('{"a": {')
    with pytest.raises(SourceError):
        check_prices(catalog, "litellm", bad, today=DAY)
