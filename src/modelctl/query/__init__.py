"""Opening the catalog a command reads (a catalog directory, compiled through
the cache, or a published artifact) as the ``runtime.Catalog`` applications
use, and the views of it: ``list``, ``show``, ``compare``.

May import: ``catalog``, ``rules``, ``artifact``, ``runtime``; never ``cli`` or ``site``.
"""
