"""The PostgreSQL dialect of the pricing query on a real PostgreSQL server
(issue 17): the price and names tables loaded with ``\\copy`` as
docs/warehouse.md says, the usage file with every pricing feature (the one the
DuckDB and Spark tests use) in a typed table, and the query of ``modelctl
export --format sql --dialect postgres`` run by psql.  Every row costs what
runtime.Catalog.cost says, the totals equal Python reprice's and DuckDB's to
the last digit, the unpriced rows are the same.  One server for the module
(tests/interop/postgres_server.py: Debian's binaries, a socket in a temporary
folder, run as ``nobody`` when we are root)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import postgres_server
import pytest

from conftest import write_catalog
from modelctl.interop.exporters import load_artifact, price_table, sql
from modelctl.query.opening import open_catalog
from modelctl.runtime import Usage
from modelctl.usage.files import USAGE_FIELDS
from modelctl.usage.reprice import reprice
from warehouse_helpers import COLUMNS, FILES, ROWS, UNPRICED_LINES, published, usage_csv

if postgres_server.bin_dir() is None:
    pytest.skip(
        "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): "
        "apt-get install postgresql, as .ci/run does",
        allow_module_level=True,
    )

WHAT_IF = "acme/omni"


def _moment(ts: str) -> date | datetime:
    # a datetime, not the string: Catalog.cost takes a string's own calendar day, a datetime's UTC day
    return datetime.fromisoformat(ts.replace("Z", "+00:00")) if "T" in ts else date.fromisoformat(ts)


def _pg_type(kind: str) -> str:
    """The price table's column type in PostgreSQL: exact NUMERIC for money (docs/warehouse.md)."""
    return "numeric" if kind.startswith("DECIMAL") else kind.lower()


def _table(name: str, columns: Any) -> str:
    return f"CREATE TABLE {name} (" + ", ".join(f'"{n}" {_pg_type(k)}' for n, k, _ in columns) + ");\n"


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


@pytest.fixture(scope="module")
def server() -> Iterator[postgres_server.Server]:
    # binaries present: a server that does not start is a failure, never a skip
    running = postgres_server.start()
    yield running
    postgres_server.stop(running)


@pytest.fixture(scope="module")
def loaded(server: postgres_server.Server, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("postgres")
    root = write_catalog(folder / "cat", FILES)
    artifact = load_artifact(published(root, folder / "dist"))
    (folder / "prices.csv").write_text(price_table.to_csv(price_table.rows(artifact)), encoding="utf-8")
    (folder / "names.csv").write_text(price_table.names_csv(price_table.names(artifact)), encoding="utf-8")
    (folder / "windows.csv").write_text(price_table.windows_csv(price_table.windows(artifact)), encoding="utf-8")
    (folder / "usage.csv").write_text(usage_csv(), encoding="utf-8")
    counts = ", ".join(f'"{c}" bigint' for c in COLUMNS[5:])
    missing = "".join(  # counts the file does not have: 0, as a warehouse table would say
        f'ALTER TABLE usage ADD COLUMN "{f}" bigint DEFAULT 0;\n' for f in USAGE_FIELDS if f not in COLUMNS
    )
    server.psql(
        "SET TIME ZONE 'UTC';\n"
        + _table("prices", price_table.COLUMNS)
        + _table("model_names", price_table.NAME_COLUMNS)
        + _table("price_windows", price_table.WINDOW_COLUMNS)
        + 'CREATE TABLE usage (request_id bigint, "timestamp" timestamptz, model text, variant text, account text, '
        + f"{counts});\n"
        + f"\\copy prices FROM {_literal(folder / 'prices.csv')} WITH (FORMAT csv, HEADER true)\n"
        + f"\\copy model_names FROM {_literal(folder / 'names.csv')} WITH (FORMAT csv, HEADER true)\n"
        + f"\\copy price_windows FROM {_literal(folder / 'windows.csv')} WITH (FORMAT csv, HEADER true)\n"
        + f"\\copy usage FROM {_literal(folder / 'usage.csv')} WITH (FORMAT csv, HEADER true)\n"
        + missing
        # the file mixes dates and date-times, which one timestamptz column cannot tell apart
        + "ALTER TABLE usage ADD COLUMN has_time boolean;\n"
        + "".join(
            f"UPDATE usage SET has_time = {'T' in ts} WHERE request_id = {line};\n"
            for line, (ts, *_) in enumerate(ROWS, 2)
        )  # fmt: skip
    )
    return {"folder": folder, "catalog": open_catalog(root).catalog, "server": server}


def query(server: postgres_server.Server, select: str) -> list[dict[str, str]]:
    """``select`` run in UTC, its rows as dicts of text (NULL: '')."""
    out = server.psql(f"SET TIME ZONE 'UTC';\nCOPY ({select}) TO STDOUT WITH (FORMAT csv, HEADER true);\n")
    return list(csv.DictReader(io.StringIO(out)))


# the query over a table that says which rows have a time of day (SqlOptions.has_time)
PRICING = sql.pricing_query(sql.SqlOptions("postgres", has_time="has_time"))


def priced(
    loaded: dict[str, Any],
    columns: str = "request_id, priced_model, price_variant, cost, unpriced",
    pricing: str = PRICING,
) -> list[dict[str, str]]:
    return query(loaded["server"], f"SELECT {columns} FROM ({pricing}) q ORDER BY request_id")


def test_postgres_prices_every_row_as_the_runtime(loaded: dict[str, Any]) -> None:
    rows = {int(r["request_id"]): r for r in priced(loaded)}
    assert len(rows) == len(ROWS)
    catalog, unpriced = loaded["catalog"], set()
    for line, (ts, name, variant, counts) in enumerate(ROWS, 2):
        usage = Usage(**dict(zip(COLUMNS[5:], counts, strict=False)))
        try:
            want = catalog.cost(name, usage, at=_moment(ts), variant=variant or None)
        except Exception:  # noqa: BLE001 - any refusal: the SQL must leave the row unpriced too
            unpriced.add(line)
            assert rows[line]["cost"] == "" and rows[line]["unpriced"], (line, rows[line])
            continue
        assert rows[line]["unpriced"] == "", (line, rows[line])
        assert Decimal(rows[line]["cost"]) == want.total, (line, name, variant, rows[line], want)
        assert rows[line]["priced_model"] == want.model
        assert (rows[line]["price_variant"] or None) == want.variant, line
    assert unpriced == UNPRICED_LINES


def test_postgres_totals_and_unpriced_rows_equal_reprice_and_duckdb(loaded: dict[str, Any]) -> None:
    from modelctl.interop.duckdb_engine import reprice_duckdb

    pricing = PRICING
    totals = {
        r["priced_model"]: Decimal(r["total"])
        for r in query(
            loaded["server"],
            f"SELECT priced_model, sum(cost) AS total FROM ({pricing}) q WHERE unpriced IS NULL GROUP BY 1",
        )
    }
    failing = {int(r["request_id"]) for r in priced(loaded) if r["unpriced"]}
    path, catalog = loaded["folder"] / "usage.csv", loaded["catalog"]
    python = reprice(path, catalog, keep_errors=100)
    assert totals == {g.key[0]: g.cost for g in python.groups}  # to the last digit, not only the cent
    assert failing == {e.line for e in python.errors} == UNPRICED_LINES
    duck = reprice_duckdb(path, catalog, keep_errors=100)
    assert totals == {g.key[0]: g.cost for g in duck.groups}
    assert failing == {e.line for e in duck.errors}
    assert sum(totals.values()) == python.totals["USD"] == duck.totals["USD"]


def test_the_documented_psql_command(loaded: dict[str, Any]) -> None:
    # docs/warehouse.md: modelctl export --format sql --dialect postgres > price_usage.sql, then
    # psql -v ON_ERROR_STOP=1 -c "SET TIME ZONE 'UTC'" -f price_usage.sql (psql sends the last, unterminated query)
    from typer.testing import CliRunner

    from modelctl.cli import app

    result = CliRunner().invoke(app, ["export", "--format", "sql", "--dialect", "postgres"])
    assert result.exit_code == 0, result.stderr
    (loaded["folder"] / "price_usage.sql").write_text(result.stdout, encoding="utf-8")
    out = loaded["server"].psql(args=["-c", "SET TIME ZONE 'UTC'", "-f", str(loaded["folder"] / "price_usage.sql"),
                                      "--csv"])  # fmt: skip
    got = {int(r["request_id"]): (r["cost"], r["unpriced"]) for r in csv.DictReader(io.StringIO(out))}
    plain = sql.pricing_query(sql.SqlOptions("postgres"))  # the timestamp's type decides: an instant
    assert got == {int(r["request_id"]): (r["cost"], r["unpriced"]) for r in priced(loaded, pricing=plain)}
    assert len(got) == len(ROWS)


def test_postgres_what_if_equals_reprice(loaded: dict[str, Any]) -> None:
    rows = sql.what_if(f"({PRICING})", [WHAT_IF], dialect="postgres")
    (got,) = query(
        loaded["server"],
        "SELECT sum(CASE WHEN wi_unpriced_0 IS NULL THEN wi_amount_0 END) AS total, "
        f"count(wi_unpriced_0) AS failed FROM ({rows}) w WHERE unpriced IS NULL",
    )
    (want,) = reprice(loaded["folder"] / "usage.csv", loaded["catalog"], what_if=[WHAT_IF]).what_if
    assert (Decimal(got["total"]), int(got["failed"])) == (want.total, want.failed)
    assert want.failed > 0 and want.total > 0  # the comparison covers both kinds of row


def test_postgres_money_is_numeric(loaded: dict[str, Any]) -> None:
    pricing = PRICING
    (types,) = query(
        loaded["server"],
        f"SELECT pg_typeof(cost)::text AS cost, pg_typeof(sum(cost) OVER ())::text AS total FROM ({pricing}) q LIMIT 1",
    )
    assert types == {"cost": "numeric", "total": "numeric"}
    assert sql.MONEY_TYPE["postgres"] == "NUMERIC"


def test_a_bad_query_fails_loudly(loaded: dict[str, Any]) -> None:
    # the harness itself: an error in Postgres is an exception naming it, not an empty result
    with pytest.raises(RuntimeError, match="no_such_table"):
        query(loaded["server"], "SELECT * FROM no_such_table")


def test_postgres_totals_equal_duckdb_and_the_runtime(loaded: dict[str, Any]) -> None:
    from modelctl.interop.duckdb_engine import reprice_duckdb
    from warehouse_helpers import reference_reprice

    totals = {
        r["priced_model"]: Decimal(r["total"])
        for r in query(
            loaded["server"],
            f"SELECT priced_model, sum(cost) AS total FROM ({PRICING}) q WHERE unpriced IS NULL GROUP BY 1",
        )
    }
    want = reference_reprice(loaded["catalog"])
    assert totals == {key[0]: cost for key, _c, _n, _t, cost, *_ in want["groups"]}  # to the last digit
    duck = reprice_duckdb(loaded["folder"] / "usage.csv", loaded["catalog"], keep_errors=100)
    assert totals == {g.key[0]: g.cost for g in duck.groups}
    assert {int(r["request_id"]) for r in priced(loaded) if r["unpriced"]} == {e.line for e in duck.errors}
