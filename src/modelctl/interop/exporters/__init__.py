"""Exporters: a published artifact in the formats other tools read.

``litellm`` (LiteLLM's model cost map), ``openrouter`` (an OpenRouter-style
models list) and ``price_table`` (a flat, dated price table for warehouses).
They read the artifact only, verified by the runtime, and return values.
"""

from __future__ import annotations

from modelctl.interop.exporters.common import Artifact, ExportError, dumps, load_artifact

__all__ = ["Artifact", "ExportError", "dumps", "load_artifact"]
