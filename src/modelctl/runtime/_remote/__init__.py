"""What ``CatalogHolder`` needs to fetch, cache and verify an artifact from elsewhere: ``fetch``
(conditional GET over ``urllib``), ``cache`` (the shared disk cache), ``minisign`` (signatures).

May import: the standard library, and ``modelctl.runtime``; ``minisign`` alone imports
``cryptography``, and only when a public key is configured.
"""

MAX_BYTES = 256 * 1024 * 1024
"""The largest artifact a holder reads, downloaded (after gzip), from a file or from its cache:
docs/distribution.md.  (At 50,000 models an artifact is about 61 MB.)"""


def immutable_name(pointer: str, revision: int, digest: str) -> str:
    """Where ``modelctl push`` puts the immutable copy of the artifact it points ``pointer`` (a
    file name, ``catalog.json``) at, relative to the pointer's folder: ``catalogs/<revision>-<hex>.json``,
    or ``catalogs/<stem>-<revision>-<hex>.json`` for another name (``catalog.public.json``).  Push
    writes there and a holder reads the signature beside it, so the layout is defined once, here."""
    stem = pointer.removesuffix(".json")
    prefix = "" if stem == "catalog" else f"{stem}-"
    return f"catalogs/{prefix}{revision}-{digest.removeprefix('sha256:')}.json"
