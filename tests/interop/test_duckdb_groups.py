"""``reprice --engine duckdb`` folds rows into groups before pricing them
(interop/duckdb_groups.py): on a file with many rows per group, on each side
of every bound (tiers, context limits with several requests, window starts
and ends, period changes, dates alone, zero and non-zero counts), the totals
and groups must still equal ``Catalog.cost`` row by row and Python reprice."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import MakeCatalog
from modelctl.interop.duckdb_engine import reprice_duckdb
from modelctl.interop.duckdb_groups import bucket
from modelctl.query.opening import open_catalog
from modelctl.usage.reprice import reprice
from warehouse_helpers import ROWS, reference_reprice, usage_csv, warehouse_catalog

# times of day on each side of the test catalog's window bounds (acme/cheap: 16:30-00:30, then
# 10:00-01:00, 04:00-06:00 and weekends)
_TIMES = ["00:00:00", "00:29:59", "00:30:00", "00:59:59", "01:00:00", "03:59:59", "04:00:00", "05:59:59",
          "06:00:00", "09:59:59", "10:00:00", "16:29:59", "16:30:00", "23:59:59"]  # fmt: skip
# input-side totals on each side of the tiers (128,000; 200,000; 500,000) and limits (8,192; 128,000)
_SIDES = [0, 1, 4096, 8191, 8192, 8193, 16384, 16385, 127999, 128000, 128001, 199999, 200000, 200001,
          250000, 256000, 256001, 499999, 500000, 500001]  # fmt: skip


def dense_rows(n: int, seed: int) -> list[tuple[str, str, str, tuple[int, ...]]]:
    """``n`` rows drawn from the warehouse rows, moved to times and input sizes around every bound."""
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        ts, model, variant, counts = rnd.choice(ROWS)
        day = date.fromisoformat(ts[:10]) + timedelta(days=rnd.choice([0, 0, 0, 1, 2, 3, 4, 5, 6, 30]))
        kind = rnd.random()
        if kind < 0.15:
            ts = day.isoformat()  # a date alone
        elif kind < 0.25:
            ts = f"{day}T{rnd.choice(_TIMES)}{rnd.choice(['+02:00', '-05:00', '-02:00'])}"
        else:
            ts = f"{day}T{rnd.choice(_TIMES)}Z"
        c = list(counts) + [0] * (20 - len(counts))
        other = c[2] + c[6]  # cached input and input audio: input-side too
        side = rnd.choice(_SIDES)
        c[0] = max(side - other, 0)
        c[10] = rnd.choice([0, 1, 1, 1, 2, 3])  # requests: a limit holds per request
        for i in (1, 2):  # output and cached input: zero or not
            if rnd.random() < 0.3:
                c[i] = 0 if c[i] else rnd.randrange(1, 5000)
        out.append((ts, model, variant, tuple(c)))
    return out


@pytest.fixture
def dense(make_catalog: MakeCatalog, tmp_path: Path) -> dict[str, Any]:
    root = warehouse_catalog(make_catalog)
    rows = dense_rows(1500, seed=17)
    (tmp_path / "dense.csv").write_text(usage_csv(rows), encoding="utf-8")
    return {"catalog": open_catalog(root).catalog, "rows": rows, "path": tmp_path / "dense.csv"}


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({}, id="by-model"),
        pytest.param({"group_by": ("provider", "day", "variant")}, id="provider-day-variant"),
        pytest.param({"group_by": ("month", "account")}, id="month-account"),
        pytest.param({"what_if": ("acme/cheap", "acme/omni")}, id="what-if-with-windows"),
        pytest.param({"at": date(2025, 8, 6), "group_by": ("variant",)}, id="at"),
    ],
)
def test_groups_price_as_the_rows_would(dense: dict[str, Any], options: dict[str, Any]) -> None:
    duck = reprice_duckdb(dense["path"], dense["catalog"], keep_errors=10**6, **options)
    want = reference_reprice(dense["catalog"], dense["rows"], **options)
    got = [(g.key, g.currency, g.rows, g.cost, g.what_if, g.what_if_unpriced) for g in duck.groups]
    assert got == [(k, c, n, cost, *rest) for k, c, n, _t, cost, *rest in want["groups"]]
    assert duck.totals == want["totals"]
    assert [(e.line, e.what_if) for e in duck.errors] == want["errors"]
    assert [(w.model, w.total, w.failed) for w in duck.what_if] == want["what_if"]
    unpriced = sum(1 for _, w in want["errors"] if w is None)
    assert 100 < unpriced < len(dense["rows"]) - 100  # both kinds of rows, many of each
    python = reprice(dense["path"], dense["catalog"], keep_errors=10**6, **options)
    assert python.totals == duck.totals and python.error_count == duck.error_count == unpriced


def test_the_dense_file_has_many_rows_per_group(dense: dict[str, Any]) -> None:
    """The rows do share groups (else the test above would not test the folding)."""
    keys = {(ts[:10], model, variant) for ts, model, variant, _ in dense["rows"]}
    assert len(keys) * 3 < len(dense["rows"])


@given(
    st.lists(st.integers(-5, 60), min_size=0, max_size=9, unique=True).map(sorted),
    st.lists(st.one_of(st.none(), st.integers(-10, 70)), min_size=1, max_size=30),
    st.booleans(),
)
def test_bucket_counts_the_cuts_below(cuts: list[int], xs: list[int | None], strict: bool) -> None:
    """Two values in the same bucket compare alike to every cut (the bucket is the count of cuts below)."""
    expr = bucket("x", [str(c) for c in cuts], strict)
    got = [r[0] for r in duckdb.execute(f"SELECT {expr} FROM (SELECT unnest(?) AS x)", [xs]).fetchall()]
    want = [-1 if x is None else sum(1 for c in cuts if (c < x if strict else c <= x)) for x in xs]
    if not cuts:
        want = [1 if x is None else 0 for x in xs]
    assert got == want


def test_dense_rows_cover_every_bound() -> None:
    rows = dense_rows(1500, seed=17)
    stamps = {ts[11:19] for ts, *_ in rows}
    assert set(_TIMES) <= stamps and any(len(ts) == 10 for ts, *_ in rows)
    assert {c[10] for *_, c in rows} >= {0, 1, 2, 3}
    assert datetime.fromisoformat(rows[0][0].replace("Z", "+00:00"))  # well-formed


def test_count_texts_are_read_as_python_reprice_reads_them(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    """A count is taken fast when its text is the number's own digits; any other text is checked as before:
    spaces, a plus sign and leading zeros are fine, DuckDB's own forms (1e3, 0x10, 1.5) and 2^64 are not."""
    catalog = open_catalog(warehouse_catalog(make_catalog)).catalog
    texts = ["1000", "007", " 12 ", "+12", "0", "", "1e3", "0x10", "1.5", "0b11", "18446744073709551616", "12a"]
    lines = ["timestamp,model,input_tokens,output_tokens"]
    lines += [f"2025-07-01T10:00:00Z,acme/plain,{t},5" for t in texts]
    lines += [f"2025-07-01T10:00:00Z,acme/plain,5,{t}" for t in texts]
    path = tmp_path / "counts.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    python = reprice(path, catalog, keep_errors=100)
    duck = reprice_duckdb(path, catalog, keep_errors=100)
    assert duck.totals == python.totals and duck.groups[0].tokens == python.groups[0].tokens
    assert [e.line for e in duck.errors] == [e.line for e in python.errors]
    bad = {i for i, t in enumerate(texts) if t in ("1e3", "0x10", "1.5", "0b11", "18446744073709551616", "12a")}
    assert {e.line for e in duck.errors} == {i + 2 for i in bad} | {i + 2 + len(texts) for i in bad}


def _agree(python: Any, duck: Any) -> None:
    assert [(g.key, g.rows, g.tokens, g.cost) for g in duck.groups] == [
        (g.key, g.rows, g.tokens, g.cost) for g in python.groups
    ]
    assert duck.totals == python.totals and duck.error_count == python.error_count
    assert [e.line for e in duck.errors] == [e.line for e in python.errors]


def test_eight_digits_that_make_a_date_are_that_date(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    """``20250710`` is 10 July 2025, a date alone (base prices, no window), as Python reprice reads it; eight
    digits that are no date (``20250229``), and a JSON number, are epoch seconds."""
    catalog = open_catalog(warehouse_catalog(make_catalog)).catalog
    stamps = ["20250710", "2025-07-10", "2025-07-10T20:00:00Z", "20250229", "1752177600"]
    lines = ["timestamp,model,input_tokens,output_tokens"] + [f"{s},acme/cheap,100000,0" for s in stamps]
    (tmp_path / "u.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = "".join(f'{{"timestamp": "{s}", "model": "acme/cheap", "input_tokens": 100000}}\n' for s in stamps)
    (tmp_path / "u.jsonl").write_text(text, encoding="utf-8")
    (tmp_path / "n.jsonl").write_text('{"timestamp": 20250710, "model": "acme/cheap", "input_tokens": 1}\n')
    for name in ("u.csv", "u.jsonl", "n.jsonl"):
        for group_by in (("model",), ("day", "variant")):
            python = reprice(tmp_path / name, catalog, group_by=group_by)
            _agree(python, reprice_duckdb(tmp_path / name, catalog, group_by=group_by))
    by_day = reprice_duckdb(tmp_path / "u.csv", catalog, group_by=("day", "variant"), keep_errors=10)
    # 100,000 input tokens at 0.28 a million (base) twice (the dates alone), at 0.14 off-peak (20:00); epoch
    # 1752177600 = 2025-07-10T20:00:00Z off-peak too; 20250229 is 1970-08-23: no price then
    assert {g.key: g.cost for g in by_day.groups} == {
        ("2025-07-10", "base"): Decimal("0.056"),
        ("2025-07-10", "off_peak"): Decimal("0.028"),
    }
    assert by_day.error_count == 1 and by_day.errors[0].line == 5
    assert reprice_duckdb(tmp_path / "n.jsonl", catalog).error_count == 1  # 1970-08-23: no price


def test_json_lines_with_only_some_fields(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    """A field no JSON line has counts 0 (requests: one a row), as in Python reprice (it failed to bind)."""
    catalog = open_catalog(warehouse_catalog(make_catalog)).catalog
    rows = [("2025-07-01", "acme/plain", 100, 10), ("2025-07-02", "acme/omni", 2000, 30), ("2025-07-03", "x/y", 1, 1)]
    text = "".join(
        f'{{"timestamp": "{t}", "model": "{m}", "input_tokens": {i}, "output_tokens": {o}}}\n' for t, m, i, o in rows
    )
    (tmp_path / "u.jsonl").write_text(text, encoding="utf-8")
    for options in ({}, {"what_if": ("acme/omni",)}, {"group_by": ("month", "variant")}):
        python = reprice(tmp_path / "u.jsonl", catalog, **options)
        duck = reprice_duckdb(tmp_path / "u.jsonl", catalog, **options)
        _agree(python, duck)
        assert [w.total for w in duck.what_if] == [w.total for w in python.what_if]
    assert sum(g.tokens["requests"] for g in duck.groups) == 2


def test_a_what_if_model_period_change_splits_other_models_rows(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    """zeta/alpha has no price change in August 2025, acme/cheap has one on 1 August: priced on acme/cheap
    (what-if), zeta/alpha's rows of 31 July and 7 August may not share a group."""
    catalog = open_catalog(warehouse_catalog(make_catalog)).catalog
    counts = (1000, 1000, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)
    days = ("2025-07-31", "2025-08-07", "2025-07-24", "2025-08-14")  # Thursdays: the weekday does not split them
    rows = [(day, "zeta/alpha", "", counts) for day in days]
    path = tmp_path / "u.csv"
    path.write_text(usage_csv(rows), encoding="utf-8")
    duck = reprice_duckdb(path, catalog, what_if=("acme/cheap",))
    want = reference_reprice(catalog, rows, what_if=("acme/cheap",))
    assert [(w.model, w.total, w.failed) for w in duck.what_if] == want["what_if"]
    # by hand: two rows at the old prices (0.28 + 1.10 a million), two at the new (0.30 + 1.20)
    assert duck.what_if[0].total == 2 * Decimal("0.00138") + 2 * Decimal("0.0015")
