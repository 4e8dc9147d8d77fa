"""Writers pointed at their own input: an output folder or file inside the catalog (or the catalog
folder itself), an output file that is an input file. A usage error (exit 2) naming both paths,
nothing written; or, where it is harmless (import), pinned as such.

What went wrong before: `publish --out catalog/models` wrote catalog.json there, which the next
`validate` reported as a stray file (MC207, and `publish --strict` refused); `site --out catalog` or
`publish --out catalog` left an untracked file in the catalog, so the next publish of a clean commit
said `.dirty` and took the current time as its revision; `export --output` or `diff --output` onto a
model file replaced it with JSON or a report; `diff --output` onto its `--usage` file replaced the
usage data with the report."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MakeCatalog
from modelctl.cli import app

runner = CliRunner()


def _flat(text: str) -> str:
    """A usage error's box, as one line of words."""
    return " ".join(text.replace("│", " ").split())


def _tree(root: Path) -> dict[str, str]:
    """Every file under root, with its content's hash: what "nothing written" compares."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()
    }


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, _flat(result.stderr)


@pytest.fixture
def artifact(make_catalog: MakeCatalog, tmp_path: Path) -> Path:
    root = make_catalog(name="published")
    assert runner.invoke(app, ["publish", str(root), "--out", str(tmp_path / "dist")]).exit_code == 0
    return tmp_path / "dist" / "catalog.json"


@pytest.mark.parametrize("inside", ["", "models", "models/acme", "plans", "build/out"])
def test_publish_into_the_catalog_is_a_usage_error(make_catalog: MakeCatalog, inside: str) -> None:
    root = make_catalog()
    before = _tree(root)
    out = root / inside if inside else root
    code, err = _run("publish", str(root), "--out", str(out))
    assert code == 2, err
    assert f"'{out}'" in err and (f"inside the catalog '{root}'" if inside else "the catalog folder itself") in err
    assert _tree(root) == before and not (root / "build").exists()


def test_publish_from_artifact_into_a_catalog_is_a_usage_error(
    make_catalog: MakeCatalog, artifact: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_catalog()
    before = _tree(root)
    monkeypatch.chdir(root.parent)  # no catalog named: the folder is found by its catalog.yaml and models/
    code, err = _run("publish", "--from-artifact", str(artifact), "--out", "cat/models")
    assert code == 2 and "'cat/models'" in err and "the catalog 'cat'" in err, err
    assert _tree(root) == before


def test_publish_check_into_the_catalog_reads_only(make_catalog: MakeCatalog) -> None:
    root = make_catalog()
    before = _tree(root)
    code, err = _run("publish", str(root), "--out", str(root), "--check")
    assert code == 4 and "catalog.json" in err, err  # no artifact there, as anywhere else: not a usage error
    assert _tree(root) == before


@pytest.mark.parametrize("inside", ["", "models"])
def test_site_into_the_catalog_is_a_usage_error(make_catalog: MakeCatalog, artifact: Path, inside: str) -> None:
    root = make_catalog()
    before = _tree(root)
    out = root / inside if inside else root
    code, err = _run("site", "--catalog", str(root), "--out", str(out))
    words = f"inside the catalog '{root}'" if inside else "the catalog folder itself"
    assert code == 2 and f"'{out}'" in err and words in err, err
    code, err = _run("site", str(artifact), "--out", str(out))  # from an artifact: found by its layout
    assert code == 2 and f"'{out}'" in err and "the catalog" in err, err
    assert _tree(root) == before


def test_site_beside_the_catalog_still_works(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    root = make_catalog()
    code, _ = _run("site", "--catalog", str(root), "--out", str(tmp_path / "site"))
    assert code == 0 and (tmp_path / "site" / "index.html").is_file()


@pytest.mark.parametrize("target", ["models/acme/alpha.yaml", "catalog.yaml", "prices.json"])
def test_export_onto_the_catalog_is_a_usage_error(make_catalog: MakeCatalog, artifact: Path, target: str) -> None:
    root = make_catalog()
    before = _tree(root)
    code, err = _run("export", str(artifact), "-f", "litellm", "--output", str(root / target))
    assert code == 2 and f"'{root / target}'" in err and f"inside the catalog '{root}'" in err, err
    assert _tree(root) == before  # alpha.yaml was replaced by LiteLLM's JSON


def test_diff_output_onto_a_model_file_is_a_usage_error(make_catalog: MakeCatalog) -> None:
    root = make_catalog()
    before = _tree(root)
    target = root / "models" / "acme" / "alpha.yaml"
    code, err = _run("diff", str(root), str(root), "--output", str(target))
    assert code == 2 and f"'{target}'" in err and f"inside the catalog '{root}'" in err, err
    assert _tree(root) == before  # it was replaced by the report


def test_diff_output_onto_its_usage_file_is_a_usage_error(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    root = make_catalog()
    usage = tmp_path / "usage.csv"
    usage.write_text(
        "timestamp,model,input_tokens,output_tokens\n2026-11-01T00:00:00Z,acme/alpha,1000,10\n", encoding="utf-8"
    )
    code, err = _run("diff", str(root), str(root), "--usage", str(usage), "--output", str(tmp_path / "." / "usage.csv"))
    assert code == 2 and "is the --usage file" in err, err
    assert usage.read_text(encoding="utf-8").startswith("timestamp,model,input_tokens")  # (the report replaced it)


def test_import_from_a_catalog_file_writes_nothing(make_catalog: MakeCatalog) -> None:
    # Harmless, pinned: a source is read whole before anything is written, and a catalog file is not
    # any source's format, so an import pointed at one is exit 4 with nothing written.
    root = make_catalog()
    before = _tree(root)
    source = root / "models" / "acme" / "alpha.yaml"
    for kind in ("litellm", "genai-prices", "models.dev", "openrouter"):
        code, err = _run("import", kind, str(source), "--catalog", str(root), "--update", "--yes")
        assert code == 4 and "nothing was written" in err, (kind, err)
    code, err = _run("import", "genai-prices", str(root), "--catalog", str(root), "--update", "--yes")
    assert code == 4 and "nothing was written" in err, err
    assert _tree(root) == before


@pytest.mark.parametrize("inside", ["", "models", "models/acme/schema"])
def test_schema_into_the_catalog_is_a_usage_error(make_catalog: MakeCatalog, inside: str) -> None:
    root = make_catalog()
    before = _tree(root)
    out = root / inside if inside else root
    code, err = _run("schema", "--out", str(out))
    assert code == 2, err
    assert f"'{out}'" in err and (f"inside the catalog '{root}'" if inside else "the catalog folder itself") in err
    assert _tree(root) == before and not (root / "models" / "acme" / "schema").exists()


def test_schema_beside_the_catalog_is_written(make_catalog: MakeCatalog) -> None:
    root = make_catalog()
    code, err = _run("schema", "--out", str(root.parent / "schema"))
    assert code == 0, err
    assert (root.parent / "schema" / "model.schema.json").is_file()
