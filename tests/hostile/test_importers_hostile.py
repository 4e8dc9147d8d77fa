"""Importers under hostile source data: real snapshots from ../shared/data
with one value replaced by something a source should never send.  A reader
raises nothing but SourceError, and a price it cannot read never yields a
model without that price."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SHARED_DATA
from modelctl.interop.importers import READERS, ReadOptions, SourceError
from modelctl.interop.importers.common import Candidate

pytestmark = pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data not present")
OPTS = ReadOptions(today=date(2026, 11, 25))
HOSTILE: list[Any] = [
    [[]],
    [{}],
    {},
    [],
    {"a": [1]},
    "NaN",
    "Infinity",
    "-Infinity",
    "sNaN",
    "1e999999999",
    "-1",
    "",
    " ",
    None,
    True,
    -1,
    0,
    10**400,
    "x" * 300,
    "\ud800",
    "\x1b[2J",
    [[[[[[[[[[[]]]]]]]]]]],
    1.5,
]
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@cache
def _openrouter() -> list[dict[str, Any]]:
    return json.loads((SHARED_DATA / "openrouter" / "models.json").read_text())["data"]


@cache
def _litellm() -> list[tuple[str, Any]]:
    raw = json.loads((SHARED_DATA / "litellm" / "model_prices_and_context_window.json").read_text())
    return [(k, v) for k, v in raw.items() if isinstance(v, dict)]


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in ``doc`` a value could be replaced."""
    out = [prefix] if prefix else []
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc[:3]):
            out += _paths(v, (*prefix, i))
    return out


def _replace(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    doc = json.loads(json.dumps(doc))
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return doc


def _read(kind: str, path: Path) -> Any:
    try:
        return READERS[kind](path, OPTS)
    except SourceError:
        return None


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False).encode("utf-8", errors="surrogatepass").decode("utf-8", "replace")


@FUZZ
@given(data=st.data())
def test_openrouter_never_crashes(tmp_path: Path, data: st.DataObject) -> None:
    model = data.draw(st.sampled_from(_openrouter()))
    path = data.draw(st.sampled_from(_paths(model)))
    value = data.draw(st.sampled_from(HOSTILE))
    source = tmp_path / "models.json"
    source.write_text(_dump({"data": [_replace(model, path, value)]}))
    result = _read("openrouter", source)
    if result is not None and path[:1] == ("pricing",) and path[1:] in (("prompt",), ("completion",)):
        key = {"prompt": "input_per_1m", "completion": "output_per_1m"}[path[1]]
        for cand in result.candidates:  # a price that was given but unreadable: the model is skipped
            if value not in (None, ""):
                assert key in cand.doc["pricing"][0], (path, value)


@FUZZ
@given(data=st.data())
def test_litellm_never_crashes(tmp_path: Path, data: st.DataObject) -> None:
    key, spec = data.draw(st.sampled_from(_litellm()))
    path = data.draw(st.sampled_from(_paths(spec)))
    value = data.draw(st.sampled_from(HOSTILE))
    source = tmp_path / "prices.json"
    source.write_text(_dump({key: _replace(spec, path, value)}))
    _read("litellm", source)


@FUZZ
@given(data=st.data())
def test_genai_prices_never_crashes(tmp_path: Path, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(["anthropic.yml", "deepseek.yml"]))
    doc = _genai(name)
    model = data.draw(st.sampled_from(range(len(doc["models"]))))
    provider_paths = [p for p in _paths({k: v for k, v in doc.items() if k not in ("models", "id")}) if p]
    path = data.draw(
        st.sampled_from([("models", model, *p) for p in _paths(doc["models"][model])])
        | st.sampled_from(provider_paths)  # the provider's own fields too (read outside the per-model shield)
    )
    value = data.draw(st.sampled_from([v for v in HOSTILE if v != "\ud800"]))
    folder = tmp_path / "genai"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(yaml.safe_dump(_replace(doc, path, value), allow_unicode=True))
    _read("genai-prices", folder)


@cache
def _genai(name: str) -> Any:
    return json.loads(json.dumps(yaml.safe_load((SHARED_DATA / "genai-prices" / name).read_text()), default=str))


@pytest.mark.parametrize(("field", "value"), [("pricing_urls", 5), ("pricing_urls", {"a": "https://x"}), ("name", 5)])
def test_genai_prices_provider_fields_of_the_wrong_type(tmp_path: Path, field: str, value: Any) -> None:
    # pricing_urls: 5 was a TypeError traceback (read outside the per-model shield); name: 5 was
    # written into the provider file
    doc = {**_genai("deepseek.yml"), field: value}
    folder = tmp_path / "genai"
    folder.mkdir()
    (folder / "deepseek.yml").write_text(yaml.safe_dump(doc, allow_unicode=True))
    data = READERS["genai-prices"](folder, OPTS)
    info = data.providers["deepseek"]
    assert info.doc["name"] == ("deepseek" if field == "name" else "Deepseek")
    if field == "pricing_urls":
        assert "pricing_page" not in info.doc
    assert data.candidates  # the models are still read


@pytest.mark.parametrize("field", ["supported_parameters", "input_modalities", "output_modalities"])
@pytest.mark.parametrize("value", [[[]], [{}], "tools", {"a": 1}, 3])
def test_openrouter_unhashable_values(tmp_path: Path, field: str, value: Any) -> None:
    model = json.loads(json.dumps(next(m for m in _openrouter() if m["id"] == "openai/gpt-4o")))
    if field == "supported_parameters":
        model[field] = value
    else:
        model["architecture"][field] = value
    source = tmp_path / "models.json"
    source.write_text(json.dumps({"data": [model]}))
    (cand,) = READERS["openrouter"](source, OPTS).candidates
    assert any(field in u for u in cand.unmapped)  # reported, not silently dropped


@pytest.mark.parametrize("value", ["NaN", "Infinity", "abc", "1e999999999", [], {}])
def test_openrouter_nan_price_skips_the_model(tmp_path: Path, value: Any) -> None:
    model = json.loads(json.dumps(next(m for m in _openrouter() if m["id"] == "openai/gpt-4o")))
    model["pricing"]["prompt"] = value
    source = tmp_path / "models.json"
    source.write_text(json.dumps({"data": [model]}))
    result = READERS["openrouter"](source, OPTS)
    assert result.candidates == ()
    (skip,) = result.skipped
    assert "pricing.prompt" in skip.reason and "not a price" in skip.reason


def test_litellm_nan_price_skips_the_model(tmp_path: Path) -> None:
    key, spec = next((k, v) for k, v in _litellm() if k == "gpt-4o")
    source = tmp_path / "prices.json"
    for value in ("NaN", "Infinity", "abc", [], {}):
        source.write_text(json.dumps({key: {**spec, "input_cost_per_token": value}}))
        result = READERS["litellm"](source, OPTS)
        kept = [c for c in result.candidates if isinstance(c, Candidate)]
        assert all(isinstance(c.doc["pricing"][0].get("input_per_1m"), Decimal) for c in kept), value


def test_models_dev_provider_name_of_the_wrong_type(tmp_path: Path) -> None:
    # name = 5 in provider.toml was written into the provider file (its validation then refused the import)
    import shutil

    folder = tmp_path / "deepseek"
    shutil.copytree(SHARED_DATA / "models.dev" / "providers" / "deepseek", folder)
    toml = folder / "provider.toml"
    toml.write_text(
        "".join("name = 5\n" if line.startswith("name") else line for line in toml.read_text().splitlines(True))
    )
    data = READERS["models.dev"](folder, OPTS)
    assert data.providers["deepseek"].doc["name"] == "deepseek" and data.candidates
