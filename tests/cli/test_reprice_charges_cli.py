"""``modelctl reprice --what-if MODEL --plan P / --account A`` (and ``--charges --what-if``): the
charges of the actual and the what-if models, every amount computed by hand from the prices in
tests/plans_helpers.py; golden files; bad input."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import MakeCatalog
from modelctl.cli import app
from plans_helpers import USAGE, plans_catalog

runner = CliRunner()
Golden = Callable[[str, str], None]
WHAT_IF = ["--what-if", "acme/beta", "--what-if", "acme/alpha"]


@pytest.fixture
def cat(make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    plans_catalog(make_catalog)
    monkeypatch.chdir(tmp_path)
    Path("usage.csv").write_text(USAGE)
    return "cat"


def _run(cat: str, *args: str) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    result = runner.invoke(app, ["reprice", "usage.csv", "--catalog", cat, "-f", "json", *args])
    return result.exit_code, json.loads(result.stdout), result.stderr


def _by_key(doc: dict, *dims: str) -> dict:  # type: ignore[type-arg]
    return {tuple(g[d] for d in dims) + (g["unit"],): g for g in doc["groups"]}


def test_what_if_with_an_account_charges_both_models_by_hand(cat: str) -> None:
    code, doc, err = _run(cat, *WHAT_IF, "--account", "bigco", "-g", "account", "-g", "plan")
    assert code == 1  # lines 4 and 6 cannot be charged on acme/beta
    groups = _by_key(doc, "account", "plan")
    # pro, line 2: 20,000 x 2.00 + 10,000 x 8.00 per 1M = 0.12 USD, x 1.20 x 1000 = 144 credits; line 6:
    # 40,000 x 2.00 = 0.08 USD, 96 credits.  On beta, line 2: 0.01 + 0.015 = 0.025 USD -> 30 credits;
    # line 6 is more input than beta's 32,000-token window: not charged on beta.
    pro = groups[("", "pro", "credits")]
    assert (pro["rows"], pro["cost"], pro["amount"]) == (2, "0.2", "240")
    assert pro["what_if"]["acme/beta"] == {
        "cost": "0.025", "charge": "0.03", "unit": "credits", "amount": "30", "exact": "30", "unpriced": 1,
    }  # fmt: skip
    assert pro["what_if"]["acme/alpha"]["amount"] == "240"
    # biz, line 3: 30,000 x 0.50 + 20,000 x 1.50 = 0.045 USD x 1.10 = 0.0495.  On alpha:
    # 30,000 x 2.00 + 20,000 x 8.00 = 0.22 USD x 1.10 = 0.242.
    biz = groups[("", "biz", "USD")]
    assert (biz["cost"], biz["amount"], biz["what_if"]["acme/beta"]["amount"]) == ("0.045", "0.0495", "0.0495")
    assert (biz["what_if"]["acme/alpha"]["cost"], biz["what_if"]["acme/alpha"]["amount"]) == ("0.22", "0.242")
    # bigco (line 4, and line 5 which names no plan or account: --account): alpha at the negotiated
    # 1.50 input.  Line 4 (batch): 50,000 x 1.50 + 5,000 x 4.00 = 0.095; line 5: 10,000 x 1.50 +
    # 1,000 x 8.00 = 0.023; 0.118 in all.  On beta, line 5 only (no batch variant): list price less
    # the 10% discount, (0.005 + 0.0015) x 1.10 x 0.90 = 0.006435.
    big = groups[("bigco", "biz", "USD")]
    assert (big["rows"], big["cost"], big["amount"]) == (2, "0.098", "0.118")
    assert big["what_if"]["acme/beta"]["amount"] == "0.006435" and big["what_if"]["acme/beta"]["unpriced"] == 1
    assert big["what_if"]["acme/alpha"]["amount"] == "0.118"
    assert doc["totals"] == {"USD": "0.1675", "credits": "240"}
    beta, alpha = doc["what_if"]
    assert beta["totals"] == {"USD": "0.055935", "credits": "30"} and beta["failed"] == 2
    assert alpha["totals"] == {"USD": "0.36", "credits": "240"} and alpha["failed"] == 0
    # charged as if allowed, and said so: pro denies deprecated models, bigco lists alpha only
    assert [(x["plan"], x["account"]) for x in beta["not_allowed"]] == [("biz", "bigco"), ("pro", None)]
    assert alpha["not_allowed"] == []
    (batch, window) = doc["what_if_errors"]
    assert batch == {"line": 4, "what_if": "acme/beta", "message": "acme/beta has no variant 'batch' (it has none)"}
    assert window["line"] == 6 and "above its limit of 32,000 per request" in window["message"]
    flat = " ".join(err.split())
    assert "plan pro denies {status: deprecated}: its charges on acme/beta are shown as if it were allowed" in flat
    assert "2 charged rows could not be charged on acme/beta" in flat


def test_plan_alone_implies_charges_and_is_the_default_of_rows_without_one(cat: str) -> None:
    code, doc, _ = _run(cat, "--what-if", "acme/alpha", "--plan", "biz", "-g", "plan")
    assert code == 0
    # line 5 on biz: (10,000 x 2.00 + 1,000 x 8.00) per 1M = 0.028 x 1.10 = 0.0308; with line 3
    # (0.0495) and line 4, bigco's own contract (0.095): 0.1753.
    (biz,) = [g for g in doc["groups"] if g["plan"] == "biz"]
    assert biz["amount"] == "0.1753" and biz["rows"] == 3


def test_per_invoice_what_if_rounds_once(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    from plans_helpers import PLANS

    plans = dict(PLANS)
    plans["plans/pro.yaml"] = (plans["plans/pro.yaml"] or "").replace(
        "rounding: {decimals: 0, mode: up}", "rounding: {decimals: 0, mode: up, per: invoice}"
    )
    cat = make_catalog(plans)
    usage = tmp_path / "u.csv"
    # 3 rows of 1,000 alpha input tokens on pro: 0.002 USD x 1.20 x 1000 = 2.4 credits each.  Per
    # invoice: 7.2, rounded up once: 8 (per request it would be 3 x 3 = 9).  On beta: 0.6 each, 1.8 -> 2.
    usage.write_text("timestamp,model,plan,input_tokens\n" + "2026-11-20,acme/alpha,pro,1000\n" * 3)
    result = runner.invoke(
        app, ["reprice", str(usage), "--catalog", str(cat), "--what-if", "acme/beta", "--charges", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    (group,) = json.loads(result.stdout)["groups"]
    assert (group["amount"], group["exact"], group["rounding"]) == ("8", "7.2", "invoice")
    assert (group["what_if"]["acme/beta"]["amount"], group["what_if"]["acme/beta"]["exact"]) == ("2", "1.8")


@pytest.mark.parametrize("fmt", ["text", "json", "csv", "markdown"])
def test_formats(cat: str, fmt: str, golden: Golden) -> None:
    result = runner.invoke(
        app, ["reprice", "usage.csv", "--catalog", cat, *WHAT_IF, "--account", "bigco", "-g", "account", "-f", fmt]
    )
    assert result.exit_code == 1, result.output
    golden(f"reprice/charges-what-if.{fmt}.{ {'text': 'txt', 'markdown': 'md'}.get(fmt, fmt) }", result.stdout)


def test_csv_is_exact_and_an_unpriced_cell_is_empty(cat: str) -> None:
    args = ["reprice", "usage.csv", "--catalog", cat, "--what-if", "acme/beta", "--charges", "-f", "csv"]
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, [*args, "-g", "account"]).stdout)))
    (big,) = [r for r in rows if r["account"] == "bigco"]  # line 4 only: no plan, no account for line 5
    assert big["charge_on_acme/beta"] == "" and big["unpriced_on_acme/beta"] == "1"
    assert big["change_on_acme/beta"] == "" and big["unit_on_acme/beta"] == ""


def test_text_never_shows_an_unpriced_row_as_a_saving(cat: str) -> None:
    result = runner.invoke(app, ["reprice", "usage.csv", "--catalog", cat, "--what-if", "acme/beta", "--charges"])
    assert result.exit_code == 1  # line 5 names no plan or account, line 4 has no batch price on beta
    bigco = next(line for line in result.stdout.splitlines() if line.startswith("bigco"))
    assert bigco.split()[-2:] == ["unpriced", "-"]
    assert "no plan or account" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--plan", "bis"], "unknown plan 'bis'; did you mean biz?", id="unknown-plan"),
        pytest.param(["--account", "bigc"], "unknown account 'bigc'; did you mean bigco?", id="unknown-account"),
        pytest.param(["--account", "zzz-nothing"], "accounts: bigco", id="unknown-account-no-close-name"),
        pytest.param(["--plan", "pro", "--account", "bigco"], "account 'bigco' is on plan 'biz', not 'pro'", id="both"),
        pytest.param(["--charges", "--at", "2026-11-25"], "--at does not combine with --charges", id="at"),
        pytest.param(["--plan", "bis", "--errors-out", "e.csv"], "unknown plan 'bis'", id="errors-out-unknown-plan"),
        pytest.param(["--charges", "-g", "day", "--errors-out", "e.csv"], "groups by account", id="errors-out-group"),
        pytest.param(["--charges", "--what-if", "acme/alpah"], "unknown model 'acme/alpah'", id="what-if"),
        pytest.param(["--plan", "pro", "-g", "variant"], "--charges groups by account", id="group-by"),
    ],
)
def test_bad_input_is_a_usage_error(cat: str, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["reprice", "usage.csv", "--catalog", cat, *args])
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.stderr.replace("│", " ").split())
    assert result.stdout == "" and not Path("e.csv").exists()


BAD_ROWS = (
    "2026-11-25,acme/nope,,pro,,1,1\n"  # line 7: an unknown model
    "2026-11-26,acme/alpha,,pro,,x,1\n"  # line 8: a count that is not one
    "2026-11-27,acme/alpha,,pro,,1\n"  # line 9: a field short
)


@pytest.mark.parametrize("what_if", [[], ["--what-if", "acme/beta"]], ids=["charges", "what-if"])
def test_errors_out_with_charges_writes_every_row_not_charged(cat: str, what_if: list[str]) -> None:
    """--charges refused --errors-out (a usage error) while the other row-reading modes take it: the rows
    that cannot be charged, on their model or on a what-if model, are written as plain reprice writes
    them (line, what_if, message, row), all of them, whatever --show-errors lists."""
    Path("usage.csv").write_text(USAGE + BAD_ROWS)
    base = ["reprice", "usage.csv", "--catalog", cat, "--charges", *what_if]
    listed = runner.invoke(app, [*base, "-f", "json", "--show-errors", "100"])
    assert listed.exit_code == 1, listed.output
    doc = json.loads(listed.stdout)
    want = [(e["line"], "", e["message"]) for e in doc["errors"]]
    want += [(e["line"], e["what_if"], e["message"]) for e in doc.get("what_if_errors", [])]
    assert {line for line, _, _ in want} >= {5, 7, 8, 9} and (len(want) == 6) == bool(what_if)
    result = runner.invoke(app, [*base, "--show-errors", "1", "--errors-out", "e.csv"])
    assert result.exit_code == 1, result.output
    text = Path("e.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "line,what_if,message,row"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(int(r["line"]), r["what_if"], r["message"]) for r in rows] == sorted(want)  # file order
    row = {int(r["line"]): r["row"] for r in rows if not r["what_if"]}
    assert row[7] == "2026-11-25,acme/nope,,pro,,1,1" and row[9] == "2026-11-27,acme/alpha,,pro,,1"
    assert row[5] == USAGE.splitlines()[4]  # names no plan or account
    assert f"... and {len(want) - (2 if what_if else 1):,} more: all are in e.csv" in result.stderr
    without = runner.invoke(app, [*base, "--show-errors", "1"])
    assert "more: write them all with --errors-out FILE" in without.stderr


def test_errors_out_with_charges_on_json_lines_keeps_each_line_as_written(cat: str) -> None:
    lines = ['{"timestamp": "2026-11-20", "model": "acme/alpha", "plan": "pro", "input_tokens": 10}', "[1, 2]"]
    lines.append('{"timestamp": "yesterday", "model": "acme/alpha", "plan": "pro", "input_tokens": 10}')
    Path("usage.jsonl").write_text("\n".join(lines) + "\n")
    result = runner.invoke(app, ["reprice", "usage.jsonl", "--catalog", cat, "--plan", "pro", "--errors-out", "e.csv"])
    assert result.exit_code == 1, result.output
    rows = list(csv.DictReader(io.StringIO(Path("e.csv").read_text(encoding="utf-8"))))
    assert [(r["line"], r["row"]) for r in rows] == [("2", lines[1]), ("3", lines[2])]
    assert rows[0]["message"] == "not a JSON object" and "'yesterday' is not an ISO date" in rows[1]["message"]


TOO_LARGE = [(10, 1), (10, 2**64 - 1), (10, 2**64), (10**30, 1), (3, 4)]  # (input, output) tokens


def _too_large(suffix: str) -> None:
    rows = [("2026-11-20T10:00:00Z", i, o) for i, o in TOO_LARGE]
    if suffix == ".csv":
        text = "timestamp,model,plan,input_tokens,output_tokens\n"
        text += "".join(f"{ts},acme/alpha,pro,{i},{o}\n" for ts, i, o in rows)
    else:
        objects = [{"timestamp": ts, "model": "acme/alpha", "plan": "pro", "input_tokens": i, "output_tokens": o}
                   for ts, i, o in rows]  # fmt: skip
        text = "".join(json.dumps(obj) + "\n" for obj in objects)
    Path(f"usage{suffix}").write_text(text)


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
@pytest.mark.parametrize("what_if", [[], ["--what-if", "acme/alpha"]], ids=["charges", "what-if"])
def test_charges_refuse_a_count_of_2_to_the_64_as_plain_reprice_does(cat: str, suffix: str, what_if: list[str]) -> None:
    """--charges charged 2**64 and 10**30 tokens, which plain reprice and --engine duckdb refuse (a
    count is a whole number from 0 to 2**64 - 1): now the same rows fail, with the same line and
    words, the same counts and exit code, in --errors-out too (CSV: the columnar and, with
    --what-if, the row-by-row path; JSON Lines)."""
    _too_large(suffix)
    base = ["reprice", f"usage{suffix}", "--catalog", cat, "-f", "json", "--errors-out", "e.csv"]
    plain = runner.invoke(app, base)
    charged = runner.invoke(app, [*base[:-2], "--errors-out", "c.csv", "--plan", "pro", *what_if])
    assert (plain.exit_code, charged.exit_code) == (1, 1), charged.output
    p, c = json.loads(plain.stdout), json.loads(charged.stdout)
    quote, line = ("'", 4) if suffix == ".csv" else ("", 3)  # a CSV file's header is line 1
    want = [
        (line, f"output_tokens {quote}{2**64}{quote} is too large for a token count"),
        (line + 1, f"input_tokens {quote}{10**30}{quote} is too large for a token count"),
    ]
    assert [(e["line"], e["message"]) for e in p["errors"]] == want
    assert [(e["line"], e["message"]) for e in c["errors"]] == want
    assert c.get("what_if_errors", []) == []  # a row not charged is not charged on a what-if model either
    assert (p["rows"]["failed"], c["rows"]) == (2, {"read": 5, "charged": 3, "failed": 2})
    assert "2 could not be charged" in charged.stderr
    plain_out = list(csv.DictReader(io.StringIO(Path("e.csv").read_text(encoding="utf-8"))))
    charged_out = list(csv.DictReader(io.StringIO(Path("c.csv").read_text(encoding="utf-8"))))
    assert charged_out == plain_out and [int(r["line"]) for r in charged_out] == [line, line + 1]


def test_errors_out_naming_the_usage_file_is_refused_with_charges_too(cat: str) -> None:
    result = runner.invoke(app, ["reprice", "usage.csv", "--catalog", cat, "--charges", "--errors-out", "usage.csv"])
    assert result.exit_code == 2 and "is the usage file itself" in " ".join(result.stderr.replace("│", " ").split())
    assert Path("usage.csv").read_text() == USAGE


EURO = {
    "providers/euro.yaml": """\
        # yaml-language-server: $schema=../../schema/provider.schema.json
        id: euro
        name: Euro AI
        kind: lab
        currency: EUR
        """,
    "models/euro/eins.yaml": """\
        # yaml-language-server: $schema=../../../schema/model.schema.json
        id: eins
        name: Eins
        status: active
        released: 2025-01-01
        limits: {context_window: 200000}
        modalities: {input: [text], output: [text]}
        pricing:
          - effective_from: 2025-01-01
            source: https://euro.example/pricing
            checked: 2026-11-01
            input_per_1m: 1.00
            output_per_1m: 2.00
        """,
}


def test_a_what_if_model_in_another_currency(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    from plans_helpers import PLANS

    cat = make_catalog({**PLANS, **EURO})
    usage = tmp_path / "u.csv"
    usage.write_text(
        "timestamp,model,plan,input_tokens,output_tokens\n"
        "2026-11-20,acme/alpha,biz,10000,1000\n"  # biz charges the model's currency: EUR on eins
        "2026-11-20,acme/alpha,pro,10000,1000\n"  # pro converts USD to credits: eins cannot be charged
    )
    args = ["reprice", str(usage), "--catalog", str(cat), "--what-if", "euro/eins", "-g", "plan", "--charges"]
    result = runner.invoke(app, [*args, "-f", "json"])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    groups = {g["plan"]: g for g in doc["groups"]}
    # biz: (10,000 x 1.00 + 1,000 x 2.00) per 1M = 0.012 EUR x 1.10 = 0.0132 EUR, against 0.0308 USD
    assert groups["biz"]["what_if"]["euro/eins"] == {
        "cost": "0.012", "charge": "0.0132", "unit": "EUR", "amount": "0.0132", "exact": "0.0132", "unpriced": 0,
    }  # fmt: skip
    assert groups["pro"]["what_if"]["euro/eins"]["amount"] is None
    assert doc["what_if"][0]["totals"] == {"EUR": "0.0132"}
    assert "is priced in EUR: plan pro converts USD to credits" in doc["what_if_errors"][0]["message"]
    text = runner.invoke(app, args).stdout
    biz = next(line for line in text.splitlines() if line.startswith("biz"))
    assert biz.split()[-3:] == ["0.0132", "EUR", "-"]  # no change in percent across currencies


def _with_columns(usage: str, **extra: str) -> str:
    """USAGE with more columns, the same value on every row."""
    lines = usage.splitlines()
    head = ",".join([lines[0], *extra])
    return "\n".join([head, *(",".join([line, *extra.values()]) for line in lines[1:])]) + "\n"


def test_charges_name_the_columns_they_ignore_on_stderr_only(cat: str) -> None:
    # They were ignored silently: a `cost_usd` or `user` column looks as if it were used.
    Path("usage.csv").write_text(_with_columns(USAGE, request_id="r-1", subject="u-7", cost_usd="0.5"))
    code, doc, err = _run(cat, "--charges", "--plan", "pro")
    assert code == 0, err
    assert "ignored columns (not usage fields): request_id, cost_usd" in err
    assert "ignored columns (not read for this --group-by): subject" in err
    assert "ignored" not in json.dumps(doc)  # the machine output is as before
    code, doc, err = _run(cat, "--charges", "--plan", "pro", "-g", "subject")
    assert code == 0 and "request_id, cost_usd" in err and "not read for this --group-by" not in err
    assert [g["subject"] for g in doc["groups"]] == ["u-7"] * len(doc["groups"])


def _charges_on_jsonl(cat: str, extra: Callable[[int], dict[str, object]]) -> tuple[Any, int]:
    """USAGE's rows as usage.jsonl, row k with ``extra(k)``'s keys added, charged on plan pro (JSON):
    the result and the number of rows."""
    rows = list(csv.DictReader(io.StringIO(USAGE)))
    lines = []
    for k, row in enumerate(rows):
        item: dict[str, object] = {key: v for key, v in row.items() if v}
        item["input_tokens"], item["output_tokens"] = int(row["input_tokens"]), int(row["output_tokens"])
        lines.append(json.dumps({**item, **extra(k)}))
    Path("usage.jsonl").write_text("\n".join(lines) + "\n")
    argv = ["reprice", "usage.jsonl", "--catalog", cat, "--charges", "--plan", "pro", "-f", "json"]
    return runner.invoke(app, argv), len(rows)


def test_charges_on_json_lines_name_the_first_rows_unknown_keys(cat: str) -> None:
    result, rows = _charges_on_jsonl(cat, lambda k: {"latency_ms": 120, "user": "u-7"})
    assert result.exit_code == 0, result.stderr
    assert "ignored columns (not usage fields): latency_ms, user" in result.stderr
    assert json.loads(result.stdout)["rows"]["charged"] == rows


def test_charges_say_nothing_of_columns_when_every_one_is_read(cat: str) -> None:
    code, _, err = _run(cat, "--charges", "--plan", "pro")
    assert code == 0 and "ignored" not in err


def test_charges_on_json_lines_name_unknown_keys_of_later_rows_too(cat: str) -> None:
    # They named the first row's keys only, as Python reprice did: a key first seen on line 2 was never said.
    result, rows = _charges_on_jsonl(cat, lambda k: {"latency_ms": 120} if k == 1 else {})
    assert rows > 1
    assert result.exit_code == 0, result.stderr
    assert "ignored columns (not usage fields): latency_ms" in result.stderr
    assert json.loads(result.stdout)["rows"]["charged"] == rows
