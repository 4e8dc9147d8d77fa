"""inspect: the model list (filters, sorting), one model in full, side by side."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from conftest import MakeCatalog
from everyday_helpers import everyday_catalog, runtime_of
from modelctl import runtime
from modelctl.query.views import SORT_KEYS, Listed, compare_rows, list_models, model_view

TODAY = date(2026, 11, 25)


@pytest.fixture
def cat(make_catalog: MakeCatalog) -> runtime.Catalog:
    return runtime_of(everyday_catalog(make_catalog))


def refs(items: list[Listed]) -> list[str]:
    return [x.info.ref for x in items]


def test_list_filters(cat: runtime.Catalog) -> None:
    assert refs(list_models(cat, at=TODAY)) == [
        "acme/alpha", "acme/beta", "acme/delta", "acme/gamma", "acme/old", "zeta/alpha",
    ]  # fmt: skip
    assert refs(list_models(cat, at=TODAY, providers=["zeta"])) == ["zeta/alpha"]
    assert refs(list_models(cat, at=TODAY, features=["vision"])) == ["acme/alpha", "zeta/alpha"]
    assert refs(list_models(cat, at=TODAY, features=["vision", "prompt_caching"])) == ["acme/alpha"]
    assert refs(list_models(cat, at=TODAY, statuses=["deprecated", "retired"])) == ["acme/beta", "acme/old"]
    assert refs(list_models(cat, at=TODAY, enabled=False)) == ["acme/old"]
    assert refs(list_models(cat, at=TODAY, search="ALPHA-2025")) == ["acme/alpha"]  # an alias
    assert refs(list_models(cat, at=TODAY, search="embed")) == ["acme/gamma"]  # the name


def test_sort_by_a_price_puts_models_without_it_last_in_both_directions(cat: runtime.Catalog) -> None:
    up = list_models(cat, at=TODAY, sort="output_per_1m")
    assert refs(up) == ["acme/beta", "acme/delta", "acme/alpha", "zeta/alpha", "acme/old", "acme/gamma"]
    down = list_models(cat, at=TODAY, sort="output_per_1m", descending=True)
    assert refs(down) == ["acme/old", "zeta/alpha", "acme/alpha", "acme/delta", "acme/beta", "acme/gamma"]
    assert refs(list_models(cat, at=TODAY, sort="per_request"))[0] == "acme/delta"
    assert refs(list_models(cat, at=TODAY, sort="context"))[:2] == ["acme/gamma", "acme/old"]


def test_every_sort_key_works(cat: runtime.Catalog) -> None:
    for key in SORT_KEYS:
        assert len(list_models(cat, at=TODAY, sort=key)) == 6
    with pytest.raises(ValueError, match="cannot sort by"):
        list_models(cat, at=TODAY, sort="price")


def test_prices_are_those_in_force_on_the_day(cat: runtime.Catalog) -> None:
    now = {x.info.ref: x.prices for x in list_models(cat, at=TODAY)}
    then = {x.info.ref: x.prices for x in list_models(cat, at=date(2025, 3, 1))}
    assert now["acme/alpha"]["input_per_1m"] == Decimal("2.00")
    assert then["acme/alpha"]["input_per_1m"] == Decimal("3.00")
    early = {x.info.ref: x.price for x in list_models(cat, at=date(2024, 6, 1))}
    assert early["acme/alpha"] is None


def test_model_view_marks_inherited_prices_and_period_states(cat: runtime.Catalog) -> None:
    view = model_view(cat, "alpha-2025-01-01", today=TODAY)
    assert view.info.ref == "acme/alpha" and view.provider_name == "Acme AI"
    newest, oldest = view.periods
    assert (newest.state, newest.until, oldest.state, oldest.until) == ("current", None, "past", date(2025, 5, 31))
    batch = newest.variants[0]
    assert batch.name == "batch"
    assert [(p.key, str(p.value), p.inherited) for p in batch.prices] == [
        ("input_per_1m", "1.00", False),
        ("output_per_1m", "4.00", False),
        ("cached_input_per_1m", "0.20", True),
    ]
    (tier,) = batch.tiers  # the variant's own tier, over the variant's prices
    assert [(p.key, str(p.value), p.inherited) for p in tier.prices] == [
        ("input_per_1m", "2.00", False),
        ("output_per_1m", "4.00", True),
        ("cached_input_per_1m", "0.20", True),
    ]
    (base_tier,) = newest.tiers
    assert [(p.key, p.inherited) for p in base_tier.prices] == [
        ("input_per_1m", False),
        ("output_per_1m", False),
        ("cached_input_per_1m", True),
    ]


def test_model_view_scheduled_period(make_catalog: MakeCatalog) -> None:
    beta = """\
        # yaml-language-server: $schema=../../../schema/model.schema.json
        id: beta
        name: Beta
        status: active
        released: 2024-01-01
        limits: {context_window: 32000}
        modalities: {input: [text], output: [text]}
        pricing:
          - effective_from: 2027-01-01
            source: https://acme.example/pricing
            checked: 2026-11-01
            input_per_1m: 0.40
            output_per_1m: 1.20
          - effective_from: 2024-01-01
            source: https://acme.example/pricing
            checked: 2026-11-01
            input_per_1m: 0.50
            output_per_1m: 1.50
        """
    cat = runtime_of(make_catalog({"models/acme/beta.yaml": beta}))
    view = model_view(cat, "acme/beta", today=TODAY)
    assert [p.state for p in view.periods] == ["scheduled", "current"]
    assert view.periods[1].until == date(2026, 12, 31)


def test_compare_rows(cat: runtime.Catalog) -> None:
    rows = dict(compare_rows(cat, ["acme/alpha", "zeta/alpha", "acme/gamma"], at=TODAY))
    assert rows["input_per_1m"] == [Decimal("2.00"), Decimal("2.50"), Decimal("0.02")]
    assert rows["output_per_1m"] == [Decimal("8.00"), Decimal("9.00"), None]
    assert rows["tiers"] == [[128000], [], []]
    assert rows["variants"] == [["batch"], ["batch"], []]
    assert rows["vision"] == [True, True, False]
    assert "per_request" not in rows and "audio_input" not in rows  # nobody has them
    batch = dict(compare_rows(cat, ["acme/alpha", "acme/beta"], at=TODAY, variant="batch"))
    assert batch["variant"] == ["batch", None]
    assert batch["input_per_1m"] == [Decimal("1.00"), Decimal("0.50")]


def test_listed_prices_are_the_runtimes(cat: runtime.Catalog) -> None:
    from conftest import REPO
    from modelctl.query.opening import open_catalog

    for catalog in (cat, open_catalog(REPO / "catalog").catalog):
        for day in (TODAY, date(2025, 3, 1), date(2024, 1, 1)):
            for item in list_models(catalog, at=day):
                try:
                    expected = catalog.price(item.info.ref, at=day)
                except runtime.NoPriceError:
                    assert item.price is None
                    continue
                assert item.price is not None
                assert (item.price.prices, item.price.effective_from) == (expected.prices, expected.effective_from)
