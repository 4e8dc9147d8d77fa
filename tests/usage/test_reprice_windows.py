"""reprice and time-of-day windows: a row with a time is priced in the window in force at that UTC
instant, exactly as ``Catalog.cost(at=datetime)``; a date alone gets the base prices.  Amounts by
hand from catalog/models/deepseek/deepseek-v4-flash.yaml: from 2026-09-10 the base (peak) is 0.30
input / 1.20 output per 1M, ``off_peak`` 0.15 / 0.60 outside 01:00-04:00 and 06:00-10:00 UTC and
all day on Saturdays and Sundays; the period from 2026-08-17 has off-peak 0.22 / 0.66 and no
weekend window.  One row of 1M input and 1M output tokens: peak 1.50, off-peak 0.75."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest

from modelctl.runtime import Catalog, CatalogError, Usage
from modelctl.usage import csv_rows
from modelctl.usage.reprice import reprice, reprice_sides

FLASH = "deepseek/deepseek-v4-flash"
M = 1_000_000
EPOCH_NOON = int(datetime(2026, 11, 25, 12, 0, tzinfo=UTC).timestamp())  # a Wednesday, off-peak

# (timestamp, variant column, expected cost of 1M in + 1M out, the variant it is billed at)
ROWS = [
    ("2026-11-25T00:59:59Z", "", "0.75", "off_peak"),  # the 10:00-01:00 window ends at 01:00
    ("2026-11-25T01:00:00Z", "", "1.50", "base"),  # end excluded: peak
    ("2026-11-25T03:59:59Z", "", "1.50", "base"),
    ("2026-11-25T04:00:00Z", "", "0.75", "off_peak"),  # start included
    ("2026-11-25T10:00:00+02:00", "", "1.50", "base"),  # 08:00 UTC: peak (10:00 local would not be)
    ("2026-11-25T09:30:00-05:00", "", "0.75", "off_peak"),  # 14:30 UTC (09:30 local would be peak)
    ("2026-11-25", "", "1.50", "base"),  # a date alone: the base prices, as cost(at=date)
    ("2026-11-28T02:00:00Z", "", "0.75", "off_peak"),  # Saturday: off-peak all day
    ("2026-11-29T23:30:00-02:00", "", "1.50", "base"),  # Monday 01:30 UTC (Sunday evening locally)
    (str(EPOCH_NOON), "", "0.75", "off_peak"),  # epoch seconds are an instant
    ("2026-11-25T02:30:00", "", "1.50", "base"),  # no offset: UTC
    ("2026-11-25T02:30:00Z", "off_peak", "0.75", "off_peak"),  # the row's own variant wins
]


def _csv(path: Path, rows: list[tuple[str, str, str]], *, variant: bool = True, tokens: int = M) -> Path:
    head = "timestamp,model,input_tokens,output_tokens" + (",variant" if variant else "")
    lines = [head] + [f"{ts},{model},{tokens},{tokens}" + (f",{v}" if variant else "") for ts, model, v in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def _at(ts: str) -> date | datetime:
    """The ``at`` the runtime is given for a row's timestamp (stdlib parsing, not reprice's)."""
    if ts.isdigit():
        return datetime.fromtimestamp(int(ts), UTC)
    if len(ts) == 10:
        return date.fromisoformat(ts)
    return datetime.fromisoformat(ts)


def test_each_row_is_priced_in_the_window_of_its_utc_instant(repo: Catalog, tmp_path: Path) -> None:
    for ts, variant, amount, billed in ROWS:
        path = _csv(tmp_path / "one.csv", [(ts, FLASH, variant)])
        result = reprice(path, repo, group_by=("variant",))
        assert result.error_count == 0, ts
        assert [(g.key, g.cost) for g in result.groups] == [((billed,), D(amount))], ts
        usage = Usage(input_tokens=M, output_tokens=M)
        assert repo.cost(FLASH, usage, at=_at(ts), variant=variant or None).total == D(amount), ts


def test_a_file_of_them_totals_by_hand(repo: Catalog, tmp_path: Path) -> None:
    path = _csv(tmp_path / "all.csv", [(ts, FLASH, v) for ts, v, _, _ in ROWS])
    result = reprice(path, repo, group_by=("variant",))
    by = {g.key[0]: (g.rows, g.cost) for g in result.groups}
    assert by == {"base": (6, D("9.00")), "off_peak": (6, D("4.50"))}
    assert result.totals == {"USD": D("13.50")}


def test_json_lines_the_same(repo: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "all.jsonl"
    lines = []
    for ts, variant, _, _ in ROWS:
        row: dict[str, object] = {"timestamp": int(ts) if ts.isdigit() else ts, "model": FLASH}
        row |= {"input_tokens": M, "output_tokens": M} | ({"variant": variant} if variant else {})
        lines.append(json.dumps(row))
    path.write_text("\n".join(lines) + "\n")
    result = reprice(path, repo, group_by=("variant",))
    assert {g.key[0]: g.cost for g in result.groups} == {"base": D("9.00"), "off_peak": D("4.50")}


def test_without_a_variant_column(repo: Catalog, tmp_path: Path) -> None:
    rows = [("2026-11-25T12:00:00Z", FLASH, ""), ("2026-11-25T02:00:00Z", FLASH, "")]
    result = reprice(_csv(tmp_path / "u.csv", rows, variant=False), repo, group_by=("variant",))
    assert {g.key[0]: g.cost for g in result.groups} == {"base": D("1.50"), "off_peak": D("0.75")}


def test_at_takes_that_days_prices_and_the_rows_own_time_and_weekday(repo: Catalog, tmp_path: Path) -> None:
    # 2026-08-22 is a Saturday in the period from 2026-08-17 (no weekend window; off-peak 0.22 / 0.66).
    rows = [("2026-08-22T02:00:00Z", FLASH, ""), ("2026-08-20T12:00:00Z", FLASH, "")]  # Thursday noon
    path = _csv(tmp_path / "u.csv", rows)
    own = reprice(path, repo, group_by=("day",))
    assert {g.key[0]: g.cost for g in own.groups} == {"2026-08-22": D("1.50"), "2026-08-20": D("0.88")}
    # at 2026-11-25's prices: the Saturday is off-peak all day (0.75), Thursday noon off-peak (0.75)
    later = reprice(path, repo, group_by=("day",), at=date(2026, 11, 25))
    assert {g.key[0]: g.cost for g in later.groups} == {"2026-08-22": D("0.75"), "2026-08-20": D("0.75")}


def test_what_if_models_get_the_same_instant(repo: Catalog, tmp_path: Path) -> None:
    # 100,000 in and out (within gpt-4o-mini's 128k context): off-peak 0.075, peak 0.15 on Flash
    rows = [("2026-11-25T12:00:00Z", "openai/gpt-4o-mini", ""), ("2026-11-25T02:00:00Z", "openai/gpt-4o-mini", "")]
    result = reprice(_csv(tmp_path / "u.csv", rows, tokens=100_000), repo, what_if=[FLASH])
    assert result.error_count == 0
    assert result.what_if[0].total == D("0.225") and result.what_if[0].failed == 0


def test_diff_sides_get_the_same_windows(repo: Catalog, tmp_path: Path) -> None:
    path = _csv(tmp_path / "all.csv", [(ts, FLASH, v) for ts, v, _, _ in ROWS])
    sides = reprice_sides(path, [repo, repo])
    assert sides.totals == ({"USD": D("13.50")}, {"USD": D("13.50")}) and sides.unpriced == (0, 0)


def test_an_alias_that_names_a_variant_is_billed_at_it(repo: Catalog, tmp_path: Path) -> None:
    # catalog/models/amazon-bedrock/claude-sonnet-4-6.yaml: eu.anthropic... names the regional variant
    rows = [
        ("2026-11-20T10:00:00Z", "amazon-bedrock/eu.anthropic.claude-sonnet-4-6", ""),
        ("2026-11-20T10:00:00Z", "amazon-bedrock/claude-sonnet-4-6", ""),
    ]
    result = reprice(_csv(tmp_path / "u.csv", rows), repo, group_by=("variant",))
    usage = Usage(input_tokens=M, output_tokens=M)
    regional = repo.cost("amazon-bedrock/eu.anthropic.claude-sonnet-4-6", usage, at="2026-11-20")
    base = repo.cost("amazon-bedrock/claude-sonnet-4-6", usage, at="2026-11-20")
    assert regional.variant == "regional" and regional.total > base.total
    assert {g.key[0]: g.cost for g in result.groups} == {"regional": regional.total, "base": base.total}


@pytest.mark.parametrize("chunk", [1, 7, 2048])
def test_random_instants_equal_the_runtime(
    repo: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """Many rows (several chunks; windowed, plain and refused rows mixed) against cost(at=...)."""
    monkeypatch.setattr(csv_rows, "CHUNK", chunk)
    rnd = random.Random(chunk)
    models = [FLASH, "deepseek/deepseek-v4-pro", "openai/gpt-4o-mini", "openai/text-embedding-3-small"]
    start = datetime(2026, 8, 10, tzinfo=UTC)
    rows, expected, refused = [], D(0), 0
    for _ in range(600):
        moment = start + timedelta(seconds=rnd.randrange(110 * 86400))
        ts = rnd.choice(
            [moment.strftime("%Y-%m-%dT%H:%M:%SZ"), moment.date().isoformat(), str(int(moment.timestamp()))]
        )
        model, tokens = rnd.choice(models), (rnd.randrange(12_000), rnd.randrange(3_000))
        if model.endswith("small"):
            tokens = (tokens[0], 0)
        rows.append(f"{ts},{model},{tokens[0]},{tokens[1]}")
        try:
            expected += repo.cost(model, Usage(input_tokens=tokens[0], output_tokens=tokens[1]), at=_at(ts)).total
        except CatalogError:
            refused += 1  # an embedding input above its limit
    path = tmp_path / "u.csv"
    path.write_text("timestamp,model,input_tokens,output_tokens\n" + "\n".join(rows) + "\n")
    result = reprice(path, repo)
    assert refused and result.totals == {"USD": expected} and result.error_count == refused
    assert reprice_sides(path, [repo]).totals == ({"USD": expected},)


@pytest.mark.parametrize("chunk", [1, 3, 2048])
def test_line_numbers_across_chunks_and_quoted_line_breaks(
    repo: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(csv_rows, "CHUNK", chunk)
    lines = [
        "timestamp,model,input_tokens,output_tokens,account",
        f"2026-11-25T12:00:00Z,{FLASH},1000,0,a",  # line 2
        f'2026-11-25T12:00:00+05:00,{FLASH},1000,0,"two\nlines"',  # lines 3-4
        f'2026-11-25T12:00:00,{FLASH},1000,0,"three\r\nmore\rlines"',  # lines 5-7
        "2026-11-25T12:00:00Z,no/such-model,1000,0,a",  # line 8: unknown model
        "",  # line 9: blank, not a row
        f"2026-11-25T12:00:00Z,{FLASH},-1,0,a",  # line 10: a negative count
        f"2026-11-25,{FLASH},1000,0,a",  # line 11
        f"2026-13-25T12:00:00Z,{FLASH},1000,0,a",  # line 12: no 13th month
        f"2026-11-25T12:00:00Z,{FLASH},1000,0",  # line 13: a field short
    ]
    path = tmp_path / "u.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode())
    result = reprice(path, repo, keep_errors=100)
    assert [e.line for e in result.errors] == [8, 10, 12, 13]
    assert result.rows_read == 8 and result.rows_priced == 4
    # 1,000 input tokens each: 0.00015 off-peak (12:00 UTC twice), 0.0003 at peak (12:00+05:00 is
    # 07:00 UTC) and at the base price (a date alone)
    assert result.totals == {"USD": D("0.00015") * 2 + D("0.0003") * 2}
