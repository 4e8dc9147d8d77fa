"""``modelctl docs``: the documentation a pip user can reach, and help texts that point there
instead of at repository paths."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO, MakeCatalog
from modelctl.cli import _LAZY, app

runner = CliRunner()
PAGES = sorted(p.stem for p in (REPO / "docs").glob("*.md"))


def test_without_a_topic_it_lists_every_page_with_its_title() -> None:
    result = runner.invoke(app, ["docs"])
    assert result.exit_code == 0, result.output
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    assert listed == PAGES and "plans" in listed and "cli" in listed
    assert any(
        line.split(None, 1)[1] == "The command line" for line in result.stdout.splitlines() if line.startswith("cli ")
    )


@pytest.mark.parametrize("topic", ["plans", "plans.md", "docs/plans.md"])
def test_a_topic_prints_the_page(topic: str) -> None:
    result = runner.invoke(app, ["docs", topic])
    assert result.exit_code == 0, result.output
    assert result.stdout == (REPO / "docs" / "plans.md").read_text(encoding="utf-8")


def test_an_unknown_page_is_a_usage_error_with_close_names() -> None:
    result = runner.invoke(app, ["docs", "plan"])
    assert result.exit_code == 2
    assert "no page 'plan'" in result.stderr and "plans" in result.stderr


def _helps() -> dict[str, str]:
    names = [[n] for n in _LAZY] + [["new", "model"], ["new", "provider"], ["price", "set"], ["rollout", "preview"]]
    out = {"": runner.invoke(app, ["--help"], env={"COLUMNS": "200"}).stdout}
    for name in names:
        result = runner.invoke(app, [*name, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, name
        out[" ".join(name)] = result.stdout
    return out


def test_help_texts_point_at_pages_a_pip_user_has() -> None:
    pointed = 0
    for name, text in _helps().items():
        flat = " ".join(text.replace("│", " ").split())
        assert not re.search(r"docs/[\w-]+\.md", flat), f"`modelctl {name} --help` names a repository path"
        for page in re.findall(r"modelctl docs ([\w-]+)", flat):
            assert page in PAGES, (name, page)
            pointed += 1
    assert pointed >= 5  # validate, rollout, explain, diff, export, list --plan ...


def test_an_empty_list_is_a_note_not_an_error(tmp_path: Path, make_catalog: MakeCatalog) -> None:
    # docs/cli.md: "0 done (also when nothing matches: a note on stderr says so)": no "error:" on a success
    cat = make_catalog()
    result = runner.invoke(app, ["list", str(cat), "--search", "no-such-model-anywhere"])
    assert result.exit_code == 0
    assert "no model matches these filters" in result.stderr and "error" not in result.stderr


def test_the_format_table_of_cli_md_names_every_command_with_that_format() -> None:
    doc = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    have: dict[str, set[str]] = {}
    for name, text in _helps().items():
        flat = " ".join(text.replace("│", " ").split())
        m = re.search(r"--format -f \[([^\]]+)\]", flat)
        if m and name != "export":  # export --format names the target tool's format
            for fmt in m.group(1).split("|"):
                have.setdefault(fmt, set()).add(name)
    for fmt in ("json", "markdown", "csv", "github"):
        row = re.search(rf"^\| `{fmt}` \| [^|]+ \| ([^|]+) \|$", doc, re.M)
        assert row, fmt
        assert {c.strip() for c in row.group(1).split(",")} == have[fmt], fmt
