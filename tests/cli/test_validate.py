"""``modelctl validate``: formats (golden files), exit codes, GitHub output."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MINI, REPO, MakeCatalog
from modelctl.cli import app
from modelctl.cli.output import github_command
from modelctl.errors import Finding, Location, Severity

runner = CliRunner()
BETA = "models/acme/beta.yaml"


def _broken(make_catalog: MakeCatalog) -> Path:
    beta = textwrap.dedent(MINI[BETA])
    beta = beta.replace("status: deprecated", "status: deprecatd").replace("input_per_1m: 0.50", "input_per_1m: 1e-6")
    alpha = textwrap.dedent(MINI["models/acme/alpha.yaml"]).replace("checked: 2025-05-01", "checked: 2023-01-01")
    alpha = alpha.replace("checked: 2026-11-01", "checked: 2024-11-01")
    return make_catalog({BETA: beta, "models/acme/alpha.yaml": alpha, "models/acme/x.yml": "id: x\n"})


@pytest.fixture
def broken(make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    _broken(make_catalog)
    monkeypatch.chdir(tmp_path)
    return "cat"


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_output_formats_match_golden_files(broken: str, fmt: str, golden: object) -> None:
    result = runner.invoke(app, ["validate", broken, "--format", fmt])
    assert result.exit_code == 1
    ext = {"text": "txt", "json": "json", "github": "txt"}[fmt]
    golden(f"validate/broken.{fmt}.{ext}", result.stdout)  # type: ignore[operator]


def test_text_lines_are_sorted_and_summarised(broken: str) -> None:
    result = runner.invoke(app, ["validate", broken])
    lines = result.stdout.splitlines()
    assert lines[-1] == "cat: invalid: 3 errors, 1 warning in 4 files"  # x.yml is an error (MC213)
    findings = lines[:-1]
    assert findings[0].startswith("cat/models/acme/alpha.yaml:13:14: warning MC306 ")
    keys = [(line.split(":")[0], int(line.split(":")[1])) for line in findings]
    assert keys == sorted(keys)


def test_json_document_shape(broken: str) -> None:
    result = runner.invoke(app, ["validate", broken, "--format", "json"])
    doc = json.loads(result.stdout)
    assert doc["format_version"] == "1.0"
    assert (doc["valid"], doc["error_count"], doc["warning_count"]) == (False, 3, 1)
    diag = next(d for d in doc["diagnostics"] if d["code"] == "MC104")
    assert diag == {
        "severity": "error",
        "code": "MC104",
        "rule": "not-allowed-value",
        "message": diag["message"],
        "file": "cat/models/acme/beta.yaml",
        "line": 4,
        "column": 9,
        "json_path": "$.status",
    }


def test_valid_catalog_exits_zero(make_catalog: MakeCatalog) -> None:
    result = runner.invoke(app, ["validate", str(make_catalog())])
    assert result.exit_code == 0
    assert result.stdout.endswith(": valid: 0 errors, 0 warnings in 4 files\n")


def test_strict_counts_warnings(make_catalog: MakeCatalog) -> None:
    root = make_catalog({BETA: textwrap.dedent(MINI[BETA]).replace("checked: 2026-11-01", "checked: 2024-01-01")})
    assert runner.invoke(app, ["validate", str(root)]).exit_code == 0
    result = runner.invoke(app, ["validate", str(root), "--strict"])
    assert result.exit_code == 1
    assert "error MC306" in result.stdout


def test_missing_catalog_exits_4_with_a_message(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "nope")])
    assert result.exit_code == 4
    assert "does not exist" in result.stderr and result.stdout == ""


def test_a_folder_that_is_not_a_catalog_exits_4(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("hi")
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 4
    assert "not a catalog" in result.stderr


def test_usage_error_exits_2(make_catalog: MakeCatalog) -> None:
    result = runner.invoke(app, ["validate", str(make_catalog()), "--format", "yaml"])
    assert result.exit_code == 2


def test_catalog_from_environment(make_catalog: MakeCatalog, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODELCTL_CATALOG", str(make_catalog()))
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0
    assert "4 files" in result.stdout


def test_default_catalog_is_the_repository_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = runner.invoke(app, ["validate"])
    assert result.stdout.startswith("catalog") or "catalog: valid" in result.stdout


def test_help_documents_exit_codes() -> None:
    result = runner.invoke(app, ["validate", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    for phrase in ["0 valid", "1 errors found", "2 usage error", "4 the catalog directory cannot be read"]:
        assert phrase in text


def test_github_escapes_data_and_properties() -> None:
    finding = Finding("MC101", Severity.ERROR, "100% wrong, see:\nline two\r", Location("a,b:c.yaml", 3, 7))
    line = github_command(finding)
    assert line == "::error file=a%2Cb%3Ac.yaml,line=3,col=7,title=MC101 unknown-key::100%25 wrong, see:%0Aline two%0D"
    assert "\n" not in line


def test_github_caps_annotations_and_lists_every_finding(
    make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    beta = textwrap.dedent(MINI[BETA])
    extra = {
        f"models/acme/m{i:02}.yaml": beta.replace("id: beta", f"id: m{i:02}").replace("status: deprecated", "status: x")
        for i in range(12)
    }
    root = make_catalog(extra)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = runner.invoke(app, ["validate", str(root), "--format", "github"])
    assert result.exit_code == 1
    out = result.stdout.splitlines()
    assert sum(1 for line in out if line.startswith("::error ")) == 10
    assert sum(1 for line in out if ": error MC104 " in line) == 12
    notice = next(line for line in out if line.startswith("::notice "))
    assert "2 of 12 findings were not annotated" in notice
    md = summary.read_text()
    assert md.startswith("### ❌ modelctl validate")
    assert md.count("| error | MC104 |") == 12


def test_nothing_is_written_into_the_catalog(broken: str, tmp_path: Path) -> None:
    before = {p: p.read_bytes() for p in (tmp_path / broken).rglob("*") if p.is_file()}
    runner.invoke(app, ["validate", broken, "--format", "json"])
    after = {p: p.read_bytes() for p in (tmp_path / broken).rglob("*") if p.is_file()}
    assert before == after
