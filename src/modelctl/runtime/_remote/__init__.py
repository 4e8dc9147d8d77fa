"""What ``CatalogHolder`` needs to fetch, cache and verify an artifact from elsewhere: ``fetch``
(conditional GET over ``urllib``), ``cache`` (the shared disk cache), ``minisign`` (signatures).

May import: the standard library, and ``modelctl.runtime``; ``minisign`` alone imports
``cryptography``, and only when a public key is configured.
"""
