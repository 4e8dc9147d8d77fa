"""The compiled shape check reads keys with the parse's own key objects (``own_keys``), and an
absent optional date, price or count as a value its test accepts: neither may change what it
accepts.  Every field of a few models deleted, and every value replaced by each kind of JSON
value, the fast check and the walk agree; ``own_keys`` finds the document's own key objects on
any JSON document and never raises; whichever keys it finds (none, some, all), the answer is
the same."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO
from modelctl.artifact.compile import SourceInfo, compile_artifact
from modelctl.rules.validate import validate_catalog
from modelctl.runtime import _shape, _shapes
from shape_helpers import walk_accepts

ODD: list[Any] = [None, True, False, 0, 7, -1, 1.5, "", "x", "2.50", "2026-01-01", "12:00", [], ["x"], {}, {"x": "y"}]

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=30,
)


@pytest.fixture(scope="module")
def small() -> dict[str, Any]:
    """The repository catalog cut to a few models (with the aliases naming them), as parsed."""
    result = validate_catalog(REPO / "catalog", today=date(2026, 11, 25))
    content = json.loads(compile_artifact(result.catalog, SourceInfo()).data)["content"]
    keep = {*sorted(content["models"])[:3], "openai/gpt-4o"}
    content["models"] = {ref: m for ref, m in content["models"].items() if ref in keep}
    content["aliases"] = {key: ref for key, ref in content["aliases"].items() if ref in keep}
    return json.loads(json.dumps(content))  # type: ignore[no-any-return]


def _places(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every value in ``node``."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    out = []
    for key, value in items:
        out += [(*path, key), *_places(value, (*path, key))]
    return out


def _parent(doc: Any, path: tuple[Any, ...]) -> Any:
    for key in path[:-1]:
        doc = doc[key]
    return doc


def test_every_field_deleted_the_fast_check_and_the_walk_agree(small: dict[str, Any]) -> None:
    refused = 0
    for path in _places(small):
        parent = _parent(small, path)
        if not isinstance(parent, dict):
            continue
        doc = copy.deepcopy(small)
        del _parent(doc, path)[path[-1]]
        fast, slow = _shape._accepts(doc), walk_accepts(doc)
        assert fast == slow, path
        refused += not slow
    assert refused > 20  # the required fields (the optional ones may go)


def test_every_value_replaced_by_another_json_value_the_fast_check_and_the_walk_agree(small: dict[str, Any]) -> None:
    assert _shape._accepts(small) and walk_accepts(small)
    refused = 0
    for path in _places(small):
        parent = _parent(small, path)
        original = parent[path[-1]]
        for odd in ODD:
            parent[path[-1]] = odd
            fast, slow = _shape._accepts(small), walk_accepts(small)
            assert fast == slow, (path, odd)
            refused += not slow
        parent[path[-1]] = original
    assert refused > 3000


def test_own_keys_are_the_documents_own_key_objects(small: dict[str, Any]) -> None:
    doc = json.loads(json.dumps(small))
    own = _shapes.own_keys(doc)
    model = doc["models"]["openai/gpt-4o"]
    period = model["pricing"][0]
    for obj in (doc, model, model["modalities"], period, period["prices"]):
        for key in obj:
            assert own[key] is key  # the very object json.loads made (one per distinct key)
    assert {"provider", "pricing", "effective_from", "input_per_1m"} <= own.keys()


def test_keys_not_found_are_read_with_equal_strings(small: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    bad = copy.deepcopy(small)
    bad["models"]["openai/gpt-4o"]["pricing"][0]["prices"]["input_per_1m"] = "-1"
    for found in ({}, {"models": "models"}):  # none of the parse's keys, or one equal string
        monkeypatch.setattr(_shape, "own_keys", lambda doc, found=found: dict(found))
        assert _shape._accepts(small) and not _shape._accepts(bad)


@settings(max_examples=300, deadline=None)
@given(doc=JSON)
def test_own_keys_on_any_json_document(doc: Any) -> None:
    parsed = json.loads(json.dumps(doc))
    own = _shapes.own_keys(parsed, budget=50)
    keys = {id(key) for path in _places(parsed) for key in [path[-1]] if isinstance(key, str)}
    keys |= {id(key) for key in parsed} if isinstance(parsed, dict) else set()
    assert all(key == value and id(value) in keys for key, value in own.items())


@settings(max_examples=200, deadline=None)
@given(doc=JSON, where=st.sampled_from(["models", "plans", "accounts", "providers", "aliases", "catalog"]))
def test_any_json_value_in_a_section_the_fast_check_and_the_walk_agree(
    small: dict[str, Any], doc: Any, where: str
) -> None:
    content = json.loads(json.dumps({**small, where: {"x/y": doc} if where != "catalog" else doc}))
    assert _shape._accepts(content) == walk_accepts(content)
