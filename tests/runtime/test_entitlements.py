"""Plans and accounts in the runtime: decisions, defaults, rollouts, charges."""

from __future__ import annotations

import hashlib
import re
import textwrap
from decimal import Decimal
from typing import Any

import pytest

from conftest import MINI, REPO, MakeCatalog
from modelctl.artifact.compile import SourceInfo, compile_artifact
from modelctl.rules.validate import validate_catalog
from modelctl.runtime import Catalog, NotAllowedError, UnknownPlanError, Usage
from modelctl.runtime._plans import bucket, in_rollout, variant_index

D = Decimal
GAMMA = (
    textwrap.dedent(MINI["models/acme/beta.yaml"])
    .replace("id: beta", "id: gamma")
    .replace("status: deprecated", "status: active")
    .replace("deprecation: {announced: 2026-06-01, retires: 2027-01-01, replacement: acme/alpha}\n", "")
)
OLD = (
    textwrap.dedent(MINI["models/acme/beta.yaml"])
    .replace("id: beta", "id: old")
    .replace("status: deprecated", "status: retired\nenabled: false")
    .replace("retires: 2027-01-01", "retires: 2026-01-01")
    .replace("announced: 2026-06-01", "announced: 2025-06-01")
)
PLAN = """\
# yaml-language-server: $schema=../../schema/plan.schema.json
id: pro
name: Pro
models:
  allow:
    - "acme/*"
    - {feature: vision}
  deny:
    - acme/gamma
defaults: {chat: acme/alpha, embedding: acme/beta}
markup: 1.25
credits_per_usd: 1000
rounding: {decimals: 2, mode: up}
rollouts:
  - {id: beta-launch, model: acme/beta, percent: 40}
  - {id: chat-ab, purpose: chat, variants: [{model: acme/alpha, weight: 1}, {model: acme/beta, weight: 1}]}
"""
ACCOUNT = """\
# yaml-language-server: $schema=../../schema/account.schema.json
id: acme-bank
name: Acme Bank
plan: pro
models:
  widen: [acme/gamma]
defaults: {chat: acme/gamma}
pricing:
  - {model: acme/gamma, prices: {input_per_1m: 0.40}}
  - {model: "acme/*", discount_percent: 20}
"""


@pytest.fixture
def catalog(make_catalog: MakeCatalog) -> Catalog:
    root = make_catalog(
        {
            "models/acme/gamma.yaml": GAMMA,
            "models/acme/old.yaml": OLD,
            "plans/pro.yaml": PLAN,
            "accounts/acme-bank.yaml": ACCOUNT,
        }
    )
    result = validate_catalog(root)
    assert result.valid, [str(f) for f in result.findings]
    return Catalog.loads(compile_artifact(result.catalog, SourceInfo()).data)


def test_plan_allow_and_deny(catalog: Catalog) -> None:
    alpha = catalog.allowed("acme/alpha", plan="pro")
    assert alpha and alpha.rule == "plan pro allow[0]" and "acme/*" in alpha.reason
    gamma = catalog.allowed("acme/gamma", plan="pro")
    assert not gamma and gamma.rule == "plan pro deny[0]"  # deny wins over allow


def test_disabled_or_retired_is_available_nowhere(catalog: Catalog) -> None:
    for plan, account in (("pro", None), (None, "acme-bank")):
        decision = catalog.allowed("acme/old", plan=plan, account=account)
        assert not decision and decision.rule == "model retired" and "use acme/alpha" in decision.reason


def test_account_widens_explicitly(catalog: Catalog) -> None:
    decision = catalog.allowed("acme/gamma", account="acme-bank")
    assert decision and decision.rule == "account acme-bank widen[0]"


def test_rollout_by_bucket_and_without_account(catalog: Catalog) -> None:
    assert not catalog.allowed("acme/beta", plan="pro")  # 40% rollout: unknown without an account
    # acme-bank: SHA-256("beta-launch/acme-bank") -> bucket; included when below 4000
    expected = bucket("beta-launch", "acme-bank") < 4000
    decision = catalog.allowed("acme/beta", account="acme-bank")
    assert bool(decision) is expected and decision.rule == "plan pro rollout beta-launch"


def test_models_for(catalog: Catalog) -> None:
    refs = [m.ref for m in catalog.models_for(plan="pro")]
    assert refs == ["acme/alpha"]
    assert catalog.models_for(plan="pro") is catalog.models_for(plan="pro")  # cached
    with_account = [m.ref for m in catalog.models_for(account="acme-bank")]
    assert "acme/gamma" in with_account and "acme/old" not in with_account


def test_default_model(catalog: Catalog) -> None:
    assert catalog.default_model("chat", plan="pro").model == "acme/alpha"
    choice = catalog.default_model("chat", account="acme-bank")
    assert (choice.model, choice.rule) == ("acme/gamma", "account acme-bank defaults.chat")
    # embedding defaults to acme/beta, which only rolled-out accounts may use
    with pytest.raises(NotAllowedError, match="rollout"):
        catalog.default_model("embedding", plan="pro")


def test_unknown_plan_and_account(catalog: Catalog) -> None:
    with pytest.raises(UnknownPlanError, match="unknown plan 'gold'; plans: pro"):
        catalog.allowed("acme/alpha", plan="gold")
    with pytest.raises(UnknownPlanError, match="is on plan 'pro', not 'free'"):
        catalog.allowed("acme/alpha", plan="free", account="acme-bank")


def test_charge_with_markup_credits_and_rounding(catalog: Catalog) -> None:
    usage = Usage(input_tokens=1_234, output_tokens=567)
    charge = catalog.charge("acme/alpha", usage, plan="pro")
    # cost: 1234 x 2.00/1M + 567 x 8.00/1M = 0.002468 + 0.004536 = 0.007004 USD
    assert charge.cost.total == D("0.007004")
    # x 1.25 markup x 1000 credits/USD = 8.755 credits, rounded up to 2 decimals
    assert charge.exact == D("8.755") and charge.amount == D("8.76")
    assert (charge.unit, charge.basis) == ("credits", "list")


def test_charge_with_a_discount_and_with_negotiated_prices(catalog: Catalog) -> None:
    usage = Usage(input_tokens=100_000, output_tokens=0)  # below alpha's 128,000-token tier
    discounted = catalog.charge("acme/alpha", usage, account="acme-bank")
    # 100k x 2.00/1M = 0.20 USD x 1.25 markup x (100 - 20)% = 0.20 USD -> 200 credits
    assert (discounted.basis, discounted.exact, discounted.amount) == ("discount", D("200"), D("200.00"))
    negotiated = catalog.charge("acme/gamma", Usage(input_tokens=25_000), account="acme-bank")
    # the negotiated 0.40 per 1M replaces list price x markup: 25k x 0.40/1M = 0.01 USD -> 10 credits
    # (gamma's context window is 32,000 tokens: a larger request cannot be priced)
    assert (negotiated.basis, negotiated.exact, negotiated.amount) == ("negotiated", D("10"), D("10.00"))


def test_charge_refuses_a_model_the_account_may_not_use(catalog: Catalog) -> None:
    with pytest.raises(NotAllowedError) as err:
        catalog.charge("acme/gamma", Usage(input_tokens=1), plan="pro")
    assert err.value.decision.rule == "plan pro deny[0]"


@pytest.mark.parametrize(
    ("mode", "expected"), [("up", "0.13"), ("half_up", "0.12"), ("half_even", "0.12"), ("down", "0.12")]
)
def test_rounding_modes(make_catalog: MakeCatalog, mode: str, expected: str) -> None:
    plan = PLAN.replace("rounding: {decimals: 2, mode: up}", f"rounding: {{decimals: 2, mode: {mode}}}").replace(
        "credits_per_usd: 1000\n", ""
    )
    result = validate_catalog(make_catalog({"models/acme/gamma.yaml": GAMMA, "plans/pro.yaml": plan}))
    catalog = Catalog.loads(compile_artifact(result.catalog, SourceInfo()).data)
    # 49,000 output tokens x 8.00/1M = 0.392 x 1.25 / ... use a usage giving exactly 0.1225 after markup
    charge = catalog.charge("acme/alpha", Usage(input_tokens=49_000), plan="pro")
    assert charge.exact == D("0.1225")  # 49,000 x 2.00/1M = 0.098 x 1.25
    assert charge.amount == D(expected) and charge.unit == "USD"


# --- bucketing ----------------------------------------------------------------------------------


def _spec_bucket(salt: str, account: str) -> int:
    digest = hashlib.sha256(f"{salt}/{account}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 10_000


def _doc_vectors() -> list[tuple[str, str, str, int]]:
    text = (REPO / "docs" / "rollouts.md").read_text()
    rows = re.findall(r"^\| `([^`]+)` \| `([^`]+)` \| `([0-9a-f]{16})` \| (\d+) \|$", text, re.M)
    return [(s, a, h, int(b)) for s, a, h, b in rows]


def test_documented_vectors() -> None:
    vectors = _doc_vectors()
    assert len(vectors) >= 7
    for salt, account, prefix, expected in vectors:
        assert hashlib.sha256(f"{salt}/{account}".encode()).hexdigest()[:16] == prefix
        assert _spec_bucket(salt, account) == expected == bucket(salt, account)


def test_documented_variant_table() -> None:
    text = (REPO / "docs" / "rollouts.md").read_text()
    rows = re.findall(r"^\| `(account-\d+)` \| (\d+) \| (\d) \| (\d) \|$", text, re.M)
    assert len(rows) >= 5
    for account, b, two, three in rows:
        assert _spec_bucket("chat-default-2026-11", account) == int(b)
        assert variant_index("chat-default-2026-11", account, [80, 20]) == int(two)
        assert variant_index("chat-default-2026-11", account, [1, 1, 1]) == int(three)


def test_raising_the_percentage_keeps_every_included_account() -> None:
    accounts = [f"account-{i}" for i in range(2_000)]
    previous: set[str] = set()
    for percent in ("0", "1", "5.5", "10", "25", "50", "99.99", "100"):
        included = {a for a in accounts if in_rollout("launch", a, D(percent))}
        assert previous <= included
        previous = included
    assert len(previous) == 2_000
    share = sum(in_rollout("launch", a, D(10)) for a in accounts) / len(accounts)
    assert 0.08 < share < 0.12


def test_variant_weights_are_respected() -> None:
    counts = [0, 0]
    for i in range(4_000):
        counts[variant_index("ab", f"acct-{i}", [80, 20])] += 1
    assert 0.77 < counts[0] / 4_000 < 0.83


def test_repository_plans(tmp_path: Any) -> None:
    from datetime import date

    result = validate_catalog(REPO / "catalog", today=date(2026, 11, 25))
    catalog = Catalog.loads(compile_artifact(result.catalog, SourceInfo()).data)
    assert set(catalog.plans()) == {"free", "pro", "team", "enterprise"}
    assert not catalog.allowed("anthropic/claude-opus-5-5", plan="pro")
    assert catalog.allowed("anthropic/claude-opus-5-5", plan="team")
    assert not catalog.allowed("anthropic/claude-sonnet-5-5", account="acme-bank")  # narrowed to Bedrock
    assert catalog.allowed("amazon-bedrock/claude-sonnet-5", account="acme-bank")
