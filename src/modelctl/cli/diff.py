"""``modelctl diff``."""

from __future__ import annotations

import os
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from modelctl import clock
from modelctl.catalog.loader import resolve_root
from modelctl.cli import output
from modelctl.cli.diff_render import render_json, render_markdown, render_text
from modelctl.cli.own_input import refuse_inside_catalog, same_file
from modelctl.cli.visible import visible
from modelctl.errors import ModelctlError
from modelctl.review.diff import BREAKING, REVIEW
from modelctl.review.resolve import compare


class DiffFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


class FailOn(StrEnum):
    breaking = "breaking"
    review = "review"


def diff(
    base: Annotated[
        str | None,
        typer.Argument(
            help="Git revision, catalog directory or artifact. Default: the merge-base of HEAD with the main branch.",
            show_default=False,
        ),
    ] = None,
    head: Annotated[
        str | None,
        typer.Argument(
            help="Git revision, catalog directory or artifact. Default: the catalog's working tree.", show_default=False
        ),
    ] = None,
    catalog: Annotated[
        Path | None,
        typer.Option(
            "--catalog",
            help="The catalog directory (for git revisions: its path in the repository). "
            "Default: $MODELCTL_CATALOG, else ./catalog.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        DiffFormat,
        typer.Option("--format", "-f", help="text for people; markdown for a PR comment; json for programs."),
    ] = DiffFormat.text,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            "--fail-on",
            help="Exit 3 when there are breaking changes (breaking) or changes to review or breaking ones (review).",
            show_default=False,
        ),
    ] = None,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 when there is any change, like `git diff --exit-code`.")
    ] = False,
    review_threshold: Annotated[
        str | None,
        typer.Option(
            "--review-threshold",
            metavar="PERCENT",
            help="A price increase above this is a change to "
            "review. Default: catalog.yaml's review_threshold_percent, else 10.",
            show_default=False,
        ),
    ] = None,
    output_file: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the report to this file instead of stdout.", show_default=False),
    ] = None,
    fail_on_increase: Annotated[
        str | None,
        typer.Option(
            "--fail-on-increase",
            metavar="PERCENT",
            help="Exit 3 when a workload's monthly cost rises by more than this percentage. "
            "Default: the workload's or catalog.yaml's impact.fail_on_increase_percent.",
            show_default=False,
        ),
    ] = None,
    fail_on_increase_amount: Annotated[
        str | None,
        typer.Option(
            "--fail-on-increase-amount",
            metavar="AMOUNT",
            help="Exit 3 when a workload's monthly cost rises by more than this amount (its currency). "
            "Default: the workload's or catalog.yaml's impact.fail_on_increase_amount.",
            show_default=False,
        ),
    ] = None,
    usage: Annotated[
        Path | None,
        typer.Option(
            "--usage",
            metavar="FILE",
            help="Also re-price this usage file (as `modelctl reprice` reads it, e.g. last month's) on both "
            "sides: what the change would have done to that bill.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Show what changes between two versions of the catalog, field by field, and what it costs.

    Prices show the absolute and percent change, the variant or tier and the
    effective date; scheduled changes are marked. Changes are classed
    breaking, review or info. When both sides are git (revisions or the
    working tree) only the changed files are read, through git plumbing.
    Every workload in the catalog's workloads/ is priced on both sides, today
    and at each scheduled date: its monthly cost before and after, as provider
    cost and as the plan's or account's charge (`modelctl docs diff`).
    """
    threshold = _number(review_threshold, "--review-threshold")
    if output_file is not None:
        _check_output(output_file, usage, base, head, resolve_root(catalog))
    try:
        result = compare(
            base,
            head,
            catalog=resolve_root(catalog),
            today=clock.today(),
            review_threshold=threshold,
            fail_on_increase_percent=_number(fail_on_increase, "--fail-on-increase"),
            fail_on_increase_amount=_number(fail_on_increase_amount, "--fail-on-increase-amount"),
            usage=usage,
        )
    except ModelctlError as exc:
        output.error(str(exc))
        raise typer.Exit(4) from None
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    if result.invalid:
        for label, finding in result.invalid:
            output.error(visible(f"{label}: {finding}"))
        output.error("a side of the diff is invalid: fix the findings above (run `modelctl validate`)")
        raise typer.Exit(4)
    diff_result = result.result
    impact, priced = result.impact, result.usage
    if fmt is DiffFormat.json:
        text = render_json(diff_result, impact=impact, usage=priced)
    elif fmt is DiffFormat.markdown:
        text = render_markdown(diff_result, impact=impact, usage=priced)
    else:
        text = render_text(diff_result, impact=impact, usage=priced)
    if output_file is not None:
        with output.writing(output_file):
            output_file.write_text(text, encoding="utf-8")
    else:
        output.stdout_text(text)
    policy_failed = False
    if fail_on is not None:
        failing = diff_result.count(BREAKING) + (diff_result.count(REVIEW) if fail_on is FailOn.review else 0)
        if failing:
            output.error(f"{failing} change(s) fail the --fail-on {fail_on.value} policy")
            policy_failed = True
    for violation in result.impact.violations if result.impact is not None else ():
        output.error(f"cost policy: {violation}")
        policy_failed = True
    if policy_failed:
        raise typer.Exit(3)
    if exit_code and not diff_result.empty:
        raise typer.Exit(1)


def _check_output(out: Path, usage: Path | None, base: str | None, head: str | None, catalog: Path) -> None:
    """--output naming an input: the report would replace the usage data, an artifact or a catalog file."""
    for what, path in (("the --usage file", usage), ("BASE", base), ("HEAD", head)):
        if path is not None and same_file(out, Path(path)):
            raise typer.BadParameter(f"{str(out)!r} is {what}: give another file for the report", param_hint="--output")
    sides = [Path(side) for side in (base, head) if side is not None and os.path.isdir(side)]
    refuse_inside_catalog("--output", out, catalog, *sides)


def _number(value: str | None, option: str) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise typer.BadParameter(f"{value!r} is not a number", param_hint=option) from None
    if not number.is_finite() or number < 0:
        raise typer.BadParameter(f"{value!r} must be a number of at least 0", param_hint=option)
    return number
