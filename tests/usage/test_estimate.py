"""pricing: token counts, the cost breakdown, estimates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from conftest import MakeCatalog
from everyday_helpers import everyday_catalog, runtime_of
from modelctl import runtime
from modelctl.usage.estimate import PRICED_BY, breakdown, estimate, parse_count

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        pytest.param("1500", 1500, id="plain"),
        pytest.param("1_500", 1500, id="underscore"),
        pytest.param("1,500", 1500, id="comma"),
        pytest.param("1.5k", 1500, id="k"),
        pytest.param("2M", 2_000_000, id="M"),
        pytest.param("1b", 1_000_000_000, id="b"),
        pytest.param("0", 0, id="zero"),
        pytest.param("1,500,000", 1_500_000, id="commas"),
        pytest.param("1_0000", 10_000, id="underscores-anywhere"),
        pytest.param("1,500.5k", 1_500_500, id="commas-and-k"),
    ],
)
def test_parse_count(text: str, value: int) -> None:
    assert parse_count(text) == value


@pytest.mark.parametrize(
    "text",
    # 1,5k and 1,00 are a decimal comma, not 15,000 and 100; 1,0000 is no grouping; digits are ASCII.
    ["-5", "1.5", "abc", "1.2345k", "", "1e6", "5 tokens", "1,5k", "1,00", "1,0000", "1,", ",5", "1_", "1__0", "1,_0"]
    + ["\u0661\u0662", "1,500_000"],
)
def test_parse_count_refuses_what_is_not_a_whole_count(text: str) -> None:
    with pytest.raises(ValueError, match="token|whole"):
        parse_count(text)


def test_priced_by_is_the_runtimes_table() -> None:
    from modelctl.runtime import _pricing

    assert _pricing._COMPONENTS == PRICED_BY


def test_breakdown_names_each_price_and_sums_to_the_runtime_total(make_catalog: MakeCatalog) -> None:
    cat = runtime_of(everyday_catalog(make_catalog))
    usage = runtime.Usage(input_tokens=1000, output_tokens=500, cached_input_tokens=3000)
    b = breakdown(cat, "acme/alpha", usage, at=TODAY)
    assert [(c.name, c.units, c.price_key, c.price) for c in b.components] == [
        ("input", 1000, "input_per_1m", Decimal("2.00")),
        ("output", 500, "output_per_1m", Decimal("8.00")),
        ("cached_input", 3000, "cached_input_per_1m", Decimal("0.20")),
    ]
    assert sum(c.amount for c in b.components) == b.cost.total == Decimal("0.0066")
    assert b.cost.total == cat.cost("acme/alpha", usage, at=TODAY).total


def test_breakdown_above_a_tier_uses_the_tier_prices(make_catalog: MakeCatalog) -> None:
    cat = runtime_of(everyday_catalog(make_catalog))
    usage = runtime.Usage(input_tokens=100_000, cached_input_tokens=28_001, output_tokens=1000)
    b = breakdown(cat, "acme/alpha", usage, at=TODAY)
    assert b.cost.tier == 128_000
    # the tier gives input and output; cached input is inherited from the base prices
    assert [(c.price_key, c.price) for c in b.components] == [
        ("input_per_1m", Decimal("4.00")),
        ("output_per_1m", Decimal("16.00")),
        ("cached_input_per_1m", Decimal("0.20")),
    ]


def test_breakdown_falls_back_as_the_runtime_does(make_catalog: MakeCatalog) -> None:
    cat = runtime_of(everyday_catalog(make_catalog))
    usage = runtime.Usage(input_tokens=10, reasoning_tokens=20, cache_write_1h_tokens=30, requests=3)
    b = breakdown(cat, "acme/delta", usage, at=TODAY)
    assert {c.name: c.price_key for c in b.components} == {
        "input": "input_per_1m",
        "reasoning": "output_per_1m",
        "cache_write_1h": "input_per_1m",
        "request": "per_request",
    }
    request = next(c for c in b.components if c.name == "request")
    assert request.amount == Decimal("0.015")
    for c in b.components:
        per_unit = c.price / 1_000_000 if c.price_key.endswith("_per_1m") else c.price
        assert c.amount == per_unit * c.units


def test_estimate_orders_cheapest_first_and_says_why_models_are_left_out(make_catalog: MakeCatalog) -> None:
    cat = runtime_of(everyday_catalog(make_catalog))
    result = estimate(cat, runtime.Usage(input_tokens=5_000, output_tokens=1000), at=TODAY)
    totals = [r.cost.total for r in result.rows]
    assert totals == sorted(totals)
    assert [r.model.ref for r in result.rows] == ["acme/beta", "acme/delta", "acme/alpha", "zeta/alpha"]
    assert result.skipped.reasons == {"retired": ["acme/old"], "no price for output tokens": ["acme/gamma"]}
    assert result.considered == 6


def test_estimate_filters_and_variants(make_catalog: MakeCatalog) -> None:
    cat = runtime_of(everyday_catalog(make_catalog))
    usage = runtime.Usage(input_tokens=100_000)
    batch = estimate(cat, usage, at=TODAY, variant="batch")
    assert [(r.model.ref, r.cost.total) for r in batch.rows] == [
        ("acme/alpha", Decimal("0.1")),
        ("zeta/alpha", Decimal("0.125")),
    ]
    assert batch.skipped.reasons["no batch variant"] == ["acme/beta", "acme/delta", "acme/gamma"]
    vision = estimate(cat, usage, at=TODAY, features=["vision"], providers=["zeta"])
    assert [r.model.ref for r in vision.rows] == ["zeta/alpha"]
    big = estimate(cat, runtime.Usage(input_tokens=100_000), at=TODAY)
    assert big.skipped.reasons["request larger than the context window"] == ["acme/beta", "acme/gamma"]
    early = estimate(cat, runtime.Usage(input_tokens=1000), at=date(2024, 6, 1), include_unavailable=True)
    assert [r.model.ref for r in early.rows] == ["acme/beta", "acme/old"]
    assert early.skipped.reasons["no price in force on 2024-06-01"] == [
        "acme/alpha", "acme/delta", "acme/gamma", "zeta/alpha",
    ]  # fmt: skip


def test_estimate_marks_models_that_cannot_serve_the_usage(repo: runtime.Catalog) -> None:
    # 5,000 input audio tokens: text-only models are marked, not ranked.
    usage = runtime.Usage(input_tokens=1_000, input_audio_tokens=5_000, output_tokens=100)
    result = estimate(repo, usage, at=date(2026, 11, 25), providers=["openai"])
    ranked = {row.model.ref for row in result.rows}
    marked = result.skipped.reasons.get("does not accept audio input", [])
    assert "openai/gpt-4o" in marked and "openai/gpt-4o" not in ranked
    assert "openai/gpt-realtime" in ranked
    # gpt-realtime: 1000*4 + 5000*32 + 100*16 = 165,600 per 1M
    row = next(r for r in result.rows if r.model.ref == "openai/gpt-realtime")
    assert row.cost.total == Decimal("0.1656")
