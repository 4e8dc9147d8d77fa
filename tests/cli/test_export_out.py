"""``export`` takes ``--out`` as well as ``--output``/``-o``: ``publish``, ``site`` and ``schema`` spell it
``--out``, and ``export --out FILE`` was exit 2 "No such option"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MakeCatalog
from modelctl.cli import app

runner = CliRunner()


@pytest.fixture
def artifact(make_catalog: MakeCatalog, tmp_path: Path) -> Path:
    root = make_catalog()
    assert runner.invoke(app, ["publish", str(root), "--out", str(tmp_path / "dist")]).exit_code == 0
    return tmp_path / "dist" / "catalog.json"


@pytest.mark.parametrize("spelling", ["--out", "--output", "-o"])
def test_every_spelling_writes_the_same_file(artifact: Path, tmp_path: Path, spelling: str) -> None:
    out = tmp_path / f"prices{spelling}.json"
    result = runner.invoke(app, ["export", str(artifact), "-f", "litellm", spelling, str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and json.loads(out.read_text(encoding="utf-8"))
    stdout = runner.invoke(app, ["export", str(artifact), "-f", "litellm"]).stdout
    assert out.read_text(encoding="utf-8") == stdout  # the same bytes as on stdout


def test_help_names_out(artifact: Path) -> None:
    text = runner.invoke(app, ["export", "--help"], terminal_width=200).stdout
    assert "--out" in text.replace("--output", "")


def test_out_keeps_the_usage_errors_of_output(artifact: Path) -> None:
    result = runner.invoke(app, ["export", str(artifact), "-f", "litellm", "--out", str(artifact)])
    assert result.exit_code == 2 and "is the artifact itself" in " ".join(result.stderr.replace("│", " ").split())


@pytest.mark.parametrize(
    ("extra", "option"),
    [
        pytest.param(["--column", "input_tokens=a b"], "--column", id="column-name"),
        pytest.param(["--column", "images=\u00b2"], "--column", id="column-count"),
        pytest.param(["--column", "input_tokens"], "--column", id="no-equals"),
        pytest.param(["--usage-table", "usage; DROP TABLE prices"], "--usage-table", id="table"),
    ],
)
def test_sql_usage_errors_name_their_option(extra: list[str], option: str) -> None:
    # a --column value that is not a column name was said to be a bad --usage-table
    result = runner.invoke(app, ["export", "--format", "sql", *extra])
    assert result.exit_code == 2 and result.stdout == ""
    assert f"Invalid value for {option}:" in " ".join(result.stderr.replace("│", " ").split())
