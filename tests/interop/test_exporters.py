"""Exporters: LiteLLM's map, an OpenRouter list and the price table, checked
against the sources they came from (import -> publish -> export -> compare,
exactly) and against the runtime (a SQL join over the table gives its costs)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import warnings
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import MINI, REPO, SHARED_DATA, TODAY, MakeCatalog
from modelctl.artifact.compile import SourceInfo
from modelctl.artifact.publish import publish
from modelctl.interop.exporters import dumps, load_artifact, price_table
from modelctl.interop.exporters import litellm as litellm_export
from modelctl.interop.exporters import openrouter as openrouter_export
from modelctl.interop.exporters.common import Artifact, float_style
from modelctl.interop.importers import ReadOptions, read_source
from modelctl.interop.importers.litellm import PRICE_KEY
from modelctl.interop.importers.plan import ImportPlan, plan_import
from modelctl.interop.importers.write import apply
from modelctl.runtime import Catalog, Usage

LITELLM = SHARED_DATA / "litellm" / "model_prices_and_context_window.json"
OPENROUTER = SHARED_DATA / "openrouter" / "models.json"
DAY = date.fromisoformat(TODAY)
needs_data = pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data not present")


def imported(kind: str, source: Path, root: Path, **kw: Any) -> ImportPlan:
    plan = plan_import(root, read_source(kind, source, ReadOptions(today=DAY)), today=DAY, **kw)
    apply(root, plan.changes)
    return plan


def published(root: Path, out: Path) -> Path:
    result = publish(root, out, source=SourceInfo())
    assert result.path is not None, [str(f) for f in result.validation.findings][:5]
    return result.path


# --- exact numbers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("0.0000025", "2.5e-06"),
        ("0.00125", "0.00125"),
        ("8.333333333333334E-8", "8.333333333333334e-08"),
        ("0", "0.0"),
        ("3", "3.0"),
    ],
)
def test_numbers_are_written_from_decimal_text_like_python_floats(text: str, written: str) -> None:
    assert float_style(Decimal(text)) == written
    assert Decimal(written) == Decimal(text)
    assert written == repr(float(text))  # what LiteLLM's own file would hold


# --- LiteLLM -----------------------------------------------------------------------------


@needs_data
def test_litellm_import_export_round_trip_is_exact(tmp_path: Path) -> None:
    root = tmp_path / "cat"
    plan = imported("litellm", LITELLM, root, providers=["openai", "anthropic"])
    artifact = load_artifact(published(root, tmp_path / "dist"))
    result = litellm_export.export(artifact, DAY)
    exported = json.loads(dumps(result.data), parse_float=Decimal)
    source = json.loads(LITELLM.read_text(), parse_float=Decimal)
    compared = 0
    for change in plan.of("model", "create"):
        assert change.ref is not None and change.source_key is not None
        provider, model_id = change.ref.split("/")
        ours = exported[litellm_export.key_of(provider, model_id)]
        theirs = source[change.source_key]
        for key in ("input_cost_per_token", "output_cost_per_token", "cache_read_input_token_cost"):
            if key in theirs:
                assert key in ours, (change.ref, key)
        for key, value in theirs.items():
            if (PRICE_KEY.match(key) or key in ("max_input_tokens",)) and key in ours:
                assert ours[key] == value, (change.ref, key, ours[key], value)
                compared += 1
        if change.source_key in exported:  # the original LiteLLM key is the id or an alias
            assert exported[change.source_key] == ours
    assert compared > 1000


NEW_KEYS = re.compile(
    r"^(cache_creation_input_token_cost_above_12hr|cache_read_input_(audio|image)_token_cost|input_cost_per_video_token"
    r"|input_cost_per_audio_per_second)(_above_\d+k_tokens)?(_batches|_flex|_priority)?$"
)


@needs_data
def test_litellm_round_trip_of_search_audio_video_and_12h_cache_prices(tmp_path: Path) -> None:
    """Import -> publish -> export gives back LiteLLM's own numbers for the keys added in issue 12."""
    root = tmp_path / "cat"
    plan = imported("litellm", LITELLM, root, providers=["openai", "anthropic", "google", "amazon-bedrock"])
    result = litellm_export.export(load_artifact(published(root, tmp_path / "dist")), DAY)
    exported = json.loads(dumps(result.data), parse_float=Decimal)
    source = json.loads(LITELLM.read_text(), parse_float=Decimal)
    compared: Counter[str] = Counter()
    for change in plan.of("model", "create"):
        assert change.ref is not None and change.source_key is not None
        provider, model_id = change.ref.split("/")
        ours, theirs = exported[litellm_export.key_of(provider, model_id)], source[change.source_key]
        for key, value in theirs.items():
            if NEW_KEYS.match(key):
                assert ours.get(key) == value, (change.ref, key, ours.get(key), value)
                compared[key.split("_above_")[0] if "12hr" not in key else "12h"] += 1
        searches = theirs.get("search_context_cost_per_query")
        if searches and len(set(searches.values())) == 1:
            assert ours["search_context_cost_per_query"] == searches, change.ref
            compared["search"] += 1
    assert compared["12h"] >= 12 and compared["search"] >= 100, compared
    assert compared["cache_read_input_audio_token_cost"] >= 5 and compared["cache_read_input_image_token_cost"] >= 5
    assert compared["input_cost_per_video_token"] >= 3 and compared["input_cost_per_audio_per_second"] >= 3


def test_litellm_per_minute_audio_is_written_per_second(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    pad = " " * 12
    alpha = (
        MINI["models/acme/alpha.yaml"]
        .replace(f"{pad}output_per_1m: 8.00\n", f"{pad}output_per_1m: 8.00\n{pad}input_audio_per_minute: 0.004\n", 1)
        .replace(f"{pad}output_per_1m: 8.00\n", f"{pad}output_per_1m: 8.00\n{pad}web_search_per_1k: 12.50\n", 1)
        .replace("input: [text, image]", "input: [text, image, audio]")
    )
    assert "input_audio_per_minute" in alpha and "web_search_per_1k" in alpha and "audio]" in alpha
    root = make_catalog({"models/acme/alpha.yaml": alpha})
    result = litellm_export.export(load_artifact(published(root, tmp_path / "dist")), DAY)
    entry = json.loads(dumps(result.data), parse_float=Decimal)["acme/alpha"]
    # 0.004 / 60 = 0.0000666...: rounded to 17 significant digits (a JSON float's), never more
    assert entry["input_cost_per_audio_per_second"] == Decimal("0.000066666666666666667")
    assert entry["search_context_cost_per_query"] == {
        "search_context_size_low": Decimal("0.0125"),
        "search_context_size_medium": Decimal("0.0125"),
        "search_context_size_high": Decimal("0.0125"),
    }
    again = tmp_path / "again.json"
    again.write_text(dumps(result.data))
    back = {c.source_key: c for c in read_source("litellm", again, ReadOptions(today=DAY)).candidates}
    period = back["acme/alpha"].doc["pricing"][0]
    assert period["web_search_per_1k"] == Decimal("12.5")
    # per second and back: 0.0000666...67 x 60 = 0.00400000000000000002, the rounding made visible
    assert period["input_audio_per_minute"] == Decimal("0.00400000000000000002")


@needs_data
def test_xai_tiers_are_inclusive_in_litellm_both_ways(tmp_path: Path) -> None:
    """LiteLLM bills xAI's ``_above_200k_tokens`` from the 200,000th input token on:
    our ``above_input_tokens: 199999``. Import and export keep such tiers, never drop them."""
    root = tmp_path / "cat"
    imported("litellm", LITELLM, root, providers=["xai"], models=["xai/grok-4.3"])
    doc = yaml.safe_load((root / "models" / "xai" / "grok-4.3.yaml").read_text())
    assert [t["above_input_tokens"] for t in doc["pricing"][0]["tiers"]] == [199999]
    result = litellm_export.export(load_artifact(published(REPO / "catalog", tmp_path / "dist")), DAY)
    grok = result.data["xai/grok-4.20"]
    assert "input_cost_per_token_above_200k_tokens" in grok and "output_cost_per_token_above_200k_tokens" in grok
    assert not [n for n in result.notes if n.startswith("xai/") and "tier" in n], result.notes
    source = json.loads(LITELLM.read_text(), parse_float=Decimal)["xai/grok-4.3"]
    exported = json.loads(dumps(result.data), parse_float=Decimal)["xai/grok-4.3"]
    for key in ("input_cost_per_token_above_200k_tokens", "output_cost_per_token_above_200k_tokens"):
        assert exported[key] == source[key], key


def test_a_tier_litellm_cannot_say_is_noted(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    root = make_catalog(
        {
            "models/acme/alpha.yaml": MINI["models/acme/alpha.yaml"].replace(
                "above_input_tokens: 128000, input", "above_input_tokens: 127999, input"
            )
        }
    )
    result = litellm_export.export(load_artifact(published(root, tmp_path / "dist")), DAY)
    assert "input_cost_per_token_above_127k_tokens" not in result.data["acme/alpha"]
    assert any("tier above 127,999 tokens does not start above a whole number of thousands" in n for n in result.notes)


@needs_data
def test_exported_map_has_no_float_noise(tmp_path: Path) -> None:
    root = tmp_path / "cat"
    imported("litellm", LITELLM, root, providers=["openai"])
    text = dumps(litellm_export.export(load_artifact(published(root, tmp_path / "dist")), DAY).data)
    numbers = [line.split(": ")[1].rstrip(",") for line in text.splitlines() if "_cost_" in line]
    assert numbers and all(len(n) < 24 for n in numbers)
    assert "00000000001" not in text and "99999999" not in text


def _litellm_module() -> Any:
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"  # otherwise it fetches its map from the network
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pytest.importorskip("litellm")


PROBE = """\
    # yaml-language-server: $schema=../../../schema/model.schema.json
    id: modelctl-probe
    name: Probe
    status: active
    limits: {context_window: 1000000, max_output_tokens: 16384}
    modalities: {input: [text], output: [text]}
    features: [prompt_caching]
    pricing:
      - effective_from: 2025-01-01
        source: test
        checked: 2026-11-01
        input_per_1m: 2.50
        cached_input_per_1m: 1.25
        output_per_1m: 10.00
        tiers:
          - {above_input_tokens: 200000, input_per_1m: 5.00, cached_input_per_1m: 2.50, output_per_1m: 15.00}
    """


@pytest.mark.parametrize(
    ("prompt", "cached", "completion"),
    [
        pytest.param(1200, 0, 300, id="plain"),
        pytest.param(1200, 200, 300, id="cached"),
        pytest.param(250_000, 0, 300, id="tier"),
    ],
)
def test_exported_map_loads_with_litellms_own_loader(
    make_catalog: MakeCatalog, tmp_path: Path, prompt: int, cached: int, completion: int
) -> None:
    litellm = _litellm_module()
    provider = "# yaml-language-server: $schema=../../schema/provider.schema.json\nid: openai\nname: OpenAI\n"
    root = make_catalog({"providers/openai.yaml": provider, "models/openai/modelctl-probe.yaml": PROBE})
    path = published(root, tmp_path / "dist")
    exported = json.loads(dumps(litellm_export.export(load_artifact(path), DAY).data))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        litellm.register_model(exported)
        costs = litellm.cost_per_token(
            model="modelctl-probe", prompt_tokens=prompt, completion_tokens=completion, cache_read_input_tokens=cached
        )
    usage = Usage(input_tokens=prompt - cached, cached_input_tokens=cached, output_tokens=completion)
    expected = Catalog.load(path).cost("openai/modelctl-probe", usage).total
    assert sum(costs) == pytest.approx(float(expected), rel=1e-12)


# --- OpenRouter ----------------------------------------------------------------------------


@needs_data
def test_openrouter_export_gives_back_the_source_prices(tmp_path: Path) -> None:
    root = tmp_path / "cat"
    imported("openrouter", OPENROUTER, root)
    artifact = load_artifact(published(root, tmp_path / "dist"))
    result = openrouter_export.export(artifact, DAY)
    source = {m["id"]: m for m in json.loads(OPENROUTER.read_text())["data"]}
    compared = searched = 0
    for item in result.data["data"]:
        model = artifact.models[item["id"]]
        original = source[model["aliases"][0]]
        for key, text in item["pricing"].items():
            assert Decimal(text) == Decimal(original["pricing"][key]), (item["id"], key)
            compared += 1
            searched += key == "web_search"
        assert item["context_length"] == original["context_length"]
    assert compared > 700 and searched >= 70  # web_search: USD per call both ways (79 in the dump)
    out = tmp_path / "or.json"
    out.write_text(dumps(result.data, indent=2))
    again = read_source("openrouter", out, ReadOptions(today=DAY))
    assert len(again.candidates) == len(result.data["data"])


# --- the price table ----------------------------------------------------------------------------


@pytest.fixture
def mini_artifact(make_catalog: MakeCatalog, tmp_path: Path) -> tuple[Artifact, Path]:
    path = published(make_catalog(), tmp_path / "dist")
    return load_artifact(path), path


def test_price_table_rows_are_complete_and_dated(mini_artifact: tuple[Artifact, Path]) -> None:
    rows = price_table.rows(mini_artifact[0])
    alpha = [r for r in rows if r["model"] == "acme/alpha"]
    key = [(r["variant"], r["above_input_tokens"], r["valid_from"], r["valid_to"]) for r in alpha]
    assert key == [
        ("", None, "2025-01-01", "2025-06-01"),
        ("", None, "2025-06-01", None),
        ("", 128000, "2025-06-01", None),
        ("batch", None, "2025-06-01", None),
        ("batch", 128000, "2025-06-01", None),
    ]
    base, tier, batch, batch_tier = alpha[1], alpha[2], alpha[3], alpha[4]
    assert base["up_to_input_tokens"] == 128000 and tier["up_to_input_tokens"] is None
    assert (tier["input_per_1m"], tier["cached_input_per_1m"], tier["output_per_1m"]) == ("4.00", "0.20", "16.00")
    assert (batch["input_per_1m"], batch["cached_input_per_1m"]) == ("1.00", "0.20")  # inherited from the base
    assert (batch_tier["input_per_1m"], batch_tier["output_per_1m"]) == ("2.00", "4.00")
    assert [r["valid_from"] for r in price_table.rows(mini_artifact[0], at=date(2025, 3, 1))] == [
        "2025-01-01",
        "2024-01-01",
    ]


def test_csv_and_jsonl_share_the_documented_columns(mini_artifact: tuple[Artifact, Path]) -> None:
    table = price_table.rows(mini_artifact[0])
    reader = csv.reader(io.StringIO(price_table.to_csv(table)))
    assert tuple(next(reader)) == price_table.NAMES
    assert sum(1 for _ in reader) == len(table)
    lines = price_table.to_jsonl(table).splitlines()
    assert [tuple(json.loads(line)) for line in lines] == [price_table.NAMES] * len(table)


def test_a_sql_join_over_the_table_gives_the_runtimes_costs(mini_artifact: tuple[Artifact, Path]) -> None:
    artifact, path = mini_artifact
    db = sqlite3.connect(":memory:")
    cols = ", ".join(f"{n} INTEGER" if n in price_table.INT_COLUMNS else f"{n} TEXT" for n in price_table.NAMES)
    db.execute(f"CREATE TABLE prices ({cols})")
    reader = csv.DictReader(io.StringIO(price_table.to_csv(price_table.rows(artifact))))
    for row in reader:
        values = [row[n] or None for n in price_table.NAMES]
        db.execute(f"INSERT INTO prices VALUES ({', '.join('?' * len(values))})", values)
    runtime = Catalog.load(path)
    usages = [
        ("acme/alpha", None, "2025-03-01", 1000, 0, 500),
        ("acme/alpha", None, "2025-07-01", 1000, 200, 500),
        ("acme/alpha", None, "2025-07-01", 200000, 0, 10),
        ("acme/alpha", "batch", "2025-07-01", 127000, 1000, 10),
        ("acme/alpha", "batch", "2025-07-01", 127000, 1001, 10),
        ("acme/beta", None, "2026-01-01", 5, 0, 7),
    ]
    for model, variant, day, uncached, cached, output in usages:
        side = uncached + cached
        found = db.execute(
            """SELECT input_per_1m, cached_input_per_1m, output_per_1m FROM prices
               WHERE model = ? AND coalesce(variant, '') = coalesce(?, '')
                 AND ? >= valid_from AND (valid_to IS NULL OR ? < valid_to)
                 AND ? > coalesce(above_input_tokens, -1)
                 AND (up_to_input_tokens IS NULL OR ? <= up_to_input_tokens)""",
            (model, variant, day, day, side, side),
        ).fetchall()
        assert len(found) == 1, (model, variant, day, side)
        rate_in, rate_cached, rate_out = (Decimal(x) if x else Decimal(0) for x in found[0])
        total = (rate_in * uncached + rate_cached * cached + rate_out * output) / 1_000_000
        usage = Usage(input_tokens=uncached, cached_input_tokens=cached, output_tokens=output)
        assert total == runtime.cost(model, usage, at=day, variant=variant).total, (model, variant, day)


def test_litellm_off_peak_pricing_from_windows(repo_artifact: bytes, tmp_path: Path) -> None:
    # catalog/models/deepseek/deepseek-v4-flash.yaml from 2026-09-10: off_peak 0.15 / 0.003 / 0.60 per 1M
    # outside 01:00-04:00 and 06:00-10:00 UTC, and all day on Saturdays and Sundays.
    path = tmp_path / "catalog.json"
    path.write_bytes(repo_artifact)
    result = litellm_export.export(load_artifact(path), DAY)
    off = json.loads(dumps(result.data))["deepseek/deepseek-v4-flash"]["off_peak_pricing"]
    assert off == {
        "input_cost_per_token": 1.5e-07,
        "cache_read_input_token_cost": 3e-09,
        "output_cost_per_token": 6e-07,
        "hours_utc": ["10:00-01:00", "04:00-06:00"],
        "windows": [{"hours_utc": ["00:00-00:00"], "weekdays": [6, 7]}],
    }
    assert not any("deepseek-v4-flash: variant 'off_peak'" in n for n in result.notes)
    chat = json.loads(dumps(result.data))["deepseek/deepseek-chat"]["off_peak_pricing"]
    assert chat["hours_utc"] == ["16:30-00:30"] and chat["input_cost_per_token"] == 1.35e-07


@pytest.mark.parametrize(
    ("given", "says"),
    [
        # str.isdigit() took these, then int() raised a ValueError traceback (or, for the Arabic-Indic
        # digits, the query held a literal no SQL engine reads)
        ("9" * 5000, "images=9999999999...9999999999 (5,000 characters): a count is a whole number from 0 to"),
        ("18446744073709551616", "images=18446744073709551616: a count is a whole number from 0 to"),
        ("\u00b2", "'\u00b2' is not a column name"),
        ("\u0661\u0662", "'\u0661\u0662' is not a column name"),
    ],
)
def test_sql_column_count_that_is_not_one_is_refused(given: str, says: str) -> None:
    from modelctl.interop.exporters import sql

    with pytest.raises(ValueError, match=re.escape(says)):
        sql.parse_columns([f"images={given}"])
    assert sql.parse_columns(["images=18446744073709551615", "cached_input_tokens=007"]) == {
        "images": "18446744073709551615",
        "cached_input_tokens": "007",
    }
