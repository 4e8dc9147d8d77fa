"""site --out that cannot be a folder: a file, a path under a file, a link to nothing.  Exit 4
naming what is in the way (it said "cannot write DIR/index.html: File exists"), nothing written;
and catalog strings that are markup stay text on the page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MINI, MakeCatalog
from modelctl.cli import app

runner = CliRunner()


@pytest.mark.parametrize("kind", ["file", "under a file", "link to nothing"])
def test_site_out_that_cannot_be_a_folder_names_it(make_catalog: MakeCatalog, tmp_path: Path, kind: str) -> None:
    root = make_catalog(MINI)
    blocker = tmp_path / "site"
    if kind == "link to nothing":
        blocker.symlink_to(tmp_path / "gone")
        what = f"{blocker} is a symbolic link to nothing ({tmp_path / 'gone'})"  # where it points, as init says
    else:
        blocker.write_text("mine\n")
        what = f"{blocker} is a file, not a folder"
    out = blocker / "deeper" if kind == "under a file" else blocker
    result = runner.invoke(app, ["site", "--catalog", str(root), "--out", str(out)])
    assert result.exit_code == 4
    assert f"cannot write {out / 'index.html'}: {what}: --out names the folder to write index.html in" in result.stderr
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != root.name) == ["site"]
    if kind != "link to nothing":
        assert blocker.read_text() == "mine\n"


def test_site_out_that_does_not_exist_is_made(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "site"
    result = runner.invoke(app, ["site", "--catalog", str(make_catalog(MINI)), "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    assert (out / "index.html").is_file()


def test_markup_in_every_catalog_string_stays_text(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    hostile = "</script><script>alert(1)</script><img src=x onerror=alert(2)>"
    files = dict(MINI)
    alpha = files["models/acme/alpha.yaml"]
    assert alpha is not None
    files["models/acme/alpha.yaml"] = alpha.replace("\nname: ", f"\ndescription: {json.dumps(hostile)}\nname: ", 1)
    root = make_catalog(files)
    out = tmp_path / "site"
    title = f"T {hostile}"
    result = runner.invoke(app, ["site", "--catalog", str(root), "--out", str(out), "--title", title])
    assert result.exit_code == 0, result.stderr
    page = (out / "index.html").read_text()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the title, as text
