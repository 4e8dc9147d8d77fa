"""Catalog -> artifact: compiling the checked catalog to canonical JSON, the
compile cache, and publishing (validate, compile, write atomically).

May import: ``catalog``, ``rules``, ``review.git`` (the commit a publish
comes from) and the top-level modules; never ``cli`` or ``site``.
"""
