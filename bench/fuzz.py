"""Long fuzzing runs: mutated catalogs through validate and publish, mutated artifacts through the runtime.

    python bench/fuzz.py [--cases 100000] [--seed 0] [--artifacts 10000] [--timeout 10] [--json OUT]

Each case mutates one file of a small slice of the repository's real catalog
(tests/mutations.py: byte flips, truncation, deep nesting, huge and tiny
numbers, control characters, surrogates, tags, anchors, odd keys; about 1 in
100 cases replaces the file by a FIFO, a symbolic link to /dev/zero or to a
file outside the catalog, or a folder), then calls the library in-process:
``validate_catalog`` and, when it says valid, ``publish``; the artifact is
checked against schema/artifact.schema.json and loaded with
``modelctl.runtime.Catalog`` (every model looked up and priced).  Counted:

* crashes: any exception (a traceback where a finding belongs);
* hangs: a case still running after --timeout seconds (a watchdog signal stops it);
* broken promises: a finding without file and line, "valid" that publish refuses,
  an artifact that breaks its schema.

Then, when bench/fuzz_artifacts.py exists (the runtime side of issue 11), its
``run(n, seed)`` fuzzes --artifacts artifacts; otherwise that part is reported
as not run.  Exit status: 0 nothing found; 1 crashes, hangs or broken promises;
2 bad arguments.  The first --keep failing cases are written to --save DIR.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

from common import ROOT, print_table, write_json

sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from mutations import artifact_validator, check_catalog, mutate, read_small_catalog, write_catalog  # noqa: E402

TODAY = "2026-11-25"


class Hang(Exception):
    """The watchdog fired."""


def _watchdog(signum: int, frame: Any) -> None:
    raise Hang


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--cases", type=int, default=100_000, help="mutated catalogs (default 100000)")
    add("--artifacts", type=int, default=10_000, help="mutated artifacts for bench/fuzz_artifacts.py (default 10000)")
    add("--seed", type=int, default=0, help="random seed (default 0)")
    add("--timeout", type=float, default=10.0, help="seconds after which a case counts as a hang (default 10)")
    add("--progress", type=int, default=5000, help="print a progress line every N cases (0: never)")
    add("--save", type=Path, help="write failing cases (file, mutators, traceback) into this folder")
    add("--keep", type=int, default=20, help="failing cases to save at most (default 20)")
    add(
        "--no-reuse",
        action="store_true",
        help="load every file on every case (slower; by default unchanged files are loaded once)",
    )
    add("--json", dest="json_out", help="also write the counts as JSON to this file (- for stdout)")
    args = parser.parse_args(argv)
    if args.cases < 0 or args.artifacts < 0 or args.timeout <= 0:
        parser.error("--cases and --artifacts must be >= 0, --timeout > 0")
    return args


def _fs_mutation(rnd: random.Random, path: Path, outside: Path) -> str:
    """Replace a catalog file by something that is not a regular file inside the catalog."""
    path.unlink()
    kind = rnd.choice(("fifo", "dev-zero", "outside", "folder", "dangling"))
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        os.symlink("/dev/zero", path)
    elif kind == "outside":
        os.symlink(outside, path)
    elif kind == "folder":
        path.mkdir()
    else:
        os.symlink(path.parent / "nowhere.yaml", path)
    return kind


def _reset(path: Path) -> None:
    if path.is_symlink() or path.is_file() or path.exists() and not path.is_dir():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)


class _Reuse:
    """Loads each unchanged file once: ``modelctl.catalog.loader.load_file`` is
    wrapped so that only the mutated file goes through the strict loader again
    (every other file is as it was, so its LoadedFile is too).  Validate, the
    rules, publish and the runtime still run in full on every case."""

    def __init__(self, root: Path) -> None:
        from modelctl.catalog import loader

        self.loader, self.real = loader, loader.load_file
        self.root, self.mutated = str(root), ""
        self.cache: dict[str, Any] = {}
        loader.load_file = self.load  # type: ignore[assignment]

    def load(self, path: Path, display: str | None = None) -> Any:
        key = str(path)
        if key == self.mutated:
            return self.real(path, display)
        if key not in self.cache:
            self.cache[key] = self.real(path, display)
        return self.cache[key]


def run_catalogs(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    from datetime import date

    files = read_small_catalog()
    validator = artifact_validator()
    today = date.fromisoformat(TODAY)
    root = write_catalog(work / "catalog", files)
    out = work / "dist"
    outside = work / "outside.yaml"
    outside.write_bytes(files["providers/openai.yaml"])
    rnd = random.Random(args.seed)
    counts: Counter[str] = Counter()
    slowest = (0.0, "")
    saved = 0
    reuse = None if args.no_reuse else _Reuse(root)
    signal.signal(signal.SIGALRM, _watchdog)
    started = time.perf_counter()
    for n in range(args.cases):
        name, used, mutated = mutate(rnd, files)
        path = root / name
        if reuse is not None:
            reuse.mutated = str(path)
        _reset(path)
        path.write_bytes(mutated[name])
        if rnd.random() < 0.01:
            used = "fs:" + _fs_mutation(rnd, path, outside)
        what, failure = f"{name} <- {used}", ""
        t0 = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, args.timeout)
        try:
            valid, problems = check_catalog(root, out, validator, today=today)
            signal.setitimer(signal.ITIMER_REAL, 0)
            counts["valid" if valid else "invalid"] += 1
            if problems:
                counts["broken promises"] += 1
                failure = "\n".join(problems)
                if any("artifact breaks" in p for p in problems):
                    counts["invalid artifacts"] += 1
        except Hang:
            counts["hangs"] += 1
            failure = "hang:\n" + traceback.format_exc()
        except Exception:
            signal.setitimer(signal.ITIMER_REAL, 0)
            counts["crashes"] += 1
            failure = traceback.format_exc()
        elapsed = time.perf_counter() - t0
        if elapsed > slowest[0]:
            slowest = (elapsed, what)
        if failure and args.save and saved < args.keep:
            saved += 1
            case = args.save / f"case-{n:06d}"
            case.mkdir(parents=True, exist_ok=True)
            (case / "file.yaml").write_bytes(mutated[name])
            (case / "what.txt").write_text(f"{what}\nseed {args.seed}, case {n}\n\n{failure}\n", encoding="utf-8")
        if failure and counts["crashes"] + counts["hangs"] + counts["broken promises"] <= 5:
            print(f"case {n}: {what}\n{failure}", file=sys.stderr)
        _reset(path)
        path.write_bytes(files[name])
        if args.progress and (n + 1) % args.progress == 0:
            rate = (n + 1) / (time.perf_counter() - started)
            print(f"{n + 1:,} cases, {rate:.0f}/s, {dict(counts)}", file=sys.stderr, flush=True)
    return {
        "cases": args.cases,
        "seed": args.seed,
        "seconds": round(time.perf_counter() - started, 1),
        "valid": counts["valid"],
        "invalid": counts["invalid"],
        "crashes": counts["crashes"],
        "hangs": counts["hangs"],
        "broken_promises": counts["broken promises"],
        "invalid_artifacts": counts["invalid artifacts"],
        "slowest_case_s": round(slowest[0], 3),
        "slowest_case": slowest[1],
    }


def run_artifacts(n: int, seed: int) -> dict[str, Any] | None:
    """The runtime side: bench/fuzz_artifacts.py's ``run(n, seed)`` when it exists (None otherwise)."""
    path = Path(__file__).with_name("fuzz_artifacts.py")
    if not path.exists() or n == 0:
        return None
    spec = importlib.util.spec_from_file_location("fuzz_artifacts", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result: dict[str, Any] = module.run(n, seed)
    return result


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    os.environ.setdefault("MODELCTL_NO_CACHE", "1")
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else None  # publish fsyncs: keep it off the disk
    with tempfile.TemporaryDirectory(prefix="modelctl-fuzz-", dir=base) as tmp:
        catalogs = run_catalogs(args, Path(tmp))
    print_table([{"part": "catalogs", **{k: v for k, v in catalogs.items() if k not in ("slowest_case", "seed")}}])
    print(f"slowest case: {catalogs['slowest_case_s']} s ({catalogs['slowest_case']})")
    artifacts = run_artifacts(args.artifacts, args.seed)
    if artifacts is None:
        why = "--artifacts 0" if args.artifacts == 0 else "bench/fuzz_artifacts.py is not here"
        print(f"artifacts: not run ({why})")
    else:
        print_table([{"part": "artifacts", **{k: v for k, v in artifacts.items() if isinstance(v, int | float)}}])
        for example in artifacts.get("examples", [])[:10]:
            print(f"  {example}")
    if args.json_out:
        write_json(args.json_out, {"catalogs": catalogs, "artifacts": artifacts})
    bad = catalogs["crashes"] + catalogs["hangs"] + catalogs["broken_promises"]
    if artifacts is not None:
        bad += sum(int(artifacts.get(k, 0)) for k in ("crashes", "hangs", "wrong_digest"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
