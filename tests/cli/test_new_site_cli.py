"""``modelctl new`` and ``modelctl site`` from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MakeCatalog
from everyday_helpers import everyday_catalog
from helpers import fill
from modelctl.artifact.compile import SourceInfo, compile_artifact
from modelctl.cli import app
from modelctl.rules.validate import validate_catalog

runner = CliRunner()


def _flat(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


def test_new_model_writes_a_file_that_validates(make_catalog: MakeCatalog) -> None:
    root = make_catalog()
    result = runner.invoke(app, ["new", "model", "acme/omega", "--catalog", str(root)])
    assert result.exit_code == 0, result.output
    path = root / "models" / "acme" / "omega.yaml"
    assert result.stdout == f"{path}\n"
    assert "edit the TODO lines" in result.stderr
    assert "MC108" in result.stderr  # the placeholders to fill are named at once
    assert runner.invoke(app, ["validate", str(root)]).exit_code == 1
    fill(path)
    validation = runner.invoke(app, ["validate", str(root)])
    assert validation.exit_code == 0, validation.stdout


def test_new_model_from_another(make_catalog: MakeCatalog, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_catalog()
    monkeypatch.setenv("MODELCTL_CATALOG", str(root))
    result = runner.invoke(app, ["new", "model", "acme/alpha-3", "--from", "acme/alpha", "--name", "Alpha 3"])
    assert result.exit_code == 0, result.output
    text = (root / "models" / "acme" / "alpha-3.yaml").read_text()
    assert "name: Alpha 3" in text and "Copied from acme/alpha" in text
    assert "status: preview" in text and "enabled: false" in text
    assert not validate_catalog(root).valid
    fill(root / "models" / "acme" / "alpha-3.yaml")
    assert validate_catalog(root).valid


def test_new_model_refuses_to_overwrite(make_catalog: MakeCatalog) -> None:
    root = make_catalog()
    before = (root / "models/acme/beta.yaml").read_text()
    result = runner.invoke(app, ["new", "model", "acme/beta", "--catalog", str(root)])
    assert result.exit_code == 1
    assert "exists already: nothing written" in result.stderr
    assert (root / "models/acme/beta.yaml").read_text() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["model", "omega"], "is not provider/id", id="no-provider"),
        pytest.param(["model", "nobody/omega"], "unknown provider 'nobody'", id="unknown-provider"),
        pytest.param(["model", "acme/om ega"], "is not a valid model id", id="bad-id"),
        pytest.param(["model", "acme/omega", "--from", "acme/alhpa"], "did you mean acme/alpha", id="unknown-from"),
        pytest.param(["provider", "bad id"], "is not a valid provider id", id="bad-provider-id"),
        pytest.param(["provider", "newco", "--kind", "shop"], "Invalid value for '--kind'", id="bad-kind"),
        pytest.param(["provider", "newco", "--website", "ftp://x"], "is not an http(s) URL", id="bad-website"),
    ],
)
def test_new_bad_input(make_catalog: MakeCatalog, args: list[str], message: str) -> None:
    root = make_catalog()
    result = runner.invoke(app, ["new", *args, "--catalog", str(root)])
    assert result.exit_code == 2, result.output
    assert message in _flat(result.stderr)


def test_new_with_a_missing_catalog(tmp_path: Path) -> None:
    result = runner.invoke(app, ["new", "model", "acme/omega", "--catalog", str(tmp_path / "nowhere")])
    assert result.exit_code == 4
    assert "does not exist" in result.stderr


def test_new_provider(make_catalog: MakeCatalog) -> None:
    root = make_catalog()
    result = runner.invoke(
        app,
        [
            "new",
            "provider",
            "newco",
            "--name",
            "NewCo",
            "--kind",
            "aggregator",
            "--website",
            "https://newco.example",
            "--catalog",
            str(root),
        ],
    )
    assert result.exit_code == 0, result.output
    text = (root / "providers" / "newco.yaml").read_text()
    assert "kind: aggregator" in text and "website: https://newco.example" in text
    assert "MC502" in result.stderr  # a provider without models yet: info only
    assert validate_catalog(root).valid


def test_new_without_a_subcommand_shows_help() -> None:
    result = runner.invoke(app, ["new"])
    assert "model" in result.output and "provider" in result.output


def test_site_writes_one_page(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    root = everyday_catalog(make_catalog)
    out = tmp_path / "public"
    result = runner.invoke(app, ["site", "--out", str(out), "--catalog", str(root), "--title", "Our models"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["index.html"]
    page = (out / "index.html").read_text()
    assert "<title>Our models</title>" in page and page.count("<tr data-ref=") == 6
    assert "6 models" in result.stderr


def test_site_from_an_artifact(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    root = everyday_catalog(make_catalog)
    artifact = tmp_path / "catalog.json"
    artifact.write_bytes(compile_artifact(validate_catalog(root).catalog, SourceInfo()).data)
    result = runner.invoke(app, ["site", str(artifact), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "index.html").read_text().count("<tr data-ref=") == 6


def test_site_bad_input(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    missing = runner.invoke(app, ["site", str(tmp_path / "nope.json"), "--out", str(tmp_path / "out")])
    assert missing.exit_code == 4 and "does not exist" in missing.stderr
    root = everyday_catalog(make_catalog)
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = runner.invoke(app, ["site", "--catalog", str(root), "--out", str(blocker / "sub")])
    assert result.exit_code == 4 and "cannot write" in result.stderr
