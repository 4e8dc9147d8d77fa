"""Benchmark entitlements (issue #5) on a generated 5,000-model catalog.

- ``catalog.allowed(model, plan=..., account=...)``: per call once warm (target <= 2 us),
  and per call the first time each model is asked (rules evaluated);
- ``catalog.models_for(plan=..., account=...)``: first call and later calls (target <= 1 ms after the first);
- baseline in the same run: a dict lookup and ``catalog.model()``;
- on the repository's catalog (issue #14): ``default_model(..., subject=...)`` and
  ``allowed(..., subject=...)`` warm (target <= 1 us), and ``reprice --charges`` against plain
  ``reprice`` on the same usage file (target: at least 0.7 x its speed), and ``--charges --what-if
  MODEL`` against ``--charges`` alone (reported).

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
    parser.add_argument("--rows", type=int, default=200_000, help="rows of the usage file for --charges")
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
    results |= _subjects_and_charges(args.rows)
    if args.json:
        write_json(args.json, results)
    return 0


def _subjects_and_charges(rows: int) -> dict[str, float]:
    import random

    from modelctl.artifact.compile import content_of
    from modelctl.rules.validate import validate_catalog
    from modelctl.runtime import Catalog
    from modelctl.usage.charges import charges
    from modelctl.usage.reprice import reprice

    root = Path(__file__).resolve().parent.parent
    catalog = Catalog.from_content(content_of(validate_catalog(root / "catalog", today=date(2026, 11, 25)).catalog))
    default_us = _per_call_us(lambda: catalog.default_model("chat", plan="pro", subject="user-123"), 200_000)
    allowed_us = _per_call_us(lambda: catalog.allowed("openai/gpt-6.1-sol", plan="pro", subject="user-123"), 200_000)
    ids = [f"user-{i}" for i in range(20_000)]
    start = time.perf_counter()
    for s in ids:
        catalog.default_model("chat", plan="pro", subject=s)
    cold_us = (time.perf_counter() - start) / len(ids) * 1e6
    rng = random.Random(14)
    models = ["openai/gpt-6-luna", "anthropic/claude-haiku-5-5", "openai/gpt-6-sol", "google/gemini-3.5-flash"]
    owners = [("pro", ""), ("team", ""), ("", "acme-bank"), ("enterprise", "")]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "usage.csv"
        with path.open("w") as fh:
            fh.write("timestamp,model,input_tokens,output_tokens,cached_input_tokens,plan,account\n")
            for _ in range(rows):
                plan, account = rng.choice(owners)
                model = rng.choice(models[2:] if account else models)
                fh.write(
                    f"2026-11-{rng.randint(1, 24):02d}T{rng.randint(0, 23):02d}:00:00Z,{model},"
                    f"{rng.randint(1, 30_000)},{rng.randint(0, 3_000)},{rng.randint(0, 2_000)},{plan},{account}\n"
                )
        timings: dict[str, float] = {}
        for name, run in (
            ("reprice", lambda: reprice(path, catalog, group_by=("account",))),
            ("charges", lambda: charges(path, catalog, group_by=("account",))),
            ("what_if", lambda: charges(path, catalog, group_by=("account",), what_if=("openai/gpt-6-luna",))),
        ):
            best = float("inf")
            for _ in range(3):
                start = time.perf_counter()
                run()
                best = min(best, time.perf_counter() - start)
            timings[name] = best
    speed = timings["reprice"] / timings["charges"]
    print_table(
        [
            {
                "measure": "default_model(chat, subject=...), warm",
                "value": f"{default_us:.2f} us",
                "baseline": f"first call per subject {cold_us:.1f} us",
                "target": "<= 1 us",
            },
            {
                "measure": "allowed(model, subject=...), warm",
                "value": f"{allowed_us:.2f} us",
                "baseline": "-",
                "target": "<= 1 us",
            },
            {
                "measure": f"reprice --charges, {rows:,} rows",
                "value": f"{rows / timings['charges']:,.0f} rows/s",
                "baseline": f"plain reprice {rows / timings['reprice']:,.0f} rows/s",
                "target": f">= 0.7 x: {speed:.2f} x",
            },
            {
                "measure": f"reprice --charges --what-if MODEL, {rows:,} rows",
                "value": f"{rows / timings['what_if']:,.0f} rows/s",
                "baseline": f"--charges alone {rows / timings['charges']:,.0f} rows/s",
                "target": f"report only: {timings['charges'] / timings['what_if']:.2f} x",
            },
        ]
    )
    return {
        "default_model_subject_warm_us": default_us,
        "allowed_subject_warm_us": allowed_us,
        "default_model_subject_first_us": cold_us,
        "charges_rows_per_s": rows / timings["charges"],
        "reprice_rows_per_s": rows / timings["reprice"],
        "charges_speed_ratio": speed,
        "charges_what_if_rows_per_s": rows / timings["what_if"],
        "charges_what_if_ratio": timings["charges"] / timings["what_if"],
    }


if __name__ == "__main__":
    raise SystemExit(main())
