"""Catalog.plan / Catalog.account / Catalog.purposes: what a plan's or account's file says, for tools
that show it; copies, Decimals, the defaults filled in, UnknownPlanError for an unknown id."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import MakeCatalog
from modelctl.artifact.compile import SourceInfo, compile_artifact, content_of
from modelctl.rules.validate import validate_catalog
from modelctl.runtime import Catalog, UnknownPlanError
from plans_helpers import plans_catalog


@pytest.fixture
def catalog(make_catalog: MakeCatalog) -> Catalog:
    result = validate_catalog(plans_catalog(make_catalog))
    assert result.valid, [str(f) for f in result.findings]
    return Catalog.loads(compile_artifact(result.catalog, SourceInfo()).data)


def test_a_plan_as_its_file_says(catalog: Catalog) -> None:
    pro = catalog.plan("pro")
    assert (pro.id, pro.name, pro.description) == ("pro", "Pro", "Every current acme model, in whole credits.")
    assert pro.allow == ("acme/*",) and pro.deny == ("{status: deprecated}",)
    assert pro.defaults == {"chat": ("acme/alpha",)}
    assert pro.markup == Decimal("1.20") and str(pro.markup) == "1.20"
    assert pro.credits_per_usd == Decimal(1000)
    assert pro.rounding == {"decimals": 0, "mode": "up", "per": "request"}
    assert pro.markups == () and pro.rollouts == () and pro.accounts == ()
    biz = catalog.plan("biz")  # no credits, no rounding: the documented defaults
    assert biz.credits_per_usd is None and biz.rounding == {"decimals": 6, "mode": "half_up", "per": "request"}
    assert biz.defaults == {"chat": ("acme/alpha", "acme/beta")} and biz.accounts == ("bigco",)


def test_an_account_as_its_file_says(catalog: Catalog) -> None:
    big = catalog.account("bigco")
    assert (big.id, big.name, big.plan) == ("bigco", "BigCo", "biz")
    assert big.allow == ("acme/alpha",) and big.deny == () and big.widen == ()
    assert big.defaults == {} and big.rollouts == {}
    first, second = big.pricing
    assert first["model"] == "acme/alpha" and first["prices"] == {"input_per_1m": "1.50"}
    assert first["note"] == "contract 7" and second == {"model": "acme/*", "discount_percent": "10"}
    assert catalog.purposes() == ("chat", "embedding")


def test_the_answers_are_copies(catalog: Catalog) -> None:
    catalog.account("bigco").pricing[0]["prices"]["input_per_1m"] = "0.01"
    catalog.plan("biz").defaults.clear()
    assert catalog.account("bigco").pricing[0]["prices"] == {"input_per_1m": "1.50"}
    assert catalog.plan("biz").defaults == {"chat": ("acme/alpha", "acme/beta")}
    assert catalog.default_model("chat", account="bigco").model == "acme/alpha"


def test_unknown_ids(catalog: Catalog, make_catalog: MakeCatalog) -> None:
    with pytest.raises(UnknownPlanError, match="unknown plan 'gold'; plans: biz, pro"):
        catalog.plan("gold")
    with pytest.raises(UnknownPlanError, match="unknown account 'nobody'"):
        catalog.account("nobody")
    content = content_of(validate_catalog(make_catalog(name="again")).catalog)  # MINI: no plans, no accounts
    public = Catalog.from_content(content)
    with pytest.raises(UnknownPlanError, match="a public artifact leaves them out"):
        public.account("bigco")
