"""import from models.dev and genai-prices with a price that is not a number, given twice, or
NaN: the real snapshots from ../shared/data with one value changed.  A model is never imported
without a price its source gives (it is skipped, with the reason); a source that says a thing
twice, or NaN where YAML reads nothing, is refused at its line with nothing written; and a price
keeps every digit of its text (never a float)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SHARED_DATA
from modelctl.cli import app

runner = CliRunner()
pytestmark = pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data not present")
DEEPSEEK_TOML = SHARED_DATA / "models.dev" / "providers" / "deepseek"
DEEPSEEK_YML = SHARED_DATA / "genai-prices" / "deepseek.yml"
CHAT_INPUT_YML = "          input_mtok: 0.135\n"  # deepseek-chat's first price, line 48


def _import(kind: str, source: Path, catalog: Path) -> tuple[int, dict[str, object], str]:
    result = runner.invoke(app, ["import", kind, str(source), "--catalog", str(catalog), "--format", "json"])
    report = json.loads(result.stdout) if result.exit_code == 0 else {}
    return result.exit_code, report, result.stderr


def _skips(report: dict[str, object]) -> dict[str, str]:
    return {s["name"]: s["reason"] for s in report["skipped"]}  # type: ignore[attr-defined, index]


def _toml(tmp_path: Path, value: str) -> Path:
    source = tmp_path / "deepseek"
    shutil.copytree(DEEPSEEK_TOML, source)
    path = source / "models" / "deepseek-chat.toml"
    text = path.read_text()
    assert "\ninput = 0.14\n" in text
    path.write_text(text.replace("\ninput = 0.14\n", f"\ninput = {value}\n"))
    return source


def _yml(tmp_path: Path, old: str, new: str) -> Path:
    text = DEEPSEEK_YML.read_text()
    assert old in text
    path = tmp_path / "deepseek.yml"
    path.write_text(text.replace(old, new, 1))  # the first: deepseek-chat's
    return path


@pytest.mark.parametrize(
    ("value", "shown"),
    [('"abc"', "'abc'"), ('"0.14"', "'0.14'"), ("[1]", "'[1]'"), ("{a = 1}", "\"{'a': 1}\""), ("nan", "'NaN'")],
)
def test_models_dev_price_that_is_not_a_number_skips_the_model(tmp_path: Path, value: str, shown: str) -> None:
    # Each was imported as deepseek-chat without its input price (cost.input only counted as unmapped);
    # nan was written as "NaN.00".
    catalog = tmp_path / "catalog"
    code, report, stderr = _import("models.dev", _toml(tmp_path, value), catalog)
    assert code == 0, stderr
    assert _skips(report)["deepseek-chat"] == (
        f"cost.input is {shown}, not a price (a finite number): left out rather than imported without it"
    )
    assert not (catalog / "models" / "deepseek" / "deepseek-chat.yaml").exists()
    assert (catalog / "models" / "deepseek" / "deepseek-reasoner.yaml").is_file()  # the others are imported


@pytest.mark.parametrize(
    ("value", "where"),
    [
        ('"abc"', "prices.input_mtok"),
        ('"0.135"', "prices.input_mtok"),
        ("[0.135]", "prices.input_mtok"),
        ("true", "prices.input_mtok"),
        ("{base: abc, tiers: []}", "prices.input_mtok.base"),
        ("{base: 0.1, tiers: [{start: 1000, price: NaN}]}", "prices.input_mtok.tiers.price"),
        ("{tiers: [{start: 1000, price: 0.2}]}", "prices.input_mtok"),
    ],
)
def test_genai_prices_price_that_is_not_a_number_skips_the_model(tmp_path: Path, value: str, where: str) -> None:
    catalog = tmp_path / "catalog"
    source = _yml(tmp_path, CHAT_INPUT_YML, f"          input_mtok: {value}\n")
    code, report, stderr = _import("genai-prices", source, catalog)
    assert code == 0, stderr
    reason = _skips(report)["deepseek-chat"]
    assert reason.startswith(f"{where} is ") and reason.endswith("left out rather than imported without it")
    assert not (catalog / "models" / "deepseek" / "deepseek-chat.yaml").exists()
    assert (catalog / "models" / "deepseek" / "deepseek-reasoner.yaml").is_file()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            CHAT_INPUT_YML,
            "          input_mtok: 99\n" + CHAT_INPUT_YML,
            "deepseek.yml:49:11: duplicate key 'input_mtok': first at line 48, again at line 49",
        ),
        ("name: Deepseek\n", "name: Deepseek\nname: Other\n", "deepseek.yml:3:1: duplicate key 'name'"),
        (CHAT_INPUT_YML, "          input_mtok: .nan\n", "deepseek.yml:48:23: '.nan' is not a finite number"),
        (CHAT_INPUT_YML, "          input_mtok: .inf\n", "deepseek.yml:48:23: '.inf' is not a finite number"),
    ],
)
def test_genai_prices_duplicate_key_or_nan_is_refused_at_its_line(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    # A duplicate key imported the last of the two silently; .nan (read as nothing) imported the
    # model without that price.
    catalog = tmp_path / "catalog"
    code, _, stderr = _import("genai-prices", _yml(tmp_path, old, new), catalog)
    assert code == 4
    assert message in stderr and "nothing was written" in stderr
    assert not catalog.exists()


def test_null_price_in_genai_prices_is_no_price(tmp_path: Path) -> None:
    # An explicit null gives no price: the model keeps the prices it does give.
    catalog = tmp_path / "catalog"
    code, report, stderr = _import(
        "genai-prices", _yml(tmp_path, CHAT_INPUT_YML, "          input_mtok: null\n"), catalog
    )
    assert code == 0, stderr
    assert "deepseek-chat" not in _skips(report)
    text = (catalog / "models" / "deepseek" / "deepseek-chat.yaml").read_text()
    assert "output_per_1m: 0.55" in text


@pytest.mark.parametrize("kind", ["models.dev", "genai-prices"])
def test_a_17_digit_price_keeps_every_digit(tmp_path: Path, kind: str) -> None:
    # 0.1 + 0.2 as a float prints 0.30000000000000004; 1.2345678901234567 has 17 significant digits.
    # Parsed as floats either would be rounded or reprinted; parsed as Decimal they are kept.
    catalog = tmp_path / "catalog"
    if kind == "models.dev":
        source = _toml(tmp_path, "0.30000000000000004")
    else:
        source = _yml(tmp_path, CHAT_INPUT_YML, "          input_mtok: 0.30000000000000004\n")
    code, _, stderr = _import(kind, source, catalog)
    assert code == 0, stderr
    text = (catalog / "models" / "deepseek" / "deepseek-chat.yaml").read_text()
    assert "input_per_1m: 0.30000000000000004\n" in text


def test_a_17_digit_litellm_price_per_token_keeps_every_digit(tmp_path: Path) -> None:
    source = tmp_path / "prices.json"
    source.write_text(
        '{"gpt-x": {"litellm_provider": "openai", "mode": "chat", "max_input_tokens": 1000,'
        ' "input_cost_per_token": 1.2345678901234567e-06, "output_cost_per_token": 3.0000000000000004e-07}}'
    )
    code, _, stderr = _import("litellm", source, tmp_path / "catalog")
    assert code == 0, stderr
    text = (tmp_path / "catalog" / "models" / "openai" / "gpt-x.yaml").read_text()
    assert "input_per_1m: 1.2345678901234567\n" in text and "output_per_1m: 0.30000000000000004\n" in text


# --- a key given twice in JSON (LiteLLM, OpenRouter) ---------------------------------------------

LITELLM = SHARED_DATA / "litellm" / "model_prices_and_context_window.json"
OPENROUTER = SHARED_DATA / "openrouter" / "models.json"


def _json_twice(tmp_path: Path, source: Path, old: str, new: str) -> tuple[Path, str]:
    text = source.read_text()
    assert old in text
    path = tmp_path / source.name
    path.write_text(text.replace(old, new, 1))
    return path, text


def test_litellm_price_given_twice_is_refused_at_its_line(tmp_path: Path) -> None:
    # json kept the last of the two silently: the model was imported at 4.00, or at 9.00 had the
    # lines been the other way round.
    line = '        "input_cost_per_token": 4e-06,\n'
    source, text = _json_twice(tmp_path, LITELLM, line, line.replace("4e-06", "9e-06") + line)
    first = text[: text.index(line)].count("\n") + 1
    catalog = tmp_path / "catalog"
    code, _, stderr = _import("litellm", source, catalog)
    assert code == 4
    assert (
        f"{source.name}:{first + 1}:9: duplicate key 'input_cost_per_token' (first at line {first}): keep one of them"
    ) in stderr
    assert "nothing was written" in stderr and not catalog.exists()


def test_litellm_model_given_twice_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "prices.json"
    source.write_text(
        '{"gpt-x": {"litellm_provider": "openai", "max_input_tokens": 1000, "input_cost_per_token": 1e-06},\n'
        ' "gpt-x": {"litellm_provider": "openai", "max_input_tokens": 1000, "input_cost_per_token": 1e-07}}\n'
    )
    code, _, stderr = _import("litellm", source, tmp_path / "catalog")
    assert code == 4
    assert "prices.json:2:2: duplicate key 'gpt-x' (first at line 1)" in stderr
    assert not (tmp_path / "catalog").exists()


def test_openrouter_price_given_twice_is_refused_at_its_column(tmp_path: Path) -> None:
    old = '"pricing":{"prompt":"0.00003",'
    source, text = _json_twice(tmp_path, OPENROUTER, old, '"pricing":{"prompt":"0.00001","prompt":"0.00003",')
    at = text.index(old) + len('"pricing":{')
    line = text[:at].count("\n") + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    code, _, stderr = _import("openrouter", source, tmp_path / "catalog")
    assert code == 4
    again = column + len('"prompt":"0.00001",')
    assert f"{source.name}:{line}:{again}: duplicate key 'prompt' (first at column {column})" in stderr
    assert not (tmp_path / "catalog").exists()


def test_the_same_key_in_two_objects_or_in_a_string_is_not_twice(tmp_path: Path) -> None:
    source = tmp_path / "prices.json"
    source.write_text(
        '{"gpt-x": {"litellm_provider": "openai", "mode": "chat", "max_input_tokens": 1000,'
        ' "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06, "note": "\\"mode\\": {}"},'
        ' "gpt-y": {"litellm_provider": "openai", "mode": "chat", "max_input_tokens": 1000,'
        ' "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06}}'
    )
    code, report, stderr = _import("litellm", source, tmp_path / "catalog")
    assert code == 0, stderr
    assert len(report["created"]) == 4  # type: ignore[arg-type]  # catalog.yaml, the provider, two models
