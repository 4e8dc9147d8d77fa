"""Strict loading: every YAML surprise is a finding at file:line:column."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from conftest import MINI, MakeCatalog
from helpers import check
from modelctl.catalog.files import MAX_BYTES
from modelctl.catalog.strict_yaml import load_bytes, load_text

MODEL = "models/acme/beta.yaml"


def _beta(**replace: str) -> str:
    import textwrap

    text = textwrap.dedent(MINI[MODEL])
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


@pytest.mark.parametrize(
    ("text", "code", "line", "col", "words"),
    [
        pytest.param(
            _beta(**{"name: Beta\n": "name: Beta\nname: Bravo\n"}),
            "MC002",
            4,
            1,
            ["first at line 3", "again at line 4"],
            id="duplicate-key",
        ),
        pytest.param(_beta(**{"name: Beta": "name: &n Beta\nfamily: *n"}), "MC003", 3, 7, ["anchor &n"], id="anchor"),
        pytest.param(
            _beta(**{"limits: {context_window: 32000}": "base: &b {context_window: 32000}\nlimits:\n  <<: *b"}),
            "MC003",
            7,
            7,
            ["anchor &b"],
            id="merge-key-with-anchor",
        ),
        pytest.param(
            _beta(**{"status: deprecated": "status: deprecated\n1: one"}),
            "MC005",
            5,
            1,
            ["quote it"],
            id="non-string-key",
        ),
        pytest.param(
            _beta(**{"name: Beta": "name: !!python/name:os.system Beta"}),
            "MC006",
            3,
            7,
            ["not allowed"],
            id="python-tag",
        ),
        pytest.param(_beta(**{"name: Beta": "name: !custom Beta"}), "MC006", 3, 7, ["!custom"], id="custom-tag"),
        pytest.param(_beta(**{"limits:": "limits:\n\t"}), "MC011", 8, 1, ["tab"], id="tab-indent"),
        pytest.param(
            _beta(**{"input_per_1m: 0.50": "input_per_1m: 5e-7"}),
            "MC012",
            13,
            19,
            ["exponent notation", "0.50"],
            id="exponent-string",
        ),
        pytest.param(
            _beta(**{"output_per_1m: 1.50": "output_per_1m: 1.5e-06"}),
            "MC012",
            14,
            20,
            ["1.5e-06", "1.50"],
            id="exponent-float",
        ),
        pytest.param(
            _beta(**{"output_per_1m: 1.50": "output_per_1m: .inf"}), "MC013", 14, 20, ["finite"], id="infinity"
        ),
        pytest.param(
            _beta(**{"name: Beta": "name: Beta\nopen_weights: yes"}),
            "MC014",
            4,
            15,
            ["true or false"],
            id="yes-boolean",
        ),
        pytest.param(_beta(**{"32000": "031000"}), "MC015", 7, 26, ["plain decimal"], id="octal"),
        pytest.param(_beta(**{"name: Beta": "name: [Beta"}), "MC001", 4, 7, ["syntax"], id="syntax"),
        pytest.param("", "MC009", 1, 1, ["empty"], id="empty"),
        pytest.param("# only a comment\n", "MC009", 1, 1, ["empty"], id="comment-only"),
        pytest.param("# c\n- id: beta\n", "MC010", 2, 1, ["a list", "mapping"], id="root-list"),
        pytest.param("just a string\n", "MC010", 1, 1, ["single value"], id="root-scalar"),
    ],
)
def test_loader_findings(
    make_catalog: MakeCatalog, text: str, code: str, line: int, col: int, words: list[str]
) -> None:
    root = make_catalog({MODEL: text})
    result, found = check(root)
    assert (code, MODEL, line, col) in found
    message = next(f.message for f in result.findings if f.code == code)
    for word in words:
        assert word in message
    assert not result.valid


def test_merge_key_without_anchor_is_reported(make_catalog: MakeCatalog) -> None:
    root = make_catalog({MODEL: _beta(**{"limits: {context_window: 32000}": "limits:\n  <<: {context_window: 32000}"})})
    _, found = check(root)
    assert ("MC004", MODEL, 8, 3) in found


def test_invalid_utf8_points_at_the_byte(make_catalog: MakeCatalog) -> None:
    root = make_catalog()
    path = root / MODEL
    path.write_bytes(path.read_bytes().replace(b"name: Beta", b"name: B\xe9ta"))
    result, found = check(root)
    assert ("MC007", MODEL, 3, 8) in found
    assert "0xe9" in result.findings[0].message


def test_file_over_one_mib(make_catalog: MakeCatalog) -> None:
    root = make_catalog()
    path = root / MODEL
    path.write_text(path.read_text() + "# " + "x" * MAX_BYTES + "\n")
    result, found = check(root)
    assert ("MC008", MODEL, 1, 1) in found
    assert "1 MiB" in next(f.message for f in result.findings if f.code == "MC008")


def test_unreadable_file(make_catalog: MakeCatalog) -> None:
    root = make_catalog()
    (root / MODEL).unlink()
    (root / MODEL).symlink_to(root / "nowhere.yaml")
    _, found = check(root)
    assert ("MC017", MODEL, 1, 1) in found


def test_prices_are_decimal_from_the_text() -> None:
    loaded = load_text("a: 0.1\nb: 2.50\nc: 3\nd: 1_000.25\n", "x.yaml")
    assert loaded.data == {"a": Decimal("0.1"), "b": Decimal("2.50"), "c": 3, "d": Decimal("1000.25")}
    assert str(loaded.data["b"]) == "2.50"
    assert loaded.findings == []


def test_dates_stay_iso_strings() -> None:
    loaded = load_text("released: 2024-05-13\nquoted: '2024-05-13'\n", "x.yaml")
    assert loaded.data == {"released": "2024-05-13", "quoted": "2024-05-13"}


def test_quoted_exponent_is_a_string_not_a_finding() -> None:
    loaded = load_text("name: '1e6'\n", "x.yaml")
    assert loaded.data == {"name": "1e6"} and loaded.findings == []


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    loaded = load_text("\n".join(lines) + "\n", "bomb.yaml")
    assert loaded.data is None
    assert {f.code for f in loaded.findings} == {"MC003"}


def test_locate_points_at_values_and_keys() -> None:
    loaded = load_text("a:\n  b: [1, 2]\n  c: {d: 3}\n", "x.yaml")
    assert (loaded.locate(["a", "b", 1]).line, loaded.locate(["a", "b", 1]).column) == (2, 10)
    assert (loaded.locate(["a", "c", "d"], key=True).line, loaded.locate(["a", "c", "d"], key=True).column) == (3, 7)
    # A missing segment stops at the deepest node that exists.
    assert (loaded.locate(["a", "zz", "y"]).line, loaded.locate(["a", "zz", "y"]).column) == (2, 3)


def test_load_bytes_never_raises_on_garbage() -> None:
    for raw in [b"\x00\x01\x02", b"a: [", b"\xff\xfe", b"{{{{", b"- - - -", b"a: b: c"]:
        loaded = load_bytes(raw, "g.yaml")
        assert loaded.data is None or isinstance(loaded.data, dict)
        assert loaded.findings or loaded.data is not None


def test_loader_failure_leaves_the_file_untouched(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    root = make_catalog({MODEL: "a: [\n"})
    before = (root / MODEL).read_bytes()
    check(root)
    assert (root / MODEL).read_bytes() == before
