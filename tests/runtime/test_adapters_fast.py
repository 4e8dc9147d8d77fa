"""The adapters' fast paths (dicts and pydantic models read with plain lookups, checked in one pass) answer
exactly as the reference readers that check every field as they read it: the same Usage, or a refusal
(the reference reader's InvalidUsageError naming the field).  Compared on generated responses."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modelctl.runtime import InvalidUsageError, Usage
from modelctl.runtime import _adapters as A
from modelctl.runtime._adapters import anthropic as AN
from modelctl.runtime._adapters import google as GO
from modelctl.runtime._adapters import openai as OA


def _bail(response: Any, **_: Any) -> None:
    return None  # a fast path's fall-back, in these tests: None says it left the response to the reference


# Counts as providers send them, and the wrong ones the readers must refuse.
COUNT = st.one_of(
    st.integers(0, 3000),
    st.integers(0, 3000),
    st.none(),
    st.just(-1),
    st.booleans(),
    st.just(2.0),
    st.just("12"),
)


def _obj(keys: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional=keys)


OPENAI_DETAILS = _obj(
    {
        "cached_tokens": COUNT,
        "cache_write_tokens": COUNT,
        "audio_tokens": COUNT,
        "image_tokens": COUNT,
        "text_tokens": COUNT,
        "cache_write_tokens_details": st.none() | _obj({"ttl_12h_tokens": COUNT, "ttl_30m_tokens": COUNT}),
        "cached_tokens_details": st.none() | _obj({"audio_tokens": COUNT, "image_tokens": COUNT}),
    }
)
OPENAI_OUT = _obj({"reasoning_tokens": COUNT, "audio_tokens": COUNT, "image_tokens": COUNT, "text_tokens": COUNT})
TIER = st.none() | st.sampled_from(["default", "auto", "flex", "priority", " Flex", "standard", "", "batch"])
OPENAI_USAGE = _obj(
    {
        "prompt_tokens": COUNT,
        "completion_tokens": COUNT,
        "input_tokens": COUNT,
        "output_tokens": COUNT,
        "total_tokens": COUNT,
        "prompt_tokens_details": st.none() | OPENAI_DETAILS,
        "completion_tokens_details": st.none() | OPENAI_OUT,
        "input_tokens_details": st.none() | OPENAI_DETAILS,
        "output_tokens_details": st.none() | OPENAI_OUT,
        "input_token_details": st.none() | OPENAI_DETAILS,
        "cache_read_input_tokens": COUNT,
        "service_tier": TIER,
    }
)
OUTPUT = st.lists(st.fixed_dictionaries({"type": st.sampled_from(["message", "web_search_call", "file_search_call"])}))
OPENAI = OPENAI_USAGE | st.fixed_dictionaries(
    {"usage": st.none() | OPENAI_USAGE}, optional={"service_tier": TIER, "output": OUTPUT}
)

ANTHROPIC_USAGE = _obj(
    {
        "input_tokens": COUNT,
        "output_tokens": COUNT,
        "cache_read_input_tokens": COUNT,
        "cache_creation_input_tokens": COUNT,
        "cache_creation": st.none() | _obj({"ephemeral_5m_input_tokens": COUNT, "ephemeral_1h_input_tokens": COUNT}),
        "server_tool_use": st.none() | _obj({"web_search_requests": COUNT, "web_fetch_requests": COUNT}),
        "service_tier": st.none() | st.sampled_from(["standard", "priority", "batch", "Standard "]),
        "inference_geo": st.none() | st.sampled_from(["global", "us", "not_available"]),
        "speed": st.none() | st.sampled_from(["fast", "standard"]),
        "iterations": st.none() | st.lists(_obj({"type": st.just("compaction"), "input_tokens": COUNT})),
        "inputTokens": COUNT,
        "prompt_tokens": COUNT,
    }
)
ANTHROPIC = ANTHROPIC_USAGE | st.fixed_dictionaries({"usage": ANTHROPIC_USAGE})

MODALITY = st.sampled_from(["TEXT", "AUDIO", "IMAGE", "VIDEO", "DOCUMENT", "audio", "SMELL", ""]) | st.none()


def _google(camel: bool) -> st.SearchStrategy[dict[str, Any]]:
    def name(snake: str) -> str:
        if not camel:
            return snake
        head, *rest = snake.split("_")
        return head + "".join(part.title() for part in rest)

    entry = _obj({"modality": MODALITY, name("token_count"): COUNT})
    details = st.none() | st.lists(entry, max_size=3)
    fields = {
        name(k): COUNT
        for k in (
            "prompt_token_count",
            "cached_content_token_count",
            "candidates_token_count",
            "thoughts_token_count",
            "tool_use_prompt_token_count",
            "total_token_count",
        )
    }
    fields |= {
        name(k): details
        for k in (
            "prompt_tokens_details",
            "cache_tokens_details",
            "tool_use_prompt_tokens_details",
            "candidates_tokens_details",
        )
    }
    fields[name("traffic_type")] = st.none() | st.sampled_from(
        ["ON_DEMAND", "ON_DEMAND_FLEX", "PROVISIONED_THROUGHPUT"]
    )
    fields[name("service_tier")] = st.none() | st.sampled_from(["standard", "priority"])
    fields[name("response_token_count")] = st.none() | COUNT
    return _obj(fields)


GOOGLE_USAGE = _google(False) | _google(True)
GOOGLE = (
    GOOGLE_USAGE
    | st.fixed_dictionaries({"usage_metadata": GOOGLE_USAGE})
    | st.fixed_dictionaries({"usageMetadata": GOOGLE_USAGE})
)


def _outcome(read: Any, response: Any) -> Usage | str:
    try:
        return read(response)
    except InvalidUsageError as exc:
        return f"refused: {exc.field}"


def _same(fast: Any, checked: Any, response: Any) -> None:
    answer = fast(response)
    reference = _outcome(checked, response)
    if answer is None:
        return  # the fast path left it to the reference reader: the public adapter answers as it does
    assert isinstance(reference, Usage), f"the fast path accepted what the reference refuses: {reference}"
    assert answer == reference
    assert type(answer) is Usage


SETTINGS = settings(max_examples=1500, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


@SETTINGS
@given(OPENAI, st.booleans())
def test_openai_fast_path_answers_as_the_reference(response: dict[str, Any], outside: bool) -> None:
    _same(OA._reader(outside, _bail), lambda r: A._openai_checked(r, reasoning_outside=outside), response)


@SETTINGS
@given(ANTHROPIC)
def test_anthropic_fast_path_answers_as_the_reference(response: dict[str, Any]) -> None:
    _same(AN._reader(_bail), A._anthropic_checked, response)


@SETTINGS
@given(GOOGLE)
def test_google_fast_path_answers_as_the_reference(response: dict[str, Any]) -> None:
    _same(GO._reader(_bail), A._google_checked, response)


def test_the_fast_paths_do_read_the_common_shapes() -> None:
    # Not vacuous: the shapes the benchmarks time are read by the fast path, not left to the reference.
    body = {
        "service_tier": "flex",
        "usage": {
            "input_tokens": 2000,
            "input_tokens_details": {"cached_tokens": 800, "cache_write_tokens": 0},
            "output_tokens": 300,
            "output_tokens_details": {"reasoning_tokens": 100},
            "total_tokens": 2300,
        },
    }
    assert OA._reader(False, _bail)(body) == Usage(
        input_tokens=1200, cached_input_tokens=800, output_tokens=200, reasoning_tokens=100, variant="flex"
    )
    assert AN._reader(_bail)({"input_tokens": 10, "output_tokens": 5, "service_tier": "standard"}) == Usage(
        input_tokens=10, output_tokens=5
    )
    rest = {"usageMetadata": {"promptTokenCount": 12, "candidatesTokenCount": 3, "totalTokenCount": 15}}
    assert GO._reader(_bail)(rest) == Usage(input_tokens=12, output_tokens=3)


@pytest.mark.parametrize("bad", [True, -1, 2.0, "7"])
def test_a_wrong_count_is_refused_through_the_fast_path_too(bad: object) -> None:
    with pytest.raises(InvalidUsageError):
        Usage.from_openai({"prompt_tokens": bad, "completion_tokens": 1})
    with pytest.raises(InvalidUsageError):
        Usage.from_anthropic({"input_tokens": 1, "output_tokens": bad})
    with pytest.raises(InvalidUsageError):
        Usage.from_google({"prompt_token_count": 1, "candidates_token_count": bad})


# The SDKs' own objects (pydantic models), built without validation so that they can hold the wrong
# counts too: the fast readers read them through __dict__ and the extra fields (nulls for unset ones).
# (imported in each test: without the SDKs only these tests are skipped, not the whole module)


@SETTINGS
@given(OPENAI_USAGE, st.booleans())
def test_openai_fast_path_answers_as_the_reference_on_sdk_objects(usage: dict[str, Any], outside: bool) -> None:
    sdk = pytest.importorskip("openai.types.completion_usage").CompletionUsage.model_construct(**usage)
    _same(OA._reader(outside, _bail), lambda r: A._openai_checked(r, reasoning_outside=outside), sdk)


@SETTINGS
@given(ANTHROPIC_USAGE)
def test_anthropic_fast_path_answers_as_the_reference_on_sdk_objects(usage: dict[str, Any]) -> None:
    sdk = pytest.importorskip("anthropic.types").Usage.model_construct(**usage)
    _same(AN._reader(_bail), A._anthropic_checked, sdk)


@SETTINGS
@given(_google(False))
def test_google_fast_path_answers_as_the_reference_on_sdk_objects(usage: dict[str, Any]) -> None:
    sdk = pytest.importorskip("google.genai.types").GenerateContentResponseUsageMetadata.model_construct(**usage)
    _same(GO._reader(_bail), A._google_checked, sdk)
