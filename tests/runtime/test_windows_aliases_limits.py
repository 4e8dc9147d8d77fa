"""Time-of-day price windows, aliases that name a variant, dated limits, and what a model can serve:
each priced by hand from the reference catalog file named in the comment."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modelctl.runtime import Catalog, NoPriceError, UnsupportedUsageError, Usage
from modelctl.runtime._pricing import compile_windows, week_table, window_variant

M = Usage(input_tokens=1_000_000, output_tokens=1_000_000)


# catalog/models/deepseek/deepseek-v4-flash.yaml, period from 2026-09-10: peak (the base) 0.30 in,
# 1.20 out; off_peak 0.15 / 0.60 outside 01:00-04:00 and 06:00-10:00 UTC, and on weekends all day.
@pytest.mark.parametrize(
    ("at", "total", "variant"),
    [
        (datetime(2026, 11, 25, 0, 59, tzinfo=UTC), "0.75", "off_peak"),  # a Wednesday
        (datetime(2026, 11, 25, 1, 0, tzinfo=UTC), "1.50", None),  # the window closes at 01:00
        (datetime(2026, 11, 25, 3, 59, tzinfo=UTC), "1.50", None),
        (datetime(2026, 11, 25, 4, 0, tzinfo=UTC), "0.75", "off_peak"),
        (datetime(2026, 11, 25, 6, 0, tzinfo=UTC), "1.50", None),
        (datetime(2026, 11, 25, 10, 0, tzinfo=UTC), "0.75", "off_peak"),
        (datetime(2026, 11, 25, 23, 59, tzinfo=UTC), "0.75", "off_peak"),
        (datetime(2026, 11, 28, 2, 0, tzinfo=UTC), "0.75", "off_peak"),  # Saturday: off-peak all day
        (datetime(2026, 11, 29, 8, 0, tzinfo=UTC), "0.75", "off_peak"),  # Sunday
        (datetime(2026, 11, 30, 2, 0, tzinfo=UTC), "1.50", None),  # Monday peak
        (datetime(2026, 11, 25, 2, 30), "1.50", None),  # naive: UTC
        (datetime(2026, 11, 25, 10, 30, tzinfo=timezone(timedelta(hours=8))), "1.50", None),  # 02:30 UTC
        ("2026-11-25T12:00:00Z", "0.75", "off_peak"),
        ("2026-11-25T02:00:00+00:00", "1.50", None),
    ],
)
def test_deepseek_windows(repo: Catalog, at: datetime | str, total: str, variant: str | None) -> None:
    cost = repo.cost("deepseek/deepseek-v4-flash", M, at=at)
    assert cost.total == D(total) and cost.variant == variant


def test_a_date_alone_is_the_base_price(repo: Catalog) -> None:
    assert repo.cost("deepseek/deepseek-v4-flash", M, at=date(2026, 11, 25)).total == D("1.50")
    assert repo.cost("deepseek/deepseek-v4-flash", M, at="2026-11-25").total == D("1.50")


def test_an_explicit_variant_wins_over_a_window(repo: Catalog) -> None:
    at = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # peak
    assert repo.cost("deepseek/deepseek-v4-flash", M, at=at, variant="off_peak").total == D("0.75")


def test_weekends_are_off_peak_only_from_2026_08_23(repo: Catalog) -> None:
    # 2026-08-22 is a Saturday: the 2026-08-17 period (off_peak 0.22 / 0.66) has no weekend window.
    assert repo.cost("deepseek/deepseek-v4-flash", M, at=datetime(2026, 8, 22, 2, 0, tzinfo=UTC)).total == D("1.50")
    assert repo.cost("deepseek/deepseek-v4-flash", M, at=datetime(2026, 8, 22, 12, 0, tzinfo=UTC)).total == D("0.88")
    assert repo.cost("deepseek/deepseek-v4-flash", M, at=datetime(2026, 8, 29, 2, 0, tzinfo=UTC)).total == D("0.88")


def test_deepseek_chat_window_wraps_midnight(repo: Catalog) -> None:
    # catalog/models/deepseek/deepseek-chat.yaml: 0.27 / 1.10 at peak, off_peak 0.135 / 0.55 from 16:30 to 00:30.
    chat = "deepseek/deepseek-chat"
    M = Usage(input_tokens=1_000_000, output_tokens=1_000_000, requests=20)  # 64k window: 20 requests
    assert repo.cost(chat, M, at=datetime(2026, 3, 2, 16, 29, tzinfo=UTC)).total == D("1.37")
    assert repo.cost(chat, M, at=datetime(2026, 3, 2, 16, 30, tzinfo=UTC)).total == D("0.685")
    assert repo.cost(chat, M, at=datetime(2026, 3, 3, 0, 29, tzinfo=UTC)).total == D("0.685")
    assert repo.cost(chat, M, at=datetime(2026, 3, 3, 0, 30, tzinfo=UTC)).total == D("1.37")


def test_price_applies_windows_too(repo: Catalog) -> None:
    assert repo.price("deepseek/deepseek-v4-flash", at=datetime(2026, 11, 25, 12, tzinfo=UTC)).variant == "off_peak"
    assert repo.price("deepseek/deepseek-v4-flash", at=date(2026, 11, 25)).variant is None


# --- aliases that name a variant ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "total"),
    [
        # catalog/models/amazon-bedrock/claude-sonnet-4-6.yaml: global 3.00 / 15.00; regional 3.30 / 16.50
        ("amazon-bedrock/global.anthropic.claude-sonnet-4-6", "18.00"),
        ("amazon-bedrock/eu.anthropic.claude-sonnet-4-6", "19.80"),
        ("amazon-bedrock/us.anthropic.claude-sonnet-4-6", "19.80"),
        ("amazon-bedrock/apac.anthropic.claude-sonnet-4-6", "19.80"),
        ("amazon-bedrock/JP.Anthropic.Claude-Sonnet-4-6", "19.80"),
        ("amazon-bedrock/anthropic.claude-sonnet-4-6", "19.80"),
        ("au.anthropic.claude-sonnet-4-6", "19.80"),
        ("amazon-bedrock/claude-sonnet-4-6", "18.00"),
    ],
)
def test_bedrock_prefixes_bill_the_variant_their_alias_names(repo: Catalog, name: str, total: str) -> None:
    cost = repo.cost(name, M, at=date(2026, 11, 25))
    assert cost.total == D(total) and cost.model == "amazon-bedrock/claude-sonnet-4-6"


def test_explicit_and_reported_variants_win_over_the_alias(repo: Catalog) -> None:
    eu = "amazon-bedrock/eu.anthropic.claude-sonnet-4-6"
    with pytest.raises(NoPriceError, match="'batch'"):
        repo.cost(eu, M, at=date(2026, 11, 25), variant="batch")
    assert repo.price(eu, at=date(2026, 11, 25)).variant == "regional"


# --- dated limits -----------------------------------------------------------------------------------


def test_claude_sonnet_4_5_long_context_tier_before_2026_04_30(repo: Catalog) -> None:
    # catalog/models/anthropic/claude-sonnet-4-5.yaml, period from 2025-09-29 (1M window then): above
    # 200,000 input tokens the whole request at 6.00 in / 22.50 out: 300000*6 + 2000*22.5 = 1,845,000 per 1M.
    usage = Usage(input_tokens=300_000, output_tokens=2_000)
    cost = repo.cost("anthropic/claude-sonnet-4-5", usage, at=date(2026, 1, 15))
    assert cost.total == D("1.845") and cost.tier == 200_000
    # batch's own tier: 300000*3 + 2000*11.25 = 922,500 per 1M
    assert repo.cost("anthropic/claude-sonnet-4-5", usage, at=date(2026, 1, 15), variant="batch").total == D("0.9225")
    with pytest.raises(UnsupportedUsageError, match="above its limit of 200,000"):
        repo.cost("anthropic/claude-sonnet-4-5", usage, at=date(2026, 6, 1))


# --- what a model can serve -----------------------------------------------------------------------------


def test_a_modality_the_model_does_not_accept_is_refused(repo: Catalog) -> None:
    with pytest.raises(UnsupportedUsageError, match="does not accept audio input") as info:
        repo.cost("openai/gpt-4o", Usage(input_audio_tokens=10), at=date(2026, 11, 25))
    assert info.value.field == "input_audio_tokens" and info.value.model == "openai/gpt-4o"
    with pytest.raises(UnsupportedUsageError, match="does not produce audio output"):
        repo.cost("openai/gpt-4o", Usage(output_audio_tokens=10), at=date(2026, 11, 25))
    with pytest.raises(UnsupportedUsageError, match="video"):
        repo.cost("openai/gpt-realtime", Usage(input_video_tokens=10), at=date(2026, 11, 25))


def test_an_input_above_the_context_window_is_refused_per_request(repo: Catalog) -> None:
    # openai/gpt-4o: 128,000-token window.
    with pytest.raises(UnsupportedUsageError, match="128,001 input-side tokens"):
        repo.cost("openai/gpt-4o", Usage(input_tokens=128_000, cached_input_tokens=1), at=date(2026, 11, 25))
    # the same tokens over two requests fit: 128001 * 2.50 / 1M (cached at 1.25)
    two = Usage(input_tokens=128_000, cached_input_tokens=1, requests=2)
    assert repo.cost("openai/gpt-4o", two, at=date(2026, 11, 25)).total == D("0.32000125")
    # max_input_tokens, where given, is the limit: openai/gpt-6.1-sol takes 922,000
    with pytest.raises(UnsupportedUsageError, match="922,000"):
        repo.cost("openai/gpt-6.1-sol", Usage(input_tokens=922_001), at=date(2026, 11, 25))


# --- the load-time shape check knows the new fields ---------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("variants", "off_peak", "windows"), "10:00-01:00"),
        (("variants", "off_peak", "windows"), [{"start": "25:00", "end": "01:00"}]),
        (("variants", "off_peak", "windows"), [{"start": "10:00"}]),
        (("variants", "off_peak", "windows"), [{"start": "10:00", "end": "01:00", "weekdays": ["saturday"]}]),
        (("limits",), {"context_window": "1M"}),
    ],
)
def test_malformed_windows_and_limits_are_refused_at_load(
    repo_artifact: bytes, path: tuple[str, ...], value: object
) -> None:
    import json

    from test_artifact_contract import artifact

    from modelctl.runtime import ArtifactError

    doc = json.loads(repo_artifact)
    target = doc["content"]["models"]["deepseek/deepseek-v4-flash"]["pricing"][0]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(ArtifactError, match=path[-1]):
        Catalog.loads(artifact(doc["content"]))


# --- an ISO string with an offset is an instant: its UTC day picks the period (as for a datetime) ---
# catalog/models/deepseek/deepseek-v4-flash.yaml: base (peak) 0.30 in / 1.20 out in every period from
# 2026-08-17; off_peak 0.22 / 0.66 from 2026-08-17 and 2026-08-23, 0.15 / 0.60 from 2026-09-10; before
# 2026-08-17 only the base 0.14 / 0.28. Peak hours: 01:00-04:00 and 06:00-10:00 UTC on weekdays.
@pytest.mark.parametrize(
    ("at", "total", "variant", "since"),
    [
        # 01:30 at +02:00 is 23:30 UTC on Wednesday 2026-09-09: the period from 2026-08-23, off-peak
        ("2026-09-10T01:30:00+02:00", "0.88", "off_peak", date(2026, 8, 23)),
        # 22:30 at -02:00 is 00:30 UTC on Thursday 2026-09-10: the new period, off-peak
        ("2026-09-09T22:30:00-02:00", "0.75", "off_peak", date(2026, 9, 10)),
        # 23:59:59 at -00:01 is 00:00:59 UTC on 2026-09-10
        ("2026-09-09T23:59:59-00:01", "0.75", "off_peak", date(2026, 9, 10)),
        # 00:00 at +00:00 and at Z: the day itself
        ("2026-09-10T00:00:00+00:00", "0.75", "off_peak", date(2026, 9, 10)),
        ("2026-09-09T23:59:59Z", "0.88", "off_peak", date(2026, 8, 23)),
        # 03:00 at +05:30 is 21:30 UTC on Sunday 2026-08-16: before off-peak pricing existed
        ("2026-08-17T03:00:00+05:30", "0.42", None, date(2026, 4, 24)),
        # 02:00 at +01:00 is 01:00 UTC on Monday 2026-08-17: the first period with windows, at peak
        ("2026-08-17T02:00:00+01:00", "1.50", None, date(2026, 8, 17)),
        # a naive date-time is UTC, as a naive datetime is
        ("2026-09-09T23:30:00", "0.88", "off_peak", date(2026, 8, 23)),
        # a date alone is a calendar day and the base price
        ("2026-09-10", "1.50", None, date(2026, 9, 10)),
        ("2026-09-09", "1.50", None, date(2026, 8, 23)),
    ],
)
def test_an_iso_string_is_priced_at_its_utc_instant(
    repo: Catalog, at: str, total: str, variant: str | None, since: date
) -> None:
    cost = repo.cost("deepseek/deepseek-v4-flash", M, at=at)
    assert (cost.total, cost.variant, cost.effective_from) == (D(total), variant, since)
    assert repo.price("deepseek/deepseek-v4-flash", at=at).effective_from == since


@pytest.mark.parametrize("minutes", [-12 * 60, -150, -61, -1, 0, 1, 59, 330, 14 * 60])
@pytest.mark.parametrize("utc_hour", [0, 1, 22, 23])
def test_a_string_and_the_same_datetime_get_one_price(repo: Catalog, minutes: int, utc_hour: int) -> None:
    # One request, one price: the ISO string (any offset) and the datetime of the same instant agree,
    # at the period change of 2026-09-10 where the off-peak price drops.
    moment = datetime(2026, 9, 10, utc_hour, 30, tzinfo=UTC)
    local = moment.astimezone(timezone(timedelta(minutes=minutes)))
    text = local.isoformat()
    by_string = repo.cost("deepseek/deepseek-v4-flash", M, at=text)
    assert by_string == repo.cost("deepseek/deepseek-v4-flash", M, at=local)
    assert by_string.effective_from == date(2026, 9, 10)  # the UTC day, whatever the written one


_HHMM = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.sampled_from([0, 1, 29, 30, 59]))
_WINDOW = st.fixed_dictionaries(
    {"start": _HHMM, "end": _HHMM | st.just("24:00")},
    optional={"weekdays": st.lists(st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]), min_size=1)},
)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.dictionaries(st.sampled_from(["a", "b", "off_peak"]), st.fixed_dictionaries({"windows": st.lists(_WINDOW)})))
def test_the_week_table_finds_what_window_variant_finds(variants: dict[str, dict[str, object]]) -> None:
    # cost() reads the variant from a 10,080-minute table: it must agree with the rule, minute by minute.
    windows = compile_windows(variants)
    table = week_table(windows)
    for minute in range(7 * 1440):
        expected = window_variant(windows, minute % 1440, minute // 1440)
        assert (table[0][table[1][minute]] if table else None) == expected, minute
