"""Checking a catalog: the semantic and cross-file rules (identity and
references, prices, lifecycle, plans) run over the loaded catalog, and
``validate`` which loads, schema-checks, builds and runs them all.

May import: ``catalog``, the top-level modules and ``runtime`` (plan rules
reuse its entitlement engine); never ``cli`` or ``site``.
"""
