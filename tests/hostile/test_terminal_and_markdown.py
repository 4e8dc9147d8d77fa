"""Text output never passes control characters or bidi overrides from
catalog strings to the terminal; JSON keeps them exactly; the diff PR
comment treats catalog strings as text, never as markup."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from conftest import MakeCatalog
from everyday_helpers import EXTRA
from gitutil import commit_all, edit, make_repo
from modelctl.cli import app
from modelctl.cli.visible import visible

runner = CliRunner()
NASTY = "Delta \x1b[2J\x1b]0;owned\x07 \u202eevil\u202c \x9b31m\x7f"
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_visible_escapes_like_python() -> None:
    assert visible("a\x1b[1mb\u202ec\x9b\n") == "a\\x1b[1mb\\u202ec\\x9b\\x0a"
    assert visible("a\nb", lines=True) == "a\nb"
    assert visible("plain ünïcode — ok") == "plain ünïcode — ok"


def _cat(make_catalog: MakeCatalog) -> Path:
    delta = EXTRA["models/acme/delta.yaml"]
    assert delta is not None
    return make_catalog({**EXTRA, "models/acme/delta.yaml": delta.replace("Delta Search", json.dumps(NASTY))})


@pytest.mark.parametrize(
    "args", [["list"], ["list", "-f", "markdown"], ["show", "acme/delta"], ["show", "acme/delta", "-f", "markdown"]]
)
def test_list_and_show_escape_names(make_catalog: MakeCatalog, args: list[str]) -> None:
    root = _cat(make_catalog)
    result = runner.invoke(app, [*args, "--catalog", str(root)])
    assert result.exit_code == 0, result.output
    assert not RAW.search(result.stdout)
    assert "\\x1b[2J" in result.stdout and "\\u202e" in result.stdout


@pytest.mark.parametrize("args", [["list", "-f", "json"], ["show", "acme/delta", "-f", "json"]])
def test_json_keeps_the_exact_name(make_catalog: MakeCatalog, args: list[str]) -> None:
    root = _cat(make_catalog)
    result = runner.invoke(app, [*args, "--catalog", str(root)])
    assert result.exit_code == 0, result.output
    assert not RAW.search(result.stdout)  # JSON \u escapes, decoding to the same string
    doc = json.loads(result.stdout)
    names = [m["name"] for m in doc["models"]] if "models" in doc else [doc["name"]]
    assert NASTY in names


def test_validate_escapes_file_names(make_catalog: MakeCatalog) -> None:
    beta = EXTRA["models/acme/delta.yaml"]
    assert beta is not None
    root = make_catalog({**EXTRA, "models/acme/\x1b[31mred\u202e.yaml": beta})
    for fmt in ("text", "github"):
        result = runner.invoke(app, ["validate", str(root), "-f", fmt])
        assert result.exit_code == 1, result.output
        assert "\\x1b[31mred\\u202e.yaml" in result.stdout
        assert not RAW.search(result.stdout)
    result = runner.invoke(app, ["validate", str(root), "-f", "json"])
    files = {d["file"] for d in json.loads(result.stdout)["diagnostics"]}
    assert any(f.endswith("/\x1b[31mred\u202e.yaml") for f in files)


HOSTILE_MD = "@team <!-- hidden --> </details> ![x](https://evil.example/x.png) <img src=x> [a](javascript:x) `c`"


def test_diff_text_and_pr_comment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path / "repo")
    monkeypatch.chdir(repo)
    beta = repo / "catalog/models/acme/beta.yaml"
    edit(beta, "name: Beta", f"name: {json.dumps(NASTY + ' ' + HOSTILE_MD)}")
    edit(beta, "source: https://acme.example/pricing", f"source: {json.dumps('https://acme.example/@team<!--')}")
    commit_all(repo, "hostile")
    text = runner.invoke(app, ["diff", "main", "feature"])
    assert text.exit_code == 0, text.output
    assert not RAW.search(text.stdout) and "\\x1b[2J" in text.stdout
    result = runner.invoke(app, ["diff", "main", "feature", "--format", "markdown"])
    assert result.exit_code == 0, result.output
    comment = result.stdout
    assert not RAW.search(comment)
    assert not re.search(r"@[A-Za-z0-9]", comment)  # no mention can notify anyone
    html = MarkdownIt("commonmark").enable("table").render(comment)
    assert html.count("<!--") == 1  # only the marker modelctl finds its comment by
    assert html.count("</details>") == 1 and html.count("<details>") == 1
    assert "<img" not in html and "<a " not in html
    assert "hidden" in html  # shown as text, not hidden


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_import_report_of_a_source_with_nasty_names(make_catalog: MakeCatalog, tmp_path: Path, fmt: str) -> None:
    # import --format json wrote a source model's bidi override (and C1 characters) raw
    source = tmp_path / "prices.json"
    entry = {"litellm_provider": "acme", "mode": "chat", "max_input_tokens": 1000, "input_cost_per_token": 1e-06}
    source.write_text(json.dumps({NASTY: entry}), encoding="utf-8")
    args = ["import", "litellm", str(source), "--catalog", str(make_catalog()), "--dry-run", "--format", fmt]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert not RAW.search(result.stdout) and not RAW.search(result.stderr)
    if fmt == "json":
        assert [s["name"] for s in json.loads(result.stdout)["skipped"]] == [NASTY]  # exact, once decoded
