"""``modelctl list``, ``show`` and ``compare``: golden output, formats, bad input."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MakeCatalog
from everyday_helpers import everyday_catalog
from modelctl.artifact.compile import SourceInfo, compile_artifact
from modelctl.cli import app
from modelctl.rules.validate import validate_catalog

runner = CliRunner()
Golden = Callable[[str, str], None]


@pytest.fixture
def cat(make_catalog: MakeCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    everyday_catalog(make_catalog)
    monkeypatch.chdir(tmp_path)
    return "cat"


@pytest.mark.parametrize("fmt", ["text", "json", "csv", "markdown"])
def test_list_formats(cat: str, fmt: str, golden: Golden) -> None:
    result = runner.invoke(app, ["list", cat, "--format", fmt])
    assert result.exit_code == 0, result.output
    golden(f"list/everyday.{fmt}.{ {'text': 'txt', 'markdown': 'md'}.get(fmt, fmt) }", result.stdout)


def test_list_filters_and_sort(cat: str) -> None:
    def refs(*args: str) -> list[str]:
        result = runner.invoke(app, ["list", "--catalog", cat, "--format", "csv", *args])
        assert result.exit_code == 0, result.output
        return [row["ref"] for row in csv.DictReader(io.StringIO(result.stdout))]

    assert refs("-p", "zeta", "-p", "acme", "--status", "active") == [
        "acme/alpha",
        "acme/delta",
        "acme/gamma",
        "zeta/alpha",
    ]
    assert refs("--feature", "vision", "--feature", "batch_api") == ["zeta/alpha"]
    assert refs("--disabled") == ["acme/old"]
    assert refs("--sort", "input_per_1m", "--desc")[:2] == ["acme/old", "zeta/alpha"]
    assert refs("--search", "Embed") == ["acme/gamma"]
    assert refs("--at", "2025-03-01", "--sort", "output_per_1m")[0] == "acme/beta"


def test_list_shows_the_sorted_price_column(cat: str) -> None:
    result = runner.invoke(app, ["list", cat, "--sort", "per_request"])
    header = result.stdout.splitlines()[0]
    assert header.split()[-1] == "request" and result.stdout.splitlines()[1].startswith("acme/delta")


def test_list_json_is_exact(cat: str) -> None:
    doc = json.loads(runner.invoke(app, ["list", cat, "-f", "json"]).stdout)
    alpha = next(m for m in doc["models"] if m["ref"] == "acme/alpha")
    assert alpha["prices"] == {"cached_input_per_1m": "0.20", "input_per_1m": "2.00", "output_per_1m": "8.00"}
    assert doc["format_version"] == "1.0" and doc["count"] == 6 and doc["at"] == "2026-11-25"


def test_list_reads_an_artifact(cat: str, tmp_path: Path) -> None:
    result = validate_catalog(Path(cat))
    artifact = tmp_path / "catalog.json"
    artifact.write_bytes(compile_artifact(result.catalog, SourceInfo()).data)
    from_dir = runner.invoke(app, ["list", cat])
    from_file = runner.invoke(app, ["list", str(artifact)])
    assert from_file.exit_code == 0 and from_file.stdout == from_dir.stdout


def test_show_reads_an_artifact_whose_periods_have_no_checked_day(cat: str, tmp_path: Path) -> None:
    # Every artifact modelctl writes has it; one from another tool may not (show raised KeyError).
    from modelctl.artifact.compile import assemble, canonical, digest_of

    result = validate_catalog(Path(cat))
    content = json.loads(compile_artifact(result.catalog, SourceInfo()).data)["content"]
    for period in content["models"]["acme/alpha"]["pricing"]:
        del period["checked"]
    body = canonical(content)
    artifact = tmp_path / "catalog.json"
    artifact.write_bytes(assemble(body, digest_of(body), "test", {}, revision=1, published_at=1).data)
    shown = runner.invoke(app, ["show", "acme/alpha", "--catalog", str(artifact)])
    assert shown.exit_code == 0, shown.output
    assert "; checked -" in shown.stdout
    as_json = runner.invoke(app, ["show", "acme/alpha", "--catalog", str(artifact), "-f", "json"])
    assert as_json.exit_code == 0 and json.loads(as_json.stdout)["pricing"][0]["checked"] is None


def test_list_nothing_matches(cat: str) -> None:
    result = runner.invoke(app, ["list", cat, "--search", "no-such-model-anywhere"])
    assert result.exit_code == 0
    assert "no model matches" in result.stderr


def test_list_an_unknown_provider_is_a_no_with_close_names(cat: str) -> None:
    known = runner.invoke(app, ["list", cat, "-f", "json"])
    providers = sorted({m["provider"] for m in json.loads(known.stdout)["models"]})
    typo = providers[0][:-1] + "x" + providers[0][-1]
    result = runner.invoke(app, ["list", cat, "--provider", typo])
    assert result.exit_code == 1 and result.stdout == ""
    assert f"unknown provider {typo!r}; did you mean {providers[0]}" in result.stderr
    assert runner.invoke(app, ["list", cat, "--provider", providers[0].upper()]).exit_code == 0


def test_list_limit_keeps_the_first_after_sorting(cat: str) -> None:
    full = json.loads(runner.invoke(app, ["list", cat, "--sort", "input_per_1m", "-f", "json"]).stdout)["models"]
    limited = runner.invoke(app, ["list", cat, "--sort", "input_per_1m", "-f", "json", "--limit", "2"])
    assert limited.exit_code == 0
    assert json.loads(limited.stdout)["models"] == full[:2]
    assert runner.invoke(app, ["list", cat, "--limit", "0"]).exit_code == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--sort", "price"], "Invalid value for '--sort'", id="bad-sort"),
        pytest.param(["--status", "alive"], "Invalid value for '--status'", id="bad-status"),
        pytest.param(["--at", "2026-02-30"], "'2026-02-30' is not a date", id="bad-date"),
    ],
)
def test_list_bad_options(cat: str, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["list", cat, *args])
    assert result.exit_code == 2
    assert message in result.stderr


def test_list_unreadable_or_invalid_catalog(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    missing = runner.invoke(app, ["list", str(tmp_path / "nowhere")])
    assert missing.exit_code == 4 and "does not exist" in missing.stderr
    broken = make_catalog({"models/acme/beta.yaml": "id: beta\nname: Beta\n"}, name="broken")
    result = runner.invoke(app, ["list", str(broken)])
    assert result.exit_code == 4
    assert "beta.yaml" in result.stderr and "the catalog is invalid" in result.stderr
    corrupt = tmp_path / "catalog.json"
    corrupt.write_text('{"format_version": "1.0"')
    result = runner.invoke(app, ["list", str(corrupt)])
    assert result.exit_code == 4 and "not valid JSON" in result.stderr


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_show_formats(cat: str, fmt: str, golden: Golden) -> None:
    result = runner.invoke(app, ["show", "alpha-2025-01-01", "--catalog", cat, "--format", fmt])
    assert result.exit_code == 0, result.output
    golden(f"show/alpha.{fmt}.{ {'text': 'txt', 'markdown': 'md'}.get(fmt, fmt) }", result.stdout)


def test_show_text_marks_inherited_prices_and_the_deprecation(cat: str) -> None:
    alpha = runner.invoke(app, ["show", "acme/alpha", "--catalog", cat]).stdout
    assert re.search(r"cached_input_per_1m +0\.20  \(inherited\)", alpha)
    assert "from 2025-06-01 (current)" in alpha and "2025-01-01 to 2025-05-31 (past)" in alpha
    old = runner.invoke(app, ["show", "acme/old", "--catalog", cat]).stdout
    assert "announced 2025-06-01, retires 2026-01-01, replacement acme/alpha" in old
    assert "retired, disabled (enabled: false)" in old


@pytest.mark.parametrize(
    ("model", "message"),
    [
        pytest.param("acme/alpah", "unknown model 'acme/alpah'; did you mean acme/alpha", id="unknown"),
        pytest.param("alpha", "'alpha' is ambiguous: it names acme/alpha, zeta/alpha", id="ambiguous"),
    ],
)
def test_show_unknown_or_ambiguous_model(cat: str, model: str, message: str) -> None:
    result = runner.invoke(app, ["show", model, "--catalog", cat])
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.replace("│", " ").split())


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "csv"])
def test_compare_formats(cat: str, fmt: str, golden: Golden) -> None:
    result = runner.invoke(app, ["compare", "acme/alpha", "zeta/alpha", "acme/delta", "--catalog", cat, "-f", fmt])
    assert result.exit_code == 0, result.output
    golden(f"compare/three.{fmt}.{ {'text': 'txt', 'markdown': 'md'}.get(fmt, fmt) }", result.stdout)


def test_compare_with_a_variant_and_a_date(cat: str) -> None:
    result = runner.invoke(
        app,
        [
            "compare",
            "acme/alpha",
            "acme/beta",
            "--variant",
            "batch",
            "--at",
            "2025-03-01",
            "--catalog",
            cat,
            "-f",
            "json",
        ],
    )
    fields = json.loads(result.stdout)["fields"]
    assert fields["variant"] == [None, None]  # alpha had no batch variant before 2025-06-01
    assert fields["input_per_1m"] == ["3.00", "0.50"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["acme/alpha"], "name at least two models", id="one-model"),
        pytest.param(["acme/alpha", "nope"], "unknown model 'nope'", id="unknown"),
        pytest.param(["acme/alpha", "acme/beta", "--at", "soon"], "'soon' is not a date", id="bad-date"),
    ],
)
def test_compare_bad_input(cat: str, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["compare", *args, "--catalog", cat])
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.replace("│", " ").split())
