"""Benchmark ``modelctl publish`` on a generated catalog, against ``modelctl
validate`` on the same catalog in the same run (publish validates first, so
the ratio shows what compiling and writing the artifact add).

Usage::

    .venv/bin/python bench/bench_publish.py [--models 5000] [--repeat 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import print_table, ratio, time_command, tree_stats, write_json  # noqa: E402
from gen_catalog import generate  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--python", default=sys.executable, help="interpreter with modelctl installed")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        catalog, out = Path(tmp) / "catalog", Path(tmp) / "dist"
        generate(catalog, args.models)
        stats = tree_stats(catalog)
        env_today = {"MODELCTL_TODAY": "2026-11-25"}
        import os

        env = {**os.environ, **env_today}
        validate = time_command(
            [args.python, "-m", "modelctl", "validate", str(catalog)], args.repeat, warmup=1, env=env
        )
        # --out to a fresh folder each run would measure the write too; the same folder after the first run
        # measures "unchanged" publishes, so remove the artifact between runs by publishing to new folders.
        publish_runs = []
        for i in range(args.repeat):
            publish_runs.append(
                time_command(
                    [args.python, "-m", "modelctl", "publish", str(catalog), "--out", str(out / str(i))], 1, env=env
                )
            )
        size = (out / "0" / "catalog.json").stat().st_size
    best = min(t.best for t in publish_runs)
    median = sorted(t.best for t in publish_runs)[len(publish_runs) // 2]
    results: dict[str, Any] = {
        "models": args.models,
        "catalog": stats.to_dict(),
        "validate": validate.to_dict(),
        "publish": {"best": best, "median": median, "runs": [t.best for t in publish_runs]},
        "artifact_bytes": size,
        "ratio": ratio(best, validate.best),
    }
    print_table(
        [
            {"command": "modelctl validate", "best s": f"{validate.best:.2f}", "median s": f"{validate.median:.2f}"},
            {"command": "modelctl publish", "best s": f"{best:.2f}", "median s": f"{median:.2f}"},
        ]
    )
    print(
        f"{args.models} models, {stats.files} files; artifact {size:,} bytes; publish/validate {results['ratio']:.2f}x"
    )
    if args.json:
        write_json(args.json, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
