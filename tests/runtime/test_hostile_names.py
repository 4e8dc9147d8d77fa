"""Hostile names and ids: a str subclass that lies about equality or raises from ``__hash__`` never
decides what a later, plain name finds (the runtime's caches keep plain copies); a plan, account,
subject, purpose or rollout of the wrong type is a TypeError naming it (docs/runtime.md "Errors");
a usage dict with a field the usage has not is a TypeError naming the field; a tzinfo with no
offset leaves an instant naive, so UTC, never the machine's local time."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal
from enum import StrEnum
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modelctl.runtime import Catalog, CatalogError, NoPriceError, Usage

USAGE = Usage(input_tokens=1_000, output_tokens=500)
GPT4O, SONNET = "openai/gpt-4o", "anthropic/claude-sonnet-4-6"


class Liar(str):
    """Equal to everything, hashed as gpt-4o: a plain "openai/gpt-4o" would find its cache entry."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return True

    def __hash__(self) -> int:
        return hash(GPT4O)


class Unhashable(str):
    __slots__ = ()

    def __hash__(self) -> int:
        raise RuntimeError("no hash for you")


class Names(StrEnum):
    SONNET = SONNET


@pytest.fixture
def fresh(repo_artifact: bytes) -> Catalog:
    """A catalog of its own: these tests fill its caches on purpose."""
    return Catalog.loads(repo_artifact)


def _answers(catalog: Catalog, name: str) -> list[Any]:
    """What each name-taking method answers for ``name``; a str answer as (its type, its text), so that
    a Liar (equal to anything) cannot pass for the right name."""
    return [(type(a).__name__, str.__str__(a)) if isinstance(a, str) else a for a in _raw_answers(catalog, name)]


def _raw_answers(catalog: Catalog, name: str) -> list[Any]:
    return [
        catalog.resolve(name),
        catalog.model(name).ref,
        catalog.price(name, at="2026-06-01").prices,
        catalog.cost(name, USAGE, at="2026-06-01").total,
        catalog.cost(name, USAGE, at="2026-06-01", variant="batch").total,
        catalog.allowed(name, plan="pro").model,
        catalog.allowed(name, plan="pro", subject="user-1").model,
        catalog.charge(name, USAGE, plan="pro", at="2026-06-01").amount,
    ]


def test_a_lying_str_subclass_seen_first_does_not_poison_the_plain_name(fresh: Catalog, repo: Catalog) -> None:
    # The liar's text is Sonnet's; its hash and equality claim gpt-4o. Seen first, it is read as the
    # plain text it holds (Sonnet), and cached under that text alone.
    assert _answers(fresh, Liar(SONNET)) == _answers(repo, SONNET)
    assert _answers(fresh, GPT4O) == _answers(repo, GPT4O)
    assert _answers(fresh, GPT4O)[0] == ("str", GPT4O)
    assert _answers(fresh, SONNET) == _answers(repo, SONNET)


def test_a_lying_plan_or_account_does_not_poison_the_plain_one(fresh: Catalog) -> None:
    class LiarPlan(str):
        def __eq__(self, other: object) -> bool:
            return True

        def __hash__(self) -> int:
            return hash("free")

    pro = fresh.charge(GPT4O, USAGE, plan=LiarPlan("pro"), at="2026-06-01")
    assert type(pro.plan) is str and pro.plan == "pro"
    free = fresh.allowed(GPT4O, plan="free")
    assert str.startswith(free.rule, "plan free"), free  # decided by free's rules, not pro's cached decision
    cheap = fresh.models_for(plan="free")[0].ref
    assert fresh.charge(cheap, USAGE, plan="free").rule == "plan free list"
    assert all(k is None or type(k) is str for key in fresh._plan_rules for k in key)  # noqa: SLF001 - plain copies kept


def test_a_str_subclass_whose_hash_raises_is_read_as_its_text(fresh: Catalog, repo: Catalog) -> None:
    assert _answers(fresh, Unhashable(GPT4O)) == _answers(repo, GPT4O)
    assert GPT4O in fresh and Unhashable(GPT4O) in fresh
    assert fresh.allowed(GPT4O, plan=Unhashable("pro"), account=None) == repo.allowed(GPT4O, plan="pro")
    assert fresh.models_for(plan=Unhashable("pro")) == repo.models_for(plan="pro")
    assert fresh.default_model(Unhashable("chat"), plan="pro") == repo.default_model("chat", plan="pro")
    assert fresh.cost(GPT4O, USAGE, at="2026-06-01", variant=Unhashable("batch")) == repo.cost(
        GPT4O, USAGE, at="2026-06-01", variant="batch"
    )


def test_an_enum_of_names_is_priced_as_its_value(fresh: Catalog, repo: Catalog) -> None:
    assert _answers(fresh, Names.SONNET) == _answers(repo, SONNET)
    assert all(type(k) is str for k in fresh._resolved)  # noqa: SLF001 - the cache keeps plain copies


WRONG: list[Any] = [5, ["pro"], b"pro", 1.5, {"pro": 1}]


def _calls_taking(catalog: Catalog, what: str, value: Any) -> list[Callable[[], Any]]:
    if what == "plan":
        return [
            lambda: catalog.allowed(GPT4O, plan=value),
            lambda: catalog.allowed(GPT4O, plan=value, subject="u"),
            lambda: catalog.models_for(plan=value),
            lambda: catalog.default_model("chat", plan=value),
            lambda: catalog.charge(GPT4O, USAGE, plan=value),
            lambda: catalog.plan(value),
            lambda: catalog.rollouts(value),
            lambda: catalog.rollout(value, "gpt-6-1-sol-launch"),
        ]
    if what == "account":
        return [
            lambda: catalog.allowed(GPT4O, account=value),
            lambda: catalog.models_for(account=value),
            lambda: catalog.account(value),
            lambda: catalog.plan_of(value),
            lambda: catalog.charge(GPT4O, USAGE, account=value),
        ]
    if what == "subject":
        return [
            lambda: catalog.allowed(GPT4O, plan="pro", subject=value),
            lambda: catalog.models_for(plan="pro", subject=value),
            lambda: catalog.default_model("chat", plan="pro", subject=value),
        ]
    if what == "purpose":
        return [lambda: catalog.default_model(value, plan="pro")]
    assert what == "rollout"
    return [lambda: catalog.rollout("pro", value), lambda: catalog.arm("pro", value, "user-1")]


@pytest.mark.parametrize("what", ["plan", "account", "subject", "purpose", "rollout"])
@pytest.mark.parametrize("value", WRONG, ids=lambda v: type(v).__name__)
def test_an_id_of_the_wrong_type_is_a_type_error_naming_it(fresh: Catalog, what: str, value: Any) -> None:
    for call in _calls_taking(fresh, what, value):
        with pytest.raises(TypeError, match=rf"^{what} must be a str"):
            call()


def test_none_where_an_id_is_required_is_a_type_error(fresh: Catalog) -> None:
    with pytest.raises(TypeError, match="purpose must be a str, not NoneType"):
        fresh.default_model(None, plan="pro")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="rollout must be a str, not NoneType"):
        fresh.rollout("pro", None)  # type: ignore[arg-type]


IDS = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(["pro", "free", "acme-bank", "chat", GPT4O]),
    st.integers(),
    st.binary(max_size=4),
    st.lists(st.text(max_size=3), max_size=2),
    st.builds(Unhashable, st.sampled_from(["pro", "free", "chat"])),
)


@settings(max_examples=300, deadline=None)
@given(model=IDS, plan=IDS, account=IDS, subject=IDS, purpose=IDS)
def test_any_ids_give_an_answer_or_a_documented_error(
    repo_artifact: bytes, model: Any, plan: Any, account: Any, subject: Any, purpose: Any
) -> None:
    catalog = Catalog.loads(repo_artifact)
    calls: list[Callable[[], Any]] = [
        lambda: catalog.allowed(model, plan=plan, account=account, subject=subject),
        lambda: catalog.models_for(plan=plan, account=account, subject=subject),
        lambda: catalog.default_model(purpose, plan=plan, account=account, subject=subject),
        lambda: catalog.charge(model, USAGE, plan=plan, account=account, at="2026-06-01"),
    ]
    for call in calls:
        try:
            call()
        except (TypeError, CatalogError):
            pass


def test_a_usage_dict_with_a_field_usage_has_not_is_a_type_error_naming_it(repo: Catalog) -> None:
    with pytest.raises(TypeError, match=r"usage has no field 'input_token': a dict of usage holds input_tokens, "):
        repo.cost(GPT4O, {"input_token": 1_000, "output_tokens": 5})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"usage has no field 5, 'x'"):
        repo.cost(GPT4O, {5: 1, "x": 2})  # type: ignore[arg-type]
    # the fields it has, variant included, are a usage
    assert repo.cost(GPT4O, {"input_tokens": 1_000, "output_tokens": 500, "variant": "batch"}, at="2026-06-01") == (
        repo.cost(GPT4O, USAGE, at="2026-06-01", variant="batch")
    )


class NoOffset(tzinfo):
    """A tzinfo that knows no offset: Python treats the datetime as naive."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None


@pytest.fixture
def new_york() -> Iterator[None]:
    """The process's local time is New York's (astimezone() reads a naive datetime as local time)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


@pytest.mark.usefixtures("new_york")
@pytest.mark.parametrize("hour", [14, 22])
def test_a_tzinfo_with_no_offset_is_read_as_utc_not_local_time(repo: Catalog, hour: int) -> None:
    # deepseek-chat is at its peak price 00:30-16:30 UTC: 14:00 UTC is peak, 22:00 UTC off-peak. Read
    # as New York time they would be 18:00 UTC (off-peak) and 02:00 UTC the next day (peak).
    usage = Usage(input_tokens=10_000)
    naive = datetime(2026, 6, 1, hour)
    odd = datetime(2026, 6, 1, hour, tzinfo=NoOffset())
    peak = hour == 14
    expected = Decimal("0.0027") if peak else Decimal("0.00135")  # 10,000 x 0.27 or 0.135 per 1M
    for at in (naive, odd):
        assert repo.cost("deepseek/deepseek-chat", usage, at=at).total == expected
        assert repo.price("deepseek/deepseek-chat", at=at).variant == (None if peak else "off_peak")


def test_variants_a_response_invents_are_refused_and_kept_within_bounds(fresh: Catalog) -> None:
    # A service tier is whatever string a response carries: each unknown one is a NoPriceError naming
    # it, and the per-variant cache stops growing at its bound (1,000 variants) instead of with them.
    for i in range(1_500):
        with pytest.raises(NoPriceError, match=f"has no variant 'tier-{i}'"):
            fresh.cost(GPT4O, Usage(input_tokens=1, variant=f"tier-{i}"), at="2026-06-01")
    assert len(fresh._costing_by) == 1_000  # noqa: SLF001
    batch = fresh.cost(GPT4O, USAGE, at="2026-06-01", variant="batch")
    assert batch.variant == "batch" and batch.total == Decimal("0.00375")  # half of 1,000 x 2.50 + 500 x 10.00 per 1M
