"""Benchmark the cost impact of `modelctl diff` (issue #16), with same-run baselines.

1. A typical pull request (50 changed model files) on a 5,000-model catalog in git,
   diffed with 20 workloads in the catalog against the same diff without them
   (target: at most 1.2 x).
2. ``diff --usage`` with a usage file of 1M rows against ``modelctl reprice`` of the
   same file (target: at least 0.7 x reprice's speed, i.e. diff time <= reprice time / 0.7).

Usage::

    .venv/bin/python bench/bench_impact.py [--models 5000] [--rows 1000000] [--repeat 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_diff import GIT_ENV, _bump, _git, _models  # noqa: E402
from bench_reprice import ROOT, _artifact  # noqa: E402  # noqa: E402
from bench_reprice import _models as usage_models
from bench_reprice import generate as generate_usage
from common import print_table, ratio, time_command, write_json  # noqa: E402
from gen_catalog import generate  # noqa: E402

WORKLOAD = """\
# yaml-language-server: $schema=../../schema/workload.schema.json
id: w{n}
name: Workload {n}
models:
{entries}"""


def _cpu(argv: list[str], repeat: int, *, cwd: Path | None = None, env: dict[str, str] | None = None) -> float:
    """The best user+system CPU seconds of ``argv`` over ``repeat`` runs: steadier than wall time on a busy machine."""
    best = float("inf")
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(argv, cwd=cwd, env=env, capture_output=True, check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        best = min(best, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return best


def _workloads(catalog: Path, changed: list[Path], count: int) -> None:
    rnd = random.Random(1)
    every = _models(catalog)
    folder = catalog / "workloads"
    folder.mkdir()
    for n in range(count):
        picks = [rnd.choice(changed), rnd.choice(every), rnd.choice(every)]
        entries = "".join(
            f"  - model: {p.parent.name}/{p.stem}\n    requests: {rnd.randrange(1000, 10**6)}\n"
            f"    per_request: {{input_tokens: {rnd.randrange(100, 5000)}, output_tokens: {rnd.randrange(10, 900)}}}\n"
            for p in picks
        )
        (folder / f"w{n}.yaml").write_text(WORKLOAD.format(n=n, entries=entries))


def typical_pr(work: Path, models: int, python: str, repeat: int, env: dict[str, str]) -> dict[str, Any]:
    plain, loaded = work / "plain", work / "workloads"
    generate(plain / "catalog", models)
    shutil.copytree(plain, loaded)
    changed_rel = [p.relative_to(plain) for p in _models(plain / "catalog")[:: max(1, models // 50)][:50]]
    _workloads(loaded / "catalog", [loaded / p for p in changed_rel], 20)
    for repo in (plain, loaded):
        _git(repo, "init", "-q", "-b", "main")
        _git(repo, "add", ".")
        _git(repo, "commit", "-qm", "catalog")
        for rel in changed_rel:
            _bump(repo / rel)
    command = [python, "-m", "modelctl", "diff", "HEAD", "--format", "json"]
    without = time_command(command, repeat, warmup=1, cwd=plain, env=env)
    with_workloads = time_command(command, repeat, warmup=1, cwd=loaded, env=env)
    cpu_without = _cpu(command, repeat, cwd=plain, env=env)
    cpu_with = _cpu(command, repeat, cwd=loaded, env=env)
    return {
        "without": without.to_dict(),
        "with_20_workloads": with_workloads.to_dict(),
        "workloads_priced": with_workloads.stdout.count('"workload":'),
        "ratio": ratio(with_workloads.best, without.best),
        "cpu_without": cpu_without,
        "cpu_with": cpu_with,
        "cpu_ratio": ratio(cpu_with, cpu_without),
    }


def usage(work: Path, rows: int, python: str, repeat: int, env: dict[str, str]) -> dict[str, Any]:
    base, head = work / "base", work / "head"
    shutil.copytree(ROOT / "catalog", base)
    shutil.copytree(ROOT / "catalog", head)
    for path in sorted((head / "models").glob("*/*.yaml"))[::8]:
        _bump(path)
    usage_file = work / "usage.csv"
    generate_usage(usage_file, rows, usage_models(_artifact(work)))
    diff_cmd = [python, "-m", "modelctl", "diff", str(base), str(head), "--usage", str(usage_file), "--format", "json"]
    reprice_cmd = [python, "-m", "modelctl", "reprice", str(usage_file), "--catalog", str(head), "--format", "json"]
    diff = time_command(diff_cmd, repeat, warmup=0, env=env)
    reprice = time_command(reprice_cmd, repeat, warmup=0, env=env)
    cpu_diff, cpu_reprice = _cpu(diff_cmd, repeat, env=env), _cpu(reprice_cmd, repeat, env=env)
    return {
        "diff_usage": diff.to_dict(),
        "reprice": reprice.to_dict(),
        "rows": rows,
        "speed_ratio": ratio(reprice.best, diff.best),
        "cpu_diff": cpu_diff,
        "cpu_reprice": cpu_reprice,
        "cpu_speed_ratio": ratio(cpu_reprice, cpu_diff),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, default=5000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    env = {**os.environ, **GIT_ENV, "MODELCTL_TODAY": "2026-11-25"}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        print("typical PR with and without workloads ...", file=sys.stderr)
        pr = typical_pr(work, args.models, args.python, args.repeat, env)
        print("diff --usage against reprice ...", file=sys.stderr)
        use = usage(work, args.rows, args.python, args.repeat, env)
    rows = [
        {
            "measure": f"diff, typical PR (50 of {args.models}), 20 workloads",
            "best s": f"{pr['with_20_workloads']['best']:.2f}",
            "baseline": f"without workloads {pr['without']['best']:.2f} s",
            "ratio": f"{pr['ratio']:.2f} x wall, {pr['cpu_ratio']:.2f} x CPU",
            "target": "<= 1.2 x",
        },
        {
            "measure": f"diff --usage ({args.rows:,} rows)",
            "best s": f"{use['diff_usage']['best']:.2f}",
            "baseline": f"reprice {use['reprice']['best']:.2f} s",
            "ratio": f"{use['speed_ratio']:.2f} x wall, {use['cpu_speed_ratio']:.2f} x CPU",
            "target": ">= 0.7 x",
        },
    ]
    print_table(rows)
    if args.json:
        write_json(args.json, {"typical_pr": pr, "usage": use})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
