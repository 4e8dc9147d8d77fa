"""The JSON Schemas, and schema findings pinned to the offending line."""

from __future__ import annotations

import importlib.util
import json
import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import MINI, REPO, MakeCatalog
from helpers import check
from modelctl.catalog import schema
from modelctl.catalog.strict_yaml import load_text

ALPHA = "models/acme/alpha.yaml"
KINDS = ["catalog", "provider", "model", "plan", "account", "artifact"]


def _alpha(old: str, new: str) -> str:
    text = textwrap.dedent(MINI[ALPHA])
    assert old in text, old
    return text.replace(old, new, 1)


def _gen_module() -> Any:
    spec = importlib.util.spec_from_file_location("gen_schemas", REPO / "tools" / "gen_schemas.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_valid_2020_12(kind: str) -> None:
    jsonschema.Draft202012Validator.check_schema(schema.load_schema(kind))


@pytest.mark.parametrize("kind", KINDS)
def test_committed_schema_matches_generator(kind: str) -> None:
    name = f"{kind}.schema.json"
    assert (REPO / "schema" / name).read_text() == _gen_module().render(name), "run python tools/gen_schemas.py"


def _objects(node: Any, path: str = "$") -> list[tuple[str, dict[str, Any]]]:
    out = []
    if isinstance(node, dict):
        if node.get("type") == "object":
            out.append((path, node))
        for key, value in node.items():
            out += _objects(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _objects(value, f"{path}[{i}]")
    return out


@pytest.mark.parametrize("kind", KINDS)
def test_every_object_is_closed_and_every_property_described(kind: str) -> None:
    for path, obj in _objects(schema.load_schema(kind)):
        assert "additionalProperties" in obj, path
        if "properties" in obj:
            assert obj["additionalProperties"] is False, path
            for name, prop in obj["properties"].items():
                assert prop.get("description"), f"{path}.properties.{name} has no description"


def test_model_schema_speaks_the_vocabulary() -> None:
    period = schema.load_schema("model")["properties"]["pricing"]["items"]["properties"]
    for key in [
        "input_per_1m",
        "output_per_1m",
        "cached_input_per_1m",
        "cache_write_per_1m",
        "cache_write_1h_per_1m",
        "reasoning_per_1m",
        "input_audio_per_1m",
        "output_audio_per_1m",
        "input_image_per_1m",
        "output_image_per_1m",
        "per_request",
        "per_image",
        "tiers",
        "variants",
    ]:
        assert key in period, key


def test_unknown_key_points_at_the_key(make_catalog: MakeCatalog) -> None:
    root = make_catalog({ALPHA: _alpha("    input_per_1m: 3.00\n", "    input_per_1m: 3.00\n    cache_input: 1.0\n")})
    result, found = check(root)
    assert found == [("MC101", ALPHA, 25, 5)]
    assert "'cache_input'" in result.findings[0].message
    assert "did you mean 'cached_input_per_1m'" in result.findings[0].message
    assert result.findings[0].json_path == "$.pricing[1].cache_input"


def test_error_deep_in_a_variant_of_the_second_period(make_catalog: MakeCatalog) -> None:
    text = _alpha(
        "    output_per_1m: 12.00\n",
        "    output_per_1m: 12.00\n    variants:\n      batch:\n        input_per_1m: 1.50\n"
        "        output_per_1m: -6.00\n",
    )
    result, found = check(make_catalog({ALPHA: text}))
    assert found == [("MC106", ALPHA, 29, 24)]
    assert result.findings[0].json_path == "$.pricing[1].variants.batch.output_per_1m"
    assert "minimum" in result.findings[0].message


def test_unknown_key_inside_a_tier(make_catalog: MakeCatalog) -> None:
    text = _alpha("input_per_1m: 4.00, output_per_1m: 16.00}", "input_per_1m: 4.00, outptu_per_1m: 16.00}")
    result, found = check(make_catalog({ALPHA: text}))
    assert ("MC101", ALPHA, 18, 58) in found
    assert "did you mean 'output_per_1m'" in result.findings[0].message


def test_missing_key_points_at_the_parent(make_catalog: MakeCatalog) -> None:
    text = _alpha("    source: https://acme.example/pricing\n    checked: 2025-05-01\n", "    checked: 2025-05-01\n")
    result, found = check(make_catalog({ALPHA: text}))
    assert found == [("MC102", ALPHA, 21, 5)]
    assert "'source'" in result.findings[0].message


def test_quoted_price_is_a_type_error_with_a_hint(make_catalog: MakeCatalog) -> None:
    result, found = check(make_catalog({ALPHA: _alpha("output_per_1m: 8.00", "output_per_1m: '8.00'")}))
    assert found == [("MC103", ALPHA, 16, 20)]
    assert "remove the quotes" in result.findings[0].message


def test_bad_enum_suggests_the_closest(make_catalog: MakeCatalog) -> None:
    result, found = check(make_catalog({ALPHA: _alpha("status: active", "status: activ")}))
    assert found == [("MC104", ALPHA, 4, 9)]
    assert "did you mean 'active'" in result.findings[0].message


def test_bad_feature_in_a_list(make_catalog: MakeCatalog) -> None:
    result, found = check(make_catalog({ALPHA: _alpha("features: [vision,", "features: [visoin,")}))
    assert ("MC104", ALPHA, 9, 12) in found


def test_bad_id_and_date_forms(make_catalog: MakeCatalog) -> None:
    text = _alpha("released: 2025-01-01", "released: 2025-1-1")
    _, found = check(make_catalog({ALPHA: text}))
    assert found == [("MC105", ALPHA, 6, 11)]


def test_a_date_that_does_not_exist(make_catalog: MakeCatalog) -> None:
    result, found = check(make_catalog({ALPHA: _alpha("checked: 2026-11-01", "checked: 2026-02-30")}))
    assert found == [("MC107", ALPHA, 13, 14)]
    assert "2026-02-30" in result.findings[0].message


def _documents() -> list[tuple[str, Any]]:
    docs: list[tuple[str, Any]] = []
    for rel in MINI:
        kind = "catalog" if rel == "catalog.yaml" else "provider" if rel.startswith("providers") else "model"
        docs.append((kind, load_text(textwrap.dedent(MINI[rel]), rel).data))
    model = docs[2][1]
    docs += [
        ("model", {**model, "extra": 1}),
        ("model", {**model, "status": "gone"}),
        ("model", {**model, "pricing": []}),
        ("model", {**model, "limits": {"context_window": 0}}),
        ("model", {**model, "pricing": [{**model["pricing"][0], "input_per_1m": "2"}]}),
        ("model", {**model, "id": "-bad"}),
        ("provider", {"id": "x", "name": "X", "currency": "usd"}),
        ("catalog", {"name": "c", "rules": {"XX1": "error"}}),
    ]
    return docs


def _floats(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_floats(v) for v in value]
    return value


@pytest.mark.parametrize(("kind", "doc"), _documents())
def test_jsonschema_rs_agrees_with_the_reference_implementation(kind: str, doc: Any) -> None:
    import jsonschema_rs

    reference = jsonschema.Draft202012Validator(schema.load_schema(kind)).is_valid(_floats(doc))
    assert jsonschema_rs.validator_for(schema.load_schema(kind)).is_valid(doc) == reference


def test_schema_dir_is_the_repository_schema_in_a_source_checkout() -> None:
    assert json.loads((schema.schema_dir() / "model.schema.json").read_text())["title"] == "modelctl model"
    assert schema.schema_dir().resolve() in {(REPO / "schema").resolve(), Path(schema.__file__).with_name("_schema")}
