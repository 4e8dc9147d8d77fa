"""How text output spells money (cli/money.py, docs/cli.md "Money in text output"):
one number of decimals per column, thousands separators, a rounded figure always marked."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import MakeCatalog
from everyday_helpers import EXTRA
from modelctl.cli import app
from modelctl.cli.money import MAX_PLACES, Money, amount, column, places_for, spell_rows

runner = CliRunner()
D = Decimal


def test_thousands_and_at_least_two_decimals() -> None:
    assert amount(D("1234567.5")) == "1,234,567.50"
    assert amount(D("100")) == "100.00"  # 1E+2 needs no decimals: still two
    assert amount(D("0.125")) == "0.125"
    assert amount(D("-1234.5")) == "-1,234.50"
    assert amount(D("0.15"), 3, sign=True) == "+0.150"
    assert amount(D("0"), sign=True) == "0.00"


def test_a_column_has_the_decimals_of_its_most_precise_amount() -> None:
    assert column([D("0.40"), D("0.016"), D("0.0056002"), None]) == ["0.4000000", "0.0160000", "0.0056002", "-"]
    assert places_for([D("2"), D("8.5")]) == 2


def test_beyond_the_cap_the_figure_is_rounded_and_marked() -> None:
    # 1 token at 0.0375 per 1M: 0.0000000375, nine... ten decimals; half-even to eight
    assert amount(D("0.0000000375")) == "~0.00000004"
    assert amount(D("0.000000625")) == "~0.00000062"  # half-even: 2 is even
    assert amount(D("0.000000001")) == "~0.00000000"  # never a bare zero
    assert column([D("1.5"), D("0.000000001")]) == ["1.50000000", "~0.00000000"]
    assert amount(D("-0.0000000375"), sign=True) == "~-0.00000004"


def test_rows_spell_each_column_and_keep_text() -> None:
    rows = [
        ["input", Money(D("4"), "{} per 1M"), D("0.4")],
        ["cached", Money(D("0.2"), "{} per 1M"), D("0.0056002")],
        ["total", "", Money(D("0.4056002"), "{} USD")],
        ["none", None, "unpriced"],
    ]
    assert spell_rows(rows) == [
        ["input", "4.00 per 1M", "0.4000000"],
        ["cached", "0.20 per 1M", "0.0056002"],
        ["total", "", "0.4056002 USD"],
        ["none", "-", "unpriced"],
    ]
    assert spell_rows([[D("1.5"), D("0.125")]], together=[[0, 1]]) == [["1.500", "0.125"]]


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=12, allow_nan=False, allow_infinity=False))
def test_the_figure_shown_is_the_value_or_marked(value: Decimal) -> None:
    text = amount(value)
    shown = D(text.lstrip("~").replace(",", ""))
    if text.startswith("~"):
        assert shown != value and abs(shown - value) <= D("0.5").scaleb(-MAX_PLACES)
    else:
        assert shown == value
    whole = text.lstrip("~-").split(".")[0]
    assert all(len(g) == 3 for g in whole.split(",")[1:]) and len(whole.split(",")[0]) <= 3


TINY = """\
    # yaml-language-server: $schema=../../../schema/model.schema.json
    id: tiny
    name: Tiny
    status: active
    released: 2025-01-01
    limits: {context_window: 8192}
    modalities: {input: [text], output: [text]}
    pricing:
      - effective_from: 2025-01-01
        source: https://acme.example/pricing
        checked: 2026-11-01
        input_per_1m: 1200.0375
        output_per_1m: 1500.00
    """


@pytest.fixture
def cat(make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    make_catalog({**EXTRA, "models/acme/tiny.yaml": TINY})
    monkeypatch.chdir(tmp_path)
    return "cat"


def test_cost_text_separates_thousands_and_marks_a_rounded_component(cat: str) -> None:
    # 1 input token at 1,200.0375 per 1M = 0.0012000375 (shown ~0.00120004); 2,000 output tokens
    # at 1,500.00 per 1M = 3.00; total 3.0012000375 (shown ~3.00120004)
    result = runner.invoke(app, ["cost", "acme/tiny", "--input", "1", "--output", "2000", "--catalog", cat])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.stdout.splitlines()[2:]}
    assert lines["input"].split()[-1] == "~0.00120004"
    assert "1,200.0375 per 1M" in lines["input"] and "1,500.0000 per 1M" in lines["output"]
    assert lines["output"].split()[-1] == "3.00000000"
    assert lines["total"].split()[-2:] == ["~3.00120004", "USD"]
    doc = json.loads(
        runner.invoke(
            app, ["cost", "acme/tiny", "--input", "1", "--output", "2000", "--catalog", cat, "-f", "json"]
        ).stdout
    )
    assert doc["total"] == "3.0012000375"  # JSON keeps the exact amount


def test_list_spells_a_price_column_alike(cat: str) -> None:
    result = runner.invoke(app, ["list", "--provider", "acme", "--catalog", cat])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[1:]}
    # the input column holds 1,200.0375 (four decimals): every input price has four
    assert "1,200.0375" in rows["acme/tiny"] and "2.0000" in rows["acme/alpha"] and "10.0000" in rows["acme/old"]
    assert "1,500.00" in rows["acme/tiny"]  # the output column needs two


def test_compare_spells_each_price_row_alike(cat: str) -> None:
    result = runner.invoke(app, ["compare", "acme/tiny", "acme/alpha", "--catalog", cat])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines()[1:]}
    assert rows["input_per_1m"] == ["1,200.0375", "2.0000"]
    assert rows["output_per_1m"] == ["1,500.00", "8.00"]


def test_show_spells_every_price_of_the_model_alike(cat: str) -> None:
    result = runner.invoke(app, ["show", "acme/tiny", "--catalog", cat])
    assert result.exit_code == 0, result.output
    assert "1,200.0375" in result.stdout and "1,500.0000" in result.stdout


def test_another_unit_in_a_column_gets_its_own_decimals() -> None:
    # a what-if column of reprice --charges holds USD and credits: 0.006435 USD does not make 78 credits 78.000000
    rows = [[Money(D("0.143"))], [Money(D("78"), kind="credits")], [Money(D("0.006435"))]]
    assert spell_rows(rows) == [["0.143000"], ["78.00"], ["0.006435"]]


def test_show_names_the_models_currency(
    make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = """\
        # yaml-language-server: $schema=../../schema/provider.schema.json
        id: euro
        name: Euro AI
        kind: lab
        currency: EUR
        """
    model = TINY.replace("id: tiny", "id: one").replace("1200.0375", "1.20").replace("1500.00", "4.80")
    make_catalog({"providers/euro.yaml": provider, "models/euro/one.yaml": model})
    monkeypatch.chdir(tmp_path)
    for fmt in ("text", "markdown"):
        result = runner.invoke(app, ["show", "euro/one", "--catalog", "cat", "-f", fmt])
        assert result.exit_code == 0, result.output
        assert "EUR per 1M tokens unless the key says otherwise" in result.stdout and "USD" not in result.stdout
