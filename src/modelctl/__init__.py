"""modelctl: the catalog of AI models and their prices, kept as code.

The library is pure (it returns values and never prints); the Typer CLI in
``modelctl.cli`` is a thin layer over it.  Applications load published
artifacts with ``modelctl.runtime``, which imports only the standard library.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
