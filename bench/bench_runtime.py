"""Benchmark modelctl.runtime against its baselines, measured in one run.

- ``import modelctl.runtime`` in a fresh interpreter, against ``python -c pass``;
- loading a 5,000-model artifact, against ``json.loads`` on the same bytes;
- ``catalog.model()`` and ``catalog.cost()`` per call, and ``cost()`` against
  genai-prices' ``calc_price`` for the same model and usage;
- peak memory of loading the artifact (tracemalloc) and the process's RSS.

Usage::

    .venv/bin/python bench/bench_runtime.py [--models 5000] [--json out.json]

Needs ``pip install -e '.[bench]'`` (genai-prices) for the calc_price baseline.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
import tracemalloc
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, interpreter, print_table, ratio, write_json  # noqa: E402
from gen_catalog import generate  # noqa: E402

TARGETS = {"import_ms": 30.0, "load_ratio": 1.5, "model_us": 1.0, "cost_us": 2.0, "cost_speedup": 30.0}


CLOCK = [time.perf_counter]  # --cpu: time.process_time, steadier on a busy machine


def _best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    clock = CLOCK[0]
    runs = []
    for _ in range(repeat):
        gc.collect()
        start = clock()
        fn()
        runs.append(clock() - start)
    return min(runs), statistics.median(runs)


def _per_call_us(fn: Callable[[], Any], number: int, repeat: int = 5) -> float:
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def bench_import(python: str, repeat: int) -> dict[str, float]:
    """Import time of modelctl.runtime in fresh processes, measured inside them,
    with bytecode cached as an installed package has it (one warm-up run
    writes the .pyc files even where PYTHONDONTWRITEBYTECODE is set)."""
    code = "import time; t = time.perf_counter(); import modelctl.runtime; print(time.perf_counter() - t)"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def once() -> float:
        return float(subprocess.run([python, "-c", code], capture_output=True, text=True, check=True, env=env).stdout)

    once()
    runs = [once() for _ in range(repeat)]
    return {"best_ms": min(runs) * 1e3, "median_ms": statistics.median(runs) * 1e3}


def build_artifact(models: int, workdir: Path) -> bytes:
    from modelctl.artifact.compile import SourceInfo, compile_artifact
    from modelctl.rules.validate import validate_catalog

    catalog_dir = workdir / "catalog"
    generate(catalog_dir, models)
    result = validate_catalog(catalog_dir, today=date(2026, 11, 25))
    if not result.valid:
        raise SystemExit(f"generated catalog is invalid: {result.findings[:3]}")
    return compile_artifact(result.catalog, SourceInfo()).data


def _paused(fn: Callable[[], Any]) -> Callable[[], Any]:
    def run() -> Any:
        gc.disable()
        try:
            return fn()
        finally:
            gc.enable()

    return run


def _then_collect(fn: Callable[[], Any]) -> Callable[[], Any]:
    """``fn`` and then a full collection while its result is alive: the GC work a load leaves
    behind (objects made while the collector was paused are scanned once it runs again)."""

    def run() -> Any:
        kept = fn()
        gc.collect()
        return kept

    return run


def _time_check(raw: bytes, repeat: int) -> float:
    """The content's shape check alone, on parsed content."""
    from modelctl.runtime._shape import check_content

    content = json.loads(raw)["content"]
    best, _ = _best_of(lambda: check_content(content), repeat)
    return best


def bench_load(raw: bytes, repeat: int) -> dict[str, Any]:
    from modelctl.runtime import Catalog

    json_best, json_median = _best_of(lambda: json.loads(raw), repeat)
    load_best, load_median = _best_of(lambda: Catalog.loads(raw), repeat)
    paused_best, _ = _best_of(_paused(lambda: json.loads(raw)), repeat)
    json_gc_best, _ = _best_of(_then_collect(lambda: json.loads(raw)), repeat)
    load_gc_best, _ = _best_of(_then_collect(lambda: Catalog.loads(raw)), repeat)
    check_best = _time_check(raw, repeat)
    gc.collect()
    tracemalloc.start()
    catalog = Catalog.loads(raw)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del catalog
    return {
        "bytes": len(raw),
        "json_loads_ms": json_best * 1e3,
        "json_loads_median_ms": json_median * 1e3,
        "catalog_loads_ms": load_best * 1e3,
        "catalog_loads_median_ms": load_median * 1e3,
        "ratio": ratio(load_best, json_best),
        "json_loads_gc_paused_ms": paused_best * 1e3,
        "shape_check_ms": check_best * 1e3,
        "shape_check_ratio": ratio(check_best, json_best),
        "json_loads_then_collect_ms": json_gc_best * 1e3,
        "catalog_loads_then_collect_ms": load_gc_best * 1e3,
        "ratio_with_collect": ratio(load_gc_best, json_gc_best),
        "peak_mib": peak / 2**20,
    }


def bench_calls(raw_repo: bytes) -> dict[str, Any]:
    """model() and cost() on the repository catalog's gpt-4o, against genai-prices."""
    from modelctl.runtime import Catalog, Usage

    catalog = Catalog.loads(raw_repo)
    usage = Usage(input_tokens=1200, output_tokens=300)
    ours = catalog.cost("openai/gpt-4o", usage, at=date(2026, 11, 25))
    out: dict[str, Any] = {
        "model_us": _per_call_us(lambda: catalog.model("gpt-4o"), 200_000),
        "model_canonical_us": _per_call_us(lambda: catalog.model("openai/gpt-4o"), 200_000),
        "cost_us": _per_call_us(lambda: catalog.cost("openai/gpt-4o", usage), 100_000),
        "cost_at_us": _per_call_us(lambda: catalog.cost("openai/gpt-4o", usage, at=date(2026, 11, 25)), 100_000),
        "cost_total": str(ours.total),
    }
    out.update(bench_issue12(catalog))
    try:
        import genai_prices
    except ImportError:
        out["genai_prices"] = "not installed: pip install -e '.[bench]'"
        return out
    gp_usage = genai_prices.Usage(input_tokens=1200, output_tokens=300)
    theirs = genai_prices.calc_price(gp_usage, model_ref="gpt-4o", provider_id="openai")
    out["genai_prices_total"] = str(theirs.total_price)
    out["calc_price_us"] = _per_call_us(
        lambda: genai_prices.calc_price(gp_usage, model_ref="gpt-4o", provider_id="openai"), 5_000
    )
    out["cost_speedup"] = ratio(out["calc_price_us"], out["cost_us"])
    return out


def bench_issue12(catalog: Any) -> dict[str, Any]:
    """cost() with time-of-day windows and with the variant taken from the usage, and an adapter call
    plus cost(), each against plain cost() measured in the same run."""
    from datetime import UTC, datetime

    from modelctl.runtime import Usage

    usage = Usage(input_tokens=1200, output_tokens=300)
    peak, off = datetime(2026, 11, 25, 2, tzinfo=UTC), datetime(2026, 11, 25, 12, tzinfo=UTC)
    flex = Usage(input_tokens=1200, output_tokens=300, cached_input_tokens=800, variant="flex")
    from bench_instructions import BODY as body  # the same Responses body the instruction counts use

    sdk = None
    try:
        from openai.types.responses import ResponseUsage

        sdk = ResponseUsage.model_validate(body["usage"])
    except ImportError:
        pass
    out: dict[str, Any] = {
        "cost_plain_us": _per_call_us(lambda: catalog.cost("openai/gpt-4o", usage), 100_000),
        "cost_window_peak_us": _per_call_us(
            lambda: catalog.cost("deepseek/deepseek-v4-flash", usage, at=peak), 100_000
        ),
        "cost_window_offpeak_us": _per_call_us(
            lambda: catalog.cost("deepseek/deepseek-v4-flash", usage, at=off), 100_000
        ),
        "cost_tier_from_usage_us": _per_call_us(lambda: catalog.cost("openai/gpt-6.1-sol", flex), 100_000),
        "adapter_dict_plus_cost_us": _per_call_us(
            lambda: catalog.cost("openai/gpt-6.1-sol", Usage.from_openai(body)), 50_000
        ),
    }
    anthropic = {"input_tokens": 1200, "output_tokens": 300, "cache_read_input_tokens": 800, "service_tier": "standard"}
    gemini = {"usageMetadata": {"promptTokenCount": 1200, "candidatesTokenCount": 300, "totalTokenCount": 1500}}
    out["adapter_anthropic_plus_cost_us"] = _per_call_us(
        lambda: catalog.cost("anthropic/claude-sonnet-4-6", Usage.from_anthropic(anthropic)), 50_000
    )
    out["adapter_google_plus_cost_us"] = _per_call_us(
        lambda: catalog.cost("google/gemini-2.5-flash", Usage.from_google(gemini)), 50_000
    )
    if sdk is not None:
        out["adapter_sdk_plus_cost_us"] = _per_call_us(
            lambda: catalog.cost("openai/gpt-6.1-sol", Usage.from_openai(sdk)), 50_000
        )
    base = out["cost_plain_us"]
    out["window_ratio"] = ratio(max(out["cost_window_peak_us"], out["cost_window_offpeak_us"]), base)
    out["tier_from_usage_ratio"] = ratio(out["cost_tier_from_usage_us"], base)
    return out


def repo_artifact() -> bytes:
    from modelctl.artifact.compile import SourceInfo, compile_artifact
    from modelctl.rules.validate import validate_catalog

    result = validate_catalog(ROOT / "catalog", today=date(2026, 11, 25))
    return compile_artifact(result.catalog, SourceInfo()).data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, default=5000, help="size of the generated catalog (default 5000)")
    parser.add_argument("--repeat", type=int, default=7, help="repetitions of each timing (default 7)")
    parser.add_argument("--python", default=sys.executable, help="interpreter for the import timing")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument("--artifact", type=Path, help="time loading this artifact instead of generating one")
    parser.add_argument("--cpu", action="store_true", help="time loads in CPU time (process_time), not wall time")
    args = parser.parse_args(argv)
    if args.cpu:
        CLOCK[0] = time.process_time

    results: dict[str, Any] = {"interpreter": interpreter(), "import": bench_import(args.python, args.repeat)}
    if args.artifact:
        raw = args.artifact.read_bytes()
        args.models = len(json.loads(raw)["content"]["models"])
    else:
        with tempfile.TemporaryDirectory() as tmp:
            print(f"generating a {args.models}-model catalog ...", file=sys.stderr)
            raw = build_artifact(args.models, Path(tmp))
    results["load"] = bench_load(raw, args.repeat)
    results["calls"] = bench_calls(repo_artifact())
    results["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    load, calls = results["load"], results["calls"]
    rows = [
        {
            "measure": "import modelctl.runtime",
            "value": f"{results['import']['best_ms']:.1f} ms",
            "baseline": "-",
            "ratio": "-",
            "target": "<= 30 ms",
        },
        {
            "measure": f"load {args.models}-model artifact ({load['bytes'] / 2**20:.1f} MiB)",
            "value": f"{load['catalog_loads_ms']:.1f} ms",
            "baseline": f"json.loads {load['json_loads_ms']:.1f} ms",
            "ratio": f"{load['ratio']:.2f}x",
            "target": "<= 1.5x",
        },
        {
            "measure": "  of which the shape check",
            "value": f"{load['shape_check_ms']:.1f} ms",
            "baseline": f"json.loads, GC paused {load['json_loads_gc_paused_ms']:.1f} ms",
            "ratio": f"{load['shape_check_ratio']:.2f}x",
            "target": "(reported)",
        },
        {
            "measure": "  load, then a full gc.collect()",
            "value": f"{load['catalog_loads_then_collect_ms']:.1f} ms",
            "baseline": f"json.loads, then collect {load['json_loads_then_collect_ms']:.1f} ms",
            "ratio": f"{load['ratio_with_collect']:.2f}x",
            "target": "(reported)",
        },
        {
            "measure": "catalog.model('gpt-4o')",
            "value": f"{calls['model_us']:.2f} us",
            "baseline": "-",
            "ratio": "-",
            "target": "<= 1 us",
        },
        {
            "measure": "catalog.cost(gpt-4o, usage)",
            "value": f"{calls['cost_us']:.2f} us",
            "baseline": f"calc_price {calls.get('calc_price_us', float('nan')):.1f} us",
            "ratio": f"{calls.get('cost_speedup') or 0:.0f}x faster",
            "target": "<= 2 us; >= 30x",
        },
        {
            "measure": "peak memory of the load (tracemalloc)",
            "value": f"{load['peak_mib']:.1f} MiB",
            "baseline": "-",
            "ratio": "-",
            "target": "(reported)",
        },
    ]
    rows += [
        {
            "measure": "cost() inside/outside a time-of-day window (deepseek-v4-flash, at=datetime)",
            "value": f"{max(calls['cost_window_peak_us'], calls['cost_window_offpeak_us']):.2f} us",
            "baseline": f"cost(gpt-4o) {calls['cost_plain_us']:.2f} us",
            "ratio": f"{calls['window_ratio']:.2f}x",
            "target": "<= 1.3x",
        },
        {
            "measure": "cost() with the tier from the usage (flex)",
            "value": f"{calls['cost_tier_from_usage_us']:.2f} us",
            "baseline": f"cost(gpt-4o) {calls['cost_plain_us']:.2f} us",
            "ratio": f"{calls['tier_from_usage_ratio']:.2f}x",
            "target": "<= 1.3x",
        },
        {
            "measure": "Usage.from_openai(JSON body) + cost()",
            "value": f"{calls['adapter_dict_plus_cost_us']:.2f} us",
            "baseline": "-",
            "ratio": "-",
            "target": "< 4 us",
        },
    ]
    for key, what in (
        ("adapter_anthropic_plus_cost_us", "Usage.from_anthropic(JSON usage) + cost()"),
        ("adapter_google_plus_cost_us", "Usage.from_google(REST camelCase) + cost()"),
    ):
        value = f"{calls[key]:.2f} us"
        rows.append({"measure": what, "value": value, "baseline": "-", "ratio": "-", "target": "< 4 us"})
    if "adapter_sdk_plus_cost_us" in calls:
        rows.append(
            {
                "measure": "Usage.from_openai(SDK ResponseUsage) + cost()",
                "value": f"{calls['adapter_sdk_plus_cost_us']:.2f} us",
                "baseline": "-",
                "ratio": "-",
                "target": "< 4 us",
            }
        )
    print_table(rows)
    print(f"interpreter: {results['interpreter']}")
    if "genai_prices_total" in calls:
        print(f"same answer: modelctl {calls['cost_total']} USD, genai-prices {calls['genai_prices_total']} USD")
    if args.json:
        write_json(args.json, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
