"""Writing catalog files: ``new`` (a model, blank or copied, and a provider)
and the editing commands, each validating what it writes.

May import: ``catalog``, ``rules`` and the top-level modules; never ``cli`` or ``site``.
"""
