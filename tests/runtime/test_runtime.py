"""modelctl.runtime: loading, lookups and exact costs, checked against
hand-computed real cases from the repository's catalog."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import MINI, MakeCatalog
from modelctl import runtime
from modelctl.artifact.compile import SourceInfo, compile_artifact
from modelctl.rules.validate import validate_catalog
from modelctl.runtime import (
    AmbiguousModelError,
    ArtifactError,
    Catalog,
    CatalogHolder,
    NoPriceError,
    UnknownModelError,
    Usage,
)

D = Decimal


def _mini_artifact(make_catalog: MakeCatalog, extra: dict[str, str | None] | None = None) -> bytes:
    result = validate_catalog(make_catalog(extra))
    assert result.valid, [str(f) for f in result.findings]
    return compile_artifact(result.catalog, SourceInfo()).data


# --- standard library only ----------------------------------------------------------


def test_runtime_imports_only_the_standard_library() -> None:
    imported: set[str] = set()
    folder = Path(runtime.__file__).parent
    # _remote/minisign.py alone imports cryptography, only when a public key is configured, and
    # _fast.py msgspec, only for parser="msgspec".
    modules = [p for p in folder.glob("*.py") if p.name != "_fast.py"]
    for path in [*modules, *(p for p in folder.glob("_remote/*.py") if p.name != "minisign.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
    ours = {name for name in imported if name.split(".")[0] == "modelctl"}
    assert all(name.startswith("modelctl.runtime") for name in ours), ours
    assert {name.split(".")[0] for name in imported - ours} - sys.stdlib_module_names == set()


def test_importing_the_runtime_loads_no_third_party_module() -> None:
    code = "import sys; b = set(sys.modules); import modelctl.runtime; print('\\n'.join(sorted(set(sys.modules) - b)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    foreign = {m for m in out if m.split(".")[0] not in sys.stdlib_module_names and m.split(".")[0] != "modelctl"}
    assert foreign == set()
    ours = {m for m in out if m.startswith("modelctl")}
    assert "modelctl.runtime" in ours and all(m == "modelctl" or m.startswith("modelctl.runtime") for m in ours)


def test_a_default_load_imports_no_third_party_module(tmp_path: Path, repo_artifact: bytes) -> None:
    path = tmp_path / "catalog.json"
    path.write_bytes(repo_artifact)
    code = (
        "import sys; from modelctl.runtime import Catalog, CatalogHolder; b = set(sys.modules); "
        f"Catalog.load({str(path)!r}); CatalogHolder({str(path)!r}).close(); "
        "print('\\n'.join(sorted(set(sys.modules) - b)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert "msgspec" not in out and "cryptography" not in out
    assert {m.split(".")[0] for m in out} - sys.stdlib_module_names - {"modelctl"} == set()


# --- loading ------------------------------------------------------------------------


def test_load_from_file(tmp_path: Path, repo_artifact: bytes) -> None:
    path = tmp_path / "catalog.json"
    path.write_bytes(repo_artifact)
    catalog = Catalog.load(path)
    assert len(catalog) == 80 and catalog.format_version == "1.1"
    assert catalog.digest == json.loads(repo_artifact)["digest"]


def test_tampered_content_is_refused(repo_artifact: bytes) -> None:
    tampered = repo_artifact.replace(b'"input_per_1m":"3.00"', b'"input_per_1m":"0.30"', 1)
    assert tampered != repo_artifact
    with pytest.raises(ArtifactError, match="digest mismatch"):
        Catalog.loads(tampered)


def test_tampered_digest_is_refused(repo_artifact: bytes) -> None:
    doc = json.loads(repo_artifact)
    bad = repo_artifact.replace(doc["digest"].encode(), b"sha256:" + b"0" * 64)
    with pytest.raises(ArtifactError, match="digest mismatch"):
        Catalog.loads(bad)


def test_truncated_artifact_is_refused(repo_artifact: bytes, tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    path.write_bytes(repo_artifact[: len(repo_artifact) // 2])
    with pytest.raises(ArtifactError, match="catalog.json: artifact is not valid JSON"):
        Catalog.load(path)


def test_newer_major_format_is_refused(repo_artifact: bytes) -> None:
    bad = repo_artifact.replace(b'"format_version":"1.1"', b'"format_version":"2.0"')
    with pytest.raises(ArtifactError, match="2.0 is not supported.*upgrade"):
        Catalog.loads(bad)


def test_newer_minor_format_with_new_fields_loads(repo_artifact: bytes) -> None:
    doc = json.loads(repo_artifact)
    doc["format_version"] = "1.7"
    doc["future_field"] = {"x": 1}
    raw = json.dumps(doc, indent=2).encode()  # not byte-canonical: the digest is checked on canonical content
    assert Catalog.loads(raw).format_version == "1.7"


def test_not_an_artifact(tmp_path: Path) -> None:
    with pytest.raises(ArtifactError, match="no format_version"):
        Catalog.loads(b'{"hello": 1}')
    with pytest.raises(ArtifactError, match="cannot read artifact"):
        Catalog.load(tmp_path / "missing.json")


# --- models -------------------------------------------------------------------------


def test_model_lookup_by_every_kind_of_name(repo: Catalog) -> None:
    assert repo.model("openai/gpt-4o").name == "GPT-4o"
    assert repo.model("OpenAI/GPT-4o").ref == "openai/gpt-4o"
    assert repo.model("gpt-4o").ref == "openai/gpt-4o"
    assert repo.model("amazon-bedrock/anthropic.claude-sonnet-4-6").ref == "amazon-bedrock/claude-sonnet-4-6"


def test_ambiguous_bare_id_lists_the_candidates(repo: Catalog) -> None:
    with pytest.raises(AmbiguousModelError) as err:
        repo.model("claude-sonnet-4-6")
    assert err.value.candidates == ["amazon-bedrock/claude-sonnet-4-6", "anthropic/claude-sonnet-4-6"]


def test_unknown_model_suggests_close_names(repo: Catalog) -> None:
    with pytest.raises(UnknownModelError) as err:
        repo.model("openai/gpt-4o-minni")
    assert "openai/gpt-4o-mini" in err.value.suggestions
    assert "did you mean" in str(err.value)
    assert "nope/nothing" not in repo


def test_models_filters(repo: Catalog) -> None:
    retired = repo.models(status="retired")
    assert retired and all(not m.enabled and not m.available for m in retired)
    embeddings = repo.models(feature="embeddings")
    assert {m.ref for m in embeddings} >= {"openai/text-embedding-3-small", "openai/text-embedding-3-large"}
    anthropic = repo.models(provider="anthropic", enabled=True, feature=["vision", "prompt_caching"])
    assert anthropic and all(m.provider == "anthropic" and "vision" in m.features for m in anthropic)


# --- costs: hand-computed from catalog/models/anthropic/claude-sonnet-4-6.yaml ----------------
# 2026-02-17..2026-03-12: 3.00 in / 15.00 out; above 200,000 input-side tokens 6.00 / 22.50.
# From 2026-03-13: 3.00 / 15.00 flat; cache read 0.30, write 3.75, 1h write 6.00; batch 1.50 / 7.50.

SONNET = "anthropic/claude-sonnet-4-6"


def test_tier_cliff_is_strictly_above_the_threshold(repo: Catalog) -> None:
    at = date(2026, 3, 1)
    at_threshold = repo.cost(SONNET, Usage(input_tokens=200_000, output_tokens=1_000), at=at)
    assert at_threshold.total == D("0.615") and at_threshold.tier is None  # 0.60 + 0.015
    above = repo.cost(SONNET, Usage(input_tokens=200_001, output_tokens=1_000), at=at)
    assert above.tier == 200_000
    assert above.components == {"input": D("1.200006"), "output": D("0.0225")}  # all input at 6.00
    assert above.total == D("1.222506")


def test_cached_tokens_count_towards_the_tier(repo: Catalog) -> None:
    usage = Usage(input_tokens=150_000, cached_input_tokens=60_000, output_tokens=0)
    cost = repo.cost(SONNET, usage, at=date(2026, 3, 1))
    assert cost.tier == 200_000
    assert cost.components == {"input": D("0.9"), "cached_input": D("0.036")}  # 150k x 6.00, 60k x 0.60


def test_the_day_before_and_the_day_of_a_price_change(repo: Catalog) -> None:
    usage = Usage(input_tokens=250_000, output_tokens=1_000)
    before = repo.cost(SONNET, usage, at=date(2026, 3, 12))
    after = repo.cost(SONNET, usage, at=date(2026, 3, 13))
    assert (before.total, before.effective_from) == (D("1.5225"), date(2026, 2, 17))
    assert (after.total, after.effective_from) == (D("0.765"), date(2026, 3, 13))
    late = datetime(2026, 3, 12, 23, 59, tzinfo=UTC)
    assert repo.cost(SONNET, usage, at=late).total == D("1.5225")
    assert repo.cost(SONNET, usage, at="2026-03-13T00:00:00Z").total == D("0.765")


def test_cache_reads_and_writes(repo: Catalog) -> None:
    usage = Usage(
        input_tokens=1_000,
        output_tokens=500,
        cached_input_tokens=100_000,
        cache_write_tokens=10_000,
        cache_write_1h_tokens=10_000,
    )
    cost = repo.cost(SONNET, usage, at=date(2026, 6, 1))
    assert cost.components == {
        "input": D("0.003"),
        "output": D("0.0075"),
        "cached_input": D("0.03"),
        "cache_write": D("0.0375"),
        "cache_write_1h": D("0.06"),
    }
    assert cost.total == D("0.138") and cost.currency == "USD"


def test_batch_variant(repo: Catalog) -> None:
    cost = repo.cost(SONNET, Usage(input_tokens=1_000_000, output_tokens=100_000), at=date(2026, 6, 1), variant="batch")
    assert cost.total == D("2.25") and cost.variant == "batch"  # 1.50 + 0.75


@pytest.mark.parametrize("ref", [None, 5, b"openai/gpt-4o", ["openai/gpt-4o"]], ids=repr)
def test_a_model_name_that_is_not_a_str_is_a_type_error_saying_so(repo: Catalog, ref: Any) -> None:
    # None and 5 used to raise AttributeError ('NoneType' object has no attribute 'lower'), a list
    # "unhashable type", bytes an UnknownModelError for b'openai/gpt-4o'.
    usage = Usage(input_tokens=1)
    for call in (repo.model, repo.resolve, repo.price, lambda r: repo.cost(r, usage)):
        with pytest.raises(TypeError, match=f"a model is named by a str .*not {type(ref).__name__}"):
            call(ref)


@pytest.mark.parametrize("variant", [5, ["batch"], b"batch"], ids=repr)
def test_a_variant_that_is_not_a_str_is_a_type_error_saying_so(repo: Catalog, variant: Any) -> None:
    with pytest.raises(TypeError, match=f"variant must be a str or None, not {type(variant).__name__}"):
        repo.cost(SONNET, Usage(input_tokens=1), variant=variant)
    with pytest.raises(TypeError, match="variant must be a str or None"):
        repo.price(SONNET, variant=variant)


def test_unknown_variant_and_dates_before_the_first_price(repo: Catalog) -> None:
    with pytest.raises(NoPriceError, match="has no variant 'nightly' \\(it has: batch"):
        repo.cost(SONNET, Usage(input_tokens=1), variant="nightly")
    with pytest.raises(NoPriceError, match="no price in force on 2020-01-01; its first price starts 2026-02-17"):
        repo.cost(SONNET, Usage(input_tokens=1), at=date(2020, 1, 1))


def test_scheduled_price_applies_only_from_its_date(repo: Catalog) -> None:
    model = repo.model("google/gemini-4-argon").data
    newest = model["pricing"][0]
    assert newest["effective_from"] == "2026-12-01"
    assert repo.price("google/gemini-4-argon", at=date(2026, 11, 30)).effective_from < date(2026, 12, 1)
    assert repo.price("google/gemini-4-argon", at=date(2026, 12, 1)).effective_from == date(2026, 12, 1)


def test_variant_inherits_keys_it_does_not_give(make_catalog: MakeCatalog) -> None:
    alpha = textwrap.dedent(MINI["models/acme/alpha.yaml"]).replace(
        "batch: {input_per_1m: 1.00, output_per_1m: 4.00,", "batch: {input_per_1m: 1.00,"
    )
    catalog = Catalog.loads(_mini_artifact(make_catalog, {"models/acme/alpha.yaml": alpha}))
    price = catalog.price("acme/alpha", at=date(2026, 1, 1), variant="batch")
    assert price.prices == {"input_per_1m": D("1.00"), "cached_input_per_1m": D("0.20"), "output_per_1m": D("8.00")}


def test_per_request_fee_and_per_image_price(make_catalog: MakeCatalog) -> None:
    beta = textwrap.dedent(MINI["models/acme/beta.yaml"]).replace(
        "output_per_1m: 1.50", "output_per_1m: 1.50\n    per_request: 0.005\n    per_image: 0.04"
    )
    catalog = Catalog.loads(_mini_artifact(make_catalog, {"models/acme/beta.yaml": beta}))
    cost = catalog.cost("acme/beta", Usage(input_tokens=2_000, output_tokens=1_000, requests=3, images=2))
    assert cost.components == {"input": D("0.001"), "output": D("0.0015"), "request": D("0.015"), "image": D("0.08")}
    assert cost.total == D("0.0975")


def test_usage_the_model_has_no_price_for(make_catalog: MakeCatalog) -> None:
    catalog = Catalog.loads(_mini_artifact(make_catalog))
    with pytest.raises(NoPriceError, match="no price for image"):
        catalog.cost("acme/beta", Usage(images=1))
    # requests without a per_request price cost nothing (50 requests of 20,000 tokens: within beta's window)
    assert catalog.cost("acme/beta", Usage(input_tokens=1_000_000, requests=50)).total == D("0.50")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 2_000_000), st.integers(0, 200_000), st.integers(0, 500_000)), min_size=1, max_size=40
    )
)
def test_sum_of_costs_is_exact(repo_artifact: bytes, rows: list[tuple[int, int, int]]) -> None:
    catalog = Catalog.loads(repo_artifact)
    at = date(2026, 6, 1)
    costs = [
        catalog.cost(SONNET, Usage(input_tokens=i, output_tokens=o, cached_input_tokens=c, requests=3), at=at).total
        for i, o, c in rows
    ]
    exact = sum(
        (Fraction(i * 3, 10**6) + Fraction(o * 15, 10**6) + Fraction(c * 3, 10**7) for i, o, c in rows), Fraction(0)
    )
    assert Fraction(sum(costs, D(0))) == exact
    total = Usage(
        input_tokens=sum(r[0] for r in rows),
        output_tokens=sum(r[1] for r in rows),
        cached_input_tokens=sum(r[2] for r in rows),
        requests=3 * len(rows),  # each row is up to 2.5M tokens in 3 requests: within the 1M window
    )
    assert catalog.cost(SONNET, total, at=at).total == sum(costs, D(0))


def test_million_costs_sum_exactly(repo: Catalog) -> None:
    cost = repo.cost("openai/gpt-4o-mini", Usage(input_tokens=1, output_tokens=1), at=date(2026, 6, 1)).total
    assert sum([cost] * 1_000_000, D(0)) == cost * 1_000_000


# --- adapters, on real response shapes ---------------------------------------------------------


def test_openai_chat_completions_usage() -> None:
    # https://platform.openai.com/docs/api-reference/chat/object (usage)
    usage = {
        "prompt_tokens": 2006,
        "completion_tokens": 300,
        "total_tokens": 2306,
        "prompt_tokens_details": {"cached_tokens": 1920, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 192,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }
    assert Usage.from_openai(usage) == Usage(
        input_tokens=86, cached_input_tokens=1920, output_tokens=108, reasoning_tokens=192
    )


def test_openai_responses_api_usage() -> None:
    usage = {
        "input_tokens": 328,
        "input_tokens_details": {"cached_tokens": 128},
        "output_tokens": 52,
        "output_tokens_details": {"reasoning_tokens": 40},
        "total_tokens": 380,
    }
    assert Usage.from_openai(usage) == Usage(
        input_tokens=200, cached_input_tokens=128, output_tokens=12, reasoning_tokens=40
    )


def test_openai_audio_usage() -> None:
    usage = {
        "prompt_tokens": 1200,
        "completion_tokens": 900,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 1000},
        "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 700},
    }
    assert Usage.from_openai(usage) == Usage(
        input_tokens=200, input_audio_tokens=1000, output_tokens=200, output_audio_tokens=700
    )


def test_anthropic_usage() -> None:
    # https://docs.anthropic.com/en/api/messages (usage), with the cache_creation breakdown
    usage = {
        "input_tokens": 12,
        "cache_creation_input_tokens": 3000,
        "cache_read_input_tokens": 45000,
        "output_tokens": 503,
        "cache_creation": {"ephemeral_5m_input_tokens": 1000, "ephemeral_1h_input_tokens": 2000},
        "service_tier": "standard",
    }
    assert Usage.from_anthropic(usage) == Usage(
        input_tokens=12,
        cache_write_tokens=1000,
        cache_write_1h_tokens=2000,
        cached_input_tokens=45000,
        output_tokens=503,
    )
    older = {"input_tokens": 12, "cache_creation_input_tokens": 3000, "cache_read_input_tokens": 0, "output_tokens": 5}
    assert Usage.from_anthropic(older).cache_write_tokens == 3000


def test_gemini_usage_metadata() -> None:
    meta = {
        "promptTokenCount": 4096,
        "cachedContentTokenCount": 4000,
        "candidatesTokenCount": 250,
        "thoughtsTokenCount": 1024,
        "totalTokenCount": 5370,
    }
    assert Usage.from_google(meta) == Usage(
        input_tokens=96, cached_input_tokens=4000, output_tokens=250, reasoning_tokens=1024
    )


def test_adapters_accept_sdk_objects() -> None:
    from anthropic.types import Usage as AnthropicUsage

    assert Usage.from_anthropic(AnthropicUsage(input_tokens=5, output_tokens=7)) == Usage(
        input_tokens=5, output_tokens=7
    )


# --- legacy rates and the holder -----------------------------------------------------------------


def test_legacy_rates(repo: Catalog) -> None:
    rates = repo.legacy_rates()
    assert rates["gpt-4o"] == {"input": D("2.50"), "output": D("10.00")}
    assert "anthropic/claude-sonnet-4-6" in rates and "claude-sonnet-4-6" not in rates
    assert all(isinstance(v, Decimal) for r in rates.values() for v in r.values())


def test_holder_keeps_the_last_good_catalog(tmp_path: Path, make_catalog: MakeCatalog, repo_artifact: bytes) -> None:
    path = tmp_path / "catalog.json"
    path.write_bytes(_mini_artifact(make_catalog))
    errors: list[Exception] = []
    holder = CatalogHolder(path, on_error=errors.append)
    good = holder.catalog
    assert holder.reload_if_changed() is False
    path.write_bytes(b'{"format_version": "1.0", "content": ')  # a broken deploy
    assert holder.reload() is False
    assert holder.catalog is good and isinstance(holder.last_error, ArtifactError) and errors
    path.write_bytes(repo_artifact)
    assert holder.reload_if_changed() is True
    assert len(holder.catalog) == 80 and holder.last_error is None


def test_holder_refuses_a_broken_first_artifact(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    path.write_text("{}")
    with pytest.raises(ArtifactError):
        CatalogHolder(path)


def test_public_api_is_exported_and_sorted() -> None:
    assert runtime.__all__ == sorted(runtime.__all__)
    for name in runtime.__all__:
        assert hasattr(runtime, name)


def test_a_variant_never_carries_over_into_a_newer_period(make_catalog: MakeCatalog) -> None:
    beta = (
        textwrap.dedent(MINI["models/acme/beta.yaml"])
        .replace(
            "pricing:\n",
            "pricing:\n  - effective_from: 2026-06-01\n    source: https://acme.example/pricing\n"
            "    checked: 2026-11-01\n    input_per_1m: 0.40\n    output_per_1m: 1.20\n",
        )
        .replace("output_per_1m: 1.50", "output_per_1m: 1.50\n    variants:\n      batch: {input_per_1m: 0.25}")
    )
    catalog = Catalog.loads(_mini_artifact(make_catalog, {"models/acme/beta.yaml": beta}))
    old = catalog.price("acme/beta", at=date(2026, 1, 1), variant="batch")
    assert old.prices["input_per_1m"] == D("0.25") and old.prices["output_per_1m"] == D("1.50")
    with pytest.raises(
        NoPriceError, match="variant 'batch' of acme/beta is not offered in the price period from 2026-06-01"
    ):
        catalog.cost("acme/beta", Usage(input_tokens=1), at=date(2026, 7, 1), variant="batch")
    many = Usage(input_tokens=1_000_000, requests=50)  # within beta's 32k window per request
    assert catalog.cost("acme/beta", many, at=date(2026, 7, 1)).total == D("0.40")
