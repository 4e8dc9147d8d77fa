"""``modelctl site``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from modelctl import clock
from modelctl.artifact.publish import write_atomic
from modelctl.authoring.files import in_the_way
from modelctl.catalog.loader import resolve_root
from modelctl.cli.common import EXIT_INPUT, CatalogOption, error, note, open_for_command, stdout_text
from modelctl.cli.own_input import refuse_inside_catalog
from modelctl.site import build_page

PAGE_NAME = "index.html"


def site(
    artifact: Annotated[
        Path | None,
        typer.Argument(
            metavar="[ARTIFACT]",
            help="A published artifact (catalog.json) to build the page from, instead of a catalog directory.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write index.html in.")] = Path("site"),
    catalog: CatalogOption = None,
    title: Annotated[
        str | None, typer.Option("--title", help="The page title. Default: the catalog's name.", show_default=False)
    ] = None,
) -> None:
    """Write the model comparison page: one self-contained HTML file.

    The page lists every model with its provider, status, context window,
    prices and features, with sorting, filters and search; a calculator
    prices a workload on every model exactly as the runtime does (decimal
    arithmetic, no floats); each model with several price periods has a
    price-history chart. Everything is inline: the page requests nothing
    from any other host, and the table reads without JavaScript. Accounts
    (negotiated prices) are never on the page.
    """
    refuse_inside_catalog("--out", out, artifact or resolve_root(catalog))
    opened = open_for_command(artifact or catalog, public=True)
    page = build_page(opened.catalog, today=clock.today(), title=title)
    path = out / PAGE_NAME
    blocked = in_the_way(out)
    if blocked:
        error(f"cannot write {path}: {blocked[0]} {blocked[1]}: --out names the folder to write {PAGE_NAME} in")
        raise typer.Exit(EXIT_INPUT)
    try:
        write_atomic(path, page.encode("utf-8"))
    except OSError as exc:
        error(f"cannot write {path}: {exc.strerror or exc}")
        raise typer.Exit(EXIT_INPUT) from None
    stdout_text(f"{path}\n")
    note(f"wrote {path}: {len(opened.catalog)} models, {len(page.encode('utf-8')):,} bytes, from {opened.label}")
