"""Benchmark entitlements (issue #5) on a generated 5,000-model catalog.

- ``catalog.allowed(model, plan=..., account=...)``: per call once warm (target <= 2 us),
  and per call the first time each model is asked (rules evaluated);
- ``catalog.models_for(plan=..., account=...)``: first call and later calls (target <= 1 ms after the first);
- baseline in the same run: a dict lookup and ``catalog.model()``.

Usage::

    .venv/bin/python bench/bench_plans.py [--models 5000] [--json out.json]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import timeit
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import print_table, write_json  # noqa: E402
from gen_catalog import generate  # noqa: E402

PLAN = """\
# yaml-language-server: $schema=../../schema/plan.schema.json
id: pro
name: Pro
models:
  allow:
    - {{provider: [{providers}]}}
    - {{feature: vision}}
  deny:
    - {{status: preview}}
    - "*/*-nano*"
defaults: {{chat: {default}}}
markup: 1.2
credits_per_usd: 1000
"""
ACCOUNT = """\
# yaml-language-server: $schema=../../schema/account.schema.json
id: big
name: Big Co
plan: pro
models:
  deny: [{{feature: reasoning}}]
pricing:
  - {{model: "{first}/*", discount_percent: 10}}
"""


def _per_call_us(fn: Any, number: int) -> float:
    return min(timeit.repeat(fn, number=number, repeat=5)) / number * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, default=5000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    from modelctl.artifact.compile import SourceInfo, compile_artifact
    from modelctl.rules.validate import validate_catalog
    from modelctl.runtime import Catalog

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "catalog"
        generate(root, args.models)
        providers = sorted(p.stem for p in (root / "providers").glob("*.yaml"))
        first_model = sorted((root / "models" / providers[0]).glob("*.yaml"))[0].stem
        (root / "plans").mkdir()
        (root / "accounts").mkdir()
        (root / "plans/pro.yaml").write_text(
            PLAN.format(providers=", ".join(providers[:12]), default=f"{providers[0]}/{first_model}")
        )
        (root / "accounts/big.yaml").write_text(ACCOUNT.format(first=providers[0]))
        text = (root / "catalog.yaml").read_text()
        if "purposes" not in text:
            (root / "catalog.yaml").write_text(text + "purposes: [chat]\n")
        result = validate_catalog(root, today=date(2026, 11, 25))
        errors = [str(f) for f in result.findings if f.severity.value == "error"]
        if errors:
            raise SystemExit("generated catalog is invalid:\n" + "\n".join(errors[:5]))
        catalog = Catalog.loads(compile_artifact(result.catalog, SourceInfo()).data)
    refs = sorted(catalog._models)  # noqa: SLF001
    start = time.perf_counter()
    for ref in refs:
        catalog.allowed(ref, plan="pro", account="big")
    first_us = (time.perf_counter() - start) / len(refs) * 1e6
    ref = refs[len(refs) // 2]
    warm_us = _per_call_us(lambda: catalog.allowed(ref, plan="pro", account="big"), 200_000)
    model_us = _per_call_us(lambda: catalog.model(ref), 200_000)
    table = dict.fromkeys(refs, True)
    dict_us = _per_call_us(lambda: table.get(ref), 200_000)
    start = time.perf_counter()
    allowed = catalog.models_for(plan="pro", account="big")
    models_for_first_ms = (time.perf_counter() - start) * 1e3
    models_for_ms = _per_call_us(lambda: catalog.models_for(plan="pro", account="big"), 100_000) / 1e3
    results = {
        "models": len(refs),
        "allowed_models": len(allowed),
        "allowed_first_us": first_us,
        "allowed_warm_us": warm_us,
        "model_us": model_us,
        "dict_get_us": dict_us,
        "models_for_first_ms": models_for_first_ms,
        "models_for_ms": models_for_ms,
    }
    print_table(
        [
            {
                "measure": "allowed(), warm",
                "value": f"{warm_us:.2f} us",
                "baseline": f"model() {model_us:.2f} us; dict.get {dict_us:.3f} us",
                "target": "<= 2 us",
            },
            {
                "measure": "allowed(), first time per model",
                "value": f"{first_us:.1f} us",
                "baseline": "-",
                "target": "-",
            },
            {
                "measure": f"models_for(), first call ({len(refs)} models)",
                "value": f"{models_for_first_ms:.1f} ms",
                "baseline": "-",
                "target": "-",
            },
            {
                "measure": "models_for(), later calls",
                "value": f"{models_for_ms * 1000:.2f} us",
                "baseline": "-",
                "target": "<= 1 ms",
            },
        ]
    )
    print(f"{len(allowed)} of {len(refs)} models allowed for account big on plan pro")
    if args.json:
        write_json(args.json, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
