"""Time the command line: ``modelctl --help`` and ``modelctl list`` of 5,000 models.

    python bench/bench_cli.py [--models 5000] [--repeat 7] [--json OUT]

Each command runs as a fresh process (``PY -m modelctl ...``), after a
warm-up run, and the best and median wall times are reported, with
``PY -c pass`` (the interpreter's own start-up) measured in the same run as
the baseline.  The 5,000-model catalog is bench/gen_catalog.py's (seed 0),
published once to an artifact:

- ``--help``: the root help (target: under 0.3 s);
- ``list ARTIFACT``: every model, from the published artifact (target:
  under 1 s) — the way to list a catalog this big;
- ``list DIR``: the same from the YAML directory, which validates all 5,000
  files first (reported, no target);
- ``list ARTIFACT --sort input_per_1m -f json``: sorting and JSON output.

Exit 0 when both targets hold (best of the runs), 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import print_table, time_command, write_json  # noqa: E402
from gen_catalog import generate  # noqa: E402

HELP_TARGET, LIST_TARGET = 0.3, 1.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    py = args.python
    work = Path(tempfile.mkdtemp(prefix="modelctl-bench-cli-"))
    catalog = work / "catalog"
    generate(catalog, models=args.models, providers=25, seed=0)
    env = {**os.environ, "MODELCTL_TODAY": "2026-11-25", "NO_COLOR": "1"}
    env.pop("MODELCTL_CATALOG", None)
    published = subprocess.run(
        [py, "-m", "modelctl", "publish", str(catalog), "--out", str(work / "dist")], env=env, capture_output=True,
        text=True,
    )  # fmt: skip
    if published.returncode != 0:
        print(published.stdout, published.stderr, file=sys.stderr)
        return 2
    artifact = work / "dist" / "catalog.json"
    runs = {
        "python -c pass": [py, "-c", "pass"],
        "modelctl --help": [py, "-m", "modelctl", "--help"],
        "modelctl list ARTIFACT": [py, "-m", "modelctl", "list", str(artifact)],
        "modelctl list ARTIFACT --sort input_per_1m -f json": [
            py,
            "-m",
            "modelctl",
            "list",
            str(artifact),
            "--sort",
            "input_per_1m",
            "-f",
            "json",
        ],  # fmt: skip
        "modelctl list DIR": [py, "-m", "modelctl", "list", str(catalog)],
    }
    timings = {}
    for name, argv_ in runs.items():
        repeat = 2 if name.endswith("DIR") else args.repeat
        timings[name] = time_command(argv_, repeat=repeat, warmup=1, env=env)
        if timings[name].returncode != 0:
            print(f"{name} failed:\n{timings[name].stderr}", file=sys.stderr)
            return 2
    lines = len(timings["modelctl list ARTIFACT"].stdout.splitlines()) - 1
    base = timings["python -c pass"].best
    print(f"{args.models:,}-model catalog ({lines:,} rows listed); artifact {artifact.stat().st_size:,} bytes\n")
    print_table(
        [
            {"command": name, "best s": t.best, "median s": t.median, "minus python s": t.best - base}
            for name, t in timings.items()
        ]
    )
    help_s, list_s = timings["modelctl --help"].best, timings["modelctl list ARTIFACT"].best
    help_ok, list_ok = help_s < HELP_TARGET, list_s < LIST_TARGET
    print(
        f"\n--help {help_s:.3f} s (target < {HELP_TARGET} s): {'on target' if help_ok else 'OFF TARGET'}; "
        f"list of {args.models:,} models {list_s:.3f} s (target < {LIST_TARGET} s): "
        f"{'on target' if list_ok else 'OFF TARGET'}"
    )
    if args.json:
        write_json(args.json, {name: t.to_dict() for name, t in timings.items()})
    return 0 if help_ok and list_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
