"""``cost``, ``compare`` and ``estimate`` price what the runtime prices: at an instant given with
``--at`` (time-of-day windows: DeepSeek's off-peak hours), and at the variant a name implies (a
Bedrock regional id), on the repository's own catalog. A date alone is the base price and says so.

Expected figures are from the catalog's prices, worked out by hand: deepseek-v4-flash 0.30 input /
1.20 output per 1M at peak (01:00-04:00 and 06:00-10:00 UTC), 0.15 / 0.60 off-peak; Bedrock's
Claude Sonnet 4.6 3.00 per 1M input at the global price, 3.30 (+10 %) at the regional one."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import REPO
from modelctl.cli import app
from modelctl.runtime import Catalog, Usage

runner = CliRunner()
CATALOG = str(REPO / "catalog")
FLASH = "deepseek/deepseek-v4-flash"
ONE_M = ["--input", "1M", "--output", "1M"]


def _cost(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["cost", *args, "--catalog", CATALOG, "-f", "json"])
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


@pytest.mark.parametrize(
    ("at", "total", "variant", "shown"),
    [
        ("2026-11-25T02:00Z", "1.5", None, "2026-11-25T02:00:00Z"),  # peak: 0.30 + 1.20
        ("2026-11-25T12:00Z", "0.75", "off_peak", "2026-11-25T12:00:00Z"),  # off-peak: 0.15 + 0.60
        ("2026-11-25T12:00", "0.75", "off_peak", "2026-11-25T12:00:00Z"),  # no offset: UTC
        ("2026-11-25T03:00+01:00", "1.5", None, "2026-11-25T02:00:00Z"),  # 02:00 UTC
        ("2026-11-25T11:30+01:00", "0.75", "off_peak", "2026-11-25T10:30:00Z"),  # 10:30 UTC: off-peak
        ("2026-11-25 09:59Z", "1.5", None, "2026-11-25T09:59:00Z"),  # a space for the T
    ],
)
def test_cost_at_an_instant_applies_the_time_of_day_price(at: str, total: str, variant: str | None, shown: str) -> None:
    doc = _cost(FLASH, *ONE_M, "--at", at)
    assert (Decimal(doc["total"]), doc["variant"], doc["at"]) == (Decimal(total), variant, shown)


def test_cost_text_says_the_instant_and_the_variant() -> None:
    result = runner.invoke(app, ["cost", FLASH, *ONE_M, "--at", "2026-11-25T12:00Z", "--catalog", CATALOG])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith(f"{FLASH} on 2026-11-25 12:00 UTC: prices from ")
    assert "variant off_peak" in result.stdout.splitlines()[0]
    assert "0.75 USD" in result.stdout


def test_a_date_alone_is_the_base_price_and_says_how_to_get_the_hour_s() -> None:
    doc = _cost(FLASH, *ONE_M, "--at", "2026-11-25")
    assert (Decimal(doc["total"]), doc["variant"], doc["at"]) == (Decimal("1.5"), None, "2026-11-25")
    text = runner.invoke(app, ["cost", FLASH, *ONE_M, "--at", "2026-11-25", "--catalog", CATALOG]).stdout
    assert "base prices (a day alone: give --at a time of day for its time-of-day prices)" in text
    # a model without windows says nothing of the kind
    plain = runner.invoke(app, ["cost", "openai/gpt-4o", "--input", "1k", "--at", "2026-11-25", "--catalog", CATALOG])
    assert plain.exit_code == 0 and "a day alone" not in plain.stdout


def test_every_hour_of_a_day_is_priced_as_the_runtime_prices_it(repo: Catalog) -> None:
    usage = Usage(input_tokens=1_000_000, output_tokens=1_000_000)
    totals = set()
    for hour in range(24):
        at = datetime(2026, 11, 25, hour, 15, tzinfo=UTC)
        doc = _cost(FLASH, *ONE_M, "--at", at.isoformat())
        expected = repo.cost(FLASH, usage, at=at)
        assert (Decimal(doc["total"]), doc["variant"]) == (expected.total, expected.variant), hour
        totals.add(Decimal(doc["total"]))
    assert totals == {Decimal("1.5"), Decimal("0.75")}  # both prices met in a day


@pytest.mark.parametrize(
    "at", ["2026-11-25T25:00", "2026-13-01", "noon", "2026-11-25T12:00+25:00", "0001-01-01T00:00+05:00"]
)
def test_a_bad_instant_is_a_usage_error(at: str) -> None:
    result = runner.invoke(app, ["cost", FLASH, *ONE_M, "--at", at, "--catalog", CATALOG])
    assert result.exit_code == 2
    assert "is not a date or a date-time" in result.output and "YYYY-MM-DDTHH:MM" in result.output


@pytest.mark.parametrize(
    ("name", "price", "variant"),
    [
        ("amazon-bedrock/eu.anthropic.claude-sonnet-4-6", "3.30", "regional"),
        ("eu.anthropic.claude-sonnet-4-6", "3.30", "regional"),
        ("amazon-bedrock/global.anthropic.claude-sonnet-4-6", "3.00", None),
        ("amazon-bedrock/claude-sonnet-4-6", "3.00", None),
    ],
)
def test_cost_bills_the_variant_a_name_implies(name: str, price: str, variant: str | None) -> None:
    doc = _cost(name, "--input", "1M", "--at", "2026-06-01")
    assert doc["model"] == "amazon-bedrock/claude-sonnet-4-6"
    assert (Decimal(doc["total"]), doc["variant"]) == (Decimal(price), variant)
    assert doc["components"][0]["price"] == price


def test_an_explicit_variant_wins_over_the_name_s() -> None:
    doc = _cost("amazon-bedrock/eu.anthropic.claude-sonnet-4-6", "--input", "1M", "--at", "2026-06-01")
    assert doc["variant"] == "regional"
    unknown = runner.invoke(
        app,
        ["cost", "amazon-bedrock/eu.anthropic.claude-sonnet-4-6", "--input", "1M", "--variant", "batch"]
        + ["--catalog", CATALOG],
    )
    assert unknown.exit_code == 2 and "has no variant 'batch'" in unknown.output


def test_compare_prices_the_names_as_given_at_the_instant() -> None:
    names = [FLASH, "amazon-bedrock/eu.anthropic.claude-sonnet-4-6", "amazon-bedrock/claude-sonnet-4-6"]
    result = runner.invoke(
        app, ["compare", *names, "--input", "1M", "--at", "2026-11-25T12:00Z", "--catalog", CATALOG, "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    fields = doc["fields"]
    assert doc["at"] == "2026-11-25T12:00:00Z"
    assert fields["variant"] == ["off_peak", "regional", None]
    assert [Decimal(v) for v in fields["input_per_1m"]] == [Decimal("0.15"), Decimal("3.30"), Decimal("3.00")]
    assert [Decimal(v) for v in fields["cost"]] == [Decimal("0.15"), Decimal("3.3"), Decimal("3")]


def test_estimate_ranks_at_the_instant() -> None:
    argv = [
        "estimate",
        "--input",
        "100k",
        "--output",
        "100k",
        "--provider",
        "deepseek",
        "--catalog",
        CATALOG,
        "-f",
        "json",
    ]
    off = json.loads(runner.invoke(app, [*argv, "--at", "2026-11-25T12:00Z"]).stdout)
    peak = json.loads(runner.invoke(app, [*argv, "--at", "2026-11-25T02:00Z"]).stdout)
    flash = {doc["at"]: row for doc in (off, peak) for row in doc["models"] if row["model"] == FLASH}
    assert Decimal(flash["2026-11-25T12:00:00Z"]["total"]) == Decimal("0.075")  # 0.015 + 0.06
    assert Decimal(flash["2026-11-25T02:00:00Z"]["total"]) == Decimal("0.15")  # 0.03 + 0.12


@pytest.mark.parametrize("command", [["list"], ["reprice", "usage.csv"]])
def test_a_day_whose_utc_day_is_out_of_range_is_a_usage_error(command: list[str], tmp_path: Path) -> None:
    # --at DATE (list, reprice) takes a date-time's UTC day: year 0 in UTC was an OverflowError traceback
    (tmp_path / "usage.csv").write_text("timestamp,model,input_tokens\n2026-11-25,openai/gpt-4o,10\n")
    argv = [command[0], *[str(tmp_path / a) for a in command[1:]], "--at", "0001-01-01T00:00+05:00"]
    result = runner.invoke(app, [*argv, "--catalog", CATALOG])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 2 and "is not a date: use YYYY-MM-DD" in result.output
