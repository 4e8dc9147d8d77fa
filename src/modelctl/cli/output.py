"""Renderers for command results, and the two consoles.

Renderers are pure (result -> str) so golden files can pin them; only the
``print_*`` helpers write.  Output for programs goes to stdout, messages for
people to stderr; colour only on a terminal, and never with NO_COLOR.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.markup import escape

from modelctl.cli.visible import json_text, visible
from modelctl.codes import CODES
from modelctl.errors import Finding, Severity
from modelctl.rules.validate import ValidationResult

JSON_FORMAT_VERSION = "1.0"
GITHUB_MAX_PER_LEVEL = 10  # GitHub shows 10 error and 10 warning annotations per step
SUMMARY_MAX_ROWS = 500

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _console(stderr: bool) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def error(message: str) -> None:
    """An error for people, on stderr."""
    _console(True).print(f"[bold red]error:[/] {escape(visible(message, lines=True))}")


@contextmanager
def writing(path: str | os.PathLike[str]) -> Iterator[None]:
    """Writes to ``path``: an OSError that names no file (from a write or a close: ENOSPC on
    /dev/full, EIO) is about it, so that the boundary names it rather than "the standard output"."""
    try:
        yield
    except OSError as exc:
        if exc.filename is None:
            exc.filename = os.fspath(path)
        raise


def warning(message: str) -> None:
    """A warning for people, on stderr: the command succeeded."""
    _console(True).print(f"[yellow]warning:[/] {escape(message)}")


def note(message: str) -> None:
    """A message for people that is neither an error nor a warning (what was done), on stderr."""
    _console(True).print(escape(visible(message, lines=True)))


def plural(n: int, word: str) -> str:
    """``1 model``, ``2 models``, ``1,234 models``."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def stdout_text(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def validation_summary(result: ValidationResult) -> str:
    counts = f"{_plural(result.error_count, 'error')}, {_plural(result.warning_count, 'warning')}"
    infos = len(result.findings) - result.error_count - result.warning_count
    if infos:
        counts += f", {infos} info"
    verdict = "valid" if result.valid else "invalid"
    return f"{result.root}: {verdict}: {counts} in {_plural(result.files_checked, 'file')}"


def validation_text(result: ValidationResult) -> str:
    lines = [visible(str(f)) for f in result.findings]
    lines.append(visible(validation_summary(result)))
    return "\n".join(lines) + "\n"


def print_validation_text(result: ValidationResult) -> None:
    console = _console(False)
    for f in result.findings:
        console.print(
            f"[bold]{escape(visible(str(f.location)))}:[/] [{_STYLE[f.severity]}]{f.severity.value}[/] "
            f"[dim]{f.code}[/] {escape(visible(f.message))}"
        )
    style = "green" if result.valid else "bold red"
    console.print(f"[{style}]{escape(visible(validation_summary(result)))}[/]")


def _diagnostic(f: Finding) -> dict[str, Any]:
    meta = CODES.get(f.code)
    return {
        "severity": f.severity.value,
        "code": f.code,
        "rule": meta.name if meta else f.code,
        "message": f.message,
        "file": f.location.file,
        "line": f.location.line,
        "column": f.location.column,
        "json_path": f.json_path,
    }


def validation_json(result: ValidationResult) -> str:
    doc = {
        "format_version": JSON_FORMAT_VERSION,
        "catalog": result.root,
        "valid": result.valid,
        "error_count": result.error_count,
        "warning_count": result.warning_count,
        "files_checked": result.files_checked,
        "diagnostics": [_diagnostic(f) for f in result.findings],
    }
    return json_text(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"


def _escape_data(text: str) -> str:
    return visible(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_command(f: Finding) -> str:
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}[f.severity]
    loc = f.location
    props = (
        f"file={_escape_property(loc.file)},line={loc.line},col={loc.column},"
        f"title={_escape_property(f'{f.code} {CODES[f.code].name}' if f.code in CODES else f.code)}"
    )
    return f"::{level} {props}::{_escape_data(f.message)}"


def validation_github(result: ValidationResult) -> str:
    """Every finding as a log line; the first ten per level also as annotations."""
    lines: list[str] = []
    annotated = dict.fromkeys(Severity, 0)
    skipped = 0
    for f in result.findings:
        lines.append(_escape_data(str(f)))
        if annotated[f.severity] < GITHUB_MAX_PER_LEVEL:
            annotated[f.severity] += 1
            lines.append(github_command(f))
        else:
            skipped += 1
    if skipped:
        lines.append(
            f"::notice title=modelctl validate::{skipped} of {len(result.findings)} findings were not annotated "
            f"(GitHub shows at most {GITHUB_MAX_PER_LEVEL} per level and step); all are listed in this log"
        )
    lines.append(visible(validation_summary(result)))
    return "\n".join(lines) + "\n"


def _md_cell(text: str) -> str:
    return visible(text).replace("|", "\\|").replace("\n", " ")


def validation_markdown(result: ValidationResult) -> str:
    icon = "✅" if result.valid else "❌"
    out = [f"### {icon} modelctl validate", "", visible(validation_summary(result)), ""]
    if result.findings:
        out += ["| Location | Severity | Code | Message |", "| --- | --- | --- | --- |"]
        for f in result.findings[:SUMMARY_MAX_ROWS]:
            out.append(f"| `{_md_cell(str(f.location))}` | {f.severity.value} | {f.code} | {_md_cell(f.message)} |")
        if len(result.findings) > SUMMARY_MAX_ROWS:
            out.append(f"\n{len(result.findings) - SUMMARY_MAX_ROWS} more findings are in the job log.")
    return "\n".join(out) + "\n"
