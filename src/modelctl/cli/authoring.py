"""The editing commands: ``price set``, ``retire``, ``deprecate``, ``disable``,
``enable``.  Each validates the edited catalog before writing, writes
atomically, keeps comments and layout, and prints the diff it made."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer

from modelctl import clock
from modelctl.authoring.edit import EditRefused, Outcome
from modelctl.authoring.lifecycle import defaults_naming, set_enabled, set_lifecycle
from modelctl.authoring.new import UsageProblem
from modelctl.authoring.price import parse_assignments, price_set
from modelctl.catalog.loader import resolve_root
from modelctl.cli.common import EXIT_INPUT, EXIT_NO, colour_enabled, error, note, paint, parse_day
from modelctl.errors import ModelctlError
from modelctl.rules.validate import ValidationResult, validate_catalog

EDIT_EPILOG = (
    "Exit codes: 0 written (or nothing to change); 1 refused: the edit would make the catalog invalid, "
    "nothing written; 2 usage error (an unknown model, a bad KEY=VALUE or date, a change to a period in "
    "force without --amend); 4 the catalog cannot be read, or the model's file has YAML or schema errors "
    "(listed, nothing written)."
)

CatalogDir = Annotated[
    Path | None,
    typer.Option(
        "--catalog", help="Catalog directory. Default: $MODELCTL_CATALOG, else ./catalog.", show_default=False
    ),
]
ModelArg = Annotated[str, typer.Argument(metavar="MODEL", help="The model, as provider/id (or an alias).")]


def _date_option(name: str, help_text: str) -> object:
    return typer.Option(name, help=help_text, parser=parse_day, metavar="DATE", show_default=False)


def _run(catalog: Path | None, action: Callable[[Path, date, ValidationResult], Outcome]) -> Outcome:
    root = resolve_root(catalog)
    today = clock.today()
    try:
        before = validate_catalog(root, today=today)
        outcome = action(root, today, before)
    except UsageProblem as exc:
        raise typer.BadParameter(str(exc)) from None
    except EditRefused as exc:
        error(str(exc))
        raise typer.Exit(EXIT_NO) from None
    except (ModelctlError, OSError) as exc:
        error(str(exc))
        raise typer.Exit(EXIT_INPUT) from None
    _show(outcome)
    return outcome


def _show(outcome: Outcome) -> None:
    colour = colour_enabled(sys.stdout)
    for line in outcome.diff.splitlines(keepends=True):
        style = "green" if line.startswith("+") else "red" if line.startswith("-") else None
        sys.stdout.write(paint(line.rstrip("\n"), style, colour) + "\n")
    sys.stdout.flush()
    for text in outcome.notes:
        note(text)
    if not outcome.edits:
        note("nothing changed")


price_app = typer.Typer(
    name="price",
    help="Change a model's prices: `modelctl price set`.",
    no_args_is_help=True,
    add_completion=False,
)


@price_app.callback()
def _price() -> None:
    """Change a model's prices: `modelctl price set`."""


@price_app.command("set", epilog=EDIT_EPILOG)
def price_set_cmd(
    model: ModelArg,
    assignments: Annotated[
        list[str],
        typer.Argument(
            metavar="KEY=VALUE...", help="Prices to change (USD), e.g. input_per_1m=2.50; KEY=none drops one."
        ),
    ],
    start: Annotated[date, _date_option("--from", "The first day of the new prices; a future day schedules them.")],
    variant: Annotated[
        str | None,
        typer.Option("--variant", help="Change this variant's prices (batch, priority...).", show_default=False),
    ] = None,
    tier: Annotated[
        int | None,
        typer.Option(
            "--tier", metavar="ABOVE", help="Change the tier above this many input tokens.", show_default=False
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source", metavar="URL", help="Where the prices were read (default: carried forward).", show_default=False
        ),
    ] = None,
    checked: Annotated[date | None, _date_option("--checked", "The day the prices were read (default: today).")] = None,
    amend: Annotated[
        bool, typer.Option("--amend", help="Allow changing a period already in force (or one starting in the past).")
    ] = False,
    catalog: CatalogDir = None,
) -> None:
    """Add a dated price period that carries forward everything else of the period in force.

    Every key, tier and variant of the period in force on --from is kept;
    only the prices given change (in the variant or tier named). A future
    --from schedules the change; changing a period already in force needs
    --amend. Prints the diff it made.
    """
    changes = _assignments(assignments)
    _run(
        catalog,
        lambda root, today, before: price_set(
            root,
            model,
            changes,
            start=start,
            today=today,
            before=before,
            variant=variant,
            tier=tier,
            source=source,
            checked=checked,
            amend=amend,
        ),
    )


def _assignments(items: list[str]) -> dict[str, Decimal | None]:
    try:
        return parse_assignments(items)
    except UsageProblem as exc:
        raise typer.BadParameter(str(exc), param_hint="KEY=VALUE") from None


def retire(
    model: ModelArg,
    replacement: Annotated[
        str, typer.Option("--replacement", metavar="MODEL", help="The model to use instead (provider/id).")
    ],
    on: Annotated[date, _date_option("--on", "The day it is retired.")],
    announced: Annotated[date | None, _date_option("--announced", "The day the provider announced it.")] = None,
    catalog: CatalogDir = None,
) -> None:
    """Retire a model: status retired, disabled, with its retirement date and replacement.

    Prints the diff it made; refused (nothing written) when the catalog would
    not validate, e.g. a replacement that is itself retired.
    """
    _lifecycle("retired", model, replacement, on, announced, catalog)


def deprecate(
    model: ModelArg,
    replacement: Annotated[
        str, typer.Option("--replacement", metavar="MODEL", help="The model to use instead (provider/id).")
    ],
    on: Annotated[date, _date_option("--on", "The day it will be retired.")],
    announced: Annotated[date | None, _date_option("--announced", "The day the provider announced it.")] = None,
    catalog: CatalogDir = None,
) -> None:
    """Deprecate a model: status deprecated, with the day it retires and its replacement.

    Prints the diff it made; refused (nothing written) when the catalog would
    not validate.
    """
    _lifecycle("deprecated", model, replacement, on, announced, catalog)


def _lifecycle(
    status: str, model: str, replacement: str, on: date, announced: date | None, catalog: Path | None
) -> None:
    _run(
        catalog,
        lambda root, today, before: set_lifecycle(
            root, model, status=status, on=on, replacement=replacement, announced=announced, today=today, before=before
        ),
    )


def disable(model: ModelArg, catalog: CatalogDir = None) -> None:
    """Disable a model now (enabled: false): no plan serves it; reports the plan defaults it was.

    Refused (nothing written) when a plan's default would be left without a
    model: change that default first.
    """
    _toggle(model, False, catalog)


def enable(model: ModelArg, catalog: CatalogDir = None) -> None:
    """Enable a model again (enabled: true); reports the plan defaults that name it."""
    _toggle(model, True, catalog)


def _toggle(model: str, enabled: bool, catalog: Path | None) -> None:
    outcome = _run(
        catalog,
        lambda root, today, before: set_enabled(root, model, enabled=enabled, today=today, before=before),
    )
    _report_defaults(outcome, model)


def _report_defaults(outcome: Outcome, ref: str) -> None:
    from modelctl.artifact.compile import content_of
    from modelctl.authoring.edit import find_model
    from modelctl.runtime import Catalog, CatalogError

    model = find_model(outcome.result, ref)
    uses = defaults_naming(outcome.result, model.ref)
    if not uses:
        note(f"no plan or account names {model.ref} as a default")
        return
    runtime = Catalog.from_content(content_of(outcome.result.catalog))
    for use in uses:
        try:
            chosen = runtime.default_model(use.purpose, plan=use.plan, account=use.account).model
        except CatalogError as exc:
            chosen = f"no default ({exc})"
        note(f"{use.owner}: default for {use.purpose} is {model.ref}; requests now get {chosen}")
