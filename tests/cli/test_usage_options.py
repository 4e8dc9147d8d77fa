"""The usage options of ``cost``, ``estimate`` and ``compare`` (cli/usage_options.py): one per
``runtime.Usage`` count, the same on all three commands, each priced by the key the runtime uses."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from conftest import MakeCatalog
from everyday_helpers import everyday_catalog, runtime_of
from modelctl import runtime
from modelctl.cli import app

runner = CliRunner()

# A model with a price for every kind of use the newer keys name (USD).
OMNI = """\
    # yaml-language-server: $schema=../../../schema/model.schema.json
    id: omni
    name: Omni
    status: active
    released: 2025-01-01
    limits: {context_window: 1000000}
    modalities: {input: [text, audio, image, video], output: [text]}
    features: [web_search, audio_input, vision]
    pricing:
      - effective_from: 2025-01-01
        source: https://acme.example/pricing
        checked: 2026-11-01
        input_per_1m: 2.00
        output_per_1m: 8.00
        cache_write_12h_per_1m: 3.00
        input_audio_per_1m: 10.00
        cached_input_audio_per_1m: 1.00
        input_image_per_1m: 4.00
        cached_input_image_per_1m: 0.50
        input_video_per_1m: 6.00
        input_audio_per_minute: 0.006
        per_second: 0.02
        web_search_per_1k: 10.00
        file_search_per_1k: 2.50
    """

# option, count, Usage field, the price key, the cost worked out by hand from OMNI's prices.
CASES = [
    ("--cache-write-12h", "2000", "cache_write_12h_tokens", "cache_write_12h_per_1m", "0.006"),  # 2000 x 3/1M
    ("--cached-audio", "5k", "cached_input_audio_tokens", "cached_input_audio_per_1m", "0.005"),  # 5000 x 1/1M
    ("--cached-image", "4,000", "cached_input_image_tokens", "cached_input_image_per_1m", "0.002"),  # x 0.5/1M
    ("--input-video", "1000", "input_video_tokens", "input_video_per_1m", "0.006"),  # 1000 x 6/1M
    ("--input-audio-seconds", "120", "input_audio_seconds", "input_audio_per_minute", "0.012"),  # 2 min x 0.006
    ("--seconds", "7", "seconds", "per_second", "0.14"),  # 7 x 0.02
    ("--web-search", "3", "web_search_requests", "web_search_per_1k", "0.03"),  # 3 x 10/1000
    ("--file-search", "4", "file_search_requests", "file_search_per_1k", "0.01"),  # 4 x 2.50/1000
]


@pytest.fixture
def cat(make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    root = everyday_catalog(make_catalog)
    (root / "models" / "acme" / "omni.yaml").write_text(
        "\n".join(line[4:] for line in OMNI.splitlines()) + "\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    return str(root)


def _options(command: str) -> dict[str, str]:
    """The command's count options: parameter name (a Usage field) -> its flag."""
    group = typer.main.get_command(app)
    ctx = group.make_context("modelctl", [command, "--help"], resilient_parsing=True)
    click_command = group.get_command(ctx, command)  # type: ignore[attr-defined]
    return {p.name: p.opts[0] for p in click_command.params if p.name in runtime.USAGE_FIELDS}


@pytest.mark.parametrize("command", ["cost", "estimate", "compare"])
def test_every_usage_count_is_an_option_of_the_command(command: str) -> None:
    options = _options(command)
    assert set(options) == set(runtime.USAGE_FIELDS)  # a count the runtime learns is given here too
    assert options == _options("cost")  # spelled the same on all three


@pytest.mark.parametrize(("option", "count", "field", "key", "expected"), CASES)
def test_cost_prices_each_newer_count_by_its_key(
    cat: str, option: str, count: str, field: str, key: str, expected: str
) -> None:
    result = runner.invoke(app, ["cost", "acme/omni", option, count, "--catalog", cat, "-f", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    [component] = doc["components"]
    assert component["price_key"] == key and Decimal(component["cost"]) == Decimal(expected)
    assert Decimal(doc["total"]) == Decimal(expected)
    assert doc["usage"] == {field: int(count.replace(",", "").replace("k", "000")), "requests": 1}
    # the same as the runtime on the Usage the option stands for
    usage = runtime.Usage(**{field: doc["usage"][field]})
    assert runtime_of(Path(cat)).cost("acme/omni", usage).total == Decimal(expected)


def test_cost_text_says_what_each_price_is_per(cat: str) -> None:
    argv = ["cost", "acme/omni", "--input", "1000", "--web-search", "3", "--input-audio-seconds", "90"]
    result = runner.invoke(app, [*argv, "--seconds", "2", "--catalog", cat])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[2:]}
    priced = {name: (Decimal(row[2]), " ".join(row[3:5])) for name, row in rows.items() if name != "total"}
    assert priced == {
        "input": (Decimal("2"), "per 1M"),
        "web_search": (Decimal("10"), "per 1k"),
        "input_audio_time": (Decimal("0.006"), "per minute"),
        "time": (Decimal("0.02"), "per second"),
    }
    assert Decimal(rows["total"][1]) == Decimal("0.081")  # 0.002 + 0.03 + 0.009 + 0.04


def test_compare_and_estimate_price_the_newer_counts(cat: str) -> None:
    result = runner.invoke(
        app, ["compare", "acme/omni", "acme/alpha", "--web-search", "3", "--catalog", cat, "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["usage"] == {"web_search_requests": 3, "requests": 1}
    assert doc["fields"]["cost"][0] == "0.03" and doc["fields"]["cost"][1] is None  # alpha has no such price
    result = runner.invoke(app, ["estimate", "--file-search", "4", "--catalog", cat, "-f", "json"])
    assert result.exit_code == 0, result.output
    ranked = json.loads(result.stdout)["models"]
    assert [(m["model"], Decimal(m["total"])) for m in ranked] == [("acme/omni", Decimal("0.01"))]


def test_a_newer_count_with_a_workload_is_a_usage_error(cat: str) -> None:
    result = runner.invoke(app, ["estimate", "--workload", "w", "--cached-audio", "5", "--catalog", cat])
    assert result.exit_code == 2
    assert "give token counts or --workload, not both (given: --cached-audio)" in " ".join(result.output.split())


@pytest.mark.parametrize("command", [["cost", "acme/omni"], ["estimate"], ["compare", "acme/omni", "acme/alpha"]])
def test_a_bad_newer_count_is_a_usage_error_naming_the_option(cat: str, command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--web-search", "2.5", "--catalog", cat])
    assert result.exit_code == 2
    assert "--web-search" in result.output and "'2.5'" in result.output


def test_requests_alone_on_a_model_without_a_per_request_fee_are_not_a_cost_of_zero(cat: str) -> None:
    result = runner.invoke(app, ["cost", "acme/omni", "--requests", "2", "--catalog", cat])
    assert result.exit_code == 1 and result.stdout == ""
    assert "acme/omni has no per-request fee (per_request): 2 requests alone are not priced" in result.stderr
    result = runner.invoke(app, ["cost", "acme/delta", "--requests", "2", "--catalog", cat, "-f", "json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["total"] == "0.01"  # 2 x its 0.005 fee


def test_a_model_without_the_price_says_what_it_lacks(cat: str) -> None:
    result = runner.invoke(app, ["cost", "acme/alpha", "--web-search", "2", "--catalog", cat])
    assert result.exit_code == 1
    assert "acme/alpha has no price for web-search calls (period from" in " ".join(result.stderr.split())
    result = runner.invoke(app, ["estimate", "--seconds", "5", "--catalog", cat])
    assert "5 no price for seconds of use" in " ".join(result.stderr.split())
    result = runner.invoke(app, ["cost", "acme/gamma", "--output", "10", "--catalog", cat])
    assert "acme/gamma has no price for output tokens" in " ".join(result.stderr.split())
