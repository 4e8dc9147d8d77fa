"""Reviewing a change: the two sides of a diff (git revisions, directories,
artifacts), read through git plumbing, compared field by field (prices,
plans, generic changes) and classified; the cost impact of a change on the
catalog's workloads; and the history of one model.

May import: ``catalog``, ``rules``, ``artifact``, ``runtime``, ``usage`` (re-pricing a
usage file for the cost impact); never ``cli`` or ``site``.
"""
