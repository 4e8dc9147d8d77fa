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
    from collections.abc import Sequence
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


# --- Anthropic -----------------------------------------------------------------------------

_ANTHROPIC_STANDARD = ("standard", "global", "not_available")


def from_anthropic(response: Any) -> Usage:
    """Messages API usage: ``input_tokens`` excludes cache reads and writes; ``cache_creation``
    splits writes into 5-minute and 1-hour ones; ``usage.iterations`` entries of type
    ``compaction`` (not in the top-level counts) are added; ``server_tool_use`` counts web
    searches; ``service_tier``, ``inference_geo`` and ``speed`` make the variant."""
    return _anthropic_fast(response) or _anthropic_checked(response)


def _anthropic_checked(response: Any) -> Usage:
    """The reference reading (see ``_openai_checked``).

    Messages API usage: ``input_tokens`` excludes cache reads and writes; ``cache_creation``
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
    or the Live API's ``UsageMetadata`` with ``response_token_count``): see ``_google_checked``."""
    return _google_fast(response) or _google_checked(response)


def _google_checked(response: Any) -> Usage:
    """The reference reading (see ``_openai_checked``).

    Gemini ``usage_metadata`` (google-genai, proto-plus google-generativeai, REST camelCase,
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


# --- fast paths ---------------------------------------------------------------------------------
#
# The readers above check every count as they read it, one call per field.  The fast paths below
# read the common shapes (dicts and pydantic models: wire bodies and the SDKs' own objects) with
# plain dict lookups, check all the counts' types in one pass and the arithmetic at once, and
# return None at the first thing they are not sure of: the reference reader then reads the same
# response, and raises naming the field (or reads a shape the fast path does not know).  A fast
# path never accepts what the reference reader refuses, nor answers differently
# (tests/runtime/test_adapters_fast.py compares them on generated responses).

_NONE = type(None)
_INT_OR_NONE = frozenset((int, _NONE))


def _fields(obj: Any) -> dict[str, Any] | None:
    """``obj``'s fields as a dict: a dict itself, a pydantic model's ``__dict__`` (with its extra
    fields); None for anything else (the reference reader reads it)."""
    cls = obj.__class__
    if cls is dict:
        fields: dict[str, Any] = obj
        return fields
    if (_KIND.get(cls) or _kind(cls)) == 1:
        extra = obj.__pydantic_extra__
        fields = {**obj.__dict__, **extra} if extra else obj.__dict__
        return fields
    return None


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


_ANTHROPIC_STD = frozenset(_ANTHROPIC_STANDARD)
_ANTHROPIC_APART = frozenset(
    (
        "inputTokens",
        "outputTokens",
        "cacheReadInputTokens",
        "prompt_tokens",
        "input_tokens_details",
        "input_token_details",
    )
)


def _anthropic_fast(response: Any) -> Usage | None:
    d = _fields(response)
    if d is None:
        return None
    usage = d.get("usage")
    if usage is not None:
        d = _fields(usage)
        if d is None:
            return None
    if not _ANTHROPIC_APART.isdisjoint(d) or d.get("iterations"):
        return None
    inp, out = d.get("input_tokens"), d.get("output_tokens")
    if inp is None or out is None:
        return None
    writes, reads = d.get("cache_creation_input_tokens"), d.get("cache_read_input_tokens")
    w1h = w5m = web = None
    split = d.get("cache_creation")
    if split is not None:
        split = _fields(split)
        if split is None:
            return None
        w1h, w5m = split.get("ephemeral_1h_input_tokens"), split.get("ephemeral_5m_input_tokens")
    stu = d.get("server_tool_use")
    if stu is not None:
        stu = _fields(stu)
        if stu is None:
            return None
        web = stu.get("web_search_requests")
    if not _INT_OR_NONE.issuperset(map(type, (inp, out, writes, reads, w1h, w5m, web))):
        return None
    writes, reads, w1h, web = writes or 0, reads or 0, w1h or 0, web or 0
    if w5m is not None:
        if writes and w5m + w1h != writes:
            return None
    else:
        w5m = writes - w1h
    if min(inp, out, writes, reads, w1h, w5m, web) < 0:
        return None
    variant = None
    tier, geo, speed = d.get("service_tier"), d.get("inference_geo"), d.get("speed")
    if not (
        (tier is None or tier.__class__ is str and tier in _ANTHROPIC_STD)
        and (geo is None or geo.__class__ is str and geo in _ANTHROPIC_STD)
        and speed is None
    ):
        variant = _join(
            _tier(tier, _ANTHROPIC_STANDARD),
            "regional" if _tier(geo, _ANTHROPIC_STANDARD) else None,
            _tier(speed, _ANTHROPIC_STANDARD),
        )
    made: Usage = _new(Usage, (inp, out, reads, w5m, w1h, 0, 0, 0, 0, 0, 1, 0, web, 0, 0, 0, 0, 0, 0, 0, variant))
    return made


# The usage-level names the Google reader reads, snake_case and camelCase, in one order.
_GOOGLE_SNAKE: tuple[str, ...] = (
    "prompt_token_count",
    "cached_content_token_count",
    "candidates_token_count",
    "thoughts_token_count",
    "tool_use_prompt_token_count",
    "total_token_count",
    "prompt_tokens_details",
    "cache_tokens_details",
    "tool_use_prompt_tokens_details",
    "candidates_tokens_details",
    "traffic_type",
    "service_tier",
    "response_token_count",
    "response_tokens_details",
)
_GOOGLE_CAMEL = tuple(
    name.split("_")[0] + "".join(part.title() for part in name.split("_")[1:]) for name in _GOOGLE_SNAKE
)
_GOOGLE_SNAKE_SET, _GOOGLE_CAMEL_SET = frozenset(_GOOGLE_SNAKE), frozenset(_GOOGLE_CAMEL)
# modality -> 0 audio, 1 image, 2 video, 3 not billed apart (as _modalities reads it, upper-cased)
_MODALITY: dict[str | None, int] = {None: 3}
for _name, _index in (
    ("AUDIO", 0),
    ("IMAGE", 1),
    ("VIDEO", 2),
    ("TEXT", 3),
    ("DOCUMENT", 3),
    ("MODALITY_UNSPECIFIED", 3),
):
    _MODALITY[_name] = _MODALITY[_name.lower()] = _index


def _modalities_fast(details: Any) -> list[int] | None:
    """[audio, image, video] tokens of a non-empty details list, or None (the reference reader reads it)."""
    out = [0, 0, 0, 0]
    if details.__class__ is not list:
        return None
    for entry in details:
        e = _fields(entry)
        if e is None:
            return None
        modality = e.get("modality")
        if modality is not None and modality.__class__ is not str:
            modality = _tier(modality, ())  # an enum: its lower-cased value, as the reference reads it
        index = _MODALITY.get(modality)
        n = e.get("token_count")
        if n is None:
            n = e.get("tokenCount")
        if index is None or n.__class__ is not int or n < 0:
            return None
        out[index] += n
    return out


_ZEROS = (0, 0, 0, 0)


def _google_fast(response: Any) -> Usage | None:
    d = _fields(response)
    if d is None:
        return None
    usage = d.get("usage_metadata")
    if usage is None:
        usage = d.get("usageMetadata")
    if usage is not None:
        d = _fields(usage)
        if d is None:
            return None
    if _GOOGLE_CAMEL_SET.isdisjoint(d):
        names = _GOOGLE_SNAKE
    elif _GOOGLE_SNAKE_SET.isdisjoint(d):
        names = _GOOGLE_CAMEL
    else:
        return None  # both spellings: the reference reader decides field by field
    get = d.get
    prompt, cached, out, thoughts, tool, total = (get(names[k]) for k in range(6))
    if (prompt is None and total is None) or get(names[12]) is not None or get(names[13]) is not None:
        return None  # not a usage, or the Live API's response_token_count: the reference reader
    if not _INT_OR_NONE.issuperset(map(type, (prompt, cached, out, thoughts, tool))):
        return None
    prompt, cached, out, thoughts, tool = prompt or 0, cached or 0, out or 0, thoughts or 0, tool or 0
    if min(prompt, cached, out, thoughts, tool) < 0:
        return None
    if total is not None and (total.__class__ is not int or total != prompt + out + tool + thoughts):
        return None
    split: list[Sequence[int]] = []
    for k in (6, 7, 8, 9):
        details = get(names[k])
        if details:
            found = _modalities_fast(details)
            if found is None:
                return None
            split.append(found)
        else:
            split.append(_ZEROS)
    p, c, t, o = split
    ua, ui, uv = p[0] + t[0] - c[0], p[1] + t[1] - c[1], p[2] + t[2] - c[2]
    input_text = prompt + tool - cached - ua - ui - uv
    output_text = out - o[0] - o[1] - o[2]
    if min(ua, ui, uv, input_text, output_text, cached - c[0] - c[1] - c[2]) < 0:
        return None
    variant = None
    traffic, service = get(names[10]), get(names[11])
    if traffic is not None or service is not None:
        variant = _TRAFFIC.get(_tier(traffic, ()) or "on_demand", "unknown-traffic")
        variant = variant or _tier(service, ("standard", "default", "unspecified"))
    made: Usage = _new(
        Usage,
        (
            input_text,
            output_text + o[2],
            cached - c[0] - c[1],
            0,
            0,
            thoughts,
            ua,
            o[0],
            ui,
            o[1],
            1,
            0,
            0,
            0,
            0,
            uv,
            c[0],
            c[1],
            0,
            0,
            variant,
        ),
    )
    return made
