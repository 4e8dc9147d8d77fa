"""The issue-12 price keys of the reference catalog (search fees per 1,000 calls, audio per minute, video
tokens, cached audio/image reads) price a request as genai-prices 0.2.3 does, on every model and period
that carries one; where genai-prices has no such fee, the period's `source` names the other catalog the
fee comes from (LiteLLM, OpenRouter) and genai-prices' total is ours without that fee."""

from __future__ import annotations

import warnings
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from modelctl.runtime import Catalog, Usage

genai_prices = pytest.importorskip("genai_prices")

PROVIDERS = {"openai": "openai", "anthropic": "anthropic", "google": "google", "mistral": "mistral"}
PROVIDERS |= {"xai": "x-ai", "groq": "groq", "amazon-bedrock": "aws", "deepseek": "deepseek", "cohere": "cohere"}
# key -> (our usage beyond 1,000 input tokens, genai-prices' usage for the same request, the fee's units)
CASES: dict[str, tuple[dict[str, int], dict[str, int]]] = {
    "web_search_per_1k": ({"web_search_requests": 7}, {"input_tokens": 1000, "web_searches": 7}),
    "file_search_per_1k": ({"file_search_requests": 9}, {"input_tokens": 1000, "storage_searches": 9}),
    "input_audio_per_minute": (
        {"input_audio_seconds": 90},
        {"input_tokens": 1000, "input_audio_seconds": 90, "audio_seconds": 90},
    ),
    "input_video_per_1m": ({"input_video_tokens": 500}, {"input_tokens": 1500, "input_video_tokens": 500}),
    "cached_input_audio_per_1m": (
        {"cached_input_audio_tokens": 300},
        {"input_tokens": 1300, "input_audio_tokens": 300, "cache_read_tokens": 300, "cache_audio_read_tokens": 300},
    ),
    "cached_input_image_per_1m": (
        {"cached_input_image_tokens": 300},
        {"input_tokens": 1300, "input_image_tokens": 300, "cache_read_tokens": 300, "cache_image_read_tokens": 300},
    ),
}
OTHER_SOURCES = ("LiteLLM 1.110.2", "OpenRouter models.json")


def _theirs(info: Any, kw: dict[str, int], at: datetime) -> Decimal | None:
    names = [*info.aliases, info.id] if info.provider in ("amazon-bedrock", "groq") else [info.id]
    for name in names:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                price = genai_prices.calc_price(
                    genai_prices.Usage(**kw),
                    model_ref=name,
                    provider_id=PROVIDERS[info.provider],
                    genai_request_timestamp=at,
                )
            except LookupError:
                continue
        return Decimal(price.total_price)
    return None


def _cases(catalog: Catalog) -> list[tuple[Any, dict[str, Any], str, datetime]]:
    out = []
    for info in catalog.models():
        for period in info.data["pricing"]:
            start = date.fromisoformat(period["effective_from"]) + timedelta(days=1)
            at = datetime(start.year, start.month, start.day, 12, tzinfo=UTC)
            out += [(info, period, key, at) for key in CASES if key in period.get("prices", {})]
    return out


def test_new_price_keys_price_as_genai_prices_or_cite_their_source(repo: Catalog) -> None:
    same = other = 0
    keys: set[str] = set()
    for info, period, key, at in _cases(repo):
        ours_kw, theirs_kw = CASES[key]
        ours = repo.cost(info.ref, Usage(input_tokens=1000, **ours_kw), at=at)
        theirs = _theirs(info, theirs_kw, at)
        # per-minute prices are divided by 60 at 50 digits in the runtime: compare to the micro-cent
        if theirs is not None and abs(ours.total - theirs) < Decimal("1e-12"):
            same += 1
            keys.add(key)
            continue
        assert any(s in period["source"] for s in OTHER_SOURCES), (info.ref, period["effective_from"], key)
        assert key.split("_per_")[0] in period["source"], (info.ref, key, period["source"])  # the key is named
        if theirs is not None:  # genai-prices knows the model, not the fee: ours less the fee
            fee = ours.total - repo.cost(info.ref, Usage(input_tokens=1000), at=at).total
            assert fee > 0 and ours.total - fee == theirs, (info.ref, key, ours, theirs)
        other += 1
    assert keys == set(CASES) and same >= 60 and other >= 10, (keys, same, other)


def test_the_comparison_sees_a_wrong_search_fee(repo_artifact: bytes) -> None:
    import json

    doc = json.loads(repo_artifact)
    doc["content"]["models"]["openai/gpt-4o"]["pricing"][0]["prices"]["web_search_per_1k"] = "25"
    with pytest.raises(AssertionError, match="openai/gpt-4o"):
        test_new_price_keys_price_as_genai_prices_or_cite_their_source(Catalog.from_content(doc["content"]))


@pytest.mark.parametrize(
    ("ref", "usage", "expected"),
    [
        # catalog/models/openai/gpt-5.5.yaml: input 5.00 per 1M, web search 10.00 and file search 2.50 per 1,000
        ("openai/gpt-5.5", {"input_tokens": 1000, "web_search_requests": 3, "file_search_requests": 4}, "0.045"),
        # catalog/models/google/gemini-2.5-flash.yaml: 0.30 input, grounding 35.00 per 1,000, cached audio 0.10
        ("google/gemini-2.5-flash", {"input_tokens": 1000, "web_search_requests": 2}, "0.0703"),
        ("google/gemini-2.5-flash", {"cached_input_audio_tokens": 10_000}, "0.001"),
        # catalog/models/google/gemini-embedding-2.yaml: video 12.00 per 1M (at most 8,192 tokens a request)
        ("google/gemini-embedding-2", {"input_video_tokens": 250_000, "requests": 100}, "3"),  # 8,192 per request
        # catalog/models/openai/gpt-6-sol.yaml: 12-hour cache writes 5.00 per 1M (2 x the 5-minute 2.50)
        ("openai/gpt-6-sol", {"cache_write_12h_tokens": 100_000}, "0.5"),
        # catalog/models/openai/gpt-realtime-2.1.yaml: cached audio 0.40, cached image 0.50 per 1M
        (
            "openai/gpt-realtime-2.1",
            {"cached_input_audio_tokens": 100_000, "cached_input_image_tokens": 2_000, "requests": 10},
            "0.041",
        ),
        # catalog/models/xai/grok-4.3.yaml: 5.00 per 1,000 web searches (OpenRouter)
        ("xai/grok-4.3", {"web_search_requests": 200}, "1"),
    ],
)
def test_new_keys_by_hand(repo: Catalog, ref: str, usage: dict[str, int], expected: str) -> None:
    at = datetime(2026, 11, 25, 12, tzinfo=UTC)
    assert repo.cost(ref, Usage(**usage), at=at).total == Decimal(expected)


def test_batch_and_long_context_12h_writes(repo: Catalog) -> None:
    at = datetime(2026, 11, 25, 12, tzinfo=UTC)
    # gpt-6-sol above 272,000 input tokens: 12-hour writes 10.00 per 1M; batch 2.50, batch above 272k 5.00
    long = Usage(input_tokens=200_000, cache_write_12h_tokens=100_000)
    assert repo.cost("openai/gpt-6-sol", long, at=at).total == Decimal("0.8") + Decimal("1")
    batch = Usage(cache_write_12h_tokens=100_000)
    assert repo.cost("openai/gpt-6-sol", batch, at=at, variant="batch").total == Decimal("0.25")
    assert repo.cost("openai/gpt-6-sol", long, at=at, variant="batch").total == Decimal("0.4") + Decimal("0.5")
