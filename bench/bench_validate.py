"""Time `modelctl validate` against check-jsonschema on one 5,000-model catalog.

    python bench/bench_validate.py [--catalog DIR] [--repeat 3] [--json OUT]

Both tools run as cold processes (a fresh interpreter each time) on the same
files, and the wall time of each run is measured:

* ``python -m modelctl validate DIR`` -- the whole catalog: YAML, the JSON
  Schemas and the semantic rules;
* ``check-jsonschema --schemafile schema/model.schema.json <every model file>``
  -- the model files against the same schema, and nothing else.

The target is modelctl/check-jsonschema <= 0.2 (best of the runs).  Without
``--catalog`` a catalog is generated into a temporary directory with
bench/gen_catalog.py.  Exit status: 0 measured and on target; 1 measured but
off target, or modelctl found the (valid) catalog invalid; 2 a tool is
missing or an argument is wrong.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from common import ROOT, Timing, print_table, ratio, time_command, tree_stats, write_json
from gen_catalog import generate

TARGET = 0.2
MODELCTL = "modelctl"
CHECK_JSONSCHEMA = "check-jsonschema"


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--catalog", type=Path, help="catalog to validate (default: generate one into a temp dir)")
    add("--models", type=int, default=5000, help="models to generate without --catalog (default 5000)")
    add("--providers", type=int, default=25, help="providers to generate (default 25)")
    add("--seed", type=int, default=0, help="generator seed (default 0)")
    add("--repeat", type=int, default=3, help="timed runs of each tool (default 3)")
    add("--warmup", type=int, default=1, help="untimed runs of each tool first (default 1)")
    add("--python", default=sys.executable, help="interpreter that runs `-m modelctl` (default: this one)")
    add("--check-jsonschema", dest="cj_path", help="path of the check-jsonschema executable")
    add("--cj-python", help="run check-jsonschema as `PY -m check_jsonschema` with this interpreter")
    add(
        "--schema",
        type=Path,
        default=ROOT / "schema" / "model.schema.json",
        help="model schema for check-jsonschema",
    )
    add("--only", choices=[MODELCTL, CHECK_JSONSCHEMA], help="time one tool only (no ratio)")
    add("--target", type=float, default=TARGET, help=f"largest acceptable ratio (default {TARGET})")
    add("--json", dest="json_out", help="also write the results as JSON to this file (- for stdout)")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.warmup < 0 or args.models < 1 or args.providers < 1:
        parser.error("--repeat, --models and --providers must be >= 1 and --warmup >= 0")
    return args


def _fail(message: str) -> int:
    print(f"bench_validate: {message}", file=sys.stderr)
    return 2


def _probe(argv: list[str]) -> subprocess.CompletedProcess[str] | None:
    try:
        return subprocess.run(argv, capture_output=True, text=True, check=False, timeout=120)
    except OSError:
        return None


def _cj_command(args: argparse.Namespace) -> list[str] | None:
    """How to start check-jsonschema: --check-jsonschema, --cj-python, PATH, or beside this python."""
    if args.cj_path:
        return [args.cj_path]
    if args.cj_python:
        return [args.cj_python, "-m", "check_jsonschema"]
    found = shutil.which(CHECK_JSONSCHEMA) or shutil.which(CHECK_JSONSCHEMA, path=str(Path(sys.executable).parent))
    return [found] if found else None


def _cj_version(command: list[str]) -> str | None:
    done = _probe([*command, "--version"])
    if done is None or done.returncode != 0:
        return None
    return done.stdout.strip() or done.stderr.strip()


def _modelctl_ready(python: str) -> bool:
    done = _probe([python, "-c", "import modelctl"])
    return done is not None and done.returncode == 0


def _tool_row(name: str, timing: Timing) -> dict[str, object]:
    return {"tool": name, "best s": timing.best, "median s": timing.median, "exit": timing.returncode}


def _head(timing: Timing, lines: int = 8) -> str:
    text = (timing.stdout + timing.stderr).strip().splitlines()
    return "\n".join(f"    {line}" for line in text[:lines])


def _notes(timings: dict[str, Timing]) -> list[str]:
    notes = []
    cj = timings.get(CHECK_JSONSCHEMA)
    if cj is not None and cj.returncode != 0:
        out = cj.stdout + cj.stderr
        why = ""
        if "is not of type 'string'" in out or "datetime" in out:
            why = " It read YAML dates as date objects, so the date patterns fail; its time still counts."
        notes.append(f"check-jsonschema exited {cj.returncode} on the valid catalog.{why}\n{_head(cj)}")
    mc = timings.get(MODELCTL)
    if mc is not None and mc.returncode != 0:
        notes.append(f"modelctl validate exited {mc.returncode} on a catalog that should be valid:\n{_head(mc)}")
    return notes


def _measure(args: argparse.Namespace, catalog: Path, cj: list[str] | None) -> dict[str, Timing]:
    env = {**os.environ, "NO_COLOR": "1"}
    timings: dict[str, Timing] = {}
    if args.only != CHECK_JSONSCHEMA:
        argv = [args.python, "-m", "modelctl", "validate", str(catalog)]
        timings[MODELCTL] = time_command(argv, args.repeat, warmup=args.warmup, env=env)
    if cj is not None:
        files = sorted(str(p) for p in (catalog / "models").glob("*/*.yaml"))
        argv = [*cj, "--schemafile", str(args.schema), *files]
        timings[CHECK_JSONSCHEMA] = time_command(argv, args.repeat, warmup=args.warmup, env=env)
    return timings


def _report(
    args: argparse.Namespace, catalog: Path, timings: dict[str, Timing], cj_version: str | None
) -> dict[str, Any]:
    stats = tree_stats(catalog)
    models = tree_stats(catalog, "models/*/*.yaml")
    size = f"{stats.files} files, {stats.bytes:,} bytes, {stats.lines:,} lines"
    print(f"catalog: {catalog} ({models.files} models; {size})")
    print(f"runs per tool: {args.repeat} timed after {args.warmup} warm-up\n")
    print_table([_tool_row(name, t) for name, t in timings.items()])
    result: dict[str, Any] = {
        "benchmark": "validate",
        "catalog": {"path": str(catalog), "models": models.files, **stats.to_dict()},
        "repeat": args.repeat,
        "warmup": args.warmup,
        "python": args.python,
        "check_jsonschema_version": cj_version,
        "tools": {name: t.to_dict() for name, t in timings.items()},
        "target": args.target,
    }
    if MODELCTL in timings and CHECK_JSONSCHEMA in timings:
        result |= _ratio_report(timings[MODELCTL], timings[CHECK_JSONSCHEMA], args.target)
    notes = _notes(timings)
    for note in notes:
        print(f"\nnote: {note}")
    result["notes"] = notes
    return result


def _ratio_report(modelctl: Timing, cj: Timing, target: float) -> dict[str, Any]:
    best, median = ratio(modelctl.best, cj.best), ratio(modelctl.median, cj.median)
    ok = best is not None and best <= target
    shown = ", ".join(f"{name} {'-' if v is None else f'{v:.3f}'}" for name, v in (("best", best), ("median", median)))
    verdict = "on target" if ok else "OFF TARGET"
    print(f"\nratio modelctl/check-jsonschema: {shown} (target <= {target}: {verdict})")
    return {"ratio": {"best": best, "median": median}, "meets_target": ok}


def _exit_status(result: dict[str, Any]) -> int:
    modelctl = result["tools"].get(MODELCTL)
    if modelctl is not None and modelctl["returncode"] != 0:
        return 1
    return 0 if result.get("meets_target", True) else 1


def _run(args: argparse.Namespace, catalog: Path) -> int:
    cj = None
    cj_version = None
    if args.only != MODELCTL:
        cj = _cj_command(args)
        cj_version = _cj_version(cj) if cj else None
        if cj_version is None:
            return _fail(
                "check-jsonschema not found or not working; install it (pip install check-jsonschema) "
                "and pass --check-jsonschema PATH or --cj-python PY, put it on PATH, or use --only modelctl"
            )
    if args.only != CHECK_JSONSCHEMA and not _modelctl_ready(args.python):
        return _fail(
            f"{args.python} cannot import modelctl; pass --python with the project's venv "
            f"(e.g. {ROOT / '.venv' / 'bin' / 'python'}) or use --only check-jsonschema"
        )
    timings = _measure(args, catalog, cj)
    result = _report(args, catalog, timings, cj_version)
    if args.json_out:
        write_json(args.json_out, result)
    return _exit_status(result)


def main(argv: list[str] | None = None) -> int:
    """Command line: see the module docstring."""
    args = _parse_args(argv)
    if not args.schema.is_file():
        return _fail(f"schema not found: {args.schema}")
    if args.catalog is not None:
        if not (args.catalog / "models").is_dir():
            return _fail(f"{args.catalog} has no models/ folder")
        return _run(args, args.catalog.resolve())
    with tempfile.TemporaryDirectory(prefix="modelctl-bench-") as tmp:
        catalog = Path(tmp) / "catalog"
        print(
            f"generating {args.models} models over {args.providers} providers (seed {args.seed})...",
            file=sys.stderr,
        )
        generate(catalog, args.models, args.providers, args.seed)
        return _run(args, catalog)


if __name__ == "__main__":
    sys.exit(main())
