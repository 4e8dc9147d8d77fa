"""YAML indentation mistakes in real catalog files say which line to fix and what to compare it
with; a per-token price is reported at its own line, and the right prices are not blamed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import REPO
from modelctl.catalog.strict_yaml import load_text
from modelctl.catalog.yaml_hints import hint
from modelctl.cli import app

runner = CliRunner()
HAIKU = REPO / "catalog" / "models" / "anthropic" / "claude-haiku-4-5.yaml"
REAL = sorted((REPO / "catalog").rglob("*.yaml"))


def _real(path: Path, line: int, old: str, new: str) -> str:
    """The real file with line ``line`` (1-based) changed from ``old`` to ``new``."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[line - 1].rstrip("\n") == old, f"{path} changed: line {line} is no longer {old!r}"
    lines[line - 1] = new + "\n"
    return "".join(lines)


def _mc001(text: str) -> tuple[int, int, str]:
    (finding,) = [f for f in load_text(text, "m.yaml").findings if f.code == "MC001"]
    return finding.location.line, finding.location.column, finding.message


def test_a_key_indented_too_far_names_its_neighbour() -> None:
    line, col, msg = _mc001(_real(HAIKU, 15, "    checked: 2026-11-25", "     checked: 2026-11-25"))
    assert (line, col) == (15, 6)
    assert "mapping values are not allowed" in msg  # the parser's words stay
    assert "line 15: `checked:` is indented 5 spaces, more than `source:` on line 14 (4 spaces)" in msg


def test_a_key_between_two_levels_names_both() -> None:
    line, col, msg = _mc001(_real(HAIKU, 15, "    checked: 2026-11-25", "   checked: 2026-11-25"))
    assert (line, col) == (15, 4)
    assert "`checked:` is indented 3 spaces" in msg
    assert "4 spaces (`source:` on line 14) or 2 spaces (the `- ` of the list item on line 13)" in msg


def test_a_key_at_the_column_of_a_list_dash() -> None:
    old = "    output_per_1m: 5.00"
    line, _col, msg = _mc001(_real(HAIKU, 20, old, "  output_per_1m: 5.00"))
    assert line == 20
    assert "where the `- ` of the list item on line 13 is" in msg and "indented 4 spaces, like `effective_from:`" in msg


def test_a_top_level_key_pushed_in() -> None:
    line, _col, msg = _mc001(_real(HAIKU, 5, "status: active", " status: active"))
    assert line == 5 and "`status:` is indented 1 space, more than `family:` on line 4 (0 spaces)" in msg


def test_a_dedented_key_is_named_when_the_parser_stops_on_the_next_line() -> None:
    # `checked:` at column 1 ends the list; the parser stops at line 16, and the hint names line 15 too
    line, _col, msg = _mc001(_real(HAIKU, 15, "    checked: 2026-11-25", "checked: 2026-11-25"))
    assert line == 16 and "more than `checked:` on line 15 (0 spaces)" in msg and "line 15 not far enough" in msg


def test_a_list_item_out_of_line() -> None:
    path = REPO / "catalog" / "models" / "deepseek" / "deepseek-v4-flash.yaml"
    old = '          - {start: "04:00", end: "06:00"}'
    line, _col, msg = _mc001(_real(path, 45, old, old[2:]))
    assert line == 45 and "its `- ` is indented 8 spaces, but the list item above it (line 44) starts at 10" in msg


def test_an_unquoted_colon_in_a_value() -> None:
    line, col, msg = _mc001(_real(HAIKU, 3, "name: Claude Haiku 4.5", "name: Claude: Haiku 4.5"))
    assert (line, col) == (3, 1) and "the value of `name` on line 3 contains `: `: put the value in quotes" in msg


def test_a_line_without_a_colon() -> None:
    line, _col, msg = _mc001(_real(HAIKU, 15, "    checked: 2026-11-25", "    checked 2026-11-25"))
    assert line == 15 and "line 15 (`checked 2026-11-25`) is not `key: value`" in msg


def test_other_syntax_errors_keep_the_parser_message() -> None:
    assert hint("a: [1, 2\n", "did not find expected ',' or ']'", 2, 1) is None
    line, _col, msg = _mc001("name: [Beta\n")
    assert msg.startswith("YAML syntax error:") and "check the indentation" not in msg


def test_validate_names_the_file_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cat = tmp_path / "catalog"
    shutil.copytree(REPO / "catalog", cat)
    target = cat / "models" / "anthropic" / "claude-haiku-4-5.yaml"
    target.write_text(_real(HAIKU, 15, "    checked: 2026-11-25", "     checked: 2026-11-25"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate", "catalog"])
    assert result.exit_code == 1
    (line,) = [x for x in result.stdout.splitlines() if "MC001" in x]
    assert line.startswith("catalog/models/anthropic/claude-haiku-4-5.yaml:15:6: error MC001")
    assert "`checked:` is indented 5 spaces" in line


def _lines_with_text(path: Path) -> list[int]:
    text = path.read_text(encoding="utf-8").splitlines()
    return [i for i, line in enumerate(text) if line.strip() and not line.lstrip().startswith("#")]


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_any_shifted_line_of_a_real_file_is_a_finding_never_a_crash(data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(REAL))
    lines = path.read_text(encoding="utf-8").splitlines()
    i = data.draw(st.sampled_from(_lines_with_text(path)))
    indent = len(lines[i]) - len(lines[i].lstrip(" "))
    shift = data.draw(st.sampled_from([d for d in (-3, -2, -1, 1, 2, 3) if indent + d >= 0]))
    lines[i] = " " * (indent + shift) + lines[i].lstrip(" ")
    out = load_text("\n".join(lines) + "\n", "m.yaml")  # never raises
    for f in out.findings:
        assert 1 <= f.location.line <= len(lines) + 1 and f.location.column >= 1


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("    output_per_1m: 5.00", "    output_per_1m: 0.000005", id="output"),
        pytest.param("    input_per_1m: 1.00", "    input_per_1m: 0.000001", id="input"),
        pytest.param("    input_per_1m: 1.00", "    input_per_1m: 0.0000025", id="input-2.5"),
    ],
)
def test_a_per_token_price_is_reported_at_its_line_and_nothing_else_is_blamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str
) -> None:
    cat = tmp_path / "catalog"
    shutil.copytree(REPO / "catalog", cat)
    lines = HAIKU.read_text(encoding="utf-8").splitlines()
    line = lines.index(old) + 1
    (cat / "models" / "anthropic" / "claude-haiku-4-5.yaml").write_text(_real(HAIKU, line, old, new), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate", "catalog"])
    assert result.exit_code == 1
    mine = [x for x in result.stdout.splitlines() if x.startswith("catalog/models/anthropic/claude-haiku-4-5.yaml:")]
    # the variant (batch) and the other keys are right: only the line holding the per-token price is reported
    assert len(mine) == 1, mine
    assert mine[0].startswith(f"catalog/models/anthropic/claude-haiku-4-5.yaml:{line}:") and " MC304 " in mine[0]
    assert "per token is" in mine[0]
