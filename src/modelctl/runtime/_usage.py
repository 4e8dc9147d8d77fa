"""Usage: what a request used, in disjoint counts, and adapters from provider responses."""

from __future__ import annotations

from collections import namedtuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

# --- values ------------------------------------------------------------------------


_UsageBase = namedtuple(
    "_UsageBase",
    [
        "input_tokens",
        "output_tokens",
        "cached_input_tokens",
        "cache_write_tokens",
        "cache_write_1h_tokens",
        "reasoning_tokens",
        "input_audio_tokens",
        "output_audio_tokens",
        "input_image_tokens",
        "output_image_tokens",
        "requests",
        "images",
    ],
    defaults=[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0],
)


USAGE_FIELDS: tuple[str, ...] = _UsageBase._fields


class Usage(_UsageBase):
    """What one request (or a batch of them) used.  The counts are disjoint:
    ``input_tokens`` excludes cached and cache-write tokens, ``output_tokens``
    excludes reasoning tokens, and audio and image tokens are counted apart.
    ``requests`` defaults to 1.  ``a + b`` adds two usages field by field.

    Fields: input_tokens, output_tokens, cached_input_tokens,
    cache_write_tokens, cache_write_1h_tokens, reasoning_tokens,
    input_audio_tokens, output_audio_tokens, input_image_tokens,
    output_image_tokens, requests, images."""

    __slots__ = ()

    def __add__(self, other: object) -> Usage:
        if not isinstance(other, Usage):
            return NotImplemented
        return Usage(*map(int.__add__, self, other))

    @property
    def input_side_tokens(self) -> int:
        """Tokens that count towards a context tier: input, cached input, cache writes."""
        return int(self.input_tokens + self.cached_input_tokens + self.cache_write_tokens + self.cache_write_1h_tokens)

    @classmethod
    def from_openai(cls, usage: Mapping[str, Any] | Any) -> Usage:
        """From an OpenAI ``usage`` object (Chat Completions or Responses API).

        OpenAI counts cached tokens inside the prompt tokens, reasoning inside
        the completion tokens, and audio tokens inside both."""
        u = _as_mapping(usage)
        prompt = u.get("prompt_tokens", u.get("input_tokens", 0)) or 0
        completion = u.get("completion_tokens", u.get("output_tokens", 0)) or 0
        pd = _as_mapping(u.get("prompt_tokens_details") or u.get("input_tokens_details") or {})
        cd = _as_mapping(u.get("completion_tokens_details") or u.get("output_tokens_details") or {})
        cached = pd.get("cached_tokens", 0) or 0
        audio_in = pd.get("audio_tokens", 0) or 0
        image_in = pd.get("image_tokens", 0) or 0
        reasoning = cd.get("reasoning_tokens", 0) or 0
        audio_out = cd.get("audio_tokens", 0) or 0
        image_out = cd.get("image_tokens", 0) or 0
        return cls(
            input_tokens=prompt - cached - audio_in - image_in,
            cached_input_tokens=cached,
            input_audio_tokens=audio_in,
            input_image_tokens=image_in,
            output_tokens=completion - reasoning - audio_out - image_out,
            reasoning_tokens=reasoning,
            output_audio_tokens=audio_out,
            output_image_tokens=image_out,
        )

    @classmethod
    def from_anthropic(cls, usage: Mapping[str, Any] | Any) -> Usage:
        """From an Anthropic Messages ``usage`` object: cache reads and writes are
        reported apart from ``input_tokens``; ``cache_creation`` splits writes by
        lifetime (5 minutes, 1 hour) when present."""
        u = _as_mapping(usage)
        writes = u.get("cache_creation_input_tokens", 0) or 0
        split = _as_mapping(u.get("cache_creation") or {})
        write_1h = split.get("ephemeral_1h_input_tokens", 0) or 0
        write_5m = split.get("ephemeral_5m_input_tokens", writes - write_1h) or 0
        return cls(
            input_tokens=u.get("input_tokens", 0) or 0,
            output_tokens=u.get("output_tokens", 0) or 0,
            cached_input_tokens=u.get("cache_read_input_tokens", 0) or 0,
            cache_write_tokens=write_5m,
            cache_write_1h_tokens=write_1h,
        )

    @classmethod
    def from_google(cls, usage_metadata: Mapping[str, Any] | Any) -> Usage:
        """From a Gemini ``usageMetadata`` (camelCase or snake_case): cached
        tokens are inside the prompt count; thoughts are reported apart."""
        u = _as_mapping(usage_metadata)

        def get(*names: str) -> int:
            for name in names:
                if u.get(name) is not None:
                    return int(u[name])
            return 0

        prompt = get("promptTokenCount", "prompt_token_count")
        cached = get("cachedContentTokenCount", "cached_content_token_count")
        return cls(
            input_tokens=prompt - cached,
            cached_input_tokens=cached,
            output_tokens=get("candidatesTokenCount", "candidates_token_count"),
            reasoning_tokens=get("thoughtsTokenCount", "thoughts_token_count"),
        )


def _as_mapping(obj: Any) -> Mapping[str, Any]:
    if isinstance(obj, dict) or (hasattr(obj, "get") and hasattr(obj, "__getitem__")):
        found: Mapping[str, Any] = obj
        return found
    if hasattr(obj, "model_dump"):  # SDK objects (pydantic models)
        dumped: Mapping[str, Any] = obj.model_dump()
        return dumped
    attrs: Mapping[str, Any] = vars(obj)
    return attrs


def _coerce_usage(usage: Any) -> Usage:
    if isinstance(usage, Usage):
        return usage
    if isinstance(usage, dict):
        return Usage(**usage)
    raise TypeError(f"usage must be a Usage (or a dict of its fields), not {type(usage).__name__}")
