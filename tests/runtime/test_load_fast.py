"""The fast load path (issue 13): the compiled shape check says yes by itself on good content
and agrees with the walk wherever a container is replaced by another JSON value (it tests no
class where a ``.get``/``[]`` would raise); ``from_content`` is judged by the walk alone (values
JSON never makes, such as a subclass of str); the digest hashed ahead in a thread is used only
for the byte range the parsed envelope gives, and a wrong guess or no thread still checks it."""

from __future__ import annotations

import copy
import hashlib
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO
from modelctl.artifact.compile import SourceInfo, compile_artifact
from modelctl.rules.validate import validate_catalog
from modelctl.runtime import ArtifactError, Catalog, _artifact, _shape
from shape_helpers import walk_accepts

sys.path.insert(0, str(REPO / "bench"))

import fuzz_artifacts as fuzz  # noqa: E402
from gen_catalog import generate  # noqa: E402

# every kind of value JSON makes, a few of each; a container where another kind is read
ODD: list[Any] = [None, True, 0, 2, -1, 1.5, "", "x", "2.50", [], ["x"], [{}], {}, {"x": "y"}, {"input": []}]


@pytest.fixture(scope="module")
def content() -> dict[str, Any]:
    result = validate_catalog(REPO / "catalog", today=date(2026, 11, 25))
    doc = json.loads(compile_artifact(result.catalog, SourceInfo()).data)
    return doc["content"]  # type: ignore[no-any-return]


def test_the_fast_check_says_yes_by_itself_on_what_the_compiler_writes(content: dict[str, Any], tmp_path: Path) -> None:
    assert _shape._compiled()(content) is True  # not a refusal the walk would then overrule
    generate(tmp_path / "catalog", 40, providers=5, seed=4)
    result = validate_catalog(tmp_path / "catalog", today=date(2026, 11, 25))
    generated = json.loads(compile_artifact(result.catalog, SourceInfo()).data)["content"]
    assert _shape._compiled()(generated) is True


def _containers(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path] if isinstance(node, dict | list) else []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        out += _containers(value, (*path, key))
    return out


def test_every_container_replaced_by_another_json_value_the_fast_check_and_the_walk_agree(
    content: dict[str, Any],
) -> None:
    small = copy.deepcopy(content)
    refs = sorted(small["models"])
    keep = {*refs[:3], "openai/gpt-4o"}  # a few models, and the aliases that name them
    small["models"] = {ref: m for ref, m in small["models"].items() if ref in keep}
    small["aliases"] = {key: ref for key, ref in small["aliases"].items() if ref in keep}
    assert _shape._accepts(small) and walk_accepts(small)
    refused = 0
    for path in _containers(small):
        if not path:
            continue
        parent = small
        for key in path[:-1]:
            parent = parent[key]
        original = parent[path[-1]]
        for odd in ODD:
            parent[path[-1]] = json.loads(json.dumps(odd))  # what a parse would make
            fast, slow = _shape._accepts(small), walk_accepts(small)
            assert fast == slow, (path, odd)
            refused += not slow
        parent[path[-1]] = original
    assert refused > 500  # most replacements are refused (an unread field's are not)


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("limits", "128000"),
        ("limits", []),
        ("modalities", ["text"]),
        ("modalities", ""),
        ("pricing|0|prices", []),
        ("pricing|0|prices", "2.50"),
        ("pricing|0", "2026-01-01"),
        ("deprecation", []),
        ("features", {"vision": "x"}),  # a "".join of an object would join its keys
        ("features", "vision"),  # ... and of a string its characters
    ],
)
def test_a_container_of_the_wrong_kind_is_refused_naming_it(content: dict[str, Any], where: str, value: Any) -> None:
    doc = copy.deepcopy(content)
    ref = "openai/gpt-4o"
    node: Any = doc["models"][ref]
    *parents, last = [int(p) if p.isdigit() else p for p in where.split("|")]
    for key in parents:
        node = node[key]
    node[last] = value
    assert not _shape._accepts(doc)
    with pytest.raises(ArtifactError, match=r"artifact content is malformed: content\.models\[.openai/gpt-4o.\]\."):
        _shape.check_content(doc)


class Sneaky(str):
    pass


def test_from_content_refuses_a_subclass_of_str_in_a_list(content: dict[str, Any]) -> None:
    doc = copy.deepcopy(content)
    doc["models"]["openai/gpt-4o"]["features"] = [Sneaky("vision")]
    assert "".join(doc["models"]["openai/gpt-4o"]["features"]) == "vision"  # a join would accept it
    with pytest.raises(ArtifactError, match=r"features\[0\]: 'vision' is not a string"):
        Catalog.from_content(doc)
    doc["models"]["openai/gpt-4o"]["features"] = ["vision"]
    assert len(Catalog.from_content(doc)) == len(doc["models"])


# --- the digest hashed ahead ------------------------------------------------------------------


@pytest.fixture
def ahead_always(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_artifact._HashAhead, "MIN_BYTES", 0)  # the thread for any size


def _range(raw: bytes) -> tuple[int, int]:
    start = raw.index(b',"content":') + len(b',"content":')
    return start, raw.rindex(b',"digest":')


def test_the_digest_is_hashed_in_a_thread_for_the_content_range(ahead_always: None) -> None:
    raw = fuzz.base_artifact()
    start, end = _range(raw)
    ahead = _artifact._HashAhead(raw)
    assert ahead._done is not None  # a thread was started
    assert ahead.result(start, end) == "sha256:" + hashlib.sha256(raw[start:end]).hexdigest()
    assert ahead.result(start, end - 1) is None  # another range: not used
    assert len(Catalog.loads(raw)) == 80


def test_small_artifacts_are_hashed_in_line() -> None:
    raw = fuzz.base_artifact()
    assert len(raw) < _artifact._HashAhead.MIN_BYTES
    assert _artifact._HashAhead(raw)._done is None


def test_a_big_artifact_is_hashed_ahead(tmp_path: Path) -> None:
    generate(tmp_path / "catalog", 1200, providers=8, seed=5)
    result = validate_catalog(tmp_path / "catalog", today=date(2026, 11, 25))
    raw = compile_artifact(result.catalog, SourceInfo()).data
    assert len(raw) >= _artifact._HashAhead.MIN_BYTES
    assert _artifact._HashAhead(raw)._done is not None
    assert len(Catalog.loads(raw)) == 1200
    with pytest.raises(ArtifactError, match="digest mismatch"):
        Catalog.loads(_tampered(raw))


def _tampered(raw: bytes) -> bytes:
    i = raw.index(b'"input_per_1m":"') + len(b'"input_per_1m":"')
    return raw[:i] + (b"7" if raw[i : i + 1] != b"7" else b"8") + raw[i + 1 :]


@pytest.mark.parametrize(
    "envelope",
    [
        {"aardvark": {"content": {}}},  # a key before content whose value holds "content":
        {"zebra": {"a": {}, "digest": "sha256:" + "0" * 64}},  # a key after it holding },"digest":"sha256:
    ],
)
def test_a_wrong_guess_of_the_range_still_checks_the_digest(ahead_always: None, envelope: dict[str, Any]) -> None:
    content = json.loads(fuzz.base_artifact())["content"]
    body = fuzz.canonical(content)
    doc = {"catalog_version": "x", "content": content, "format_version": "1.0", "source": {}, **envelope}
    doc["digest"] = "sha256:" + hashlib.sha256(body).hexdigest()
    raw = fuzz.canonical(doc) + b"\n"
    start = raw.index(body)
    ahead = _artifact._HashAhead(raw)
    assert ahead._done is not None and (ahead.start, ahead.end) != (start, start + len(body))  # guessed wrong
    assert len(Catalog.loads(raw)) == 80
    with pytest.raises(ArtifactError, match="digest mismatch"):
        Catalog.loads(_tampered(raw))


def test_no_thread_still_checks_the_digest(ahead_always: None, monkeypatch: pytest.MonkeyPatch) -> None:
    import _thread

    def refuse(*args: Any) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(_thread, "start_new_thread", refuse)
    raw = fuzz.base_artifact()
    assert _artifact._HashAhead(raw)._done is None
    assert len(Catalog.loads(raw)) == 80
    with pytest.raises(ArtifactError, match="digest mismatch"):
        Catalog.loads(_tampered(raw))


def test_a_tampered_artifact_is_refused_through_the_thread(ahead_always: None) -> None:
    with pytest.raises(ArtifactError, match="digest mismatch"):
        Catalog.loads(_tampered(fuzz.base_artifact()))


def test_a_thread_that_never_runs_is_not_waited_for(ahead_always: None, monkeypatch: pytest.MonkeyPatch) -> None:
    import _thread

    monkeypatch.setattr(_thread, "start_new_thread", lambda *args: 1)  # "started", never runs
    monkeypatch.setattr(_artifact._HashAhead, "START_SECONDS", 0.05)
    raw = fuzz.base_artifact()
    assert _artifact._HashAhead(raw)._done is None
    assert len(Catalog.loads(raw)) == 80
    with pytest.raises(ArtifactError, match="digest mismatch"):
        Catalog.loads(_tampered(raw))
