"""``modelctl check-prices``."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from modelctl import clock
from modelctl.catalog.loader import load_catalog, resolve_root
from modelctl.catalog.strict_yaml import plain_decimal
from modelctl.cli import output
from modelctl.errors import CatalogNotFound, ModelctlError
from modelctl.interop.drift import Disagreement, DriftReport
from modelctl.interop.drift import check_prices as run_check

JSON_FORMAT_VERSION = "1.0"
NAMES = {"litellm": "LiteLLM", "genai-prices": "genai-prices"}


class Against(StrEnum):
    litellm = "litellm"
    genai_prices = "genai-prices"


class DriftFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


class FailOn(StrEnum):
    drift = "drift"


def check_prices(
    against: Annotated[Against, typer.Option("--against", help="The reference's format.", show_default=False)],
    reference: Annotated[
        Path,
        typer.Argument(
            help="litellm: model_prices_and_context_window.json; genai-prices: a provider .yml file or a folder "
            "of them.",
            show_default=False,
        ),
    ],
    catalog_opt: Annotated[
        Path | None,
        typer.Option(
            "--catalog", help="Catalog folder. Default: $MODELCTL_CATALOG, else ./catalog.", show_default=False
        ),
    ] = None,
    fmt: Annotated[
        DriftFormat, typer.Option("--format", "-f", help="text for people; json for programs; markdown for a PR.")
    ] = DriftFormat.text,
    fail_on: Annotated[
        FailOn | None,
        typer.Option("--fail-on", help="drift: exit 3 when any price disagrees.", show_default=False),
    ] = None,
) -> None:
    """Compare today's catalog prices with a public reference (LiteLLM or genai-prices).

    Each model priced today is matched to the reference by provider and id,
    then by its aliases, then by the reference's own names (LiteLLM's
    provider/model keys, genai-prices' match rules). Every price both sides
    give that differs is listed with both values and the reference's
    difference in percent. Differences are warnings: the exit code is 0
    unless --fail-on drift is given.
    """
    root = resolve_root(catalog_opt)
    try:
        today = clock.today()
        catalog = load_catalog(root).catalog
        report = run_check(catalog, against.value, reference, today=today)
    except CatalogNotFound as exc:
        output.error(str(exc))
        raise typer.Exit(4) from None
    except ModelctlError as exc:
        output.error(f"cannot read the reference: {exc}")
        raise typer.Exit(4) from None
    if fmt is DriftFormat.json:
        output.stdout_text(json.dumps(report_json(report), indent=2, ensure_ascii=False) + "\n")
    elif fmt is DriftFormat.markdown:
        output.stdout_text(report_markdown(report))
    else:
        _print_text(report)
    raise typer.Exit(3 if fail_on is FailOn.drift and report.disagreements else 0)


def _percent(d: Disagreement) -> str:
    p = d.percent
    return "n/a" if p is None else f"{p:+}%"


def summary(report: DriftReport) -> str:
    n = len(report.compared)
    drifted = len(report.drifted)
    return (
        f"{n} model{'' if n == 1 else 's'} priced on {report.today}: "
        f"{len(report.matched)} found in {NAMES[report.against]}, "
        f"{len(report.matched) - drifted} agree, {drifted} disagree ({len(report.disagreements)} price(s)); "
        f"{len(report.unmatched)} not in the reference"
    )


def report_json(report: DriftReport) -> dict[str, Any]:
    return {
        "format_version": JSON_FORMAT_VERSION,
        "against": report.against,
        "reference": report.reference,
        "today": report.today.isoformat(),
        "compared": len(report.compared),
        "matched": len(report.matched),
        "disagree": len(report.drifted),
        "disagreements": [
            {
                "model": d.model,
                "reference_name": d.reference,
                "price": d.field,
                "catalog": plain_decimal(d.ours),
                "reference": plain_decimal(d.theirs),
                "percent": None if d.percent is None else str(d.percent),
            }
            for d in report.disagreements
        ],
        "matches": dict(sorted(report.matched.items())),
        "unmatched": report.unmatched,
    }


def report_markdown(report: DriftReport) -> str:
    icon = "⚠️" if report.disagreements else "✅"
    out = [f"### {icon} modelctl check-prices against {NAMES[report.against]}", "", summary(report), ""]
    if report.disagreements:
        out += [
            "| Model | Price | Catalog | Reference | Difference | Reference name |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for d in report.disagreements:
            out.append(
                f"| `{d.model}` | {d.field} | {plain_decimal(d.ours)} | {plain_decimal(d.theirs)} | "
                f"{_percent(d)} | `{d.reference}` |"
            )
    if report.unmatched:
        out += ["", f"<details><summary>{len(report.unmatched)} not in the reference</summary>", ""]
        out += [", ".join(f"`{r}`" for r in report.unmatched), "", "</details>"]
    return "\n".join(out) + "\n"


def text_lines(report: DriftReport) -> list[str]:
    """One aligned line per disagreement (never truncated, whatever the width), then the summary."""
    rows = [
        (d.model, d.field, plain_decimal(d.ours), plain_decimal(d.theirs), _percent(d), d.reference)
        for d in report.disagreements
    ]
    head = ("model", "price", "catalog", "reference", "difference", f"{NAMES[report.against]} name")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = []
    if rows:
        for row in [head, *rows]:
            cells = [
                c.rjust(w) if i in (2, 3, 4) else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
            ]
            lines.append("  ".join(cells).rstrip())
    lines.append(("warning: " if rows else "") + summary(report))
    return lines


def _print_text(report: DriftReport) -> None:
    console = Console(highlight=False, soft_wrap=True)
    lines = text_lines(report)
    for line in lines[:-1]:
        console.print(escape(line))
    console.print(f"[{'yellow' if report.disagreements else 'green'}]{escape(lines[-1])}[/]")
