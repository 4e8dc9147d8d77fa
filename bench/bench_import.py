"""Benchmark ``modelctl import litellm`` of the whole LiteLLM map (4,876 entries)
into a new catalog, cold process, against ``json.loads`` of the same file in
the same run (a fresh process too, so both pay interpreter start-up).

Target (issue 7): <= 10 s.  Each timed import writes to a new folder, so it
measures reading, converting, validating with the catalog and writing.

Usage::

    .venv/bin/python bench/bench_import.py [--source FILE] [--repeat 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, print_table, ratio, time_command, tree_stats, write_json  # noqa: E402

DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "litellm" / "model_prices_and_context_window.json"
TARGET_SECONDS = 10.0
JSON_LOADS = "import json, sys; json.loads(open(sys.argv[1], 'rb').read())"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="LiteLLM's price map")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--python", default=sys.executable, help="interpreter with modelctl installed")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if not args.source.is_file():
        print(f"no LiteLLM map at {args.source}: pass --source", file=sys.stderr)
        return 2
    env = {**os.environ, "MODELCTL_TODAY": "2026-11-25"}
    baseline = time_command([args.python, "-c", JSON_LOADS, str(args.source)], args.repeat, warmup=1, env=env)
    with tempfile.TemporaryDirectory() as tmp:
        runs = []
        for i in range(args.repeat + 1):  # the first run is a warm-up (file cache, .pyc)
            cmd = [args.python, "-m", "modelctl", "import", "litellm", str(args.source), "--catalog", f"{tmp}/{i}"]
            runs.append(time_command(cmd, 1, env=env))
        last = runs[-1]
        if last.returncode != 0:
            print(last.stderr, file=sys.stderr)
            return 1
        stats = tree_stats(Path(tmp) / str(args.repeat))
    timed = sorted(t.best for t in runs[1:])
    best, median = timed[0], timed[len(timed) // 2]
    results: dict[str, Any] = {
        "source": str(args.source),
        "source_bytes": args.source.stat().st_size,
        "written": stats.to_dict(),
        "import": {"best": best, "median": median, "runs": timed},
        "json_loads_process": baseline.to_dict(),
        "ratio": ratio(best, baseline.best),
        "target_seconds": TARGET_SECONDS,
        "met": best <= TARGET_SECONDS,
    }
    print(f"LiteLLM map {results['source_bytes']:,} bytes -> {stats.files:,} files, {stats.bytes:,} bytes written")
    print_table(
        [
            {"what": "modelctl import litellm (cold process)", "best s": best, "median s": median},
            {"what": "python -c json.loads(same file)", "best s": baseline.best, "median s": baseline.median},
        ]
    )
    print(f"ratio import / json.loads: {results['ratio']:.1f}x; target <= {TARGET_SECONDS:.0f} s: {results['met']}")
    if args.json:
        write_json(args.json, results)
    return 0 if results["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
