"""Benchmark `modelctl diff` and `modelctl history` (issue #4), with same-run baselines.

1. A typical pull request: a 5,000-model catalog in a git repository, 50 model
   files changed in the working tree; `modelctl diff HEAD` (target <= 1 s),
   against `git diff --stat HEAD` and `modelctl validate` on the same catalog.
2. A full old-vs-new comparison: two 5,000-model catalog directories in which
   every model differs; `modelctl diff OLD NEW` (target <= 3.5 s), against
   `modelctl validate NEW`.
3. History: one model changed by 1,000 commits (built with git fast-import);
   `modelctl history` (target <= 2 s), against `git log --follow -p` of the file.

Usage::

    .venv/bin/python bench/bench_diff.py [--models 5000] [--commits 1000] [--repeat 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import print_table, ratio, time_command, write_json  # noqa: E402
from gen_catalog import generate  # noqa: E402

GIT_ENV = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_GLOBAL": "/dev/null",
}
PRICE = re.compile(r"(output_per_1m: )(\d+\.\d+)")


def _git(repo: Path, *args: str, stdin: bytes | None = None) -> None:
    subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, input=stdin, env={**os.environ, **GIT_ENV}
    )


def _bump(path: Path, factor: str = "1.10") -> None:
    from decimal import Decimal

    text = path.read_text()
    path.write_text(
        PRICE.sub(
            lambda m: m.group(1) + str((Decimal(m.group(2)) * Decimal(factor)).quantize(Decimal("0.0001"))),
            text,
            count=1,
        )
    )


def _models(catalog: Path) -> list[Path]:
    return sorted((catalog / "models").glob("*/*.yaml"))


def typical_pr(work: Path, models: int, python: str, repeat: int, env: dict[str, str]) -> dict[str, Any]:
    repo = work / "repo"
    generate(repo / "catalog", models)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "catalog")
    for path in _models(repo / "catalog")[:: max(1, models // 50)][:50]:
        _bump(path)
    diff = time_command(
        [python, "-m", "modelctl", "diff", "HEAD", "--format", "json"], repeat, warmup=1, cwd=repo, env=env
    )
    git = time_command(["git", "diff", "--stat", "HEAD"], repeat, warmup=1, cwd=repo, env=env)
    validate = time_command([python, "-m", "modelctl", "validate"], repeat, warmup=1, cwd=repo, env=env)
    changes = diff.stdout.count('"address"')
    return {
        "diff": diff.to_dict(),
        "git_diff_stat": git.to_dict(),
        "validate": validate.to_dict(),
        "changes": changes,
        "ratio_to_validate": ratio(diff.best, validate.best),
    }


def full_comparison(work: Path, models: int, python: str, repeat: int, env: dict[str, str]) -> dict[str, Any]:
    old, new = work / "old", work / "new"
    generate(old, models)
    shutil.copytree(old, new)
    for path in _models(new):
        _bump(path)
    diff = time_command(
        [python, "-m", "modelctl", "diff", str(old), str(new), "--format", "json"], repeat, warmup=1, env=env
    )
    validate = time_command([python, "-m", "modelctl", "validate", str(new)], repeat, warmup=1, env=env)
    return {
        "diff": diff.to_dict(),
        "validate": validate.to_dict(),
        "changes": diff.stdout.count('"address"'),
        "ratio_to_validate": ratio(diff.best, validate.best),
    }


def _blob(data: bytes) -> bytes:
    return b"data %d\n%s\n" % (len(data), data)


def history_repo(work: Path, commits: int) -> tuple[Path, str]:
    repo = work / "history"
    catalog = repo / "catalog"
    generate(catalog, 50, providers=5)
    target = _models(catalog)[0]
    rel = target.relative_to(repo).as_posix()
    ref = f"{target.parent.name}/{target.stem}"
    stream = bytearray()
    stream += b"commit refs/heads/main\nmark :1\ncommitter bench <bench@example.com> 1700000000 +0000\n"
    stream += _blob(b"catalog")
    for path in sorted(catalog.rglob("*.yaml")):
        stream += b"M 100644 inline " + path.relative_to(repo).as_posix().encode() + b"\n" + _blob(path.read_bytes())
    for i in range(2, commits + 2):
        _bump(target, "1.01")
        stream += b"commit refs/heads/main\nmark :%d\ncommitter bench <bench@example.com> %d +0000\n" % (
            i,
            1700000000 + i * 60,
        )
        stream += _blob(b"price change %d" % i) + b"from :%d\n" % (i - 1)
        stream += b"M 100644 inline " + rel.encode() + b"\n" + _blob(target.read_bytes())
    repo.mkdir(exist_ok=True)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "fast-import", "--quiet", stdin=bytes(stream))
    _git(repo, "checkout", "-q", "-f", "main")
    return repo, ref


def history(work: Path, commits: int, python: str, repeat: int, env: dict[str, str]) -> dict[str, Any]:
    repo, ref = history_repo(work, commits)
    path = f"catalog/models/{ref}.yaml"
    ours = time_command(
        [python, "-m", "modelctl", "history", ref, "--format", "json"], repeat, warmup=1, cwd=repo, env=env
    )
    git = time_command(["git", "log", "--follow", "-p", "--", path], repeat, warmup=1, cwd=repo, env=env)
    return {
        "history": ours.to_dict(),
        "git_log_follow_p": git.to_dict(),
        "commits": ours.stdout.count('"commit":'),
        "ratio_to_git_log": ratio(ours.best, git.best),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, default=5000)
    parser.add_argument("--commits", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    env = {**os.environ, **GIT_ENV, "MODELCTL_TODAY": "2026-11-25"}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        print("typical PR ...", file=sys.stderr)
        pr = typical_pr(work, args.models, args.python, args.repeat, env)
        print("full comparison ...", file=sys.stderr)
        full = full_comparison(work, args.models, args.python, args.repeat, env)
        print("history ...", file=sys.stderr)
        hist = history(work, args.commits, args.python, args.repeat, env)
    rows = [
        {
            "measure": f"diff, typical PR (50 of {args.models} files)",
            "best s": f"{pr['diff']['best']:.2f}",
            "baseline": f"validate {pr['validate']['best']:.2f} s; git diff --stat {pr['git_diff_stat']['best']:.3f} s",
            "target": "<= 1 s",
            "changes": pr["changes"],
        },
        {
            "measure": f"diff, full ({args.models} vs {args.models})",
            "best s": f"{full['diff']['best']:.2f}",
            "baseline": f"validate {full['validate']['best']:.2f} s",
            "target": "<= 3.5 s",
            "changes": full["changes"],
        },
        {
            "measure": f"history, {args.commits} commits",
            "best s": f"{hist['history']['best']:.2f}",
            "baseline": f"git log --follow -p {hist['git_log_follow_p']['best']:.2f} s",
            "target": "<= 2 s",
            "changes": hist["commits"],
        },
    ]
    print_table(rows)
    if args.json:
        write_json(args.json, {"typical_pr": pr, "full": full, "history": hist})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
