"""Bedrock Converse usage (camelCase): read by the reference reader only."""

from __future__ import annotations

from modelctl.runtime._adapters.common import (
    _build,
    _disjoint,
    _get,
    _has,
    _n,
    _tier,
    _total,
    _unreadable,
)
from modelctl.runtime._errors import InvalidUsageError
from modelctl.runtime._usage import Usage

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _bedrock_checked(response: Any) -> Usage:
    """The reading of a Bedrock Converse usage (``from_bedrock``'s), every count checked as it is read."""
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


def from_bedrock(response: Any) -> Usage:
    """Converse (or ConverseStream metadata) usage, camelCase: ``inputTokens`` excludes
    ``cacheReadInputTokens`` and ``cacheWriteInputTokens``; ``cacheDetails`` splits writes by
    TTL (``5m``, ``1h``).  The response's ``serviceTier.type`` (``priority``, ``flex``) makes
    the variant; the regional or global price follows from the model id's prefix (its alias)."""
    try:
        return _bedrock_checked(response)
    except InvalidUsageError:
        raise
    except Exception as exc:  # noqa: BLE001 - the caller's object raised: a documented error instead
        raise _unreadable(exc) from exc
