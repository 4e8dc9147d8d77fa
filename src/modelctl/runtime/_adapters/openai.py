"""OpenAI (Chat Completions, Responses, Realtime) and xAI usage: the reference reader and its fast path."""

from __future__ import annotations

from modelctl.runtime._adapters.common import (
    _INT_OR_NONE,
    _build,
    _disjoint,
    _fields,
    _get,
    _has,
    _n,
    _new,
    _tier,
    _total,
)
from modelctl.runtime._errors import InvalidUsageError
from modelctl.runtime._usage import Usage

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_OPENAI_STANDARD = ("auto", "default", "standard")


def from_openai(response: Any, *, reasoning_outside: bool = False) -> Usage:
    """Chat Completions (``prompt_tokens`` ...), Responses (``input_tokens`` with
    ``input_tokens_details``) or Realtime (``input_token_details``, singular) usage.

    Prompt tokens include cached, cache-write, audio and image tokens; completion tokens
    include reasoning and audio (``reasoning_outside``: xAI counts reasoning apart).  The
    response's ``service_tier`` (``flex``, ``priority``, ``scale``) becomes the variant."""
    return _openai_fast(response, reasoning_outside) or _openai_checked(response, reasoning_outside=reasoning_outside)


def _openai_checked(response: Any, *, reasoning_outside: bool = False) -> Usage:
    """The reference reading of an OpenAI usage, every count checked as it is read: it names the
    field at fault, and reads the shapes the fast path leaves to it (Realtime, attribute objects).
    Chat Completions (``prompt_tokens`` ...), Responses (``input_tokens`` with
    ``input_tokens_details``) or Realtime (``input_token_details``, singular) usage.

    Prompt tokens include cached, cache-write, audio and image tokens; completion tokens
    include reasoning and audio (``reasoning_outside``: xAI counts reasoning apart).  The
    response's ``service_tier`` (``flex``, ``priority``, ``scale``) becomes the variant."""
    usage = _get(response, "usage")
    tier = None
    web = file = 0
    if usage is not None:
        tier = _tier(_get(response, "service_tier"), _OPENAI_STANDARD)
        web, file = _tool_calls(_get(response, "output"))
    else:
        usage = response
        tier = _tier(_get(usage, "service_tier"), _OPENAI_STANDARD)
    if _has(usage, "cache_read_input_tokens", "cache_creation_input_tokens"):
        raise InvalidUsageError("", None, "is an Anthropic usage (cache_read_input_tokens): use Usage.from_anthropic")
    if _has(usage, "inputTokens", "promptTokenCount", "prompt_token_count"):
        raise InvalidUsageError(
            "", None, "is not an OpenAI usage (camelCase or Gemini counts): use from_bedrock or from_google"
        )
    if _has(usage, "prompt_tokens"):
        p_name, c_name = "prompt_tokens", "completion_tokens"
        pd_name, cd_name = "prompt_tokens_details", "completion_tokens_details"
    elif _has(usage, "input_tokens"):
        p_name, c_name = "input_tokens", "output_tokens"
        realtime = _has(usage, "input_token_details", "output_token_details")
        pd_name = "input_token_details" if realtime else "input_tokens_details"
        cd_name = "output_token_details" if realtime else "output_tokens_details"
    else:
        raise InvalidUsageError(
            "prompt_tokens",
            None,
            "is missing: not an OpenAI usage (Chat Completions prompt_tokens/completion_tokens, "
            "Responses or Realtime input_tokens/output_tokens)",
        )
    if not _has(usage, c_name):
        raise InvalidUsageError(c_name, None, f"is missing next to {p_name}")
    prompt, completion = _n(usage, p_name, p_name), _n(usage, c_name, c_name)
    pd, cd = _get(usage, pd_name), _get(usage, cd_name)
    cached = _n(pd, "cached_tokens", f"{pd_name}.cached_tokens")
    writes = _n(pd, "cache_write_tokens", f"{pd_name}.cache_write_tokens")
    audio = _n(pd, "audio_tokens", f"{pd_name}.audio_tokens")
    image = _n(pd, "image_tokens", f"{pd_name}.image_tokens")
    text = _get(pd, "text_tokens")
    wd = _get(pd, "cache_write_tokens_details")
    writes_12h = _n(wd, "ttl_12h_tokens", f"{pd_name}.cache_write_tokens_details.ttl_12h_tokens")
    writes_30m = writes - writes_12h
    if writes_30m < 0:
        raise InvalidUsageError(f"{pd_name}.cache_write_tokens", writes, "is less than its ttl_12h_tokens")
    cdd = _get(pd, "cached_tokens_details")
    if cdd is not None:
        cached_audio = _n(cdd, "audio_tokens", f"{pd_name}.cached_tokens_details.audio_tokens")
        cached_image = _n(cdd, "image_tokens", f"{pd_name}.cached_tokens_details.image_tokens")
        _disjoint(cached, f"{pd_name}.cached_tokens", {"cached audio": cached_audio, "cached image": cached_image})
    elif isinstance(text, int) and cached > text:
        # Cached tokens beyond the text ones are audio (then image): never a negative count.
        cached_audio = min(cached - text, audio)
        cached_image = min(cached - text - cached_audio, image)
    else:
        cached_audio = cached_image = 0
    input_audio = _disjoint(audio, f"{pd_name}.audio_tokens", {"cached audio": cached_audio})
    input_image = _disjoint(image, f"{pd_name}.image_tokens", {"cached image": cached_image})
    cached_text = cached - cached_audio - cached_image
    input_text = _disjoint(
        prompt,
        p_name,
        {
            f"{pd_name}.cached_tokens": cached,
            f"{pd_name}.cache_write_tokens": writes,
            "uncached audio": input_audio,
            "uncached image": input_image,
        },
    )
    reasoning = _n(cd, "reasoning_tokens", f"{cd_name}.reasoning_tokens")
    audio_out = _n(cd, "audio_tokens", f"{cd_name}.audio_tokens")
    image_out = _n(cd, "image_tokens", f"{cd_name}.image_tokens")
    inside = {f"{cd_name}.audio_tokens": audio_out, f"{cd_name}.image_tokens": image_out}
    if not reasoning_outside:
        inside[f"{cd_name}.reasoning_tokens"] = reasoning
    output_text = _disjoint(completion, c_name, inside)
    parts = {p_name: prompt, c_name: completion}
    if reasoning_outside:
        parts[f"{cd_name}.reasoning_tokens"] = reasoning
    _total(_get(usage, "total_tokens"), "total_tokens", parts)
    return _build(
        {
            "input_tokens": input_text,
            "cached_input_tokens": cached_text,
            "cache_write_tokens": writes_30m,
            "cache_write_12h_tokens": writes_12h,
            "input_audio_tokens": input_audio,
            "cached_input_audio_tokens": cached_audio,
            "input_image_tokens": input_image,
            "cached_input_image_tokens": cached_image,
            "output_tokens": output_text,
            "reasoning_tokens": reasoning,
            "output_audio_tokens": audio_out,
            "output_image_tokens": image_out,
            "web_search_requests": web,
            "file_search_requests": file,
        },
        tier,
    )


def _tool_calls(output: Any) -> tuple[int, int]:
    """Web and file search calls among a Responses API ``output`` (each is billed per call)."""
    if not output or isinstance(output, (str, bytes)):
        return 0, 0
    web = file = 0
    try:
        items = list(output)
    except TypeError:
        return 0, 0
    for item in items:
        kind = _get(item, "type")
        if kind == "web_search_call":
            web += 1
        elif kind == "file_search_call":
            file += 1
    return web, file


def from_xai(response: Any) -> Usage:
    """xAI's OpenAI-shaped usage, whose ``reasoning_tokens`` are not inside ``completion_tokens``."""
    return from_openai(response, reasoning_outside=True)


_OPENAI_STD = frozenset(_OPENAI_STANDARD)
# Keys the reference reader treats apart (other providers' usages, Realtime's details): left to it.
_OPENAI_APART = frozenset(
    (
        "cache_read_input_tokens",
        "cache_creation_input_tokens",
        "inputTokens",
        "promptTokenCount",
        "prompt_token_count",
        "input_token_details",
        "output_token_details",
    )
)
_CHAT = ("completion_tokens", "prompt_tokens_details", "completion_tokens_details")
_RESPONSES = ("output_tokens", "input_tokens_details", "output_tokens_details")


def _openai_fast(response: Any, reasoning_outside: bool) -> Usage | None:
    d = _fields(response)
    if d is None:
        return None
    web = file = 0
    tier = d.get("service_tier")
    usage = d.get("usage")
    if usage is not None:
        output = d.get("output")
        if output:
            web, file = _tool_calls(output)
        d = _fields(usage)
        if d is None:
            return None
    if not _OPENAI_APART.isdisjoint(d):
        return None
    if tier is not None and (tier.__class__ is not str or tier not in _OPENAI_STD):
        tier = _tier(tier, _OPENAI_STANDARD)
    else:
        tier = None
    prompt = d.get("prompt_tokens")
    if prompt is not None:
        c_name, pd_name, cd_name = _CHAT
    else:
        prompt = d.get("input_tokens")
        c_name, pd_name, cd_name = _RESPONSES
    completion = d.get(c_name)
    if prompt is None or completion is None:
        return None
    cached = writes = audio = image = text = w12 = reasoning = audio_out = image_out = None
    pd = d.get(pd_name)
    if pd is not None:
        pd = _fields(pd)
        if pd is None or pd.get("cached_tokens_details") is not None:
            return None
        cached, writes, audio = pd.get("cached_tokens"), pd.get("cache_write_tokens"), pd.get("audio_tokens")
        image, text, wd = pd.get("image_tokens"), pd.get("text_tokens"), pd.get("cache_write_tokens_details")
        if wd is not None:
            wd = _fields(wd)
            if wd is None:
                return None
            w12 = wd.get("ttl_12h_tokens")
    cd = d.get(cd_name)
    if cd is not None:
        cd = _fields(cd)
        if cd is None:
            return None
        reasoning, audio_out, image_out = cd.get("reasoning_tokens"), cd.get("audio_tokens"), cd.get("image_tokens")
    if not _INT_OR_NONE.issuperset(
        map(type, (prompt, completion, cached, writes, audio, image, w12, reasoning, audio_out, image_out))
    ):
        return None
    cached, writes, audio, image, w12 = cached or 0, writes or 0, audio or 0, image or 0, w12 or 0
    reasoning, audio_out, image_out = reasoning or 0, audio_out or 0, image_out or 0
    if text is not None and (text.__class__ is not int or cached > text):
        return None  # cached audio or image tokens: the reference reader splits them
    input_text = prompt - cached - writes - audio - image
    output_text = completion - audio_out - image_out - (0 if reasoning_outside else reasoning)
    if min(prompt, completion, cached, writes, audio, image, w12, reasoning, audio_out, image_out) < 0:
        return None
    if input_text < 0 or output_text < 0 or writes < w12:
        return None
    total = d.get("total_tokens")
    if total is not None and (
        total.__class__ is not int or total != prompt + completion + (reasoning if reasoning_outside else 0)
    ):
        return None
    made: Usage = _new(
        Usage,
        (
            input_text,
            output_text,
            cached,
            writes - w12,
            0,
            reasoning,
            audio,
            audio_out,
            image,
            image_out,
            1,
            0,
            web,
            file,
            0,
            0,
            0,
            0,
            w12,
            0,
            tier,
        ),
    )
    return made
