"""``Catalog.cost``'s path for text-only usages (the six text counts, every other field at its default)
answers exactly as its full loop over every usage field: the same Cost, component by component and
digit by digit, or the same refusal.  Compared on generated usages, names, variants and instants over
the whole reference catalog, against a catalog whose plans have the text path switched off."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modelctl.runtime import Catalog, CatalogError, Usage
from modelctl.runtime._pricing import TEXT_COUNTS
from modelctl.runtime._usage import USAGE_FIELDS


@pytest.fixture(scope="module")
def pair(repo_artifact: bytes) -> tuple[Catalog, Catalog]:
    fast = Catalog.loads(repo_artifact)
    full = Catalog.loads(repo_artifact)
    compile_plans = full._compile

    def without_text_path(ref: str, variant: str | None) -> Any:
        starts, plans = compile_plans(ref, variant)
        return starts, [None if p is None else p._replace(text=None) for p in plans]

    full._compile = without_text_path  # type: ignore[method-assign]
    return fast, full


def _names(repo_artifact: bytes) -> list[str]:
    cat = Catalog.loads(repo_artifact)
    names = sorted(cat._models)
    # bare ids, provider/alias and bare aliases (some name a variant: Bedrock's regional prefixes)
    for ref in list(names):
        m = cat._models[ref]
        names.append(m["id"].upper())
        names += [f"{m['provider']}/{a}" for a in m.get("aliases", ())]
        names += list(m.get("alias_variants", {}))
    return names


COUNT = st.sampled_from([0, 0, 0, 1, 7, 999, 1200, 128_000, 200_001, 272_001, 1_000_000, 3_000_000]) | st.integers(
    0, 300_000
)
TAIL_FIELDS = list(USAGE_FIELDS[TEXT_COUNTS:])
# Mostly none (the base prices), so that most draws are priced rather than refused.
SERVED = st.sampled_from([None] * 40 + ["batch", "flex", "priority", "regional", "off_peak", "fast", "nope"])
NAMED = ["batch", "flex", "priority", "regional", "off_peak", "fast", "nope", ""]  # "": refused (no such variant)
VARIANTS = st.sampled_from([None] * 40 + NAMED)
AT = st.one_of(
    st.none(),
    st.none(),
    st.dates(date(2023, 1, 1), date(2027, 12, 31)),
    st.dates(date(2026, 9, 1), date(2027, 12, 31)),
    st.datetimes(datetime(2024, 1, 1), datetime(2027, 12, 31)),
    st.datetimes(datetime(2024, 1, 1), datetime(2027, 12, 31), timezones=st.sampled_from([UTC])),
    st.datetimes(
        datetime(2024, 1, 1), datetime(2027, 12, 31), timezones=st.just(timezone(timedelta(hours=5, minutes=30)))
    ),
    st.sampled_from(["2026-11-25", "2026-11-25T02:00:00Z", "2026-11-25T12:00:00+08:00", "2025-01-01T00:00:00"]),
)


@st.composite
def usages(draw: st.DrawFn) -> Usage:
    counts = {f: draw(COUNT) for f in USAGE_FIELDS[:TEXT_COUNTS]}
    if draw(st.integers(0, 3)) == 0:  # now and then a field outside the text ones, or other requests
        counts[draw(st.sampled_from(TAIL_FIELDS))] = draw(st.sampled_from([0, 1, 2, 3, 5000]))
    return Usage(**counts, variant=draw(SERVED))


def _outcome(cat: Catalog, name: str, usage: Usage, at: Any, variant: str | None) -> Any:
    try:
        c = cat.cost(name, usage, at=at, variant=variant)
    except (CatalogError, ValueError, TypeError) as exc:
        return type(exc).__name__, str(exc)
    # str(): the same digits and exponent, not only equal values; list(): the same order
    components = [(k, str(v)) for k, v in c.components.items()]
    return c.model, c.currency, str(c.total), components, c.effective_from, c.variant, c.tier


@pytest.fixture(scope="module")
def names(repo_artifact: bytes) -> list[str]:
    return _names(repo_artifact)


@settings(max_examples=3000, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_the_text_path_answers_as_the_full_loop(
    pair: tuple[Catalog, Catalog], names: list[str], data: st.DataObject
) -> None:
    fast, full = pair
    name = data.draw(st.sampled_from(names))
    usage = data.draw(usages())
    at = data.draw(AT)
    variant = data.draw(VARIANTS)
    assert _outcome(fast, name, usage, at, variant) == _outcome(full, name, usage, at, variant)


def test_the_text_path_is_taken_for_text_only_usages(repo_artifact: bytes) -> None:
    # Not vacuous: break the full loop's rates; a text-only usage is still priced (by the text path),
    # one with an audio count is not (the full loop now finds no price).
    cat = Catalog.loads(repo_artifact)
    starts, plans = cat._plans_for("openai/gpt-4o", None)
    broken = [p._replace(rates=tuple((name, None) for name, _ in p.rates)) for p in plans if p is not None]
    cat._plans[("openai/gpt-4o", None)] = (starts, broken)
    at = date(2026, 11, 25)
    # catalog/models/openai/gpt-4o.yaml: 2.50 in, 10.00 out per 1M
    assert cat.cost("openai/gpt-4o", Usage(input_tokens=100_000, output_tokens=10_000), at=at).total == Decimal("0.35")
    with pytest.raises(CatalogError):
        cat.cost("openai/gpt-4o", Usage(input_tokens=1000, input_audio_tokens=10), at=at)


def test_twice_the_same_answer_from_the_cached_entry(pair: tuple[Catalog, Catalog]) -> None:
    # The first call fills cost()'s entry for the name; the second reads it.
    fast, _ = pair
    usage = Usage(input_tokens=1200, output_tokens=300)
    first = fast.cost("amazon-bedrock/eu.anthropic.claude-sonnet-4-6", usage, at=date(2026, 11, 25))
    again = fast.cost("amazon-bedrock/eu.anthropic.claude-sonnet-4-6", usage, at=date(2026, 11, 25))
    assert first == again and first.variant == "regional"
