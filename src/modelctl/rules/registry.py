"""The rule registry: the context every rule reads and the ``@rule`` decorator.

Each rule is a function ``(ctx) -> Iterator[Finding]`` registered in
``RULES`` with ``@rule``; ``identity`` holds the identity, reference and
provider rules, ``prices`` and ``lifecycle`` the others, ``plans`` those of
plans and accounts.
Codes, meanings and default severities are in ``modelctl.codes`` and
``docs/rules.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from modelctl.catalog.model import Catalog
from modelctl.catalog.strict_yaml import LoadedFile, PathSeg, json_path
from modelctl.codes import code as _code
from modelctl.errors import Finding, Location


@dataclass(frozen=True, slots=True)
class RuleContext:
    catalog: Catalog
    files: dict[str, LoadedFile]
    today: date
    provider_ids: frozenset[str]  # providers/<id>.yaml on disk, loadable or not
    model_refs: frozenset[str]  # models/<provider>/<id>.yaml on disk, lower-cased

    def at(self, code_id: str, file: str, path: Sequence[PathSeg], message: str, *, key: bool = False) -> Finding:
        loaded = self.files.get(file)
        loc = loaded.locate(path, key=key) if loaded else Location(file)
        return Finding(code_id, _code(code_id).severity, message, loc, json_path(path))


Rule = Callable[[RuleContext], Iterator[Finding]]
RULES: list[Rule] = []


def rule(fn: Rule) -> Rule:
    RULES.append(fn)
    return fn


def run_rules(ctx: RuleContext) -> list[Finding]:
    return [finding for fn in RULES for finding in fn(ctx)]
