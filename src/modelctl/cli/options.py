"""Options that several commands declare the same way."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

CatalogArgument = Annotated[
    Path | None,
    typer.Argument(
        help="Catalog directory. Default: --catalog, else $MODELCTL_CATALOG, else ./catalog.", show_default=False
    ),
]
CatalogDirOption = Annotated[
    Path | None, typer.Option("--catalog", help="Catalog directory (same as the argument).", show_default=False)
]
