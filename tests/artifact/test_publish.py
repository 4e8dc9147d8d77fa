"""publish: the artifact is valid, canonical, reproducible, atomic; nothing
invalid is ever written."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import textwrap
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from conftest import MINI, REPO, MakeCatalog
from modelctl.artifact.compile import SourceInfo, canonical, compile_artifact
from modelctl.artifact.publish import git_source, publish
from modelctl.catalog import schema
from modelctl.cli import app
from modelctl.rules.validate import validate_catalog

runner = CliRunner()


def _git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_AUTHOR_DATE": "2026-01-02T03:04:05Z",
        "GIT_COMMITTER_DATE": "2026-01-02T03:04:05Z",
    }
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env).stdout.strip()


def test_artifact_is_canonical_json_and_matches_its_schema(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    result = publish(make_catalog(), tmp_path / "dist")
    assert result.path is not None
    data = result.path.read_bytes()
    doc = json.loads(data)
    assert data == canonical(doc) + b"\n"
    jsonschema.validate(doc, schema.load_schema("artifact"))
    assert doc["format_version"] == "1.1"
    assert doc["digest"] == "sha256:" + hashlib.sha256(canonical(doc["content"])).hexdigest()


def test_nothing_is_published_that_the_runtime_would_refuse(
    make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # validate and the runtime's load check are two codes: were they to disagree, publish must
    # say so and write nothing (holders would refuse it one by one, far from CI).
    from modelctl.runtime import ArtifactError, _shape

    root, out = make_catalog(), tmp_path / "dist"
    assert publish(root, out).refused is None  # the real check: every compiled artifact loads

    def refuse(content: object, *, parsed: bool = True) -> None:
        raise ArtifactError("artifact content is malformed: content.models['acme/alpha'].status: 'x'")

    again = tmp_path / "again"
    monkeypatch.setattr(_shape, "check_content", refuse)
    result = publish(root, again)
    assert result.path is None and result.refused is not None and "catalog.json: artifact content" in result.refused
    assert not again.exists() or not any(again.iterdir())
    cli = runner.invoke(app, ["publish", str(root), "--out", str(again)])
    assert cli.exit_code == 1
    assert "the runtime would refuse the compiled artifact" in cli.output and "modelctl bug" in cli.output
    assert not again.exists() or not any(again.iterdir())


def test_money_is_written_as_decimal_strings(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    result = publish(make_catalog(), tmp_path / "dist")
    assert result.path is not None
    alpha = json.loads(result.path.read_bytes())["content"]["models"]["acme/alpha"]
    assert alpha["pricing"][0]["prices"] == {
        "input_per_1m": "2.00",
        "cached_input_per_1m": "0.20",
        "output_per_1m": "8.00",
    }
    assert alpha["pricing"][0]["variants"]["batch"]["prices"]["input_per_1m"] == "1.00"
    assert b"null" not in result.path.read_bytes()


def test_sha256_file_beside_the_artifact(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    publish(make_catalog(), out)
    digest = hashlib.sha256((out / "catalog.json").read_bytes()).hexdigest()
    assert (out / "catalog.json.sha256").read_text() == f"{digest}  catalog.json\n"
    assert subprocess.run(["sha256sum", "-c", "catalog.json.sha256"], cwd=out, capture_output=True).returncode == 0


def test_repository_catalog_publishes_byte_identically_twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # published_at is the publish time otherwise
    first = publish(REPO / "catalog", tmp_path / "a")
    second = publish(REPO / "catalog", tmp_path / "b")
    assert first.path and second.path
    assert first.path.read_bytes() == second.path.read_bytes()
    jsonschema.validate(json.loads(first.path.read_bytes()), schema.load_schema("artifact"))


def test_digest_does_not_cover_the_source(make_catalog: MakeCatalog) -> None:
    catalog = validate_catalog(make_catalog()).catalog
    a = compile_artifact(catalog, SourceInfo("a" * 40, 1_700_000_000, False))
    b = compile_artifact(catalog, SourceInfo("b" * 40, 1_800_000_000, True))
    assert a.digest == b.digest and a.data != b.data
    assert a.catalog_version == "2023.11.14.221320+aaaaaaaaaaaa"
    assert b.catalog_version.endswith("+bbbbbbbbbbbb.dirty")


def test_source_date_epoch_sets_the_version_time(
    make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    result = publish(make_catalog(), tmp_path / "dist", source=SourceInfo())
    assert result.catalog_version is not None and result.catalog_version.startswith("2026.01.01.000000+")


def test_git_source_records_commit_and_dirtiness(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    root = make_catalog()
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "catalog")
    head = _git(root, "rev-parse", "HEAD")
    assert git_source(root) == SourceInfo(head, 1767323045, False)
    result = publish(root, tmp_path / "dist")
    assert result.catalog_version == f"2026.01.02.030405+{head[:12]}"
    doc = json.loads((tmp_path / "dist" / "catalog.json").read_bytes())
    assert doc["source"] == {"commit": head, "commit_time": "2026-01-02T03:04:05Z", "dirty": False}
    (root / "models/acme/beta.yaml").write_text((root / "models/acme/beta.yaml").read_text() + "# edit\n")
    assert git_source(root).dirty is True


def test_invalid_catalog_writes_nothing(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    root = make_catalog(
        {
            "models/acme/beta.yaml": textwrap.dedent(MINI["models/acme/beta.yaml"]).replace(
                "status: deprecated", "status: gone"
            )
        }
    )
    out = tmp_path / "dist"
    result = runner.invoke(app, ["publish", str(root), "--out", str(out)])
    assert result.exit_code == 1
    assert "MC104" in result.stdout and "nothing was published" in result.stderr
    assert not out.exists()


def test_invalid_catalog_leaves_the_old_artifact_alone(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    root = make_catalog()
    assert runner.invoke(app, ["publish", str(root), "--out", str(out)]).exit_code == 0
    before = (out / "catalog.json").read_bytes()
    (root / "models/acme/beta.yaml").write_text("id: [\n")
    assert runner.invoke(app, ["publish", str(root), "--out", str(out)]).exit_code == 1
    assert (out / "catalog.json").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["catalog.json", "catalog.json.sha256"]


def test_unchanged_bytes_are_not_rewritten(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    root = make_catalog()
    first = publish(root, out, source=SourceInfo())
    inode = os.stat(out / "catalog.json").st_ino
    second = publish(root, out, source=SourceInfo())
    assert first.changed and not second.changed
    assert os.stat(out / "catalog.json").st_ino == inode


def test_check_reports_drift(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    root = make_catalog()
    missing = runner.invoke(app, ["publish", str(root), "--out", str(out), "--check"])
    assert missing.exit_code == 4 and "no artifact" in missing.stderr
    assert runner.invoke(app, ["publish", str(root), "--out", str(out)]).exit_code == 0
    same = runner.invoke(app, ["publish", str(root), "--out", str(out), "--check"])
    assert same.exit_code == 0 and "up to date" in same.stdout
    beta = root / "models/acme/beta.yaml"
    beta.write_text(beta.read_text().replace("output_per_1m: 1.50", "output_per_1m: 1.60"))
    drift = runner.invoke(app, ["publish", str(root), "--out", str(out), "--check", "--json"])
    assert drift.exit_code == 1
    assert json.loads(drift.stdout)["up_to_date"] is False


def test_publish_json_summary(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    result = runner.invoke(app, ["publish", str(make_catalog()), "--out", str(tmp_path / "d"), "--json"])
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    assert summary["models"] == 2 and summary["digest"].startswith("sha256:")


def test_public_artifact_leaves_accounts_out(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    result = runner.invoke(app, ["publish", str(REPO / "catalog"), "--out", str(out), "--public", "--json"])
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    internal = json.loads((out / "catalog.json").read_bytes())
    public = json.loads((out / "catalog.public.json").read_bytes())
    assert internal["content"]["accounts"] and "accounts" not in public["content"]
    assert b"acme-bank" not in (out / "catalog.public.json").read_bytes()
    assert public["content"]["plans"] == internal["content"]["plans"]
    assert summary["public_digest"] == public["digest"] != internal["digest"]
    jsonschema.validate(public, schema.load_schema("artifact"))
    assert (
        subprocess.run(["sha256sum", "-c", "catalog.public.json.sha256"], cwd=out, capture_output=True).returncode == 0
    )
    from modelctl.runtime import Catalog, UnknownPlanError

    loaded = Catalog.load(out / "catalog.public.json")
    with pytest.raises(UnknownPlanError, match="public artifact leaves them out"):
        loaded.allowed("openai/gpt-4o", account="acme-bank")
