"""Adapters: a provider's response (or its usage object) -> Usage, in disjoint counts.

Each accepts the whole response or just its usage, as a dict (a JSON body as sent on the wire)
or as the SDK's own object (pydantic models, proto-plus messages: anything with attributes).
A shape the adapter does not know raises ``InvalidUsageError``: a usage is never silently
priced at zero.  Where the provider reports a total, the disjoint counts must add up to it.
"""

from __future__ import annotations

from modelctl.runtime._errors import InvalidUsageError
from modelctl.runtime._usage import _COUNTS, USAGE_FIELDS, Usage

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_new = tuple.__new__
_I = {name: i for i, name in enumerate(USAGE_FIELDS)}
_BLANK = (*(1 if f == "requests" else 0 for f in USAGE_FIELDS), None)


_KIND: dict[type, int] = {}  # class -> 1 pydantic model, 2 mapping, 3 other (attributes)


def _kind(cls: type) -> int:
    kind = _KIND.get(cls)
    if kind is None:
        if hasattr(cls, "__pydantic_fields__"):
            kind = 1
        elif hasattr(cls, "keys") and hasattr(cls, "get"):
            kind = 2
        else:
            kind = 3
        if len(_KIND) < 1000:
            _KIND[cls] = kind
    return kind


def _get(obj: Any, name: str) -> Any:
    if obj is None:
        return None
    cls = obj.__class__
    if cls is dict:
        return obj.get(name)
    kind = _kind(cls)
    if kind == 1:
        # pydantic (the SDKs): fields are in __dict__, extra fields apart; asking for an absent
        # attribute would go through pydantic's slow __getattr__.
        value = obj.__dict__.get(name)
        if value is None:
            extra = obj.__pydantic_extra__
            value = extra.get(name) if extra else None
        return value
    if kind == 2:
        return obj.get(name)
    return getattr(obj, name, None)


def _n(obj: Any, name: str, path: str) -> int:
    """The count ``name`` of ``obj`` (0 when absent or null); anything but a non-negative int raises."""
    value = _get(obj, name)
    if value is None:
        return 0
    if value.__class__ is not int:
        if isinstance(value, int) and not isinstance(value, bool):
            value = int(value)  # an int subclass (proto-plus, enums of counts)
        else:
            raise InvalidUsageError(path, value, f"is not a token count ({type(value).__name__})")
    if value < 0:
        raise InvalidUsageError(path, value, "is negative")
    return int(value)


def _has(obj: Any, *names: str) -> bool:
    return any(_get(obj, name) is not None for name in names)


def _build(counts: dict[str, int], variant: str | None) -> Usage:
    values: list[int | str | None] = list(_BLANK)
    for name, n in counts.items():
        if n:
            values[_I[name]] = n
    values[_COUNTS] = variant
    usage: Usage = _new(Usage, values)
    return usage


def _disjoint(whole: int, whole_name: str, parts: dict[str, int]) -> int:
    """``whole`` less its ``parts``; raises naming the fields if they exceed it."""
    rest = whole - sum(parts.values())
    if rest < 0:
        named = " + ".join(f"{k} ({v})" for k, v in parts.items() if v)
        raise InvalidUsageError(whole_name, whole, f"is less than the counts it includes: {named}")
    return rest


def _total(total: Any, reported_name: str, parts: dict[str, int]) -> None:
    """Raise when the provider's total is not the sum of the disjoint counts it reported."""
    if total is None:
        return
    if total.__class__ is not int or total != sum(parts.values()):
        named = " + ".join(f"{k} ({v})" for k, v in parts.items())
        raise InvalidUsageError(reported_name, total, f"is not {named} = {sum(parts.values())}")


def _tier(value: Any, standard: tuple[str, ...]) -> str | None:
    """A reported tier, region or speed as a variant name; None for the standard service."""
    if value is None:
        return None
    name = getattr(value, "value", value)  # enums
    if not isinstance(name, str):
        name = str(getattr(value, "name", name))
    name = name.strip().lower()
    return None if not name or name in standard else name


def _join(*variants: str | None) -> str | None:
    named = [v for v in variants if v]
    return "+".join(named) if named else None


# --- OpenAI (and xAI) ------------------------------------------------------------------------

_OPENAI_STANDARD = ("auto", "default", "standard")


def from_openai(response: Any, *, reasoning_outside: bool = False) -> Usage:
    """Chat Completions (``prompt_tokens`` ...), Responses (``input_tokens`` with
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


# --- Anthropic -----------------------------------------------------------------------------

_ANTHROPIC_STANDARD = ("standard", "global", "not_available")


def from_anthropic(response: Any) -> Usage:
    """Messages API usage: ``input_tokens`` excludes cache reads and writes; ``cache_creation``
    splits writes into 5-minute and 1-hour ones; ``usage.iterations`` entries of type
    ``compaction`` (not in the top-level counts) are added; ``server_tool_use`` counts web
    searches; ``service_tier``, ``inference_geo`` and ``speed`` make the variant."""
    usage = _get(response, "usage")
    if usage is None:
        usage = response
    if _has(usage, "inputTokens", "outputTokens", "cacheReadInputTokens"):
        raise InvalidUsageError("", None, "is a Bedrock Converse usage (camelCase inputTokens): use Usage.from_bedrock")
    if _has(usage, "prompt_tokens", "input_tokens_details", "input_token_details"):
        raise InvalidUsageError("", None, "is an OpenAI usage: use Usage.from_openai")
    if not _has(usage, "input_tokens") or not _has(usage, "output_tokens"):
        raise InvalidUsageError(
            "input_tokens", None, "is missing: not an Anthropic usage (input_tokens, output_tokens)"
        )
    counts = _anthropic_counts(usage, "")
    for k, item in enumerate(_get(usage, "iterations") or ()):
        if _get(item, "type") == "compaction":
            for name, n in _anthropic_counts(item, f"iterations[{k}].").items():
                counts[name] += n
    stu = _get(usage, "server_tool_use")
    counts["web_search_requests"] = _n(stu, "web_search_requests", "server_tool_use.web_search_requests")
    variant = _join(
        _tier(_get(usage, "service_tier"), _ANTHROPIC_STANDARD),
        "regional" if _tier(_get(usage, "inference_geo"), _ANTHROPIC_STANDARD) else None,
        _tier(_get(usage, "speed"), _ANTHROPIC_STANDARD),
    )
    return _build(counts, variant)


def _anthropic_counts(u: Any, at: str) -> dict[str, int]:
    writes = _n(u, "cache_creation_input_tokens", f"{at}cache_creation_input_tokens")
    split = _get(u, "cache_creation")
    write_1h = _n(split, "ephemeral_1h_input_tokens", f"{at}cache_creation.ephemeral_1h_input_tokens")
    if split is not None and _get(split, "ephemeral_5m_input_tokens") is not None:
        write_5m = _n(split, "ephemeral_5m_input_tokens", f"{at}cache_creation.ephemeral_5m_input_tokens")
        if writes and write_5m + write_1h != writes:
            raise InvalidUsageError(
                f"{at}cache_creation_input_tokens",
                writes,
                f"is not ephemeral_5m_input_tokens ({write_5m}) + ephemeral_1h_input_tokens ({write_1h})",
            )
    else:
        write_5m = _disjoint(writes, f"{at}cache_creation_input_tokens", {"ephemeral_1h_input_tokens": write_1h})
    return {
        "input_tokens": _n(u, "input_tokens", f"{at}input_tokens"),
        "output_tokens": _n(u, "output_tokens", f"{at}output_tokens"),
        "cached_input_tokens": _n(u, "cache_read_input_tokens", f"{at}cache_read_input_tokens"),
        "cache_write_tokens": write_5m,
        "cache_write_1h_tokens": write_1h,
    }


# --- Bedrock Converse ------------------------------------------------------------------------


def from_bedrock(response: Any) -> Usage:
    """Converse (or ConverseStream metadata) usage, camelCase: ``inputTokens`` excludes
    ``cacheReadInputTokens`` and ``cacheWriteInputTokens``; ``cacheDetails`` splits writes by
    TTL (``5m``, ``1h``).  The response's ``serviceTier.type`` (``priority``, ``flex``) makes
    the variant; the regional or global price follows from the model id's prefix (its alias)."""
    usage = _get(response, "usage")
    tier = None
    if usage is not None:
        tier = _tier(_get(_get(response, "serviceTier"), "type"), ("default", "standard"))
    else:
        usage = response
    if not _has(usage, "inputTokens") or not _has(usage, "outputTokens"):
        raise InvalidUsageError(
            "inputTokens", None, "is missing: not a Bedrock Converse usage (inputTokens, outputTokens)"
        )
    reads = _n(usage, "cacheReadInputTokens", "cacheReadInputTokens")
    writes = _n(usage, "cacheWriteInputTokens", "cacheWriteInputTokens")
    write_1h = 0
    for k, detail in enumerate(_get(usage, "cacheDetails") or ()):
        if _get(detail, "ttl") == "1h":
            write_1h += _n(detail, "inputTokens", f"cacheDetails[{k}].inputTokens")
    write_5m = _disjoint(writes, "cacheWriteInputTokens", {"cacheDetails 1h inputTokens": write_1h})
    counts = {
        "input_tokens": _n(usage, "inputTokens", "inputTokens"),
        "output_tokens": _n(usage, "outputTokens", "outputTokens"),
        "cached_input_tokens": reads,
        "cache_write_tokens": write_5m,
        "cache_write_1h_tokens": write_1h,
    }
    _total(
        _get(usage, "totalTokens"),
        "totalTokens",
        {
            "inputTokens": counts["input_tokens"],
            "outputTokens": counts["output_tokens"],
            "cacheReadInputTokens": reads,
            "cacheWriteInputTokens": writes,
        },
    )
    return _build(counts, tier)


# --- Google ------------------------------------------------------------------------------------

_TRAFFIC = {
    "on_demand": None,
    "traffic_type_unspecified": None,
    "on_demand_priority": "priority",
    "on_demand_flex": "flex",
    "on_demand_offpeak": "off_peak",
    "provisioned_throughput": "provisioned",
}


def _g(u: Any, snake: str, camel: str) -> Any:
    value = _get(u, snake)
    return _get(u, camel) if value is None else value


def _gn(u: Any, snake: str, camel: str) -> int:
    return _n(u, snake, snake) if _get(u, snake) is not None else _n(u, camel, camel)


def _modalities(details: Any, name: str) -> dict[str, int]:
    out = {"AUDIO": 0, "IMAGE": 0, "VIDEO": 0}
    for k, entry in enumerate(details or ()):
        modality = _get(entry, "modality")
        key = _tier(modality, ()) or "text"
        key = key.upper()
        n = _gn(entry, "token_count", "tokenCount")
        if key in out:
            out[key] += n
        elif key not in ("TEXT", "DOCUMENT", "MODALITY_UNSPECIFIED"):
            raise InvalidUsageError(f"{name}[{k}].modality", modality, "is not a modality modelctl knows")
    return out


def from_google(response: Any) -> Usage:
    """Gemini ``usage_metadata`` (google-genai, proto-plus google-generativeai, REST camelCase,
    or the Live API's ``UsageMetadata`` with ``response_token_count``).

    ``prompt_token_count`` includes ``cached_content_token_count``; per-modality details
    split both into text, audio, image and video; ``thoughts_token_count`` and
    ``tool_use_prompt_token_count`` are outside the candidates (tool-use prompt tokens are
    billed as input); ``traffic_type`` or ``service_tier`` makes the variant."""
    usage = _g(response, "usage_metadata", "usageMetadata")
    if usage is None:
        usage = response
    if not _has(usage, "prompt_token_count", "promptTokenCount", "total_token_count", "totalTokenCount"):
        raise InvalidUsageError(
            "prompt_token_count",
            None,
            "is missing: not a Gemini usage_metadata (prompt_token_count, total_token_count)",
        )
    prompt = _gn(usage, "prompt_token_count", "promptTokenCount")
    cached = _gn(usage, "cached_content_token_count", "cachedContentTokenCount")
    # The Live API says response_token_count; proto-plus objects answer 0 for a field they lack.
    live = not _g(usage, "candidates_token_count", "candidatesTokenCount") and bool(
        _g(usage, "response_token_count", "responseTokenCount")
    )
    if live:
        out, out_name = _gn(usage, "response_token_count", "responseTokenCount"), "response_token_count"
        out_details = _g(usage, "response_tokens_details", "responseTokensDetails")
    else:
        out, out_name = _gn(usage, "candidates_token_count", "candidatesTokenCount"), "candidates_token_count"
        out_details = _g(usage, "candidates_tokens_details", "candidatesTokensDetails")
    thoughts = _gn(usage, "thoughts_token_count", "thoughtsTokenCount")
    tool_prompt = _gn(usage, "tool_use_prompt_token_count", "toolUsePromptTokenCount")
    _total(
        _g(usage, "total_token_count", "totalTokenCount"),
        "total_token_count",
        {
            "prompt_token_count": prompt,
            out_name: out,
            "tool_use_prompt_token_count": tool_prompt,
            "thoughts_token_count": thoughts,
        },
    )
    p = _modalities(_g(usage, "prompt_tokens_details", "promptTokensDetails"), "prompt_tokens_details")
    c = _modalities(_g(usage, "cache_tokens_details", "cacheTokensDetails"), "cache_tokens_details")
    t = _modalities(_g(usage, "tool_use_prompt_tokens_details", "toolUsePromptTokensDetails"), "tool_use_prompt")
    o = _modalities(out_details, f"{out_name} details")
    _disjoint(cached, "cached_content_token_count", {f"cached {k.lower()}": v for k, v in c.items()})
    uncached = {k: _disjoint(p[k] + t[k], f"prompt_tokens_details {k}", {f"cache_tokens_details {k}": c[k]}) for k in p}
    input_text = _disjoint(
        prompt + tool_prompt,
        "prompt_token_count + tool_use_prompt_token_count",
        {"cached_content_token_count": cached, **{f"uncached {k.lower()}": v for k, v in uncached.items()}},
    )
    output_text = _disjoint(out, out_name, {"audio": o["AUDIO"], "image": o["IMAGE"], "video": o["VIDEO"]})
    variant = _TRAFFIC.get(_tier(_g(usage, "traffic_type", "trafficType"), ()) or "on_demand", "unknown-traffic")
    variant = variant or _tier(_g(usage, "service_tier", "serviceTier"), ("standard", "default", "unspecified"))
    return _build(
        {
            "input_tokens": input_text,
            "cached_input_tokens": cached - c["AUDIO"] - c["IMAGE"],
            "input_audio_tokens": uncached["AUDIO"],
            "input_image_tokens": uncached["IMAGE"],
            "input_video_tokens": uncached["VIDEO"],
            "cached_input_audio_tokens": c["AUDIO"],
            "cached_input_image_tokens": c["IMAGE"],
            "output_tokens": output_text + o["VIDEO"],
            "output_audio_tokens": o["AUDIO"],
            "output_image_tokens": o["IMAGE"],
            "reasoning_tokens": thoughts,
        },
        variant,
    )
