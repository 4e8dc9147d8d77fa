"""Dated terms: negotiated prices, discounts and plan markups with effective_from / until;
charge() uses the terms in force on the request's day; rules check overlaps and gaps."""

from __future__ import annotations

import textwrap
from decimal import Decimal

import pytest

from conftest import MakeCatalog
from modelctl.artifact.compile import SourceInfo, compile_artifact
from modelctl.rules.validate import validate_catalog
from modelctl.runtime import Catalog, Usage

D = Decimal
PLAN = """\
# yaml-language-server: $schema=../../schema/plan.schema.json
id: pro
name: Pro
models:
  allow: ["acme/*"]
defaults: {chat: acme/alpha}
markup: 1.25
markups:
  - {markup: 1.10, effective_from: 2026-01-01, until: 2026-01-31, note: January promotion}
  - {markup: 1.50, effective_from: 2026-06-01}
"""
ACCOUNT = """\
# yaml-language-server: $schema=../../schema/account.schema.json
id: big
name: Big
plan: pro
pricing:
  - {model: acme/alpha, prices: {input_per_1m: 1.00}, effective_from: 2026-03-01, until: 2026-03-31}
  - {model: acme/alpha, prices: {input_per_1m: 0.80}, effective_from: 2026-04-01}
  - {model: "acme/*", discount_percent: 20}
"""
USAGE = Usage(input_tokens=100_000)  # acme/alpha: 2.00 per 1M input since 2025-06-01: 0.20 USD


@pytest.fixture
def catalog(make_catalog: MakeCatalog) -> Catalog:
    result = validate_catalog(make_catalog({"plans/pro.yaml": PLAN, "accounts/big.yaml": ACCOUNT}))
    assert result.valid, [str(f) for f in result.findings]
    assert not [f for f in result.findings if f.code in ("MC609", "MC610")]
    return Catalog.loads(compile_artifact(result.catalog, SourceInfo()).data)


@pytest.mark.parametrize(
    ("day", "exact"),
    [
        ("2025-12-31", "0.25"),  # the plan's markup 1.25 (no dated one in force)
        ("2026-01-01", "0.22"),  # January promotion 1.10
        ("2026-01-31", "0.22"),  # until is inclusive
        ("2026-02-01", "0.25"),
        ("2026-06-01", "0.30"),  # 1.50 from June, open-ended
    ],
)
def test_dated_markups(catalog: Catalog, day: str, exact: str) -> None:
    assert catalog.charge("acme/alpha", USAGE, plan="pro", at=day).exact == D(exact)


@pytest.mark.parametrize(
    ("day", "exact", "basis"),
    [
        ("2026-02-28", "0.20", "discount"),  # 0.20 x 1.25 x 0.8: the undated discount
        ("2026-03-01", "0.10", "negotiated"),
        ("2026-03-31", "0.10", "negotiated"),
        ("2026-04-01", "0.08", "negotiated"),
        ("2027-01-01", "0.08", "negotiated"),
        ("2026-06-15", "0.08", "negotiated"),  # negotiated prices replace list price x markup
    ],
)
def test_negotiated_terms_in_force_on_the_day(catalog: Catalog, day: str, exact: str, basis: str) -> None:
    charge = catalog.charge("acme/alpha", USAGE, account="big", at=day)
    assert (charge.exact, charge.basis) == (D(exact), basis)


def test_discount_uses_the_dated_markup(catalog: Catalog) -> None:
    # January: 30,000 x 0.50/1M = 0.015 x 1.10 x (1 - 20%) = 0.0132 (acme/beta: only the undated discount)
    charge = catalog.charge("acme/beta", Usage(input_tokens=30_000), account="big", at="2026-01-15")
    assert charge.cost.total == D("0.015") and charge.exact == D("0.0132") and charge.basis == "discount"


def _findings(make_catalog: MakeCatalog, account: str, plan: str = PLAN) -> list[tuple[str, int, str]]:
    result = validate_catalog(make_catalog({"plans/pro.yaml": plan, "accounts/big.yaml": account}))
    return [(f.code, f.location.line, f.message) for f in result.findings if f.code in ("MC609", "MC610")]


def test_overlapping_terms_are_an_error_at_their_line(make_catalog: MakeCatalog) -> None:
    account = ACCOUNT.replace("effective_from: 2026-04-01", "effective_from: 2026-03-15")
    ((code, line, message),) = _findings(make_catalog, account)
    assert code == "MC609" and line == 7 and "overlap" in message and "2026-03-15" in message


def test_a_gap_is_a_warning(make_catalog: MakeCatalog) -> None:
    account = ACCOUNT.replace("effective_from: 2026-04-01", "effective_from: 2026-04-10")
    ((code, line, message),) = _findings(make_catalog, account)
    assert code == "MC610" and line == 7 and "from 2026-04-01 to 2026-04-09" in message
    result = validate_catalog(make_catalog({"plans/pro.yaml": PLAN, "accounts/big.yaml": account}))
    assert result.valid  # a warning


def test_bad_spans(make_catalog: MakeCatalog) -> None:
    backwards = ACCOUNT.replace("until: 2026-03-31", "until: 2026-02-01")
    assert [c for c, _, m in _findings(make_catalog, backwards) if "before effective_from" in m] == ["MC609"]
    not_a_day = ACCOUNT.replace("until: 2026-03-31", "until: 2026-02-30")
    assert any("not a day of the calendar" in m for _, _, m in _findings(make_catalog, not_a_day))
    shadow = textwrap.dedent(ACCOUNT).replace("pricing:\n", "pricing:\n  - {model: acme/alpha, discount_percent: 5}\n")
    assert any("undated price for acme/alpha comes before" in m for _, _, m in _findings(make_catalog, shadow))
    plan = PLAN.replace("effective_from: 2026-06-01", "effective_from: 2026-01-15")
    ((code, line, message),) = _findings(make_catalog, ACCOUNT, plan)
    assert code == "MC609" and line == 10 and "markups overlap" in message
