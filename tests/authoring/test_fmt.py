"""``modelctl fmt``: the canonical form, idempotent, data-preserving, comment-keeping; --check exits 1."""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import REPO, MakeCatalog
from modelctl.authoring.fmt import canonical
from modelctl.authoring.roundtrip import dump, load
from modelctl.catalog.strict_yaml import load_text
from modelctl.cli import app
from modelctl.rules.validate import validate_catalog

runner = CliRunner()

SCRAMBLED = """\
name: Alpha
id: alpha
pricing:
  - effective_from: 2025-01-01
    output_per_1m: 12   # the launch price
    source: https://acme.example/pricing
    input_per_1m: 3.0
    checked: 2025-05-01
  - checked: 2026-11-01
    effective_from: 2025-06-01
    source: https://acme.example/pricing
    output_per_1m: 8.00
    cached_input_per_1m: 0.2
    input_per_1m: 2.00
    variants:
      batch: {output_per_1m: 4, input_per_1m: 1.00, tiers: [{input_per_1m: 2.00, above_input_tokens: 128000}]}
    tiers:
      - {output_per_1m: 16.00, input_per_1m: 4.00, above_input_tokens: 128000}
modalities: {input: [text, image], output: [text]}
limits: {context_window: 200000, max_output_tokens: 8192}
status: active
features: [vision, prompt_caching, streaming]
released: 2025-01-01
aliases: [alpha-2025-01-01]
"""


def test_fmt_check_then_fmt_then_check_again(make_catalog: MakeCatalog) -> None:
    root = make_catalog({"models/acme/alpha.yaml": SCRAMBLED})
    path = root / "models/acme/alpha.yaml"
    model_before = validate_catalog(root).catalog.models["acme/alpha"]
    checked = runner.invoke(app, ["fmt", "--check", str(root)])
    assert checked.exit_code == 1
    assert "1 file not in canonical form" in checked.stderr and str(path) in checked.stdout
    assert path.read_text() == SCRAMBLED  # --check writes nothing
    done = runner.invoke(app, ["fmt", str(path)])
    assert done.exit_code == 0, done.output
    text = path.read_text()
    assert text.startswith(
        "# yaml-language-server: $schema=../../../schema/model.schema.json\nid: alpha\nname: Alpha\n"
    )
    assert text.index("effective_from: 2025-06-01") < text.index("effective_from: 2025-01-01")
    assert "output_per_1m: 12.00 # the launch price" in text and "input_per_1m: 3.00" in text
    assert "      - {above_input_tokens: 128000, input_per_1m: 4.00, output_per_1m: 16.00}" in text
    assert (
        "batch: {input_per_1m: 1.00, output_per_1m: 4.00, tiers: [{above_input_tokens: 128000, input_per_1m: 2.00}]}"
        in text
    )
    lines = text.splitlines()
    period = lines[lines.index("  - effective_from: 2025-06-01") :][:8]
    assert [line.split(":")[0].strip() for line in period] == [
        "- effective_from", "source", "checked", "input_per_1m", "cached_input_per_1m", "output_per_1m", "tiers", "- {above_input_tokens"
    ]  # fmt: skip
    newest_first = tuple(sorted(model_before.pricing, key=lambda p: p.effective_from, reverse=True))
    assert validate_catalog(root).catalog.models["acme/alpha"] == replace(model_before, pricing=newest_first)
    again = runner.invoke(app, ["fmt", "--check", str(root)])
    assert again.exit_code == 0 and again.stdout == ""


def test_the_reference_catalog_is_in_canonical_form() -> None:
    result = runner.invoke(app, ["fmt", "--check", str(REPO / "catalog")])
    assert result.exit_code == 0, result.stdout


def test_fmt_refuses_a_file_with_yaml_errors_and_a_path_that_is_not_a_catalog_file(make_catalog: MakeCatalog) -> None:
    root = make_catalog({"models/acme/alpha.yaml": "id: alpha\nname: [unclosed\n"})
    result = runner.invoke(app, ["fmt", str(root / "models/acme/alpha.yaml")])
    assert result.exit_code == 4 and "fix it first" in result.stderr
    assert (root / "models/acme/alpha.yaml").read_text() == "id: alpha\nname: [unclosed\n"
    stray = root / "notes.yaml"
    stray.write_text("a: 1\n")
    result = runner.invoke(app, ["fmt", str(stray)])
    assert result.exit_code == 4 and "not a catalog file" in result.stderr


@pytest.mark.parametrize(
    ("change", "says"),
    [
        # YAML errors the strict loader reads past (to check the rest): fmt must not call the file canonical
        # nor rewrite it (ruamel's multi-line 'found duplicate key ... To suppress this check see' message).
        (lambda t: t.replace("name: Alpha\n", "name: Alpha\nname: Other\n"), "MC002 duplicate key 'name'"),
        (lambda t: t.replace("input_per_1m: 2.00", "input_per_1m: .nan"), "MC013"),
        (lambda t: t.replace("input_per_1m: 2.00", "input_per_1m: 2e-6"), "MC012"),
        (lambda t: t + "# " + "x" * (1 << 20) + "\n", "over the 1 MiB limit"),
    ],
    ids=["duplicate-key", "nan", "exponent", "too-large"],
)
@pytest.mark.parametrize("canonical_otherwise", [True, False])
@pytest.mark.parametrize("check", [True, False])
def test_fmt_refuses_a_file_the_validator_cannot_read_cleanly(
    make_catalog: MakeCatalog, change: Callable[[str], str], says: str, canonical_otherwise: bool, check: bool
) -> None:
    root = make_catalog()
    path = root / "models/acme/alpha.yaml"
    text = path.read_text()
    if not canonical_otherwise:
        text = text.replace("output_per_1m: 8.00", "output_per_1m: 8")
    path.write_text(change(text))
    before = path.read_bytes()
    result = runner.invoke(app, ["fmt", *(["--check"] if check else []), str(path)])
    assert result.exit_code == 4, result.output
    assert "fix it first" in result.stderr and says in result.stderr and "alpha.yaml" in result.stderr
    assert "ruamel" not in result.stderr and "unicode string" not in result.stderr
    assert path.read_bytes() == before


def test_round_trip_without_fmt_is_byte_for_byte() -> None:
    for path in sorted((REPO / "catalog").rglob("*.yaml")):
        text = path.read_text()
        assert dump(load(text, str(path))) == text, path


MODELS = sorted((REPO / "catalog" / "models").rglob("*.yaml"))


@settings(max_examples=20, deadline=None)
@given(index=st.integers(0, len(MODELS) - 1), seed=st.integers(0, 2**32 - 1))
def test_fmt_undoes_any_reordering(index: int, seed: int) -> None:
    """Shuffle a real model's keys (top level and in every period) and its periods: fmt restores it."""
    path = MODELS[index]
    original = path.read_text()
    rng = random.Random(seed)
    data = load(original, str(path))

    def shuffle(node: object) -> None:
        if hasattr(node, "move_to_end"):
            keys = list(node)  # type: ignore[call-overload]
            rng.shuffle(keys)
            for key in keys:
                node.move_to_end(key)
            for key in keys:
                shuffle(node[key])  # type: ignore[index]

    shuffle(data)
    periods = data["pricing"]
    order = list(periods)
    rng.shuffle(order)
    periods[:] = order
    scrambled = dump(data)
    result = canonical(scrambled, "model", str(path))
    assert result == canonical(result, "model", str(path))  # idempotent
    assert load_text(result, "x").data == load_text(original, "x").data
    assert result == original  # the reference files are canonical, so the shuffle is undone exactly


def test_fmt_on_a_copy_of_the_reference_catalog_after_edits(tmp_path: Path) -> None:
    root = tmp_path / "catalog"
    shutil.copytree(REPO / "catalog", root)
    edit = runner.invoke(
        app, ["price", "set", "openai/gpt-4o", "output_per_1m=9.5", "--from", "2027-01-01", "--catalog", str(root)]
    )
    assert edit.exit_code == 0, edit.output
    assert runner.invoke(app, ["fmt", "--check", str(root)]).exit_code == 0  # edits write canonical files
