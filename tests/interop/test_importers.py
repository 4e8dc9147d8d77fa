"""Importers on the real public catalogs in ../shared/data: exact units, ids,
tiers, variants, history, unmapped fields, malformed sources, --update."""

from __future__ import annotations

import json
import shutil
import textwrap
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import REPO, SHARED_DATA, TODAY
from modelctl.catalog.strict_yaml import load_text
from modelctl.interop.importers import ReadOptions, SourceError, read_source
from modelctl.interop.importers.common import assign_ids, per_token_to_per_1m, slug
from modelctl.interop.importers.plan import ImportPlan, plan_import
from modelctl.interop.importers.report import report_json
from modelctl.interop.importers.write import apply
from modelctl.interop.importers.yamlout import render_model
from modelctl.rules.validate import validate_catalog

pytestmark = pytest.mark.skipif(
    not SHARED_DATA.is_dir(), reason="../shared/data (public catalog snapshots) not present"
)

LITELLM = SHARED_DATA / "litellm" / "model_prices_and_context_window.json"
GENAI = SHARED_DATA / "genai-prices"
MODELS_DEV = SHARED_DATA / "models.dev" / "providers"
OPENROUTER = SHARED_DATA / "openrouter" / "models.json"
DAY = date.fromisoformat(TODAY)


def opts(since: date | None = None) -> ReadOptions:
    return ReadOptions(today=DAY, since=since)


def run_import(kind: str, source: Path, root: Path, **kw: object) -> ImportPlan:
    since = kw.pop("since", None)
    data = read_source(kind, source, opts(since))  # type: ignore[arg-type]
    plan = plan_import(root, data, today=DAY, **kw)  # type: ignore[arg-type]
    apply(root, [c for c in plan.changes if c.action == "create" or kw.get("update")])
    return plan


def model_data(root: Path, ref: str) -> dict:  # type: ignore[type-arg]
    provider, model_id = ref.split("/")
    path = root / "models" / provider / f"{model_id}.yaml"
    loaded = load_text(path.read_text(encoding="utf-8"), str(path))
    assert loaded.data is not None, loaded.findings
    return loaded.data  # type: ignore[no-any-return]


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# --- units and ids ---------------------------------------------------------------------


def test_per_token_floats_become_per_1m_exactly() -> None:
    raw = json.loads(LITELLM.read_text(), parse_float=Decimal)
    data = read_source("litellm", LITELLM, opts())
    checked = 0
    for cand in data.candidates:
        if cand.provider != "openai" or "input_cost_per_token" not in raw[cand.source_key]:
            continue
        period = cand.doc["pricing"][0]
        assert period["input_per_1m"] == raw[cand.source_key]["input_cost_per_token"] * 1_000_000
        checked += 1
    assert checked > 100
    assert per_token_to_per_1m(json.loads("2.5e-06", parse_float=Decimal)) == Decimal("2.5")
    assert str(per_token_to_per_1m(Decimal("8.333333333333334e-08"))) == "0.08333333333333334"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param(
            "anthropic.claude-3-5-sonnet-20241022-v2:0", "anthropic.claude-3-5-sonnet-20241022-v2-0", id="bedrock"
        ),
        pytest.param("meta-llama/llama-3-70b", "llama-3-70b", id="org-prefix"),
        pytest.param("~google/gemini-pro-latest", "gemini-pro-latest", id="tilde"),
        pytest.param("gpt-4o", "gpt-4o", id="clean"),
    ],
)
def test_clean_ids(name: str, expected: str) -> None:
    assert assign_ids([name])[name] == expected


def test_clashing_short_names_keep_the_whole_name() -> None:
    ids = assign_ids(["meta-llama/llama-3-70b", "nous/llama-3-70b", "x/other"])
    assert ids == {
        "meta-llama/llama-3-70b": "meta-llama-llama-3-70b",
        "nous/llama-3-70b": "nous-llama-3-70b",
        "x/other": "other",
    }
    assert assign_ids(["gpt-4o"], {"gpt-4o": "GPT-4o"}) == {"gpt-4o": "GPT-4o"}
    assert slug("::") == "model"


def test_rendered_yaml_writes_every_price_key_of_the_vocabulary() -> None:
    from modelctl.authoring import fmt
    from modelctl.catalog.model import PRICE_KEYS
    from modelctl.interop.importers import yamlout

    assert sorted(yamlout.PRICE_KEYS) == sorted(PRICE_KEYS)  # a key missing from the writer is dropped silently
    schema = json.loads((REPO / "schema" / "model.schema.json").read_text())["properties"]["pricing"]["items"]
    canonical = [k for k in fmt._price_order(schema)["properties"] if k in PRICE_KEYS]
    assert list(yamlout.PRICE_KEYS) == canonical  # what import writes is what `modelctl fmt` keeps
    period = {"effective_from": DAY, "source": "s", "checked": DAY, **{k: Decimal("1.5") for k in PRICE_KEYS}}
    doc = {"id": "x", "status": "active", "limits": {"context_window": 1000}, "pricing": [period]}
    loaded = load_text(render_model(doc), "x.yaml")
    assert loaded.data is not None
    assert {k for k in loaded.data["pricing"][0] if k in PRICE_KEYS} == set(PRICE_KEYS)


def test_rendered_yaml_loads_back_to_the_same_document() -> None:
    doc = {
        "id": "x",
        "name": "yes",  # a YAML 1.1 boolean if unquoted
        "status": "active",
        "aliases": ["a.b-v2:0", "1e-6", "org/model"],
        "limits": {"context_window": 1000},
        "modalities": {"input": ["text"], "output": ["text"]},
        "pricing": [
            {
                "effective_from": date(2025, 1, 1),
                "source": "a: b, #c",
                "checked": DAY,
                "note": 'say "hi"\nthere',
                "input_per_1m": Decimal("2.5E+0"),
                "output_per_1m": Decimal("10"),
                "tiers": [{"above_input_tokens": 500, "input_per_1m": Decimal("0.08333333333333334")}],
                "variants": {"batch": {"input_per_1m": Decimal("1.25")}},
            }
        ],
    }
    text = render_model(doc)
    loaded = load_text(text, "x.yaml")
    assert loaded.findings == [] and loaded.data is not None
    assert "input_per_1m: 2.50" in text and "output_per_1m: 10.00" in text and "E+" not in text
    data = loaded.data
    assert data["name"] == "yes" and data["aliases"] == doc["aliases"]
    period = data["pricing"][0]
    assert period["source"] == "a: b, #c" and period["note"] == 'say "hi"\nthere'
    assert period["tiers"][0]["input_per_1m"] == Decimal("0.08333333333333334")
    assert period["effective_from"] == "2025-01-01"


# --- LiteLLM -------------------------------------------------------------------------


def test_litellm_import_writes_a_valid_catalog_with_tiers_variants_and_lifecycle(tmp_path: Path) -> None:
    root = tmp_path / "cat"
    plan = run_import("litellm", LITELLM, root, providers=["openai", "anthropic", "google"])
    assert validate_catalog(root).valid
    assert len(plan.of("model", "create")) > 150
    gpt4o = model_data(root, "openai/gpt-4o")
    period = gpt4o["pricing"][0]
    assert (period["input_per_1m"], period["cached_input_per_1m"], period["output_per_1m"]) == (
        Decimal("2.5"),
        Decimal("1.25"),
        Decimal("10"),
    )
    assert period["variants"]["batch"] == {"input_per_1m": Decimal("1.25"), "output_per_1m": Decimal("5")}
    assert period["variants"]["priority"]["cached_input_per_1m"] == Decimal("2.125")
    assert period["effective_from"] == TODAY and period["checked"] == TODAY
    assert period["source"].startswith("LiteLLM model_prices_and_context_window.json (sha256:8943af58bf9f)")
    assert gpt4o["status"] == "deprecated"
    assert gpt4o["deprecation"]["retires"] == "2027-01-14"
    assert gpt4o["deprecation"]["replacement"] == "openai/gpt-6-luna"
    assert "batch_api" in gpt4o["features"] and "vision" in gpt4o["features"]
    gemini = model_data(root, "google/gemini-2.5-pro")  # LiteLLM's `gemini` provider is the catalog's google
    tier = gemini["pricing"][0]["tiers"][0]
    assert tier["above_input_tokens"] == 200_000 and tier["input_per_1m"] == Decimal("2.5")
    assert gemini["pricing"][0]["variants"]["batch"]["tiers"][0]["output_per_1m"] == Decimal("7.5")


def test_litellm_unknown_keys_and_skips_are_reported(tmp_path: Path) -> None:
    plan = run_import("litellm", LITELLM, tmp_path / "cat", providers=["openai"])
    assert plan.unmapped["supports_tool_choice"] > 50
    assert plan.unmapped["supports_system_messages"] > 10
    assert "input_dbu_cost_per_token" not in plan.unmapped  # Databricks' field: counted for the chosen models only
    reasons = {s.reason for s in plan.skipped}
    assert "no context window (max_input_tokens)" in reasons
    assert all(s.provider == "openai" for s in plan.skipped)


def _litellm(key: str) -> dict:  # type: ignore[type-arg]
    """The one period imported from LiteLLM's entry ``key``."""
    data = read_source("litellm", LITELLM, ReadOptions(today=DAY, require_limits=False))
    (cand,) = [c for c in data.candidates if c.source_key == key]
    return cand.doc["pricing"][0]  # type: ignore[no-any-return]


def test_litellm_12h_cache_writes_with_tiers_and_variants() -> None:
    """gpt-6-sol in LiteLLM 1.110.2: cache_creation_input_token_cost_above_12hr 5e-06, _above_272k_tokens
    1e-05, _batches 2.5e-06, _priority 1e-05, _above_272k_tokens_priority 2e-05 (read by hand)."""
    period = _litellm("gpt-6-sol")
    assert period["cache_write_12h_per_1m"] == Decimal("5")
    assert period["cache_write_per_1m"] == Decimal("2.5")  # the 5-minute write is its own key
    (tier,) = period["tiers"]
    assert tier["above_input_tokens"] == 272_000 and tier["cache_write_12h_per_1m"] == Decimal("10")
    assert period["variants"]["batch"]["cache_write_12h_per_1m"] == Decimal("2.5")
    priority = period["variants"]["priority"]
    assert priority["cache_write_12h_per_1m"] == Decimal("10")
    assert priority["tiers"][0]["cache_write_12h_per_1m"] == Decimal("20")


def test_litellm_cached_audio_image_and_video_tokens() -> None:
    realtime = _litellm("gpt-realtime")  # cache_read_input_audio_token_cost 4e-07, ..._image_... 5e-07
    assert realtime["cached_input_audio_per_1m"] == Decimal("0.4")
    assert realtime["cached_input_image_per_1m"] == Decimal("0.5")
    embedding = _litellm("gemini/gemini-embedding-2")  # input_cost_per_video_token 1.2e-05, _batches 6e-06
    assert embedding["input_video_per_1m"] == Decimal("12")
    assert embedding["variants"]["batch"]["input_video_per_1m"] == Decimal("6")


def test_litellm_search_fees_per_query_become_per_1000_calls() -> None:
    # claude-sonnet-4-6: search_context_cost_per_query 0.01 for every size; gpt-4o-search-preview 0.025
    assert _litellm("claude-sonnet-4-6")["web_search_per_1k"] == Decimal("10")
    assert _litellm("gpt-4o-search-preview")["web_search_per_1k"] == Decimal("25")
    # perplexity/sonar-pro: low 0.006, medium 0.01, high 0.014: LiteLLM's default (medium) is kept, and said
    data = read_source("litellm", LITELLM, ReadOptions(today=DAY, require_limits=False))
    (sonar,) = [c for c in data.candidates if c.source_key == "perplexity/sonar-pro"]
    assert sonar.doc["pricing"][0]["web_search_per_1k"] == Decimal("10")
    assert "search_context_cost_per_query (other context sizes than medium)" in sonar.unmapped


def test_litellm_per_second_prices() -> None:
    # amazon.nova-2-multimodal-embeddings-v1:0: input_cost_per_audio_per_second 0.00014 -> 0.0084 per minute;
    # its input_cost_per_video_per_second has no catalog key and is reported
    data = read_source("litellm", LITELLM, ReadOptions(today=DAY, require_limits=False))
    by_key = {c.source_key: c for c in data.candidates}
    nova = by_key["amazon.nova-2-multimodal-embeddings-v1:0"]
    assert nova.doc["pricing"][0]["input_audio_per_minute"] == Decimal("0.0084")
    assert "input_cost_per_video_per_second" in nova.unmapped
    # a transcription model's input_cost_per_second is per second of audio: 5e-05 -> 0.003 per minute
    assert by_key["mistral/voxtral-mini-2602"].doc["pricing"][0]["input_audio_per_minute"] == Decimal("0.003")
    # elsewhere it is per second of use: Bedrock's provisioned cohere.command-text-v14, 0.011
    commitment = by_key["bedrock/*/1-month-commitment/cohere.command-text-v14"].doc["pricing"][0]
    assert commitment["per_second"] == Decimal("0.011") and "input_audio_per_minute" not in commitment


def test_litellm_search_fee_that_is_not_a_number_skips_the_model(tmp_path: Path) -> None:
    source = tmp_path / "map.json"
    entry = {"litellm_provider": "openai", "mode": "chat", "max_input_tokens": 1000, "input_cost_per_token": 1e-06}
    bad = {**entry, "search_context_cost_per_query": {"search_context_size_medium": "ten"}}
    source.write_text(json.dumps({"good": entry, "bad": bad}))
    data = read_source("litellm", source, opts())
    assert [c.name for c in data.candidates] == ["good"]
    (skip,) = data.skipped
    assert skip.name == "bad" and "search_context_cost_per_query" in skip.reason and "not a price" in skip.reason


def test_bedrock_style_names_get_clean_ids_and_keep_the_name_as_alias(tmp_path: Path) -> None:
    root = tmp_path / "cat"
    run_import(
        "litellm", LITELLM, root, providers=["amazon-bedrock"], models=["anthropic.claude-3-5-sonnet-20241022-v2:0"]
    )
    data = model_data(root, "amazon-bedrock/anthropic.claude-3-5-sonnet-20241022-v2-0")
    assert data["aliases"] == ["anthropic.claude-3-5-sonnet-20241022-v2:0"]
    assert validate_catalog(root).valid


# --- genai-prices --------------------------------------------------------------------


def test_genai_prices_history_tiers_and_time_of_day(tmp_path: Path) -> None:
    root = tmp_path / "cat"
    plan = run_import("genai-prices", GENAI, root)
    assert validate_catalog(root).valid
    flash = model_data(root, "google/gemini-1.5-flash")["pricing"][0]
    assert flash["effective_from"] == "2025-07-04"  # prices_checked: the day the price was read
    assert flash["tiers"] == [
        {
            "above_input_tokens": 128000,
            "input_per_1m": Decimal("0.15"),
            "cached_input_per_1m": Decimal("0.0375"),
            "output_per_1m": Decimal("0.6"),
        }
    ]
    chat = model_data(root, "deepseek/deepseek-chat")
    assert chat["pricing"][0]["variants"]["utc_0030_1630"]["output_per_1m"] == Decimal("1.1")
    assert "deepseek-chat-v3-0324" in chat["aliases"]  # an `equals` match rule
    assert plan.unmapped["match.starts_with"] > 0 and plan.unmapped["prices.web_searches_kcount"] == 0
    assert any("no context window" in s.reason for s in plan.skipped)


def test_genai_prices_search_fees_video_and_cached_audio_image_keys() -> None:
    """Values read by hand from ../shared/data/genai-prices (47df840a)."""
    cands = {(c.provider, c.name): c for c in read_source("genai-prices", GENAI, opts()).candidates}
    haiku = cands[("anthropic", "claude-3-5-haiku-latest")].doc["pricing"][0]  # anthropic.yml: web_searches_kcount: 10
    assert haiku["web_search_per_1k"] == Decimal("10") and "per_request" not in haiku  # per 1,000 on both sides
    embedding = cands[("google", "gemini-embedding-2")].doc["pricing"][0]  # google.yml: input_video_mtok: 12
    assert embedding["input_video_per_1m"] == Decimal("12") and embedding["input_audio_per_1m"] == Decimal("6.5")
    flash = cands[("google", "gemini-2.0-flash")].doc["pricing"][0]  # cache_audio_read_mtok: 0.175
    assert flash["cached_input_audio_per_1m"] == Decimal("0.175") and flash["cached_input_per_1m"] == Decimal("0.025")
    mini = cands[("openai", "gpt-realtime-mini")].doc["pricing"][0]  # openai.yml: 0.3 audio, 0.08 image cache reads
    assert mini["cached_input_audio_per_1m"] == Decimal("0.3") and mini["cached_input_image_per_1m"] == Decimal("0.08")


def test_genai_prices_audio_hours_become_per_minute_only_where_exact(tmp_path: Path) -> None:
    source = tmp_path / "mistral.yml"
    source.write_text(
        textwrap.dedent(
            """\
            id: mistral
            name: Mistral
            models:
              - id: voxtral-small-24b-2507
                prices_checked: 2026-06-03
                prices: {input_mtok: 0.1, output_mtok: 0.4, audio_hours: 0.24, input_audio_hours: 0.24}
              - id: odd-audio
                prices: {input_mtok: 0.1, input_audio_hours: 0.1}
              - id: speech-out
                prices: {input_mtok: 0.1, audio_hours: 3}
            """
        )
    )
    data = read_source("genai-prices", source, opts())
    cands = {c.name: c for c in data.candidates}
    voxtral = cands["voxtral-small-24b-2507"]
    assert voxtral.doc["pricing"][0]["input_audio_per_minute"] == Decimal("0.004")  # 0.24 / 60
    assert voxtral.unmapped == ()  # audio_hours equal to input_audio_hours says nothing more
    assert "input_audio_per_minute" not in cands["odd-audio"].doc["pricing"][0]  # 0.1 / 60 has no decimal form
    assert any("prices.input_audio_hours (not a whole" in u for u in cands["odd-audio"].unmapped)
    assert "prices.audio_hours" in cands["speech-out"].unmapped  # either direction: not input audio


def test_genai_prices_dated_history_with_since(tmp_path: Path) -> None:
    data = read_source("genai-prices", GENAI / "openai.yml", opts(since=date(2025, 4, 16)))
    o3 = next(c for c in data.candidates if c.name == "o3")
    periods = [(p["effective_from"], p["input_per_1m"], p["output_per_1m"]) for p in o3.doc["pricing"]]
    assert periods == [(date(2025, 6, 10), Decimal(2), Decimal(8)), (date(2025, 4, 16), Decimal(10), Decimal(40))]
    without = read_source("genai-prices", GENAI / "openai.yml", opts())
    o3 = next(c for c in without.candidates if c.name == "o3")
    assert [p["effective_from"] for p in o3.doc["pricing"]] == [date(2025, 6, 10)]
    assert any("undated price before a dated change" in u for u in o3.unmapped)


def test_genai_prices_price_variants(tmp_path: Path) -> None:
    source = tmp_path / "acme.yml"
    source.write_text(
        textwrap.dedent(
            """\
            id: acme
            name: Acme
            api_pattern: x
            models:
              - id: alpha
                context_window: 100000
                prices:
                  - prices: {input_mtok: 2, output_mtok: 8}
                  - constraint: {start_date: 2025-06-01}
                    prices: {input_mtok: 1, output_mtok: 4, requests_kcount: 5}
                price_variants:
                  - when: {processing: batch}
                    prices: {input_mtok: 0.5, output_mtok: 2}
                    constraint: {start_date: 2025-07-01}
                  - when: {search_type: web}
                    prices: {}
            """
        )
    )
    cand = read_source("genai-prices", source, opts(since=date(2025, 1, 1))).candidates[0]
    newest, oldest = cand.doc["pricing"]
    assert newest["variants"] == {"batch": {"input_per_1m": Decimal("0.5"), "output_per_1m": Decimal(2)}}
    assert newest["per_request"] == Decimal("0.005")  # per 1,000 requests -> per request
    assert "variants" not in oldest


# --- models.dev ------------------------------------------------------------------------


def test_models_dev_negative_fixtures_are_reported_never_dropped(tmp_path: Path) -> None:
    root = tmp_path / "cat"
    plan = run_import("models.dev", MODELS_DEV, root)
    assert validate_catalog(root).valid
    assert plan.unmapped["cost.cache_input"] >= 1
    assert plan.unmapped["cost.citation"] == 1 and plan.unmapped["cost.request"] == 1
    data = read_source("models.dev", MODELS_DEV / "siliconflow", opts())
    glm = next(c for c in data.candidates if c.name == "zai-org/GLM-5.1")
    assert "cost.cache_input" in glm.unmapped
    assert "cached_input_per_1m" not in glm.doc["pricing"][0]  # not guessed from the typo
    sonar = model_data(root, "perplexity/sonar-deep-research")
    assert "per_request" not in sonar["pricing"][0]
    assert sonar["pricing"][0]["reasoning_per_1m"] == Decimal("3")
    glm_file = model_data(root, "siliconflow/GLM-5.1")
    assert glm_file["aliases"] == ["zai-org/GLM-5.1"]


def test_models_dev_base_model_tiers_and_modes(tmp_path: Path) -> None:
    data = read_source("models.dev", MODELS_DEV, opts())
    by = {(c.provider, c.name): c for c in data.candidates}
    bedrock = by[("amazon-bedrock", "openai.gpt-5.4")]
    assert bedrock.doc["knowledge_cutoff"] == date(2025, 8, 31)  # from models/openai/gpt-5.4.toml
    assert "tiers" not in bedrock.doc["pricing"][0]  # base_model_omit: cost.tiers
    opus = by[("anthropic", "claude-opus-4-7")]
    assert opus.doc["pricing"][0]["variants"]["fast"]["output_per_1m"] == Decimal("150.00")
    assert opus.doc["pricing"][0]["effective_from"] == date(2026, 4, 16)  # the release date
    tiered = [c for c in data.candidates if c.doc["pricing"][0].get("tiers")]
    assert tiered and all(
        t["above_input_tokens"] < c.doc["limits"]["context_window"]
        for c in tiered
        for t in c.doc["pricing"][0]["tiers"]
    )


# --- OpenRouter ------------------------------------------------------------------------


def test_openrouter_ids_aliases_and_string_prices(tmp_path: Path) -> None:
    root = tmp_path / "cat"
    plan = run_import("openrouter", OPENROUTER, root)
    assert validate_catalog(root).valid
    data = model_data(root, "openrouter/claude-opus-4.7-fast")
    assert data["aliases"] == ["anthropic/claude-opus-4.7-fast", "anthropic/claude-4.7-opus-fast-20260512"]
    period = data["pricing"][0]
    assert (period["input_per_1m"], period["cache_write_per_1m"]) == (Decimal(30), Decimal("37.5"))
    assert any("negative price" in s.reason for s in plan.skipped)
    assert period["web_search_per_1k"] == Decimal("10")  # "web_search": "0.01" USD per call
    assert plan.unmapped["pricing.web_search"] == 0
    grok = model_data(root, "openrouter/grok-4.3")["pricing"][0]  # x-ai/grok-4.3: "web_search": "0.005"
    assert grok["web_search_per_1k"] == Decimal("5")


# --- malformed sources ---------------------------------------------------------------------


def test_truncated_json_names_the_position(tmp_path: Path) -> None:
    bad = tmp_path / "prices.json"
    bad.write_bytes(LITELLM.read_bytes()[:5000])
    with pytest.raises(SourceError) as info:
        read_source("litellm", bad, opts())
    assert info.value.location is not None and info.value.location.file == str(bad)
    assert info.value.location.line > 1 and "invalid JSON" in str(info.value)


def test_bad_toml_stops_the_whole_models_dev_import(tmp_path: Path) -> None:
    src = tmp_path / "perplexity"
    shutil.copytree(MODELS_DEV / "perplexity", src)
    (src / "models" / "sonar.toml").write_text('name = "Sonar"\n[cost\ninput = 1\n')
    with pytest.raises(SourceError) as info:
        read_source("models.dev", src, opts())
    assert info.value.location is not None and info.value.location.line == 2
    assert str(info.value).startswith(f"{src / 'models' / 'sonar.toml'}:2:")


# --- existing files and --update -------------------------------------------------------------


def test_existing_files_are_never_overwritten_without_update(tmp_path: Path) -> None:
    root = tmp_path / "cat"
    run_import("litellm", LITELLM, root, providers=["deepseek"])
    before = tree(root)
    plan = run_import("litellm", LITELLM, root, providers=["deepseek"])
    assert plan.changes == () and len(plan.exists) >= 5
    assert tree(root) == before


def test_update_merges_prices_into_the_history(tmp_path: Path, make_catalog) -> None:  # type: ignore[no-untyped-def]
    root = make_catalog()
    source = tmp_path / "litellm.json"
    entry = {"litellm_provider": "acme", "mode": "chat", "max_input_tokens": 200000, "max_output_tokens": 8192}
    same = {
        **entry,
        **{"input_cost_per_token": 2e-06, "output_cost_per_token": 8e-06, "cache_read_input_token_cost": 2e-07},
        **{"input_cost_per_token_above_128k_tokens": 4e-06, "output_cost_per_token_above_128k_tokens": 1.6e-05},
        **{"input_cost_per_token_batches": 1e-06, "output_cost_per_token_batches": 4e-06},
        "input_cost_per_token_above_128k_tokens_batches": 2e-06,
    }
    source.write_text(json.dumps({"acme/alpha": same}))
    data = read_source("litellm", source, opts())
    plan = plan_import(root, data, today=DAY, update=True)
    (change,) = plan.changes
    new = load_text(change.text, "alpha.yaml").data
    assert new["name"] == "Alpha" and new["status"] == "active"  # the file's, not made-up ones
    assert new["pricing"][0]["checked"] == TODAY and new["pricing"][0]["effective_from"] == "2025-06-01"
    assert len(new["pricing"]) == 2  # same prices: no new period, only checked/source refreshed
    changed = {**same, "input_cost_per_token": 2.2e-06}
    source.write_text(json.dumps({"acme/alpha": changed}))
    plan = plan_import(root, read_source("litellm", source, opts()), today=DAY, update=True)
    new = load_text(plan.changes[0].text, "alpha.yaml").data
    assert [p["effective_from"] for p in new["pricing"]] == [TODAY, "2025-06-01", "2025-01-01"]
    assert new["pricing"][0]["input_per_1m"] == Decimal("2.2")
    plan = plan_import(root, read_source("litellm", source, opts(since=date(2025, 3, 1))), today=DAY, update=True)
    assert plan.changes == () and "--since" in plan.skipped[0].reason


def test_update_from_a_second_source_brings_dated_history(tmp_path: Path) -> None:
    root = tmp_path / "cat"
    run_import("models.dev", MODELS_DEV / "openai", root)  # limits and the current price, from the release date
    plan = run_import("genai-prices", GENAI / "openai.yml", root, update=True, since=date(2025, 4, 16))
    assert "openai/o3" in {c.ref for c in plan.of("model", "update")}
    periods = [
        (p["effective_from"], p["input_per_1m"], p["output_per_1m"]) for p in model_data(root, "openai/o3")["pricing"]
    ]
    assert periods == [("2025-06-10", Decimal(2), Decimal(8)), ("2025-04-16", Decimal(10), Decimal(40))]
    assert validate_catalog(root).valid


def test_a_future_dated_change_keeps_the_current_price() -> None:
    data = read_source("genai-prices", GENAI / "google.yml", opts())
    flash = next(c for c in data.candidates if c.name == "gemini-3.6-flash")
    starts = [p["effective_from"] for p in flash.doc["pricing"]]
    assert starts[0] == date(2027, 1, 1) and starts[1] < DAY  # the current price starts on prices_checked


def test_bad_yaml_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "acme.yml"
    bad.write_text("id: acme\nname: Acme\nmodels:\n  - id: a\n    prices: {input_mtok: 1\n")
    with pytest.raises(SourceError) as info:
        read_source("genai-prices", bad, opts())
    assert info.value.location is not None and info.value.location.file == str(bad)
    assert info.value.location.line >= 5 and "YAML syntax error" in str(info.value)


def test_import_into_the_repository_catalog_keeps_its_files(tmp_path: Path) -> None:
    root = tmp_path / "catalog"
    shutil.copytree(REPO / "catalog", root)
    before = tree(root)
    plan = run_import("litellm", LITELLM, root, providers=["amazon-bedrock", "anthropic"])
    assert "anthropic/claude-sonnet-4-6" in plan.exists and "amazon-bedrock/claude-sonnet-4-6" in plan.exists
    # LiteLLM's regional Bedrock keys are aliases of one catalog model: one file, the rest reported
    assert any(s.reason.startswith("the same model as") for s in plan.skipped)
    after = tree(root)
    assert all(after[k] == v for k, v in before.items())
    assert validate_catalog(root).valid


# --- issue 12: an update never drops or changes a price in force ------------------------------


def _search_preview(root: Path) -> dict:  # type: ignore[type-arg]
    return model_data(root, "openai/gpt-4o-search-preview")


def test_update_keeps_the_prices_a_second_source_does_not_give(tmp_path: Path) -> None:
    """The regression: LiteLLM gives gpt-4o-search-preview a cached price and a batch variant,
    genai-prices only input and output; an update from genai-prices used to rewrite the period."""
    root = tmp_path / "cat"
    run_import("litellm", LITELLM, root, providers=["openai"], models=["gpt-4o-search-preview"])
    before = _search_preview(root)["pricing"]
    assert before[0]["cached_input_per_1m"] == Decimal("1.25") and "batch" in before[0]["variants"]
    plan = run_import("genai-prices", GENAI / "openai.yml", root, update=True, models=["gpt-4o-search-preview"])
    after = _search_preview(root)["pricing"]
    assert len(after) == 1
    assert after[0]["cached_input_per_1m"] == Decimal("1.25")
    assert after[0]["variants"]["batch"] == {"input_per_1m": Decimal("1.25"), "output_per_1m": Decimal("5.00")}
    assert (after[0]["input_per_1m"], after[0]["output_per_1m"]) == (Decimal("2.50"), Decimal("10.00"))
    assert all(not c.price_changes for c in plan.changes)  # the same prices: only source and checked move
    assert validate_catalog(root).valid


def _with_audio(root: Path, price: str) -> None:
    path = root / "models" / "openai" / "gpt-4o-search-preview.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("    output_per_1m: 10.00\n", f"    output_per_1m: 10.00\n    input_audio_per_1m: {price}\n")
    )


def _litellm_with_audio(tmp_path: Path, per_token: float) -> Path:
    entry = json.loads(LITELLM.read_text(encoding="utf-8"))["gpt-4o-search-preview"]
    source = tmp_path / "litellm.json"
    source.write_text(json.dumps({"gpt-4o-search-preview": {**entry, "input_cost_per_audio_token": per_token}}))
    return source


def test_update_refuses_to_change_a_price_in_force_without_since(tmp_path: Path) -> None:
    root = tmp_path / "cat"
    run_import("litellm", LITELLM, root, providers=["openai"], models=["gpt-4o-search-preview"])
    _with_audio(root, "2.50")
    before = tree(root)
    source = _litellm_with_audio(tmp_path, 6e-06)
    plan = run_import("litellm", source, root, update=True)
    assert plan.changes == ()
    (skip,) = plan.skipped
    assert "input_audio_per_1m 2.50 -> 6" in skip.reason and "--since" in skip.reason
    assert tree(root) == before


def test_update_with_since_starts_a_new_period_and_reports_each_key(tmp_path: Path) -> None:
    root = tmp_path / "cat"
    run_import("litellm", LITELLM, root, providers=["openai"], models=["gpt-4o-search-preview"])
    _with_audio(root, "2.50")
    old_period = _search_preview(root)["pricing"][0]
    source = _litellm_with_audio(tmp_path, 6e-06)
    later = date.fromordinal(DAY.toordinal() + 7)
    plan = run_import("litellm", source, root, update=True, since=later)
    (change,) = plan.changes
    assert change.price_changes == (
        f"new period from {later} (the period from {TODAY} is kept): input_audio_per_1m 2.50 -> 6",
    )
    new_period, kept = _search_preview(root)["pricing"]
    assert kept == old_period  # the period in force is untouched
    assert new_period["effective_from"] == later.isoformat()
    assert new_period["input_audio_per_1m"] == Decimal(6)
    assert new_period["cached_input_per_1m"] == Decimal("1.25") and "batch" in new_period["variants"]
    assert validate_catalog(root).valid


def test_update_json_report_lists_the_price_changes(tmp_path: Path) -> None:
    root = tmp_path / "cat"
    run_import("litellm", LITELLM, root, providers=["openai"], models=["gpt-4o-search-preview"])
    source = _litellm_with_audio(tmp_path, 6e-06)
    later = date.fromordinal(DAY.toordinal() + 1)
    data = read_source("litellm", source, opts(later))
    doc = report_json(plan_import(root, data, today=DAY, update=True), applied=False, updates_applied=False)
    (updated,) = doc["updated"]
    assert updated["price_changes"] == [
        f"new period from {later} (the period from {TODAY} is kept): input_audio_per_1m (none) -> 6"
    ]
