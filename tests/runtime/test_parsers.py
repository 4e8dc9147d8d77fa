"""``Catalog.loads(parser="msgspec")`` (the ``fast`` extra) against the standard library's parser:
the same documents accepted with the same content, the same documents refused (with the same
message where the cause is the same), on the edge cases of JSON, on mutated artifacts and on
hypothesis' JSON values; and a wrong or missing parser said clearly."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from modelctl.runtime import ArtifactError, Catalog, CatalogError, CatalogHolder, _fast

pytest.importorskip("msgspec")

sys.path.insert(0, str(REPO / "bench"))

import fuzz_artifacts as fuzz  # noqa: E402


@pytest.fixture(scope="module")
def base() -> tuple[bytes, dict[str, Any], list[Any]]:
    return fuzz.base()


def outcome(data: bytes, parser: str) -> tuple[str, Any]:
    """("ok", content) or ("refused", message); anything else raised fails the test."""
    try:
        catalog = Catalog.loads(data, parser=parser)
    except CatalogError as exc:
        return "refused", str(exc)
    return "ok", catalog._content


def same(data: bytes) -> tuple[str, Any]:
    """The two parsers' outcomes, which must agree: the same content, or both refused."""
    plain, fast = outcome(data, "json"), outcome(data, "msgspec")
    assert plain[0] == fast[0], (plain, fast)
    if plain[0] == "ok":
        assert fast[1] == plain[1]
    return plain


def with_digest(content: Any) -> bytes:
    """A canonical artifact around ``content``, its digest recomputed (so that it reaches the parse's
    result and the shape check, not only the digest)."""
    return fuzz.assemble(fuzz.canonical(content))


def test_the_repository_artifact_loads_the_same(base: tuple[bytes, Any, Any]) -> None:
    raw, content, _ = base
    kind, got = same(raw)
    assert kind == "ok" and got == content and len(Catalog.loads(raw, parser="msgspec")) == 80


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        ("1e400", "out of range"),  # a float that overflows: inf in json.loads, refused by both
        ("-1e400", "out of range"),
        ("0.1e-400", None),  # underflows to 0.0: accepted by both
        ("NaN", "not valid JSON"),
        ("Infinity", "not valid JSON"),
        ("9" * 4300, None),  # the standard library's digit limit, which msgspec keeps
        ("9" * 4301, "not valid JSON"),
        ('"\\ud800"', "lone surrogate"),
        ('"\\udc00x"', "lone surrogate"),
        ('"\\ud800\\u0041"', "lone surrogate"),
        ('"\\ud83d\\ude00"', None),  # a pair is one character
        ('"\\u0000"', None),
        ("-0", None),
        ("1E5", None),
        ('{"a": 1, "a": 2}', None),  # a repeated key: the last wins in both
    ],
)
def test_json_edge_values_in_an_unread_field_are_judged_alike(value: str, refused: str | None) -> None:
    # the value sits where the runtime reads nothing (a key a later minor version could add), so
    # only the parse decides; the digest is of the content's text as written
    body = fuzz.canonical(json.loads(fuzz.base_artifact())["content"])
    kind, message = same(fuzz.assemble(body[:-1] + b',"zz_future":' + value.encode() + b"}"))
    if refused is None:
        assert kind == "ok", message
    else:
        assert kind == "refused" and refused in message, message


@pytest.mark.parametrize(
    ("data", "refused"),
    [
        (b"\xef\xbb\xbf" + b'{"format_version": "1.0"}', "not valid JSON"),
        (b'{"format_version": "1.0"} x', "not valid JSON"),
        (b'{"format_version": "1.\x01"}', "not valid JSON"),
        (b'{"format_version": "\xff"}', "not UTF-8"),
        (b'{"format_version": "\xed\xa0\x80"}', "not UTF-8"),  # a surrogate written as raw bytes
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b"", "not valid JSON"),
        (b"{", "not valid JSON"),
        (b"[]", "no format_version"),
    ],
)
def test_malformed_documents_are_refused_alike(data: bytes, refused: str) -> None:
    plain, fast = outcome(data, "json"), outcome(data, "msgspec")
    assert plain[0] == fast[0] == "refused"
    assert refused in plain[1] and refused in fast[1], (plain, fast)


def test_the_same_utf8_and_surrogate_messages() -> None:
    for data in (b'{"a": "ok", "b": "\xc3"}', b'{"a": "\\udfff"}', b'{"a": "\\udfff", }'):
        assert outcome(data, "json") == outcome(data, "msgspec")


SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(rng=st.randoms(use_true_random=False))
def test_mutated_artifacts_are_judged_alike(base: tuple[bytes, Any, Any], rng: random.Random) -> None:
    raw, content, paths = base
    _, data = fuzz.mutate(rng, raw, content, paths)  # byte flips, truncation, type swaps, nesting ...
    same(data)


@SETTINGS
@given(rng=st.randoms(use_true_random=False))
def test_value_swaps_that_keep_the_digest_are_judged_alike(base: tuple[bytes, Any, Any], rng: random.Random) -> None:
    raw, content, paths = base
    same(fuzz.swap_value(rng, raw, content, paths))  # reaches the shape check


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)


@SETTINGS
@given(value=JSON_VALUES, key=st.sampled_from(["zz_future", "models", "providers", "catalog"]))
def test_any_json_value_in_any_section_is_judged_alike(base: tuple[bytes, Any, Any], value: Any, key: str) -> None:
    _, content, _ = base
    same(with_digest({**content, key: value}))


@SETTINGS
@given(data=st.binary(max_size=64) | st.text(max_size=32).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_any_bytes_are_judged_alike(data: bytes) -> None:
    assert same(data)[0] == "refused"


def test_a_wrong_parser_is_the_caller_s_mistake(tmp_path: Path, base: tuple[bytes, Any, Any]) -> None:
    raw = base[0]
    path = tmp_path / "catalog.json"
    path.write_bytes(raw)
    with pytest.raises(ValueError, match="parser 'orjson' is not one of: json, msgspec"):
        Catalog.loads(raw, parser="orjson")
    with pytest.raises(TypeError, match="parser must be a str"):
        Catalog.loads(raw, parser=None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="is not one of"):
        Catalog.load(path, parser="JSON")
    with pytest.raises(ValueError, match="is not one of"):
        CatalogHolder(path, parser="fast")


def test_msgspec_missing_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    raw = fuzz.base_artifact()
    monkeypatch.setattr(_fast, "_DECODER", [])
    monkeypatch.setitem(sys.modules, "msgspec", None)  # import msgspec raises ImportError
    with pytest.raises(CatalogError, match=r"pip install 'modelctl\[fast\]'") as caught:
        Catalog.loads(raw, parser="msgspec")
    assert not isinstance(caught.value, ArtifactError)  # not the artifact's fault
    path = tmp_path / "catalog.json"
    path.write_bytes(raw)
    with pytest.raises(CatalogError, match="needs the `msgspec` package"):
        CatalogHolder(path, parser="msgspec")  # at construction, not at the first refresh
    assert len(Catalog.loads(raw)) == 80  # the standard library's parser needs nothing


def test_a_holder_parses_with_msgspec(tmp_path: Path, base: tuple[bytes, Any, Any]) -> None:
    raw, content, _ = base
    path = tmp_path / "catalog.json"
    path.write_bytes(raw)
    holder = CatalogHolder(path, parser="msgspec")
    try:
        assert holder.catalog._content == content and holder.status()["origin"] == "file"
        path.write_bytes(raw[: len(raw) // 2])  # truncated: refused, the last good one kept
        holder.refresh()
        assert holder.catalog._content == content
        assert "not valid JSON" in str(holder.status()["last_error"])
    finally:
        holder.close()
