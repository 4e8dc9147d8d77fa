"""Time the everyday tasks of a catalog's maintainer, each as a fresh process on a copy of the
reference catalog (95 files, 80 models), the way a new user runs them:

    python bench/bench_authoring.py [--repeat 5] [--json OUT]

``init`` (then ``--from-reference openai,anthropic``), add a model (``new model --from``), change a
price (``price set``), ``retire``, ``deprecate``, ``disable``, ``enable``, ``fmt --check``, and
``validate`` / ``publish`` for comparison.  The baseline, measured in the same run, is
``modelctl --help`` (the interpreter and the CLI's start-up).  Target: each edit under 1 s.
Exit 0 when every command is on target (best of the runs), 1 otherwise, 2 when one fails.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import print_table, time_command, write_json  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TARGET = 1.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="modelctl-bench-authoring-"))
    catalog = work / "repo" / "catalog"
    shutil.copytree(REPO / "catalog", catalog)
    env = {**os.environ, "MODELCTL_TODAY": "2026-11-25", "NO_COLOR": "1", "MODELCTL_CATALOG": str(catalog)}
    mc = [args.python, "-m", "modelctl"]
    scratch = work / "scratch" / "catalog"  # new model leaves TODO placeholders: validate would refuse them
    shutil.copytree(REPO / "catalog", scratch)
    new_file = scratch / "models" / "openai" / "gpt-4o-copy.yaml"
    ref = ["--force", "--from-reference", "openai,anthropic"]
    drop_new = ["sh", "-c", f'rm -f "{new_file}" && exec "$@"', "sh"]
    runs = {
        "modelctl --help (baseline)": [*mc, "--help"],
        "init (example catalog)": [*mc, "init", str(work / "fresh"), "--force"],
        "init --from-reference openai,anthropic": [*mc, "init", str(work / "ref"), *ref],
        "new model --from (add a model)": [
            *drop_new, *mc, "new", "model", "openai/gpt-4o-copy", "--from", "openai/gpt-4o", "--catalog", str(scratch)
        ],
        "price set (change a price)": [
            *mc, "price", "set", "openai/gpt-4.1-mini", "input_per_1m=0.45", "--from", "2027-01-01"
        ],
        "retire": [*mc, "retire", "openai/gpt-4o-2024-05-13", "--replacement", "openai/gpt-4.1", "--on", "2026-11-20"],
        "deprecate": [
            *mc, "deprecate", "openai/gpt-4.1-nano", "--replacement", "openai/gpt-4.1-mini", "--on", "2027-06-30"
        ],
        "disable": [*mc, "disable", "openai/gpt-5.6-terra"],
        "enable": [*mc, "enable", "openai/gpt-5.6-terra"],
        "fmt --check": [*mc, "fmt", "--check"],
        "validate": [*mc, "validate"],
        "publish": [*mc, "publish", "--out", str(work / "dist")],
    }  # fmt: skip
    timings, cpu = {}, {}
    for name, command in runs.items():
        timings[name] = time_command(command, repeat=args.repeat, warmup=1, env=env)
        if timings[name].returncode not in (0,):
            print(f"{name} failed ({timings[name].returncode}):\n{timings[name].stderr}", file=sys.stderr)
            return 2
        cpu[name] = _cpu_seconds(command, env)
    base = timings["modelctl --help (baseline)"].best
    print_table(
        [
            {"task": name, "best s": t.best, "median s": t.median, "x baseline": t.best / base, "cpu s": cpu[name]}
            for name, t in timings.items()
        ]
    )
    print("\ncpu s: user + system time of one run (what the process costs, whatever the machine's load)")
    slow = [name for name, t in timings.items() if t.best >= TARGET]
    print(f"\ntarget: each under {TARGET} s: {'on target' if not slow else 'OFF TARGET: ' + ', '.join(slow)}")
    if args.json:
        write_json(args.json, {name: t.to_dict() for name, t in timings.items()})
    shutil.rmtree(work, ignore_errors=True)
    return 0 if not slow else 1


def _cpu_seconds(command: list[str], env: dict[str, str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, env=env, capture_output=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


if __name__ == "__main__":
    raise SystemExit(main())
