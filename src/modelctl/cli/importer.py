"""``modelctl import``."""

from __future__ import annotations

import fnmatch
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, TaskID

from modelctl import clock
from modelctl.catalog.loader import resolve_root
from modelctl.cli import output
from modelctl.cli.visible import json_text
from modelctl.errors import CatalogNotFound, ModelctlError
from modelctl.interop.importers import ReadOptions, SourceData, SourceError, catalog_provider, read_source
from modelctl.interop.importers.plan import ImportPlan, plan_import
from modelctl.interop.importers.report import report_json, skip_counts, warning_counts
from modelctl.interop.importers.write import apply, unified_diff

TOP_UNMAPPED = 25
MAX_LISTED = 20


class SourceKind(StrEnum):
    litellm = "litellm"
    genai_prices = "genai-prices"
    models_dev = "models.dev"
    openrouter = "openrouter"


class ImportFormat(StrEnum):
    text = "text"
    json = "json"


def _since(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD", param_hint="--since") from None


def import_(
    kind: Annotated[SourceKind, typer.Argument(help="Which public catalog SOURCE is.", show_default=False)],
    source: Annotated[
        Path,
        typer.Argument(
            help="litellm: model_prices_and_context_window.json; genai-prices: a provider .yml file or a folder "
            "of them; models.dev: a providers/<id>/ folder (or providers/); openrouter: a /api/v1/models JSON.",
            show_default=False,
        ),
    ],
    catalog_opt: Annotated[
        Path | None,
        typer.Option(
            "--catalog",
            help="Catalog folder to write into (created if missing). Default: $MODELCTL_CATALOG, else ./catalog.",
            show_default=False,
        ),
    ] = None,
    provider: Annotated[
        list[str] | None,
        typer.Option("--provider", "-p", help="Import only this provider's models (repeatable).", show_default=False),
    ] = None,
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--model",
            "-m",
            help="Import only models whose source name matches this glob (repeatable).",
            show_default=False,
        ),
    ] = None,
    update: Annotated[
        bool, typer.Option("--update", help="Also update existing files: show the diff, apply it with --yes.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Apply --update changes without asking.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Write nothing; report what would be written.")] = False,
    since: Annotated[
        str | None,
        typer.Option(
            help="effective_from for prices whose start the source does not give (YYYY-MM-DD). Default: the "
            "model's release date or the day the source checked the price, where it says; else today.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        ImportFormat, typer.Option("--format", "-f", help="text for people; json for programs.")
    ] = ImportFormat.text,
) -> None:
    """Import models and prices from a public catalog into catalog files.

    Units are converted exactly (a per-token 2.5e-06 becomes 2.50 per 1M),
    with features, limits, lifecycle, context tiers, variants and dated
    history where the source has them. An existing file is never
    overwritten: it is reported (use --update to see and apply the change).
    Every source field that could not be mapped is counted. What is written
    is validated with the catalog first; a model that would not validate is
    skipped and reported. A malformed source writes nothing.
    """
    root = resolve_root(catalog_opt)
    try:
        opts_today = clock.today()
    except ModelctlError as exc:
        output.error(str(exc))
        raise typer.Exit(2) from None
    providers = [catalog_provider(kind.value, p) for p in provider or []]
    show_progress = fmt is ImportFormat.text and sys.stderr.isatty()
    try:
        with _progress(show_progress) as step:
            opts = ReadOptions(today=opts_today, since=_since(since), progress=step)
            data = read_source(kind.value, source, opts)
            _check_filters(data, provider or [], providers, model or [])
            plan = plan_import(
                root, data, today=opts_today, update=update, providers=providers, models=model or [], progress=step
            )
    except (SourceError, CatalogNotFound) as exc:
        output.error(f"{exc}; nothing was written")
        raise typer.Exit(4) from None
    except ModelctlError as exc:
        output.error(f"{exc}; nothing was written")
        raise typer.Exit(1) from None
    updates = plan.of("model", "update")
    if updates and fmt is ImportFormat.text:
        output.stdout_text("".join(unified_diff(c) for c in updates))
    apply_updates = bool(updates) and not dry_run and _confirm(len(updates), yes)
    todo = [c for c in plan.changes if c.action == "create" or apply_updates]
    try:
        if not dry_run:
            with _progress(show_progress) as step:
                apply(root, todo, step)
    except ModelctlError as exc:
        output.error(str(exc))
        raise typer.Exit(4) from None
    if fmt is ImportFormat.json:
        doc = report_json(plan, applied=not dry_run, updates_applied=apply_updates)
        output.stdout_text(json_text(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n")
    else:
        _print_report(plan, dry_run=dry_run, updates_applied=apply_updates)


def _check_filters(data: SourceData, given: list[str], providers: list[str], globs: list[str]) -> None:
    """A --provider the source does not have is a usage error (a typo imported nothing, exit 0,
    and made an empty catalog); a --model glob that matches no source model is said on stderr."""
    known = {c.provider.lower() for c in data.candidates} | {s.provider.lower() for s in data.skipped if s.provider}
    unknown = [name for name, p in zip(given, providers, strict=True) if p.lower() not in known]
    if unknown:
        have = sorted(known)
        listed = ", ".join(have[:MAX_LISTED]) + (f" ... ({len(have)} in all)" if len(have) > MAX_LISTED else "")
        raise typer.BadParameter(
            f"the source has no model of provider {', '.join(map(repr, unknown))} (it has: {listed or 'none'})",
            param_hint="--provider",
        )
    names = {n.lower() for c in data.candidates for n in (c.name, c.source_key)} | {
        s.name.lower() for s in data.skipped
    }
    for glob in globs:
        if not any(fnmatch.fnmatchcase(n, glob.lower()) for n in names):
            output.note(f"--model {glob!r} matches no model in the source")


def _confirm(count: int, yes: bool) -> bool:
    if yes:
        return True
    if sys.stdin.isatty() and sys.stdout.isatty():
        return typer.confirm(f"Apply these {count} change(s)?", default=False, err=True)
    output.error(f"{count} existing file(s) would change (diff above): nothing applied; run again with --yes")
    return False


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    if not enabled:
        yield None
        return
    with Progress(console=Console(stderr=True), transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def step(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(f"{stage}…", total=total or None)
            bar.update(tasks[stage], completed=done, total=total or None)

        yield step


def _print_report(plan: ImportPlan, *, dry_run: bool, updates_applied: bool) -> None:
    console = Console(highlight=False, soft_wrap=True)
    verb = "would write" if dry_run else "wrote"
    models = plan.of("model", "create")
    extra = [f"{len(plan.of('provider', 'create'))} provider file(s)"]
    if plan.of("catalog", "create"):
        extra.append("catalog.yaml")
    console.print(f"[bold]{escape(plan.kind)}[/] {escape(plan.source)}: {plan.entries:,} source models")
    console.print(f"  {verb} {len(models):,} model file(s), {', '.join(extra)} in {escape(str(plan.root))}")
    updates = plan.of("model", "update")
    if updates:
        state = "applied" if updates_applied else "not applied (--dry-run)" if dry_run else "NOT applied (use --yes)"
        console.print(f"  updates: {len(updates):,} existing file(s), {state}")
        for change in updates:
            for line in change.price_changes:
                console.print(f"    {escape(change.ref or change.rel)}: {escape(line)}")
    if plan.unchanged:
        console.print(f"  unchanged: {len(plan.unchanged):,}")
    if plan.exists:
        listed = ", ".join(plan.exists[:MAX_LISTED]) + (" ..." if len(plan.exists) > MAX_LISTED else "")
        console.print(f"  exists, skipped, use --update: {len(plan.exists):,} ({escape(listed)})")
    if plan.skipped:
        console.print(f"  skipped: {len(plan.skipped):,} source model{'' if len(plan.skipped) == 1 else 's'}")
        for reason, n in skip_counts(plan):
            console.print(f"    {n:>6,}  {escape(reason)}")
    warn = ", ".join(f"{code} {n}" for code, n in warning_counts(plan)) or "none"
    console.print(
        f"  validation: valid; warnings in the imported files: {warn}; errors the catalog had before: "
        f"{plan.errors_before}"
    )
    for note in plan.notes[:MAX_LISTED]:
        console.print(f"  note: {escape(note)}")
    if plan.unmapped:
        console.print(f"Source fields not mapped: {len(plan.unmapped)} (models with each; --format json lists all)")
        top = plan.unmapped.most_common(TOP_UNMAPPED)
        width = max(len(name) for name, _ in top)
        for name, n in top:
            console.print(f"  {escape(name.ljust(width))}  {n:>6,}")
        if len(plan.unmapped) > TOP_UNMAPPED:
            console.print(f"  ... and {len(plan.unmapped) - TOP_UNMAPPED} more")
