"""Gemini usage (google-genai, REST camelCase, proto-plus, the Live API): the reference reader and its fast path."""

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
        e = (
            entry
            if type(entry) is dict
            else entry.__dict__
            if type(entry) in _PYDANTIC and not entry.__pydantic_extra__
            else _fields(entry)
        )
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


def _reader(fallback: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The fast path (see ``openai._reader``); anything it is not sure of goes to ``fallback``."""
    snake, camel = _GOOGLE_SNAKE, _GOOGLE_CAMEL

    def read(response: Any) -> Any:
        try:
            d = (
                response
                if type(response) is dict
                else response.__dict__
                if type(response) in _PYDANTIC and not response.__pydantic_extra__
                else _fields(response)
            )
            if d is None:
                return fallback(response)
            usage = d.get("usage_metadata")
            if usage is None:
                usage = d.get("usageMetadata")
            if usage is not None:
                d = (
                    usage
                    if type(usage) is dict
                    else usage.__dict__
                    if type(usage) in _PYDANTIC and not usage.__pydantic_extra__
                    else _fields(usage)
                )
                if d is None:
                    return fallback(response)
            if _GOOGLE_CAMEL_SET.isdisjoint(d):
                n = snake
            elif _GOOGLE_SNAKE_SET.isdisjoint(d):
                n = camel
            else:
                return fallback(response)  # both spellings: the reference reader decides field by field
            prompt, cached, out = d.get(n[0]), d.get(n[1], 0), d.get(n[2], 0)
            thoughts, tool, total = d.get(n[3], 0), d.get(n[4], 0), d.get(n[5])
            if (prompt is None and total is None) or d.get(n[12]) is not None or d.get(n[13]) is not None:
                return fallback(response)  # not a usage, or the Live API's response_token_count: the reference reader
            if not (type(prompt) is type(cached) is type(out) is type(thoughts) is type(tool) is int):
                # A null count is 0 (the SDKs' unset fields); anything else is the reference reader's to refuse.
                prompt = 0 if prompt is None else prompt
                cached = 0 if cached is None else cached
                out = 0 if out is None else out
                thoughts = 0 if thoughts is None else thoughts
                tool = 0 if tool is None else tool
                if not (type(prompt) is type(cached) is type(out) is type(thoughts) is type(tool) is int):
                    return fallback(response)
            if prompt < 0 or cached < 0 or out < 0 or thoughts < 0 or tool < 0:
                return fallback(response)
            if total is not None and (type(total) is not int or total != prompt + out + tool + thoughts):
                return fallback(response)
            # Per-modality details (audio, image, video; text and documents are not billed apart).
            pa = pi = pv = ca = ci = cv = ta = ti = tv = oa = oi = ov = 0
            details = d.get(n[6])
            if details:
                found = _modalities_fast(details)
                if found is None:
                    return fallback(response)
                pa, pi, pv, _ = found
            details = d.get(n[7])
            if details:
                found = _modalities_fast(details)
                if found is None:
                    return fallback(response)
                ca, ci, cv, _ = found
            details = d.get(n[8])
            if details:
                found = _modalities_fast(details)
                if found is None:
                    return fallback(response)
                ta, ti, tv, _ = found
            details = d.get(n[9])
            if details:
                found = _modalities_fast(details)
                if found is None:
                    return fallback(response)
                oa, oi, ov, _ = found
            ua, ui, uv = pa + ta - ca, pi + ti - ci, pv + tv - cv
            input_text = prompt + tool - cached - ua - ui - uv
            output_text = out - oa - oi - ov
            if ua < 0 or ui < 0 or uv < 0 or input_text < 0 or output_text < 0 or cached - ca - ci - cv < 0:
                return fallback(response)
            variant = None
            traffic, service = d.get(n[10]), d.get(n[11])
            if traffic is not None or service is not None:
                variant = _TRAFFIC.get(_tier(traffic, ()) or "on_demand", "unknown-traffic")
                variant = variant or _tier(service, ("standard", "default", "unspecified"))
            # fmt: off
            return _new(Usage, (
                input_text, output_text + ov, cached - ca - ci, 0, 0, thoughts, ua, oa, ui, oi,
                1, 0, 0, 0, 0, uv, ca, ci, 0, 0, variant,
            ))
            # fmt: on
        except InvalidUsageError:
            raise
        except Exception as exc:  # noqa: BLE001 - the caller's object raised: a documented error instead
            raise _unreadable(exc) from exc

    return read


from_google = _reader(_google_checked)
from_google.__name__ = from_google.__qualname__ = "from_google"
from_google.__doc__ = """Gemini ``usage_metadata`` (google-genai, proto-plus google-generativeai, REST camelCase,
    or the Live API's ``UsageMetadata`` with ``response_token_count``): see ``_google_checked``."""
