"""``modelctl rollout preview``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from modelctl import runtime
from modelctl.cli.common import (
    EXIT_INPUT,
    JSON_FORMAT_VERSION,
    CatalogOption,
    Format,
    csv_table,
    dumps,
    error,
    markdown_table,
    naming_plans,
    open_for_command,
    stdout_text,
    text_table,
)
from modelctl.query.rollouts import RolloutPreview, preview

EPILOG = (
    "Exit codes: 0 counted; 2 usage error (an unknown plan or rollout); 4 the subjects file or the catalog "
    "cannot be read (or the file is not UTF-8 text)."
)

rollout_app = typer.Typer(
    name="rollout",
    help="Rollouts and A/B tests: preview how subjects are bucketed (`modelctl docs rollouts`).",
    no_args_is_help=True,
    add_completion=False,
    epilog=EPILOG,
)


@rollout_app.callback()
def _group() -> None:
    """Rollouts and A/B tests: preview how subjects are bucketed (`modelctl docs rollouts`)."""


def _lines(path: str) -> Iterator[str]:
    stream = sys.stdin if path == "-" else open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115
    try:
        for line in stream:
            subject = line.rstrip("\r\n")
            if subject.strip():
                yield subject
    finally:
        if stream is not sys.stdin:
            stream.close()


@rollout_app.command("preview", epilog=EPILOG)
def preview_(
    plan: Annotated[str, typer.Argument(metavar="PLAN", help="The plan whose rollout it is.")],
    rollout: Annotated[str, typer.Argument(metavar="ROLLOUT", help="The rollout's id.")],
    subjects: Annotated[
        str,
        typer.Option(
            "--subjects",
            metavar="FILE",
            help="Subject ids (users, workspaces, tenants), one per line; - reads stdin. Blank lines are skipped.",
        ),
    ],
    catalog: CatalogOption = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="text, json, csv or markdown.")] = Format.text,
) -> None:
    """Count how many of a list of subject ids land in each arm of a plan's rollout.

    Each id is bucketed exactly as the runtime buckets it (SHA-256 of the rollout's salt and the id;
    `modelctl docs rollouts`): in or out of a percentage rollout, or the variant of an A/B test. The share
    of each arm is shown next to the share the percentage or weights promise."""
    opened = open_for_command(catalog)
    if subjects != "-" and not Path(subjects).is_file():
        error(f"cannot read subjects file {subjects!r}: not a file")
        raise typer.Exit(EXIT_INPUT)
    try:
        opened.catalog.rollout(plan, rollout)
    except runtime.UnknownPlanError as exc:
        hint = "ROLLOUT" if plan in opened.catalog.plans() else "PLAN"
        raise typer.BadParameter(str(exc), param_hint=hint) from None
    try:
        with naming_plans(plan, None):
            result = preview(opened.catalog, plan, rollout, _lines(subjects))
    except (OSError, UnicodeDecodeError) as exc:
        error(f"cannot read subjects file {subjects!r}: {getattr(exc, 'strerror', None) or exc}")
        raise typer.Exit(EXIT_INPUT) from None
    except runtime.CatalogError as exc:
        error(f"{subjects}: {exc}")
        raise typer.Exit(EXIT_INPUT) from None
    stdout_text(_render(result, fmt))


def _render(result: RolloutPreview, fmt: Format) -> str:
    if fmt == Format.json:
        return dumps(
            {
                "format_version": JSON_FORMAT_VERSION,
                "plan": result.plan,
                "rollout": result.rollout,
                "salt": result.salt,
                "kind": result.kind,
                "subjects": result.subjects,
                "arms": [
                    {"arm": a.arm, "subjects": a.subjects, "share": str(a.share), "expected": str(a.expected)}
                    for a in result.arms
                ],
            }
        )
    headers = ["arm", "subjects", "share %", "expected %"]
    rows = [[a.arm, f"{a.subjects:,}", str(a.share), str(a.expected)] for a in result.arms]
    if fmt == Format.csv:
        return csv_table(
            ["arm", "subjects", "share_percent", "expected_percent"],
            [[a.arm, str(a.subjects), str(a.share), str(a.expected)] for a in result.arms],
        )
    if fmt == Format.markdown:
        return markdown_table(headers, rows, right=frozenset({1, 2, 3}))
    head = f"plan {result.plan}, rollout {result.rollout} (salt {result.salt}): {result.subjects:,} subjects\n"
    return head + text_table(headers, rows, right=frozenset({1, 2, 3}))
