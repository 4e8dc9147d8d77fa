"""The README starts with the two commands, and .ci/run runs the second one."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from conftest import REPO
from modelctl.cli import app


def _first_block() -> list[str]:
    text = (REPO / "README.md").read_text()
    block = re.search(r"```sh\n(.*?)```", text, re.S)
    assert block and text.index("```sh") < 40, "README must start with the command block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_readme_starts_with_exactly_two_commands() -> None:
    first, second = _first_block()
    assert "modelctl validate" in first and "modelctl publish" in first
    assert second == "bash .ci/run"


def test_ci_script_installs_what_the_tests_need_then_runs_them() -> None:
    ci = (REPO / ".ci" / "run").read_text()
    assert "npm ci" in ci and "chromium-driver" in ci
    last = ci.strip().splitlines()[-1]
    assert "pip install -q -e '.[test]'" in last and last.endswith(".venv/bin/pytest")


def test_readme_lists_every_command() -> None:
    help_text = CliRunner().invoke(app, ["--help"]).stdout
    commands = re.findall(r"│ (\w[\w-]*)\s{2,}", help_text.split("Commands")[1])
    readme = (REPO / "README.md").read_text()
    assert commands
    for command in commands:
        assert f"`modelctl {command}" in readme, command


def test_ci_script_uses_sudo_when_not_root_and_the_runners_browser() -> None:
    ci = (REPO / ".ci" / "run").read_text()
    assert '[ "$(id -u)" -eq 0 ] || sudo="sudo"' in ci
    assert "$sudo apt-get update" in ci and "$sudo apt-get install" in ci
    assert " apt-get" not in ci.replace("$sudo apt-get", "")  # no apt-get without it
    assert "google-chrome" in ci and "CHROMEWEBDRIVER" in ci  # a hosted runner's preinstalled browser
