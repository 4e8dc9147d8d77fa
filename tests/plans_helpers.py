"""A small catalog with plans and an account (MINI plus two plans and one contract), for the
commands that charge or list them: ``reprice --charges --what-if``, ``plans``, ``show plan``.

MINI's models: acme/alpha (2.00 in, 8.00 out per 1M; above 128,000 input-side tokens 4.00 / 16.00;
a batch variant 1.00 / 4.00) and acme/beta (deprecated, 0.50 / 1.50, no variant, a context window
of 32,000 tokens)."""

from __future__ import annotations

from pathlib import Path

from conftest import MakeCatalog

PLANS: dict[str, str | None] = {
    "plans/pro.yaml": """\
        # yaml-language-server: $schema=../../schema/plan.schema.json
        id: pro
        name: Pro
        description: Every current acme model, in whole credits.
        models:
          allow: ["acme/*"]
          deny: [{status: deprecated}]
        defaults: {chat: acme/alpha}
        markup: 1.20
        credits_per_usd: 1000
        rounding: {decimals: 0, mode: up}
        """,
    "plans/biz.yaml": """\
        # yaml-language-server: $schema=../../schema/plan.schema.json
        id: biz
        name: Business
        models:
          allow: ["acme/*"]
        defaults: {chat: [acme/alpha, acme/beta]}
        markup: 1.10
        """,
    "accounts/bigco.yaml": """\
        # yaml-language-server: $schema=../../schema/account.schema.json
        id: bigco
        name: BigCo
        plan: biz
        models:
          allow: [acme/alpha]
        pricing:
          - {model: acme/alpha, prices: {input_per_1m: 1.50}, note: contract 7}
          - {model: "acme/*", discount_percent: 10}
        """,
}

# Charged by hand in tests/cli/test_reprice_charges_cli.py.
USAGE = """\
timestamp,model,variant,plan,account,input_tokens,output_tokens
2026-11-20T10:00:00Z,acme/alpha,,pro,,20000,10000
2026-11-21,acme/beta,,biz,,30000,20000
2026-11-22,acme/alpha,batch,,bigco,50000,5000
2026-11-23,acme/alpha,,,,10000,1000
2026-11-24,acme/alpha,,pro,,40000,0
"""


def plans_catalog(make_catalog: MakeCatalog) -> Path:
    return make_catalog(PLANS)
