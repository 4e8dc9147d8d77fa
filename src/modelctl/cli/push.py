"""``modelctl push``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from modelctl.artifact.push import check_destination, check_endpoint, check_name, summary
from modelctl.artifact.push import push as do_push
from modelctl.cli import output
from modelctl.errors import ModelctlError


def push(
    folder: Annotated[Path, typer.Argument(help="A published folder (what `modelctl publish --out` wrote).")],
    dest: Annotated[str, typer.Argument(help="Where to: file:///path, a path, or s3://bucket/prefix.")],
    name: Annotated[
        str, typer.Option("--name", help="The artifact to push (catalog.public.json for a public place).")
    ] = "catalog.json",
    endpoint_url: Annotated[
        str | None, typer.Option("--endpoint-url", help="An S3-compatible endpoint (MinIO, R2, ...).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary on stdout.")] = False,
) -> None:
    """Copy a published artifact to a static host or object storage.

    First the immutable, content-addressed copy catalogs/REVISION-DIGEST.json
    (cached for a year), then the mutable pointer catalog.json with its
    .sha256 and .minisig (cached for a minute), so that a reader never sees
    a pointer to something absent. The folder's pair is verified first.
    """
    problem = check_name(name)
    if problem is not None:
        raise typer.BadParameter(problem, param_hint="--name")
    problem = check_destination(dest)
    if problem is not None:  # wrong on its face: a usage error, before the folder is read
        raise typer.BadParameter(problem, param_hint="DEST")
    problem = None if endpoint_url is None else check_endpoint(endpoint_url, dest)
    if problem is not None:  # no endpoint for a folder, or not a URL: before the folder is read
        raise typer.BadParameter(problem, param_hint="--endpoint-url")
    try:
        pushed = do_push(folder, dest, name=name, endpoint_url=endpoint_url)
    except ModelctlError as exc:
        output.error(str(exc))
        raise typer.Exit(4) from None
    if as_json:
        output.stdout_text(json.dumps(summary(pushed), indent=2) + "\n")
    else:
        done = ", ".join(pushed.uploaded) or "nothing (already there)"
        output.stdout_text(f"{dest}: revision {pushed.revision} ({pushed.digest})\n  written: {done}\n")
