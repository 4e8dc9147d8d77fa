"""The usage adapters, on the providers' own SDK types (openai 3.57, anthropic 2.15, google-genai 3.6,
built offline with model_validate) and on JSON bodies as sent on the wire.  Every cost is computed by
hand from the catalog file named in the comment (USD per 1M tokens unless said otherwise)."""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from modelctl.runtime import Catalog, InvalidUsageError, NoPriceError, Usage

D = Decimal
DAY = date(2026, 11, 25)

openai_types = pytest.importorskip("openai.types")
from anthropic.types import Message  # noqa: E402
from anthropic.types.beta import BetaMessage  # noqa: E402
from google.genai import types as gtypes  # noqa: E402
from openai.types.chat import ChatCompletion  # noqa: E402
from openai.types.realtime import RealtimeResponseUsage  # noqa: E402
from openai.types.responses import Response  # noqa: E402


def _response(usage: dict[str, Any], **extra: Any) -> Response:
    body = {
        "id": "resp_1",
        "object": "response",
        "created_at": 1764547200,
        "model": "gpt-6.1-sol",
        "output": [],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": usage,
        **extra,
    }
    return Response.model_validate(body)


def _chat(usage: dict[str, Any], **extra: Any) -> ChatCompletion:
    body = {"id": "c1", "object": "chat.completion", "created": 1, "model": "gpt-4o", "choices": [], "usage": usage}
    return ChatCompletion.model_validate({**body, **extra})


def _message(usage: dict[str, Any], beta: bool = False) -> Message | BetaMessage:
    body = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-6",
        "content": [],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": usage,
    }
    return (BetaMessage if beta else Message).model_validate(body)


# --- OpenAI ------------------------------------------------------------------------------------------


RESPONSES_USAGE = {
    "input_tokens": 10_000,
    "input_tokens_details": {
        "cached_tokens": 4_000,
        "cache_write_tokens": 3_000,
        "cache_write_tokens_details": {"ttl_30m_tokens": 1_000, "ttl_12h_tokens": 2_000},
    },
    "output_tokens": 500,
    "output_tokens_details": {"reasoning_tokens": 200},
    "total_tokens": 10_500,
}


def test_openai_responses_cache_writes_and_flex_tier_from_the_sdk_response(repo: Catalog) -> None:
    response = _response(RESPONSES_USAGE, service_tier="flex")
    usage = Usage.from_openai(response)
    assert usage == Usage(
        input_tokens=3_000,
        cached_input_tokens=4_000,
        cache_write_tokens=1_000,
        cache_write_12h_tokens=2_000,
        output_tokens=300,
        reasoning_tokens=200,
        variant="flex",
    )
    # openai/gpt-6.1-sol flex: input 1.00, cached 0.05, cache write 1.25, 12-hour write 2.50 (LiteLLM
    # 1.110.2), output 5.00: 3000*1 + 4000*0.05 + 1000*1.25 + 2000*2.50 + 300*5 + 200*5 = 11950 per 1M.
    cost = repo.cost("openai/gpt-6.1-sol", usage, at=DAY)
    assert cost.total == D("0.01195") and cost.variant == "flex"
    # Its usage alone carries no tier: standard prices (2.00, 0.10, 2.50, 12-hour 5.00, 10.00):
    # 3000*2 + 4000*0.1 + 1000*2.5 + 2000*5 + 500*10 = 23900 per 1M.
    assert repo.cost("openai/gpt-6.1-sol", Usage.from_openai(response.usage), at=DAY).total == D("0.0239")


def test_an_explicit_variant_wins_over_the_reported_tier(repo: Catalog) -> None:
    usage = Usage.from_openai(_response(RESPONSES_USAGE, service_tier="flex"))
    # priority: 3000*4 + 4000*0.2 + 1000*5 + 2000*10 (12-hour write) + 500*20 = 47800 per 1M.
    assert repo.cost("openai/gpt-6.1-sol", usage, at=DAY, variant="priority").total == D("0.0478")


def test_default_and_auto_tiers_are_the_standard_price() -> None:
    for tier in ("default", "auto"):
        assert Usage.from_openai(_response(RESPONSES_USAGE, service_tier=tier)).variant is None


def test_a_tier_the_model_has_no_price_for_raises_naming_it(repo: Catalog) -> None:
    usage = Usage.from_openai(
        _chat({"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}, service_tier="flex")
    )
    assert usage.variant == "flex"
    with pytest.raises(NoPriceError, match="'flex'"):
        repo.cost("openai/gpt-4o", usage, at=DAY)  # gpt-4o has batch and priority, no flex


def test_openai_chat_priority_from_a_json_body(repo: Catalog) -> None:
    body = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "service_tier": "priority",
        "usage": {
            "prompt_tokens": 2006,
            "completion_tokens": 300,
            "total_tokens": 2306,
            "prompt_tokens_details": {"cached_tokens": 1920, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0},
        },
    }
    usage = Usage.from_openai(body)
    assert usage == Usage(input_tokens=86, cached_input_tokens=1920, output_tokens=300, variant="priority")
    assert Usage.from_openai(_chat(body["usage"], service_tier="priority")) == usage
    # openai/gpt-4o priority: 86*4.25 + 1920*2.125 + 300*17 = 9545.5 per 1M.
    assert repo.cost("openai/gpt-4o", usage, at=DAY).total == D("0.0095455")


def test_openai_chat_cache_write_tokens(repo: Catalog) -> None:
    chat = _chat(
        {
            "prompt_tokens": 10_000,
            "completion_tokens": 1_000,
            "total_tokens": 11_000,
            "prompt_tokens_details": {"cached_tokens": 2_000, "cache_write_tokens": 5_000},
        }
    )
    usage = Usage.from_openai(chat)
    assert usage == Usage(input_tokens=3_000, cached_input_tokens=2_000, cache_write_tokens=5_000, output_tokens=1_000)
    # openai/gpt-5.6-terra from 2026-07-30: 3000*2 + 2000*0.2 + 5000*2.5 + 1000*12 = 30900 per 1M.
    assert repo.cost("openai/gpt-5.6-terra", usage, at=DAY).total == D("0.0309")


def test_openai_realtime_usage_with_cached_audio(repo: Catalog) -> None:
    rt = RealtimeResponseUsage.model_validate(
        {
            "input_tokens": 5_000,
            "output_tokens": 1_000,
            "total_tokens": 6_000,
            "input_token_details": {
                "text_tokens": 1_000,
                "audio_tokens": 4_000,
                "image_tokens": 0,
                "cached_tokens": 2_500,
                "cached_tokens_details": {"text_tokens": 500, "audio_tokens": 2_000, "image_tokens": 0},
            },
            "output_token_details": {"text_tokens": 200, "audio_tokens": 800},
        }
    )
    usage = Usage.from_openai(rt)
    assert usage == Usage(
        input_tokens=500,
        cached_input_tokens=500,
        input_audio_tokens=2_000,
        cached_input_audio_tokens=2_000,
        output_tokens=200,
        output_audio_tokens=800,
    )
    # openai/gpt-realtime: 500*4 + 500*0.40 + 2000*32 + 2000*0.40 (cached audio) + 200*16 + 800*64 = 121400.
    assert repo.cost("openai/gpt-realtime", usage, at=DAY).total == D("0.1214")


def test_cached_tokens_next_to_audio_never_make_input_negative() -> None:
    # Realtime without cached_tokens_details: 800 audio + 200 text, 500 cached. The 300 cached beyond
    # the text tokens are audio.
    usage = Usage.from_openai(
        {
            "input_tokens": 1_000,
            "output_tokens": 10,
            "input_token_details": {"text_tokens": 200, "audio_tokens": 800, "cached_tokens": 500},
        }
    )
    assert usage.input_tokens == 0 and usage.cached_input_tokens == 200
    assert usage.cached_input_audio_tokens == 300 and usage.input_audio_tokens == 500
    with pytest.raises(InvalidUsageError, match="prompt_tokens.*less than"):
        Usage.from_openai(
            {
                "prompt_tokens": 100,
                "completion_tokens": 1,
                "prompt_tokens_details": {"cached_tokens": 80, "audio_tokens": 50},
            }
        )


def test_responses_web_and_file_search_calls_are_counted() -> None:
    response = _response(
        RESPONSES_USAGE,
        output=[
            {
                "type": "web_search_call",
                "id": "ws_1",
                "status": "completed",
                "action": {"type": "search", "query": "x"},
            },
            {
                "type": "web_search_call",
                "id": "ws_2",
                "status": "completed",
                "action": {"type": "search", "query": "y"},
            },
            {"type": "file_search_call", "id": "fs_1", "status": "completed", "queries": ["z"]},
        ],
    )
    usage = Usage.from_openai(response)
    assert usage.web_search_requests == 2 and usage.file_search_requests == 1


def test_totals_must_add_up() -> None:
    with pytest.raises(InvalidUsageError, match="total_tokens.*prompt_tokens.*completion_tokens"):
        Usage.from_openai({"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 16})
    with pytest.raises(InvalidUsageError, match="completion_tokens.*less than"):
        Usage.from_openai(
            {"prompt_tokens": 10, "completion_tokens": 5, "completion_tokens_details": {"reasoning_tokens": 6}}
        )


@pytest.mark.parametrize(
    "wrong",
    [
        {},
        {"usage": {}},
        {"completion_tokens": 5},
        {"prompt_tokens": 5},
        {"inputTokens": 5, "outputTokens": 1},
        {"input_tokens": 5, "output_tokens": 1, "cache_read_input_tokens": 0},
        {"prompt_tokens": "5", "completion_tokens": 1},
        {"prompt_tokens": 5.0, "completion_tokens": 1},
        {"prompt_tokens": True, "completion_tokens": 1},
        {"prompt_tokens": -5, "completion_tokens": 1},
    ],
)
def test_openai_wrong_shapes_raise_never_zero(wrong: dict[str, Any]) -> None:
    with pytest.raises(InvalidUsageError):
        Usage.from_openai(wrong)


# --- xAI ---------------------------------------------------------------------------------------------


def test_xai_reasoning_is_outside_completion_tokens(repo: Catalog) -> None:
    body = {
        "usage": {
            "prompt_tokens": 1_000,
            "completion_tokens": 200,
            "total_tokens": 1_700,
            "prompt_tokens_details": {"cached_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 500},
        }
    }
    usage = Usage.from_xai(body)
    assert usage == Usage(input_tokens=1_000, output_tokens=200, reasoning_tokens=500)
    # xai/grok-4.20 from 2026-04-30: 1000*1.25 + 200*2.50 + 500*2.50 = 3000 per 1M.
    assert repo.cost("xai/grok-4.20", usage, at=DAY).total == D("0.003")
    with pytest.raises(InvalidUsageError, match="completion_tokens"):
        Usage.from_openai(body)  # read as OpenAI's shape, reasoning would exceed the completion


# --- Anthropic ---------------------------------------------------------------------------------------


def test_anthropic_cache_writes_web_searches_and_compaction_iterations(repo: Catalog) -> None:
    message = _message(
        {
            "input_tokens": 1_000,
            "cache_read_input_tokens": 20_000,
            "cache_creation_input_tokens": 3_000,
            "cache_creation": {"ephemeral_5m_input_tokens": 1_000, "ephemeral_1h_input_tokens": 2_000},
            "output_tokens": 500,
            "server_tool_use": {"web_search_requests": 3, "web_fetch_requests": 1},
            "service_tier": "standard",
            "iterations": [
                {
                    "type": "message",
                    "input_tokens": 1_000,
                    "output_tokens": 500,
                    "cache_read_input_tokens": 20_000,
                    "cache_creation_input_tokens": 3_000,
                },
                {
                    "type": "compaction",
                    "input_tokens": 100,
                    "output_tokens": 50,
                    "cache_read_input_tokens": 0,
                    "cache_creation_input_tokens": 0,
                },
            ],
        },
        beta=True,
    )
    usage = Usage.from_anthropic(message)
    assert usage == Usage(
        input_tokens=1_100,
        cached_input_tokens=20_000,
        cache_write_tokens=1_000,
        cache_write_1h_tokens=2_000,
        output_tokens=550,
        web_search_requests=3,
    )
    # anthropic/claude-sonnet-4-6 from 2026-03-13: 1100*3 + 20000*0.30 + 1000*3.75 + 2000*6 + 550*15
    # = 33300 per 1M, plus 3 web searches at 10.00 per 1,000 = 0.03.
    cost = repo.cost("anthropic/claude-sonnet-4-6", usage, at=DAY)
    assert cost.total == D("0.0633") and cost.components["web_search"] == D("0.03")


def test_anthropic_batch_and_fast_from_the_usage(repo: Catalog) -> None:
    batch = Usage.from_anthropic(_message({"input_tokens": 1_000, "output_tokens": 1_000, "service_tier": "batch"}))
    assert batch.variant == "batch"
    # claude-sonnet-4-6 batch: 1000*1.50 + 1000*7.50 = 9000 per 1M.
    assert repo.cost("anthropic/claude-sonnet-4-6", batch, at=DAY).total == D("0.009")
    fast = Usage.from_anthropic(_message({"input_tokens": 1_000, "output_tokens": 100, "speed": "fast"}))
    assert fast.variant == "fast"
    # anthropic/claude-opus-5 fast: 1000*10 + 100*50 = 15000 per 1M.
    assert repo.cost("anthropic/claude-opus-5", fast, at=DAY).total == D("0.015")
    with pytest.raises(NoPriceError, match="'fast'"):
        repo.cost("anthropic/claude-sonnet-4-6", fast, at=DAY)
    geo = Usage.from_anthropic(_message({"input_tokens": 1, "output_tokens": 1, "inference_geo": "us"}))
    assert geo.variant == "regional"
    assert (
        Usage.from_anthropic(_message({"input_tokens": 1, "output_tokens": 1, "inference_geo": "global"})).variant
        is None
    )


def test_anthropic_wrong_shapes_raise() -> None:
    bedrock = {"usage": {"inputTokens": 1000, "outputTokens": 200, "totalTokens": 1200}}
    with pytest.raises(InvalidUsageError, match="from_bedrock"):
        Usage.from_anthropic(bedrock)
    with pytest.raises(InvalidUsageError, match="from_openai"):
        Usage.from_anthropic({"prompt_tokens": 1, "completion_tokens": 1})
    with pytest.raises(InvalidUsageError, match="input_tokens"):
        Usage.from_anthropic({})
    with pytest.raises(InvalidUsageError, match="cache_creation_input_tokens"):
        Usage.from_anthropic(
            {
                "input_tokens": 1,
                "output_tokens": 1,
                "cache_creation_input_tokens": 10,
                "cache_creation": {"ephemeral_5m_input_tokens": 3, "ephemeral_1h_input_tokens": 3},
            }
        )


# --- Bedrock Converse --------------------------------------------------------------------------------


def test_bedrock_converse(repo: Catalog) -> None:
    body = {
        "output": {"message": {"role": "assistant", "content": [{"text": "hi"}]}},
        "stopReason": "end_turn",
        "usage": {
            "inputTokens": 1_000,
            "outputTokens": 200,
            "cacheReadInputTokens": 5_000,
            "cacheWriteInputTokens": 400,
            "totalTokens": 6_600,
        },
        "metrics": {"latencyMs": 100},
    }
    usage = Usage.from_bedrock(body)
    assert usage == Usage(input_tokens=1_000, output_tokens=200, cached_input_tokens=5_000, cache_write_tokens=400)
    # amazon-bedrock/claude-sonnet-4-6 (global): 1000*3 + 200*15 + 5000*0.30 + 400*3.75 = 9000 per 1M.
    assert repo.cost("amazon-bedrock/global.anthropic.claude-sonnet-4-6", usage, at=DAY).total == D("0.009")
    with pytest.raises(InvalidUsageError, match="totalTokens"):
        Usage.from_bedrock({"inputTokens": 1, "outputTokens": 1, "totalTokens": 3})
    with pytest.raises(InvalidUsageError, match="inputTokens"):
        Usage.from_bedrock({"input_tokens": 1, "output_tokens": 1})
    assert Usage.from_bedrock({**body, "serviceTier": {"type": "priority"}}).variant == "priority"


# --- Google ------------------------------------------------------------------------------------------


def test_gemini_modalities_tool_use_prompt_and_thoughts(repo: Catalog) -> None:
    response = gtypes.GenerateContentResponse.model_validate(
        {
            "usage_metadata": {
                "prompt_token_count": 10_000,
                "cached_content_token_count": 2_000,
                "candidates_token_count": 500,
                "thoughts_token_count": 300,
                "tool_use_prompt_token_count": 200,
                "total_token_count": 11_000,
                "prompt_tokens_details": [
                    {"modality": "TEXT", "token_count": 6_000},
                    {"modality": "AUDIO", "token_count": 4_000},
                ],
                "cache_tokens_details": [{"modality": "TEXT", "token_count": 2_000}],
                "candidates_tokens_details": [{"modality": "TEXT", "token_count": 500}],
            }
        }
    )
    usage = Usage.from_google(response)
    assert usage == Usage(
        input_tokens=4_200, cached_input_tokens=2_000, input_audio_tokens=4_000, output_tokens=500, reasoning_tokens=300
    )
    assert Usage.from_google(response.usage_metadata) == usage
    # google/gemini-2.5-flash: 4200*0.30 + 2000*0.03 + 4000*1.00 (audio) + 500*2.50 + 300*2.50 = 7320 per 1M.
    assert repo.cost("google/gemini-2.5-flash", usage, at=DAY).total == D("0.00732")


def test_gemini_live_api_response_token_count(repo: Catalog) -> None:
    message = gtypes.LiveServerMessage.model_validate(
        {"usage_metadata": {"prompt_token_count": 1_000, "response_token_count": 400, "total_token_count": 1_400}}
    )
    usage = Usage.from_google(message)
    assert usage == Usage(input_tokens=1_000, output_tokens=400)
    # gemini-2.5-flash: 1000*0.30 + 400*2.50 = 1300 per 1M.
    assert repo.cost("google/gemini-2.5-flash", usage, at=DAY).total == D("0.0013")


class _Modality(enum.IntEnum):  # proto-plus enums are IntEnums
    MODALITY_UNSPECIFIED = 0
    TEXT = 1
    IMAGE = 2
    VIDEO = 3
    AUDIO = 4


class _Proto:
    """A proto-plus message as google-generativeai returns it: attributes, no model_dump, zero defaults."""

    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)

    def __getattr__(self, name: str) -> Any:
        if name.endswith("_count"):
            return 0
        if name.endswith("_details"):
            return []
        raise AttributeError(name)


def test_gemini_proto_plus_objects(repo: Catalog) -> None:
    meta = _Proto(
        prompt_token_count=1_000,
        candidates_token_count=100,
        total_token_count=1_100,
        prompt_tokens_details=[_Proto(modality=_Modality.AUDIO, token_count=400)],
    )
    response = _Proto(usage_metadata=meta)
    assert not hasattr(meta, "model_dump")
    usage = Usage.from_google(response)
    assert usage == Usage(input_tokens=600, input_audio_tokens=400, output_tokens=100)
    # gemini-2.5-flash: 600*0.30 + 400*1.00 + 100*2.50 = 830 per 1M.
    assert repo.cost("google/gemini-2.5-flash", usage, at=DAY).total == D("0.00083")


def test_gemini_rest_camel_case_and_traffic_type(repo: Catalog) -> None:
    body = {
        "usageMetadata": {
            "promptTokenCount": 1_000,
            "candidatesTokenCount": 100,
            "totalTokenCount": 1_100,
            "trafficType": "ON_DEMAND_FLEX",
        }
    }
    usage = Usage.from_google(body)
    assert usage == Usage(input_tokens=1_000, output_tokens=100, variant="flex")
    with pytest.raises(NoPriceError, match="'flex'"):
        repo.cost("google/gemini-2.5-flash", usage, at=DAY)
    # batch is not reported by the response: the caller names it. 1000*0.15 + 100*1.25 = 275 per 1M.
    assert repo.cost("google/gemini-2.5-flash", usage, at=DAY, variant="batch").total == D("0.000275")


def test_gemini_wrong_shapes_and_totals_raise() -> None:
    with pytest.raises(InvalidUsageError, match="prompt_token_count"):
        Usage.from_google({})
    with pytest.raises(InvalidUsageError, match="total_token_count"):
        Usage.from_google(
            {"promptTokenCount": 10, "candidatesTokenCount": 5, "thoughtsTokenCount": 1, "totalTokenCount": 15}
        )
    with pytest.raises(InvalidUsageError, match="cached_content_token_count"):
        Usage.from_google(
            {
                "promptTokenCount": 10,
                "cachedContentTokenCount": 5,
                "cacheTokensDetails": [{"modality": "AUDIO", "tokenCount": 6}],
            }
        )


def test_pydantic_dataclasses_are_read_by_their_attributes() -> None:
    # A pydantic dataclass has __pydantic_fields__ but none of a model's __pydantic_extra__: it
    # was taken for a model and raised AttributeError (a traceback) from every adapter.
    from pydantic.dataclasses import dataclass

    @dataclass
    class Details:
        cached_tokens: int

    @dataclass
    class OpenAIUsage:
        input_tokens: int
        output_tokens: int
        input_tokens_details: Details
        total_tokens: int

    @dataclass
    class AnthropicUsage:
        input_tokens: int
        output_tokens: int
        cache_read_input_tokens: int

    @dataclass
    class GeminiUsage:
        prompt_token_count: int
        candidates_token_count: int
        total_token_count: int

    assert Usage.from_openai(OpenAIUsage(1_000, 50, Details(400), 1_050)) == Usage(
        input_tokens=600, cached_input_tokens=400, output_tokens=50
    )
    assert Usage.from_anthropic(AnthropicUsage(1_000, 50, 400)) == Usage(
        input_tokens=1_000, cached_input_tokens=400, output_tokens=50
    )
    assert Usage.from_google(GeminiUsage(1_000, 50, 1_050)) == Usage(input_tokens=1_000, output_tokens=50)
    with pytest.raises(InvalidUsageError, match="input_tokens_details.cached_tokens"):
        Usage.from_openai(OpenAIUsage(1_000, 50, Details(-1), 1_050))


class _Raises:
    """A response object whose every attribute raises (a broken property, a proxy gone away)."""

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(f"boom: {name}")


class _BrokenMapping:
    def keys(self) -> Any:
        raise RuntimeError("keys")

    def get(self, key: str, default: Any = None) -> Any:
        raise RuntimeError("get")


class _ClaimsPydantic:
    """Looks like a pydantic model to a duck-typing reader, with a wrong ``__pydantic_extra__``."""

    __pydantic_fields__: dict[str, Any] = {}

    def __init__(self, extra: Any, **fields: Any) -> None:
        self.__dict__.update(fields)
        self.__pydantic_extra__ = extra


class _BadRepr(int):
    def __repr__(self) -> str:
        raise RuntimeError("repr")


_HOSTILE: list[Any] = [
    _Raises(),
    {"usage": _Raises()},
    _BrokenMapping(),
    {"usage": _BrokenMapping()},
    _ClaimsPydantic([1, 2], input_tokens=5, output_tokens=1),
    _ClaimsPydantic(7, input_tokens=5, output_tokens=1),
    {"prompt_tokens": 5, "completion_tokens": 1, "prompt_tokens_details": _Raises()},
    {"input_tokens": 5, "output_tokens": 1, "output": _Raises()},
    {"input_tokens": 5, "output_tokens": 1, "output": [_Raises()]},
    {"input_tokens": 5, "output_tokens": 1, "service_tier": _Raises()},
    {"input_tokens": 5, "output_tokens": 1, "inference_geo": _Raises()},
    {"usageMetadata": {"promptTokenCount": 5, "promptTokensDetails": [_Raises()]}},
    {"usageMetadata": {"promptTokenCount": 5, "trafficType": _Raises()}},
    {"inputTokens": 5, "outputTokens": 1, "cacheDetails": [_Raises()]},
    {"inputTokens": 5, "outputTokens": 1, "serviceTier": _Raises()},
    {"input_tokens": _BadRepr(-1), "output_tokens": 1},
]
_ADAPTERS = ("from_openai", "from_xai", "from_anthropic", "from_google", "from_bedrock")


@pytest.mark.parametrize("adapter", _ADAPTERS)
@pytest.mark.parametrize("response", _HOSTILE, ids=range(len(_HOSTILE)))
def test_a_response_that_raises_while_read_is_an_invalid_usage(adapter: str, response: Any) -> None:
    # The runtime raises only its documented errors: whatever the caller's object raises while it
    # is read (a property, a mapping's get, a repr) comes out as InvalidUsageError, chained.
    read = getattr(Usage, adapter)
    try:
        usage = read(response)
    except InvalidUsageError as exc:
        assert "could not be read" not in str(exc) or exc.__cause__ is not None
    else:  # a few shapes are readable by some adapters (the raising part is one they don't read)
        assert isinstance(usage, Usage)


def test_the_error_of_an_object_that_raises_names_it_and_chains_it() -> None:
    with pytest.raises(InvalidUsageError, match=r"could not be read: reading it raised RuntimeError: boom") as info:
        Usage.from_openai({"usage": _Raises()})
    assert isinstance(info.value.__cause__, RuntimeError)
    with pytest.raises(InvalidUsageError, match="RuntimeError: get"):
        Usage.from_bedrock(_BrokenMapping())
