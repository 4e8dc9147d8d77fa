"""What ``CatalogHolder`` needs to fetch, cache and verify an artifact from elsewhere: ``fetch``
(conditional GET over ``urllib``), ``cache`` (the shared disk cache), ``minisign`` (signatures).

May import: the standard library, and ``modelctl.runtime``; ``minisign`` alone imports
``cryptography``, and only when a public key is configured.
"""

MAX_BYTES = 256 * 1024 * 1024
"""The largest artifact a holder reads, downloaded (after gzip), from a file or from its cache:
docs/distribution.md.  (At 50,000 models an artifact is about 61 MB.)"""
