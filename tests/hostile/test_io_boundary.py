"""Every command's boundary: an I/O error is a message naming the path and
exit 4, never a traceback (cli/__init__.py, _LazyGroup.invoke)."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO, MakeCatalog
from everyday_helpers import everyday_catalog
from modelctl.cli import app

runner = CliRunner()
ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False
not_root = pytest.mark.skipif(ROOT, reason="root reads and writes regardless of permissions")


def _no_traceback(result: object) -> None:
    exc = getattr(result, "exception", None)
    assert exc is None or isinstance(exc, SystemExit), repr(exc)


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PYTHONPATH": str(REPO / "src"), **env}
    return subprocess.run([sys.executable, "-m", "modelctl", *args], capture_output=True, text=True, env=full)


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["show", "acme/alpha"],
        ["compare", "acme/alpha", "acme/beta"],
        ["cost", "acme/alpha", "--input", "10"],
        ["estimate", "--input", "10"],
    ],
)
def test_any_unhandled_os_error_is_exit_4_naming_the_path(
    make_catalog: MakeCatalog, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    root = everyday_catalog(make_catalog)

    def denied(*_: object, **__: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(root / "models/acme/alpha.yaml"))

    monkeypatch.setattr("modelctl.cli.common.open_catalog", denied)
    result = runner.invoke(app, [*args, "--catalog", str(root)])
    _no_traceback(result)
    assert result.exit_code == 4
    assert "alpha.yaml" in result.stderr and "Permission denied" in result.stderr


def test_diff_output_into_a_file(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    root = everyday_catalog(make_catalog)
    (tmp_path / "afile").write_text("x")
    result = runner.invoke(app, ["diff", str(root), str(root), "--output", str(tmp_path / "afile" / "out.md")])
    _no_traceback(result)
    assert result.exit_code == 4 and "afile/out.md" in result.stderr


def test_validate_step_summary_unwritable(
    make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "afile").write_text("x")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "afile" / "summary.md"))
    result = runner.invoke(app, ["validate", str(make_catalog()), "-f", "github"])
    _no_traceback(result)
    assert result.exit_code == 4 and "summary.md" in result.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_stdout_full(make_catalog: MakeCatalog) -> None:
    root = everyday_catalog(make_catalog)
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "modelctl", "list", "--catalog", str(root)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        )
    assert done.returncode == 4, done.stderr
    assert "Traceback" not in done.stderr and "No space left on device" in done.stderr


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs /proc")
def test_reprice_read_error_names_the_file(make_catalog: MakeCatalog) -> None:
    root = everyday_catalog(make_catalog)
    done = _run("reprice", "/proc/self/mem", "--catalog", str(root))
    assert done.returncode == 4, done.stderr
    assert "Traceback" not in done.stderr and "/proc/self/mem" in done.stderr


@not_root
def test_unreadable_usage_file(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    usage = tmp_path / "u.csv"
    usage.write_text("timestamp,model,input_tokens\n2026-05-01,acme/alpha,1\n")
    usage.chmod(0)
    result = runner.invoke(app, ["reprice", str(usage), "--catalog", str(everyday_catalog(make_catalog))])
    _no_traceback(result)
    assert result.exit_code == 4 and "u.csv" in result.stderr


@not_root
@pytest.mark.parametrize("command", ["site", "export"])
def test_read_only_output_folder(make_catalog: MakeCatalog, tmp_path: Path, command: str) -> None:
    root = everyday_catalog(make_catalog)
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o500)
    try:
        if command == "site":
            result = runner.invoke(app, ["site", "--catalog", str(root), "--out", str(out)])
        else:
            assert runner.invoke(app, ["publish", str(root), "--out", str(tmp_path / "pub")]).exit_code == 0
            art = str(tmp_path / "pub" / "catalog.json")
            result = runner.invoke(app, ["export", art, "--format", "litellm", "--output", str(out / "x.json")])
    finally:
        out.chmod(0o700)
    _no_traceback(result)
    assert result.exit_code == 4 and "ro" in result.stderr


@pytest.mark.parametrize("command", ["site", "export", "publish"])
def test_output_folder_that_is_a_file(make_catalog: MakeCatalog, tmp_path: Path, command: str) -> None:
    root = everyday_catalog(make_catalog)
    afile = tmp_path / "afile"
    afile.write_text("x")
    if command == "site":
        result = runner.invoke(app, ["site", "--catalog", str(root), "--out", str(afile / "sub")])
    elif command == "publish":
        result = runner.invoke(app, ["publish", str(root), "--out", str(afile)])
    else:
        assert runner.invoke(app, ["publish", str(root), "--out", str(tmp_path / "pub")]).exit_code == 0
        art = str(tmp_path / "pub" / "catalog.json")
        result = runner.invoke(app, ["export", art, "--format", "litellm", "--output", str(afile / "x.json")])
    _no_traceback(result)
    assert result.exit_code == 4 and "afile" in result.stderr
    assert afile.read_text() == "x"


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["validate", "{root}"], id="validate"),
        pytest.param(["disable", "acme/alpha", "--catalog", "{root}"], id="disable"),
        pytest.param(
            ["price", "set", "acme/alpha", "input_per_1m=1", "--from", "2030-01-01", "--catalog", "{root}"],
            id="price-set",
        ),
        pytest.param(["list", "{artifact}"], id="list-artifact"),
        pytest.param(["export", "{artifact}", "--format", "litellm"], id="export"),
        pytest.param(["list", "--catalog", "{root}"], id="list"),
    ],
)
def test_a_today_that_is_not_a_date_is_exit_4(
    make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    # clock.today() raised a ModelctlError that validate, the editing commands, export and list of
    # an artifact did not catch: a traceback
    root = everyday_catalog(make_catalog)
    assert runner.invoke(app, ["publish", str(root), "--out", str(tmp_path / "dist")]).exit_code == 0
    monkeypatch.setenv("MODELCTL_TODAY", "2026-13-01")
    argv = [a.format(root=root, artifact=tmp_path / "dist" / "catalog.json") for a in args]
    result = runner.invoke(app, argv)
    _no_traceback(result)
    assert result.exit_code == 4, result.output
    assert "$MODELCTL_TODAY='2026-13-01' is not a date: use YYYY-MM-DD" in result.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    ("args", "env"),
    [
        pytest.param(["diff", "{root}", "{root}", "--output", "/dev/full"], {}, id="diff-output"),
        pytest.param(["validate", "{root}", "-f", "github"], {"GITHUB_STEP_SUMMARY": "/dev/full"}, id="step-summary"),
        pytest.param(["reprice", "{usage}", "--catalog", "{root}", "--errors-out", "/dev/full"], {}, id="errors-out"),
    ],
)
def test_a_full_device_as_the_file_written_is_named(
    make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], env: dict[str, str]
) -> None:
    # a write or close fails without a file name: the message said "the standard output or an
    # unnamed file" for the file the command was told to write
    root = everyday_catalog(make_catalog)
    usage = tmp_path / "u.csv"
    usage.write_text("timestamp,model,input_tokens\n2026-05-01,acme/nope,10\n", encoding="utf-8")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = runner.invoke(app, [a.format(root=root, usage=usage) for a in args])
    _no_traceback(result)
    assert result.exit_code == 4, result.output
    assert "cannot read or write '/dev/full': No space left on device" in result.stderr
