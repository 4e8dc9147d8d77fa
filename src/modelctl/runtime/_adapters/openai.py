"""OpenAI (Chat Completions, Responses, Realtime) and xAI usage: the reference reader and its fast path."""

from __future__ import annotations

from modelctl.runtime._adapters.common import (
    _PYDANTIC,
    _build,
    _disjoint,
    _fields,
    _get,
    _has,
    _n,
    _new,
    _tier,
    _total,
    _unreadable,
)
from modelctl.runtime._errors import InvalidUsageError
from modelctl.runtime._usage import Usage

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

_OPENAI_STANDARD = ("auto", "default", "standard")


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


# The tiers a response usually names, read as _tier reads them (any other value goes through _tier).
_OPENAI_TIERS = {name: _tier(name, _OPENAI_STANDARD) for name in ("auto", "default", "standard", "flex", "priority")}
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


def _reader(outside: bool, fallback: Callable[..., Any]) -> Callable[[Any], Any]:
    """The fast path, for reasoning inside the completion tokens (OpenAI) or ``outside`` them (xAI):
    a dict or a pydantic model read with plain lookups, every count checked at once; anything it is
    not sure of goes to ``fallback(response, reasoning_outside=outside)`` (the reference reader)."""

    def read(response: Any) -> Any:
        try:
            # One frame, no helper calls on a dict: each call costs as much as a dozen lookups.
            d = (
                response
                if type(response) is dict
                else response.__dict__
                if type(response) in _PYDANTIC and not response.__pydantic_extra__
                else _fields(response)
            )
            if d is None:
                return fallback(response, reasoning_outside=outside)
            tier = d.get("service_tier")
            usage = d.get("usage")
            web = file = 0
            if usage is not None:  # a whole response: its tier and its search calls; then its usage
                output = d.get("output")
                if output:
                    web, file = _tool_calls(output)
                d = (
                    usage
                    if type(usage) is dict
                    else usage.__dict__
                    if type(usage) in _PYDANTIC and not usage.__pydantic_extra__
                    else _fields(usage)
                )
                if d is None:
                    return fallback(response, reasoning_outside=outside)
            if not _OPENAI_APART.isdisjoint(d):
                return fallback(response, reasoning_outside=outside)
            prompt = d.get("prompt_tokens")
            if prompt is not None:
                completion = d.get("completion_tokens")
                pd, cd = d.get("prompt_tokens_details"), d.get("completion_tokens_details")
            else:
                prompt, completion = d.get("input_tokens"), d.get("output_tokens")
                pd, cd = d.get("input_tokens_details"), d.get("output_tokens_details")
            total = d.get("total_tokens")
            text = None
            w12 = 0
            if pd is None:
                cached = writes = audio = image = 0
            else:
                if type(pd) is not dict:
                    pd = pd.__dict__ if type(pd) in _PYDANTIC and not pd.__pydantic_extra__ else _fields(pd)
                    if pd is None:
                        return fallback(response, reasoning_outside=outside)
                if pd.get("cached_tokens_details") is not None:
                    return fallback(response, reasoning_outside=outside)  # cached audio and image: split there
                cached, writes = pd.get("cached_tokens", 0), pd.get("cache_write_tokens", 0)
                audio, image = pd.get("audio_tokens", 0), pd.get("image_tokens", 0)
                text, wd = pd.get("text_tokens"), pd.get("cache_write_tokens_details")
                if wd is not None:
                    if type(wd) is not dict:
                        wd = wd.__dict__ if type(wd) in _PYDANTIC and not wd.__pydantic_extra__ else _fields(wd)
                        if wd is None:
                            return fallback(response, reasoning_outside=outside)
                    w12 = wd.get("ttl_12h_tokens", 0)
            if cd is None:
                reasoning = audio_out = image_out = 0
            else:
                if type(cd) is not dict:
                    cd = cd.__dict__ if type(cd) in _PYDANTIC and not cd.__pydantic_extra__ else _fields(cd)
                    if cd is None:
                        return fallback(response, reasoning_outside=outside)
                reasoning, audio_out, image_out = (
                    cd.get("reasoning_tokens", 0),
                    cd.get("audio_tokens", 0),
                    cd.get("image_tokens", 0),
                )
            # Every count an int (not a bool, float or str): chained identity tests, the cheapest check.
            if not (
                type(prompt)
                is type(completion)
                is type(cached)
                is type(writes)
                is type(audio)
                is type(image)
                is type(w12)
                is type(reasoning)
                is type(audio_out)
                is type(image_out)
                is int
            ):
                # A null count is 0 (the SDKs' unset fields); anything else is the reference reader's to refuse.
                cached = 0 if cached is None else cached
                writes = 0 if writes is None else writes
                audio = 0 if audio is None else audio
                image = 0 if image is None else image
                w12 = 0 if w12 is None else w12
                reasoning = 0 if reasoning is None else reasoning
                audio_out = 0 if audio_out is None else audio_out
                image_out = 0 if image_out is None else image_out
                if not (
                    type(prompt)
                    is type(completion)
                    is type(cached)
                    is type(writes)
                    is type(audio)
                    is type(image)
                    is type(w12)
                    is type(reasoning)
                    is type(audio_out)
                    is type(image_out)
                    is int
                ):
                    return fallback(response, reasoning_outside=outside)
            if text is not None and (type(text) is not int or cached > text):
                return fallback(response, reasoning_outside=outside)  # cached audio or image tokens: split there
            input_text = prompt - cached - writes - audio - image
            output_text = completion - audio_out - image_out
            if outside:
                if total is not None and (type(total) is not int or total != prompt + completion + reasoning):
                    return fallback(response, reasoning_outside=outside)
            else:
                output_text -= reasoning
                if total is not None and (type(total) is not int or total != prompt + completion):
                    return fallback(response, reasoning_outside=outside)
            # Every count non-negative and every part within its whole (the wholes follow from the parts).
            if (
                input_text < 0
                or output_text < 0
                or cached < 0
                or writes < w12
                or w12 < 0
                or audio < 0
                or image < 0
                or reasoning < 0
                or audio_out < 0
                or image_out < 0
            ):
                return fallback(response, reasoning_outside=outside)
            if tier is not None:
                tier = (
                    _OPENAI_TIERS[tier]
                    if type(tier) is str and tier in _OPENAI_TIERS
                    else _tier(tier, _OPENAI_STANDARD)
                )
            # fmt: off
            return _new(Usage, (
                input_text, output_text, cached, writes - w12, 0, reasoning, audio, audio_out, image, image_out,
                1, 0, web, file, 0, 0, 0, 0, w12, 0, tier,
            ))
            # fmt: on
        except InvalidUsageError:
            raise
        except Exception as exc:  # noqa: BLE001 - the caller's object raised: a documented error instead
            raise _unreadable(exc) from exc

    return read


from_openai = _reader(False, _openai_checked)
from_openai.__name__ = from_openai.__qualname__ = "from_openai"
from_openai.__doc__ = """Chat Completions (``prompt_tokens`` ...), Responses (``input_tokens`` with
    ``input_tokens_details``) or Realtime (``input_token_details``, singular) usage.

    Prompt tokens include cached, cache-write, audio and image tokens; completion tokens
    include reasoning and audio.  The response's ``service_tier`` (``flex``, ``priority``,
    ``scale``) becomes the variant."""
from_xai = _reader(True, _openai_checked)
from_xai.__name__ = from_xai.__qualname__ = "from_xai"
from_xai.__doc__ = "xAI's OpenAI-shaped usage, whose ``reasoning_tokens`` are not inside ``completion_tokens``."
