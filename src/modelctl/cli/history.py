"""``modelctl history``."""

from __future__ import annotations

import json
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer

from modelctl import clock
from modelctl.catalog.loader import resolve_root
from modelctl.cli import output
from modelctl.cli.diff_render import _delta, _fmt, _md, price_places, price_value
from modelctl.cli.visible import json_text, visible
from modelctl.errors import ModelctlError
from modelctl.review.git import GitRepo
from modelctl.review.history import History, model_history

JSON_FORMAT_VERSION = "1.0"


class HistoryFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


def history(
    model: Annotated[str, typer.Argument(help="The model: provider/id, or an id only one provider has.")],
    catalog: Annotated[
        Path | None,
        typer.Option(
            "--catalog",
            help="The catalog directory in the repository. Default: $MODELCTL_CATALOG, else ./catalog.",
            show_default=False,
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Only commits after this date (YYYY-MM-DD, or anything `git log --since` accepts).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[HistoryFormat, typer.Option("--format", "-f", help="text, json or markdown.")] = HistoryFormat.text,
) -> None:
    """The audit trail of one model from git: every commit that changed it.

    For each commit: date, author, commit and the field changes, prices
    before -> after. Follows the model's file across renames.
    """
    root = resolve_root(catalog)
    try:
        repo = GitRepo(root if root.is_dir() else Path.cwd())
        result = model_history(repo, root, model, today=clock.today(), since=since)
    except ModelctlError as exc:
        output.error(str(exc))
        raise typer.Exit(4) from None
    render = {HistoryFormat.json: _json, HistoryFormat.markdown: _markdown}.get(fmt, _text)
    # names, subjects and authors are the repository's: text never acts on the terminal, JSON stays exact
    shown = json_text if fmt is HistoryFormat.json else partial(visible, lines=True)
    output.stdout_text(shown(render(result)))
    if since and not result.revisions:
        when = f"{result.since} ({since!r} as git reads it)" if result.since else repr(since)
        output.note(f"no commit since {when} changed {result.path}")


def _change_line(c: Any, places: int) -> str:
    delta = f"  ({_delta(c, places)})" if c.price is not None and c.price.delta is not None else ""
    if c.field is None:
        return f"{c.action}: {_fmt(c.after if c.after is not None else c.before)}"
    if c.price is not None and c.price.key != "*":
        return f"{c.field}: {price_value(c.before, places)} -> {price_value(c.after, places)}{delta}"
    return f"{c.field}: {_fmt(c.before)} -> {_fmt(c.after)}{delta}"


def _places(result: History) -> int:
    return price_places(c for rev in result.revisions for c in rev.changes)


def _text(result: History) -> str:
    lines = [f"{result.model} ({result.path}): {len(result.revisions)} commits"]
    places = _places(result)
    for rev in result.revisions:
        lines.append("")
        lines.append(f"{rev.date[:10]}  {rev.commit[:12]}  {rev.author} <{rev.email}>  {rev.action}")
        lines.append(f"    {rev.subject}")
        if rev.invalid:
            lines.append("    (this version did not validate; compared with the next valid one)")
        for c in rev.changes:
            lines.append(f"    - {_change_line(c, places)}")
    return "\n".join(lines) + "\n"


def _markdown(result: History) -> str:
    lines = [
        f"### History of `{result.model}`",
        "",
        f"`{result.path}` — {len(result.revisions)} commits",
        "",
        "| Date | Commit | Author | Change |",
        "| --- | --- | --- | --- |",
    ]
    places = _places(result)
    for rev in result.revisions:
        changes = "<br>".join(_md(_change_line(c, places)) for c in rev.changes) or rev.action
        lines.append(f"| {rev.date[:10]} | `{rev.commit[:12]}` | {_md(rev.author)} | {_md(rev.subject)}<br>{changes} |")
    return "\n".join(lines) + "\n"


def _json(result: History) -> str:
    doc = {
        "format_version": JSON_FORMAT_VERSION,
        "model": result.model,
        "path": result.path,
        "commits": [
            {
                "commit": rev.commit,
                "author": rev.author,
                "email": rev.email,
                "date": rev.date,
                "subject": rev.subject,
                "path": rev.path,
                "action": rev.action,
                "invalid": rev.invalid,
                "changes": [
                    {
                        "field": c.field,
                        "action": c.action,
                        "before": c.before,
                        "after": c.after,
                        "class": c.cls,
                        "delta": format(c.price.delta, "f") if c.price and c.price.delta is not None else None,
                        "percent": format(c.price.percent, "f") if c.price and c.price.percent is not None else None,
                    }
                    for c in rev.changes
                ],
            }
            for rev in result.revisions
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False, default=str) + "\n"
