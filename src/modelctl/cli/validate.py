"""``modelctl validate``."""

from __future__ import annotations

import os
from enum import StrEnum
from typing import Annotated

import typer

from modelctl.catalog.loader import resolve_root
from modelctl.cli import output
from modelctl.cli.options import CatalogArgument, CatalogDirOption
from modelctl.errors import CatalogNotFound
from modelctl.rules.validate import validate_catalog


class ValidateFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


def validate(
    catalog: CatalogArgument = None,
    catalog_opt: CatalogDirOption = None,
    fmt: Annotated[
        ValidateFormat,
        typer.Option("--format", "-f", help="text for people; json for programs; github for workflow annotations."),
    ] = ValidateFormat.text,
    strict: Annotated[bool, typer.Option("--strict", help="Count warnings as errors.")] = False,
) -> None:
    """Check a catalog: YAML syntax, JSON Schema and the semantic rules (`modelctl docs rules`).

    Every finding names its file, line and column. Rules that depend on the
    date read today from $MODELCTL_TODAY (YYYY-MM-DD) when it is set.
    """
    root = resolve_root(catalog or catalog_opt)
    try:
        result = validate_catalog(root, strict=strict)
    except CatalogNotFound as exc:
        output.error(str(exc))
        raise typer.Exit(4) from None
    if fmt is ValidateFormat.json:
        output.stdout_text(output.validation_json(result))
    elif fmt is ValidateFormat.github:
        output.stdout_text(output.validation_github(result))
        summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary_path:
            with output.writing(summary_path), open(summary_path, "a", encoding="utf-8") as fh:
                fh.write(output.validation_markdown(result))
    else:
        output.print_validation_text(result)
    raise typer.Exit(0 if result.valid else 1)
