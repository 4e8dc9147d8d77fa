"""The editing commands on real files: price set, retire, deprecate, disable, enable.

Each keeps comments and layout (the diff shows only the edit), validates before writing, and
leaves the file byte for byte untouched when it refuses."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO, TODAY, MakeCatalog
from modelctl.cli import app
from modelctl.rules.validate import validate_catalog

runner = CliRunner()
ALPHA = "models/acme/alpha.yaml"
COMMENT = "# negotiated with Acme's sales team, see PRICING-123\n"


def _catalog(make_catalog: MakeCatalog, **extra: str) -> Path:
    root = make_catalog(extra)
    path = root / ALPHA
    text = path.read_text()
    path.write_text(text.replace("pricing:\n", f"pricing:  # newest first\n  {COMMENT}", 1))
    return root


def _invoke(root: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--catalog", str(root)])
    return result.exit_code, result.stdout, result.stderr


def _diff_lines(stdout: str) -> tuple[list[str], list[str]]:
    body = [line for line in stdout.splitlines() if not line.startswith(("---", "+++", "@@"))]
    return [line[1:] for line in body if line.startswith("+")], [line[1:] for line in body if line.startswith("-")]


def test_price_set_carries_the_period_in_force_forward(make_catalog: MakeCatalog) -> None:
    root = _catalog(make_catalog)
    before = (root / ALPHA).read_text()
    code, out, err = _invoke(root, "price", "set", "acme/alpha", "input_per_1m=2.20", "--from", "2027-01-01")
    assert code == 0, err
    after = (root / ALPHA).read_text()
    added, removed = _diff_lines(out)
    assert removed == []  # nothing of the old file changes: the new period is only added
    assert "".join(line + "\n" for line in added) in after
    assert after.replace("".join(line + "\n" for line in added), "", 1) == before
    assert COMMENT in after and "pricing:  # newest first" in after
    assert "scheduled" in err and "2025-06-01" in err
    model = validate_catalog(root).catalog.models["acme/alpha"]
    new, old = model.pricing[0], model.pricing[1]
    assert (new.effective_from, new.checked, new.source) == (date(2027, 1, 1), date.fromisoformat(TODAY), old.source)
    assert dict(new.prices.items())["input_per_1m"] == Decimal("2.20")
    assert {k: v for k, v in new.prices.items() if k != "input_per_1m"} == {
        k: v for k, v in old.prices.items() if k != "input_per_1m"
    }
    assert len(dict(new.prices.items())) == 3
    assert (new.tiers, new.variants) == (old.tiers, old.variants)  # the batch variant and its tier too


def test_price_set_in_a_variant_and_a_tier_with_source_and_checked(make_catalog: MakeCatalog) -> None:
    root = _catalog(make_catalog)
    code, _, err = _invoke(
        root, "price", "set", "acme/alpha", "output_per_1m=3.50", "--variant", "batch", "--tier", "128000",
        "--from", TODAY, "--source", "https://acme.example/pricing-2026", "--checked", "2026-11-24",
    )  # fmt: skip
    assert code == 0, err
    model = validate_catalog(root).catalog.models["acme/alpha"]
    new, old = model.pricing[0], model.pricing[1]
    assert (new.source, new.checked) == ("https://acme.example/pricing-2026", date(2026, 11, 24))
    assert new.prices == old.prices and new.tiers == old.tiers
    (batch,) = new.variants
    (tier,) = batch.tiers
    assert dict(tier.prices.items()) == {"input_per_1m": Decimal("2.00"), "output_per_1m": Decimal("3.50")}
    assert batch.prices == old.variants[0].prices


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["input_per_1m=1", "--from", "2026-01-01"], "is in the past", id="past-new-period"),
        pytest.param(["input_per_1m=1", "--from", "2025-06-01"], "already in force", id="period-in-force"),
        pytest.param(["inptu_per_1m=1", "--from", "2027-01-01"], "did you mean input_per_1m", id="bad-key"),
        pytest.param(["input_per_1m=-1", "--from", "2027-01-01"], "plain non-negative decimal", id="negative"),
        pytest.param(["input_per_1m=1e-6", "--from", "2027-01-01"], "plain non-negative decimal", id="exponent"),
        pytest.param(["input_per_1m", "--from", "2027-01-01"], "is not KEY=VALUE", id="no-equals"),
        pytest.param(["input_per_1m=1", "--from", "2027-02-30"], "is not a date", id="bad-date"),
    ],
)
def test_price_set_usage_errors_leave_the_file_alone(make_catalog: MakeCatalog, args: list[str], message: str) -> None:
    root = _catalog(make_catalog)
    before = (root / ALPHA).read_bytes()
    code, _, err = _invoke(root, "price", "set", "acme/alpha", *args)
    assert code == 2
    assert message in " ".join(err.replace("│", " ").split())
    assert (root / ALPHA).read_bytes() == before


def test_price_set_amend_corrects_a_period_in_place(make_catalog: MakeCatalog) -> None:
    root = _catalog(make_catalog)
    code, out, err = _invoke(
        root, "price", "set", "acme/alpha", "output_per_1m=8.50", "--from", "2025-06-01", "--amend"
    )
    assert code == 0, err
    added, removed = _diff_lines(out)
    assert sorted(removed) == ["    checked: 2026-11-01", "    output_per_1m: 8.00"]
    assert sorted(added) == [f"    checked: {TODAY}", "    output_per_1m: 8.50"]
    assert "amended the period from 2025-06-01" in err


def test_an_edit_that_would_make_the_catalog_invalid_is_refused(make_catalog: MakeCatalog) -> None:
    root = _catalog(make_catalog)
    before = (root / ALPHA).read_bytes()
    # A tier above the 200,000-token context window can never apply (MC311).
    code, out, err = _invoke(
        root, "price", "set", "acme/alpha", "input_per_1m=9", "--tier", "300000", "--from", "2027-01-01"
    )
    assert code == 1
    assert "refused" in err and "MC311" in err and "nothing written" in err
    assert out == "" and (root / ALPHA).read_bytes() == before


def test_an_unknown_model_suggests_close_names(make_catalog: MakeCatalog) -> None:
    root = _catalog(make_catalog)
    code, _, err = _invoke(root, "disable", "acme/alpah")
    assert code == 2 and "did you mean acme/alpha" in err


def test_retire_sets_status_disables_and_records_the_replacement(make_catalog: MakeCatalog) -> None:
    root = _catalog(make_catalog)
    beta = root / "models/acme/beta.yaml"
    lines = beta.read_text().count("\n")
    code, out, err = _invoke(root, "retire", "acme/beta", "--replacement", "acme/alpha", "--on", "2026-11-20")
    assert code == 0, err
    model = validate_catalog(root).catalog.models["acme/beta"]
    assert (model.status, model.enabled) == ("retired", False)
    assert model.deprecation is not None
    assert (model.deprecation.retires, model.deprecation.replacement) == (date(2026, 11, 20), "acme/alpha")
    assert model.deprecation.announced == date(2026, 6, 1)  # kept
    added, removed = _diff_lines(out)
    assert removed == [
        "status: deprecated",
        "deprecation: {announced: 2026-06-01, retires: 2027-01-01, replacement: acme/alpha}",
    ]
    assert "enabled: false" in added and beta.read_text().count("\n") == lines + 1


def test_retire_with_a_retired_replacement_is_refused(make_catalog: MakeCatalog) -> None:
    root = _catalog(make_catalog)
    assert _invoke(root, "retire", "acme/beta", "--replacement", "acme/alpha", "--on", "2026-11-20")[0] == 0
    before = (root / ALPHA).read_bytes()
    code, _, err = _invoke(root, "retire", "acme/alpha", "--replacement", "acme/beta", "--on", "2026-11-21")
    assert code == 1 and "MC206" in err
    assert (root / ALPHA).read_bytes() == before


def test_deprecate_adds_a_deprecation_block(make_catalog: MakeCatalog) -> None:
    root = _catalog(make_catalog)
    code, out, err = _invoke(
        root, "deprecate", "acme/alpha", "--replacement", "acme/beta", "--on", "2027-06-30", "--announced", "2026-11-01"
    )
    # acme/beta is deprecated itself: still a valid replacement (only a retired one is not).
    assert code == 0, err
    model = validate_catalog(root).catalog.models["acme/alpha"]
    assert (model.status, model.enabled) == ("deprecated", True)
    assert model.deprecation is not None and model.deprecation.retires == date(2027, 6, 30)
    assert "deprecation:" in out and COMMENT in (root / ALPHA).read_text()


PLAN = """\
# yaml-language-server: $schema=../../schema/plan.schema.json
id: team
name: Team
models:
  allow: ["acme/*"]
defaults:
  chat: acme/alpha
"""


def test_disable_is_refused_while_a_plan_default_names_the_model(make_catalog: MakeCatalog) -> None:
    root = _catalog(make_catalog, **{"plans/team.yaml": PLAN})
    before = (root / ALPHA).read_bytes()
    code, _, err = _invoke(root, "disable", "acme/alpha")
    assert code == 1
    assert "plans/team.yaml" in err and "MC601" in err
    assert (root / ALPHA).read_bytes() == before


def test_disable_then_enable(make_catalog: MakeCatalog) -> None:
    root = _catalog(make_catalog, **{"plans/team.yaml": PLAN})
    beta = root / "models/acme/beta.yaml"
    original = beta.read_text()
    code, out, err = _invoke(root, "disable", "acme/beta")
    assert code == 0, err
    assert _diff_lines(out) == (["enabled: false"], [])
    assert "no plan or account names acme/beta as a default" in err
    assert validate_catalog(root).catalog.models["acme/beta"].enabled is False
    code, out, err = _invoke(root, "disable", "acme/beta")
    assert code == 0 and out == "" and "disabled already" in err
    code, out, err = _invoke(root, "enable", "acme/alpha")
    assert code == 0 and "enabled already" in err
    assert "plan team: default for chat is acme/alpha; requests now get acme/alpha" in err
    code, out, _ = _invoke(root, "enable", "acme/beta")
    assert code == 0 and _diff_lines(out) == (["enabled: true"], ["enabled: false"])
    assert beta.read_text() == original.replace("status: deprecated\n", "status: deprecated\nenabled: true\n")


def test_edits_on_the_reference_catalog_change_only_their_lines(tmp_path: Path) -> None:
    root = tmp_path / "catalog"
    shutil.copytree(REPO / "catalog", root)
    path = root / "models/openai/gpt-4.1-mini.yaml"
    before = path.read_text()
    code, out, err = _invoke(root, "price", "set", "openai/gpt-4.1-mini", "input_per_1m=0.45", "--from", "2027-01-01")
    assert code == 0, err
    added, removed = _diff_lines(out)
    # the period: dates, source, five prices (three per token, the web and file search fees), two variants
    assert removed == [] and len(added) == 11
    assert "      priority: {input_per_1m: 0.70, cached_input_per_1m: 0.175, output_per_1m: 2.80}" in added
    assert path.read_text().startswith(before.split("pricing:")[0])


def test_a_missing_catalog_is_exit_4(tmp_path: Path) -> None:
    code, _, err = _invoke(tmp_path / "nowhere", "disable", "acme/alpha")
    assert code == 4 and "does not exist" in err


BROKEN = [
    pytest.param("name: Alpha\n", "name: [Alpha\n", ":4:7: error MC001", id="yaml-syntax-error"),
    pytest.param("status: active\n", "status: bogus\n", ":4:9: error MC104", id="schema-error"),
]
EDITS = [
    pytest.param(["price", "set", "acme/alpha", "input_per_1m=2.50", "--from", "2027-01-01"], id="price-set"),
    pytest.param(["retire", "acme/alpha", "--replacement", "acme/beta", "--on", "2026-11-20"], id="retire"),
    pytest.param(["deprecate", "acme/alpha", "--replacement", "acme/beta", "--on", "2027-06-30"], id="deprecate"),
    pytest.param(["disable", "acme/alpha"], id="disable"),
    pytest.param(["enable", "ACME/Alpha"], id="enable"),
]


@pytest.mark.parametrize(("old", "new", "where"), BROKEN)
@pytest.mark.parametrize("args", EDITS)
def test_a_model_whose_file_has_errors_is_exit_4_with_its_errors(
    make_catalog: MakeCatalog, args: list[str], old: str, new: str, where: str
) -> None:
    # It was "unknown model 'acme/alpha'" with exit 2: the file is there, it cannot be read.
    root = _catalog(make_catalog)
    path = root / ALPHA
    path.write_text(path.read_text().replace(old, new, 1))
    files = {p: p.read_bytes() for p in root.rglob("*.yaml")}
    code, out, err = _invoke(root, *args)
    assert code == 4, err
    assert "unknown model" not in err and "nothing written" in err
    assert f"acme/alpha is in {path}, which has errors" in err.replace("\n", "")
    assert f"{path}{where}" in err
    assert out == "" and {p: p.read_bytes() for p in root.rglob("*.yaml")} == files


def test_a_replacement_whose_file_has_errors_is_exit_4(make_catalog: MakeCatalog) -> None:
    root = _catalog(make_catalog)
    (root / ALPHA).write_text((root / ALPHA).read_text().replace("name: Alpha", "name: [Alpha", 1))
    beta = root / "models/acme/beta.yaml"
    before = beta.read_bytes()
    code, _, err = _invoke(root, "retire", "acme/beta", "--replacement", "acme/alpha", "--on", "2026-11-20")
    assert code == 4 and f"{root / ALPHA}:4:7: error MC001" in err
    assert beta.read_bytes() == before


def test_an_unknown_name_mentions_model_files_that_could_not_be_read(make_catalog: MakeCatalog) -> None:
    # An alias cannot be matched to a file that cannot be read: still a usage error, but it says
    # where the model might be.
    root = _catalog(make_catalog)
    (root / ALPHA).write_text((root / ALPHA).read_text().replace("name: Alpha", "name: [Alpha", 1))
    code, _, err = _invoke(root, "disable", "acme/alpha-2025-01-01")
    assert code == 2
    assert "unknown model" in err and "model files with errors, not read" in err and "alpha.yaml" in err
    # A model in a good file is still edited while another file is broken (errors there already).
    code, _, err = _invoke(root, "disable", "acme/beta")
    assert code == 0, err


@pytest.mark.parametrize(
    ("newline", "bom"),
    [
        pytest.param(b"\r\n", b"", id="crlf"),
        pytest.param(b"\r", b"", id="cr-only"),
        pytest.param(b"\r\n", b"\xef\xbb\xbf", id="bom-and-crlf"),
        pytest.param(b"\n", b"\xef\xbb\xbf", id="bom"),
    ],
)
def test_an_edit_keeps_the_files_line_endings_and_byte_order_mark(
    make_catalog: MakeCatalog, newline: bytes, bom: bytes
) -> None:
    # Every line of a CRLF file was written back with LF (git showed the whole file changed, the
    # printed diff one line), and a byte order mark was dropped.
    plain_root, root = make_catalog(name="plain"), make_catalog(name="styled")
    path = root / ALPHA
    path.write_bytes(bom + path.read_bytes().replace(b"\n", newline))
    args = ("price", "set", "acme/alpha", "input_per_1m=2.20", "--from", "2027-01-01")
    code, plain_out, err = _invoke(plain_root, *args)
    assert code == 0, err
    code, out, err = _invoke(root, *args)
    assert code == 0, err
    assert out.replace(str(root), "R") == plain_out.replace(str(plain_root), "R")  # the same diff
    assert path.read_bytes() == bom + (plain_root / ALPHA).read_bytes().replace(b"\n", newline)
    assert validate_catalog(root).catalog.models["acme/alpha"].pricing[0].effective_from == date(2027, 1, 1)
