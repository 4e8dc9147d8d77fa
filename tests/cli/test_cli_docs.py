"""The CLI is consistent and documented: docs/cli.md has a section for every
command naming each of its options and its exit codes; the root --help
summaries are the commands' docstrings; --format names and exit codes are
shared; shell completion is there; every command imports lazily."""

from __future__ import annotations

import inspect
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from enum import Enum
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from conftest import REPO
from modelctl.cli import _LAZY, app

runner = CliRunner()
DOC = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
FORMATS = {"text", "json", "markdown", "csv", "github"}


def _commands() -> Iterator[tuple[str, Any]]:
    """(full name, click command) for every command and subcommand."""
    root = typer.main.get_command(app)
    ctx = root.make_context("modelctl", ["--help"], resilient_parsing=True)

    def walk(group: Any, prefix: str, context: Any) -> Iterator[tuple[str, Any]]:
        for name in group.list_commands(context):
            cmd = group.get_command(context, name)
            full = f"{prefix} {name}".strip()
            if hasattr(cmd, "list_commands"):
                yield from walk(cmd, full, cmd.make_context(name, ["--help"], parent=context, resilient_parsing=True))
            else:
                yield full, cmd

    yield from walk(root, "", ctx)


COMMANDS = dict(_commands())


def _section(name: str) -> str:
    match = re.search(rf"^#+ `modelctl {re.escape(name)}`.*?$(.*?)(?=^#+ `modelctl |\Z)", DOC, re.M | re.S)
    assert match, f"docs/cli.md has no section for `modelctl {name}`"
    return match.group(1)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_docs_name_every_option_and_the_exit_codes(name: str) -> None:
    section = _section(name)
    for param in COMMANDS[name].params:
        if param.param_type_name == "argument":
            shown = (param.metavar or param.name).upper().strip(".[]{}")
            assert shown in section.upper() or param.name.upper() in section.upper(), (name, param.name)
            continue
        for opt in [*param.opts, *param.secondary_opts]:
            assert re.search(rf"`{re.escape(opt)}\b", section), f"docs/cli.md: `modelctl {name}` does not name {opt}"
    assert "Exit codes" in section, name


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_help_shows_exit_codes(name: str) -> None:
    result = runner.invoke(app, [*name.split(), "--help"])
    assert result.exit_code == 0
    assert "Exit codes: 0" in " ".join(result.stdout.replace("│", " ").split()), name


def test_docs_have_no_section_for_a_command_that_does_not_exist() -> None:
    documented = set(re.findall(r"^#+ `modelctl ([a-z -]+?)`", DOC, re.M))
    groups = {name.split()[0] for name in COMMANDS if " " in name}
    assert documented - groups == set(COMMANDS)


def test_root_help_summaries_are_the_docstrings() -> None:
    for name, spec in _LAZY.items():
        module, attr = spec.target.split(":")
        obj = getattr(__import__(module, fromlist=[attr]), attr)
        doc = obj.info.help if isinstance(obj, typer.Typer) else inspect.getdoc(obj)
        assert doc is not None, name
        assert spec.summary == doc.split("\n\n")[0].replace("\n", " "), name


def _choices(param: Any) -> set[str]:
    annotation = param.get_runtime_param().annotation
    assert isinstance(annotation, type) and issubclass(annotation, Enum), param.name
    return {e.value for e in annotation}


def test_format_names_are_shared() -> None:
    # export's --format names the target tool's format (litellm, openrouter, ...), not a rendering.
    for name, cmd in COMMANDS.items():
        for param in cmd.params:
            if "--format" in param.opts and name != "export":
                choices = _choices(param)
                assert choices <= FORMATS and "text" in choices, (name, choices)
                assert str(param.default) == "text", name


# What each shell's script must say to complete modelctl (typer's scripts, for the prog name modelctl).
_SCRIPTS = {
    "bash": ("complete -o default -F _modelctl_completion modelctl", "_MODELCTL_COMPLETE=complete_bash"),
    "zsh": ("#compdef modelctl", "_MODELCTL_COMPLETE=complete_zsh"),
    "fish": ("complete --command modelctl", "_MODELCTL_COMPLETE=complete_fish"),
}


@pytest.mark.parametrize("shell", sorted(_SCRIPTS))
def test_shell_completion(shell: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """--show-completion prints the script of the shell modelctl runs in, which typer finds among its
    parent processes (shellingham), not in $SHELL and not from a word after the flag: the test said
    `--show-completion bash` with SHELL=/bin/bash, and passed only when pytest was started from bash
    (from sh: a usage error, below). The shell is the one the test names here."""
    import shellingham

    monkeypatch.setattr(shellingham, "detect_shell", lambda *args, **kwargs: (shell, f"/bin/{shell}"))
    result = runner.invoke(app, ["--show-completion"], prog_name="modelctl")
    assert result.exit_code == 0, result.output
    for words in _SCRIPTS[shell]:
        assert words in result.stdout, (shell, result.stdout)


def test_shell_completion_detects_the_shell_it_runs_in() -> None:
    """Unmocked: run from bash (whatever started pytest), modelctl prints bash's script."""
    if shutil.which("bash") is None:
        pytest.skip("no bash here")
    code = "from modelctl.cli import app; app(prog_name='modelctl')"
    command = f"{shlex.quote(sys.executable)} -c {shlex.quote(code)} --show-completion"
    # "; exit $?": bash would exec a lone command in its own place, leaving pytest's shell the parent
    run = subprocess.run(["bash", "-c", f"{command}; exit $?"], capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    for words in _SCRIPTS["bash"]:
        assert words in run.stdout


_UNSUPPORTED = "shell completion is for bash, zsh, fish and PowerShell"


@pytest.mark.parametrize("option", ["--show-completion", "--install-completion"])
def test_shell_completion_under_sh_is_a_usage_error(option: str, tmp_path: Any) -> None:
    """Unmocked, run by sh (a Dockerfile's RUN, a Makefile): typer has no script for it and said
    "Shell sh not supported." (--install-completion: on stdout), exit 1, the code of a "no". It is a
    usage error: one line on stderr naming the shells it has and how to run it from one, exit 2,
    nothing on stdout, nothing written (HOME is an empty folder)."""
    if shutil.which("sh") is None:
        pytest.skip("no sh here")
    code = "from modelctl.cli import app; app(prog_name='modelctl')"
    command = f"{shlex.quote(sys.executable)} -c {shlex.quote(code)} {option}"
    env = {**os.environ, "HOME": str(tmp_path), "SHELL": "/bin/sh"}
    run = subprocess.run(["sh", "-c", f"{command}; exit $?"], capture_output=True, text=True, timeout=60, env=env)
    assert run.returncode == 2, (run.stdout, run.stderr)
    assert run.stdout == "" and list(tmp_path.iterdir()) == []
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr, run.stderr
    assert run.stderr.startswith(f"error: {_UNSUPPORTED}, and modelctl runs under sh: ")
    assert f"bash -c 'modelctl {option}; exit'" in run.stderr


@pytest.mark.parametrize("found", ["ksh", None], ids=["ksh", "no-shell"])
@pytest.mark.parametrize("option", ["--show-completion", "--install-completion"])
def test_shell_completion_without_a_shell_it_knows(
    option: str, found: str | None, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """Another shell, or none among the parent processes (cron, a service): typer said "Shell  not
    supported." with the name left empty, exit 1."""
    import shellingham

    def detect(*args: Any, **kwargs: Any) -> tuple[str, str]:
        if found is None:
            raise shellingham.ShellDetectionFailure()
        return found, f"/bin/{found}"

    monkeypatch.setattr(shellingham, "detect_shell", detect)
    monkeypatch.setenv("HOME", str(tmp_path))
    result = runner.invoke(app, [option], prog_name="modelctl")
    assert result.exit_code == 2, result.output
    assert result.stdout == "" and list(tmp_path.iterdir()) == []
    where = "modelctl runs under ksh" if found else "modelctl found no shell among its parent processes"
    assert result.stderr.startswith(f"error: {_UNSUPPORTED}, and {where}: "), result.stderr


def test_root_help_imports_no_command() -> None:
    code = (
        "import sys; from modelctl.cli import main; sys.argv = ['modelctl', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('modelctl.') and m not in "
        "('modelctl.cli', 'modelctl.cli._help', 'modelctl.cli.completion', 'modelctl.__main__'))\nprint(loaded, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stderr.strip() == "[]", done.stderr
    assert "list" in done.stdout and "reprice" in done.stdout
