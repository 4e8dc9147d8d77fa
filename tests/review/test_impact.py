"""The cost impact of a change on the catalog's workloads, on real git repositories.

Every expected figure is computed by hand from the prices in the fixture files
(USD per 1M tokens), written out next to the assertion.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gitutil import commit_all, edit, make_repo
from modelctl.cli import app
from modelctl.review.resolve import compare
from modelctl.rules.validate import validate_catalog

runner = CliRunner()
D = Decimal
TODAY = date(2026, 11, 25)
ALPHA = "catalog/models/acme/alpha.yaml"
BETA = "catalog/models/acme/beta.yaml"

PLAN = """\
# yaml-language-server: $schema=../../schema/plan.schema.json
id: pro
name: Pro
models:
  allow: ["acme/*"]
markup: 1.5
"""
ACCOUNT = """\
# yaml-language-server: $schema=../../schema/account.schema.json
id: big
name: Big Co
plan: pro
pricing:
  - model: acme/alpha
    prices: {input_per_1m: 1.00, output_per_1m: 4.00}
"""
# alpha: input 2.00, cached 0.20, output 8.00; batch 1.00 / 4.00. beta: 0.50 / 1.50.
CHAT = """\
# yaml-language-server: $schema=../../schema/workload.schema.json
id: chat
name: Chat product
plan: pro
models:
  - model: acme/alpha
    requests: 1000
    per_request: {input_tokens: 1000, output_tokens: 500}
"""
BIG = """\
# yaml-language-server: $schema=../../schema/workload.schema.json
id: big-batch
name: Big Co pipeline
account: big
models:
  - model: acme/alpha
    requests: 1000
    per_request: {input_tokens: 1000, output_tokens: 500}
    variants: {batch: 0.5}
"""
EMBED = """\
# yaml-language-server: $schema=../../schema/workload.schema.json
id: beta-job
name: Beta job
models:
  - model: acme/beta
    requests: 2000
    per_request: {input_tokens: 4000, output_tokens: 1000}
"""


def _write(root: Path, rel: str, text: str) -> None:
    path = root / "catalog" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_repo(tmp_path / "repo")
    for rel, text in {
        "plans/pro.yaml": PLAN,
        "accounts/big.yaml": ACCOUNT,
        "workloads/chat.yaml": CHAT,
        "workloads/big-batch.yaml": BIG,
        "workloads/beta-job.yaml": EMBED,
    }.items():
        _write(root, rel, text)
    commit_all(root, "plans and workloads")
    from gitutil import git

    git(root, "branch", "-f", "main", "HEAD")
    monkeypatch.chdir(root)
    return root


def _impact(repo: Path):  # type: ignore[no-untyped-def]
    result = compare(None, None, catalog=repo / "catalog", today=TODAY)
    assert result.invalid == []
    assert result.impact is not None
    return {(w.workload, w.on): w for w in result.impact.workloads}, result.impact


def test_the_fixture_validates(repo: Path) -> None:
    found = validate_catalog(repo / "catalog")
    assert [str(f) for f in found.findings if f.severity.value == "error"] == []
    assert sorted(found.catalog.workloads) == ["beta-job", "big-batch", "chat"]


def test_a_ten_percent_input_rise_moves_each_workload_by_the_hand_computed_amount(repo: Path) -> None:
    edit(repo / ALPHA, "input_per_1m: 2.00", "input_per_1m: 2.20")
    found, impact = _impact(repo)
    chat = found["chat", TODAY]
    # 1000 x (1000 x 2.00 + 500 x 8.00) / 1M = 6.00; after: 1000 x (1000 x 2.20 + 500 x 8.00) / 1M = 6.20
    assert (chat.total("before"), chat.total("after"), chat.delta()) == (D("6.00"), D("6.20"), D("0.20"))
    assert chat.percent() == D("3.33")
    # charged on plan pro at markup 1.5, per request rounded to 6 decimals: 0.009 -> 0.0093 per request
    assert (chat.total("before", "charge"), chat.total("after", "charge")) == (D("9.000"), D("9.300"))
    big = found["big-batch", TODAY]
    # half on base prices: 500 x 0.006 = 3.00 -> 500 x 0.0062 = 3.10; half on batch (1.00/4.00): 500 x 0.003 = 1.50
    assert (big.total("before"), big.total("after")) == (D("4.50"), D("4.60"))
    # the account's negotiated prices (1.00 / 4.00, no markup) do not move: 1000 x 0.003 on both sides
    assert big.total("before", "charge") == big.total("after", "charge") == D("3.000")
    beta = found["beta-job", TODAY]
    # 2000 x (4000 x 0.50 + 1000 x 1.50) / 1M = 7.00 on both sides
    assert beta.total("before") == beta.total("after") == D("7.00")
    assert [w.workload for w in impact.shown] == ["big-batch", "chat"]


def test_a_scheduled_change_is_priced_on_its_date(repo: Path) -> None:
    edit(
        repo / ALPHA,
        "  - effective_from: 2025-06-01\n",
        "  - effective_from: 2027-01-01\n"
        "    source: https://acme.example/pricing\n"
        "    checked: 2026-11-01\n"
        "    input_per_1m: 3.00\n"
        "    output_per_1m: 8.00\n"
        "  - effective_from: 2025-06-01\n",
    )
    found, impact = _impact(repo)
    assert found["chat", TODAY].delta() == 0
    later = found["chat", date(2027, 1, 1)]
    # 1000 x (1000 x 3.00 + 500 x 8.00) / 1M = 7.00 against 6.00
    assert later.scheduled and (later.total("before"), later.total("after")) == (D("6.00"), D("7.00"))
    code, out, _ = _cli("--format", "markdown")
    assert code == 0
    assert "#### 📅 Scheduled cost changes" in out and "from 2027-01-01" in out
    assert (
        "This change does not move the monthly cost of the 3 workloads. Scheduled changes move it from 2027-01-01"
        in out
    )


def test_an_account_price_change_moves_only_that_accounts_workloads(repo: Path) -> None:
    edit(repo / "catalog/accounts/big.yaml", "input_per_1m: 1.00", "input_per_1m: 1.20")
    found, impact = _impact(repo)
    big = found["big-batch", TODAY]
    assert big.delta() == 0
    # 1000 x (1000 x 1.20 + 500 x 4.00) / 1M = 3.20 against 3.00
    assert (big.total("before", "charge"), big.total("after", "charge")) == (D("3.000"), D("3.200"))
    assert found["chat", TODAY].delta("charge") == 0
    assert [w.workload for w in impact.shown] == ["big-batch"]
    code, out, _ = _cli("--format", "markdown")
    assert "leaves the provider cost of the 3 workloads unchanged and changes the charge of 1" in out


def test_a_removed_model_is_unpriced_never_zero(repo: Path) -> None:
    (repo / BETA).unlink()
    code, out, err = _cli("--format", "json")
    assert code == 0, err
    (beta,) = [w for w in json.loads(out)["cost_impact"]["workloads"] if w["workload"] == "beta-job"]
    assert beta["before"] == "7.00" and beta["after"] is None and beta["delta"] is None
    assert beta["models"][0]["after"]["error"] == "acme/beta is not in this side"


def test_a_retired_or_unknown_model_or_plan_in_a_workload_is_a_finding(repo: Path) -> None:
    _write(
        repo,
        "workloads/beta-job.yaml",
        EMBED.replace("acme/beta", "acme/betta").replace("name: Beta job", "name: Beta job\nplan: nosuch"),
    )
    found = validate_catalog(repo / "catalog")
    codes = sorted((f.code, f.location.line) for f in found.findings if f.code.startswith("MC7"))
    assert codes == [("MC701", 6), ("MC702", 4)]  # the model line of the first entry; the plan line
    unknown = next(f for f in found.findings if f.code == "MC701")
    assert "did you mean 'acme/beta'" in unknown.message and unknown.location.file.endswith("workloads/beta-job.yaml")
    _write(repo, "workloads/beta-job.yaml", EMBED)
    edit(repo / BETA, "status: deprecated", "status: retired\nenabled: false")
    found = validate_catalog(repo / "catalog")
    (retired,) = [f for f in found.findings if f.code == "MC703"]
    assert (
        retired.severity.value == "warning"
        and "acme/beta is retired: move its requests to acme/alpha" in retired.message
    )


def test_variant_shares_above_one_and_negative_counts_are_refused(repo: Path) -> None:
    _write(
        repo,
        "workloads/chat.yaml",
        CHAT.replace("output_tokens: 500}", "output_tokens: 500}\n    variants: {batch: 0.7, flex: 0.4}"),
    )
    _write(repo, "workloads/beta-job.yaml", EMBED.replace("input_tokens: 4000", "input_tokens: -4"))
    found = validate_catalog(repo / "catalog")
    codes = sorted((f.code, Path(f.location.file).name) for f in found.findings if f.severity.value == "error")
    assert ("MC704", "chat.yaml") in codes
    assert any(code.startswith("MC10") and name == "beta-job.yaml" for code, name in codes)


def _cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["diff", *args])
    return result.exit_code, result.stdout, result.stderr


def test_the_increase_policy_exits_3_and_names_the_workload(repo: Path) -> None:
    edit(repo / ALPHA, "input_per_1m: 2.00", "input_per_1m: 2.20")
    code, _, err = _cli("--fail-on-increase", "3")
    assert code == 3
    assert "cost policy: chat: monthly cost rises +3.33%, above the 3% limit" in err
    assert "big-batch" not in err  # 4.50 -> 4.60 is +2.22%
    code, _, err = _cli("--fail-on-increase", "3.5")
    assert code == 0, err
    code, _, err = _cli("--fail-on-increase-amount", "0.15")
    assert code == 3 and "chat: monthly cost rises by 0.20 USD" in err and "big-batch" not in err


def test_policy_and_noise_from_catalog_yaml_and_the_workload(repo: Path) -> None:
    edit(repo / ALPHA, "input_per_1m: 2.00", "input_per_1m: 2.20")
    settings = repo / "catalog/catalog.yaml"
    settings.write_text(settings.read_text() + "impact: {fail_on_increase_percent: 3}\n")
    code, _, err = _cli()
    assert code == 3 and "above the 3% limit" in err
    _write(repo, "workloads/chat.yaml", CHAT.replace("plan: pro\n", "plan: pro\nfail_on_increase_percent: 4\n"))
    _write(
        repo, "workloads/big-batch.yaml", BIG.replace("account: big\n", "account: big\nfail_on_increase_percent: 4\n")
    )
    code, _, err = _cli()
    assert code == 0, err
    code, _, err = _cli("--fail-on-increase", "1")  # the command line wins over the workload's own limit
    assert code == 3
    settings.write_text(
        settings.read_text().replace(
            "impact: {fail_on_increase_percent: 3}", "impact: {ignore_below_percent: 5, ignore_below_amount: 1}"
        )
    )
    code, out, _ = _cli("--format", "json")
    impact = json.loads(out)["cost_impact"]
    assert sorted(w["workload"] for w in impact["workloads"] if w["ignored"]) == ["big-batch", "chat"]
    code, out, _ = _cli("--format", "markdown")
    assert (
        "#### 💰 Monthly cost of the workloads" not in out and "Below the noise threshold: `big-batch`, `chat`." in out
    )


def test_usage_file_is_repriced_on_both_sides(repo: Path, tmp_path: Path) -> None:
    edit(repo / ALPHA, "input_per_1m: 2.00", "input_per_1m: 2.20")
    usage = tmp_path / "usage.csv"
    usage.write_text(
        "timestamp,model,input_tokens,output_tokens,requests\n"
        "2026-11-01T10:00:00Z,acme/alpha,100000,0,1\n"
        "2026-11-02T10:00:00Z,acme/beta,2000000,1000000,100\n"  # 100 requests: within beta's 32k window
        "2026-11-03T10:00:00Z,acme/nosuch,10,10,1\n",
        encoding="utf-8",
    )
    code, out, err = _cli("--usage", str(usage), "--format", "json")
    assert code == 0, err
    got = json.loads(out)["cost_impact"]["usage"]
    # alpha 0.1M input (below its 128k tier): 0.20 -> 0.22; beta: 2 x 0.50 + 1 x 1.50 = 2.50 on both sides
    assert (got["before"], got["after"]) == ({"USD": "2.70"}, {"USD": "2.72"})
    assert (got["rows"], got["unpriced_before"], got["unpriced_after"]) == (3, 1, 1)
    code, out, _ = _cli("--usage", str(usage))
    assert "this change would have raised its bill by +$0.02 (+0.74%): $2.70 -> $2.72" in out
    code, _, err = _cli("--usage", str(tmp_path / "missing.csv"))
    assert code == 4 and "missing.csv" in err


def test_golden_outputs(repo: Path, golden) -> None:  # type: ignore[no-untyped-def]
    edit(repo / ALPHA, "input_per_1m: 2.00", "input_per_1m: 2.20")
    for fmt, ext in (("text", "txt"), ("markdown", "md"), ("json", "json")):
        code, out, _ = _cli("--format", fmt)
        assert code == 0
        golden(f"diff/workloads.{ext}", out.replace(str(repo), "REPO"))


def test_hostile_workload_names_cannot_break_the_pr_comment(repo: Path) -> None:
    edit(repo / ALPHA, "input_per_1m: 2.00", "input_per_1m: 2.20")
    _write(
        repo, "workloads/chat.yaml", CHAT.replace("name: Chat product", "name: 'x <!-- @team </details> <img src=y>'")
    )
    code, out, _ = _cli("--format", "markdown")
    assert code == 0
    assert "<!--" not in out.replace("<!-- modelctl-diff -->", "") and "@team" not in out
    assert out.count("<details>") == out.count("</details>") and "<img" not in out


def test_estimate_prices_a_workload_on_every_allowed_model(repo: Path) -> None:
    result = runner.invoke(app, ["estimate", "--workload", "chat", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    # chat: 1000 x (1000 input + 500 output); beta 0.50 / 1.50 -> 1000 x 0.00125 = 1.25; alpha 6.00
    assert [(m["model"], m["monthly_cost"]) for m in doc["models"]] == [("acme/beta", "1.25"), ("acme/alpha", "6")]
    result = runner.invoke(app, ["estimate", "--workload", "nosuch"])
    assert result.exit_code == 4 and "workloads: beta-job, big-batch, chat" in result.stderr
    result = runner.invoke(app, ["estimate", "--workload", "chat", "--input", "10"])
    assert result.exit_code == 2 and "not both" in result.stderr
    _write(repo, "workloads/chat.yaml", CHAT.replace("requests: 1000", "requests: lots"))
    result = runner.invoke(app, ["estimate", "--workload", "chat"])
    assert result.exit_code == 4 and "workloads/chat.yaml:7:" in result.stderr


@pytest.mark.parametrize("value", ["abc", "-1", "NaN", "Infinity"])
def test_policy_thresholds_must_be_numbers_of_at_least_zero(repo: Path, value: str) -> None:
    for option in ("--fail-on-increase", "--fail-on-increase-amount"):
        code, out, err = _cli(option, value)
        assert code == 2 and option in err and "Traceback" not in err and out == ""


def test_a_workload_file_that_is_not_yaml_is_a_side_error_not_a_crash(repo: Path) -> None:
    _write(repo, "workloads/chat.yaml", "id: chat\nmodels: [\n")
    code, _, err = _cli()
    assert code == 4 and "workloads/chat.yaml" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("7", "7.00"),
        ("0.0093", "0.0093"),
        # past 28 digits: quantizing to cents in the default context was decimal.InvalidOperation
        ("1000000000000000000000000000000", "1000000000000000000000000000000.00"),
        ("123456789012345678901234567890.123456789", "123456789012345678901234567890.123456789"),
    ],
)
def test_amounts_are_shown_exactly_whatever_their_size(value: str, shown: str) -> None:
    from modelctl.review.impact import exact

    assert exact(Decimal(value)) == shown
