"""Writers pointed at their own input: an output path that is the catalog folder, or inside it.

What publish, site, export and diff write is not a catalog file: inside the catalog it is a stray
file for the next ``validate`` (MC207), an untracked change that makes the next publish of a clean
commit ``.dirty``, or, on a catalog file, that file replaced. Refused as a usage error (exit 2)
before anything is written, naming both paths.
"""

from __future__ import annotations

import os
from pathlib import Path

import typer


def same_file(a: Path | str, b: Path | str) -> bool:
    """Whether ``a`` and ``b`` are one file (by any spelling, or a link); False when either is not
    there (yet), or is not a path at all (a git revision)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _looks_like_catalog(folder: str) -> bool:
    """A folder with catalog.yaml and models/ or providers/ (what ``modelctl init`` writes)."""
    return os.path.isfile(os.path.join(folder, "catalog.yaml")) and any(
        os.path.isdir(os.path.join(folder, sub)) for sub in ("models", "providers")
    )


def catalog_around(out: Path, *roots: Path | None) -> Path | None:
    """The catalog folder that ``out`` is or is inside: one of ``roots`` (catalogs the command reads;
    those that are not folders are skipped), else the nearest folder at or above ``out`` that looks
    like a catalog. None when ``out`` is outside every catalog."""
    target = os.path.realpath(out)
    for root in roots:
        if root is not None and os.path.isdir(root) and _within(target, os.path.realpath(root)):
            return root
    here = target
    while True:
        if _looks_like_catalog(here):
            return Path(os.path.relpath(here)) if _within(here, os.getcwd()) else Path(here)
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def refuse_inside_catalog(option: str, out: Path, *roots: Path | None) -> None:
    """A usage error when ``out`` (given as ``option``) is a catalog folder or inside one."""
    catalog = catalog_around(out, *roots)
    if catalog is None:
        return
    same = os.path.realpath(out) == os.path.realpath(catalog)
    where = "is the catalog folder itself" if same else f"is inside the catalog {str(catalog)!r}"
    raise typer.BadParameter(
        f"{str(out)!r} {where}: what this command writes is not a catalog file "
        "(validate would report it as stray, git as a change; a catalog file would be replaced): "
        "give a path outside the catalog",
        param_hint=option,
    )
