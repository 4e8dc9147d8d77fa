"""``modelctl fmt``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from modelctl.authoring.fmt import fmt_edits, targets
from modelctl.catalog.loader import resolve_root
from modelctl.cli.common import EXIT_INPUT, EXIT_NO, colour_enabled, error, note, paint
from modelctl.errors import ModelctlError


def fmt(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[PATHS]...",
            help="Catalog files or folders. Default: the catalog ($MODELCTL_CATALOG, else ./catalog).",
            show_default=False,
        ),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Change nothing; exit 1 when a file is not in canonical form.")
    ] = False,
) -> None:
    """Put catalog files in canonical form: key order, newest period first, the $schema line, prices as 0.40.

    Comments stay with their keys, and the data is the same before and after
    (checked). Prints the diff; with --check writes nothing and exits 1 when
    some file would change (a pre-commit hook: modelctl-fmt).
    """
    try:
        edits = fmt_edits(targets(paths or [resolve_root(None)]), write=not check)
    except (ModelctlError, OSError) as exc:
        error(str(exc))
        raise typer.Exit(EXIT_INPUT) from None
    colour = colour_enabled(sys.stdout)
    for edit in edits:
        for line in edit.diff.splitlines():
            style = "green" if line.startswith("+") else "red" if line.startswith("-") else None
            sys.stdout.write(paint(line, style, colour) + "\n")
    sys.stdout.flush()
    count = f"{len(edits)} file{'s' if len(edits) != 1 else ''}"
    if check and edits:
        note(f"{count} not in canonical form: run `modelctl fmt`")
        raise typer.Exit(EXIT_NO)
    note(f"{count} reformatted" if edits else "every file is in canonical form")
