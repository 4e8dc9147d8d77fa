"""authoring (``modelctl new``): every file written validates; nothing is overwritten."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from conftest import REPO, MakeCatalog
from helpers import FILLED_DAY, fill
from modelctl.authoring.new import FileExists, UsageProblem, new_model, new_provider
from modelctl.errors import CatalogNotFound, Severity
from modelctl.rules.validate import validate_catalog

TODAY = date(2026, 11, 25)


def _problems(root: Path, path: Path) -> list[str]:
    """Errors and warnings anywhere, and any finding in the new file, once its placeholders are filled.

    Before that, the placeholders (and nothing else) are what validate refuses."""
    before = validate_catalog(root, today=TODAY)
    placeholders = [f for f in before.findings if f.code == "MC108"]
    assert placeholders and all(Path(f.location.file) == path for f in placeholders)
    assert not before.valid
    fill(path)
    result = validate_catalog(root, today=TODAY)
    return [str(f) for f in result.findings if f.severity is not Severity.INFO or Path(f.location.file) == path]


def test_blank_model_is_commented_disabled_and_valid(make_catalog: MakeCatalog) -> None:
    root = make_catalog()
    written = new_model(root, "acme/omega", today=TODAY)
    assert written.path == root / "models" / "acme" / "omega.yaml"
    text = written.path.read_text()
    assert text.startswith("# yaml-language-server: $schema=../../../schema/model.schema.json\n")
    assert "enabled: false" in text and "TODO" in text and "status: preview" in text
    assert _problems(root, written.path) == []


def test_name_with_yaml_specials_is_quoted(make_catalog: MakeCatalog) -> None:
    root = make_catalog()
    written = new_model(root, "acme/omega", today=TODAY, name="Omega: 2 # fast")
    assert 'name: "Omega: 2 # fast"' in written.path.read_text()
    assert _problems(root, written.path) == []
    result = validate_catalog(root, today=TODAY)
    assert result.catalog.models["acme/omega"].name == "Omega: 2 # fast"


def test_copy_keeps_limits_features_tiers_and_variants_and_starts_today(make_catalog: MakeCatalog) -> None:
    root = make_catalog()
    written = new_model(root, "acme/alpha-2", today=TODAY, copy_from="ACME/Alpha", name="Alpha 2")
    assert _problems(root, written.path) == []
    catalog = validate_catalog(root, today=TODAY).catalog
    new, old = catalog.models["acme/alpha-2"], catalog.models["acme/alpha"]
    assert (new.name, new.status, new.enabled, new.released, new.aliases) == ("Alpha 2", "preview", False, TODAY, ())
    assert new.deprecation is None
    assert (new.limits, new.features, new.input_modalities) == (old.limits, old.features, old.input_modalities)
    (period,) = new.pricing
    current = old.pricing[0]
    # The audit trail is not copied: source and checked are the new maintainer's to state.
    assert (period.effective_from, period.checked, period.source) == (
        TODAY,
        date.fromisoformat(FILLED_DAY),
        "https://filled.example/prices",
    )
    assert current.source not in written.path.read_text()
    assert (period.prices, period.tiers, period.variants) == (current.prices, current.tiers, current.variants)


def test_copy_of_a_deprecated_model_is_a_disabled_preview_without_its_deprecation(make_catalog: MakeCatalog) -> None:
    root = make_catalog()
    written = new_model(root, "acme/beta-2", today=TODAY, copy_from="acme/beta")
    assert _problems(root, written.path) == []
    assert "deprecation" not in written.path.read_text()
    assert "status: preview" in written.path.read_text() and "enabled: false" in written.path.read_text()


@pytest.mark.parametrize(
    "ref",
    ["anthropic/claude-sonnet-4-6", "google/gemini-2.5-pro", "openai/gpt-4o", "amazon-bedrock/nova-pro"],
)
def test_copies_of_real_models_validate(tmp_path: Path, ref: str) -> None:
    import shutil

    root = tmp_path / "catalog"
    shutil.copytree(REPO / "catalog", root)
    provider = ref.split("/")[0]
    written = new_model(root, f"{provider}/copy-of-it", today=TODAY, copy_from=ref)
    unfilled = [f.code for f in validate_catalog(root, today=TODAY).findings if Path(f.location.file) == written.path]
    assert unfilled == ["MC108", "MC108"]
    fill(written.path)
    findings = [str(f) for f in validate_catalog(root, today=TODAY).findings if Path(f.location.file) == written.path]
    assert findings == []


def test_refuses_to_overwrite(make_catalog: MakeCatalog) -> None:
    root = make_catalog()
    before = (root / "models/acme/alpha.yaml").read_text()
    with pytest.raises(FileExists, match="exists already"):
        new_model(root, "acme/alpha", today=TODAY)
    with pytest.raises(FileExists):
        new_model(root, "acme/ALPHA", today=TODAY)  # ids compare case-insensitively
    assert (root / "models/acme/alpha.yaml").read_text() == before
    with pytest.raises(FileExists):
        new_provider(root, "acme")


@pytest.mark.parametrize(
    ("ref", "copy_from", "message"),
    [
        pytest.param("omega", None, "not provider/id", id="no-provider"),
        pytest.param("nobody/omega", None, "unknown provider 'nobody'", id="unknown-provider"),
        pytest.param("acme/-bad", None, "not a valid model id", id="bad-id"),
        pytest.param("acme/alpha-2025-01-01", None, "is an alias of acme/alpha", id="alias-clash"),
        pytest.param("acme/omega", "acme/alhpa", "did you mean acme/alpha", id="unknown-from"),
    ],
)
def test_usage_problems(make_catalog: MakeCatalog, ref: str, copy_from: str | None, message: str) -> None:
    root = make_catalog()
    with pytest.raises(UsageProblem, match=message):
        new_model(root, ref, today=TODAY, copy_from=copy_from)
    assert not (root / "models" / "acme" / "omega.yaml").exists()


def test_new_provider_then_a_model_for_it_validate(make_catalog: MakeCatalog) -> None:
    root = make_catalog()
    provider = new_provider(root, "newco", name="NewCo AI", kind="host", website="https://newco.example")
    assert provider.path == root / "providers" / "newco.yaml"
    assert "kind: host" in provider.path.read_text()
    model = new_model(root, "newco/first", today=TODAY)
    fill(model.path)
    result = validate_catalog(root, today=TODAY)
    assert result.valid and not result.warning_count, [str(f) for f in result.findings]
    assert {"newco/first"} <= set(result.catalog.models) and model.path.exists()


def test_new_provider_problems(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    root = make_catalog()
    with pytest.raises(UsageProblem, match="not an http"):
        new_provider(root, "newco", website="newco.example")
    with pytest.raises(UsageProblem, match="not a valid provider id"):
        new_provider(root, "new co")
    with pytest.raises(CatalogNotFound, match="does not exist"):  # exit 4, as for `new model`
        new_provider(tmp_path / "nowhere", "newco")
