"""Hostile catalog files (issue 11): each one a finding at its file and line,
never a traceback, and never "valid" when publish would disagree."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from conftest import MINI, REPO, MakeCatalog
from helpers import check
from modelctl.artifact.publish import publish
from modelctl.catalog import files as catalog_files
from modelctl.cli import app
from modelctl.runtime import Catalog

MODEL = "models/acme/beta.yaml"
runner = CliRunner()


def _beta(old: str, new: str) -> str:
    text = textwrap.dedent(MINI[MODEL])
    assert old in text, old
    return text.replace(old, new, 1)


def _position(text: str, marker: str) -> tuple[int, int]:
    """1-based line and column of ``marker`` in ``text``."""
    at = text.index(marker)
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1


def _errors(root: Path) -> list[tuple[str, str, int, int]]:
    result, found = check(root)
    return [f for f, finding in zip(found, result.findings, strict=True) if finding.severity.value == "error"]


@pytest.mark.parametrize(
    ("old", "new", "marker", "code"),
    [
        pytest.param("input_per_1m: 0.50", "input_per_1m: 1e999999999", "1e999999999", "MC018", id="huge-exponent"),
        pytest.param("input_per_1m: 0.50", "input_per_1m: 1e-999999999", "1e-999999999", "MC018", id="tiny-exponent"),
        pytest.param("input_per_1m: 0.50", "input_per_1m: 0." + "0" * 60 + "1", "0.000", "MC018", id="tiny-plain"),
        pytest.param(
            "context_window: 32000", "context_window: " + "1" * 4301, "1111", "MC018", id="int-of-4301-digits"
        ),
        pytest.param("input_per_1m: 0.50", "input_per_1m: " + "9" * 50 + ".5", "9999", "MC018", id="long-decimal"),
        pytest.param(
            "modalities: {input: [text], output: [text]}",
            "modalities: {input: [text], output: [text]}\nfeatures: " + "[" * 300 + "]" * 300,
            "[" * 32,
            "MC020",
            id="list-300-deep",
        ),
        pytest.param(
            "released: 2024-01-01",
            "released: 2024-01-01\nx: " + "{a: " * 500 + "1" + "}" * 500,
            "{a: " * 31 + "{",
            "MC020",
            id="mapping-500-deep",
        ),
        pytest.param(
            "released: 2024-01-01",
            "released: 2024-01-01\nx: " + "{a: " * 999 + "1" + "}" * 999,
            "{a: " * 31 + "{",
            "MC020",
            id="mapping-999-deep",
        ),
        pytest.param("name: Beta", "name: Be\x00ta", "\x00", "MC001", id="nul"),
        pytest.param("name: Beta", "name: Be\x7fta", "\x7f", "MC001", id="del"),
        pytest.param("name: Beta", 'name: "Béta \x01"', "\x01", "MC001", id="control-after-multibyte"),
    ],
)
def test_hostile_values_are_findings_at_their_place(
    make_catalog: MakeCatalog, old: str, new: str, marker: str, code: str
) -> None:
    text = _beta(old, new)
    root = make_catalog({MODEL: text})
    line, col = _position(text, marker)
    if code == "MC020":  # the 33rd level (the file itself is the first) is reported where it opens
        col += len(marker) - 1
    errors = _errors(root)
    assert (code, MODEL, line, col) in errors, errors
    result, _ = check(root)
    assert not result.valid
    messages = [str(f) for f in result.findings if f.code == code]
    assert all("\n" not in m and "<unicode string>" not in m for m in messages), messages


@pytest.mark.parametrize("value", ['!!int "a\\0b"', '!!int "[1"', "!!int abc", '!!float "x"', '!!int ""'])
def test_an_explicit_tag_on_text_that_is_no_number(make_catalog: MakeCatalog, value: str) -> None:
    """Found by bench/fuzz.py: `!!int "a\\0b"` made the loader parse the text again and raise."""
    text = _beta("context_window: 32000", f"context_window: {value}")
    root = make_catalog({MODEL: text})
    line, col = _position(text, value)
    errors = _errors(root)
    assert any((file, n, k) == (MODEL, line, col) for _, file, n, k in errors), errors


def test_a_control_character_names_itself(make_catalog: MakeCatalog) -> None:
    root = make_catalog({MODEL: _beta("name: Beta", "name: Be\x00ta")})
    result, _ = check(root)
    (finding,) = [f for f in result.findings if f.code == "MC001"]
    assert "U+0000" in finding.message
    assert finding.location.line == 3


def test_a_whole_number_written_as_a_decimal_is_an_error(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    text = _beta("context_window: 32000", "context_window: 32000, max_output_tokens: 16384.0")
    root = make_catalog({MODEL: text})
    line, col = _position(text, "16384.0")
    assert ("MC103", MODEL, line, col) in _errors(root)
    result, _ = check(root)
    (finding,) = [f for f in result.findings if f.code == "MC103"]
    assert "16384" in finding.message and finding.json_path == "$.limits.max_output_tokens"
    published = publish(root, tmp_path / "dist")
    assert published.path is None and not (tmp_path / "dist").exists()


def test_a_decimal_that_is_not_whole_is_still_a_type_error(make_catalog: MakeCatalog) -> None:
    text = _beta("context_window: 32000", "context_window: 32000.5")
    assert any(code == "MC103" for code, *_ in _errors(make_catalog({MODEL: text})))


def test_a_price_of_2_0_stays_a_price(make_catalog: MakeCatalog) -> None:
    text = _beta("input_per_1m: 0.50", "input_per_1m: 2.0")
    assert _errors(make_catalog({MODEL: text})) == []


_ARTIFACT_SCHEMA = json.loads((REPO / "schema" / "artifact.schema.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("old", "new", "key", "written"),
    [
        pytest.param("input_per_1m: 0.50", "input_per_1m: -0.0", "input_per_1m", "0.0", id="negative-zero"),
        pytest.param("input_per_1m: 0.50", "input_per_1m: 0.00000000", "input_per_1m", "0.00000000", id="zero-e-8"),
        pytest.param(
            "output_per_1m: 1.50",
            "output_per_1m: 1.50\n    per_request: 0.0000001",
            "per_request",
            "0.0000001",
            id="1e-7",
        ),
        pytest.param("input_per_1m: 0.50", "input_per_1m: 0.50000", "input_per_1m", "0.50000", id="as-written"),
    ],
)
def test_prices_are_published_as_plain_decimals(
    make_catalog: MakeCatalog, tmp_path: Path, old: str, new: str, key: str, written: str
) -> None:
    root = make_catalog({MODEL: _beta(old, new)})
    published = publish(root, tmp_path / "dist")
    assert published.path is not None, [str(f) for f in published.validation.findings]
    doc = json.loads(published.path.read_bytes())
    jsonschema.validate(doc, _ARTIFACT_SCHEMA)
    assert doc["content"]["models"]["acme/beta"]["pricing"][0]["prices"][key] == written
    Catalog.loads(published.path.read_bytes())


# --- the file system ------------------------------------------------------------------


def test_a_symlink_to_dev_zero_is_refused_without_reading(make_catalog: MakeCatalog) -> None:
    root = make_catalog()
    os.symlink("/dev/zero", root / "models/acme/zero.yaml")
    errors = _errors(root)
    assert ("MC017", "models/acme/zero.yaml", 1, 1) in errors


def test_read_bounded_refuses_a_device_even_inside_the_catalog(tmp_path: Path) -> None:
    with pytest.raises(catalog_files.NotRegularFile, match="character device"):
        catalog_files.read_bounded("/dev/zero")


def test_read_bounded_stops_at_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"x" * 11)
    assert catalog_files.read_bounded(path, limit=11) == b"x" * 11
    with pytest.raises(catalog_files.TooLarge):
        catalog_files.read_bounded(path, limit=10)


@pytest.mark.parametrize("name", ["p.yaml", "p.yml"])
def test_a_fifo_never_hangs_validate_or_list(make_catalog: MakeCatalog, tmp_path: Path, name: str) -> None:
    root = make_catalog()
    os.mkfifo(root / "models/acme" / name)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "MODELCTL_CACHE_DIR": str(tmp_path / "cache")}
    for args in (
        ["validate", str(root)],
        ["list", "--catalog", str(root)],
        ["show", "acme/alpha", "--catalog", str(root)],
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "modelctl", *args], env=env, capture_output=True, text=True, timeout=60
        )
        assert "Traceback" not in proc.stderr
        # a catalog file that is not a file, or a .yml one (MC213): an error, so list refuses the catalog
        assert proc.returncode == (1 if args[0] == "validate" else 4), proc.stderr
        assert name in proc.stdout + proc.stderr


def test_symlinks_leaving_the_catalog_are_not_followed(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    root = make_catalog()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "gamma.yaml").write_text((root / MODEL).read_text().replace("id: beta", "id: gamma"))
    os.symlink(outside / "gamma.yaml", root / "models/acme/gamma.yaml")
    os.symlink(outside, root / "models/other")
    errors = _errors(root)
    assert ("MC017", "models/acme/gamma.yaml", 1, 1) in errors
    assert ("MC017", "models/other", 1, 1) in errors
    result, _ = check(root)
    assert "acme/gamma" not in result.catalog.models


def test_a_symlink_inside_the_catalog_is_read(make_catalog: MakeCatalog) -> None:
    root = make_catalog()
    (root / "models/acme/beta.yaml").rename(root / "beta.src")
    os.symlink("../../beta.src", root / "models/acme/beta.yaml")
    result, found = check(root)
    assert "acme/beta" in result.catalog.models, found


def _unreadable(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Make ``folder`` fail to list as it does without permission (tests run as root too)."""
    real = os.scandir

    def scandir(path: object) -> object:
        if Path(str(path)) == folder:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(catalog_files.os, "scandir", scandir)


def test_an_unreadable_models_folder_is_an_error_not_an_empty_catalog(
    make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_catalog()
    _unreadable(monkeypatch, root / "models")
    errors = _errors(root)
    assert ("MC017", "models", 1, 1) in errors
    published = publish(root, tmp_path / "dist")
    assert published.path is None
    assert not (tmp_path / "dist").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads folders without permission")
def test_an_unreadable_models_folder_for_real(make_catalog: MakeCatalog) -> None:
    root = make_catalog()
    (root / "models/acme").chmod(0)
    try:
        assert ("MC017", "models/acme", 1, 1) in _errors(root)
    finally:
        (root / "models/acme").chmod(0o755)


def test_an_unreadable_catalog_root_exits_4(make_catalog: MakeCatalog, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_catalog()
    _unreadable(monkeypatch, root)
    for args in (["validate", str(root)], ["publish", str(root)], ["list", "--catalog", str(root)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 4, (args, result.output)
        assert "Permission denied" in result.stderr and str(root) in result.stderr


@pytest.mark.parametrize("ref", ["acme/nl\n", "acme\n/nl", "acme/nl\r"])
def test_new_model_refuses_an_id_with_a_newline(make_catalog: MakeCatalog, ref: str) -> None:
    root = make_catalog()
    result = runner.invoke(app, ["new", "model", ref, "--catalog", str(root)])
    assert result.exit_code == 2, result.output
    assert "is not a valid" in result.stderr
    assert sorted(p.name for p in (root / "models/acme").iterdir()) == ["alpha.yaml", "beta.yaml"]


def test_no_id_pattern_accepts_a_trailing_newline() -> None:
    """`$` matches before a final newline in Python: every anchored pattern uses \\Z or fullmatch."""
    offenders = []
    for path in sorted((REPO / "src").rglob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"re\.compile\(r?f?\"\^[^\"]*\$\"", line) or re.search(r"re\.match\(r?\"[^\"]*\$\"", line):
                offenders.append(f"{path.relative_to(REPO)}:{n}")
    assert offenders == []
