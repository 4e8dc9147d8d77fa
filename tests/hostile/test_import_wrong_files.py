"""import given something that is not a source file: an endless or huge input (``/dev/zero``),
an OpenRouter "list" of things that are not models.  Exit 4 naming the file, nothing written
(``/dev/zero`` filled memory until a MemoryError traceback; ``[1, 2, 3]`` was exit 0 with three
skipped models)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from conftest import SHARED_DATA
from modelctl.cli import app
from modelctl.interop.importers import common

runner = CliRunner()
LITELLM = SHARED_DATA / "litellm" / "model_prices_and_context_window.json"


@pytest.mark.parametrize("kind", ["litellm", "openrouter", "genai-prices"])
def test_an_endless_input_is_refused_at_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    monkeypatch.setattr(common, "MAX_SOURCE_BYTES", 2**20)  # the real limit is 256 MiB: the same path, faster
    result = runner.invoke(app, ["import", kind, "/dev/zero", "--catalog", str(tmp_path / "catalog")])
    assert result.exit_code == 4
    assert "/dev/zero: over 1 MiB: not a source file" in result.stderr and "nothing was written" in result.stderr
    assert not (tmp_path / "catalog").exists()


@pytest.mark.skipif(not LITELLM.is_file(), reason="../shared/data not present")
def test_a_source_over_the_limit_is_refused_and_one_under_it_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    size = LITELLM.stat().st_size
    monkeypatch.setattr(common, "MAX_SOURCE_BYTES", size - 1)
    over = runner.invoke(app, ["import", "litellm", str(LITELLM), "--catalog", str(tmp_path / "c"), "--dry-run"])
    assert over.exit_code == 4 and f"{LITELLM}: over" in over.stderr
    monkeypatch.setattr(common, "MAX_SOURCE_BYTES", size)
    exact = runner.invoke(app, ["import", "litellm", str(LITELLM), "--catalog", str(tmp_path / "c"), "--dry-run"])
    assert exact.exit_code == 0, exact.stderr


@pytest.mark.parametrize("doc", [[1, 2, 3], ["a", None], {"data": [[], {}]}, {"data": [{"name": "no id"}]}])
def test_an_openrouter_list_without_one_model_is_not_a_models_list(tmp_path: Path, doc: object) -> None:
    source = tmp_path / "models.json"
    source.write_text(json.dumps(doc))
    result = runner.invoke(app, ["import", "openrouter", str(source), "--catalog", str(tmp_path / "catalog")])
    assert result.exit_code == 4
    assert (
        f"{source}: not an OpenRouter models list: none of its {len(doc if isinstance(doc, list) else doc['data'])}"
        in (result.stderr)
    )
    assert not (tmp_path / "catalog").exists()


def test_an_openrouter_list_with_one_model_among_junk_skips_the_junk(tmp_path: Path) -> None:
    model = {
        "id": "acme/chat",
        "name": "Acme Chat",
        "context_length": 1000,
        "pricing": {"prompt": "0.000001", "completion": "0.000002"},
    }
    source = tmp_path / "models.json"
    source.write_text(json.dumps({"data": [1, model]}))
    result = runner.invoke(
        app, ["import", "openrouter", str(source), "--catalog", str(tmp_path / "catalog"), "--format", "json"]
    )
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert [s["reason"] for s in report["skipped"]] == ["a model without an id"]
    assert any(c["kind"] == "model" for c in report["created"])


@pytest.mark.skipif(not Path("/dev/stdin").exists(), reason="no /dev/stdin")
@pytest.mark.parametrize("kind", ["litellm", "genai-prices"])
def test_source_digest_is_of_the_bytes_read_even_from_a_pipe(tmp_path: Path, kind: str) -> None:
    # The sha256 in `source:` came from a second read of the file: through a pipe that read is empty,
    # so every model said sha256:e3b0c44298fc (the hash of nothing).
    if kind == "litellm":
        body = (
            b'{"gpt-x": {"litellm_provider": "openai", "mode": "chat", "max_input_tokens": 1000,'
            b' "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06}}'
        )
    else:
        if not (SHARED_DATA / "genai-prices" / "deepseek.yml").is_file():
            pytest.skip("../shared/data not present")
        body = (SHARED_DATA / "genai-prices" / "deepseek.yml").read_bytes()
    src = str(Path(__file__).resolve().parents[2] / "src")
    catalog = tmp_path / "catalog"
    run = subprocess.run(
        [sys.executable, "-m", "modelctl", "import", kind, "/dev/stdin", "--catalog", str(catalog)],
        input=body,  # a pipe: /dev/stdin can be read once
        capture_output=True,
        env={**os.environ, "PYTHONPATH": src},
        check=False,
    )
    assert run.returncode == 0, run.stderr
    expected = f"(sha256:{hashlib.sha256(body).hexdigest()[:12]})"
    sources = [
        line for p in catalog.rglob("models/*/*.yaml") for line in p.read_text().splitlines() if "source:" in line
    ]
    assert sources and all(expected in line for line in sources), sources


# --- --provider and --model that name nothing in the source -----------------------------------------

MODELS_DEV_DEEPSEEK = SHARED_DATA / "models.dev" / "providers" / "deepseek"


@pytest.mark.skipif(not MODELS_DEV_DEEPSEEK.is_dir(), reason="../shared/data not present")
def test_a_provider_the_source_does_not_have_is_a_usage_error(tmp_path: Path) -> None:
    # A typo (-p deepsek) imported nothing, exit 0, and made a catalog holding only catalog.yaml.
    catalog = tmp_path / "catalog"
    args = ["import", "models.dev", str(MODELS_DEV_DEEPSEEK), "--catalog", str(catalog)]
    result = runner.invoke(app, [*args, "-p", "deepseek", "-p", "deepsek"])
    assert result.exit_code == 2
    text = " ".join(result.stderr.replace("│", " ").split())
    assert "--provider: the source has no model of provider 'deepsek' (it has: deepseek)" in text
    assert not catalog.exists()
    assert runner.invoke(app, [*args, "-p", "DeepSeek"]).exit_code == 0  # the case does not matter
    assert (catalog / "models" / "deepseek" / "deepseek-chat.yaml").is_file()


@pytest.mark.skipif(not LITELLM.is_file(), reason="../shared/data not present")
def test_a_provider_given_in_the_sources_spelling_is_known(tmp_path: Path) -> None:
    # LiteLLM's "gemini" is the catalog's "google": either spelling names it.
    for name in ("gemini", "google"):
        result = runner.invoke(
            app, ["import", "litellm", str(LITELLM), "--catalog", str(tmp_path / name), "-p", name, "--dry-run"]
        )
        assert result.exit_code == 0, result.stderr


@pytest.mark.skipif(not MODELS_DEV_DEEPSEEK.is_dir(), reason="../shared/data not present")
def test_a_model_glob_that_matches_nothing_is_said(tmp_path: Path) -> None:
    args = ["import", "models.dev", str(MODELS_DEV_DEEPSEEK), "--catalog", str(tmp_path / "c"), "--dry-run"]
    nothing = runner.invoke(app, [*args, "-m", "gpt-*", "-m", "deepseek-chat"])
    assert nothing.exit_code == 0
    assert "--model 'gpt-*' matches no model in the source" in nothing.stderr
    assert "deepseek-chat' matches" not in nothing.stderr
    assert "would write 1 model file(s)" in nothing.stdout


def _import_one_file(tmp_path: Path, kind: str, name: str, text: str) -> tuple[Path, Result]:
    """Import a source of one file (for models.dev, in a provider folder)."""
    folder = tmp_path / "source"
    path = folder / name
    path.parent.mkdir(parents=True)
    path.write_text(text)
    if kind == "models.dev":
        (folder / "provider.toml").write_text('name = "Acme"\n')
    source = folder if kind == "models.dev" else path
    result = runner.invoke(app, ["import", kind, str(source), "--catalog", str(tmp_path / "catalog")])
    return path, result


@pytest.mark.parametrize(
    ("kind", "name", "text"),
    [
        ("litellm", "prices.json", '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}"),
        ("openrouter", "models.json", '{"data": ' + "[" * 100_000 + "]" * 100_000 + "}"),
        (
            "models.dev",
            "models/deep.toml",
            "[cost]\ninput = 1\n[limit]\ncontext = 9\nx = " + "{a=" * 100_000 + "}" * 100_000,
        ),
    ],
)
def test_values_nested_a_hundred_thousand_deep_are_refused(tmp_path: Path, kind: str, name: str, text: str) -> None:
    # The parsers recurse once per level: a RecursionError traceback.
    path, result = _import_one_file(tmp_path, kind, name, text)
    assert result.exit_code == 4, result.output
    assert f"{path}: values are nested too deeply to read" in result.stderr
    assert not (tmp_path / "catalog").exists()


BIG = "9" * 5000  # int() refuses more than 4,300 digits: json and tomllib raised a bare ValueError


@pytest.mark.parametrize(
    ("kind", "name", "text", "at"),
    [
        ("litellm", "prices.json", '{"a": {"max_tokens": ' + BIG + "}}", "1:22"),
        ("openrouter", "models.json", '{"data": [\n {"context_length": ' + BIG + "}]}", "2:21"),
        ("models.dev", "models/big.toml", "[cost]\ninput = 1\n[limit]\ncontext = " + BIG + "\n", "4:11"),
    ],
)
def test_an_integer_of_5000_digits_is_refused_at_its_line(
    tmp_path: Path, kind: str, name: str, text: str, at: str
) -> None:
    path, result = _import_one_file(tmp_path, kind, name, text)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 4, result.output
    assert f"{path}:{at}: a number of more than 4,300 digits: not a source file" in result.stderr
    assert not (tmp_path / "catalog").exists()


# --- models.dev base_model that points outside models/ ---------------------------------------------


def _models_dev_tree(tmp_path: Path, base_model: str) -> Path:
    root = tmp_path / "models.dev"
    provider = root / "providers" / "acme"
    (provider / "models").mkdir(parents=True)
    (provider / "provider.toml").write_text('name = "Acme"\n')
    (provider / "models" / "chat.toml").write_text(
        f"base_model = {json.dumps(base_model)}\n[cost]\ninput = 1\noutput = 2\n[limit]\ncontext = 1000\n"
    )
    (root / "models" / "lab").mkdir(parents=True)
    (root / "models" / "lab" / "base.toml").write_text('name = "Base Name"\n')
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "leak.toml").write_text('name = "LEAKED"\nfamily = "secret"\n')
    return provider


@pytest.mark.parametrize("ref", ["../../outside/leak", "lab/../../../outside/leak", "ABSOLUTE"])
def test_a_base_model_outside_models_is_not_read(tmp_path: Path, ref: str) -> None:
    # base_model was joined to models/ as it was: "../../x" or an absolute path read any .toml on the
    # machine into the imported model (its name, family, prices...).
    if ref == "ABSOLUTE":
        ref = str(tmp_path / "outside" / "leak")
    catalog = tmp_path / "catalog"
    args = ["import", "models.dev", str(_models_dev_tree(tmp_path, ref)), "--catalog", str(catalog), "--format", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["unmapped"].get("base_model (not lab/model)") == 1
    written = (catalog / "models" / "acme" / "chat.yaml").read_text()
    assert "LEAKED" not in written and "secret" not in written


def test_a_base_model_in_models_is_merged(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    result = runner.invoke(
        app, ["import", "models.dev", str(_models_dev_tree(tmp_path, "lab/base")), "--catalog", str(catalog)]
    )
    assert result.exit_code == 0, result.stderr
    assert "name: Base Name\n" in (catalog / "models" / "acme" / "chat.yaml").read_text()


# --- a provider name that is not a valid id ------------------------------------------------------------


@pytest.mark.parametrize("provider", [".", "..", " x", "x y", "-x"])
def test_a_model_whose_provider_is_not_an_id_is_skipped_not_the_whole_import(tmp_path: Path, provider: str) -> None:
    # The provider file's error named no model, so one such entry refused the whole import (exit 1).
    entry = {"mode": "chat", "max_input_tokens": 1000, "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06}
    source = tmp_path / "prices.json"
    source.write_text(
        json.dumps({"bad": {**entry, "litellm_provider": provider}, "good": {**entry, "litellm_provider": "openai"}})
    )
    catalog = tmp_path / "wrap" / "catalog"
    result = runner.invoke(app, ["import", "litellm", str(source), "--catalog", str(catalog), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert [s["name"] for s in report["skipped"]] == ["bad"]
    assert report["skipped"][0]["reason"].startswith(f"invalid provider {provider!r}: MC105")
    files = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert files == [
        "prices.json",
        "wrap/catalog/catalog.yaml",
        "wrap/catalog/models/openai/good.yaml",
        "wrap/catalog/providers/openai.yaml",
    ]


@pytest.mark.parametrize(
    "doc",
    [
        {},  # an empty map
        {"gpt-x": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1e-06}},  # all skipped
    ],
)
def test_an_import_with_no_model_to_write_makes_no_catalog(tmp_path: Path, doc: object) -> None:
    # It made a catalog folder holding only catalog.yaml ("wrote 0 model file(s), ... catalog.yaml").
    source = tmp_path / "prices.json"
    source.write_text(json.dumps(doc))
    catalog = tmp_path / "catalog"
    result = runner.invoke(app, ["import", "litellm", str(source), "--catalog", str(catalog)])
    assert result.exit_code == 0, result.stderr
    assert "wrote 0 model file(s), 0 provider file(s) in" in result.stdout and "catalog.yaml" not in result.stdout
    assert not catalog.exists()


@pytest.mark.parametrize(
    ("kind", "name"), [("litellm", "prices.json"), ("genai-prices", "acme.yml"), ("models.dev", "models/chat.toml")]
)
def test_a_byte_that_is_not_utf8_is_named_at_its_line_and_column(tmp_path: Path, kind: str, name: str) -> None:
    # The column was always 1.
    folder = tmp_path / "source"
    path = folder / name
    path.parent.mkdir(parents=True)
    path.write_bytes(b"# caf\xc3\xa9\n" if kind != "litellm" else b"{\n")  # a first line with a 2-byte letter
    with path.open("ab") as fh:
        fh.write(b'  "na\xc3\xafve \xff": 1\n')  # 9 characters (ï is one), then the bad byte: column 10
    if kind == "models.dev":
        (folder / "provider.toml").write_text('name = "Acme"\n')
    source = folder if kind == "models.dev" else path
    result = runner.invoke(app, ["import", kind, str(source), "--catalog", str(tmp_path / "catalog")])
    assert result.exit_code == 4
    assert f"{path}:2:10: byte 0xff is not valid UTF-8: save the file as UTF-8; nothing was written" in result.stderr
    assert not (tmp_path / "catalog").exists()
