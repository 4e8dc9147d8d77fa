"""Anthropic Messages usage: the reference reader and its fast path."""

from __future__ import annotations

from modelctl.runtime._adapters.common import (
    _PYDANTIC,
    _build,
    _disjoint,
    _fields,
    _get,
    _has,
    _join,
    _n,
    _new,
    _tier,
    _unreadable,
)
from modelctl.runtime._errors import InvalidUsageError
from modelctl.runtime._usage import Usage

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

_ANTHROPIC_STANDARD = ("standard", "global", "not_available")


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


def _reader(fallback: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The fast path (see ``openai._reader``); anything it is not sure of goes to ``fallback``."""

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
            usage = d.get("usage")
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
            if not _ANTHROPIC_APART.isdisjoint(d) or d.get("iterations"):
                return fallback(response)
            inp, out = d.get("input_tokens"), d.get("output_tokens")
            writes, reads = d.get("cache_creation_input_tokens", 0), d.get("cache_read_input_tokens", 0)
            w1h = web = 0
            w5m = None
            split = d.get("cache_creation")
            if split is not None:
                if type(split) is not dict:
                    split = (
                        split.__dict__ if type(split) in _PYDANTIC and not split.__pydantic_extra__ else _fields(split)
                    )
                    if split is None:
                        return fallback(response)
                w1h, w5m = split.get("ephemeral_1h_input_tokens", 0), split.get("ephemeral_5m_input_tokens")
            stu = d.get("server_tool_use")
            if stu is not None:
                if type(stu) is not dict:
                    stu = stu.__dict__ if type(stu) in _PYDANTIC and not stu.__pydantic_extra__ else _fields(stu)
                    if stu is None:
                        return fallback(response)
                web = stu.get("web_search_requests", 0)
            if not (type(inp) is type(out) is type(writes) is type(reads) is type(w1h) is type(web) is int):
                # A null count is 0 (the SDKs' unset fields); anything else is the reference reader's to refuse.
                writes = 0 if writes is None else writes
                reads = 0 if reads is None else reads
                w1h = 0 if w1h is None else w1h
                web = 0 if web is None else web
                if not (type(inp) is type(out) is type(writes) is type(reads) is type(w1h) is type(web) is int):
                    return fallback(response)
            if w5m is None:
                w5m = writes - w1h
            elif type(w5m) is not int or writes and w5m + w1h != writes:
                return fallback(response)
            if inp < 0 or out < 0 or writes < 0 or reads < 0 or w1h < 0 or w5m < 0 or web < 0:
                return fallback(response)
            variant = None
            tier, geo, speed = d.get("service_tier"), d.get("inference_geo"), d.get("speed")
            if not (
                (tier is None or type(tier) is str and tier in _ANTHROPIC_STD)
                and (geo is None or type(geo) is str and geo in _ANTHROPIC_STD)
                and speed is None
            ):
                variant = _join(
                    _tier(tier, _ANTHROPIC_STANDARD),
                    "regional" if _tier(geo, _ANTHROPIC_STANDARD) else None,
                    _tier(speed, _ANTHROPIC_STANDARD),
                )
            return _new(Usage, (inp, out, reads, w5m, w1h, 0, 0, 0, 0, 0, 1, 0, web, 0, 0, 0, 0, 0, 0, 0, variant))
        except InvalidUsageError:
            raise
        except Exception as exc:  # noqa: BLE001 - the caller's object raised: a documented error instead
            raise _unreadable(exc) from exc

    return read


from_anthropic = _reader(_anthropic_checked)
from_anthropic.__name__ = from_anthropic.__qualname__ = "from_anthropic"
from_anthropic.__doc__ = """Messages API usage: ``input_tokens`` excludes cache reads and writes; ``cache_creation``
    splits writes into 5-minute and 1-hour ones; ``usage.iterations`` entries of type
    ``compaction`` (not in the top-level counts) are added; ``server_tool_use`` counts web
    searches; ``service_tier``, ``inference_geo`` and ``speed`` make the variant."""
