"""Check that a generated catalog is valid: JSON Schema plus the generator's promises.

    python bench/check_catalog.py [CATALOG] [--models 200] [--seed 0]

Without CATALOG, generates one of ``--models`` models into a temporary
directory.  Each file is loaded with a ``yaml.CSafeLoader`` subclass that keeps
dates as strings and floats as ``Decimal`` (as modelctl reads them), converted
to floats for the pure-Python ``jsonschema`` check against ``schema/``.  Then it
checks what the schema cannot: ids equal file names, features agree with
modalities, caching prices with ``prompt_caching``, periods newest first, tiers
ascending and below the context window, output 1x-8x input, cache reads below
input, prices as plain decimals with 2-4 decimals, deprecations pointing at an
existing non-retired model.  Needs pyyaml and jsonschema (the project venv).
Exit 0 when clean, 1 with the problems listed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import yaml
from gen_catalog import generate

ROOT = Path(__file__).resolve().parent.parent
PRICE = re.compile(r"\b(?:[a-z0-9_]+_per_1m|per_request|per_image): ([^,}\s]+)")
MONEY = re.compile(r"^\d+\.\d{2,4}\Z")
FEATURE_NEEDS = {
    "vision": ("input", "image"),
    "pdf_input": ("input", "pdf"),
    "audio_input": ("input", "audio"),
    "audio_output": ("output", "audio"),
    "image_generation": ("output", "image"),
}


class Loader(yaml.CSafeLoader):
    """Dates stay strings, floats become Decimal."""

    def construct_decimal(self, node: yaml.ScalarNode) -> Decimal:
        return Decimal(self.construct_scalar(node))

    def construct_plain_str(self, node: yaml.ScalarNode) -> str:
        return str(self.construct_scalar(node))


Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_plain_str)
Loader.add_constructor("tag:yaml.org,2002:float", Loader.construct_decimal)


def _to_json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    return value


def _validator(kind: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((ROOT / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def _load(path: Path) -> tuple[Any, str]:
    text = path.read_text(encoding="utf-8")
    return yaml.load(text, Loader=Loader), text


def _schema_problems(validator: jsonschema.Draft202012Validator, path: Path, data: Any) -> list[str]:
    return [
        f"{path}: {'/'.join(map(str, e.absolute_path)) or '$'}: {e.message}"
        for e in validator.iter_errors(_to_json(data))
    ]


def _price_sets(period: dict[str, Any]) -> list[dict[str, Any]]:
    sets = [period, *period.get("tiers", [])]
    for variant in period.get("variants", {}).values():
        sets += [variant, *variant.get("tiers", [])]
    return sets


def _period_problems(model: dict[str, Any]) -> list[str]:
    out = []
    days = [p["effective_from"] for p in model["pricing"]]
    if days != sorted(set(days), reverse=True):
        out.append(f"periods not strictly newest first: {days}")
    if days[-1] != model.get("released", days[-1]):
        out.append("oldest period does not start on the release day")
    context = model["limits"]["context_window"]
    for period in model["pricing"]:
        if period["checked"][:4] != "2026" or period["checked"] < period["effective_from"]:
            out.append(f"checked {period['checked']} not in 2026 or before effective_from")
        for owner in (period, *period.get("variants", {}).values()):
            tiers = [t["above_input_tokens"] for t in owner.get("tiers", [])]
            if tiers != sorted(set(tiers)) or any(t >= context for t in tiers):
                out.append(f"tiers not ascending below the context window: {tiers}")
        for prices in _price_sets(period):
            out += _ratio_problems(prices)
    return out


def _ratio_problems(prices: dict[str, Any]) -> list[str]:
    inp, outp, cached = (prices.get(k) for k in ("input_per_1m", "output_per_1m", "cached_input_per_1m"))
    out = []
    if inp is not None and outp is not None and not inp <= outp <= 8 * inp:
        out.append(f"output {outp} not within 1x-8x input {inp}")
    if cached is not None and inp is not None and not cached < inp:
        out.append(f"cached input {cached} not below input {inp}")
    return out


def _feature_problems(model: dict[str, Any]) -> list[str]:
    features = set(model.get("features", []))
    out = [
        f"feature {f} without {side} modality {m}"
        for f, (side, m) in FEATURE_NEEDS.items()
        if (f in features) != (m in model["modalities"][side])
    ]
    newest = model["pricing"][0]
    if ("prompt_caching" in features) != ("cached_input_per_1m" in newest):
        out.append("prompt_caching and cached_input_per_1m disagree")
    if ("batch_api" in features) != ("batch" in newest.get("variants", {})):
        out.append("batch_api and the batch variant disagree")
    if "reasoning_per_1m" in newest and "reasoning" not in features:
        out.append("reasoning_per_1m without the reasoning feature")
    return out


def _lifecycle_problems(model: dict[str, Any], statuses: dict[str, str]) -> list[str]:
    status, dep = model["status"], model.get("deprecation")
    if status in ("active", "preview"):
        return ["deprecation on an active model"] if dep else []
    if not dep:
        return [f"{status} model without deprecation"]
    out = []
    target = statuses.get(dep["replacement"])
    if target is None or target == "retired":
        out.append(f"replacement {dep['replacement']} missing or retired")
    if not dep["announced"] < dep["retires"]:
        out.append("retires before announced")
    if status == "retired" and model.get("enabled", True):
        out.append("retired model still enabled")
    return out


def _text_problems(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        for match in PRICE.finditer(line):
            value = match.group(1)
            if not MONEY.match(value):
                out.append(f"price {value!r} is not a plain decimal with 2-4 decimals")
    return out


def check(catalog: Path) -> tuple[list[str], dict[str, int]]:
    """Return (problems, stats) for the catalog at ``catalog``."""
    problems: list[str] = []
    headers = {
        "catalog": "# yaml-language-server: $schema=../schema/catalog.schema.json",
        "provider": "# yaml-language-server: $schema=../../schema/provider.schema.json",
        "model": "# yaml-language-server: $schema=../../../schema/model.schema.json",
    }
    files = {
        "catalog": [catalog / "catalog.yaml"],
        "provider": sorted((catalog / "providers").glob("*.yaml")),
    }
    files["model"] = sorted((catalog / "models").glob("*/*.yaml"))
    models: dict[Path, dict[str, Any]] = {}
    lines: list[int] = []
    for kind, paths in files.items():
        validator = _validator(kind)
        for path in paths:
            data, text = _load(path)
            if text.splitlines()[0] != headers[kind]:
                problems.append(f"{path}: wrong schema comment")
            schema_problems = _schema_problems(validator, path, data)
            problems += schema_problems
            if data.get("id", path.stem) != path.stem:
                problems.append(f"{path}: id {data['id']} differs from the file name")
            if kind == "model":
                if not schema_problems:  # the semantic checks assume the schema's shapes
                    models[path] = data
                lines.append(len(text.splitlines()))
                problems += [f"{path}: {p}" for p in _text_problems(text)]
    statuses = {f"{p.parent.name}/{m['id']}": m["status"] for p, m in models.items()}
    for path, model in models.items():
        found = _period_problems(model) + _feature_problems(model) + _lifecycle_problems(model, statuses)
        problems += [f"{path}: {p}" for p in found]
    lines.sort()
    stats = {"models": len(models)}
    if lines:
        stats |= {"lines_min": lines[0], "lines_median": lines[len(lines) // 2], "lines_max": lines[-1]}
    return problems, stats


def main(argv: list[str] | None = None) -> int:
    """Command line: check CATALOG, or a freshly generated one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("catalog", nargs="?", type=Path, help="catalog to check (default: generate one)")
    parser.add_argument("--models", type=int, default=200, help="models to generate (default 200)")
    parser.add_argument("--providers", type=int, default=25, help="providers to generate (default 25)")
    parser.add_argument("--seed", type=int, default=0, help="seed to generate with (default 0)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="modelctl-check-") as tmp:
        catalog = args.catalog
        if catalog is None:
            catalog = Path(tmp)
            generate(catalog, args.models, args.providers, args.seed)
        problems, stats = check(catalog)
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s); {stats}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
