"""Time ``modelctl reprice`` on large usage files: rows/s and peak memory.

    python bench/bench_reprice.py [--sizes 1000000,10000000] [--group-by model] [--dir DIR] [--json OUT]

For each size it writes (once, into --dir) a CSV usage file over the
repository's catalog — one row per request, a timestamp within the last
year at which the model had a price, 3 token columns and an account — then,
each in a fresh process:

- **reprice**: ``modelctl.usage.reprice.reprice`` on the file (the catalog is loaded
  from an artifact first; only the pricing pass is timed), its rows/s and
  the process's peak RSS, and how far RSS rose during the pass;
- **csv.reader**: the baseline — the stdlib reader counting the same file's
  rows, its rows/s and peak RSS.

- **duckdb** (``--engines`` includes it; needs duckdb): ``reprice --engine
  duckdb`` (modelctl.interop.duckdb_engine) on the same file, its time, totals
  (checked equal to the cent with Python reprice's) and peak RSS;
- **spark** (``--engines`` includes it; needs pyspark and Java): the Spark
  SQL pricing query on a local session (``--spark-cores``, default 2) over
  the same file: the session's start-up time, the pricing time (one scan:
  totals, row and unpriced counts), the driver JVM's CPU seconds and peak
  RSS, and its totals checked against Python reprice's and DuckDB's (no
  target: a correctness check of the distributed path).

Targets (issue 6): reprice >= 150,000 rows/s, and flat memory: the peak RSS
of the largest file within 10% (or 16 MiB) of the smallest.  Issue 17: DuckDB
at least 4 x Python reprice on the largest file, totals equal to the cent;
Python reprice at least 0.3 x csv.reader's rows/s (reported).  Exit 0 when
the targets hold, 1 otherwise.  The default sizes are 100,000 and 1,000,000 rows
(a minute); the real run uses ``--sizes 1000000,10000000``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, print_table, ratio, write_json  # noqa: E402

TARGET_ROWS_PER_S = 150_000
TODAY = date(2026, 11, 25)

# Peak RSS from /proc/self/status (VmHWM): it starts afresh at exec, unlike
# ru_maxrss, which a child inherits from the process that spawned it.
_RSS = r"""
def rss(key):
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith(key + ":"))
"""

_REPRICE = (
    _RSS
    + r"""
import json, sys, time
from modelctl.runtime import Catalog
from modelctl.usage.reprice import reprice
catalog = Catalog.load(sys.argv[1])
before = rss("VmRSS")
start, cpu = time.perf_counter(), time.process_time()
result = reprice(sys.argv[2], catalog, group_by=sys.argv[3].split(","))
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
peak = rss("VmHWM")
print(json.dumps({"rows": result.rows_read, "priced": result.rows_priced, "failed": result.error_count,
                  "groups": len(result.groups), "seconds": seconds, "cpu_seconds": cpu, "peak_kib": peak,
                  "before_kib": before, "total": str(result.totals)}))
"""
)

_BASELINE = (
    _RSS
    + r"""
import csv, json, sys, time
start, cpu = time.perf_counter(), time.process_time()
with open(sys.argv[1], newline="", encoding="utf-8") as fh:
    rows = sum(1 for _ in csv.reader(fh)) - 1
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({"rows": rows, "seconds": seconds, "cpu_seconds": cpu, "peak_kib": rss("VmHWM")}))
"""
)


_DUCKDB = (
    _RSS
    + r"""
import json, sys, time
from modelctl.runtime import Catalog
from modelctl.interop.duckdb_engine import reprice_duckdb
catalog = Catalog.load(sys.argv[1])
before = rss("VmRSS")
start, cpu = time.perf_counter(), time.process_time()
result = reprice_duckdb(sys.argv[2], catalog, group_by=sys.argv[3].split(","))
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({"rows": result.rows_read, "priced": result.rows_priced, "failed": result.error_count,
                  "groups": len(result.groups), "seconds": seconds, "cpu_seconds": cpu, "peak_kib": rss("VmHWM"),
                  "before_kib": before, "total": str(result.totals)}))
"""
)

_SPARK = (
    _RSS
    + r"""
import json, os, resource, sys, time
from modelctl.runtime import Catalog
from modelctl.interop import spark_engine
TICK = os.sysconf("SC_CLK_TCK")
def jvm(pid):  # (CPU seconds, peak RSS KiB) of the driver JVM (a child of this process)
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    with open(f"/proc/{pid}/status") as fh:
        peak = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
    return (int(fields[11]) + int(fields[12])) / TICK, peak
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
catalog = Catalog.load(sys.argv[1])
wall0, cpu0 = time.perf_counter(), cpu()
spark = spark_engine.local_session(int(sys.argv[3]))
pid = spark._jvm.java.lang.ProcessHandle.current().pid()
startup, jvm0 = time.perf_counter() - wall0, jvm(pid)[0]
start, cpu1 = time.perf_counter(), cpu()
totals, failed, rows = spark_engine.totals(spark, catalog, sys.argv[2])
seconds = time.perf_counter() - start
jvm_cpu, jvm_peak = jvm(pid)
spark.stop()
print(json.dumps({"rows": rows, "failed": failed, "seconds": seconds, "startup_s": startup, "cores": int(sys.argv[3]),
                  "jvm_cpu_startup_s": jvm0, "jvm_cpu_s": jvm_cpu - jvm0, "python_cpu_s": cpu() - cpu1,
                  "python_cpu_startup_s": cpu1 - cpu0, "jvm_peak_kib": jvm_peak, "total": str(totals)}))
"""
)


def _artifact(folder: Path) -> Path:
    from modelctl.artifact.compile import SourceInfo, compile_artifact
    from modelctl.rules.validate import validate_catalog

    result = validate_catalog(ROOT / "catalog", today=TODAY)
    if not result.valid:
        raise SystemExit("the repository's catalog is invalid: run modelctl validate")
    path = folder / "catalog.json"
    path.write_bytes(compile_artifact(result.catalog, SourceInfo()).data)
    return path


def _models(artifact: Path) -> list[tuple[str, int, bool]]:
    """(ref, first day with a price as an ordinal, has an output price) for the models available today."""
    from modelctl.runtime import Catalog

    catalog = Catalog.load(artifact)
    out = []
    for info in catalog.models(enabled=True):
        if not info.available:
            continue
        first = min(date.fromisoformat(p["effective_from"]) for p in info.data["pricing"])
        if first > TODAY:
            continue
        has_output = "output_per_1m" in catalog.price(info.ref, at=TODAY).prices
        out.append((info.ref, max(first, TODAY - timedelta(days=364)).toordinal(), has_output))
    return out


def generate(path: Path, rows: int, models: list[tuple[str, int, bool]], seed: int = 0) -> None:
    """A deterministic usage file of ``rows`` rows."""
    rnd = random.Random(seed)
    end = TODAY.toordinal()
    days: dict[int, str] = {}
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("timestamp,model,input_tokens,output_tokens,cached_input_tokens,account\n")
        chunk = []
        for i in range(rows):
            ref, first, has_output = models[rnd.randrange(len(models))]
            day = rnd.randint(first, end)
            iso = days.get(day) or days.setdefault(day, date.fromordinal(day).isoformat())
            secs = rnd.randrange(86400)
            output = rnd.randrange(4000) if has_output else 0
            cached = rnd.randrange(8000) if rnd.random() < 0.3 else 0
            chunk.append(
                f"{iso}T{secs // 3600:02d}:{secs // 60 % 60:02d}:{secs % 60:02d}Z,{ref},"
                f"{rnd.randrange(1, 20000)},{output},{cached},acct-{rnd.randrange(200)}\n"
            )
            if len(chunk) == 50_000 or i == rows - 1:
                fh.write("".join(chunk))
                chunk = []


def _run(code: str, *args: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    data: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])  # the last line: engines may print
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated row counts (default: %(default)s)")
    parser.add_argument("--group-by", default="model", help="reprice --group-by dimensions, comma-separated")
    parser.add_argument("--dir", type=Path, help="where to keep the generated files (default: a temporary folder)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--engines", default="python,duckdb", help="python,duckdb,spark (default: %(default)s)")
    parser.add_argument("--spark-cores", type=int, default=2, help="local[N] for Spark (default: %(default)s)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    folder = args.dir or Path(tempfile.mkdtemp(prefix="modelctl-reprice-"))
    folder.mkdir(parents=True, exist_ok=True)
    artifact = _artifact(folder)
    models = _models(artifact)
    rows_out, results = [], {}
    for size in sizes:
        path = folder / f"usage-{size}.csv"
        if not path.exists():
            print(f"generating {size:,} rows in {path} ...", file=sys.stderr)
            generate(path, size, models)
        baseline = _run(_BASELINE, str(path))
        mine = _run(_REPRICE, str(artifact), str(path), args.group_by)
        speed, base_speed = mine["rows"] / mine["seconds"], baseline["rows"] / baseline["seconds"]
        results[size] = {"reprice": mine, "csv_reader": baseline, "bytes": path.stat().st_size}
        engines = args.engines.split(",")
        if "duckdb" in engines:
            results[size]["duckdb"] = _run(_DUCKDB, str(artifact), str(path), args.group_by)
        if "spark" in engines:
            results[size]["spark"] = _run(_SPARK, str(artifact), str(path), str(args.spark_cores))
        rows_out.append(
            {
                "rows": size,
                "file MB": path.stat().st_size / 2**20,
                "reprice rows/s": round(speed),
                "csv.reader rows/s": round(base_speed),
                "time ratio": ratio(mine["seconds"], baseline["seconds"]),
                "reprice peak MiB": mine["peak_kib"] / 1024,
                "rise in pass MiB": (mine["peak_kib"] - mine["before_kib"]) / 1024,
                "csv.reader peak MiB": baseline["peak_kib"] / 1024,
                "failed rows": int(mine["failed"]),
                "reprice / csv.reader": round(speed / base_speed, 3),
                "reprice / csv.reader (CPU)": round(baseline["cpu_seconds"] / mine["cpu_seconds"], 3),
            }
        )
        duck = results[size].get("duckdb")
        if duck:
            rows_out[-1]["duckdb s"] = round(duck["seconds"], 2)
            rows_out[-1]["duckdb x python"] = round(mine["seconds"] / duck["seconds"], 2)
            rows_out[-1]["duckdb CPU s"] = round(duck["cpu_seconds"], 2)  # every thread: DuckDB uses each core
            rows_out[-1]["python CPU s"] = round(mine["cpu_seconds"], 2)
            rows_out[-1]["duckdb peak MiB"] = duck["peak_kib"] / 1024
            rows_out[-1]["duckdb totals equal"] = _same_total(duck["total"], mine["total"])
        spark = results[size].get("spark")
        if spark:
            rows_out[-1]["spark s"] = round(spark["seconds"], 2)
            rows_out[-1]["spark start s"] = round(spark["startup_s"], 1)
            rows_out[-1]["spark JVM CPU s"] = round(spark["jvm_cpu_s"], 1)
            rows_out[-1]["spark x python"] = round(mine["seconds"] / spark["seconds"], 2)
            rows_out[-1]["spark totals equal"] = _same_total(spark["total"], mine["total"])
    print_table(rows_out)
    small, large = results[sizes[0]]["reprice"], results[sizes[-1]]["reprice"]
    growth = (large["peak_kib"] - small["peak_kib"]) / 1024
    speed = large["rows"] / large["seconds"]
    flat = growth <= max(16, small["peak_kib"] / 1024 * 0.10)
    fast = speed >= TARGET_ROWS_PER_S
    print(
        f"\nreprice: {speed:,.0f} rows/s on {sizes[-1]:,} rows (target >= {TARGET_ROWS_PER_S:,}): "
        f"{'on target' if fast else 'OFF TARGET'}; peak RSS {small['peak_kib'] / 1024:.1f} MiB at {sizes[0]:,} rows "
        f"and {large['peak_kib'] / 1024:.1f} MiB at {sizes[-1]:,} ({growth:+.1f} MiB): {'flat' if flat else 'GROWS'}"
    )
    duck = results[sizes[-1]].get("duckdb")
    duck_ok = True
    if duck:
        times = large["seconds"] / duck["seconds"]
        equal = _same_total(duck["total"], large["total"])
        duck_ok = times >= 4 and equal
        print(
            f"duckdb engine: {times:.1f} x Python reprice on {sizes[-1]:,} rows (target >= 4), totals "
            f"{'equal' if equal else 'DIFFER'}; peak RSS {duck['peak_kib'] / 1024:.0f} MiB; CPU time "
            f"{duck['cpu_seconds']:.1f} s (Python {large['cpu_seconds']:.1f} s: "
            f"{large['cpu_seconds'] / duck['cpu_seconds']:.1f} x)"
        )
    spark = results[sizes[-1]].get("spark")
    if spark:
        print(
            f"spark (local[{spark['cores']}]): {spark['seconds']:.1f} s on {sizes[-1]:,} rows "
            f"({large['seconds'] / spark['seconds']:.2f} x Python reprice), start-up {spark['startup_s']:.1f} s; "
            f"JVM CPU {spark['jvm_cpu_s']:.1f} s pricing + {spark['jvm_cpu_startup_s']:.1f} s start-up, "
            f"peak JVM RSS {spark['jvm_peak_kib'] / 1024:.0f} MiB; totals: "
            + ", ".join(
                f"{'equal to' if _same_total(spark['total'], other['total']) else 'DIFFER from'} {name}'s"
                for name, other in (("Python reprice", large), ("DuckDB", duck))
                if other
            )
        )
    base = results[sizes[-1]]["csv_reader"]
    print(
        f"python reprice: {speed / (base['rows'] / base['seconds']):.2f} x csv.reader's rows/s "
        f"({base['cpu_seconds'] / large['cpu_seconds']:.2f} x in CPU time; target >= 0.3)"
    )
    if args.json:
        write_json(
            args.json,
            {
                "sizes": sizes,
                "group_by": args.group_by,
                "results": results,
                "rows_per_s": speed,
                "rss_growth_mib": growth,
                "on_target": fast and flat,
            },
        )
    return 0 if fast and flat and duck_ok else 1


def _same_total(spark: str, python: str) -> bool:
    """Two engines' totals (a dict's text) are equal to the last digit (trailing zeros aside)."""
    from decimal import Decimal

    def parse(text: str) -> dict[str, Decimal]:
        return {k: Decimal(v) for k, v in re.findall(r"'(\w+)': Decimal\('([-0-9.E]+)'\)", text)}

    return parse(spark) == parse(python)


if __name__ == "__main__":
    raise SystemExit(main())
