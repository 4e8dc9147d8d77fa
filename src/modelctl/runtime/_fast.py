"""The ``fast`` extra: msgspec's JSON decoder for ``Catalog.loads(parser="msgspec")``.

The one module of the runtime besides ``_remote/minisign.py`` that imports a third-party package,
and only when that parser is asked for (``tests/runtime/test_runtime.py`` checks that a default
load imports nothing else)."""

from __future__ import annotations

from modelctl.runtime._errors import CatalogError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

INSTALL_HINT = "parser='msgspec' needs the `msgspec` package: pip install 'modelctl[fast]' (or pip install msgspec)"
_DECODER: list[Any] = []  # msgspec's decode function, made on first use


def decoder() -> Any:
    """msgspec's ``Decoder().decode`` (untyped: dicts, lists, str, int, float, bool, None, as
    ``json.loads`` makes them); a ``CatalogError`` saying how to install msgspec when it is missing."""
    if not _DECODER:
        try:
            import msgspec
        except ImportError:
            raise CatalogError(INSTALL_HINT) from None
        _DECODER.append(msgspec.json.Decoder().decode)
    return _DECODER[0]
