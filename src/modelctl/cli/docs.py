"""``modelctl docs``: the documentation that ships with the installed version.

The wheel carries ``docs/`` as ``modelctl/_docs`` (pyproject's force-include), so a
``pip install modelctl`` user reads the same pages as a checkout, offline and for the
version they run; help texts point here (``modelctl docs plans``) rather than at
repository paths.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Annotated

import typer

from modelctl.cli.common import stdout_text


def docs_dir() -> Path:
    """The bundled documentation: inside the installed package, or the source tree's ``docs/``."""
    packaged = Path(__file__).resolve().parent.parent / "_docs"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "docs"


def topics() -> dict[str, Path]:
    """Topic name (the page's file name without ``.md``) -> page."""
    return {p.stem: p for p in sorted(docs_dir().glob("*.md"))}


def _title(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return ""


def docs(
    topic: Annotated[
        str | None,
        typer.Argument(help="A page: cli, plans, rules, runtime, ... (without it: the list).", show_default=False),
    ] = None,
) -> None:
    """Read the documentation of this version: every page, offline.

    Without a TOPIC, lists the pages; with one, prints it (Markdown) on
    stdout, e.g. `modelctl docs plans | less`. The pages are the project's
    documentation for the installed version, bundled with the package.
    """
    pages = topics()
    if topic is None:
        width = max(len(name) for name in pages)
        stdout_text("".join(f"{name.ljust(width)}  {_title(path)}\n" for name, path in pages.items()))
        return
    name = topic.removesuffix(".md").removeprefix("docs/")
    if name not in pages:
        close = difflib.get_close_matches(name, list(pages), n=3, cutoff=0.5)
        hint = f"did you mean {', '.join(close)}?" if close else f"pages: {', '.join(pages)}"
        raise typer.BadParameter(f"no page {topic!r}: {hint}", param_hint="TOPIC")
    stdout_text(pages[name].read_text(encoding="utf-8"))
