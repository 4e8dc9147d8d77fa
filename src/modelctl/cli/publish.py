"""``modelctl publish``."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from modelctl.artifact.publish import ARTIFACT_NAME, compiled_digest, read_digest, republish
from modelctl.artifact.publish import publish as do_publish
from modelctl.artifact.signing import SecretKey, load_secret_key
from modelctl.catalog.loader import resolve_root
from modelctl.cli import output
from modelctl.cli.options import CatalogArgument, CatalogDirOption
from modelctl.cli.own_input import refuse_inside_catalog
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
    sign: Annotated[
        Path | None,
        typer.Option(
            "--sign",
            help="Sign with this minisign secret key (from `modelctl keygen`), writing catalog.json.minisig; "
            "$MODELCTL_SIGNING_KEY (the key file's text or its path) does the same.",
        ),
    ] = None,
    from_artifact: Annotated[
        Path | None,
        typer.Option(
            "--from-artifact",
            help="Re-publish this earlier artifact's content under a new, higher revision (the rollback path "
            "when CI is broken); the catalog is not read.",
        ),
    ] = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="Then push catalog.json to DEST (file:// or s3://bucket/prefix), as `modelctl push` does "
            "(a public place gets catalog.public.json with `modelctl push --name`).",
        ),
    ] = None,
    endpoint_url: Annotated[
        str | None, typer.Option("--endpoint-url", help="With --to s3://: the S3-compatible endpoint.")
    ] = None,
    allow_rollback: Annotated[
        bool,
        typer.Option(
            "--allow-rollback",
            help="With --to: move DEST's pointer back even when it holds a higher revision (as `modelctl push "
            "--allow-rollback`; refused by default, exit 1).",
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
    `revision` grows with every publish (`modelctl docs artifact`).
    """
    if from_artifact is not None and (check or public):
        output.error("--from-artifact re-publishes one artifact: it does not combine with --check or --public")
        raise typer.Exit(2)
    if endpoint_url and not to:
        output.error("--endpoint-url needs --to")
        raise typer.Exit(2)
    if allow_rollback and not to:
        output.error("--allow-rollback needs --to (it is about the pointer push writes)")
        raise typer.Exit(2)
    if to:  # before anything is published: push would refuse it after
        from modelctl.artifact.push import check_destination, check_endpoint

        problem = check_destination(to)
        if problem is not None:
            raise typer.BadParameter(problem, param_hint="--to")
        problem = None if endpoint_url is None else check_endpoint(endpoint_url, to)
        if problem is not None:
            raise typer.BadParameter(problem, param_hint="--endpoint-url")
    if not check:  # the artifact would be a stray file in the catalog (before anything is read or written)
        refuse_inside_catalog("--out", out, None if from_artifact is not None else resolve_root(catalog or catalog_opt))
    try:
        key = _signing_key(sign)
        if from_artifact is not None:
            again = republish(from_artifact, out, sign=key)
            _report_republish(again, as_json)
            _push_after(out, to, endpoint_url, allow_rollback)
            return
        root = resolve_root(catalog or catalog_opt)
        if check:
            _check(root, out / ARTIFACT_NAME, as_json)
        result = do_publish(root, out, strict=strict, public=public, sign=key)
    except ModelctlError as exc:  # the catalog, the key or the artifact to check cannot be read
        output.error(str(exc))
        raise typer.Exit(4) from None
    if result.refused is not None:  # validate passed: a modelctl bug, caught before anything is written
        output.error(
            f"nothing was published: the runtime would refuse the compiled artifact ({result.refused}); "
            "validate accepted the catalog, so this is a modelctl bug: please report it"
        )
        raise typer.Exit(1)
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
            "revision": result.revision,
            "published_at": result.published_at,
            "signed": result.signed,
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
            f"  revision {result.revision}, published {result.published_at}{', signed' if result.signed else ''}\n"
        )
        if result.public_path is not None:
            output.stdout_text(f"{result.public_path}: without accounts, digest {result.public_digest}\n")
        if result.validation.warning_count:
            count = output.plural(result.validation.warning_count, "warning")
            output.warning(f"published with {count}: run `modelctl validate` to see them")
    try:
        _push_after(out, to, endpoint_url, allow_rollback)
    except ModelctlError as exc:
        output.error(str(exc))
        raise typer.Exit(4) from None


def _signing_key(sign: Path | None) -> SecretKey | None:
    if sign is not None:
        return load_secret_key(sign)
    env = os.environ.get("MODELCTL_SIGNING_KEY")
    return load_secret_key(env, from_env=True) if env else None


def _push_after(out: Path, to: str | None, endpoint_url: str | None, allow_rollback: bool) -> None:
    """``--to``: push catalog.json (the internal artifact; a public place gets catalog.public.json
    through ``modelctl push --name``, never by default).  A destination holding a newer revision
    is a "no" (exit 1): the folder is published, the pointer left as it was."""
    if not to:
        return
    from modelctl.artifact.push import PushRefused, push
    from modelctl.cli.push import report_prior

    try:
        pushed = push(out, to, endpoint_url=endpoint_url, allow_rollback=allow_rollback)
    except PushRefused as exc:
        output.error(f"published to {out}, not pushed: {exc}")
        raise typer.Exit(1) from None
    report_prior(pushed)
    output.note(f"pushed revision {pushed.revision} to {to} ({pushed.immutable}, then {pushed.pointer})")


def _report_republish(again: Any, as_json: bool) -> None:
    if as_json:
        summary = {
            "artifact": str(again.path),
            "digest": again.digest,
            "catalog_version": again.catalog_version,
            "changed": again.changed,
            "bytes": again.size,
            "models": again.models,
            "revision": again.revision,
            "published_at": again.published_at,
            "signed": again.signed,
        }
        output.stdout_text(json.dumps(summary, indent=2) + "\n")
    else:
        output.stdout_text(
            f"{again.path}: re-published, {again.models} models, {again.size:,} bytes\n"
            f"  catalog_version {again.catalog_version}\n  digest {again.digest}\n"
            f"  revision {again.revision}, published {again.published_at}{', signed' if again.signed else ''}\n"
        )


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
