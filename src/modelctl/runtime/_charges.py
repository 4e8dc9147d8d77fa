"""What a request is charged, as per-unit rates: the terms ``modelctl reprice --charges`` applies
to each row without building a Usage and a Cost per row.  The same arithmetic as
``Catalog.charge`` (a test checks they agree to the last digit), in the exact money context.
Standard library only."""

from __future__ import annotations

from collections import namedtuple
from decimal import Decimal

from modelctl.runtime._errors import CatalogError
from modelctl.runtime._plans import ROUNDING
from modelctl.runtime._pricing import MONEY, _rates

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from modelctl.runtime._catalog import Catalog


class ChargeTerms(
    namedtuple(
        "ChargeTerms",
        ("model", "plan", "currency", "unit", "basis", "per", "quantum", "mode", "credits", "base", "tiers"),
    )
):
    """``base`` and ``tiers`` (above_input_tokens, rates) hold (cost rates, charge rates), one per usage
    field in ``runtime.USAGE_FIELDS`` order (None: no price for it); ``per`` is request or invoice."""

    __slots__ = ()


_FREE = Decimal(0)


def _plain(rates: Any) -> tuple[Decimal | None, ...]:
    # A usage field without a price and without a component (requests, with no per-request fee) is free.
    return tuple(_FREE if r is None and component is None else r for component, r in rates)


def _scaled(rates: Any, factor: Decimal) -> tuple[Decimal | None, ...]:
    return tuple(None if r is None else MONEY.multiply(r, factor) for r in _plain(rates))


def charge_terms(
    cat: Catalog, model: str, plan: str | None, account: str | None, day: int, variant: str | None
) -> ChargeTerms:
    """The terms in force on ``day`` (a date ordinal).  Entitlements are not decided again: usage is
    charged as it was served (a model disabled since is still billed)."""
    from datetime import date

    ref = cat.resolve(model)
    rules = cat._rules(plan, account)
    plan_doc = rules.plan
    at = date.fromordinal(day)
    priced = cat._plan(ref, at, variant)
    currency = priced.price.currency
    markup, _ = rules.markup(day)
    credits = plan_doc.get("credits_per_usd")
    if credits is not None and currency != "USD":
        raise CatalogError(f"{ref} is priced in {currency}: plan {plan_doc['id']} converts USD to credits")
    to_unit = Decimal(credits) if credits is not None else Decimal(1)
    entry = rules.negotiated(ref, cat._models[ref], day)
    negotiated = None
    if entry is not None and "prices" in entry:
        basis = "negotiated"
        merged = {**priced.price.prices, **{k: Decimal(v) for k, v in entry["prices"].items()}}
        negotiated = _scaled(_rates(merged), to_unit)
    elif entry is not None and "discount_percent" in entry:
        basis = "discount"
        factor = MONEY.multiply(markup, MONEY.subtract(100, Decimal(entry["discount_percent"]))).scaleb(-2, MONEY)
    else:
        basis, factor = "list", markup

    def pair(rates: Any) -> tuple[tuple[Decimal | None, ...], tuple[Decimal | None, ...]]:
        cost = _plain(rates)
        if negotiated is not None:
            return cost, negotiated  # negotiated prices are base prices: no tier, no markup
        return cost, _scaled(rates, MONEY.multiply(factor, to_unit))

    rounding = plan_doc.get("rounding", {})
    return ChargeTerms(
        ref,
        plan_doc["id"],
        currency,
        "credits" if credits is not None else currency,
        basis,
        rounding.get("per", "request"),
        Decimal(1).scaleb(-int(rounding.get("decimals", 6))),
        ROUNDING[rounding.get("mode", "half_up")],
        to_unit,
        pair(priced.rates),
        tuple((above, pair(rates)) for above, rates in priced.tiers),
    )
