"""The integer money of ``reprice --charges`` (usage/charge_money.py) is the Decimal money it
replaced: per-request rounding, for every rounding mode and number of decimals, and the cells'
cost and exact charge, equal to the last digit and with the same exponent, whatever the rates
and counts (huge ones and zero too)."""

from __future__ import annotations

import copy
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal, localcontext
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO
from modelctl.artifact.compile import content_of
from modelctl.rules.validate import validate_catalog
from modelctl.runtime import Catalog, Usage
from modelctl.runtime._pricing import MONEY
from modelctl.usage.charge_money import decimal_of, linear, rounder, scaled
from modelctl.usage.charges import charges

MODES = [ROUND_UP, ROUND_HALF_UP, ROUND_HALF_EVEN, ROUND_DOWN]
ZERO = Decimal(0)

RATE = st.one_of(
    st.builds(
        lambda m, e: Decimal(m).scaleb(e),
        st.integers(min_value=0, max_value=10**30),
        st.integers(min_value=-40, max_value=6),
    ),
    st.sampled_from([Decimal("0"), Decimal("0.000"), Decimal("0.0000025"), Decimal("1.2E+3"), Decimal("0.5")]),
)
SMALL = st.integers(min_value=0, max_value=2**64 - 1)
HUGE = st.one_of(SMALL, st.integers(min_value=0, max_value=10**300), st.sampled_from([0, 1, 10**250]))


def _row_by_row_before(rates: list[Decimal], counts: list[int], quantum: Decimal, mode: str) -> Decimal:
    """usage/charges.py's loop before the integer path: a Decimal charge, quantized."""
    with localcontext() as ctx:
        ctx.prec = 200
        charge = ZERO
        for units, rate in zip(counts, rates, strict=True):
            if units:
                charge += rate * units
        return ZERO + charge.quantize(quantum, rounding=mode)


def _exact(rates: list[Decimal], counts: list[int], quantum: Decimal, mode: str) -> Decimal:
    """The same with unbounded precision (the runtime's MONEY context): what charge() computes."""
    charge = ZERO
    for units, rate in zip(counts, rates, strict=True):
        if units:
            charge = MONEY.add(charge, MONEY.multiply(rate, units))
    return MONEY.add(ZERO, charge.quantize(quantum, rounding=mode, context=MONEY))


def _integer(rates: list[Decimal], counts: list[int], decimals: int, mode: str) -> Decimal:
    scale, ints = scaled(rates)
    rnd = rounder(scale, decimals, mode)
    return decimal_of(rnd(sum(i * u for i, u in zip(ints, counts, strict=True))), decimals)


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(st.tuples(RATE, SMALL), min_size=1, max_size=10),
    st.integers(min_value=0, max_value=12),
    st.sampled_from(MODES),
)
def test_per_request_rounding_equals_the_decimal_loop(pairs: list[Any], decimals: int, mode: str) -> None:
    rates, counts = [p[0] for p in pairs], [p[1] for p in pairs]
    quantum = Decimal(1).scaleb(-decimals)
    got = _integer(rates, counts, decimals, mode)
    assert got.as_tuple() == _row_by_row_before(rates, counts, quantum, mode).as_tuple()  # value and exponent
    assert got.as_tuple() == _exact(rates, counts, quantum, mode).as_tuple()


@settings(max_examples=800, deadline=None)
@given(
    st.lists(st.tuples(st.one_of(RATE, RATE.map(lambda r: -r)), HUGE), min_size=1, max_size=10),
    st.integers(min_value=0, max_value=12),
    st.sampled_from(MODES),
)
def test_per_request_rounding_is_exact_for_huge_counts_and_any_sign(pairs: list[Any], decimals: int, mode: str) -> None:
    """Past what 200 digits hold (the old loop's precision) the integers are still exact; a negative
    rate (no catalog has one) rounds as quantize does, away from or towards zero."""
    rates, counts = [p[0] for p in pairs], [p[1] for p in pairs]
    got = _integer(rates, counts, decimals, mode)
    assert got.as_tuple() == _exact(rates, counts, Decimal(1).scaleb(-decimals), mode).as_tuple()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("decimals", [0, 1, 3, 6, 12])
def test_ties_and_neighbours(mode: str, decimals: int) -> None:
    """Amounts just below, at and just above each half-way point, on both sides of zero."""
    step = Decimal(1).scaleb(-decimals - 3)  # rates 1000 x finer than the quantum
    quantum = Decimal(1).scaleb(-decimals)
    for units in [*range(0, 3001, 1), 10**40 + 500, 10**40 + 1500]:
        for rate in (step, -step):
            got = _integer([rate], [units], decimals, mode)
            assert got.as_tuple() == _exact([rate], [units], quantum, mode).as_tuple(), (rate, units)


@settings(max_examples=500, deadline=None)
@given(st.lists(RATE, min_size=1, max_size=6).flatmap(
    lambda rates: st.tuples(st.just(rates), st.lists(st.lists(SMALL, min_size=len(rates), max_size=len(rates)), min_size=1, max_size=6))
))  # fmt: skip
def test_a_cell_priced_once_equals_its_rows_summed(case: Any) -> None:
    """Cost and exact charge from the sums of a cell's counts: the row-by-row Decimal sum exactly."""
    rates, rows = case
    with localcontext() as ctx:
        ctx.prec = 200
        before = ZERO
        for counts in rows:
            row = ZERO
            for units, rate in zip(counts, rates, strict=True):
                if units:
                    row += rate * units
            before += row
    totals = [sum(c) for c in zip(*rows, strict=True)]
    assert linear(rates, totals).as_tuple() == before.as_tuple()


def test_scaled_rates_are_whole_and_none_is_zero() -> None:
    assert scaled([Decimal("0.0000025"), None, Decimal("3E+2"), Decimal("0.10")]) == (
        7,
        (25, 0, 3_000_000_000, 1_000_000),
    )
    assert scaled([None, None]) == (0, (0, 0))
    assert scaled([Decimal(5)]) == (0, (5,))


@pytest.fixture(scope="module")
def content() -> dict[str, Any]:
    return content_of(validate_catalog(REPO / "catalog", today=date(2026, 11, 25)).catalog)


@pytest.mark.parametrize("mode", ["up", "half_up", "half_even", "down"])
@pytest.mark.parametrize("decimals", [0, 2, 6, 12])
def test_charges_round_every_request_as_charge_does(
    content: dict[str, Any], tmp_path: Path, mode: str, decimals: int
) -> None:
    """Through reprice --charges, per request, for each mode and number of decimals: the group's
    amount is the sum of charge() amounts (value and exponent), with tiers, zeros and huge counts
    (with 12 decimals, an amount of more than 28 digits: it was rounded to the default context's)."""
    doc = copy.deepcopy(content)
    doc["plans"]["pro"]["rounding"] = {"decimals": decimals, "mode": mode}
    cat = Catalog.from_content(doc)
    top = 2**64 - 1  # the largest count a usage file may have (a larger one is refused, as in plain reprice)
    counts = [(1, 0), (0, 0), (7, 3), (150_001, 11), (299_999, 5), (12_345, top), (3, top), (5, top - 1)]
    path = tmp_path / "usage.csv"
    path.write_text(
        "timestamp,model,input_tokens,output_tokens,plan\n"
        + "".join(f"2026-11-20,openai/gpt-6-sol,{i},{o},pro\n" for i, o in counts)
    )
    result = charges(path, cat, group_by=("plan",))
    assert result.error_count == 0, result.errors
    (group,) = result.groups
    amount = ZERO
    exact = ZERO
    for i, o in counts:
        charge = cat.charge("openai/gpt-6-sol", Usage(input_tokens=i, output_tokens=o), plan="pro", at="2026-11-20")
        amount = MONEY.add(amount, charge.amount)
        exact = MONEY.add(exact, charge.exact)
    assert group.amount.as_tuple() == amount.as_tuple()
    assert group.exact == exact and group.rows == len(counts)
    assert result.totals == {group.unit: amount}
    assert decimals < 12 or len(amount.as_tuple().digits) > 28


@pytest.mark.parametrize("per", ["request", "invoice"])
def test_what_if_charges_are_exact_for_huge_counts(content: dict[str, Any], tmp_path: Path, per: str) -> None:
    """The same rows on a what-if model: the sum of charge() on that model, to the last digit, for
    the largest counts too (a count of 10**250 was a decimal.InvalidOperation traceback, quantize
    at 200 digits; a count past 2**64 - 1 is now refused as plain reprice refuses it)."""
    doc = copy.deepcopy(content)
    doc["plans"]["pro"]["rounding"] = {"decimals": 3, "mode": "half_even", "per": per}
    cat = Catalog.from_content(doc)
    counts = [(7, 3), (12_345, 2**64 - 1), (3, 2**64 - 1), (5, 2**63)]
    path = tmp_path / "usage.csv"
    path.write_text(
        "timestamp,model,input_tokens,output_tokens,plan\n"
        + "".join(f"2026-11-20,openai/gpt-6-sol,{i},{o},pro\n" for i, o in counts)
    )
    result = charges(path, cat, group_by=("plan",), what_if=("openai/gpt-6-luna",))
    assert not result.failed, result.errors
    (group,) = result.groups
    (what_if,) = group.what_if
    exact = ZERO
    amount = ZERO
    for i, o in counts:
        charge = cat.charge("openai/gpt-6-luna", Usage(input_tokens=i, output_tokens=o), plan="pro", at="2026-11-20")
        exact = MONEY.add(exact, charge.exact)
        amount = MONEY.add(amount, charge.amount)
    if per == "invoice":
        amount = exact.quantize(Decimal("0.001"), rounding=ROUND_HALF_EVEN, context=MONEY)
    assert what_if.exact == exact and what_if.amount == amount
    assert result.what_if[0].totals == {what_if.unit: amount}
