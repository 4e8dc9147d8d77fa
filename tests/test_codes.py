"""docs/rules.md lists every code with its default severity."""

from __future__ import annotations

import re

from conftest import REPO
from modelctl.codes import CODES


def test_rules_doc_lists_every_code_with_its_severity() -> None:
    rows = re.findall(
        r"^\| (MC\d{3}) \| ([a-z0-9-]+) \| (error|warning|info)( \(fixed\))? \|",
        (REPO / "docs" / "rules.md").read_text(),
        re.M,
    )
    documented = {code: (name, sev, bool(fixed)) for code, name, sev, fixed in rows}
    expected = {c.code: (c.name, c.severity.value, c.fixed) for c in CODES.values()}
    assert documented == expected


def test_codes_are_unique_and_well_formed() -> None:
    names = [c.name for c in CODES.values()]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"MC\d{3}", code) for code in CODES)
