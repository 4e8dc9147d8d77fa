from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
TODAY = "2026-11-25"

# A small catalog that validates clean; tests replace one file at a time.
MINI: dict[str, str] = {
    "catalog.yaml": """\
        # yaml-language-server: $schema=../schema/catalog.schema.json
        name: test catalog
        currency: USD
        purposes: [chat, embedding]
        stale_after_days: 365
        """,
    "providers/acme.yaml": """\
        # yaml-language-server: $schema=../../schema/provider.schema.json
        id: acme
        name: Acme AI
        kind: lab
        currency: USD
        """,
    "models/acme/alpha.yaml": """\
        # yaml-language-server: $schema=../../../schema/model.schema.json
        id: alpha
        name: Alpha
        status: active
        aliases: [alpha-2025-01-01]
        released: 2025-01-01
        limits: {context_window: 200000, max_output_tokens: 8192}
        modalities: {input: [text, image], output: [text]}
        features: [vision, prompt_caching, streaming]
        pricing:
          - effective_from: 2025-06-01
            source: https://acme.example/pricing
            checked: 2026-11-01
            input_per_1m: 2.00
            cached_input_per_1m: 0.20
            output_per_1m: 8.00
            tiers:
              - {above_input_tokens: 128000, input_per_1m: 4.00, output_per_1m: 16.00}
            variants:
              batch: {input_per_1m: 1.00, output_per_1m: 4.00, tiers: [{above_input_tokens: 128000, input_per_1m: 2.00}]}
          - effective_from: 2025-01-01
            source: https://acme.example/pricing
            checked: 2025-05-01
            input_per_1m: 3.00
            output_per_1m: 12.00
        """,
    "models/acme/beta.yaml": """\
        # yaml-language-server: $schema=../../../schema/model.schema.json
        id: beta
        name: Beta
        status: deprecated
        released: 2024-01-01
        deprecation: {announced: 2026-06-01, retires: 2027-01-01, replacement: acme/alpha}
        limits: {context_window: 32000}
        modalities: {input: [text], output: [text]}
        pricing:
          - effective_from: 2024-01-01
            source: https://acme.example/pricing
            checked: 2026-11-01
            input_per_1m: 0.50
            output_per_1m: 1.50
        """,
}

MakeCatalog = Callable[..., Path]


def write_catalog(root: Path, files: dict[str, str | None]) -> Path:
    for rel, text in files.items():
        if text is None:
            continue
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def make_catalog(tmp_path: Path) -> MakeCatalog:
    """Write MINI with some files replaced (text), added, or removed (None)."""

    def make(overrides: dict[str, str | None] | None = None, *, name: str = "cat") -> Path:
        files: dict[str, str | None] = {**MINI, **(overrides or {})}
        return write_catalog(tmp_path / name, files)

    return make


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    monkeypatch.setenv("MODELCTL_TODAY", TODAY)
    # Every test gets its own compile cache (modelctl.artifact.cache), never ~/.cache.
    monkeypatch.setenv("MODELCTL_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("MODELCTL_NO_CACHE", raising=False)
    monkeypatch.delenv("MODELCTL_CATALOG", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    yield


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="Rewrite golden files from the current output.")


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare text with tests/golden/<name>; --update-golden rewrites it."""
    update = request.config.getoption("--update-golden") or os.environ.get("UPDATE_GOLDEN") == "1"

    def check(name: str, text: str) -> None:
        path = REPO / "tests" / "golden" / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        assert path.exists(), f"golden file {path} is missing: run pytest --update-golden and review it"
        assert text == path.read_text(encoding="utf-8")

    return check


@pytest.fixture(scope="session")
def repo_artifact() -> bytes:
    """The repository's catalog, validated and compiled once for the session."""
    from datetime import date

    from modelctl.artifact.compile import SourceInfo, compile_artifact
    from modelctl.rules.validate import validate_catalog

    result = validate_catalog(REPO / "catalog", today=date(2026, 11, 25))
    assert result.valid, [str(f) for f in result.findings]
    return compile_artifact(result.catalog, SourceInfo()).data


@pytest.fixture(scope="session")
def repo(repo_artifact: bytes) -> object:
    """The repository's catalog as the runtime loads it."""
    from modelctl.runtime import Catalog

    return Catalog.loads(repo_artifact)
