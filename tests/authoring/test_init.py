"""``modelctl init`` and ``modelctl schema``: a repository that validates and publishes as written,
whose `$schema` lines resolve, whose workflows lint, and that is never overwritten by accident."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from conftest import REPO
from modelctl import __version__
from modelctl.catalog.schema import schema_dir
from modelctl.cli import app
from modelctl.rules.validate import validate_catalog
from test_workflows import _actionlint, _schema_errors, load

runner = CliRunner()
SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")


def _init(target: Path, *args: str) -> None:
    result = runner.invoke(app, ["init", str(target), *args])
    assert result.exit_code == 0, result.output


def _schema_targets(repo: Path) -> list[tuple[Path, Path]]:
    out = []
    for path in sorted((repo / "catalog").rglob("*.yaml")):
        first = path.read_text().splitlines()[0]
        match = SCHEMA_LINE.match(first)
        assert match, f"{path}: no $schema line"
        out.append((path, (path.parent / match.group(1)).resolve()))
    return out


def test_init_writes_a_repository_that_validates_and_publishes(tmp_path: Path) -> None:
    repo = tmp_path / "pricing"
    _init(repo)
    result = validate_catalog(repo / "catalog")
    assert result.valid and not result.findings, [str(f) for f in result.findings]
    assert set(result.catalog.models) == {"acme/chat-1"} and set(result.catalog.plans) == {"default"}
    targets = _schema_targets(repo)
    assert len(targets) == 4
    for path, target in targets:
        assert target.is_file(), f"{path}: $schema names {target}, which does not exist"
        assert target.parent == (repo / "schema").resolve()
    published = runner.invoke(app, ["publish", str(repo / "catalog"), "--out", str(repo / "dist")])
    assert published.exit_code == 0, published.output
    artifact = json.loads((repo / "dist" / "catalog.json").read_text())
    assert list(artifact["content"]["models"]) == ["acme/chat-1"]
    # The schemas are this modelctl's own, byte for byte.
    for name in ("model.schema.json", "artifact.schema.json"):
        assert (repo / "schema" / name).read_bytes() == (schema_dir() / name).read_bytes()


def test_init_pins_the_installed_version(tmp_path: Path) -> None:
    _init(tmp_path)
    pre_commit = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text())
    (hooks_repo,) = pre_commit["repos"]
    assert hooks_repo["rev"] == f"v{__version__}"
    assert "modelctl-validate" in {h["id"] for h in hooks_repo["hooks"]}
    hook_ids = {h["id"] for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert {h["id"] for h in hooks_repo["hooks"]} <= hook_ids, "init names a hook this repository does not offer"
    uses = set()
    for path in (tmp_path / ".github" / "workflows").glob("*.yml"):
        text = path.read_text()
        assert "@@" not in text, f"{path.name}: a template placeholder is left"
        uses |= {u for u in re.findall(r"uses: (\S+)", text) if "modelctl" in u}
    assert uses == {f"OWNER/modelctl@v{__version__}"}
    assert (tmp_path / ".github" / "CODEOWNERS").read_text().count("@your-org/") >= 3


def test_init_workflows_lint_and_match_githubs_schema(tmp_path: Path) -> None:
    _init(tmp_path)
    workflows = sorted((tmp_path / ".github" / "workflows").glob("*.yml"))
    assert [p.name for p in workflows] == ["catalog.yml", "pr-comment.yml", "pricing-gate.yml", "publish.yml"]
    for path in workflows:
        assert not _schema_errors(load(path), "github-workflows"), path.name
    found = _actionlint(workflows)
    assert found == [], found


def test_init_from_the_reference_catalog(tmp_path: Path) -> None:
    _init(tmp_path, "--from-reference", "openai,anthropic")
    expected = {
        f"{p.parent.name}/{p.stem}"
        for name in ("openai", "anthropic")
        for p in (REPO / "catalog/models" / name).glob("*.yaml")
    }
    result = validate_catalog(tmp_path / "catalog")
    assert result.valid, [str(f) for f in result.findings]
    assert set(result.catalog.models) == expected and set(result.catalog.providers) == {"openai", "anthropic"}
    assert (tmp_path / "catalog/models/openai/gpt-4o.yaml").read_text() == (
        REPO / "catalog/models/openai/gpt-4o.yaml"
    ).read_text()
    default = result.catalog.plans["default"].defaults["chat"][0]  # the candidates, in order
    assert default.startswith("openai/") and result.catalog.models[default].enabled
    for path, target in _schema_targets(tmp_path):
        assert target.is_file(), path


def test_init_refuses_to_overwrite_and_lists_the_files(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("ours\n")
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "CODEOWNERS").write_text("* @us\n")
    result = runner.invoke(app, ["init", str(tmp_path)])
    assert result.exit_code == 1
    assert "2 files exist already" in result.stderr and "--force" in result.stderr
    assert str(tmp_path / "README.md") in result.stderr and str(tmp_path / ".github" / "CODEOWNERS") in result.stderr
    assert (tmp_path / "README.md").read_text() == "ours\n"
    assert not (tmp_path / "catalog").exists() and not (tmp_path / "schema").exists()
    forced = runner.invoke(app, ["init", str(tmp_path), "--force"])
    assert forced.exit_code == 0, forced.output
    assert "modelctl" in (tmp_path / "README.md").read_text()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param("openai,nosuch", "unknown provider nosuch", id="unknown"),
        pytest.param(" , ", "at least one provider", id="empty"),
        # the name was echoed as given: ESC sequences reached the terminal
        pytest.param("x\x1b]0;owned\x1b[2J", "unknown provider x\\x1b]0;owned\\x1b[2J", id="escapes"),
    ],
)
def test_init_from_an_unknown_reference_provider_is_a_usage_error(tmp_path: Path, value: str, message: str) -> None:
    result = runner.invoke(app, ["init", str(tmp_path / "x"), "--from-reference", value])
    assert result.exit_code == 2
    assert message in result.output and "\x1b" not in result.output
    assert not (tmp_path / "x").exists()


def test_schema_command_refreshes_a_stale_folder_and_validate_warns_until_then(tmp_path: Path) -> None:
    _init(tmp_path)
    (tmp_path / "schema" / "model.schema.json").write_text("{}\n")
    (tmp_path / "schema" / "plan.schema.json").unlink()
    result = validate_catalog(tmp_path / "catalog")
    assert result.valid
    (stale,) = [f for f in result.findings if f.code == "MC019"]
    assert "model.schema.json, plan.schema.json" in stale.message and "modelctl schema --out" in stale.message
    written = runner.invoke(app, ["schema", "--out", str(tmp_path / "schema")])
    assert written.exit_code == 0, written.output
    assert str(tmp_path / "schema" / "plan.schema.json") in written.stdout
    assert not validate_catalog(tmp_path / "catalog").findings


def test_a_todo_placeholder_is_an_error_at_its_line(tmp_path: Path) -> None:
    _init(tmp_path)
    model = tmp_path / "catalog/models/acme/chat-1.yaml"
    text = model.read_text()
    lines = text.splitlines()
    checked_line = next(i for i, line in enumerate(lines, 1) if "checked:" in line)
    model.write_text(re.sub(r"checked: \S+", "checked: TODO", text).replace("name: Acme Chat 1", "name: TODO later"))
    result = validate_catalog(tmp_path / "catalog")
    in_file = sorted((f.code, f.location.line) for f in result.findings if f.location.file.endswith("chat-1.yaml"))
    assert in_file == [("MC108", 4), ("MC108", checked_line)]  # not also "not a date"
    assert not result.valid


def test_validate_dot_looks_for_the_schema_folder_beside_the_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # From inside the catalog folder, `validate .` read ./schema (inside the catalog) and advised
    # `schema --out schema`, which is refused there; the schemas beside the catalog went unchecked.
    _init(tmp_path)
    (tmp_path / "schema" / "model.schema.json").write_text("{}\n")
    monkeypatch.chdir(tmp_path / "catalog")
    (stale,) = [f for f in validate_catalog(Path(".")).findings if f.code == "MC019"]
    assert str(tmp_path / "schema") in stale.message and f"schema --out {tmp_path / 'schema'}" in stale.message
    written = runner.invoke(app, ["schema", "--out", str(tmp_path / "schema")])
    assert written.exit_code == 0, written.output
    assert not [f for f in validate_catalog(Path(".")).findings if f.code == "MC019"]
