"""The runtime's contract under hostile artifacts (issue 11): only ``CatalogError``s, from
``Catalog.loads``/``load`` and ``CatalogHolder``; the format version, the envelope and the
content's shape are checked at load.  The artifacts are built here by hand (canonical JSON,
the digest recomputed), so each one reaches the check it is about."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO
from modelctl.artifact.compile import SourceInfo, compile_artifact
from modelctl.rules.validate import validate_catalog
from modelctl.runtime import ArtifactError, Catalog, CatalogError, CatalogHolder

ALPHA = "openai/gpt-4o"


@pytest.fixture(scope="module")
def content() -> dict[str, Any]:
    result = validate_catalog(REPO / "catalog", today=date(2026, 11, 25))
    assert result.valid
    doc = json.loads(compile_artifact(result.catalog, SourceInfo()).data)
    assert doc["content"]["plans"] and doc["content"]["accounts"]
    return doc["content"]  # type: ignore[no-any-return]


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def artifact(content: Any, *, content_bytes: bytes | None = None, **envelope: Any) -> bytes:
    """A byte-canonical artifact whose digest matches ``content`` (or the raw ``content_bytes``)."""
    body = canonical(content) if content_bytes is None else content_bytes
    doc = {"catalog_version": "2026.11.25.000000+test", "format_version": "1.0", "source": {}}
    doc |= envelope
    digest = "sha256:" + hashlib.sha256(body).hexdigest()
    head = b'{"catalog_version":' + json.dumps(doc["catalog_version"]).encode() + b',"content":'
    tail = b',"digest":' + json.dumps(digest).encode()
    tail += b',"format_version":' + json.dumps(doc["format_version"]).encode()
    tail += b',"source":' + json.dumps(doc["source"], sort_keys=True, separators=(",", ":")).encode() + b"}\n"
    return head + body + tail


def refused(data: bytes, match: str) -> None:
    with pytest.raises(ArtifactError, match=match):
        Catalog.loads(data)


def changed(content: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of ``content`` with the value at ``a/b/0/c`` replaced (or deleted, for DELETE)."""
    out = copy.deepcopy(content)
    *parents, last = [int(p) if p.isdigit() else p for p in path.split("|")]
    node: Any = out
    for key in parents:
        node = node[key]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value
    return out


DELETE = object()


def test_the_base_artifact_loads(content: dict[str, Any]) -> None:
    catalog = Catalog.loads(artifact(content))
    assert catalog.model("gpt-4o").ref == ALPHA


# --- format_version: ASCII MAJOR.MINOR only ----------------------------------------------------


@pytest.mark.parametrize(
    "version", ["².0", "1", "1.x", "1.0.0", "01.0", "1.", ".0", "", " 1.0", "1.0\n", "١.٠", "1.0" + "0" * 5000]
)
def test_a_format_version_that_is_not_ascii_major_minor_is_refused(content: dict[str, Any], version: str) -> None:
    refused(artifact(content, format_version=version), "format_version .* is not MAJOR.MINOR")


@pytest.mark.parametrize("version", [1.0, 1, None, ["1", "0"], {"major": 1}])
def test_a_format_version_that_is_not_a_string_is_refused(content: dict[str, Any], version: Any) -> None:
    refused(artifact(content, format_version=version), "format_version .* is not a MAJOR.MINOR string")


def test_a_big_major_is_refused_without_a_value_error(content: dict[str, Any]) -> None:
    refused(artifact(content, format_version="9" * 9 + ".0"), "not supported .* upgrade modelctl")
    refused(artifact(content, format_version="0.9"), "not supported .* republish")


@pytest.mark.parametrize("version", ["1.0", "1.7", "1.10"])
def test_every_minor_of_major_1_loads(content: dict[str, Any], version: str) -> None:
    assert Catalog.loads(artifact(content, format_version=version)).format_version == version


# --- the envelope: lone surrogates, types --------------------------------------------------------


def test_a_lone_surrogate_in_catalog_version_is_refused(content: dict[str, Any]) -> None:
    data = artifact(content).replace(b'"2026.11.25.000000+test"', b'"2026\\ud800"', 1)
    refused(data, r"lone surrogate \\ud800")


@pytest.mark.parametrize("escape", [b"\\udc00", b"\\uD800x", b"\\ud83d", b"\\ude00\\ud83d"])
def test_a_lone_surrogate_in_source_is_refused(content: dict[str, Any], escape: bytes) -> None:
    data = artifact(content).replace(b'"source":{}', b'"source":{"commit":"' + escape + b'"}')
    refused(data, "lone surrogate")


def test_a_lone_surrogate_inside_the_content_is_refused(content: dict[str, Any]) -> None:
    body = canonical(content).replace(b'"name":"GPT-4o"', b'"name":"GPT\\ud800"', 1)
    assert b"\\ud800" in body
    refused(artifact(content, content_bytes=body), "lone surrogate")


def test_raw_surrogate_bytes_are_not_utf8(content: dict[str, Any]) -> None:
    data = artifact(content).replace(b'"2026.11.25.000000+test"', b'"\xed\xa0\x80"', 1)
    refused(data, "not UTF-8")


def test_a_surrogate_pair_and_an_escaped_backslash_are_fine(content: dict[str, Any]) -> None:
    for text in (b"\\ud83d\\ude00", b"\\\\ud800"):  # an escaped emoji; the six characters \ud800
        data = artifact(content).replace(b'"source":{}', b'"source":{"commit":"' + text + b'"}')
        assert Catalog.loads(data).source["commit"] in ("\U0001f600", "\\ud800")


def test_a_str_holding_a_lone_surrogate_is_refused() -> None:
    with pytest.raises(ArtifactError, match="not text or bytes"):
        Catalog.loads('{"format_version": "1.0", "x": "\ud800"}')


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [
        ("catalog_version", 5, "catalog_version 5 is not a string"),
        ("source", [], r"source \[\] is not an object"),
        ("source", {"dirty": "no"}, "source.dirty 'no' is not a bool"),
        ("source", {"commit": 1}, "source.commit 1 is not a str"),
    ],
)
def test_envelope_fields_of_the_wrong_type_are_refused(
    content: dict[str, Any], field: str, value: Any, match: str
) -> None:
    doc = {"catalog_version": "v", "content": content, "format_version": "1.0", "source": {}, field: value}
    doc["digest"] = "sha256:" + hashlib.sha256(canonical(content)).hexdigest()
    refused(json.dumps(doc).encode(), match)


@pytest.mark.parametrize("digest", ["sha256:" + "A" * 64, "sha256:" + "0" * 63, "md5:00", 7])
def test_a_malformed_digest_is_refused(content: dict[str, Any], digest: Any) -> None:
    doc = {"catalog_version": "v", "content": content, "format_version": "1.0", "source": {}, "digest": digest}
    refused(json.dumps(doc).encode(), "no sha256 digest")


# --- what the parser refuses: nesting, NaN literals, huge numbers ---------------------------------


@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_100000_nested_brackets_are_refused(content: dict[str, Any], opener: str) -> None:
    closer = "]" if opener == "[" else "}"
    deep = (opener * 100_000 + closer * 100_000).encode()
    refused(b'{"format_version":"1.0","content":' + deep + b"}", "nested too deeply")
    body = canonical(content).replace(b'"name":"GPT-4o"', b'"name":' + deep, 1)
    refused(artifact(content, content_bytes=body), "nested too deeply")


def test_nesting_the_parser_accepts_is_refused_by_the_shape_check(content: dict[str, Any]) -> None:
    deep = b"[" * 500 + b"]" * 500
    body = canonical(content).replace(b'"name":"GPT-4o"', b'"name":' + deep, 1)
    refused(artifact(content, content_bytes=body), r"content.models\['openai/gpt-4o'\].name: \[\[\[.* is not a string")


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity"])
def test_nan_and_infinity_literals_are_refused(content: dict[str, Any], literal: bytes) -> None:
    body = canonical(content).replace(b'"context_window":128000', b'"context_window":' + literal, 1)
    refused(artifact(content, content_bytes=body), f"{literal.decode()} is not a JSON number")


def test_an_integer_of_5000_digits_is_refused(content: dict[str, Any]) -> None:
    body = canonical(content).replace(b'"context_window":128000', b'"context_window":' + b"9" * 5000, 1)
    refused(artifact(content, content_bytes=body), "not valid JSON.*4300 digits")


def test_a_float_that_overflows_is_refused_by_the_parse(content: dict[str, Any]) -> None:
    # json.loads would read it as inf (which the shape check refused where a count belongs); the
    # parse now refuses it wherever it is, as the msgspec parser does (tests/runtime/test_parsers.py)
    body = canonical(content).replace(b'"context_window":128000', b'"context_window":1e999999999', 1)
    refused(
        artifact(content, content_bytes=body),
        "number 1e999999999 is out of range",
    )


# --- the content's shape ---------------------------------------------------------------------------


def test_empty_content_is_refused(content: dict[str, Any]) -> None:
    refused(artifact({}), "content: has no 'catalog'")


@pytest.mark.parametrize(
    "price", ["NaN", "Infinity", "-1", "-0", "1e5", "1E-7", "2.", ".5", "+1", " 1", "1_000", "²", ""]
)
def test_a_price_that_is_not_a_plain_non_negative_decimal_is_refused(content: dict[str, Any], price: str) -> None:
    bad = changed(content, f"models|{ALPHA}|pricing|0|prices|input_per_1m", price)
    where = r"content.models\['openai/gpt-4o'\].pricing\[0\].prices.input_per_1m: "
    refused(artifact(bad), where + re.escape(repr(price)) + " is not a plain non-negative decimal")


@pytest.mark.parametrize(
    ("path", "value", "match"),
    [
        ("models", [], "content.models: .* is not an object"),
        (f"models|{ALPHA}|id", 5, "id: 5 is not a string"),
        (f"models|{ALPHA}|name", DELETE, "has no 'name'"),
        (f"models|{ALPHA}|enabled", "false", "enabled: 'false' is not true or false"),
        (f"models|{ALPHA}|status", ["active"], r"status: \['active'\] is not one of active, deprecated"),
        (f"models|{ALPHA}|status", "beta", "status: 'beta' is not one of active, deprecated, preview, retired"),
        (f"models|{ALPHA}|deprecation", {"retires": "2026-02-30"}, "deprecation.retires: '2026-02-30' is not a date"),
        (f"models|{ALPHA}|deprecation", {"note": ["x"]}, r"deprecation.note: \['x'\] is not a string"),
        (f"models|{ALPHA}|pricing|0|checked", True, r"pricing\[0\].checked: True is not a date"),
        (f"models|{ALPHA}|pricing|0|note", 5, r"pricing\[0\].note: 5 is not a string"),
        (f"models|{ALPHA}|aliases", {"a": 1}, "aliases: .* is not a list"),
        (f"models|{ALPHA}|features", [["vision"]], r"features\[0\]: .* is not a string"),
        (f"models|{ALPHA}|modalities|input", "text", "modalities.input: 'text' is not a list"),
        (f"models|{ALPHA}|limits|context_window", True, "context_window: True is not an integer >= 0"),
        (f"models|{ALPHA}|limits|max_output_tokens", -1, "max_output_tokens: -1 is not an integer >= 0"),
        (f"models|{ALPHA}|released", "2024-02-30", "released: '2024-02-30' is not a date"),
        (f"models|{ALPHA}|deprecation", "soon", "deprecation: 'soon' is not an object"),
        (f"models|{ALPHA}|pricing|0|effective_from", "2024-W01-1", "effective_from: '2024-W01-1' is not a date"),
        (f"models|{ALPHA}|pricing|0|effective_from", DELETE, r"pricing\[0\]: has no 'effective_from'"),
        (f"models|{ALPHA}|pricing|0|prices", ["2.50"], "prices: .* is not an object"),
        (f"models|{ALPHA}|pricing|0|prices|input_per_1m", 2.5, "input_per_1m: 2.5 is not a plain"),
        (f"models|{ALPHA}|pricing|0|variants", [], r"variants: \[\] is not an object"),
        (f"models|{ALPHA}|pricing|0|variants|batch|prices|input_per_1m", "NaN", r"variants.batch.prices.input_per_1m"),
        ("aliases|openai/chatgpt-4o-latest", 5, "5 is not a string"),
        ("aliases|openai/chatgpt-4o-latest", "openai/nope", "names 'openai/nope', which is not a model"),
        ("catalog", "x", "content.catalog: 'x' is not an object"),
        ("catalog|purposes", "chat", "content.catalog.purposes: 'chat' is not a list"),  # (purposes() read it)
        ("catalog|purposes", ["chat", 5], r"content.catalog.purposes\[1\]: 5 is not a string"),
        ("providers|openai", [], r"providers.openai: \[\] is not an object"),
        ("plans", [], r"content.plans: \[\] is not an object"),
    ],
)
def test_a_field_of_the_wrong_shape_is_refused(content: dict[str, Any], path: str, value: Any, match: str) -> None:
    refused(artifact(changed(content, path, value)), match)


def test_an_alias_key_without_a_provider_is_refused(content: dict[str, Any]) -> None:
    bad = copy.deepcopy(content)
    bad["aliases"]["bare"] = ALPHA
    refused(artifact(bad), "alias 'bare' is not provider/alias")


def test_a_tier_threshold_that_is_not_an_integer_is_refused(content: dict[str, Any]) -> None:
    bad = copy.deepcopy(content)
    bad["models"][ALPHA]["pricing"][0]["tiers"] = [{"above_input_tokens": "100", "prices": {"input_per_1m": "1"}}]
    refused(artifact(bad), r"tiers\[0\].above_input_tokens: '100' is not an integer")


def _plan_and_account(content: dict[str, Any]) -> tuple[str, str]:
    account = sorted(content["accounts"])[0]
    return content["accounts"][account]["plan"], account


@pytest.mark.parametrize(
    ("where", "key", "value", "match"),
    [
        ("plan", "rounding", {"mode": "bankers"}, "rounding.mode: 'bankers' is not one of"),
        ("plan", "rounding", {"decimals": 10**9}, "rounding.decimals: 1000000000 is not an integer from 0 to 18"),
        ("plan", "markup", "-1", "markup: '-1' is not a plain"),
        ("plan", "credits_per_usd", "Infinity", "credits_per_usd: 'Infinity'"),
        ("plan", "defaults", {"chat": 5}, "defaults.chat: 5 is not a string or a non-empty list"),
        ("plan", "models", {"allow": [{"provider": ["openai", []]}]}, r"models.allow\[0\].provider\[1\]"),
        ("plan", "models", {"allow": [5]}, r"models.allow\[0\]: 5 is not a glob \(a string\) or an object"),
        ("plan", "rollouts", [{"id": "r", "purpose": "chat", "variants": []}], r"rollouts\[0\].variants: is empty"),
        ("plan", "rollouts", [{"id": "r", "model": ALPHA}], r"rollouts\[0\] has a model but no percent"),
        ("plan", "rollouts", [{"id": "r", "model": ALPHA, "percent": "NaN"}], "percent: 'NaN'"),
        ("plan", "rollouts", [{"id": "r", "purpose": "chat", "variants": [{"model": ALPHA, "weight": -1}]}], "weight"),
        ("plan", "id", 5, "id: 5 is not a string"),
        # read by plan() and charge(), and unchecked until 2026-12-02 (a TypeError or decimal.InvalidOperation)
        ("plan", "description", ["x"], r"description: \['x'\] is not a string"),
        ("plan", "markups", 5, "markups: 5 is not a list"),
        ("plan", "markups", ["1.2"], r"markups\[0\]: '1.2' is not an object"),
        ("plan", "markups", [{"markup": "abc", "effective_from": "2026-01-01"}], r"markups\[0\].markup: 'abc'"),
        ("plan", "markups", [{"markup": "1.2"}], r"markups\[0\]: has no 'effective_from'"),
        ("plan", "markups", [{"effective_from": "2026-01-01"}], r"markups\[0\]: has no 'markup'"),
        (
            "plan",
            "markups",
            [{"markup": "1.2", "effective_from": "2026-01-01", "until": "2026-13-01"}],
            r"markups\[0\].until: '2026-13-01' is not a date",
        ),
        ("plan", "rounding", {"per": "month"}, "rounding.per: 'month' is not one of invoice, request"),
        ("plan", "models", {"allow": [{}]}, r"models.allow\[0\] selects nothing"),
        ("plan", "models", {"deny": [{"family": "gpt"}]}, r"models.deny\[0\] has 'family', which this runtime"),
        ("plan", "models", {"deny": [{"provider": "openai", "tier": "x"}]}, r"deny\[0\] has 'tier'"),
        ("account", "plan", ["pro"], r"plan: \['pro'\] is not a string"),
        ("account", "description", 5, "description: 5 is not a string"),
        ("account", "plan", "gold", "accounts.[a-z-]+.plan names 'gold', which is not a plan"),
        ("account", "pricing", [{"model": ALPHA, "discount_percent": "10", "note": [1]}], r"note: \[1\]"),
        ("account", "pricing", [{"model": ALPHA, "discount_percent": "10", "until": "soon"}], "until: 'soon'"),
        ("account", "pricing", [{"model": ALPHA, "effective_from": 20260101}], "effective_from: 20260101"),
        ("account", "pricing", [{"model": {"provider": "openai", "x": 1}}], r"pricing\[0\].model has 'x'"),
        ("account", "models", {"widen": [{}]}, r"models.widen\[0\] selects nothing"),
        ("account", "pricing", [{"model": ALPHA, "discount_percent": "150"}], "150' is not a percentage"),
        ("account", "pricing", [{"model": ALPHA, "prices": {"input_per_1m": "-0.1"}}], "input_per_1m: '-0.1'"),
        ("account", "pricing", [{"prices": {}}], r"pricing\[0\]: has no 'model'"),
        ("account", "rollouts", {"r": "yes"}, "rollouts.r: 'yes' is not true or false"),
        ("account", "defaults", {"chat": None}, "defaults.chat: None is not a string or a non-empty list"),
        (
            "account",
            "models",
            {"widen": [{"status": 3}]},
            r"widen\[0\].status: 3 is not a string or a non-empty list of strings",
        ),
    ],
)
def test_plans_and_accounts_of_the_wrong_shape_are_refused(
    content: dict[str, Any], where: str, key: str, value: Any, match: str
) -> None:
    plan, account = _plan_and_account(content)
    path = f"plans|{plan}|{key}" if where == "plan" else f"accounts|{account}|{key}"
    refused(artifact(changed(content, path, value)), match)


def test_a_default_that_names_no_model_is_skipped_for_its_fall_back(content: dict[str, Any]) -> None:
    # validate refuses it (MC211); an artifact that has it anyway: default_model() fell over with
    # UnknownModelError instead of trying the next candidate (found by bench/fuzz_artifacts.py).
    plan, _ = _plan_and_account(content)
    purposes = {r.get("purpose") for r in content["plans"][plan].get("rollouts", ())}
    purpose = next(p for p in sorted(content["plans"][plan]["defaults"]) if p not in purposes)
    good = Catalog.loads(artifact(content)).default_model(purpose, plan)
    fall_back = changed(content, f"plans|{plan}|defaults|{purpose}", ["nope/no-such-model", good.model])
    choice = Catalog.loads(artifact(fall_back)).default_model(purpose, plan)
    assert choice.model == good.model
    assert [(d.model, d.rule) for d in choice.skipped] == [("nope/no-such-model", "not in the catalog")]
    only = changed(content, f"plans|{plan}|defaults|{purpose}", "nope/no-such-model")
    with pytest.raises(CatalogError, match="nope/no-such-model names no single model of the catalog"):
        Catalog.loads(artifact(only)).default_model(purpose, plan)


def test_fields_a_minor_version_may_add_are_ignored(content: dict[str, Any]) -> None:
    plan, account = _plan_and_account(content)
    more = copy.deepcopy(content)
    more["future_section"] = {"anything": [1, {"x": None}]}
    model = more["models"][ALPHA]
    model["future_field"] = [[], {}]
    model["limits"]["max_tokens_per_day"] = 10
    model["pricing"][0]["future"] = {"windows": [{"from": "22:00"}]}
    model["pricing"][0]["prices"]["web_search_per_1k"] = "10.00"  # a new price key: still a decimal
    more["plans"][plan]["future"] = 1
    more["accounts"][account]["subjects"] = {"team": {"x": 1}}
    catalog = Catalog.loads(artifact(more, format_version="1.3"))
    assert catalog.price(ALPHA, at=date(2026, 11, 25)).prices["web_search_per_1k"] == 10


# --- load() and the holder --------------------------------------------------------------------------


def test_load_of_a_path_with_a_nul_is_an_artifact_error() -> None:
    with pytest.raises(ArtifactError, match="cannot read artifact"):
        Catalog.load("dist/\x00catalog.json")


BROKEN = {
    "format ².0": lambda c: artifact(c, format_version="².0"),
    "format 1.0.0": lambda c: artifact(c, format_version="1.0.0"),
    "surrogate in source": lambda c: artifact(c).replace(b'"source":{}', b'"source":{"commit":"\\ud800"}'),
    "surrogate in catalog_version": lambda c: artifact(c).replace(b'"2026.11.25.000000+test"', b'"\\udfff"'),
    "100,000 brackets": lambda c: b'{"format_version":"1.0","content":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "content {}": lambda c: artifact({}),
    "price NaN": lambda c: artifact(changed(c, f"models|{ALPHA}|pricing|0|prices|input_per_1m", "NaN")),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_the_holder_keeps_serving_after_each_hostile_reload(tmp_path: Path, content: dict[str, Any], case: str) -> None:
    path = tmp_path / "catalog.json"
    path.write_bytes(artifact(content))
    errors: list[CatalogError] = []
    holder = CatalogHolder(path, on_error=errors.append)
    good = holder.catalog
    path.write_bytes(BROKEN[case](content))
    os.utime(path, ns=(1, 1))  # a different stamp even within the clock's resolution
    assert holder.reload_if_changed() is False
    assert holder.catalog is good and isinstance(holder.last_error, ArtifactError) and errors
    with pytest.raises(ArtifactError, match=str(path)):
        CatalogHolder(path)
