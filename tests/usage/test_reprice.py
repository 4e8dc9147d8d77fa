"""reprice: totals equal the runtime's costs to the last digit; bad rows are
counted and listed with their lines; headers, formats and groupings."""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import MINI, write_catalog
from everyday_helpers import EXTRA, runtime_of
from modelctl import runtime
from modelctl.usage.reprice import RowError, UsageFileError, reprice

FIELDS = ["input_tokens", "output_tokens", "cached_input_tokens", "cache_write_tokens", "reasoning_tokens", "requests"]
NAMES = ["acme/alpha", "alpha-2025-01-01", "acme/beta", "acme/delta", "acme/gamma", "zeta/alpha", "ACME/Delta"]


@pytest.fixture(scope="module")
def cat(tmp_path_factory: pytest.TempPathFactory) -> Iterator[runtime.Catalog]:
    mp = pytest.MonkeyPatch()
    mp.setenv("MODELCTL_TODAY", "2026-11-25")
    root = write_catalog(tmp_path_factory.mktemp("cat") / "cat", {**MINI, **EXTRA})
    yield runtime_of(root)
    mp.undo()


def _rows(n: int, seed: int) -> list[dict[str, object]]:
    rnd = random.Random(seed)
    rows = []
    for _ in range(n):
        day = date(2024, 12, 1) + timedelta(days=rnd.randrange(760))
        counts = {f: rnd.choice([0, rnd.randrange(1, 50_000)]) for f in FIELDS[:5]}
        if rnd.random() < 0.2:
            counts["input_tokens"] = rnd.randrange(100_000, 190_000)  # above alpha's 128k tier
        counts["requests"] = rnd.choice([1, 1, 2])
        rows.append(
            {
                "timestamp": f"{day.isoformat()}T{rnd.randrange(24):02d}:{rnd.randrange(60):02d}:00Z",
                "model": rnd.choice(NAMES),
                "variant": rnd.choice(["", "", "batch"]),
                "account": rnd.choice(["a1", "a2"]),
                **counts,
            }
        )
    return rows


def _write_csv(path: Path, rows: list[dict[str, object]], columns: list[str]) -> Path:
    lines = [",".join(columns)] + [",".join(str(r[c]) for c in columns) for r in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def _expected(cat: runtime.Catalog, rows: list[dict[str, object]], model: str | None = None) -> tuple[Decimal, int]:
    total, priced = Decimal(0), 0
    for r in rows:
        usage = runtime.Usage(**{f: int(r.get(f, 1 if f == "requests" else 0)) for f in FIELDS})  # type: ignore[call-overload]
        try:
            cost = cat.cost(model or str(r["model"]), usage, at=str(r["timestamp"]), variant=str(r["variant"]) or None)
        except runtime.CatalogError:
            continue
        total += cost.total
        priced += 1
    return total, priced


def test_totals_equal_the_sum_of_runtime_costs(cat: runtime.Catalog, tmp_path: Path) -> None:
    rows = _rows(3000, seed=1)
    path = _write_csv(tmp_path / "u.csv", rows, ["timestamp", "model", "variant", "account", *FIELDS])
    result = reprice(path, cat)
    total, priced = _expected(cat, rows)
    assert result.totals == {"USD": total}
    assert result.rows_priced == priced and result.rows_read == 3000
    assert result.error_count == 3000 - priced > 0  # gamma with output tokens, acme/beta batch, ...
    assert sum(g.cost for g in result.groups) == total
    assert sum(g.tokens["input_tokens"] for g in result.groups) == sum(
        int(r["input_tokens"])
        for r in rows
        if _expected(cat, [r])[1]  # type: ignore[call-overload]
    )


def test_implicit_requests_pay_the_per_request_fee(cat: runtime.Catalog, tmp_path: Path) -> None:
    rows = _rows(500, seed=2)
    for r in rows:
        r["requests"] = 1
    path = _write_csv(tmp_path / "u.csv", rows, ["timestamp", "model", "variant", *FIELDS[:5]])  # no requests column
    result = reprice(path, cat, group_by=["model"])
    assert result.totals == {"USD": _expected(cat, rows)[0]}
    delta = next(g for g in result.groups if g.key == ("acme/delta",))
    assert delta.cost > 0


def test_jsonl_gives_the_same_totals_as_csv(cat: runtime.Catalog, tmp_path: Path) -> None:
    rows = _rows(800, seed=3)
    csv_path = _write_csv(tmp_path / "u.csv", rows, ["timestamp", "model", "variant", "account", *FIELDS])
    jsonl = tmp_path / "u.jsonl"
    jsonl.write_text("".join(json.dumps({k: v for k, v in r.items() if v != ""}) + "\n" for r in rows))
    a, b = reprice(csv_path, cat, group_by=["account", "day"]), reprice(jsonl, cat, group_by=["account", "day"])
    assert a.totals == b.totals and a.error_count == b.error_count
    assert [(g.key, g.rows, g.cost) for g in a.groups] == [(g.key, g.rows, g.cost) for g in b.groups]
    assert b.format == "jsonl" and a.format == "csv"


def test_group_by_every_dimension(cat: runtime.Catalog, tmp_path: Path) -> None:
    rows = _rows(600, seed=4)
    path = _write_csv(tmp_path / "u.csv", rows, ["timestamp", "model", "variant", "account", *FIELDS])
    whole = reprice(path, cat).totals["USD"]
    for dims in (
        ["model"],
        ["provider"],
        ["day"],
        ["month"],
        ["account"],
        ["variant"],
        ["plan"],
        ["provider", "month"],
    ):
        result = reprice(path, cat, group_by=dims)
        assert result.totals["USD"] == whole, dims
        assert all(len(g.key) == len(dims) for g in result.groups)
    keys = {g.key for g in reprice(path, cat, group_by=["variant", "account"]).groups}
    assert keys == {("base", "a1"), ("base", "a2"), ("batch", "a1"), ("batch", "a2")}
    assert {g.key for g in reprice(path, cat, group_by=["plan"]).groups} == {("",)}  # no plan column
    months = [g.key[0] for g in reprice(path, cat, group_by=["month"]).groups]
    assert months == sorted(months) and all(len(m) == 7 for m in months)
    with pytest.raises(ValueError, match="cannot group by"):
        reprice(path, cat, group_by=["colour"])


def test_what_if_prices_the_same_rows_on_another_model(cat: runtime.Catalog, tmp_path: Path) -> None:
    rows = _rows(700, seed=5)
    path = _write_csv(tmp_path / "u.csv", rows, ["timestamp", "model", "variant", "account", *FIELDS])
    result = reprice(path, cat, what_if=["zeta/alpha", "acme/delta"])
    priced_rows = [r for r in rows if _expected(cat, [r])[1]]
    for w, ref in enumerate(["zeta/alpha", "acme/delta"]):
        expected, ok = _expected(cat, priced_rows, model=ref)
        assert result.what_if[w].total == expected
        assert result.what_if[w].failed == len(priced_rows) - ok
        assert sum(g.what_if[w] for g in result.groups) == expected
    assert result.what_if[1].failed > 0  # acme/delta has no batch variant
    assert any(e.what_if == "acme/delta" for e in result.errors) or result.error_count >= 10
    assert result.failed


def test_at_prices_every_row_on_one_day(cat: runtime.Catalog, tmp_path: Path) -> None:
    rows = _rows(300, seed=6)
    path = _write_csv(tmp_path / "u.csv", rows, ["timestamp", "model", "variant", "account", *FIELDS])
    result = reprice(path, cat, at=date(2026, 11, 25), group_by=["day"])
    moved = [{**r, "timestamp": "2026-11-25"} for r in rows]
    assert result.totals == {"USD": _expected(cat, moved)[0]}
    assert len(result.groups) > 1  # still grouped by each row's own day


def test_bad_rows_are_counted_and_listed_with_their_lines(cat: runtime.Catalog, tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_text(
        "timestamp,model,input_tokens,output_tokens\n"
        "2026-05-01T10:00:00Z,acme/alpha,100,50\n"  # 2: fine
        "2026-05-32,acme/alpha,100,50\n"  # 3: no such day
        "yesterday,acme/alpha,100,50\n"  # 4: not a timestamp
        "2026-05-01,acme/alpah,100,50\n"  # 5: unknown model
        "2026-05-01,alpha,100,50\n"  # 6: ambiguous
        "2026-05-01,acme/alpha,12.5,50\n"  # 7: not a whole number
        "2026-05-01,acme/alpha,-3,50\n"  # 8: negative
        "2026-05-01,acme/alpha,100\n"  # 9: missing field
        "\n"  # a blank line is not a row
        "2024-05-01,acme/alpha,100,50\n"  # 11: before the first price
        "2026-05-01,acme/gamma,100,50\n"  # 12: no output price
        "2026-05-01,acme/alpha,,\n"  # 13: empty counts are zero: fine
    )
    seen: list[RowError] = []
    result = reprice(path, cat, keep_errors=3, on_error=seen.append)
    assert (result.rows_read, result.rows_priced, result.error_count) == (11, 2, 9)
    assert [e.line for e in seen] == [3, 4, 5, 6, 7, 8, 9, 11, 12]
    messages = {e.line: e.message for e in seen}
    assert "is not an ISO date" in messages[3] and "is not an ISO date" in messages[4]
    assert "unknown model 'acme/alpah'; did you mean acme/alpha" in messages[5]
    assert "ambiguous" in messages[6] and "acme/alpha, zeta/alpha" in messages[6]
    assert "input_tokens '12.5' is not a whole number" in messages[7]
    assert "input_tokens '-3' is negative" in messages[8]
    assert "expected 4 fields" in messages[9]
    assert "no price in force on 2024-05-01" in messages[11]
    assert "acme/gamma has no price for output_tokens" in messages[12]
    assert len(result.errors) == 3 and result.errors[0].raw == "2026-05-32,acme/alpha,100,50"
    assert result.failed


def test_empty_counts_are_zero(cat: runtime.Catalog, tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_text("timestamp,model,input_tokens,output_tokens\n2026-05-01,acme/alpha,,7\n")
    result = reprice(path, cat)
    assert result.error_count == 0 and result.groups[0].tokens == {"input_tokens": 0, "output_tokens": 7}


def test_timestamps_are_days_in_utc(cat: runtime.Catalog, tmp_path: Path) -> None:
    midnight = int(datetime(2026, 5, 2, tzinfo=UTC).timestamp())
    path = tmp_path / "u.csv"
    path.write_text(
        "timestamp,model,input_tokens\n"
        "2026-05-01T23:30:00-02:00,acme/alpha,1\n"  # 2026-05-02 in UTC
        "2026-05-01 20:00:00,acme/alpha,1\n"  # no offset: UTC
        f"{midnight},acme/alpha,1\n"  # epoch seconds
        "2026-05-01,acme/alpha,1\n"
    )
    result = reprice(path, cat, group_by=["day"])
    assert [(g.key, g.rows) for g in result.groups] == [(("2026-05-01",), 2), (("2026-05-02",), 2)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", "the file is empty", id="empty"),
        pytest.param("time,model,input_tokens\n", "no timestamp column", id="no-timestamp"),
        pytest.param("timestamp,model,tokens\n", "no token column", id="no-tokens"),
        pytest.param("timestamp,model,input_tokens,model\n", "names model more than once", id="duplicate"),
    ],
)
def test_unusable_headers(cat: runtime.Catalog, tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "u.csv"
    path.write_text(text)
    with pytest.raises(UsageFileError, match=message):
        reprice(path, cat)


def test_unreadable_files(cat: runtime.Catalog, tmp_path: Path) -> None:
    with pytest.raises(UsageFileError, match="cannot read usage file"):
        reprice(tmp_path / "missing.csv", cat)
    with pytest.raises(UsageFileError, match="is a directory"):
        reprice(tmp_path, cat)
    binary = tmp_path / "u.csv"
    binary.write_bytes(b"timestamp,model,input_tokens\n\xff\xfe\x00garbage\n")
    with pytest.raises(UsageFileError, match="not UTF-8"):
        reprice(binary, cat)


def test_gzip_bom_tabs_and_ignored_columns(cat: runtime.Catalog, tmp_path: Path) -> None:
    body = "\ufeffTimestamp\tModel\tinput_tokens\trequest_id\n2026-05-01\tacme/alpha\t100000\tr-1\n"
    path = tmp_path / "u.tsv.gz"
    path.write_bytes(gzip.compress(body.encode("utf-8")))
    result = reprice(path, cat)
    assert result.totals == {"USD": Decimal("0.2")}
    assert result.ignored_columns == ("request_id",)


def test_jsonl_bad_lines(cat: runtime.Catalog, tmp_path: Path) -> None:
    path = tmp_path / "u.jsonl"
    path.write_text(
        '{"timestamp": "2026-05-01", "model": "acme/alpha", "input_tokens": 10}\n'
        "{not json\n"
        "[1, 2]\n"
        '{"model": "acme/alpha"}\n'
        '{"timestamp": "2026-05-01", "model": "acme/alpha", "input_tokens": 1.5}\n'
        '{"timestamp": "2026-05-01", "model": "acme/alpha", "input_tokens": -1}\n'
        "\n"
        '{"timestamp": 1777593600, "model": "acme/alpha", "output_tokens": 10, "extra": 1}\n'
    )
    errors: list[RowError] = []
    result = reprice(path, cat, on_error=errors.append)
    assert (result.rows_read, result.rows_priced) == (7, 2)
    assert [(e.line, e.message.split(":")[0]) for e in errors] == [
        (2, "not valid JSON"),
        (3, "not a JSON object"),
        (4, "no timestamp"),
        (5, "input_tokens 1.5 is not a whole number"),
        (6, "input_tokens -1 is negative"),
    ]


def test_progress_is_reported_while_streaming(cat: runtime.Catalog, tmp_path: Path) -> None:
    from modelctl.usage.reprice import PROGRESS_EVERY

    path = tmp_path / "u.csv"
    rows = PROGRESS_EVERY * 2 + 5
    path.write_text("timestamp,model,input_tokens\n" + "2026-05-01,acme/alpha,10\n" * rows)
    seen: list[tuple[int, int]] = []
    result = reprice(path, cat, progress=lambda done, total: seen.append((done, total)))
    assert result.rows_priced == rows and result.totals == {"USD": Decimal("0.00002") * rows}
    size = path.stat().st_size
    assert len(seen) >= 3 and seen[-1] == (size, size)
    assert all(total == size for _, total in seen) and [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_account_and_plan_columns_group_without_changing_costs(cat: runtime.Catalog, tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_text(
        "timestamp,model,account,plan,input_tokens\n"
        "2026-05-01,acme/alpha,acme-corp,enterprise,150000\n"
        "2026-05-01,acme/alpha,tiny-inc,free,150000\n"
        "2026-05-02,acme/alpha,acme-corp,enterprise,150000\n"
    )
    result = reprice(path, cat, group_by=["plan", "account"])
    # 150,000 input tokens (above the 128k tier, within the 200k window) at 4.00 per 1M: 0.60 a row
    assert [(g.key, g.rows, g.cost) for g in result.groups] == [
        (("enterprise", "acme-corp"), 2, Decimal("1.20")),
        (("free", "tiny-inc"), 1, Decimal("0.60")),
    ]
    assert reprice(path, cat, group_by=["account", "model"]).groups[0].key == ("acme-corp", "acme/alpha")


def test_a_tier_is_a_cliff_strictly_above_its_threshold(cat: runtime.Catalog, tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_text(
        "timestamp,model,input_tokens,cached_input_tokens,output_tokens\n"
        "2026-05-01,acme/alpha,100000,28000,1000\n"  # 128,000 input-side tokens: base prices
        "2026-05-01,acme/alpha,100000,28001,1000\n"  # 128,001: the whole request at the tier's prices
    )
    result = reprice(path, cat)
    base = cat.cost(
        "acme/alpha", runtime.Usage(input_tokens=100000, cached_input_tokens=28000, output_tokens=1000), at="2026-05-01"
    )
    tier = cat.cost(
        "acme/alpha", runtime.Usage(input_tokens=100000, cached_input_tokens=28001, output_tokens=1000), at="2026-05-01"
    )
    assert (base.tier, tier.tier) == (None, 128000)
    assert result.totals == {"USD": base.total + tier.total}
