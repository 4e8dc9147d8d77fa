"""reprice_sides (``modelctl diff --usage``): one pass over the rows prices them on every catalog,
with each side's totals and unpriced rows equal to ``reprice`` run on that catalog alone."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from test_reprice import FIELDS, _rows, _write_csv

from conftest import MINI, write_catalog
from everyday_helpers import EXTRA, runtime_of
from modelctl import runtime
from modelctl.usage import csv_rows
from modelctl.usage.reprice import reprice, reprice_sides

# The "after" side: alpha gets a new period from 2025-09-01 without tiers or the batch variant (so
# batch rows from then on are unpriced there only) and beta a higher price.
ALPHA_AFTER = MINI["models/acme/alpha.yaml"].replace(
    "        pricing:\n",
    "        pricing:\n"
    "          - effective_from: 2025-09-01\n"
    "            source: https://acme.example/pricing\n"
    "            checked: 2026-11-01\n"
    "            input_per_1m: 2.50\n"
    "            output_per_1m: 9.00\n",
)
BETA_AFTER = MINI["models/acme/beta.yaml"].replace("input_per_1m: 0.50", "input_per_1m: 0.55")


@pytest.fixture(scope="module")
def sides(tmp_path_factory: pytest.TempPathFactory) -> list[runtime.Catalog]:
    mp = pytest.MonkeyPatch()
    mp.setenv("MODELCTL_TODAY", "2026-11-25")
    before = write_catalog(tmp_path_factory.mktemp("before") / "cat", {**MINI, **EXTRA})
    after = {**MINI, **EXTRA, "models/acme/alpha.yaml": ALPHA_AFTER, "models/acme/beta.yaml": BETA_AFTER}
    cats = [runtime_of(before), runtime_of(write_catalog(tmp_path_factory.mktemp("after") / "cat", after))]
    mp.undo()
    return cats


@pytest.mark.parametrize("chunk", [5, 2048])
def test_each_side_equals_reprice_alone(
    sides: list[runtime.Catalog], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(csv_rows, "CHUNK", chunk)
    rows = _rows(1500, seed=chunk)
    columns = ["timestamp", "model", "variant", *FIELDS]
    csv_path = _write_csv(tmp_path / "u.csv", rows, columns)
    jsonl_path = tmp_path / "u.jsonl"
    jsonl_path.write_text("".join(json.dumps({c: r[c] for c in columns}) + "\n" for r in rows))
    for path in (csv_path, jsonl_path):
        alone = [reprice(path, cat) for cat in sides]
        both = reprice_sides(path, sides)
        assert both.rows_read == 1500
        assert both.totals == tuple(r.totals for r in alone)
        assert both.unpriced == tuple(r.error_count for r in alone)
        assert alone[0].totals != alone[1].totals and alone[0].error_count < alone[1].error_count
        assert reprice_sides(path, sides[::-1]).totals == both.totals[::-1]


def test_a_bad_row_is_unpriced_on_every_side(sides: list[runtime.Catalog], tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_text(
        "timestamp,model,input_tokens,output_tokens\n"
        "2026-11-01T10:00:00Z,acme/alpha,1000,0\n"
        "not a time,acme/alpha,1000,0\n"
        "2026-11-01T10:00:00Z,acme/alpha,-5,0\n"
        "2026-11-01T10:00:00Z,acme/nosuch,1000,0\n"
    )
    both = reprice_sides(path, sides)
    # 1,000 input tokens of alpha: 0.002 before (2.00 per 1M), 0.0025 after (2.50)
    assert both.totals == (
        {"USD": Decimal("0.002")},
        {"USD": Decimal("0.0025")},
    )
    assert both.unpriced == (3, 3) and both.rows_read == 4
