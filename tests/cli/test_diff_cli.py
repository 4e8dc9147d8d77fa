"""`modelctl diff` on real temporary git repositories."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gitutil import commit_all, edit, git, make_repo, shallow_clone
from modelctl.cli import app
from modelctl.review.resolve import compare

runner = CliRunner()
BETA = "catalog/models/acme/beta.yaml"
ALPHA = "catalog/models/acme/alpha.yaml"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_repo(tmp_path / "repo")
    monkeypatch.chdir(root)
    return root


def _diff(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["diff", *args])
    return result.exit_code, result.stdout, result.stderr


def test_no_changes(repo: Path) -> None:
    code, out, _ = _diff("--exit-code")
    assert code == 0 and "no changes" in out


def test_price_change_in_the_working_tree(repo: Path) -> None:
    edit(repo / BETA, "output_per_1m: 1.50", "output_per_1m: 1.65")
    code, out, _ = _diff("--format", "json", "--exit-code")
    assert code == 1
    doc = json.loads(out)
    assert doc["base"].startswith("merge-base ") and doc["head"] == "working tree"
    (change,) = doc["changes"]
    assert change["address"] == 'models["acme/beta"].pricing[2024-01-01].output_per_1m'
    assert (change["before"], change["after"], change["price"]["percent"]) == ("1.50", "1.65", "10.0")


def test_between_two_commits(repo: Path) -> None:
    edit(repo / BETA, "output_per_1m: 1.50", "output_per_1m: 1.40")
    commit_all(repo, "cheaper beta")
    code, out, _ = _diff("main", "feature", "--format", "json")
    assert code == 0
    assert json.loads(out)["summary"] == {"added": 0, "changed": 1, "removed": 0, "breaking": 0, "review": 1, "info": 0}


def test_model_added_and_removed(repo: Path) -> None:
    gamma = (repo / BETA).read_text().replace("id: beta", "id: gamma")
    (repo / "catalog/models/acme/gamma.yaml").write_text(gamma)  # untracked: still seen
    (repo / BETA).unlink()
    code, out, err = _diff("--format", "json", "--fail-on", "breaking")
    assert code == 3 and "fail the --fail-on breaking policy" in err
    summary = json.loads(out)["summary"]
    assert (summary["added"], summary["removed"], summary["breaking"]) == (1, 1, 1)


def test_rename_keeping_the_old_id_as_alias(repo: Path) -> None:
    git(repo, "mv", BETA, "catalog/models/acme/beta-2.yaml")
    edit(repo / "catalog/models/acme/beta-2.yaml", "id: beta", "id: beta-2\naliases: [beta]")
    commit_all(repo, "rename beta")
    code, out, _ = _diff("main", "HEAD", "--format", "json", "--fail-on", "breaking")
    assert code == 0
    doc = json.loads(out)
    removed = next(c for c in doc["changes"] if c["action"] == "removed")
    assert removed["class"] == "info" and "renamed to acme/beta-2" in removed["reason"]


def test_alias_removed_is_breaking(repo: Path) -> None:
    edit(repo / ALPHA, "aliases: [alpha-2025-01-01]", "aliases: []")
    code, out, _ = _diff("--fail-on", "breaking")
    assert code == 3
    assert "BREAKING" in out and "alias 'alpha-2025-01-01' removed" in out


def test_price_raised_25_percent_is_a_review(repo: Path) -> None:
    edit(
        repo / BETA,
        "pricing:\n",
        "pricing:\n  - effective_from: 2027-01-01\n    source: https://acme.example/pricing\n"
        "    checked: 2026-11-20\n    input_per_1m: 0.625\n    output_per_1m: 1.50\n",
    )
    assert _diff("--fail-on", "breaking")[0] == 0
    code, out, _ = _diff("--fail-on", "review")
    assert code == 3
    assert "+0.125 (+25.0%)" in out and "2027-01-01 (scheduled)" in out


def test_future_dated_price_is_marked_scheduled_in_markdown(repo: Path) -> None:
    edit(
        repo / BETA,
        "pricing:\n",
        "pricing:\n  - effective_from: 2027-01-01\n    source: https://acme.example/pricing\n"
        "    checked: 2026-11-20\n    input_per_1m: 0.45\n    output_per_1m: 1.50\n",
    )
    code, out, _ = _diff("--format", "markdown")
    assert code == 0
    assert out.startswith("<!-- modelctl-diff -->\n")
    assert "| `acme/beta` | input_per_1m | base | 2027-01-01 (scheduled) | 0.50 | 0.45 | -0.05 (-10.0%) |  |" in out


def test_only_changed_files_are_read(repo: Path) -> None:
    edit(repo / BETA, "output_per_1m: 1.50", "output_per_1m: 1.65")
    comparison = compare(None, None, catalog=Path("catalog"), today=date(2026, 11, 25))
    # catalog.yaml, providers/acme.yaml and the one changed model, on each side
    assert (comparison.base.files_read, comparison.head.files_read) == (3, 3)
    assert list(comparison.head.content["models"]) == ["acme/beta"]


def test_shallow_clone_without_the_base(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edit(repo / BETA, "output_per_1m: 1.50", "output_per_1m: 1.65")
    commit_all(repo, "second")
    shallow = shallow_clone(repo, tmp_path / "shallow")
    monkeypatch.chdir(shallow)
    code, out, err = _diff("HEAD~1")
    assert code == 4 and out == ""
    assert "not in this repository" in err and "fetch-depth: 0" in err


def test_unknown_revision(repo: Path) -> None:
    code, _, err = _diff("no-such-branch")
    assert code == 4 and "revision 'no-such-branch' is not in this repository" in err


def test_invalid_side_exits_4_with_findings(repo: Path) -> None:
    edit(repo / BETA, "status: deprecated", "status: deprecatd")
    code, out, err = _diff()
    assert code == 4 and out == ""
    assert "working tree: catalog/models/acme/beta.yaml:4:9: error MC104" in err


def test_two_directories_and_two_artifacts(repo: Path, tmp_path: Path) -> None:
    old = tmp_path / "old"
    subprocess.run(["cp", "-r", str(repo / "catalog"), str(old)], check=True)
    edit(repo / BETA, "output_per_1m: 1.50", "output_per_1m: 3.00")
    code, out, _ = _diff(str(old), "catalog", "--format", "json")
    assert code == 0 and json.loads(out)["changes"][0]["price"]["percent"] == "100.0"
    for name, source in (("a", old), ("b", repo / "catalog")):
        assert runner.invoke(app, ["publish", str(source), "--out", str(tmp_path / name)]).exit_code == 0
    code, out, _ = _diff(str(tmp_path / "a/catalog.json"), str(tmp_path / "b/catalog.json"), "--format", "json")
    assert code == 0 and json.loads(out)["changes"][0]["after"] == "3.00"


def test_markdown_stays_under_the_comment_limit(repo: Path) -> None:
    beta = (repo / BETA).read_text()
    for i in range(400):
        (repo / f"catalog/models/acme/m{i:03}.yaml").write_text(beta.replace("id: beta", f"id: m{i:03}"))
    code, out, _ = _diff("--format", "markdown")
    assert code == 0
    assert len(out) < 65_536
    assert "rows were left out to stay under GitHub's 64 KB comment limit" in out
    assert "**400 added, 0 changed, 0 removed**" in out


def test_usage_errors(repo: Path) -> None:
    assert _diff("--format", "yaml")[0] == 2
    assert _diff("--review-threshold", "lots")[0] == 2


def test_help_documents_exit_codes() -> None:
    result = runner.invoke(app, ["diff", "--help"])
    text = " ".join(result.stdout.split())
    for phrase in [
        "1 changes found, with --exit-code",
        "3 changes fail the --fail-on policy",
        "4 a side or the --usage file cannot be read",
    ]:
        assert phrase in text


PLAN = """\
# yaml-language-server: $schema=../../schema/plan.schema.json
id: pro
name: Pro
models:
  allow: ["acme/*"]
defaults: {chat: acme/alpha}
rollouts:
  - {id: beta-launch, model: acme/beta, percent: 10}
  - {id: chat-ab, purpose: chat, variants: [{model: acme/alpha, weight: 50}, {model: acme/beta, weight: 50}]}
"""
ACCOUNT = """\
# yaml-language-server: $schema=../../schema/account.schema.json
id: big
name: Big Co
plan: pro
"""


@pytest.fixture
def plan_repo(repo: Path) -> Path:
    (repo / "catalog/plans").mkdir()
    (repo / "catalog/accounts").mkdir()
    (repo / "catalog/plans/pro.yaml").write_text(PLAN)
    (repo / "catalog/accounts/big.yaml").write_text(ACCOUNT)
    commit_all(repo, "plans")
    return repo


def test_price_change_lists_the_plans_and_accounts_it_touches(plan_repo: Path) -> None:
    edit(plan_repo / BETA, "output_per_1m: 1.50", "output_per_1m: 1.65")
    code, out, _ = _diff("--format", "json")
    assert code == 0
    assert json.loads(out)["impact"] == {"acme/beta": {"plans": ["pro"], "accounts": ["big"]}}
    code, out, _ = _diff("--format", "markdown")
    assert "| `acme/beta` | pro | big |" in out


def test_rollout_changes(plan_repo: Path) -> None:
    plan = plan_repo / "catalog/plans/pro.yaml"
    edit(plan, "percent: 10}", "percent: 25}")
    doc = json.loads(_diff("HEAD", "--format", "json")[1])
    (grow,) = doc["changes"]
    assert (grow["field"], grow["class"]) == ("rollouts.beta-launch.percent", "info")
    assert "everyone included stays" in grow["reason"]
    edit(plan, "percent: 25}", "percent: 5, salt: beta-2}")
    doc = json.loads(_diff("HEAD", "--format", "json")[1])
    classes = {c["field"]: (c["class"], c["reason"]) for c in doc["changes"]}
    assert (
        classes["rollouts.beta-launch.salt"][0] == "review" and "re-buckets" in classes["rollouts.beta-launch.salt"][1]
    )
    assert (
        classes["rollouts.beta-launch.percent"][0] == "review"
        and "lose the model" in classes["rollouts.beta-launch.percent"][1]
    )


def test_reordered_variants_and_changed_defaults_are_reviews(plan_repo: Path) -> None:
    plan = plan_repo / "catalog/plans/pro.yaml"
    edit(
        plan,
        "[{model: acme/alpha, weight: 50}, {model: acme/beta, weight: 50}]",
        "[{model: acme/beta, weight: 50}, {model: acme/alpha, weight: 50}]",
    )
    edit(plan, "defaults: {chat: acme/alpha}", "defaults: {chat: acme/beta}")
    code, out, _ = _diff("HEAD", "--format", "json", "--fail-on", "review")
    assert code == 3
    classes = {c["field"]: c for c in json.loads(out)["changes"]}
    assert "reordered" in classes["rollouts.chat-ab.variants"]["reason"]
    assert classes["defaults.chat"]["class"] == "review"


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_output_formats_match_golden_files(repo: Path, fmt: str, golden: Any) -> None:
    edit(repo / BETA, "output_per_1m: 1.50", "output_per_1m: 1.65")
    edit(repo / ALPHA, "aliases: [alpha-2025-01-01]", "aliases: []")
    edit(
        repo / ALPHA,
        "features: [vision, prompt_caching, streaming]",
        "features: [vision, prompt_caching, streaming, json_mode]",
    )
    edit(
        repo / BETA,
        "pricing:\n",
        "pricing:\n  - effective_from: 2027-01-01\n    source: https://acme.example/pricing\n"
        "    checked: 2026-11-20\n    input_per_1m: 0.625\n    output_per_1m: 1.65\n",
    )
    (repo / "catalog/models/acme/gamma.yaml").write_text((repo / BETA).read_text().replace("id: beta", "id: gamma"))
    commit_all(repo, "a pricing pull request")
    code, out, _ = _diff("main", "feature", "--format", fmt)
    assert code == 0
    golden(f"diff/pull-request.{fmt}", out)


def test_a_catalog_that_did_not_exist_at_the_base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "fresh"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "README.md").write_text("hello\n")
    commit_all(root, "empty")
    git(root, "checkout", "-q", "-b", "feature")
    from conftest import MINI, write_catalog

    write_catalog(root / "catalog", dict(MINI))
    monkeypatch.chdir(root)
    code, out, _ = _diff("--format", "json")
    assert code == 0
    assert json.loads(out)["summary"]["added"] == 3  # two models and a provider


def test_a_catalog_in_neither_side_is_exit_4_not_no_changes(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Run from the wrong folder, or with a --catalog that is not the catalog's path in the repository,
    # every diff was "no changes" with exit 0: a CI gate passed without looking at anything.
    edit(repo / BETA, "output_per_1m: 1.50", "output_per_1m: 1.65")
    commit_all(repo, "raise beta")
    for args in (["main", "feature"], ["main"], []):
        code, out, err = _diff(*args, "--catalog", "nowhere", "--exit-code")
        assert code == 4 and out == "", (args, out)
        assert "there is no catalog at 'nowhere'" in err and "--catalog" in err
    monkeypatch.chdir(repo / "catalog" / "models")
    code, out, err = _diff("main", "feature", "--fail-on", "breaking")
    assert code == 4 and "no catalog at 'catalog/models/catalog'" in err
    code, out, _ = _diff("main", "feature", "--catalog", "..", "--format", "json")
    assert code == 0 and json.loads(out)["summary"]["changed"] == 1
    monkeypatch.chdir(repo)
    assert runner.invoke(app, ["publish", "--out", str(tmp_path / "art")]).exit_code == 0
    code, _, err = _diff("main", str(tmp_path / "art" / "catalog.json"), "--catalog", "nowhere")
    assert code == 4 and "there is no catalog at 'nowhere' in main" in err


def test_odd_git_states_are_exit_4_with_what_is_wrong(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import MINI, write_catalog

    plain = tmp_path / "plain"
    write_catalog(plain / "catalog", dict(MINI))
    monkeypatch.chdir(plain)
    for args in ([], ["main"], ["HEAD~1", "HEAD"]):
        code, out, err = _diff(*args)
        assert code == 4 and out == "" and "not a git repository" in err, args
    git(plain, "init", "-q", "-b", "main")  # a repository without a commit
    code, _, err = _diff()
    assert code == 4 and "the repository has no commit yet" in err  # (it said "no main branch to compare with")
    code, _, err = _diff("HEAD")
    assert code == 4 and "revision 'HEAD' is not in this repository. The repository has no commit yet" in err
    commit_all(plain, "catalog")
    git(plain, "checkout", "-q", "--orphan", "elsewhere")
    commit_all(plain, "an unrelated history")
    code, _, err = _diff()
    assert code == 4 and "HEAD shares no history with main" in err  # (it said "no main branch")
    code, _, _ = _diff("main")
    assert code == 0
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    code, _, err = _diff("HEAD")
    assert code == 4 and "git is not installed (or not on PATH)" in err


def test_detached_head_and_a_file_deleted_in_the_range(repo: Path) -> None:
    git(repo, "rm", "-q", BETA)
    first = commit_all(repo, "drop beta")
    edit(repo / ALPHA, "output_per_1m: 8.00", "output_per_1m: 9.00")
    commit_all(repo, "raise alpha")
    git(repo, "checkout", "-q", "--detach", first)
    code, out, err = _diff("--format", "json")  # the merge-base with main, to the detached working tree
    assert code == 0, err
    doc = json.loads(out)
    assert doc["summary"]["removed"] == 1 and doc["summary"]["changed"] == 0
    code, out, err = _diff("main", "feature", "--format", "json")
    assert code == 0, err
    assert (json.loads(out)["summary"]["removed"], json.loads(out)["summary"]["changed"]) == (1, 1)
