"""``modelctl keygen``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from modelctl.artifact.signing import write_key_pair
from modelctl.cli import output
from modelctl.errors import ModelctlError


def keygen(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write modelctl.key (mode 0600) and modelctl.pub in.")
    ],
) -> None:
    """Write a new Ed25519 key pair in minisign's format, for `publish --sign`.

    modelctl.key is the secret key (unencrypted: keep it in a CI secret,
    e.g. $MODELCTL_SIGNING_KEY); modelctl.pub is what applications pass as
    `public_key` and what `minisign -V -m catalog.json -p modelctl.pub`
    reads. An existing key is never overwritten.
    """
    try:
        secret, public = write_key_pair(out)
    except ModelctlError as exc:
        output.error(str(exc))
        raise typer.Exit(4) from None
    output.stdout_text(f"{secret}: secret key (keep it secret)\n{public}: public key\n")
