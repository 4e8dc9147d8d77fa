"""`modelctl reprice --charges`: totals equal the sum of Catalog.charge() over the rows (per request)
or the exact sum rounded once per account and month (per invoice)."""

from __future__ import annotations

import copy
import json
import random
from datetime import date
from decimal import ROUND_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import REPO
from modelctl import runtime
from modelctl.artifact.compile import content_of
from modelctl.cli import app
from modelctl.rules.validate import validate_catalog
from modelctl.runtime import Catalog, Usage
from modelctl.usage.charges import charges

MODELS = ("openai/gpt-6-luna", "anthropic/claude-haiku-5-5", "openai/gpt-6-sol")
FIELDS = ("timestamp", "model", "input_tokens", "output_tokens", "cached_input_tokens", "plan", "account", "subject")


@pytest.fixture(scope="module")
def content() -> dict[str, Any]:
    return content_of(validate_catalog(REPO / "catalog", today=date(2026, 11, 25)).catalog)


def _rows(n: int, seed: int = 5) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        plan = rng.choice(["pro", "team", "free", ""])
        model = rng.choice(MODELS)
        if plan == "free" and model == "openai/gpt-6-sol":
            model = "openai/gpt-6-luna"
        if plan == "" and model == "anthropic/claude-haiku-5-5":
            model = "openai/gpt-6-sol"
        rows.append(
            {
                "timestamp": f"2026-{rng.choice([10, 11])}-{rng.randint(15, 28):02d}T{rng.randint(0, 23):02d}:00:00Z",
                "model": model,
                "input_tokens": rng.randint(1, 40_000),
                "output_tokens": rng.randint(0, 4_000),
                "cached_input_tokens": rng.choice([0, 0, rng.randint(0, 5_000)]),
                "plan": plan,
                "account": "acme-bank" if plan == "" else "",
                "subject": f"user-{rng.randrange(40)}",
            }
        )
    return rows


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps({k: v for k, v in r.items() if v != ""}) + "\n" for r in rows))
    else:
        path.write_text(",".join(FIELDS) + "\n" + "".join(",".join(str(r[f]) for f in FIELDS) + "\n" for r in rows))
    return path


def _usage(r: dict[str, Any]) -> Usage:
    return Usage(
        input_tokens=r["input_tokens"], output_tokens=r["output_tokens"], cached_input_tokens=r["cached_input_tokens"]
    )


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_per_request_totals_equal_the_sum_of_charge_calls(content: dict[str, Any], tmp_path: Path, suffix: str) -> None:
    cat = Catalog.from_content(copy.deepcopy(content))
    rows = _rows(3_000)
    result = charges(_write(tmp_path / f"usage{suffix}", rows), cat, group_by=("account", "plan"))
    assert result.error_count == 0 and result.rows_charged == 3_000
    expected: dict[tuple[str, str], list[Decimal]] = {}
    units: dict[str, Decimal] = {}
    for r in rows:
        charge = cat.charge(
            r["model"], _usage(r), plan=r["plan"] or None, account=r["account"] or None, at=r["timestamp"]
        )
        key = (r["account"], charge.plan)
        acc = expected.setdefault(key, [Decimal(0), Decimal(0), Decimal(0)])
        acc[0] += charge.amount
        acc[1] += charge.exact
        acc[2] += charge.cost.total
        units[charge.unit] = units.get(charge.unit, Decimal(0)) + charge.amount
    got = {g.key: [g.amount, g.exact, g.cost] for g in result.groups}
    assert got == expected
    assert result.totals == units
    assert (result.first_day, result.last_day) == (
        min(date.fromisoformat(r["timestamp"][:10]) for r in rows),
        max(date.fromisoformat(r["timestamp"][:10]) for r in rows),
    )


def test_per_invoice_rounds_once_per_account_and_month(content: dict[str, Any], tmp_path: Path) -> None:
    doc = copy.deepcopy(content)
    doc["plans"]["pro"]["rounding"] = {"decimals": 0, "mode": "up", "per": "invoice"}  # whole credits, up
    cat = Catalog.from_content(doc)
    rows = [r for r in _rows(2_000, seed=9) if r["plan"] == "pro"]
    result = charges(_write(tmp_path / "usage.csv", rows), cat, group_by=("plan",))
    (group,) = result.groups
    exact_by_month: dict[str, Decimal] = {}
    per_request = Decimal(0)
    for r in rows:
        charge = cat.charge(r["model"], _usage(r), plan="pro", at=r["timestamp"])
        exact_by_month[r["timestamp"][:7]] = exact_by_month.get(r["timestamp"][:7], Decimal(0)) + charge.exact
        per_request += charge.amount  # charge() still rounds each request
    invoiced = sum((e.quantize(Decimal(1), rounding=ROUND_UP) for e in exact_by_month.values()), Decimal(0))
    assert len(exact_by_month) == 2  # October and November: two invoices
    assert group.amount == invoiced and group.per == "invoice" and result.totals == {"credits": invoiced}
    assert group.exact == sum(exact_by_month.values())
    assert invoiced < per_request  # rounding 1,000+ requests up one by one costs the customer more


def test_dated_contract_terms_apply_by_day(content: dict[str, Any], tmp_path: Path) -> None:
    doc = copy.deepcopy(content)
    pricing = doc["accounts"]["acme-bank"]["pricing"]
    pricing[0] = {**pricing[0], "effective_from": "2026-03-01", "until": "2026-10-31"}
    pricing.insert(1, {"model": "openai/gpt-6-sol", "prices": {"input_per_1m": "1.00"}, "effective_from": "2026-11-01"})
    cat = Catalog.from_content(doc)
    rows = [
        {**_rows(1)[0], "timestamp": day, "model": "openai/gpt-6-sol", "plan": "", "account": "acme-bank"}
        for day in ("2026-10-31", "2026-11-01")
    ]
    result = charges(_write(tmp_path / "u.csv", rows), cat, group_by=("account", "month"))
    october, november = result.groups
    for group, row in zip((october, november), rows, strict=True):
        assert (
            group.exact == cat.charge("openai/gpt-6-sol", _usage(row), account="acme-bank", at=row["timestamp"]).exact
        )
    assert october.exact != november.exact


def test_rows_that_cannot_be_charged_are_counted(content: dict[str, Any], tmp_path: Path) -> None:
    cat = Catalog.from_content(copy.deepcopy(content))
    path = tmp_path / "u.csv"
    path.write_text(
        "timestamp,model,input_tokens,plan,account\n"
        "2026-11-20,openai/gpt-6-luna,10,pro,\n"
        "2026-11-20,openai/gpt-6-luna,10,,nobody\n"
        "2026-11-20,openai/gpt-6-luna,10,,\n"
        "2026-11-20,openai/nope,10,pro,\n"
        "2026-11-20,openai/gpt-6-luna,-3,pro,\n"
    )
    result = charges(path, cat)
    assert (result.rows_read, result.rows_charged, result.error_count) == (5, 1, 4)
    messages = dict(result.errors)
    assert "unknown account 'nobody'" in messages[3] and "no plan or account" in messages[4]
    assert "unknown model" in messages[5] and "negative" in messages[6]
    assert charges(path, cat, plan="free").rows_charged == 2  # --plan for rows that name none


def test_cli_charges(tmp_path: Path) -> None:
    path = _write(tmp_path / "u.csv", _rows(50))
    runner = CliRunner()
    args = ["reprice", str(path), "--charges", "--catalog", str(REPO / "catalog")]
    out = runner.invoke(app, [*args, "-f", "json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert doc["group_by"] == ["account"] and {g["unit"] for g in doc["groups"]} == {"credits", "USD"}
    assert "rows (2026-1" in out.stderr
    text = runner.invoke(app, [*args, "-g", "arm", "--rollout", "chat-default-2026-11"])
    assert text.exit_code == 0 and "openai/gpt-6-luna" in text.stdout and "total" in text.stdout
    assert runner.invoke(app, [*args, "-g", "provider"]).exit_code == 2
    assert runner.invoke(app, [*args, "--plan", "gold"]).exit_code == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("timestamp,model,input_tokens\n2026-11-20,openai/gpt-6-luna,10\n")
    failed = runner.invoke(app, ["reprice", str(bad), "--charges", "--catalog", str(REPO / "catalog")])
    assert failed.exit_code == 1 and "no plan or account" in failed.stderr


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_what_if_totals_equal_the_sum_of_charge_calls_on_the_what_if_model(
    content: dict[str, Any], tmp_path: Path, suffix: str
) -> None:
    cat = Catalog.from_content(copy.deepcopy(content))
    rows = [r for r in _rows(2_000, seed=11) if r["plan"] != "free"]  # free may not use gpt-6-sol
    targets = ("openai/gpt-6-sol", "openai/gpt-6-luna")
    result = charges(_write(tmp_path / f"usage{suffix}", rows), cat, group_by=("account", "plan"), what_if=targets)
    assert result.error_count == 0 and not result.failed
    plain = charges(tmp_path / f"usage{suffix}", cat, group_by=("account", "plan"))
    assert [(g.key, g.amount) for g in result.groups] == [(g.key, g.amount) for g in plain.groups]
    for k, target in enumerate(targets):
        expected: dict[tuple[str, str], list[Decimal]] = {}
        for r in rows:
            charge = cat.charge(
                target, _usage(r), plan=r["plan"] or None, account=r["account"] or None, at=r["timestamp"]
            )
            acc = expected.setdefault((r["account"], charge.plan), [Decimal(0), Decimal(0), Decimal(0)])
            acc[0] += charge.amount
            acc[1] += charge.exact
            acc[2] += charge.cost.total
        got = {g.key: [g.what_if[k].amount, g.what_if[k].exact, g.what_if[k].cost] for g in result.groups}
        assert got == expected
        assert result.what_if[k].not_allowed == () and result.what_if[k].failed == 0
    # acme-bank's negotiated gpt-6-sol prices (1.60 / 8.00) apply on the what-if model too
    (bank,) = [g for g in result.groups if g.key == ("acme-bank", "enterprise")]
    assert bank.what_if[0].exact < bank.what_if[0].cost * Decimal("1.10")


def test_default_account_charges_rows_that_name_none(content: dict[str, Any], tmp_path: Path) -> None:
    cat = Catalog.from_content(copy.deepcopy(content))
    path = tmp_path / "u.csv"
    path.write_text("timestamp,model,input_tokens,output_tokens\n2026-11-20,openai/gpt-6-sol,100000,10000\n")
    result = charges(path, cat, account="acme-bank", group_by=("account", "plan"))
    (group,) = result.groups
    # acme-bank's contract: 1.60 per 1M input, 8.00 per 1M output = 0.16 + 0.08, in USD (enterprise)
    assert (group.key, group.unit, group.amount) == (("acme-bank", "enterprise"), "USD", Decimal("0.24"))


def test_rows_cost_refuses_are_not_charged_either(content: dict[str, Any], tmp_path: Path) -> None:
    """What ``cost()`` (so ``charge()``) refuses, charges refuse too, on the row's model and on a
    what-if model: more input than the model takes per request, a modality it does not accept."""
    cat = Catalog.from_content(copy.deepcopy(content))
    limit = cat.model("openai/gpt-6-sol").data["limits"]
    most = limit.get("max_input_tokens") or limit["context_window"]
    path = tmp_path / "u.csv"
    path.write_text(
        "timestamp,model,plan,input_tokens,input_audio_tokens,requests\n"
        f"2026-11-20,openai/gpt-6-sol,pro,{most + 1},0,1\n"  # one token too many
        f"2026-11-20,openai/gpt-6-sol,pro,{most + 1},0,2\n"  # two requests: fits
        "2026-11-20,openai/gpt-6-luna,pro,1000,0,1\n"
    )
    with pytest.raises(runtime.UnsupportedUsageError):
        cat.charge("openai/gpt-6-sol", Usage(input_tokens=most + 1), plan="pro", at="2026-11-20")
    small = cat.model("openai/gpt-4o-mini").data["limits"]["context_window"]
    assert small * 2 < most + 1  # line 3 fits gpt-6-sol in two requests, not gpt-4o-mini
    result = charges(path, cat, what_if=("openai/gpt-4o-mini",))
    assert (result.rows_charged, result.error_count) == (2, 1)
    ((line, why),) = result.errors
    assert line == 2 and "does not take that much input" in why and f"above its limit of {most:,}" in why
    assert result.what_if[0].failed == 1  # line 2 is not charged at all, so not on the what-if model either
    ((line, model, why),) = result.what_if_errors
    assert (line, model) == (3, "openai/gpt-4o-mini") and f"above its limit of {small:,}" in why
    audio = tmp_path / "a.csv"
    audio.write_text("timestamp,model,plan,input_tokens,input_audio_tokens\n2026-11-20,openai/gpt-6-luna,pro,10,10\n")
    refused = charges(audio, cat)
    with pytest.raises(runtime.CatalogError) as exc:
        cat.charge("openai/gpt-6-luna", Usage(input_tokens=10, input_audio_tokens=10), plan="pro", at="2026-11-20")
    assert refused.error_count == 1 and refused.errors[0][1] == str(exc.value)


WINDOW_ROWS = (
    ("2026-11-20T02:00:00Z", "50.4"),  # a Friday, 02:00 UTC: peak, 0.30 / 1.20 per 1M
    ("2026-11-20T12:00:00Z", "25.2"),  # 12:00: off-peak, 0.15 / 0.60
    ("2026-11-20T03:30:00+05:00", "25.2"),  # Thursday 22:30 UTC: off-peak
    ("2026-11-21", "50.4"),  # a date alone: the base price (as cost(at=date))
)


@pytest.mark.parametrize("as_what_if", [False, True], ids=["own-model", "what-if"])
def test_a_row_with_a_time_is_charged_in_the_window_in_force(
    content: dict[str, Any], tmp_path: Path, as_what_if: bool
) -> None:
    """deepseek-v4-flash on pro: 100,000 input + 10,000 output tokens are 0.042 USD at peak, 0.021
    off-peak; x 1.20 x 1000 credits: 50.4 and 25.2 (as charge(at=...) says, row by row)."""
    cat = Catalog.from_content(copy.deepcopy(content))
    flash = "deepseek/deepseek-v4-flash"
    model = "openai/gpt-6-luna" if as_what_if else flash
    path = tmp_path / "u.csv"
    path.write_text(
        "timestamp,model,plan,input_tokens,output_tokens\n"
        + "".join(f"{ts},{model},pro,100000,10000\n" for ts, _ in WINDOW_ROWS)
    )
    result = charges(path, cat, group_by=("month",), what_if=(flash,) if as_what_if else ())
    assert not result.failed
    (group,) = result.groups
    amount = group.what_if[0].amount if as_what_if else group.amount
    usage = Usage(input_tokens=100_000, output_tokens=10_000)
    expected = [cat.charge(flash, usage, plan="pro", at=ts).amount for ts, _ in WINDOW_ROWS]
    assert expected == [Decimal(x) for _, x in WINDOW_ROWS]
    assert amount == sum(expected) == Decimal("151.2")
    assert result.first_day == date(2026, 11, 19)


def test_a_json_count_written_as_a_string_is_an_unchargeable_row_saying_so(
    content: dict[str, Any], tmp_path: Path
) -> None:
    # the same words as plain reprice, in both engines (tests/interop/test_reprice_duckdb.py)
    cat = Catalog.from_content(copy.deepcopy(content))
    rows = _rows(3)
    rows[1] = {**rows[1], "input_tokens": "1200"}
    result = charges(_write(tmp_path / "usage.jsonl", rows), cat, group_by=("account",))
    assert result.rows_charged == 2 and result.error_count == 1
    assert result.errors == ((2, "input_tokens '1200' is text, not a number: write a JSON count without quotes"),)


def test_a_json_subject_that_is_not_a_string_groups_as_its_json_text(tmp_path: Path) -> None:
    """Found by bench/fuzz_usage.py: plain reprice grouped a JSON `false` as Python spells it
    ('False'), --charges left `false` and `0` out (''), the duckdb engine read the JSON text
    ('false'): one rule now, the JSON text (usage.files.json_text)."""
    from modelctl.query.opening import open_catalog
    from modelctl.usage.reprice import reprice

    cat = open_catalog(REPO / "catalog").catalog
    row = {"timestamp": "2026-11-20", "model": "openai/gpt-6-luna", "input_tokens": 10, "plan": "pro"}
    values: list[Any] = [False, 0, 12, {"a": 1}, "x", None]
    path = tmp_path / "u.jsonl"
    path.write_text("".join(json.dumps({**row, "subject": v}) + "\n" for v in values), encoding="utf-8")
    expected = sorted(["false", "0", "12", '{"a":1}', "x", ""])
    assert sorted(g.key[0] for g in charges(path, cat, group_by=["subject"]).groups) == expected
    assert sorted(g.key[0] for g in reprice(path, cat, group_by=["subject"]).groups) == expected
