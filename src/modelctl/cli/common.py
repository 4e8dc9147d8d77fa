"""What the everyday commands share: the catalog option, opening it, turning
library errors into exit codes, parsing dates and counts, and rendering
tables as text, Markdown or CSV.

Renderers are pure (rows -> str) so golden files can pin them.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from modelctl import clock, runtime
from modelctl.cli.visible import json_text, visible
from modelctl.errors import ModelctlError
from modelctl.query.opening import InvalidCatalog, Opened, open_catalog
from modelctl.usage.estimate import parse_count

JSON_FORMAT_VERSION = "1.0"
EXIT_NO, EXIT_INPUT = 1, 4


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    csv = "csv"


class DocFormat(StrEnum):
    """For answers that are not rows: no csv."""

    text = "text"
    json = "json"
    markdown = "markdown"


CatalogOption = Annotated[
    Path | None,
    typer.Option(
        "--catalog",
        help="Catalog directory, or a published artifact (catalog.json). Default: $MODELCTL_CATALOG, else ./catalog.",
        show_default=False,
    ),
]


def _moment(text: str) -> date | datetime:
    """``today``, a day, or an instant as an aware UTC datetime (no offset: UTC); ValueError or
    OverflowError (an offset that takes it out of ``date``'s range) when it is none of them."""
    if text.lower() == "today":
        return clock.today()
    if "T" in text or " " in text.strip():
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return date.fromisoformat(text.strip())


def _parse_day(text: str) -> date:
    """A day; a date-time is its UTC day."""
    try:
        moment = _moment(text)
    except (ValueError, OverflowError):
        raise ValueError(f"{text!r} is not a date: use YYYY-MM-DD (or an ISO date-time, or 'today')") from None
    return moment.date() if isinstance(moment, datetime) else moment


def usage_parser(parse: Any) -> Any:
    """A value parser whose ValueError is a usage error in its own words (not "Value error, ...")."""

    def parser(text: str) -> Any:
        try:
            return parse(text)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from None

    return parser


parse_day = usage_parser(_parse_day)


def _parse_when(text: str) -> date | datetime:
    """A day (``2026-11-25``, ``today``) or an instant (``2026-11-25T12:00Z``; without an offset,
    UTC), as an aware UTC datetime: a price with time-of-day windows depends on the minute."""
    try:
        return _moment(text)
    except (ValueError, OverflowError):
        raise ValueError(
            f"{text!r} is not a date or a date-time: use YYYY-MM-DD, YYYY-MM-DDTHH:MM (UTC unless it gives "
            "an offset, e.g. 2026-11-25T12:00Z), or 'today'"
        ) from None


parse_when = usage_parser(_parse_when)


def at_option(help_text: str, *, instant: bool = False) -> Any:
    """``--at``: a day, or with ``instant`` a day or an instant (a date-time prices time-of-day windows)."""
    if instant:
        return typer.Option("--at", help=help_text, parser=parse_when, metavar="WHEN", show_default=False)
    return typer.Option("--at", help=help_text, parser=parse_day, metavar="DATE", show_default=False)


def when_text(at: date) -> str:
    """A day as ISO (``2026-11-25``), an instant as ``2026-11-25 12:00 UTC``."""
    if isinstance(at, datetime):
        return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if at.tzinfo else at.strftime("%Y-%m-%d %H:%M UTC")
    return at.isoformat()


def has_windows(info: runtime.ModelInfo, since: date) -> bool:
    """Whether the price period from ``since`` has a variant with time-of-day windows."""
    for period in info.data.get("pricing", ()):
        if period.get("effective_from") == since.isoformat():
            return any(v.get("windows") for v in period.get("variants", {}).values())
    return False


def count_option(name: str, help_text: str, *, show_default: bool = False, panel: str | None = None) -> Any:
    """A count option: a whole number, written 1500, 1_500, 1,500, 1.5k or 2M."""
    parser = usage_parser(parse_count)
    return typer.Option(
        name, help=help_text, parser=parser, metavar="N", show_default=show_default, rich_help_panel=panel
    )


def given(ctx: typer.Context, name: str) -> bool:
    """Whether the option ``name`` was given on the command line (not its default)."""
    source = ctx.get_parameter_source(name)
    return source is not None and source.name != "DEFAULT"


def error(message: str) -> None:
    """An error for people, on stderr (``output.error``, imported only when needed: it loads rich)."""
    from modelctl.cli import output

    output.error(message)


def stdout_text(text: str) -> None:
    """Output for programs, on stdout."""
    sys.stdout.write(text)
    sys.stdout.flush()


PlanFilter = Annotated[
    str | None,
    typer.Option("--plan", help="Only models this plan may use (`modelctl docs plans`).", show_default=False),
]
AccountFilter = Annotated[
    str | None, typer.Option("--account", help="Only models this account may use (on its plan).", show_default=False)
]


@contextmanager
def naming_plans(plan: str | None, account: str | None) -> Iterator[None]:
    """An unknown plan or account is a usage error (exit 2) naming the option."""
    try:
        yield
    except runtime.UnknownPlanError as exc:
        raise typer.BadParameter(str(exc), param_hint="--account" if account else "--plan") from None


@contextmanager
def reading() -> Iterator[None]:
    """Turn the library's errors into messages on stderr and exit 4."""
    try:
        yield
    except InvalidCatalog as exc:
        for finding in exc.findings:
            error(visible(str(finding)))
        error(str(exc))
        raise typer.Exit(EXIT_INPUT) from None
    except ModelctlError as exc:
        error(str(exc))
        raise typer.Exit(EXIT_INPUT) from None


def note(message: str) -> None:
    """A message for people that is not an error, on stderr."""
    sys.stderr.write(paint(visible(message, lines=True), "dim", colour_enabled(sys.stderr)) + "\n")
    sys.stderr.flush()


def open_for_command(path: Path | None, *, public: bool = False) -> Opened:
    with reading():
        return open_catalog(path, public=public)


def resolve_model(catalog: runtime.Catalog, name: str, param_hint: str) -> runtime.ModelInfo:
    """The model ``name`` names, or a usage error (exit 2) with the runtime's suggestions."""
    try:
        return catalog.model(name)
    except runtime.CatalogError as exc:
        raise typer.BadParameter(str(exc), param_hint=param_hint) from None


def check_variant(info: runtime.ModelInfo, variant: str | None) -> None:
    if variant is None:
        return
    known = variants_of(info)
    if variant not in known:
        have = f"it has: {', '.join(known)}" if known else "it has none"
        raise typer.BadParameter(f"{info.ref} has no variant {variant!r} ({have})", param_hint="--variant")


def variants_of(info: runtime.ModelInfo) -> list[str]:
    return sorted({name for p in info.data.get("pricing", ()) for name in p.get("variants", {})})


# --- values -----------------------------------------------------------------------


def plain(value: Decimal) -> str:
    """A Decimal as a plain decimal string, without exponent or trailing zeros."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def money(value: Decimal) -> str:
    """One amount on its own, as text output spells money (``cli/money.py``); a column
    of amounts goes through ``money.column`` or ``money.spell_rows`` instead."""
    from modelctl.cli import money as spelling

    return spelling.amount(value)


def tokens(n: int) -> str:
    return f"{n:,}"


def dumps(doc: Any) -> str:
    return json_text(json.dumps(doc, indent=2, ensure_ascii=False, default=_json_default)) + "\n"


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")  # exactly as written or computed, never an exponent
    if isinstance(value, datetime):  # an instant (--at with a time): UTC, written with Z
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value.tzinfo else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, frozenset | set | tuple):
        return sorted(value) if isinstance(value, frozenset | set) else list(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


# --- tables -----------------------------------------------------------------------


def colour_enabled(stream: Any = None) -> bool:
    stream = stream or sys.stdout
    return not os.environ.get("NO_COLOR") and hasattr(stream, "isatty") and stream.isatty()


_ANSI = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "cyan": "36"}


def paint(text: str, style: str | None, enabled: bool) -> str:
    if not enabled or not style:
        return text
    codes = ";".join(_ANSI[s] for s in style.split())
    return f"\x1b[{codes}m{text}\x1b[0m"


def text_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    right: frozenset[int] = frozenset(),
    styles: Sequence[Sequence[str | None]] | None = None,
    colour: bool = False,
) -> str:
    """Aligned columns separated by two spaces; numbers (``right``) align right."""
    headers = [visible(h) for h in headers]
    rows = [[visible(c) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))

    def line(cells: Sequence[str], cell_styles: Sequence[str | None] | None) -> str:
        parts = []
        for i, cell in enumerate(cells):
            padded = cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            parts.append(paint(padded, cell_styles[i] if cell_styles else None, colour))
        return "  ".join(parts).rstrip()

    out = [line(headers, ["bold"] * len(headers))]
    for r, row in enumerate(rows):
        out.append(line(row, styles[r] if styles else None))
    return "\n".join(out) + "\n"


def _md_cell(text: str) -> str:
    return visible(text.replace("|", "\\|").replace("\n", " "))


def markdown_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, right: frozenset[int] = frozenset()
) -> str:
    align = ["---:" if i in right else "---" for i in range(len(headers))]
    out = ["| " + " | ".join(_md_cell(h) for h in headers) + " |", "| " + " | ".join(align) + " |"]
    out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(out) + "\n"


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Numbers stay numbers: modelctl writes signed changes ("-12.50", "+5.0%") and "-" for "none".
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)%?|-")


def csv_cell(value: str) -> str:
    """A CSV cell a spreadsheet shows as text: a leading ``'`` before anything that
    starts like a formula, unless it is a plain number (docs/cli.md, "CSV output")."""
    if value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([csv_cell(h) for h in headers])
    writer.writerows([csv_cell(c) for c in row] for row in rows)
    return buf.getvalue()
