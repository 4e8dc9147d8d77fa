"""``modelctl estimate``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from modelctl import clock, runtime
from modelctl.catalog.loader import load_workload, resolve_root
from modelctl.cli.common import (
    JSON_FORMAT_VERSION,
    AccountFilter,
    CatalogOption,
    Format,
    PlanFilter,
    at_option,
    csv_table,
    dumps,
    error,
    markdown_table,
    naming_plans,
    note,
    open_for_command,
    plain,
    reading,
    stdout_text,
    text_table,
)
from modelctl.cli.cost import as_json
from modelctl.cli.money import Cell, spell_rows
from modelctl.cli.usage_options import UsageCounts, usage_options
from modelctl.usage.estimate import Breakdown, Estimate, WorkloadEstimate, estimate, estimate_workload


@usage_options
def estimate_(
    counts: UsageCounts,
    feature: Annotated[
        list[str] | None, typer.Option("--feature", help="Only models with this feature (repeat: all of them).")
    ] = None,
    provider: Annotated[
        list[str] | None, typer.Option("--provider", "-p", help="Only this provider (repeat for several).")
    ] = None,
    variant: Annotated[
        str | None,
        typer.Option(
            "--variant", help="Price the variant (batch, flex, ...); models without it are skipped.", show_default=False
        ),
    ] = None,
    at: Annotated[
        date | None,
        at_option(
            "Price at the prices in force on this day, or at this instant (a date-time, UTC unless it gives an "
            "offset, applies time-of-day prices; default: today).",
            instant=True,
        ),
    ] = None,
    include_unavailable: Annotated[bool, typer.Option("--all", help="Include disabled and retired models.")] = False,
    plan: PlanFilter = None,
    account: AccountFilter = None,
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", min=1, help="Show only the N cheapest.", show_default=False)
    ] = None,
    catalog: CatalogOption = None,
    workload: Annotated[
        str | None,
        typer.Option(
            "--workload",
            "-w",
            metavar="NAME",
            help="Price the catalog's workloads/NAME.yaml (a month of usage) on every model its plan or account "
            "may use, instead of the token counts given here.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="text for people; json or csv for programs; markdown for reports.")
    ] = Format.text,
) -> None:
    """Price one workload on every matching model, cheapest first.

    Models that cannot serve it are left out and counted by reason on
    stderr: disabled or retired (include them with --all), without the
    variant, without a price in force, without a price for a kind of token
    the workload has, or with a context window smaller than the request.

    With --workload NAME, the month of usage in the catalog's
    workloads/NAME.yaml is priced instead: each entry's average request on
    every model the workload's plan or account may use, times its requests.
    """
    if workload is not None:
        if counts.given:
            raise typer.BadParameter(
                f"give token counts or --workload, not both (given: {', '.join(counts.options_given)})",
                param_hint="--workload",
            )
        _estimate_workload(workload, catalog, at or clock.today(), include_unavailable, limit, fmt)
        return
    opened = open_for_command(catalog)
    usage = counts.usage()
    day = at or clock.today()
    with naming_plans(plan, account):
        result = estimate(
            opened.catalog,
            usage,
            at=day,
            features=feature or (),
            providers=provider or (),
            variant=variant,
            include_unavailable=include_unavailable,
            plan=plan,
            account=account,
        )
    rows = result.rows[:limit] if limit else result.rows
    if fmt is Format.json:
        stdout_text(_json(result, rows, usage, day))
    else:
        table = spell_rows([_row(i, b) for i, b in enumerate(rows, 1)])
        right = frozenset({0, 3})
        if fmt is Format.csv:
            stdout_text(csv_table(_CSV_HEADERS, [_csv_row(i, b) for i, b in enumerate(rows, 1)]))
        elif fmt is Format.markdown:
            stdout_text(markdown_table(_HEADERS, table, right=right))
        else:
            stdout_text(text_table(_HEADERS, table, right=right))
    _report_skipped(result)


_HEADERS = ["#", "model", "name", "cost", "currency", "priced at"]
_CSV_HEADERS = ["rank", "model", "name", "cost", "currency", "effective_from", "variant", "tier"]


def _how(b: Breakdown) -> str:
    c = b.cost
    parts = [f"{c.effective_from}"]
    if c.variant:
        parts.append(c.variant)
    if c.tier is not None:
        parts.append(f"tier >{c.tier:,}")
    return ", ".join(parts)


def _row(rank: int, b: Breakdown) -> list[Cell]:
    return [str(rank), b.cost.model, b.model.name, b.cost.total, b.cost.currency, _how(b)]


def _csv_row(rank: int, b: Breakdown) -> list[str]:
    c = b.cost
    tier = "" if c.tier is None else str(c.tier)
    return [
        str(rank),
        c.model,
        b.model.name,
        plain(c.total),
        c.currency,
        c.effective_from.isoformat(),
        c.variant or "",
        tier,
    ]


def _report_skipped(result: Estimate) -> None:
    if not result.rows:
        error(f"no model can price this workload ({result.considered} considered)")
    if result.skipped.count:
        reasons = "; ".join(f"{len(refs)} {reason}" for reason, refs in sorted(result.skipped.reasons.items()))
        note(f"{result.skipped.count} of {result.considered} models left out: {reasons}")


def _json(result: Estimate, rows: tuple[Breakdown, ...], usage: runtime.Usage, day: date) -> str:
    doc = {
        "format_version": JSON_FORMAT_VERSION,
        "at": day,
        "usage": {k: v for k, v in usage._asdict().items() if v},
        "considered": result.considered,
        "models": [{"rank": i, **as_json(b)} for i, b in enumerate(rows, 1)],
        "skipped": dict(sorted(result.skipped.reasons.items())),
    }
    return dumps(doc)


def _estimate_workload(
    name: str, catalog: Path | None, day: date, include_unavailable: bool, limit: int | None, fmt: Format
) -> None:
    root = resolve_root(catalog)
    with reading():
        spec, findings = load_workload(root, name)
    if spec is None or findings:
        for finding in findings:
            error(str(finding))
        error(f"workload {name!r} is invalid: fix the findings above")
        raise typer.Exit(4)
    opened = open_for_command(catalog)
    with naming_plans(spec.plan, spec.account):
        result = estimate_workload(opened.catalog, spec, at=day, include_unavailable=include_unavailable)
    rows = result.rows[:limit] if limit else result.rows
    headers = ["#", "model", "name", "monthly cost", "currency"]
    if fmt is Format.json:
        stdout_text(_workload_json(name, result, rows, day))
    elif fmt is Format.csv:
        body = [[str(i), r.model.ref, r.model.name, plain(r.monthly), r.currency] for i, r in enumerate(rows, 1)]
        stdout_text(csv_table(["rank", "model", "name", "monthly_cost", "currency"], body))
    else:
        cells: list[list[Cell]] = [
            [str(i), r.model.ref, r.model.name, r.monthly, r.currency] for i, r in enumerate(rows, 1)
        ]
        body = spell_rows(cells)
        render = markdown_table if fmt is Format.markdown else text_table
        stdout_text(render(headers, body, right=frozenset({0, 3})))
    if not result.rows:
        error(f"no model can price workload {name!r} ({result.considered} considered)")
    if result.skipped.count:
        reasons = "; ".join(f"{len(refs)} {reason}" for reason, refs in sorted(result.skipped.reasons.items()))
        note(f"{result.skipped.count} of {result.considered} models left out: {reasons}")


def _workload_json(name: str, result: WorkloadEstimate, rows: tuple[Any, ...], day: date) -> str:
    doc = {
        "format_version": JSON_FORMAT_VERSION,
        "workload": name,
        "at": day,
        "considered": result.considered,
        "models": [
            {
                "rank": i,
                "model": r.model.ref,
                "name": r.model.name,
                "monthly_cost": plain(r.monthly),
                "currency": r.currency,
            }
            for i, r in enumerate(rows, 1)
        ],
        "skipped": dict(sorted(result.skipped.reasons.items())),
    }
    return dumps(doc)
