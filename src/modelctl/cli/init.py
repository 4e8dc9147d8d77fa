"""``modelctl init`` and ``modelctl schema``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from modelctl import __version__, clock
from modelctl.authoring.init import (
    FilesExist,
    InvalidScaffold,
    Planned,
    plan_repository,
    schema_files,
    write_planned,
)
from modelctl.authoring.new import UsageProblem
from modelctl.cli.common import EXIT_INPUT, EXIT_NO, error, note, stdout_text
from modelctl.cli.own_input import refuse_inside_catalog
from modelctl.cli.visible import visible
from modelctl.errors import ModelctlError


def _providers(text: str | None) -> list[str] | None:
    if text is None:
        return None
    names = [p.strip() for p in text.split(",") if p.strip()]
    if not names:
        raise typer.BadParameter("name at least one provider, e.g. openai,anthropic", param_hint="--from-reference")
    return names


def init(
    directory: Annotated[
        Path, typer.Argument(metavar="[DIR]", help="The repository folder (created if missing).", show_default=False)
    ] = Path("."),
    from_reference: Annotated[
        str | None,
        typer.Option(
            "--from-reference",
            metavar="PROVIDER,...",
            help="Start from these providers' models in the reference catalog shipped with modelctl "
            "(e.g. openai,anthropic) instead of an example provider and model.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite files that exist already.")] = False,
) -> None:
    """Start a catalog repository: a valid catalog, its schemas, CI workflows and pre-commit.

    Writes catalog/ (catalog.yaml, a provider, a model and an example plan),
    schema/ (the JSON Schemas of this modelctl), .github/workflows/ (validate,
    pricing diff and gate, PR comment, publish), .pre-commit-config.yaml and
    the workflows pinned to this modelctl's version, a CODEOWNERS example and
    a README. The catalog is validated before anything is written; existing
    files are listed and left alone unless --force.
    """
    providers = _providers(from_reference)
    try:
        planned = plan_repository(today=clock.today(), reference=providers)
        paths = write_planned(directory, planned, force=force)
    except UsageProblem as exc:
        raise typer.BadParameter(visible(str(exc))) from None
    except FilesExist as exc:
        error(str(exc))
        raise typer.Exit(EXIT_NO) from None
    except (InvalidScaffold, ModelctlError) as exc:
        error(str(exc))
        raise typer.Exit(EXIT_INPUT) from None
    except OSError as exc:
        error(f"{exc.filename or directory}: cannot write: {exc.strerror or exc}")
        raise typer.Exit(EXIT_INPUT) from None
    stdout_text("".join(f"{p}\n" for p in paths))
    models = sum(1 for p in planned if p.rel.startswith("catalog/models/"))
    where = "" if directory == Path(".") else f"cd {directory} && "
    note(
        f"wrote a catalog repository for modelctl {__version__} ({models} model{'s' if models != 1 else ''}, "
        f"{len(paths)} files): next, `{where}modelctl validate && modelctl publish`"
    )


def schema(
    out: Annotated[Path, typer.Option("--out", metavar="DIR", help="The folder to write the schemas into.")] = Path(
        "schema"
    ),
) -> None:
    """Write the JSON Schemas of this modelctl into a folder (refreshes a repository's schema/).

    The catalog files' `$schema` lines point at ../schema/ from catalog/;
    validate warns (MC019) when that folder differs from the installed
    version's schemas.
    """
    # Not into a catalog: validate would report the files as stray (MC207), git as a change.
    refuse_inside_catalog("--out", out)
    planned = [Planned(p.rel.removeprefix("schema/"), p.text) for p in schema_files()]
    try:
        paths = write_planned(out, planned, force=True)
    except ModelctlError as exc:
        error(str(exc))
        raise typer.Exit(EXIT_INPUT) from None
    except OSError as exc:
        error(f"{exc.filename or out}: cannot write: {exc.strerror or exc}")
        raise typer.Exit(EXIT_INPUT) from None
    stdout_text("".join(f"{p}\n" for p in paths))
