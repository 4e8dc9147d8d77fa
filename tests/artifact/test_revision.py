"""revision only grows (a revert included) and published_at says when; --from-artifact re-publishes
an earlier artifact's content above both."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from conftest import MINI, MakeCatalog
from modelctl.artifact.publish import publish, republish
from modelctl.catalog import schema
from modelctl.runtime import Catalog

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _git(cwd: Path, *args: str, when: str = "2026-01-02T03:04:05Z") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
    }
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env).stdout.strip()


def _doc(out: Path) -> dict[str, object]:
    doc: dict[str, object] = json.loads((out / "catalog.json").read_bytes())
    return doc


def test_revision_is_the_commit_time_and_a_revert_gets_a_higher_one(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    root = make_catalog()
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "catalog", when="2026-01-02T03:04:05Z")
    # Each publish in a fresh folder, as CI does in a clean clone.
    first = publish(root, tmp_path / "1")
    assert first.revision == 1767323045  # 2026-01-02T03:04:05Z
    alpha = root / "models/acme/alpha.yaml"
    alpha.write_text(alpha.read_text().replace("input_per_1m: 2.00", "input_per_1m: 2.50"))
    _git(root, "commit", "-qam", "raise", when="2026-01-03T00:00:00Z")
    second = publish(root, tmp_path / "2")
    _git(root, "revert", "--no-edit", "HEAD", when="2026-01-04T00:00:00Z")
    reverted = publish(root, tmp_path / "3")
    assert first.digest == reverted.digest != second.digest  # the same content as the first...
    assert first.revision is not None and second.revision is not None and reverted.revision is not None
    assert first.revision < second.revision < reverted.revision  # ...under a higher revision
    doc = _doc(tmp_path / "3")
    assert doc["revision"] == reverted.revision and doc["format_version"] == "1.1"
    jsonschema.validate(doc, schema.load_schema("artifact"))
    catalog = Catalog.load(tmp_path / "3" / "catalog.json")
    assert catalog.revision == reverted.revision and catalog.published_at == doc["published_at"]


def test_a_dirty_tree_publishes_at_the_current_time(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    root = make_catalog()
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "catalog", when="2026-01-02T03:04:05Z")
    (root / "models/acme/beta.yaml").write_text((root / "models/acme/beta.yaml").read_text() + "# edit\n")
    import time

    before = int(time.time())
    result = publish(root, tmp_path / "dist")
    assert result.revision is not None and before <= result.revision <= int(time.time())


def test_source_date_epoch_sets_revision_and_published_at(
    make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    result = publish(make_catalog(), tmp_path / "dist")
    assert result.revision == 1767225600 and result.published_at == "2026-01-01T00:00:00Z"


def test_same_content_keeps_its_revision_new_content_goes_above(
    make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "dist"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "2000000000")
    first = publish(make_catalog(), out)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1000000000")  # a clock (or commit) that went back
    again = publish(make_catalog(), out)
    assert again.revision == first.revision == 2000000000  # catalog_version names the new time, though
    assert not publish(make_catalog(), out).changed
    alpha = MINI["models/acme/alpha.yaml"].replace("input_per_1m: 2.00", "input_per_1m: 2.50")
    newer = publish(make_catalog({"models/acme/alpha.yaml": alpha}, name="b"), out)
    assert newer.revision == 2000000001  # never below what the folder holds


def test_from_artifact_republishes_the_content_under_a_higher_revision(
    make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    old = publish(make_catalog(), tmp_path / "old")
    alpha = MINI["models/acme/alpha.yaml"].replace("input_per_1m: 2.00", "input_per_1m: 2.50")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000100")
    bad = publish(make_catalog({"models/acme/alpha.yaml": alpha}, name="b"), tmp_path / "live")
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    again = republish(tmp_path / "old" / "catalog.json", tmp_path / "live")
    assert again.digest == old.digest != bad.digest
    assert bad.revision is not None and again.revision > bad.revision
    doc = _doc(tmp_path / "live")
    old_doc = _doc(tmp_path / "old")
    assert doc["content"] == old_doc["content"]
    assert doc["source"] == {**old_doc["source"], "republished_from": old.revision}  # type: ignore[dict-item]
    jsonschema.validate(doc, schema.load_schema("artifact"))
    assert Catalog.load(tmp_path / "live" / "catalog.json").revision == again.revision


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": SRC}
    return subprocess.run([sys.executable, "-m", "modelctl", *args], env=env, capture_output=True, text=True)


def test_from_artifact_refuses_a_tampered_or_missing_file(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    publish(make_catalog(), tmp_path / "old")
    path = tmp_path / "old" / "catalog.json"
    path.write_bytes(path.read_bytes().replace(b'"2.00"', b'"0.20"', 1))
    run = _cli("publish", "--from-artifact", str(path), "--out", str(tmp_path / "live"))
    assert run.returncode == 4 and "digest mismatch" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "live" / "catalog.json").exists()
    run = _cli("publish", "--from-artifact", str(tmp_path / "nope.json"), "--out", str(tmp_path / "live"))
    assert run.returncode == 4 and "nope.json" in run.stderr
    run = _cli("publish", "--from-artifact", str(path), "--check")
    assert run.returncode == 2


def test_a_1_0_artifact_still_loads_with_revision_0(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    from modelctl.artifact.compile import SourceInfo, compile_artifact
    from modelctl.rules.validate import validate_catalog

    catalog = validate_catalog(make_catalog()).catalog
    data = compile_artifact(catalog, SourceInfo()).data.replace(b'"format_version":"1.1"', b'"format_version":"1.0"')
    loaded = Catalog.loads(data)
    assert loaded.revision == 0 and loaded.published_at == ""


@pytest.mark.parametrize("bad", [b'"revision":-1', b'"revision":true', b'"revision":"7"', b'"revision":1.5'])
def test_a_bad_revision_is_refused(make_catalog: MakeCatalog, tmp_path: Path, bad: bytes) -> None:
    from modelctl.runtime import ArtifactError

    publish(make_catalog(), tmp_path)
    data = (tmp_path / "catalog.json").read_bytes()
    start = data.index(b'"revision":')
    end = data.index(b",", start)
    with pytest.raises(ArtifactError, match="revision"):
        Catalog.loads(data[:start] + bad + data[end:])
