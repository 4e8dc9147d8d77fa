"""``modelctl push``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from modelctl.artifact.push import Pushed, PushRefused, check_destination, check_endpoint, check_name, summary
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
    allow_rollback: Annotated[
        bool,
        typer.Option(
            "--allow-rollback",
            help="Move the pointer back even when DEST holds a higher revision (refused by default: "
            "roll back with `publish --from-artifact` instead, which gives a new, higher revision).",
        ),
    ] = False,
    public_key: Annotated[
        Path | None,
        typer.Option(
            "--public-key",
            help="Verify the folder's signature with this minisign public key before pushing (needs the "
            "`sign` extra); without it, a .minisig is checked for its format and that it signs this artifact.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary on stdout.")] = False,
) -> None:
    """Copy a published artifact to a static host or object storage.

    First the immutable, content-addressed copy catalogs/REVISION-DIGEST.json
    (cached for a year), then the mutable pointer catalog.json with its
    .sha256 and .minisig (cached for a minute), so that a reader never sees
    a pointer to something absent. The folder's pair is verified first, and
    its signature: a .minisig not in minisign's format or signing another
    artifact (stale) is refused; with --public-key, one that does not verify.

    The pointer never goes back: when DEST's catalog.json holds a higher
    revision than the folder's (an older CI job re-run, an old folder),
    nothing is written and push exits 1, unless --allow-rollback.
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
        pushed = do_push(
            folder, dest, name=name, endpoint_url=endpoint_url, allow_rollback=allow_rollback, public_key=public_key
        )
    except PushRefused as exc:  # the answer is no: DEST holds a newer revision
        output.error(str(exc))
        raise typer.Exit(1) from None
    except ModelctlError as exc:
        output.error(str(exc))
        raise typer.Exit(4) from None
    report_prior(pushed)
    if as_json:
        output.stdout_text(json.dumps(summary(pushed), indent=2) + "\n")
    else:
        done = ", ".join(pushed.uploaded) or "nothing (already there)"
        was = "" if pushed.prior.revision is None else f", was {pushed.prior.revision}"
        output.stdout_text(f"{dest}: revision {pushed.revision}{was} ({pushed.digest})\n  written: {done}\n")


def report_prior(pushed: Pushed) -> None:
    """Say on stderr what push replaced that was not a plain step forward."""
    prior = pushed.prior
    if prior.unchecked is not None:
        output.warning(
            f"{pushed.destination}: {prior.unchecked}: pushed without checking that it held no newer "
            "revision (allow s3:GetObject on it to check)"
        )
    elif prior.unreadable:
        output.warning(f"{pushed.destination}: the {pushed.pointer} there was not an artifact: replaced")
    elif prior.revision is not None and prior.revision > pushed.revision:
        output.warning(
            f"{pushed.destination}: moved back from revision {prior.revision} to {pushed.revision} "
            "(--allow-rollback): holders that hold the newer one refuse it unless they allow rollback too"
        )
