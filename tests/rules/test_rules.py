"""Semantic rules: for every rule, a case that breaks it (with the exact
file, line and column) and a near miss that must not."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conftest import MINI, MakeCatalog
from helpers import check
from modelctl.errors import Severity

ALPHA, BETA = "models/acme/alpha.yaml", "models/acme/beta.yaml"

TWO_PERIODS = """\
pricing:
  - effective_from: {newer}
    source: https://acme.example/pricing
    checked: 2026-11-01
    input_per_1m: {in0}
    output_per_1m: {out0}
  - effective_from: {older}
    source: https://acme.example/pricing
    checked: 2026-11-01
    input_per_1m: {in1}
    output_per_1m: {out1}
"""


def edit(rel: str, *pairs: tuple[str, str]) -> dict[str, str | None]:
    text = textwrap.dedent(MINI[rel])
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return {rel: text}


def beta_prices(
    newer: str = "2024-06-01",
    older: str = "2024-01-01",
    in0: str = "1.00",
    out0: str = "3.00",
    in1: str = "0.50",
    out1: str = "1.50",
) -> dict[str, str | None]:
    text = textwrap.dedent(MINI[BETA])
    head = text[: text.index("pricing:")]
    return {BETA: head + TWO_PERIODS.format(newer=newer, older=older, in0=in0, out0=out0, in1=in1, out1=out1)}


BETA_COPY = textwrap.dedent(MINI[BETA])
PLAN = """\
# yaml-language-server: $schema=../../schema/plan.schema.json
id: pro
name: Pro
defaults: {chat: acme/alpha, embedding: acme/gamma}
models: {allow: ["acme/*"]}
"""

PRO = """\
# yaml-language-server: $schema=../../schema/plan.schema.json
id: pro
name: Pro
models:
  allow: ["acme/*"]
  deny: [{status: retired}]
defaults: {chat: acme/alpha}
rollouts:
  - {id: beta-launch, model: acme/beta, percent: 10}
"""
BIG = """\
# yaml-language-server: $schema=../../schema/account.schema.json
id: big
name: Big Co
plan: pro
"""


def pro(*pairs: tuple[str, str]) -> dict[str, str | None]:
    text = PRO
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return {"plans/pro.yaml": text}


def big(extra: str, *plan_pairs: tuple[str, str]) -> dict[str, str | None]:
    return {**pro(*plan_pairs), "accounts/big.yaml": BIG + extra}


# (id, overrides, expected finding, near-miss overrides that must not produce that code)
WORKLOAD = """\
# yaml-language-server: $schema=../../schema/workload.schema.json
id: w
name: W
models:
  - model: acme/alpha
    requests: 100
    per_request: {input_tokens: 10}
"""

_BATCH = (
    "      batch: {input_per_1m: 1.00, output_per_1m: 4.00, tiers: [{above_input_tokens: 128000, input_per_1m: 2.00}]}"
)
_NIGHT = '{input_per_1m: 0.50, tiers: [{above_input_tokens: 128000, input_per_1m: 1.00}], windows: [{start: "%s", end: "07:00"}]}'


def _win(start: str, end: str, more: str = "") -> str:
    return f'windows: [{{start: "{start}", end: "{end}"{more}}}]'


CASES = [
    ("MC201", edit(BETA, ("id: beta", "id: bravo")), ("MC201", BETA, 2, 5), None),
    (
        "MC201-provider",
        edit("providers/acme.yaml", ("id: acme", "id: acme-ai")),
        ("MC201", "providers/acme.yaml", 2, 5),
        None,
    ),
    (
        "MC202",
        {"models/ghost/beta.yaml": BETA_COPY},
        ("MC202", "models/ghost/beta.yaml", 2, 5),
        {
            "models/ghost/beta.yaml": BETA_COPY,
            "providers/ghost.yaml": textwrap.dedent(MINI["providers/acme.yaml"]).replace("id: acme", "id: ghost"),
        },
    ),
    (
        "MC203",
        {"models/acme/BETA.yaml": BETA_COPY.replace("id: beta", "id: BETA")},
        ("MC203", BETA, 2, 5),
        {"models/acme/beta2.yaml": BETA_COPY.replace("id: beta", "id: beta2")},
    ),
    (
        "MC204-alias-is-id",
        edit(ALPHA, ("[alpha-2025-01-01]", "[alpha-2025-01-01, beta]")),
        ("MC204", ALPHA, 5, 29),
        edit(ALPHA, ("[alpha-2025-01-01]", "[alpha-2025-01-01, beta-x]")),
    ),
    (
        "MC204-alias-twice",
        edit(BETA, ("name: Beta", "name: Beta\naliases: [ALPHA-2025-01-01]")),
        ("MC204", BETA, 4, 11),
        edit(BETA, ("name: Beta", "name: Beta\naliases: [beta-2024]")),
    ),
    ("MC205", edit(BETA, ("replacement: acme/alpha", "replacement: acme/alpah")), ("MC205", BETA, 6, 72), None),
    ("MC206", edit(BETA, ("replacement: acme/alpha", "replacement: acme/beta")), ("MC206", BETA, 6, 72), None),
    ("MC207", {"models/acme/notes.txt": "x\n"}, ("MC207", "models/acme/notes.txt", 1, 1), None),
    ("MC213-yml", {"providers/other.yml": "id: other\n"}, ("MC213", "providers/other.yml", 1, 1), None),
    ("MC213-yml-model", {"models/acme/gamma.yml": BETA_COPY}, ("MC213", "models/acme/gamma.yml", 1, 1), None),
    ("MC208", {"catalog.yaml": None}, ("MC208", "catalog.yaml", 1, 1), None),
    (
        "MC209",
        edit("catalog.yaml", ("stale_after_days: 365\n", "stale_after_days: 365\nrules:\n  MC999: ignore\n")),
        ("MC209", "catalog.yaml", 7, 3),
        edit("catalog.yaml", ("stale_after_days: 365\n", "stale_after_days: 365\nrules:\n  MC306: error\n")),
    ),
    ("MC210", edit(ALPHA, ("[alpha-2025-01-01]", "[alpha]")), ("MC210", ALPHA, 5, 11), None),
    (
        "MC211",
        {"plans/pro.yaml": PLAN},
        ("MC211", "plans/pro.yaml", 4, 41),
        {"plans/pro.yaml": PLAN.replace("acme/gamma", "acme/beta")},
    ),
    (
        "MC212",
        {"plans/pro.yaml": PLAN.replace("embedding:", "images:")},
        ("MC212", "plans/pro.yaml", 4, 30),
        {"plans/pro.yaml": PLAN.replace("acme/gamma", "acme/beta")},
    ),
    ("MC301", beta_prices(newer="2024-01-01", older="2024-06-01"), ("MC301", BETA, 15, 21), beta_prices()),
    ("MC302", beta_prices(newer="2024-01-01", older="2024-01-01"), ("MC302", BETA, 15, 21), beta_prices()),
    (
        "MC303",
        edit(
            ALPHA,
            (
                "      - {above_input_tokens: 128000",
                "      - {above_input_tokens: 150000, input_per_1m: 5.00}\n      - {above_input_tokens: 128000",
            ),
        ),
        ("MC303", ALPHA, 19, 30),
        None,
    ),
    (
        "MC304",
        edit(BETA, ("input_per_1m: 0.50", "input_per_1m: 0.0000005")),
        ("MC304", BETA, 13, 19),
        edit(BETA, ("input_per_1m: 0.50", "input_per_1m: 0.02")),
    ),
    (
        "MC305-output-vs-input",
        edit(BETA, ("input_per_1m: 0.50", "input_per_1m: 0.0025"), ("output_per_1m: 1.50", "output_per_1m: 10.00")),
        ("MC305", BETA, 14, 20),
        edit(BETA, ("input_per_1m: 0.50", "input_per_1m: 0.0625"), ("output_per_1m: 1.50", "output_per_1m: 10.00")),
    ),
    (
        "MC305-period-jump",
        beta_prices(in0="0.002", out0="0.006", in1="2.00", out1="6.00"),
        ("MC305", BETA, 13, 19),
        beta_prices(in0="0.40", out0="1.20", in1="2.00", out1="6.00"),
    ),
    (
        "MC305-variant",
        edit(ALPHA, ("batch: {input_per_1m: 1.00", "batch: {input_per_1m: 0.002")),
        ("MC305", ALPHA, 20, 29),
        edit(ALPHA, ("batch: {input_per_1m: 1.00", "batch: {input_per_1m: 0.02")),
    ),
    (
        "MC306",
        edit(BETA, ("checked: 2026-11-01", "checked: 2024-01-01")),
        ("MC306", BETA, 12, 14),
        edit(BETA, ("checked: 2026-11-01", "checked: 2025-11-26")),
    ),
    (
        "MC307",
        edit(BETA, ("checked: 2026-11-01", "checked: 2026-12-01")),
        ("MC307", BETA, 12, 14),
        edit(BETA, ("checked: 2026-11-01", "checked: 2026-11-25")),
    ),
    (
        "MC308",
        edit(
            ALPHA,
            ("above_input_tokens: 128000, input_per_1m: 4.00, output_per_1m: 16.00", "above_input_tokens: 128000"),
        ),
        ("MC308", ALPHA, 18, 9),
        None,
    ),
    (
        "MC309",
        edit(ALPHA, ("cached_input_per_1m: 0.20", "cached_input_per_1m: 2.01")),
        ("MC309", ALPHA, 15, 26),
        edit(ALPHA, ("cached_input_per_1m: 0.20", "cached_input_per_1m: 2.00")),
    ),
    (
        "MC310",
        edit(BETA, ("input_per_1m: 0.50", "input_per_1m: 500.00"), ("output_per_1m: 1.50", "output_per_1m: 1500.00")),
        ("MC310", BETA, 14, 20),
        edit(BETA, ("input_per_1m: 0.50", "input_per_1m: 150.00"), ("output_per_1m: 1.50", "output_per_1m: 600.00")),
    ),
    (
        "MC311",
        edit(ALPHA, ("above_input_tokens: 128000", "above_input_tokens: 200000")),
        ("MC311", ALPHA, 18, 30),
        edit(ALPHA, ("above_input_tokens: 128000", "above_input_tokens: 199999")),
    ),
    (
        "MC312",
        edit(BETA, ("effective_from: 2024-01-01", "effective_from: 2026-12-01")),
        ("MC312", BETA, 10, 3),
        edit(BETA, ("effective_from: 2024-01-01", "effective_from: 2026-11-25")),
    ),
    (
        "MC601",
        pro(("deny: [{status: retired}]", "deny: [{status: deprecated}]"), ("chat: acme/alpha", "chat: acme/beta")),
        ("MC601", "plans/pro.yaml", 7, 18),
        pro(),
    ),
    (
        "MC601-account",
        big("defaults: {chat: acme/beta}\nmodels: {deny: [acme/beta]}\n"),
        ("MC601", "accounts/big.yaml", 5, 18),
        big("defaults: {chat: acme/alpha}\n"),
    ),
    (
        "MC602",
        pro(("deny: [{status: retired}]", "deny: [{status: deprecated}]")),
        ("MC602", "plans/pro.yaml", 9, 30),
        pro(),
    ),
    (
        "MC603",
        pro(
            (
                "percent: 10}",
                "percent: 10}\n  - {id: beta-launch, purpose: chat, variants: [{model: acme/alpha, "
                "weight: 1}, {model: acme/beta, weight: 1}]}",
            )
        ),
        ("MC603", "plans/pro.yaml", 10, 10),
        pro(
            (
                "percent: 10}",
                "percent: 10}\n  - {id: chat-ab, purpose: chat, variants: [{model: acme/alpha, "
                "weight: 1}, {model: acme/beta, weight: 1}]}",
            )
        ),
    ),
    (
        "MC603-percent",
        pro(("percent: 10}", "percent: 10.005}")),
        ("MC603", "plans/pro.yaml", 9, 50),
        pro(("percent: 10}", "percent: 10.25}")),
    ),
    (
        "MC604",
        big('models:\n  allow: ["acme/*"]\n', ('allow: ["acme/*"]', 'allow: ["acme/alpha"]')),
        ("MC604", "accounts/big.yaml", 6, 11),
        big('models:\n  allow: ["acme/*"]\n'),
    ),
    (
        "MC605",
        big("rollouts: {nope: true}\n"),
        ("MC605", "accounts/big.yaml", 5, 12),
        big("rollouts: {beta-launch: true}\n"),
    ),
    ("MC606", pro(('allow: ["acme/*"]', 'allow: ["acme/*", "zeta/*"]')), ("MC606", "plans/pro.yaml", 5, 21), pro()),
    (
        "MC607",
        big("pricing: [{model: acme/zeta, discount_percent: 10}]\n"),
        ("MC607", "accounts/big.yaml", 5, 19),
        big("pricing: [{model: acme/alpha, discount_percent: 10}]\n"),
    ),
    (
        "MC608",
        {
            **pro(("percent: 10}", "percent: 10}\ncredits_per_usd: 1000")),
            **edit(BETA, ("name: Beta", "name: Beta\ncurrency: EUR")),
        },
        ("MC608", "plans/pro.yaml", 10, 18),
        pro(("percent: 10}", "percent: 10}\ncredits_per_usd: 1000")),
    ),
    (
        "MC609",
        big(
            "pricing:\n  - {model: acme/alpha, discount_percent: 10, effective_from: 2026-01-01, until: 2026-01-31}\n  - {model: acme/alpha, discount_percent: 5, effective_from: 2026-01-10}\n"
        ),
        ("MC609", "accounts/big.yaml", 7, 5),
        big(
            "pricing:\n  - {model: acme/alpha, discount_percent: 10, effective_from: 2026-01-01, until: 2026-01-31}\n  - {model: acme/alpha, discount_percent: 5, effective_from: 2026-02-01}\n"
        ),
    ),
    (
        "MC610",
        big(
            "pricing:\n  - {model: acme/alpha, discount_percent: 10, effective_from: 2026-01-01, until: 2026-01-31}\n  - {model: acme/alpha, discount_percent: 5, effective_from: 2026-02-10}\n"
        ),
        ("MC610", "accounts/big.yaml", 7, 5),
        big(
            "pricing:\n  - {model: acme/alpha, discount_percent: 10, effective_from: 2026-01-01, until: 2026-01-31}\n  - {model: acme/alpha, discount_percent: 5, effective_from: 2026-02-01}\n"
        ),
    ),
    (
        "MC313",
        edit(
            ALPHA,
            (
                "batch: {input_per_1m: 1.00, output_per_1m: 4.00, tiers: [{above_input_tokens: 128000, input_per_1m: 2.00}]}",
                "batch:\n        input_per_1m: 1.00",
            ),
        ),
        ("MC313", ALPHA, 21, 9),
        edit(
            ALPHA,
            (
                "batch: {input_per_1m: 1.00, output_per_1m: 4.00, tiers: [{above_input_tokens: 128000, input_per_1m: 2.00}]}",
                "batch:\n        input_per_1m: 1.00\n        tiers: [{above_input_tokens: 128000, input_per_1m: 2.00}]",
            ),
        ),
    ),
    (
        "MC314",  # batch holds 22:00-06:00, night 05:00-07:00: 05:00-06:00 has two prices
        edit(ALPHA, (_BATCH, _BATCH[:-1] + ", " + _win("22:00", "06:00") + "}\n      night: " + _NIGHT % "05:00")),
        ("MC314", ALPHA, 21, 104),
        edit(ALPHA, (_BATCH, _BATCH[:-1] + ", " + _win("22:00", "06:00") + "}\n      night: " + _NIGHT % "06:00")),
    ),
    (
        "MC315",  # 10:00-12:00 on Saturdays lies inside the all-day window of the same variant
        edit(ALPHA, (_BATCH, _BATCH[:-1] + ", " + _win("00:00", "24:00", '}, {start: "10:00", end: "12:00"') + "}")),
        ("MC315", ALPHA, 20, 157),
        edit(ALPHA, (_BATCH, _BATCH[:-1] + ", " + _win("00:00", "10:30", '}, {start: "10:00", end: "12:00"') + "}")),
    ),
    (
        "MC316",  # an alias names a variant no period has (a typo)
        edit(
            ALPHA, ("aliases: [alpha-2025-01-01]", "aliases: [alpha-2025-01-01, {name: eu.alpha, variant: regoinal}]")
        ),
        ("MC316", ALPHA, 5, 55),
        edit(ALPHA, ("aliases: [alpha-2025-01-01]", "aliases: [alpha-2025-01-01, {name: eu.alpha, variant: batch}]")),
    ),
    (
        "MC317",  # the variant is in the older period only: the alias has no price today
        edit(
            ALPHA,
            ("aliases: [alpha-2025-01-01]", "aliases: [alpha-2025-01-01, {name: eu.alpha, variant: regional}]"),
            (
                "    output_per_1m: 12.00\n",
                "    output_per_1m: 12.00\n    variants:\n      regional: {input_per_1m: 3.30}\n",
            ),
        ),
        ("MC317", ALPHA, 5, 55),
        edit(ALPHA, ("aliases: [alpha-2025-01-01]", "aliases: [alpha-2025-01-01, {name: eu.alpha, variant: batch}]")),
    ),
    (
        "MC318",  # an enabled model priced 0 everywhere: a placeholder unless it says free: true
        edit(BETA, ("input_per_1m: 0.50", "input_per_1m: 0.00"), ("output_per_1m: 1.50", "output_per_1m: 0")),
        ("MC318", BETA, 10, 5),
        edit(
            BETA,
            ("input_per_1m: 0.50", "input_per_1m: 0.00"),
            ("output_per_1m: 1.50", "output_per_1m: 0\n    free: true"),
        ),
    ),
    (
        "MC319",
        edit(BETA, ("output_per_1m: 1.50", "output_per_1m: 1.50\n    free: true")),
        ("MC319", BETA, 15, 11),
        edit(BETA, ("output_per_1m: 1.50", "output_per_1m: 1.50\n    free: false")),
    ),
    (
        "MC320",  # 19 decimal places: DECIMAL(38,18) would round it; 18, or trailing zeros beyond, are held
        edit(BETA, ("output_per_1m: 1.50", "output_per_1m: 1.5000000000000000001")),
        ("MC320", BETA, 14, 20),
        edit(BETA, ("output_per_1m: 1.50", "output_per_1m: 1.500000000000000001000000")),
    ),
    (
        "MC401",
        edit(ALPHA, ("max_output_tokens: 8192", "max_output_tokens: 300000")),
        ("MC401", ALPHA, 7, 53),
        edit(ALPHA, ("max_output_tokens: 8192", "max_output_tokens: 200000")),
    ),
    ("MC402", edit(ALPHA, ("input: [text, image]", "input: [text]")), ("MC402", ALPHA, 9, 12), None),
    (
        "MC403",
        edit(BETA, ("status: deprecated", "status: retired"), ("retires: 2027-01-01", "retires: 2026-01-01")),
        ("MC403", BETA, 4, 9),
        edit(
            BETA,
            ("status: deprecated", "status: retired\nenabled: false"),
            ("retires: 2027-01-01", "retires: 2026-01-01"),
        ),
    ),
    (
        "MC404",
        edit(BETA, ("deprecation: {announced: 2026-06-01, retires: 2027-01-01, replacement: acme/alpha}\n", "")),
        ("MC404", BETA, 4, 9),
        None,
    ),
    ("MC405", edit(BETA, ("retires: 2027-01-01", "retires: 2026-05-01")), ("MC405", BETA, 6, 47), None),
    (
        "MC406",
        edit(BETA, ("retires: 2027-01-01", "retires: 2026-07-01")),
        ("MC406", BETA, 6, 47),
        edit(BETA, ("retires: 2027-01-01", "retires: 2026-11-26")),
    ),
    ("MC407", edit(ALPHA, ("    cached_input_per_1m: 0.20\n", "")), ("MC407", ALPHA, 9, 20), None),
    (
        "MC408",
        edit(BETA, ("output_per_1m: 1.50", "output_per_1m: 1.50\n    reasoning_per_1m: 1.50")),
        ("MC408", BETA, 15, 23),
        None,
    ),
    ("MC409", edit(BETA, ("released: 2024-01-01", "released: 2024-06-01")), ("MC409", BETA, 10, 21), None),
    (
        "MC410",
        edit(ALPHA, ("status: active", "status: active\ndeprecation: {retires: 2027-01-01}")),
        ("MC410", ALPHA, 5, 14),
        None,
    ),
    (
        "MC501",
        edit(BETA, ("name: Beta", "name: Beta\ncurrency: EUR")),
        ("MC501", BETA, 4, 11),
        edit(BETA, ("name: Beta", "name: Beta\ncurrency: USD")),
    ),
    (
        "MC502",
        {
            "providers/empty.yaml": "# yaml-language-server: $schema=../../schema/provider.schema.json\n"
            "id: empty\nname: Empty\n"
        },
        ("MC502", "providers/empty.yaml", 2, 5),
        None,
    ),
    (
        "MC016",
        edit(BETA, ("# yaml-language-server: $schema=../../../schema/model.schema.json\n", "")),
        ("MC016", BETA, 1, 1),
        edit(
            BETA, ("$schema=../../../schema/model.schema.json", "$schema=https://example.com/schema/model.schema.json")
        ),
    ),
    (
        "MC701",
        {"workloads/w.yaml": WORKLOAD.replace("acme/alpha", "acme/alfa")},
        ("MC701", "workloads/w.yaml", 5, 12),
        {"workloads/w.yaml": WORKLOAD},
    ),
    (
        "MC702",
        {"workloads/w.yaml": WORKLOAD.replace("name: W\n", "name: W\nplan: gold\n")},
        ("MC702", "workloads/w.yaml", 4, 7),
        None,
    ),
    (
        "MC703",
        {
            "workloads/w.yaml": WORKLOAD.replace("acme/alpha", "acme/beta"),
            **edit(
                BETA,
                ("status: deprecated", "status: retired\nenabled: false"),
                ("retires: 2027-01-01", "retires: 2026-01-01"),
            ),
        },
        ("MC703", "workloads/w.yaml", 5, 12),
        {"workloads/w.yaml": WORKLOAD.replace("acme/alpha", "acme/beta")},
    ),
    (
        "MC704",
        {"workloads/w.yaml": WORKLOAD + "    variants: {batch: 0.6, flex: 0.5}\n"},
        ("MC704", "workloads/w.yaml", 8, 15),
        {"workloads/w.yaml": WORKLOAD + "    variants: {batch: 0.6, flex: 0.4}\n"},
    ),
]


@pytest.mark.parametrize(("overrides", "expected", "near_miss"), [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_rule(
    make_catalog: MakeCatalog,
    overrides: dict[str, str | None],
    expected: tuple[str, str, int, int],
    near_miss: dict[str, str | None] | None,
) -> None:
    result, found = check(make_catalog(overrides))
    assert expected in found, found
    finding = result.findings[found.index(expected)]
    assert len(finding.message) > 20 and "Traceback" not in finding.message
    if near_miss is not None:
        _, near = check(make_catalog(near_miss, name="near"))
        assert [f for f in near if f[0] == expected[0]] == []


def test_every_semantic_code_has_a_case() -> None:
    from modelctl.codes import CODES

    covered = {c[2][0] for c in CASES}
    semantic = {c for c in CODES if c >= "MC200" or c == "MC016"}
    assert semantic - covered == set()


def test_retired_replacement(make_catalog: MakeCatalog) -> None:
    gamma = BETA_COPY.replace("id: beta", "id: gamma").replace("replacement: acme/alpha", "replacement: acme/beta")
    retired = edit(
        BETA, ("status: deprecated", "status: retired\nenabled: false"), ("retires: 2027-01-01", "retires: 2026-01-01")
    )
    result, found = check(make_catalog({"models/acme/gamma.yaml": gamma, **retired}))
    assert ("MC206", "models/acme/gamma.yaml", 6, 72) in found
    assert "acme/alpha" in next(f.message for f in result.findings if f.code == "MC206")


def test_unknown_replacement_suggests_the_closest(make_catalog: MakeCatalog) -> None:
    result, _ = check(make_catalog(edit(BETA, ("replacement: acme/alpha", "replacement: acme/alpah"))))
    assert "did you mean 'acme/alpha'" in result.findings[0].message


def test_catalog_yaml_changes_a_severity(make_catalog: MakeCatalog) -> None:
    stale = edit(BETA, ("checked: 2026-11-01", "checked: 2024-01-01"))
    settings = edit("catalog.yaml", ("stale_after_days: 365\n", "stale_after_days: 365\nrules: {MC306: error}\n"))
    result, _ = check(make_catalog({**stale, **settings}))
    assert [(f.code, f.severity) for f in result.findings] == [("MC306", Severity.ERROR)]
    off = edit("catalog.yaml", ("stale_after_days: 365\n", "stale_after_days: 365\nrules: {MC306: ignore}\n"))
    result, _ = check(make_catalog({**stale, **off}, name="off"))
    assert result.findings == ()


def test_fixed_codes_cannot_be_downgraded(make_catalog: MakeCatalog) -> None:
    settings = edit("catalog.yaml", ("stale_after_days: 365\n", "stale_after_days: 365\nrules: {MC001: ignore}\n"))
    result, found = check(make_catalog({**settings, BETA: "a: [\n"}))
    assert ("MC001", BETA, 2, 1) in found
    assert ("MC209", "catalog.yaml", 6, 9) in found


def test_stale_after_days_is_configurable(make_catalog: MakeCatalog) -> None:
    settings = edit("catalog.yaml", ("stale_after_days: 365", "stale_after_days: 10"))
    _, found = check(make_catalog(settings))
    assert ("MC306", BETA, 12, 14) in found and ("MC306", ALPHA, 13, 14) in found


def test_today_comes_from_the_environment(make_catalog: MakeCatalog, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODELCTL_TODAY", "2028-01-01")
    _, found = check(make_catalog())
    # beta's retirement (2027-01-01) has passed and its price is now stale.
    assert ("MC406", BETA, 6, 47) in found
    assert ("MC306", BETA, 12, 14) in found


def test_strict_turns_warnings_into_errors(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    from modelctl.rules.validate import validate_catalog

    root = make_catalog(edit(BETA, ("checked: 2026-11-01", "checked: 2024-01-01")))
    assert validate_catalog(root).valid
    assert not validate_catalog(root, strict=True).valid


def test_zero_prices_on_a_disabled_model_are_not_a_placeholder_error(make_catalog: MakeCatalog) -> None:
    zero = edit(
        BETA,
        ("input_per_1m: 0.50", "input_per_1m: 0.00"),
        ("output_per_1m: 1.50", "output_per_1m: 0"),
        ("status: deprecated", "status: deprecated\nenabled: false"),
    )
    _, found = check(make_catalog(zero))
    assert not [f for f in found if f[0] in ("MC318", "MC319")]


def test_a_yml_model_file_is_an_error_that_says_the_model_is_missing(make_catalog: MakeCatalog) -> None:
    result, _ = check(make_catalog({"models/acme/gamma.yml": BETA_COPY.replace("id: beta", "id: gamma")}))
    (finding,) = [f for f in result.findings if f.code == "MC213"]
    assert finding.severity.value == "error" and not result.valid
    assert "rename it to gamma.yaml (it is not read)" in finding.message
    assert "acme/gamma" not in result.catalog.models


@pytest.mark.parametrize(("today", "said"), [("2027-01-01", "is today"), ("2027-01-02", "has passed")])
def test_the_retirement_day_itself_is_not_in_the_past(
    make_catalog: MakeCatalog, monkeypatch: pytest.MonkeyPatch, today: str, said: str
) -> None:
    monkeypatch.setenv("MODELCTL_TODAY", today)
    result, _ = check(make_catalog())
    (finding,) = [f for f in result.findings if f.code == "MC406" and "retirement date" in f.message]
    assert f"the retirement date 2027-01-01 {said}:" in finding.message


def test_warehouse_precision_names_the_price_and_why_in_tiers_and_variants(make_catalog: MakeCatalog) -> None:
    """MC320 looks at every price set (a variant's and a tier's too) and says which limit the price
    breaks; a price of 10^20 or more is also implausible (MC310), a warning of its own."""
    tiered = edit(
        BETA,
        (
            "    output_per_1m: 1.50\n",
            "    output_per_1m: 1.50\n"
            "    tiers: [{above_input_tokens: 20000, input_per_1m: 0.1234567890123456789}]\n"
            "    variants:\n"
            "      batch: {input_per_1m: 100000000000000000000, tiers: [{above_input_tokens: 20000, input_per_1m: 0.2}]}\n",
        ),
    )
    result, found = check(make_catalog(tiered))
    mc320 = {f.message.split(":")[0]: f for f in result.findings if f.code == "MC320"}
    assert set(mc320) == {
        "input_per_1m = 0.1234567890123456789 has 19 decimal places",
        "input_per_1m = 100000000000000000000.00 is 10^20 or more",
    }, [f.message for f in result.findings]
    assert {f.severity for f in mc320.values()} == {Severity.WARNING}  # the runtime prices these exactly
    assert ("MC310", BETA, 17, 29) in found
    assert [f[1:] for f in found if f[0] == "MC320"] == [(BETA, 15, 55), (BETA, 17, 29)]  # at each price
