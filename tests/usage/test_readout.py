"""The cost half of an A/B readout: reprice grouped by rollout and arm (usage/readout.py)."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import REPO
from modelctl.artifact.compile import content_of
from modelctl.cli import app
from modelctl.rules.validate import validate_catalog
from modelctl.runtime import Catalog, Usage
from modelctl.usage.readout import ReadoutError
from modelctl.usage.reprice import reprice

AB = "chat-default-2026-11"
MODELS = ("openai/gpt-6-luna", "anthropic/claude-haiku-5-5")


def _arm(subject: str) -> str:
    b = int.from_bytes(hashlib.sha256(f"{AB}/{subject}".encode()).digest()[:8], "big") % 10_000
    return MODELS[0] if b < 8000 else MODELS[1]  # weights 80, 20


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    result = validate_catalog(REPO / "catalog", today=date(2026, 11, 25))
    return Catalog.from_content(content_of(result.catalog))


def _rows(n: int) -> list[dict[str, Any]]:
    rng = random.Random(7)
    rows = []
    for i in range(n):
        subject = f"user-{rng.randrange(300)}"
        rows.append(
            {
                "timestamp": f"2026-11-{1 + i % 20:02d}T10:00:00Z",
                "model": rng.choice(MODELS),
                "input_tokens": rng.randrange(1, 50_000),
                "output_tokens": rng.randrange(0, 5_000),
                "subject": subject if i % 17 else "",
                "plan": "pro",
            }
        )
    return rows


def _expected(catalog: Catalog, rows: list[dict[str, Any]]) -> dict[tuple[str, str], Decimal]:
    out: dict[tuple[str, str], Decimal] = {}
    for r in rows:
        arm = _arm(r["subject"]) if r["subject"] else ""
        cost = catalog.cost(
            r["model"], Usage(input_tokens=r["input_tokens"], output_tokens=r["output_tokens"]), at=r["timestamp"][:10]
        )
        out[(arm, r["model"])] = out.get((arm, r["model"]), Decimal(0)) + cost.total
    return out


def test_subject_column_bucketed_into_arms(catalog: Catalog, tmp_path: Path) -> None:
    rows = _rows(2_000)
    path = tmp_path / "usage.csv"
    lines = ["timestamp,model,input_tokens,output_tokens,subject,plan"]
    lines += [
        ",".join(str(r[k]) for k in ("timestamp", "model", "input_tokens", "output_tokens", "subject", "plan"))
        for r in rows
    ]
    path.write_text("\n".join(lines) + "\n")
    result = reprice(path, catalog, group_by=("rollout", "arm", "model"), rollout=AB)
    got = {(g.key[1], g.key[2]): g.cost for g in result.groups}
    assert got == _expected(catalog, rows)
    assert {g.key[0] for g in result.groups} == {AB}
    assert result.rows_priced == 2_000 and not result.failed


def test_arm_column_as_logged(catalog: Catalog, tmp_path: Path) -> None:
    rows = _rows(500)
    path = tmp_path / "usage.jsonl"
    with path.open("w") as fh:
        for r in rows:
            logged = {**r, "rollout": AB, "arm": _arm(r["subject"]) if r["subject"] else ""}
            del logged["subject"]
            fh.write(json.dumps(logged) + "\n")
    result = reprice(path, catalog, group_by=("arm", "model"))
    assert {(g.key[0], g.key[1]): g.cost for g in result.groups} == _expected(catalog, rows)


def test_grouping_by_arm_needs_an_arm_or_a_subject_and_a_rollout(catalog: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_text("timestamp,model,input_tokens,subject\n2026-11-01,openai/gpt-6-luna,10,u1\n")
    with pytest.raises(ReadoutError, match="--rollout"):
        reprice(path, catalog, group_by=("arm",))
    with pytest.raises(ReadoutError, match="no plan has a rollout 'nope'"):
        reprice(path, catalog, group_by=("arm",), rollout="nope")
    plain = tmp_path / "p.csv"
    plain.write_text("timestamp,model,input_tokens\n2026-11-01,openai/gpt-6-luna,10\n")
    with pytest.raises(ReadoutError, match="subject"):
        reprice(plain, catalog, group_by=("arm",), rollout=AB)
    cli = CliRunner().invoke(app, ["reprice", str(path), "-g", "arm", "--catalog", str(REPO / "catalog")])
    assert cli.exit_code == 2 and "--rollout" in cli.stderr


def test_cli_readout_side_by_side(tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_text(
        "timestamp,model,input_tokens,output_tokens,subject,plan\n"
        "2026-11-20,openai/gpt-6-luna,1000,200,account-1,pro\n"  # bucket 4130: first variant
        "2026-11-20,anthropic/claude-haiku-5-5,1000,200,account-4,pro\n"  # bucket 9631: second variant
    )
    cli = CliRunner().invoke(
        app,
        [
            "reprice",
            str(path),
            "-g",
            "arm",
            "-g",
            "model",
            "--rollout",
            AB,
            "--catalog",
            str(REPO / "catalog"),
            "-f",
            "json",
        ],
    )
    assert cli.exit_code == 0, cli.output
    groups = {(g["arm"], g["model"]) for g in json.loads(cli.stdout)["groups"]}
    assert groups == {(MODELS[0], MODELS[0]), (MODELS[1], MODELS[1])}


def test_json_lines_whose_first_row_has_no_plan_are_bucketed_as_csv(catalog: Catalog, tmp_path: Path) -> None:
    """The arm is computed within the row's plan; a JSON Lines row may leave a key out, and the plan and
    account were read only when the first row had them: here every row was put in no arm ("-"), where
    the same rows as CSV (an empty first plan cell) have 'in' and 'out' (the rollout is in two plans)."""
    launch = "gpt-6-1-sol-launch"  # pro (10%) and team (50%)
    base = {"timestamp": "2026-11-20T10:00:00Z", "model": "openai/gpt-6-luna", "input_tokens": 1000}
    rows = [{**base, "subject": "first"}] + [{**base, "subject": f"u-{i}", "plan": "team"} for i in range(40)]
    jsonl, csv_path = tmp_path / "u.jsonl", tmp_path / "u.csv"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows))
    header = ("timestamp", "model", "input_tokens", "subject", "plan")
    csv_path.write_text("\n".join([",".join(header)] + [",".join(str(r.get(k, "")) for k in header) for r in rows]))
    want = reprice(csv_path, catalog, group_by=("arm",), rollout=launch)
    got = reprice(jsonl, catalog, group_by=("arm",), rollout=launch)
    assert [(g.key, g.rows, g.cost) for g in got.groups] == [(g.key, g.rows, g.cost) for g in want.groups]
    assert {g.key[0] for g in got.groups} == {"", "in", "out"}
    docs = []
    for path in (csv_path, jsonl):
        args = ["reprice", str(path), "--charges", "--plan", "team", "-g", "arm", "--rollout", launch, "-f", "json"]
        cli = CliRunner().invoke(app, [*args, "--catalog", str(REPO / "catalog")])
        assert cli.exit_code == 0, cli.stderr
        docs.append([(g["arm"], g["rows"]) for g in json.loads(cli.stdout)["groups"]])
    assert docs[0] == docs[1] == [("in", 21), ("out", 20)]  # (--charges already agreed: pinned)


def test_json_lines_whose_subject_first_appears_on_a_later_row(catalog: Catalog, tmp_path: Path) -> None:
    """A JSON row leaves out what it lacks: a first row with no subject (an anonymous request) was
    read as a file with no subject at all, a usage error. The keys of the first 20,480 rows plan the
    readout now; the rows read ahead are priced as any other (the totals equal the runtime's)."""
    rows = _rows(600)
    rows[0] = {k: v for k, v in rows[0].items() if k != "subject"}
    path = tmp_path / "u.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = reprice(path, catalog, group_by=("rollout", "arm", "model"), rollout=AB)
    got = {(g.key[1], g.key[2]): g.cost for g in result.groups}
    assert got == _expected(catalog, [{**r, "subject": r.get("subject", "")} for r in rows])
    assert result.rows_priced == 600 and not result.failed
    # beyond the rows read ahead, a file with no subject stays the usage error it was
    plain = tmp_path / "p.jsonl"
    plain.write_text("".join(json.dumps({k: v for k, v in r.items() if k != "subject"}) + "\n" for r in rows))
    with pytest.raises(ReadoutError, match="subject"):
        reprice(plain, catalog, group_by=("arm",), rollout=AB)


def test_charges_plan_the_readout_by_the_rows_read_ahead_too(tmp_path: Path) -> None:
    rows = _rows(300)
    rows[0] = {k: v for k, v in rows[0].items() if k != "subject"}
    path = tmp_path / "u.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    args = ["reprice", str(path), "--charges", "--plan", "pro", "-g", "arm", "--rollout", AB, "-f", "json"]
    cli = CliRunner().invoke(app, [*args, "--catalog", str(REPO / "catalog")])
    assert cli.exit_code == 0, cli.stderr
    arms = {g["arm"]: g["rows"] for g in json.loads(cli.stdout)["groups"]}
    want: dict[str, int] = {}
    for r in rows:
        arm = _arm(r["subject"]) if r.get("subject") else ""
        want[arm] = want.get(arm, 0) + 1
    assert arms == want and sum(arms.values()) == 300


@pytest.mark.parametrize("where", [1, 2])
def test_a_json_line_nested_too_deeply_is_a_row_error_not_a_traceback(tmp_path: Path, where: int) -> None:
    # reprice --charges died with RecursionError's traceback on such a line (first or not); plain
    # reprice already made it an unpriced row
    path = tmp_path / "u.jsonl"
    good = json.dumps({"timestamp": "2026-11-20T10:00:00Z", "model": "openai/gpt-6-luna", "input_tokens": 10})
    deep = "[" * 100_000 + "]" * 100_000
    path.write_text("\n".join([deep, good] if where == 1 else [good, deep, good]) + "\n")
    for extra in ([], ["--charges", "--plan", "pro"]):
        cli = CliRunner().invoke(app, ["reprice", str(path), *extra, "--catalog", str(REPO / "catalog")])
        assert cli.exception is None or isinstance(cli.exception, SystemExit), repr(cli.exception)
        assert cli.exit_code == 1, (extra, cli.stderr)  # one row unpriced, the others priced
        assert f"line {where}" in cli.stderr and "nested too deeply" in cli.stderr, cli.stderr


def test_bytes_that_are_not_utf8_among_the_rows_read_ahead_are_exit_4(tmp_path: Path) -> None:
    path = tmp_path / "u.jsonl"
    row = b'{"timestamp":"2026-11-20T10:00:00Z","model":"openai/gpt-6-luna","input_tokens":10'
    path.write_bytes(row + b"}\n" + row + b',"subject":"\xff\xfe"}\n')
    for extra in ([], ["--charges", "--plan", "pro"]):
        args = ["reprice", str(path), *extra, "-g", "arm", "--rollout", AB, "--catalog", str(REPO / "catalog")]
        cli = CliRunner().invoke(app, args)
        assert cli.exception is None or isinstance(cli.exception, SystemExit), repr(cli.exception)
        assert cli.exit_code == 4 and "not UTF-8 text" in cli.stderr, (extra, cli.stderr)
