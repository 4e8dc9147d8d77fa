"""Usage counts are non-negative ints, checked where a Usage is made, and money is computed
exactly whatever decimal context the application set."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_FLOOR, Decimal, Inexact, localcontext
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modelctl import runtime
from modelctl.runtime import USAGE_FIELDS, Catalog, CatalogError, InvalidUsageError, Usage

D = Decimal
DAY = date(2026, 11, 25)


def test_invalid_usage_error_is_public_and_a_catalog_error() -> None:
    assert "InvalidUsageError" in runtime.__all__
    assert issubclass(InvalidUsageError, CatalogError) and issubclass(InvalidUsageError, ValueError)
    assert InvalidUsageError.__doc__


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (2.5, "not float"),
        (3.0, "not float"),
        (True, "not bool"),
        (False, "not bool"),
        (D("3"), "not Decimal"),
        ("3", "not str"),
        (None, "not NoneType"),
        (-1, "must not be negative"),
    ],
)
@pytest.mark.parametrize("field", USAGE_FIELDS)  # every one: the check is one chained test of them all
def test_a_count_that_is_not_a_non_negative_int_is_refused_naming_the_field(
    field: str, value: object, problem: str
) -> None:
    with pytest.raises(InvalidUsageError, match=f"'{field}' .*{problem}") as info:
        Usage(**{field: value})
    assert info.value.field == field


def test_positional_replace_and_make_are_checked_too() -> None:
    with pytest.raises(InvalidUsageError, match="'input_tokens'"):
        Usage(2.5)
    with pytest.raises(InvalidUsageError, match="'output_tokens'"):
        Usage(1)._replace(output_tokens=-3)
    with pytest.raises(InvalidUsageError, match="'cached_input_tokens'"):
        Usage._make([1, 2, 1.5])


def test_an_unknown_field_is_a_usage_error() -> None:
    with pytest.raises(TypeError, match="foo"):
        Usage(foo=1)  # type: ignore[call-arg]


def test_adding_never_stores_not_implemented() -> None:
    with pytest.raises(InvalidUsageError):
        Usage(1) + Usage(2.5)  # the bad side never exists
    total = Usage(1, 2) + Usage(3, 4)
    assert total.input_tokens == 4 and total.output_tokens == 6 and total.requests == 2
    assert all(type(v) is int for v in total[: len(USAGE_FIELDS)])
    assert Usage(1).__add__((1, 2)) is NotImplemented


def test_adding_usages_served_as_different_variants_is_refused() -> None:
    assert (Usage(1, variant="flex") + Usage(2, variant="flex")).variant == "flex"
    with pytest.raises(InvalidUsageError, match="variant"):
        Usage(1, variant="flex") + Usage(2)


def test_variant_must_be_a_name() -> None:
    with pytest.raises(InvalidUsageError, match="'variant'"):
        Usage(1, variant="")
    with pytest.raises(InvalidUsageError, match="'variant'"):
        Usage(1, variant=3)  # type: ignore[arg-type]


def test_big_ints_are_counts() -> None:
    assert Usage(input_tokens=10**30).input_tokens == 10**30


def test_a_dict_usage_with_a_bad_count_is_refused(repo: Catalog) -> None:
    with pytest.raises(InvalidUsageError, match="'input_tokens'"):
        repo.cost("openai/gpt-4o", {"input_tokens": 1.5}, at=DAY)  # type: ignore[arg-type]


# --- the decimal context -----------------------------------------------------------------------


def test_an_application_context_of_six_digits_does_not_round_a_cost(repo: Catalog) -> None:
    # 123,456,789 input tokens of gpt-4o at 2.50 USD per 1M: 123456789 * 2.5 / 10**6 by hand.
    usage = Usage(input_tokens=123_456_789, requests=1_000)  # within the 128k window per request
    with localcontext() as ctx:
        ctx.prec = 6
        ctx.rounding = ROUND_FLOOR
        ctx.traps[Inexact] = True
        cost = repo.cost("openai/gpt-4o", usage, at=DAY)
        assert cost.total == D("308.6419725")
        assert cost.components["input"] == D("308.6419725")
        price = repo.price("openai/gpt-4o", at=DAY)
    assert price.prices["input_per_1m"] == D("2.50")


def test_a_huge_count_is_exact(repo: Catalog) -> None:
    n = 10**40 + 7
    with localcontext() as ctx:
        ctx.prec = 3
        cost = repo.cost("openai/gpt-4o", Usage(input_tokens=n, output_tokens=n, requests=n), at=DAY)
    assert Fraction(cost.total) == Fraction(n * 250, 100 * 10**6) + Fraction(n * 1000, 100 * 10**6)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 10**15),
    st.integers(0, 10**15),
    st.integers(0, 10**15),
    st.integers(1, 12),
)
def test_costs_are_exact_at_any_application_precision(
    repo: Catalog, n_in: int, n_out: int, n_cached: int, prec: int
) -> None:
    # gpt-4o: 2.50 input, 10.00 output, 1.25 cached input per 1M (catalog/models/openai/gpt-4o.yaml).
    usage = Usage(input_tokens=n_in, output_tokens=n_out, cached_input_tokens=n_cached, requests=10**12)
    with localcontext() as ctx:
        ctx.prec = prec
        total = repo.cost("openai/gpt-4o", usage, at=DAY).total
    expected = (
        Fraction(n_in) * Fraction("2.50") + Fraction(n_out) * 10 + Fraction(n_cached) * Fraction("1.25")
    ) / 10**6
    assert Fraction(total) == expected
