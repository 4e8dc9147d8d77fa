"""Reviewing a change: the two sides of a diff (git revisions, directories,
artifacts), read through git plumbing, compared field by field (prices,
plans, generic changes) and classified; and the history of one model.

May import: ``catalog``, ``rules``, ``artifact``, ``runtime``; never ``cli`` or ``site``.
"""
