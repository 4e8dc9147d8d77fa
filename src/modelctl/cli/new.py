"""``modelctl new model`` and ``modelctl new provider``."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from modelctl import clock
from modelctl.authoring.new import FileExists, NewFile, UsageProblem, new_model, new_provider
from modelctl.catalog.loader import resolve_root
from modelctl.cli.common import EXIT_INPUT, EXIT_NO, error, note, stdout_text
from modelctl.cli.visible import visible
from modelctl.errors import ModelctlError, Severity
from modelctl.rules.validate import validate_catalog

EPILOG = (
    "Exit codes: 0 written; 1 the file exists already, nothing written; 2 usage error (a bad id, an unknown "
    "provider or --from model); 4 the catalog cannot be read."
)

new_app = typer.Typer(
    name="new",
    help="Start a new catalog file: a model (blank, or copied from another) or a provider.\n\n"
    "The file written is commented and validates as it is; an existing file is never overwritten.",
    no_args_is_help=True,
    add_completion=False,
    epilog=EPILOG,
)

CatalogDir = Annotated[
    Path | None,
    typer.Option(
        "--catalog", help="Catalog directory. Default: $MODELCTL_CATALOG, else ./catalog.", show_default=False
    ),
]


class Kind(StrEnum):
    lab = "lab"
    cloud = "cloud"
    host = "host"
    aggregator = "aggregator"


@new_app.command("model", epilog=EPILOG)
def model(
    ref: Annotated[str, typer.Argument(metavar="PROVIDER/ID", help="The new model's canonical reference.")],
    copy_from: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="PROVIDER/OTHER",
            help="Copy limits, modalities, features, family and current prices from this model.",
            show_default=False,
        ),
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="The display name.", show_default=False)] = None,
    catalog: CatalogDir = None,
) -> None:
    """Write catalog/models/PROVIDER/ID.yaml: a commented template, or a copy of another model.

    A blank template is status preview and enabled: false with zero prices
    until you fill them in. With --from, aliases, deprecation and price
    history are not copied; the prices start today and every line to check
    is marked TODO. Then run `modelctl validate`.
    """
    root = resolve_root(catalog)
    written = _run(lambda: new_model(root, ref, today=clock.today(), copy_from=copy_from, name=name))
    _report(root, written)


@new_app.command("provider", epilog=EPILOG)
def provider(
    provider_id: Annotated[str, typer.Argument(metavar="ID", help="The provider's id (its file name).")],
    name: Annotated[str | None, typer.Option("--name", help="The display name.", show_default=False)] = None,
    kind: Annotated[Kind, typer.Option("--kind", help="What the provider is.")] = Kind.lab,
    website: Annotated[
        str | None, typer.Option("--website", help="Its home page (https://...).", show_default=False)
    ] = None,
    catalog: CatalogDir = None,
) -> None:
    """Write catalog/providers/ID.yaml, ready for `modelctl new model ID/...`."""
    root = resolve_root(catalog)
    written = _run(lambda: new_provider(root, provider_id, name=name, kind=kind.value, website=website))
    _report(root, written)


def _run(action: Callable[[], NewFile]) -> NewFile:
    try:
        return action()
    except UsageProblem as exc:
        raise typer.BadParameter(str(exc)) from None
    except FileExists as exc:
        error(str(exc))
        raise typer.Exit(EXIT_NO) from None
    except ModelctlError as exc:
        error(str(exc))
        raise typer.Exit(EXIT_INPUT) from None


def _report(root: Path, written: NewFile) -> None:
    stdout_text(f"{written.path}\n")
    try:
        result = validate_catalog(root)
    except ModelctlError as exc:  # pragma: no cover - the catalog was readable a moment ago
        error(str(exc))
        raise typer.Exit(EXIT_INPUT) from None
    for finding in result.findings:
        if Path(finding.location.file) != written.path:
            continue
        if finding.severity is Severity.ERROR:
            error(visible(str(finding)))
        else:
            note(str(finding))
    note(f"wrote {written.path}: edit the TODO lines, then run `modelctl validate {root}`")
