"""``modelctl publish``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from modelctl.artifact.publish import ARTIFACT_NAME, compiled_digest, read_digest
from modelctl.artifact.publish import publish as do_publish
from modelctl.catalog.loader import resolve_root
from modelctl.cli import output
from modelctl.cli.options import CatalogArgument, CatalogDirOption
from modelctl.errors import ModelctlError


def publish(
    catalog: CatalogArgument = None,
    catalog_opt: CatalogDirOption = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write catalog.json and catalog.json.sha256 in.")
    ] = Path("dist"),
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Write nothing: exit 1 if the catalog's content differs from the artifact in --out."
        ),
    ] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Refuse to publish on warnings too.")] = False,
    public: Annotated[
        bool,
        typer.Option(
            "--public",
            help="Also write catalog.public.json (+ .sha256), which leaves the accounts' private contracts out: "
            "for a release asset, a CDN or the comparison page.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary on stdout.")] = False,
) -> None:
    """Validate the catalog and compile it into one JSON artifact for applications.

    The artifact is canonical JSON (sorted keys, money as decimal strings),
    byte-identical for identical input, written atomically with a .sha256
    file beside it. With validation errors nothing is written. Its digest
    covers the catalog content only; `source` records the git commit, and
    SOURCE_DATE_EPOCH replaces the commit time in `catalog_version`.
    """
    root = resolve_root(catalog or catalog_opt)
    try:
        if check:
            _check(root, out / ARTIFACT_NAME, as_json)
        result = do_publish(root, out, strict=strict, public=public)
    except ModelctlError as exc:  # the catalog or the artifact to check cannot be read
        output.error(str(exc))
        raise typer.Exit(4) from None
    if result.path is None:
        output.print_validation_text(result.validation)
        output.error("nothing was published: fix the errors above")
        raise typer.Exit(1)
    if as_json:
        summary = {
            "artifact": str(result.path),
            "digest": result.digest,
            "catalog_version": result.catalog_version,
            "changed": result.changed,
            "bytes": result.size,
            "models": len(result.validation.catalog.models),
        }
        if result.public_path is not None:
            summary |= {"public_artifact": str(result.public_path), "public_digest": result.public_digest}
        output.stdout_text(json.dumps(summary, indent=2) + "\n")
    else:
        state = "written" if result.changed else "unchanged"
        output.stdout_text(
            f"{result.path}: {state}, {output.plural(len(result.validation.catalog.models), 'model')}, "
            f"{result.size:,} bytes\n"
            f"  catalog_version {result.catalog_version}\n  digest {result.digest}\n"
        )
        if result.public_path is not None:
            output.stdout_text(f"{result.public_path}: without accounts, digest {result.public_digest}\n")
        if result.validation.warning_count:
            count = output.plural(result.validation.warning_count, "warning")
            output.warning(f"published with {count}: run `modelctl validate` to see them")


def _check(root: Path, artifact: Path, as_json: bool) -> None:
    existing = read_digest(artifact)
    result, digest = compiled_digest(root)
    if digest is None:
        output.print_validation_text(result)
        raise typer.Exit(1)
    same = digest == existing
    if as_json:
        output.stdout_text(
            json.dumps(
                {"artifact": str(artifact), "up_to_date": same, "catalog_digest": digest, "artifact_digest": existing},
                indent=2,
            )
            + "\n"
        )
    elif same:
        output.stdout_text(f"{artifact}: up to date ({digest})\n")
    else:
        output.stdout_text(f"{artifact}: out of date: the catalog's content is {digest}, the artifact's {existing}\n")
        output.error("run `modelctl publish` and commit the artifact")
    raise typer.Exit(0 if same else 1)
