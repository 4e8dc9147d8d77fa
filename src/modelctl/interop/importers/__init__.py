"""Importers: read the public catalogs into catalog files.

One module per source reads it into a ``SourceData`` (nothing written);
``plan.plan_import`` decides the files and validates them; ``write.apply``
writes them atomically.  ``read_source`` picks the reader by name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from modelctl.interop.importers import genai_prices, litellm, models_dev, openrouter
from modelctl.interop.importers.common import ReadOptions, SourceData, SourceError

Reader = Callable[[Path, ReadOptions], SourceData]

READERS: dict[str, Reader] = {
    "litellm": litellm.read,
    "genai-prices": genai_prices.read,
    "models.dev": models_dev.read,
    "openrouter": openrouter.read,
}

__all__ = ["READERS", "ReadOptions", "SourceData", "SourceError", "catalog_provider", "read_source"]


def read_source(kind: str, path: Path, opts: ReadOptions) -> SourceData:
    """Read ``path`` as a ``kind`` source.  Raises SourceError when it cannot be read."""
    if not path.exists():
        raise SourceError(f"{path}: no such file or folder")
    data = READERS[kind](path, opts)
    return replace(data, since=opts.since) if opts.since is not None else data


def catalog_provider(kind: str, name: str) -> str:
    """A provider name as the user may give it (the source's spelling) -> the catalog's id."""
    if kind == "litellm":
        return litellm.catalog_provider(name)
    if kind == "genai-prices":
        return genai_prices.PROVIDER_TO_CATALOG.get(name, name)
    return name
