"""The price table and the pricing SQL on DuckDB, against Python reprice and
runtime.Catalog.cost on a usage file with every pricing feature (issues 12, 17):
the same totals to the last digit, the same unpriced rows."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO, MakeCatalog
from modelctl.catalog.model import warehouse_misfit
from modelctl.interop.exporters import load_artifact, price_table, sql
from modelctl.query.opening import open_catalog
from modelctl.runtime import Usage
from modelctl.usage.files import USAGE_FIELDS
from modelctl.usage.reprice import reprice
from warehouse_helpers import (
    COLUMNS,
    ROWS,
    UNPRICED_LINES,
    moment,
    published,
    runtime_costs,
    usage_csv,
    warehouse_catalog,
)

TOKEN_TYPES = dict.fromkeys(COLUMNS[5:], "BIGINT")


@pytest.fixture
def warehouse(make_catalog: MakeCatalog, tmp_path: Path) -> dict[str, Any]:
    root = warehouse_catalog(make_catalog)
    artifact_path = published(root, tmp_path / "dist")
    artifact = load_artifact(artifact_path)
    (tmp_path / "prices.csv").write_text(price_table.to_csv(price_table.rows(artifact)), encoding="utf-8")
    (tmp_path / "names.csv").write_text(price_table.names_csv(price_table.names(artifact)), encoding="utf-8")
    (tmp_path / "windows.csv").write_text(price_table.windows_csv(price_table.windows(artifact)), encoding="utf-8")
    (tmp_path / "usage.csv").write_text(usage_csv(), encoding="utf-8")
    return {"root": root, "dir": tmp_path, "catalog": open_catalog(root).catalog}


def _types(columns: Any) -> str:
    return "{" + ", ".join(f"'{name}': '{kind}'" for name, kind, _ in columns) + "}"


def load(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        f"CREATE TABLE prices AS SELECT * FROM read_csv('{folder / 'prices.csv'}', header = true, "
        f"types = {_types(price_table.COLUMNS)})"
    )
    con.execute(
        f"CREATE TABLE model_names AS SELECT * FROM read_csv('{folder / 'names.csv'}', header = true, "
        f"types = {_types(price_table.NAME_COLUMNS)})"
    )
    con.execute(
        f"CREATE TABLE price_windows AS SELECT * FROM read_csv('{folder / 'windows.csv'}', header = true, "
        f"types = {_types(price_table.WINDOW_COLUMNS)})"
    )
    usage_types = {"request_id": "BIGINT", "timestamp": "TIMESTAMPTZ", "model": "VARCHAR", "variant": "VARCHAR",
                   "account": "VARCHAR", **TOKEN_TYPES}  # fmt: skip
    types = "{" + ", ".join(f"'{k}': '{v}'" for k, v in usage_types.items()) + "}"
    con.execute(
        f"CREATE TABLE usage AS SELECT * FROM read_csv('{folder / 'usage.csv'}', header = true, types = {types})"
    )
    for field in USAGE_FIELDS:  # counts the file does not have: 0, as a warehouse table would say
        if field not in COLUMNS:
            con.execute(f"ALTER TABLE usage ADD COLUMN {field} BIGINT DEFAULT 0")
    # The file mixes dates and date-times, which one TIMESTAMPTZ column cannot tell apart: say which rows
    # have a time of day (SqlOptions.has_time); a warehouse's TIMESTAMP column always has one.
    con.execute("ALTER TABLE usage ADD COLUMN has_time BOOLEAN")
    for line, (ts, *_) in enumerate(ROWS, 2):
        con.execute("UPDATE usage SET has_time = ? WHERE request_id = ?", ["T" in ts, line])


# the pricing query over a table saying which rows have a time of day
QUERY = sql.pricing_query(sql.SqlOptions("duckdb", has_time="has_time"))


def documented_query() -> str:
    text = (REPO / "docs" / "import-export.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- pricing-query:duckdb -->\n```sql\n(.*?)```", text, re.S)
    assert match, "docs/import-export.md lost its pricing query block"
    return match.group(1)


def test_the_documented_query_is_the_exported_one() -> None:
    assert documented_query() == sql.pricing_query(sql.SqlOptions("duckdb"))


def test_every_fall_back_is_filled_in_the_price_table(warehouse: dict[str, Any]) -> None:
    artifact = load_artifact(next((warehouse["dir"] / "dist").glob("*.json")))
    plain = next(r for r in price_table.rows(artifact) if r["model"] == "acme/plain")
    assert plain["cached_input_per_1m"] == plain["input_per_1m"] == "1.10"
    assert plain["cache_write_per_1m"] == "1.375" and plain["cache_write_1h_per_1m"] == "1.375"  # 1h -> 5m
    assert plain["reasoning_per_1m"] == plain["output_audio_per_1m"] == plain["output_image_per_1m"] == "4.40"
    assert plain["input_audio_per_1m"] == plain["input_image_per_1m"] == "1.10"
    assert plain["per_request"] is None and plain["per_image"] is None  # no price: free / unpriced, never filled
    assert plain["filled"].split() == [
        "cached_input_per_1m=input_per_1m",
        "cache_write_1h_per_1m=cache_write_per_1m",
        "reasoning_per_1m=output_per_1m",
        "input_audio_per_1m=input_per_1m",
        "output_audio_per_1m=output_per_1m",
        "input_image_per_1m=input_per_1m",
        "output_image_per_1m=output_per_1m",
        "input_video_per_1m=input_per_1m",
        "cached_input_audio_per_1m=input_per_1m",
        "cached_input_image_per_1m=input_per_1m",
        "cache_write_12h_per_1m=cache_write_per_1m",
    ]
    omni = next(r for r in price_table.rows(artifact) if r["model"] == "acme/omni" and r["variant"] == "priority")
    assert omni["cached_input_per_1m"] == "0.125"  # inherited from the base prices, not a fall-back
    filled = dict(cell.split("=") for cell in omni["filled"].split())
    assert "cached_input_per_1m" not in filled and filled["cached_input_image_per_1m"] == "cached_input_per_1m"


def test_duckdb_prices_every_row_as_the_runtime(warehouse: dict[str, Any]) -> None:
    con = duckdb.connect()
    load(con, warehouse["dir"])
    rows = con.execute(f"SELECT request_id, priced_model, price_variant, cost, unpriced FROM ({QUERY}) q").fetchall()
    assert len(rows) == len(ROWS)
    by_line = {line: (model, variant, cost, why) for line, model, variant, cost, why in rows}
    expected = runtime_costs(warehouse["catalog"])
    for line, want in expected.items():
        model, variant, cost, why = by_line[line]
        if isinstance(want, Exception):
            assert cost is None and why, (line, by_line[line], want)
            continue
        assert (model, variant or None, cost) == (want.model, want.variant, want.total), (line, by_line[line], want)
    assert {line for line, want in expected.items() if isinstance(want, Exception)} == UNPRICED_LINES
    totals = dict(
        con.execute(f"SELECT priced_model, sum(cost) FROM ({QUERY}) q WHERE unpriced IS NULL GROUP BY 1").fetchall()
    )
    by_model: dict[str, Decimal] = {}
    for want in expected.values():
        if not isinstance(want, Exception):
            by_model[want.model] = by_model.get(want.model, Decimal(0)) + want.total
    assert totals == by_model


def test_the_refusals_say_why(warehouse: dict[str, Any]) -> None:
    con = duckdb.connect()
    load(con, warehouse["dir"])
    why = dict(con.execute(f"SELECT request_id, unpriced FROM ({QUERY}) q").fetchall())
    assert why[41] == "the model does not accept audio input (input_audio_tokens)"
    assert why[42] == "the model does not accept image input (input_image_tokens)"
    assert why[43] == why[45] == "more input-side tokens than the model takes per request (max_input_tokens)"
    assert why[44] is None  # two requests may take twice the context
    assert why[49] == "no price in force that day for this model and variant"  # the row's own variant wins


def test_windows_aliases_and_tiers_by_hand(warehouse: dict[str, Any]) -> None:
    """Amounts computed by hand from warehouse_helpers' prices (1,000 input + 1,000 output tokens)."""
    con = duckdb.connect()
    load(con, warehouse["dir"])
    got = dict(con.execute(f"SELECT request_id, cost FROM ({QUERY}) q").fetchall())
    off_old, peak_old = Decimal("0.00069"), Decimal("0.00138")  # 0.14 + 0.55 / 0.28 + 1.10 per 1M, x 1,000
    off_new, peak_new = Decimal("0.00075"), Decimal("0.0015")
    assert [got[n] for n in (29, 30, 31, 32, 33, 34)] == [off_old, off_old, peak_old, peak_old, peak_old, off_old]
    assert got[35] == off_new + Decimal("0.0000015") and got[36] == peak_new + Decimal("0.000003")  # 500 cached
    assert [got[n] for n in (37, 38, 39, 40)] == [off_new, off_new, peak_new, off_new]
    assert got[46] == got[47] == Decimal("0.01265") and got[48] == Decimal("0.0115")  # regional +10%
    # omni, 150,000 input + 60,000 audio = 210,000 input-side: the 200k tier (2.50 / 15.00; audio 3.00), one
    # request at 0.0035
    assert got[50] == Decimal("0.375") + Decimal("0.0135") + Decimal("0.18") + Decimal("0.0035")


def test_the_documented_query_reads_the_time_from_the_column_type(warehouse: dict[str, Any]) -> None:
    """Without has_time: a TIMESTAMPTZ column is an instant (windows apply), a DATE column a day (base prices)."""
    con = duckdb.connect()
    load(con, warehouse["dir"])
    timed = dict(con.execute(f"SELECT request_id, cost FROM ({QUERY}) q WHERE has_time").fetchall())
    plain = f"SELECT request_id, cost FROM ({documented_query()}) q WHERE has_time"
    assert dict(con.execute(plain).fetchall()) == timed
    con.execute('CREATE TABLE days AS SELECT * REPLACE (CAST("timestamp" AS DATE) AS "timestamp") FROM usage')
    on_days = documented_query().replace("FROM usage AS u", "FROM days AS u")
    got = con.execute(f"SELECT request_id, price_variant, cost FROM ({on_days}) q").fetchall()
    catalog = warehouse["catalog"]
    for line, variant, cost in got:
        ts, name, own, counts = ROWS[line - 2]
        usage = Usage(**dict(zip(COLUMNS[5:], counts, strict=False)))
        try:
            day = moment(ts).astimezone(UTC).date() if "T" in ts else moment(ts)  # type: ignore[union-attr]
            want = catalog.cost(name, usage, at=day, variant=own or None)
        except Exception:  # noqa: BLE001
            assert cost is None, line
            continue
        assert (variant or None, cost) == (want.variant, want.total), (line, name)
    assert {v for _, v, _ in got} == {"", "batch", "priority", "flex", "regional", "off_peak"}  # off_peak: row 40 only
    assert [v for n, v, _ in got if n in range(29, 40)] == [""] * 11  # every window row on a day: the base price


def test_python_reprice_agrees(warehouse: dict[str, Any]) -> None:
    con = duckdb.connect()
    load(con, warehouse["dir"])
    result = reprice(warehouse["dir"] / "usage.csv", warehouse["catalog"], keep_errors=100)
    assert {e.line for e in result.errors} == UNPRICED_LINES
    totals = dict(
        con.execute(f"SELECT priced_model, sum(cost) FROM ({QUERY}) q WHERE unpriced IS NULL GROUP BY 1").fetchall()
    )
    assert totals == {g.key[0]: g.cost for g in result.groups}


@pytest.mark.parametrize("dialect", sql.DIALECTS)
def test_column_mapping_and_counts_the_table_lacks(warehouse: dict[str, Any], dialect: str) -> None:
    query = sql.pricing_query(
        sql.SqlOptions(dialect, columns={"input_tokens": "prompt_tokens", "images": "0", "timestamp": "ts"})
    )
    assert '"prompt_tokens"' in query or "`prompt_tokens`" in query
    assert "coalesce(0, 0) AS t_images" in query
    if dialect != "duckdb":
        return
    con = duckdb.connect()
    load(con, warehouse["dir"])
    con.execute('CREATE VIEW renamed AS SELECT * RENAME (input_tokens AS prompt_tokens, "timestamp" AS ts) FROM usage')
    mapped = sql.pricing_query(
        sql.SqlOptions("duckdb", usage="renamed", columns={"input_tokens": "prompt_tokens", "timestamp": "ts"})
    )
    plain = con.execute(f"SELECT request_id, cost FROM ({documented_query()}) q ORDER BY 1").fetchall()
    assert con.execute(f"SELECT request_id, cost FROM ({mapped}) q ORDER BY 1").fetchall() == plain


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        pytest.param(["input_tokens"], "use FIELD=COLUMN", id="no-equals"),
        pytest.param(["prompt=input"], "'prompt' is not a usage column", id="unknown-field"),
        pytest.param(["input_tokens=a;drop"], "is not a column name", id="injection"),
    ],
)
def test_bad_column_mappings_are_refused(pairs: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sql.parse_columns(pairs)


def test_sums_stay_exact_decimals(warehouse: dict[str, Any]) -> None:
    con = duckdb.connect()
    load(con, warehouse["dir"])
    kind = con.execute(f"SELECT typeof(cost) FROM ({documented_query()}) q LIMIT 1").fetchone()
    assert kind is not None and kind[0].startswith("DECIMAL(38,"), kind
    assert isinstance(con.execute(f"SELECT sum(cost) FROM ({documented_query()}) q").fetchone()[0], Decimal)  # type: ignore[index]


def test_the_tables_carry_what_cost_decides(warehouse: dict[str, Any]) -> None:
    artifact = load_artifact(next((warehouse["dir"] / "dist").glob("*.json")))
    table = price_table.rows(artifact)
    embed = next(r for r in table if r["model"] == "acme/embed")
    assert (embed["max_input_tokens"], embed["input_modalities"], embed["output_modalities"]) == (8192, "text", "text")
    off = [r for r in table if r["model"] == "acme/cheap" and r["variant"] == "off_peak"]
    assert [r["windows"] for r in off] == ["16:30-00:30", "10:00-01:00; 04:00-06:00; sat,sun 00:00-24:00"]
    names = {name: (model, variant) for name, model, variant in price_table.names(artifact)}
    assert names["eu.alpha"] == names["zeta/eu.alpha"] == ("zeta/alpha", "regional")
    assert names["global.alpha"] == names["zeta/alpha"] == ("zeta/alpha", "")
    spans = {(w["valid_from"], w["weekday"]): [] for w in price_table.windows(artifact)}
    for w in price_table.windows(artifact):
        spans[(w["valid_from"], w["weekday"])].append((w["start_minute"], w["end_minute"], w["variant"]))
    assert spans[("2025-01-01", 0)] == [(0, 30, "off_peak"), (990, 1440, "off_peak")]  # 16:30-00:30, split
    assert spans[("2025-08-01", 0)] == [(0, 60, "off_peak"), (240, 360, "off_peak"), (600, 1440, "off_peak")]
    assert spans[("2025-08-01", 5)] == spans[("2025-08-01", 6)] == [(0, 1440, "off_peak")]  # weekends, merged
    assert len(spans) == 14


def test_overlapping_windows_go_to_the_first_variant_by_name() -> None:
    """As the runtime: where windows of two variants overlap, the first in name order bills the instant."""
    from modelctl.interop.exporters.common import Artifact
    from modelctl.runtime import Catalog

    model = {
        "provider": "acme", "id": "m", "name": "M", "status": "active", "currency": "USD",
        "modalities": {"input": ["text"], "output": ["text"]},
        "pricing": [{
            "effective_from": "2025-01-01", "prices": {"input_per_1m": "1", "output_per_1m": "2"},
            "variants": {
                "night": {"prices": {"input_per_1m": "0.5"}, "windows": [{"start": "20:00", "end": "08:00"}]},
                "lunch": {"prices": {"input_per_1m": "0.7"},
                          "windows": [{"start": "07:00", "end": "13:00", "weekdays": ["mon"]}]},
            },
        }],
    }  # fmt: skip
    found = price_table.windows(Artifact("", "t", "", {"acme/m": model}))
    monday = [(w["start_minute"], w["end_minute"], w["variant"]) for w in found if w["weekday"] == 0]
    assert monday == [(0, 420, "night"), (420, 780, "lunch"), (1200, 1440, "night")]  # lunch < night
    tuesday = [(w["start_minute"], w["end_minute"], w["variant"]) for w in found if w["weekday"] == 1]
    assert tuesday == [(0, 480, "night"), (1200, 1440, "night")]
    catalog = Catalog.from_content(  # from_content checks the shape: the required top-level keys
        {"catalog": {}, "providers": {}, "aliases": {}, "plans": {}, "models": {"acme/m": model}}
    )
    for minute, variant in ((419, "night"), (420, "lunch"), (779, "lunch"), (780, None)):
        at = datetime(2025, 6, 2, minute // 60, minute % 60, tzinfo=UTC)  # a Monday
        assert catalog.cost("acme/m", Usage(input_tokens=1), at=at).variant == variant


_DIGITS = st.integers(min_value=0, max_value=10**40 - 1)


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.builds(lambda m, e: Decimal(m).scaleb(e), _DIGITS, st.integers(min_value=-40, max_value=21)),
        st.builds(lambda m, z: Decimal(f"{m}.{'0' * z}"), _DIGITS, st.integers(min_value=0, max_value=30)),
        # the edges: 17 to 20 places, and just below 10^20 with more digits than a default context keeps
        st.builds(lambda m, e: Decimal(m).scaleb(e), _DIGITS, st.integers(min_value=-20, max_value=-17)),
        st.builds(lambda k: Decimal("9" * 20 + "." + "9" * k), st.integers(min_value=1, max_value=19)),
    )
)
def test_warehouse_misfit_is_exactly_what_duckdbs_decimal_38_18_cannot_hold(value: Decimal) -> None:
    """MC320 and the engines' refusal (price_table.not_held) rest on ``warehouse_misfit``: checked here
    against DuckDB's own DECIMAL(38,18), which rounds a 19th place and refuses 10^20 and above."""
    text = format(value, "f")
    try:
        (held,) = duckdb.execute("SELECT CAST(? AS DECIMAL(38,18))", [text]).fetchone() or (None,)
    except duckdb.ConversionException:
        held = None
    exact = held is not None and Decimal(held) == value
    assert (warehouse_misfit(value) is None) == exact, (text, held, warehouse_misfit(value))
