"""Pricing usage: reading usage files, re-pricing them (``reprice``), the
price cells it sums, and what a workload costs (``cost``, ``estimate``).

May import: ``runtime`` and the top-level modules; never ``cli`` or ``site``.
"""
