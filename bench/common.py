"""Small helpers shared by the benchmarks: timing commands, sizing trees, reporting.

Standard library only, so any interpreter can run a benchmark.

    from common import time_command, print_table, write_json

    timing = time_command([sys.executable, "-c", "pass"], repeat=5)
    print_table([{"tool": "python", "best s": timing.best, "median s": timing.median}])
    write_json(Path("out.json"), {"python": timing.to_dict()})
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

__all__ = [
    "ROOT",
    "Timing",
    "TreeStats",
    "interpreter",
    "print_table",
    "ratio",
    "time_command",
    "tree_stats",
    "write_json",
]

ROOT = Path(__file__).resolve().parent.parent
"""The repository root (the parent of ``bench/``)."""


@dataclass(frozen=True, slots=True)
class Timing:
    """Wall times of repeated runs of one command, in seconds."""

    best: float
    median: float
    runs: tuple[float, ...]
    returncode: int = 0
    """Exit status of the last timed run."""
    stdout: str = ""
    """Standard output of the last timed run."""
    stderr: str = ""
    """Standard error of the last timed run."""

    def to_dict(self) -> dict[str, Any]:
        """The timing as JSON-ready data (without the captured output)."""
        return {
            "best": self.best,
            "median": self.median,
            "runs": list(self.runs),
            "returncode": self.returncode,
        }


@dataclass(frozen=True, slots=True)
class TreeStats:
    """Size of a set of files."""

    files: int
    bytes: int
    lines: int

    def to_dict(self) -> dict[str, int]:
        """The sizes as JSON-ready data."""
        return {"files": self.files, "bytes": self.bytes, "lines": self.lines}


def _run_once(
    argv: Sequence[str], *, cwd: Path | None, env: Mapping[str, str] | None
) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    done = subprocess.run(
        list(argv),
        cwd=cwd,
        env=None if env is None else dict(env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        errors="replace",
        check=False,
    )
    return time.perf_counter() - start, done


def time_command(
    argv: Sequence[str],
    repeat: int = 3,
    *,
    warmup: int = 0,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Timing:
    """Run ``argv`` as a fresh process ``repeat`` times and time each run (wall clock).

    ``warmup`` untimed runs go first (to fill the OS file cache and write
    ``.pyc`` files).  Output is captured, never shown; the last run's exit
    status and output are kept in the result.  A non-zero exit does not
    raise: callers decide what it means.
    """
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    for _ in range(warmup):
        _run_once(argv, cwd=cwd, env=env)
    runs: list[float] = []
    done: subprocess.CompletedProcess[str] | None = None
    for _ in range(repeat):
        seconds, done = _run_once(argv, cwd=cwd, env=env)
        runs.append(seconds)
    assert done is not None
    return Timing(min(runs), statistics.median(runs), tuple(runs), done.returncode, done.stdout, done.stderr)


def tree_stats(root: Path, pattern: str = "**/*.yaml") -> TreeStats:
    """Count the files under ``root`` matching ``pattern``, their bytes and their lines."""
    files = n_bytes = lines = 0
    for path in root.glob(pattern):
        if path.is_file():
            data = path.read_bytes()
            files, n_bytes, lines = files + 1, n_bytes + len(data), lines + data.count(b"\n")
    return TreeStats(files, n_bytes, lines)


def interpreter() -> str:
    """Which Python runs the benchmark: microsecond figures depend on how it was built (this
    machine's pyenv CPython and Debian's differ by 20-30 % on the same calls; docs/performance.md)."""
    import platform

    name = f"{platform.python_implementation()} {platform.python_version()}"
    return f"{name} ({sys.executable}, {platform.python_compiler()})"


def ratio(numerator: float, denominator: float) -> float | None:
    """``numerator / denominator``, or None when the denominator is zero."""
    return numerator / denominator if denominator else None


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def print_table(rows: Sequence[Mapping[str, object]], *, file: TextIO | None = None) -> None:
    """Print ``rows`` as an aligned plain-text table; the first row's keys are the header.

    Floats print with three decimals, None as ``-``; numbers align right.
    """
    if not rows:
        return
    out = file or sys.stdout
    headers = list(rows[0])
    cells = [[_cell(row.get(h)) for h in headers] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    numeric = [all(isinstance(row.get(h), int | float) or row.get(h) is None for row in rows) for h in headers]

    def line(values: Sequence[str]) -> str:
        parts = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)]
        return "  ".join(parts).rstrip()

    print(line(headers), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for row_cells in cells:
        print(line(row_cells), file=out)


def write_json(path: Path | str, data: Any) -> None:
    """Write ``data`` as indented JSON with a trailing newline; ``-`` means stdout.

    Parent directories are created; the file is replaced atomically.
    """
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    if str(path) == "-":
        sys.stdout.write(text)
        return
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, target)
