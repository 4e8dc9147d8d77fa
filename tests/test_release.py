"""Releases that exist: one version everywhere, and the built wheel works in an empty folder.

The version is ``src/modelctl/__init__.py``'s ``__version__``; the action's docs, the pre-commit
``rev``, ``modelctl init``'s pins, every pin in the docs and the CHANGELOG's newest release heading
name the same one. The sdist and wheel are built (``python -m build``) and pass ``twine check``; the
wheel is installed into a fresh venv (offline: no index, no dependencies; the dependencies come from
this interpreter's site-packages through a .pth file) and runs ``init``, ``validate`` and ``publish``
in an empty folder, with no modelctl checkout on its path.
"""

from __future__ import annotations

import json
import os
import re
import site
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from conftest import REPO

INIT = (REPO / "src" / "modelctl" / "__init__.py").read_text()
VERSION = re.search(r'^__version__ = "([^"]+)"$', INIT, re.M).group(1)  # type: ignore[union-attr]
DOCS = sorted([REPO / "README.md", *(REPO / "docs").glob("*.md"), REPO / "action.yml"])
PINS = {
    "action": re.compile(r"OWNER/modelctl@(v[0-9][^\s`'\"]*)"),
    "pip": re.compile(r"modelctl==([0-9][^\s`'\"),]*)"),
    "rev": re.compile(r"\brev: (v[0-9][^\s`'\"]*)"),
    "git": re.compile(r"modelctl\.git@(v[0-9][^\s`'\"]*)"),
}


def test_the_version_is_one_release_number() -> None:
    assert re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", VERSION)
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert pyproject["project"]["dynamic"] == ["version"]
    assert pyproject["tool"]["hatch"]["version"]["path"] == "src/modelctl/__init__.py"
    import modelctl

    assert modelctl.__version__ == VERSION


@pytest.mark.parametrize("path", DOCS, ids=[p.name for p in DOCS])
def test_every_pin_in_the_docs_is_this_version(path: Path) -> None:
    text = path.read_text()
    for kind, pattern in PINS.items():
        for match in pattern.finditer(text):
            pinned = match.group(1).removeprefix("v")
            assert pinned in (VERSION, "X.Y.Z"), f"{path.name}: {kind} pin {match.group(0)!r}, not {VERSION}"


def test_the_docs_do_pin_it() -> None:
    ci = (REPO / "docs" / "ci.md").read_text()
    assert f"OWNER/modelctl@v{VERSION}" in ci and f"rev: v{VERSION}" in ci


def test_init_and_its_templates_pin_this_version() -> None:
    from modelctl.authoring import init

    assert init.ACTION == f"{init.REPOSITORY}@v{VERSION}"
    template = (REPO / "src/modelctl/authoring/templates/pre-commit-config.yaml").read_text()
    assert "rev: v@@VERSION@@" in template


def test_the_changelog_names_no_other_version() -> None:
    """The newest release heading (`## [X.Y.Z]` or `## X.Y.Z`), once there is one, is this version."""
    headings = re.findall(r"^## \[?([0-9]+\.[0-9]+\.[0-9]+)\]?", (REPO / "CHANGELOG.md").read_text(), re.M)
    if headings:
        assert headings[0] == VERSION, f"CHANGELOG.md's newest release is {headings[0]}, the package is {VERSION}"


# --- the built packages ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("build")
    pytest.importorskip("hatchling")
    out = tmp_path_factory.mktemp("dist")
    # --no-isolation: the build backend (hatchling) comes from this environment, not from the network.
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(REPO)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out


def test_sdist_and_wheel_pass_twine_check(dist: Path) -> None:
    pytest.importorskip("twine")
    built = sorted(p.name for p in dist.iterdir())
    assert built == [f"modelctl-{VERSION}-py3-none-any.whl", f"modelctl-{VERSION}.tar.gz"]
    proc = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, dist.iterdir())],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    names = zipfile.ZipFile(dist / f"modelctl-{VERSION}-py3-none-any.whl").namelist()
    assert "modelctl/_schema/model.schema.json" in names
    assert "modelctl/_reference/models/openai/gpt-4o.yaml" in names
    assert "modelctl/_docs/cli.md" in names and "modelctl/_docs/plans.md" in names  # `modelctl docs`
    assert "modelctl/authoring/templates/workflows/pricing-gate.yml" in names


def test_the_wheel_in_a_fresh_venv_starts_a_catalog_in_an_empty_folder(dist: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    py = venv / "bin" / "python"
    wheel = dist / f"modelctl-{VERSION}-py3-none-any.whl"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-index", "--no-deps", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    purelib = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # The dependencies (typer, rich, PyYAML, jsonschema-rs, ruamel.yaml) from this interpreter,
    # appended after the venv's own site-packages, so the wheel's modelctl is the one imported.
    (Path(purelib) / "zz-deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "NO_COLOR": "1",
        "MODELCTL_CACHE_DIR": str(tmp_path / "cache"),
        "MODELCTL_TODAY": os.environ.get("MODELCTL_TODAY", "2026-11-25"),
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(args, cwd=empty, env=env, capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, f"{' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done

    where = run(str(py), "-c", "import modelctl; print(modelctl.__file__, modelctl.__version__)").stdout.split()
    assert where[0].startswith(purelib) and where[1] == VERSION
    modelctl = str(venv / "bin" / "modelctl")
    run(modelctl, "init")
    assert "valid" in run(modelctl, "validate").stdout
    run(modelctl, "publish")
    artifact = json.loads((empty / "dist" / "catalog.json").read_text())
    assert list(artifact["content"]["models"]) == ["acme/chat-1"]
    for path in sorted((empty / "catalog").rglob("*.yaml")):
        line = path.read_text().splitlines()[0]
        target = (path.parent / line.split("$schema=", 1)[1]).resolve()
        assert target.is_file(), f"{path}: {line}"
    # the documentation help texts point at is there without a checkout
    assert run(modelctl, "docs", "plans").stdout == (REPO / "docs" / "plans.md").read_text(encoding="utf-8")
    run(modelctl, "init", "ref", "--from-reference", "openai,anthropic")
    assert "valid" in run(modelctl, "validate", "ref/catalog").stdout
    assert not (empty / "src").exists()  # nothing of a modelctl checkout here
