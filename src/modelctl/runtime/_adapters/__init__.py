"""Adapters: a provider's response (or its usage object) -> Usage, in disjoint counts.

Each accepts the whole response or just its usage, as a dict (a JSON body as sent on the wire)
or as the SDK's own object (pydantic models, proto-plus messages: anything with attributes).
A shape the adapter does not know raises ``InvalidUsageError``: a usage is never silently
priced at zero.  Where the provider reports a total, the disjoint counts must add up to it.

One module per provider (``openai``, ``anthropic``, ``google``, ``bedrock``), each with its
reference reader (every count checked as it is read; it names the field at fault) and a fast
path for the common shapes that leaves anything doubtful to it; ``common`` holds what they share.
May import: the standard library and ``modelctl.runtime``.
"""

from __future__ import annotations

from modelctl.runtime._adapters.anthropic import _anthropic_checked, from_anthropic
from modelctl.runtime._adapters.bedrock import from_bedrock
from modelctl.runtime._adapters.google import _google_checked, from_google
from modelctl.runtime._adapters.openai import _openai_checked, from_openai, from_xai

__all__ = [
    "_anthropic_checked",
    "_google_checked",
    "_openai_checked",
    "from_anthropic",
    "from_bedrock",
    "from_google",
    "from_openai",
    "from_xai",
]
