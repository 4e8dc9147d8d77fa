"""Hostile arguments to the runtime's public methods: only the documented errors (docs/runtime.md
"Errors": CatalogError subclasses, TypeError for a wrong type, ValueError for an ``at`` that is no
day), never an OverflowError, a RuntimeError of the caller's tzinfo, or a wrong answer cached for
the next caller."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modelctl.runtime import Catalog, CatalogError, NoPriceError, Usage


class RaisingTZ(tzinfo):
    def utcoffset(self, dt: datetime | None) -> timedelta:
        raise RuntimeError("tz database unavailable")

    def dst(self, dt: datetime | None) -> timedelta:
        raise RuntimeError("tz database unavailable")


PLUS5, MINUS5 = timezone(timedelta(hours=5)), timezone(timedelta(hours=-5))
# Instants whose UTC day is before 0001-01-01 or after 9999-12-31.
OUT_OF_RANGE: list[Any] = [
    datetime(1, 1, 1, tzinfo=PLUS5),
    datetime(9999, 12, 31, 23, 59, tzinfo=MINUS5),
    "0001-01-01T00:00+05:00",
    "9999-12-31T23:59-05:00",
]
USAGE = Usage(input_tokens=1_000, output_tokens=500)


def _calls(catalog: Catalog, at: Any) -> list[Any]:
    return [
        lambda: catalog.price("openai/gpt-4o", at=at),
        lambda: catalog.cost("openai/gpt-4o", USAGE, at=at),
        lambda: catalog.cost("deepseek/deepseek-chat", USAGE, at=at),  # time-of-day windows
        lambda: catalog.charge("openai/gpt-6-luna", USAGE, plan="pro", at=at),
    ]


@pytest.mark.parametrize("at", OUT_OF_RANGE, ids=str)
def test_an_instant_whose_utc_day_is_out_of_range_is_a_value_error(repo: Catalog, at: Any) -> None:
    for call in _calls(repo, at):
        with pytest.raises(ValueError, match=r"at=.*out of range.*UTC"):
            call()


def test_a_tzinfo_that_raises_is_a_value_error_with_its_error_as_the_cause(repo: Catalog) -> None:
    at = datetime(2026, 6, 1, 12, tzinfo=RaisingTZ())
    for call in _calls(repo, at):
        with pytest.raises(ValueError, match="tzinfo RaisingTZ raised RuntimeError: tz database unavailable") as info:
            call()
        assert isinstance(info.value.__cause__, RuntimeError)


def test_the_edges_of_the_calendar_are_priced_or_have_no_price(repo: Catalog) -> None:
    for at in (date(1, 1, 1), datetime(1, 1, 1), datetime(1, 1, 1, 5, tzinfo=PLUS5)):
        with pytest.raises(NoPriceError):
            repo.cost("openai/gpt-4o", USAGE, at=at)
    last = repo.cost("openai/gpt-4o", USAGE, at=date(9999, 12, 31))
    assert last == repo.cost("openai/gpt-4o", USAGE, at=datetime(9999, 12, 31, 23, 59, tzinfo=UTC))
    assert last == repo.cost("openai/gpt-4o", USAGE, at=datetime(9999, 12, 31, 23, 59, tzinfo=PLUS5))


OFFSETS = st.integers(min_value=-24 * 60 + 1, max_value=24 * 60 - 1).map(lambda m: timezone(timedelta(minutes=m)))


@settings(max_examples=300, deadline=None)
@given(
    moment=st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59)),
    tz=st.none() | OFFSETS,
    as_text=st.booleans(),
    model=st.sampled_from(["openai/gpt-4o", "deepseek/deepseek-chat", "anthropic/claude-sonnet-4-6"]),
)
def test_any_instant_is_priced_as_its_utc_instant_or_refused_with_a_documented_error(
    repo: Catalog, moment: datetime, tz: tzinfo | None, as_text: bool, model: str
) -> None:
    at: Any = moment.replace(tzinfo=tz)
    if as_text:
        at = at.isoformat()
    try:
        cost = repo.cost(model, USAGE, at=at)
    except CatalogError:
        return
    except ValueError as exc:
        assert "out of range" in str(exc)  # noqa: PT017
        return
    utc = moment.replace(tzinfo=tz).astimezone(UTC).replace(tzinfo=None) if tz is not None else moment
    assert cost == repo.cost(model, USAGE, at=utc)
    assert repo.price(model, at=at) == repo.price(model, at=utc)
