"""The columnar step of ``reprice --charges`` (usage/charge_columns.py) changes nothing: on random
files, odd rows included, the result (to the exponent of every Decimal) and every error (line,
words, order) are those of the row-by-row loop alone."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import modelctl.usage.charge_rows as charge_rows
import modelctl.usage.charges as charges_module
from conftest import REPO
from modelctl.artifact.compile import content_of
from modelctl.rules.validate import validate_catalog
from modelctl.runtime import Catalog
from modelctl.usage.charges import charges
from modelctl.usage.row_pass import RowError

MODELS = ["openai/gpt-6-luna", "openai/gpt-6-sol", "anthropic/claude-haiku-5-5", "deepseek/deepseek-v4-flash",
          "google/gemini-3.5-flash", "nope/none", ""]  # fmt: skip
OWNERS = [("pro", ""), ("team", ""), ("", "acme-bank"), ("enterprise", ""), ("free", ""), ("", ""), ("nope", "")]
STAMPS = st.one_of(
    st.builds(
        lambda m, d, h: f"2026-{m:02d}-{d:02d}T{h:02d}:30:00Z",
        st.integers(10, 11),
        st.integers(1, 28),
        st.integers(0, 23),
    ),
    st.sampled_from(["2026-11-20T23:30:00+05:00", "2026-11-20T10:00:00", "2026-11-20", "1763600000", "nope", ""]),
)
COUNT = st.one_of(
    st.integers(0, 40_000).map(str),
    st.sampled_from(["0", "", "300000", "950000", str(2**64), "-1", "x", str(10**30)]),
)
ROW = st.tuples(STAMPS, st.sampled_from(MODELS), COUNT, COUNT, COUNT, st.sampled_from(OWNERS), st.integers(0, 3))
HEADER = "timestamp,model,input_tokens,output_tokens,cached_input_tokens,plan,account,subject"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    content = content_of(validate_catalog(REPO / "catalog", today=date(2026, 11, 25)).catalog)
    doc = copy.deepcopy(content)
    doc["plans"]["team"]["rounding"] = {"decimals": 2, "mode": "half_even", "per": "invoice"}
    doc["plans"]["free"]["rounding"] = {"decimals": 12, "mode": "down"}
    return Catalog.from_content(doc)


def _text(rows: list[Any]) -> str:
    lines = [HEADER]
    for ts, model, i, o, c, (plan, account), s in rows:
        lines.append(f"{ts},{model},{i},{o},{c},{plan},{account},user-{s}")
    return "\n".join(lines) + "\n"


def _both(catalog: Catalog, path: Path, monkeypatch: pytest.MonkeyPatch, **kw: Any) -> tuple[Any, Any]:
    out = []
    for columnar in (True, False):
        monkeypatch.setattr(charges_module, "COLUMNAR", columnar)
        seen: list[RowError] = []
        result = charges(path, catalog, on_error=seen.append, **kw)
        out.append((repr(result), seen))
    return out[0], out[1]


GROUPS = st.sampled_from([("account",), ("plan",), ("account", "plan"), ("subject",), ("model", "month"), ()])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(ROW, min_size=1, max_size=60), GROUPS, st.sampled_from([1, 3, 8, 2048]))
def test_columns_change_nothing(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: list[Any], group_by: Any, chunk: int
) -> None:
    monkeypatch.setattr(charge_rows, "CHUNK", chunk)
    path = tmp_path / "usage.csv"
    # mostly clean rows (the columnar step's case), then the same with the odd ones
    clean = [r for r in rows if r[0].endswith("Z") and r[1] in MODELS[:3] and r[5][0] in ("pro", "team", "enterprise")]
    for sample in (clean * 3, rows):
        if not sample:
            continue
        path.write_text(_text(sample))
        fast, slow = _both(catalog, path, monkeypatch, group_by=group_by)
        assert fast == slow


def test_columns_sum_most_rows_of_a_clean_file(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """And they do take the rows (not only leave everything to the loop)."""
    import random

    monkeypatch.setattr(charge_rows, "CHUNK", 256)
    rng = random.Random(3)
    rows = [
        (f"2026-11-{rng.randint(1, 24):02d}T10:00:00Z", rng.choice(MODELS[:3]), str(rng.randint(1, 30_000)),
         str(rng.randint(0, 3_000)), "0", rng.choice(OWNERS[:4]), rng.randrange(3))
        for _ in range(5_000)
    ]  # fmt: skip
    path = tmp_path / "usage.csv"
    path.write_text(_text(rows))
    taken: list[int] = []
    real = charges_module.Columns.merge

    def merge(self: Any) -> set[int]:
        taken.append(self.rows)
        return real(self)

    monkeypatch.setattr(charges_module.Columns, "merge", merge)
    fast, slow = _both(catalog, path, monkeypatch, group_by=("account",))
    assert fast == slow
    assert taken and taken[0] > 4_000


@pytest.mark.parametrize("what_if", [(), ("openai/gpt-6-luna",)])
def test_the_pass_makes_no_reference_cycles(catalog: Catalog, tmp_path: Path, what_if: tuple[str, ...]) -> None:
    """charges() pauses the cyclic GC (as plain reprice does): safe only while a pass leaves no
    cycles behind, which nothing but a collection would free."""
    import gc

    rows = [
        (f"2026-11-{d:02d}T10:00:00Z", MODELS[d % 3], str(d * 7), "5", "", OWNERS[d % 4], d % 3) for d in range(1, 29)
    ]
    path = tmp_path / "usage.csv"
    path.write_text(_text(rows * 100 + [("bad", "", "x", "1", "1", ("pro", ""), 0)]))
    charges(path, catalog, group_by=("subject",), what_if=what_if)  # the catalog's own caches, once
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        result = charges(path, catalog, group_by=("subject",), what_if=what_if)
        assert gc.collect() == 0
    finally:
        if was:
            gc.enable()
    assert result.rows_charged == 2_800 and result.error_count == 1
