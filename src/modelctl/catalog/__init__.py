"""Reading a catalog: find its files, load them with the strict YAML loader,
check them against their JSON Schemas and build the frozen dataclasses
(``model``), settings included.

May import: the standard library, PyYAML, jsonschema-rs and modelctl's
top-level modules (``errors``, ``codes``, ``clock``, ``_gc``); never
``review``, ``usage``, ``interop``, ``artifact``, ``query``, ``site`` or ``cli``.
"""
