"""Benchmark the distribution path against issue 13's targets, with baselines from the same run.

- pickup: a new artifact lands on nginx (127.0.0.1) until 50 holders (threads, ``refresh=1``)
  all serve it; p50/p99/max over several rounds (target p99 <= 1.5 s);
- a 304 revalidation's client CPU (target <= 2 ms);
- nginx's CPU (master and workers, from /proc) while 200 holders check every second
  (target < 10 % of one core);
- start-up from the disk cache with the origin down (target: at most the load time + 20 ms; the
  median of each start-up less the load timed just before it), against two loads: ``Catalog.loads``
  of the same bytes already in memory, and ``Catalog.load`` of the same artifact in a file (which,
  like the start-up, reads it from disk first: 30 ms at 50,000 models, 65 MB);
- ``Catalog.loads`` against a plain ``json.loads`` of the same bytes with the cyclic GC on, at
  5,000 and 50,000 models (targets 1.0 x and 0.7 x); with msgspec installed (the ``fast`` extra),
  ``Catalog.loads(parser="msgspec")`` too, in the same runs.

Usage::

    .venv/bin/python bench/bench_distribution.py [--quick] [--load-only] [--cpu] [--rounds N]
        [--sizes 5000,50000] [--json out.json]

``--fresh`` adds the load as a start-up pays it: the first call in a new interpreter, after its
imports, against ``json.loads`` as the first call of another (alternating processes, best of 7).

``--parts`` adds two diagnostic loads to the same runs, the shape check (and then the digest too)
switched off, to show what each check costs against what the paused GC saves.

``--cpu`` times the start-up figures in CPU time (``time.process_time``), steadier than wall time
on a busy machine; the load ratios are always reported in both clocks, measured in the same runs
(CPU time counts every thread: the digest's worker too); ``--rounds`` repeats them and keeps each
figure's best round.

Needs Debian's nginx.  The large artifacts replicate the repository catalog's models under new ids.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from common import ROOT, print_table, write_json  # noqa: E402

# the fast extra installed: its parser's load figures too
FAST = importlib.util.find_spec("msgspec") is not None
TARGETS = {"pickup_p99_s": 1.5, "revalidate_cpu_ms": 2.0, "nginx_core_pct": 10.0, "startup_extra_ms": 20.0}
LOAD_TARGETS = {5000: 1.0, 50000: 0.7}

CONF = """
worker_processes 1;
{user}
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    types {{ application/json json; }}
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
    keepalive_timeout 65;
    server {{ listen 127.0.0.1:{port}; root {site}; etag on; }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Nginx:
    def __init__(self, workdir: Path) -> None:
        self.site, self.tmp, self.port = workdir / "site", workdir / "nginx", free_port()
        self.site.mkdir(parents=True)
        self.tmp.mkdir()
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        conf = self.tmp / "nginx.conf"
        user = "user root;" if os.geteuid() == 0 else ""
        conf.write_text(CONF.format(tmp=self.tmp, port=self.port, site=self.site, user=user))
        (self.site / "catalog.json").write_bytes(b"{}")
        self.proc = subprocess.Popen(
            [binary, "-c", str(conf), "-p", str(self.tmp), "-e", str(self.tmp / "error.log"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("nginx did not start")

    url = property(lambda self: f"http://127.0.0.1:{self.port}/catalog.json")
    _clock = 0

    def put(self, data: bytes) -> None:
        tmp = self.site / ".catalog.json.tmp"
        tmp.write_bytes(data)
        self._clock = max(self._clock, int(time.time())) + 1  # distinct nginx ETags (mtime-size)
        os.utime(tmp, (self._clock, self._clock))
        os.replace(tmp, self.site / "catalog.json")

    def cpu_seconds(self) -> float:
        """User + system CPU of the master and its workers."""
        pids = [self.proc.pid]
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == self.proc.pid:
                    pids.append(int(entry))
        total = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def requests(self) -> int:
        try:
            return len((self.tmp / "access.log").read_bytes().splitlines())
        except OSError:
            return 0

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def artifact(models: int | None, revision: int) -> bytes:
    """The repository catalog's artifact, or its models replicated to ``models`` entries."""
    from datetime import date

    from modelctl.artifact.compile import SourceInfo, assemble, canonical, compile_artifact, digest_of
    from modelctl.rules.validate import validate_catalog

    global _REPO_CONTENT
    if _REPO_CONTENT is None:
        result = validate_catalog(ROOT / "catalog", today=date(2026, 11, 25))
        _REPO_CONTENT = json.loads(compile_artifact(result.catalog, SourceInfo()).data)["content"]
    content = dict(_REPO_CONTENT)
    # Each revision's content differs (holders call on_change for new content, not a new number).
    content["catalog"] = {**content["catalog"], "description": f"bench revision {revision}"}
    if models is not None:
        base = list(content["models"].items())
        grown: dict[str, Any] = {}
        for i in range(models):
            ref, model = base[i % len(base)]
            provider = model["provider"]
            grown[f"{provider}/{model['id']}-{i}"] = {**model, "id": f"{model['id']}-{i}", "aliases": []}
        content["models"], content["aliases"] = grown, {}
    body = canonical(content)
    now = int(time.time())
    return assemble(body, digest_of(body), f"bench+{revision}", {}, revision=revision, published_at=now).data


_REPO_CONTENT: dict[str, Any] | None = None


def bench_pickup(origin: Nginx, holders: int, rounds: int) -> dict[str, Any]:
    from modelctl.runtime import CatalogHolder

    revision = 1000
    origin.put(artifact(None, revision))
    seen: dict[int, dict[int, float]] = {}
    lock = threading.Lock()

    def watcher(index: int) -> Any:
        def changed(catalog: Any) -> None:
            with lock:
                seen.setdefault(catalog.revision, {})[index] = time.monotonic()

        return changed

    fleet = [CatalogHolder(origin.url, refresh=1.0, on_change=watcher(i)) for i in range(holders)]
    delays: list[float] = []
    try:
        for _ in range(rounds):
            time.sleep(1.3)
            revision += 1
            origin.put(artifact(None, revision))
            put_at = time.monotonic()
            deadline = put_at + 10
            while time.monotonic() < deadline and len(seen.get(revision, {})) < holders:
                time.sleep(0.01)
            got = seen.get(revision, {})
            delays += [t - put_at for t in got.values()]
            delays += [float("inf")] * (holders - len(got))
    finally:
        for holder in fleet:
            holder.close()
    delays.sort()
    p99 = delays[min(len(delays) - 1, int(len(delays) * 0.99))]
    return {"holders": holders, "rounds": rounds, "p50_s": statistics.median(delays), "p99_s": p99, "max_s": delays[-1]}


def bench_revalidate(origin: Nginx, number: int) -> dict[str, Any]:
    from modelctl.runtime import CatalogHolder

    origin.put(artifact(None, 5000))
    holder = CatalogHolder(origin.url)
    holder.refresh()
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(number):
        holder.refresh()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    assert holder.status()["failures"] == 0
    return {"checks": number, "cpu_ms": cpu / number * 1e3, "wall_ms": wall / number * 1e3}


def bench_nginx_cpu(origin: Nginx, holders: int, seconds: float) -> dict[str, Any]:
    from modelctl.runtime import CatalogHolder

    origin.put(artifact(None, 6000))
    fleet = [CatalogHolder(origin.url, refresh=1.0) for _ in range(holders)]
    try:
        time.sleep(2)
        cpu, requests, start = origin.cpu_seconds(), origin.requests(), time.monotonic()
        time.sleep(seconds)
        cpu, requests = origin.cpu_seconds() - cpu, origin.requests() - requests
        elapsed = time.monotonic() - start
    finally:
        for holder in fleet:
            holder.close()
    return {"holders": holders, "requests_per_s": requests / elapsed, "core_pct": cpu / elapsed * 100}


CLOCK = [time.perf_counter]  # --cpu: time.process_time


def bench_startup(raw: bytes, repeat: int) -> dict[str, Any]:
    from modelctl.runtime import Catalog, CatalogHolder

    with tempfile.TemporaryDirectory() as tmp:
        dead = f"http://127.0.0.1:{free_port()}/catalog.json"
        from modelctl.runtime._remote import cache

        cache.write(cache.path_for(tmp, dead), cache.Entry(raw, None))
        plain = Path(tmp) / "catalog.json"  # the same artifact as a plain file, for Catalog.load
        plain.write_bytes(raw)
        loads, files, starts = [], [], []
        clock = CLOCK[0]
        for _ in range(repeat):  # each result freed after its clock stops (freeing is no part of either)
            gc.collect()
            t = clock()
            catalog = Catalog.loads(raw)
            loads.append(clock() - t)
            del catalog
            gc.collect()
            t = clock()
            catalog = Catalog.load(plain)
            files.append(clock() - t)
            del catalog
            gc.collect()
            t = clock()
            holder = CatalogHolder(dead, cache_dir=tmp, timeout=1, on_error=lambda e: None)
            starts.append(clock() - t)
            assert holder.status()["origin"] == "cache"
            holder.close()
            del holder
    load, start = min(loads), min(starts)
    # the extra: the median of each start-up less the load measured just before it (steadier on a
    # busy machine than the difference of the two minimums); against Catalog.loads of the bytes in
    # memory, and against Catalog.load of the same artifact in a file (which reads it, as the
    # start-up reads the cache file)
    extra = statistics.median(s - ld for s, ld in zip(starts, loads, strict=True))
    extra_file = statistics.median(s - ld for s, ld in zip(starts, files, strict=True))
    return {
        "bytes": len(raw),
        "load_ms": load * 1e3,
        "file_load_ms": min(files) * 1e3,
        "startup_ms": start * 1e3,
        "extra_ms": extra * 1e3,
        "extra_file_ms": extra_file * 1e3,
    }


PARTS = [False]  # --parts
FRESH = [False]  # --fresh


def _without(raw: bytes, shape: bool = False, digest: bool = False) -> Any:
    """``Catalog.loads(raw)`` without the content's shape check (and without the digest): what
    those checks cost, measured in the same runs as the real load (``--parts``)."""
    from modelctl.runtime import Catalog, _artifact, _shape

    saved = _shape.check_content, _artifact._verify, _artifact._HashAhead

    class NoHash:
        def __init__(self, raw: bytes) -> None:
            pass

    if shape:
        _shape.check_content = lambda content, parsed=True: None  # type: ignore[assignment]
    if digest:
        _artifact._verify = lambda *args: None  # type: ignore[assignment]
        _artifact._HashAhead = NoHash  # type: ignore[assignment,misc]
    try:
        return Catalog.loads(raw)
    finally:
        _shape.check_content, _artifact._verify, _artifact._HashAhead = saved


_FRESH = """
import sys, time
kind, path = sys.argv[1], sys.argv[2]
import json, hashlib
if kind == "ours":
    from modelctl.runtime import Catalog
    call = Catalog.loads
else:
    call = json.loads
with open(path, "rb") as fh:
    raw = fh.read()
cpu, wall = time.process_time(), time.perf_counter()
result = call(raw)
print(time.process_time() - cpu, time.perf_counter() - wall)
"""


def bench_fresh(raw: bytes, repeat: int) -> dict[str, Any]:
    """The load as a start-up pays it: the first call in a new interpreter (after its imports),
    ``Catalog.loads`` and ``json.loads`` of the same bytes in alternating processes (best of
    ``repeat``): the first load also compiles the shape check and faults in fresh memory."""
    best: dict[str, list[float]] = {"json": [9e9, 9e9], "ours": [9e9, 9e9]}
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "catalog.json"
        path.write_bytes(raw)
        for _ in range(repeat):
            for kind in ("json", "ours"):
                done = subprocess.run(
                    [sys.executable, "-c", _FRESH, kind, str(path)], capture_output=True, text=True, env=env, check=True
                )
                cpu, wall = map(float, done.stdout.split())
                best[kind] = [min(best[kind][0], cpu), min(best[kind][1], wall)]
    return {
        clock: {
            "json_loads_ms": best["json"][i] * 1e3,
            "catalog_loads_ms": best["ours"][i] * 1e3,
            "ratio": best["ours"][i] / best["json"][i],
        }
        for i, clock in enumerate(("cpu", "wall"))
    }


def _paired(ours: list[float], plain: list[float]) -> tuple[float, float, float]:
    """The ratio of each run to the ``json.loads`` run beside it: its quartiles (low, median, high).
    Less at the mercy of one lucky ``json.loads`` run than the ratio of the bests."""
    ratios = sorted(a / b for a, b in zip(ours, plain, strict=True))
    if len(ratios) < 4:
        mid = statistics.median(ratios)
        return (ratios[0], mid, ratios[-1])
    low, mid, high = statistics.quantiles(ratios, n=4)
    return (low, mid, high)


def bench_load(raw: bytes, repeat: int) -> dict[str, Any]:
    """Both clocks in the same runs: CPU time (``process_time``: every thread of the process,
    the digest's worker included) and wall time (what a caller waits).  Each result is freed
    after the clocks stop (until 2026-12-02 freeing it was inside both timings: about 7.5 ms at
    5,000 models and 86 ms at 50,000, CPU)."""
    from modelctl.runtime import Catalog

    calls = [("json", lambda: json.loads(raw)), ("ours", lambda: Catalog.loads(raw))]
    if FAST:  # parser="msgspec" (the fast extra), when installed
        calls.append(("fast", lambda: Catalog.loads(raw, parser="msgspec")))
    if PARTS[0]:  # what the checks cost: the same load without them (diagnostic, never shipped)
        calls += [("no_shape", lambda: _without(raw, True)), ("no_shape_digest", lambda: _without(raw, True, True))]
    runs: dict[str, dict[str, list[float]]] = {clock: {name: [] for name, _ in calls} for clock in ("cpu", "wall")}
    assert gc.isenabled()
    for _ in range(repeat):  # interleaved, so that all see the same machine
        for name, fn in calls:
            gc.collect()
            cpu, wall = time.process_time(), time.perf_counter()
            result = fn()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            del result  # freed after the clocks stop: freeing what a load made is no part of the load
            runs["cpu"][name].append(cpu)
            runs["wall"][name].append(wall)
    out: dict[str, Any] = {"bytes": len(raw)}
    for clock, got in runs.items():
        plain, ours = min(got["json"]), min(got["ours"])
        out[clock] = {"json_loads_ms": plain * 1e3, "catalog_loads_ms": ours * 1e3, "ratio": ours / plain}
        out[clock]["paired"] = _paired(got["ours"], got["json"])
        if "fast" in got:
            out[clock] |= {"msgspec_loads_ms": min(got["fast"]) * 1e3, "msgspec_ratio": min(got["fast"]) / plain}
            out[clock]["msgspec_paired"] = _paired(got["fast"], got["json"])
        for part in ("no_shape", "no_shape_digest"):
            if part in got:
                out[clock] |= {f"{part}_ms": min(got[part]) * 1e3, f"{part}_ratio": min(got[part]) / plain}
    out |= out["cpu" if CLOCK[0] is time.process_time else "wall"]  # the figures of the chosen clock
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and a shorter nginx window")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--load-only", action="store_true", help="only the load and start-up figures (no nginx)")
    parser.add_argument("--cpu", action="store_true", help="time start-ups in CPU time, not wall time (loads: both)")
    parser.add_argument("--rounds", type=int, default=1, help="repeat the load figures, keep the best (default 1)")
    parser.add_argument("--sizes", default="5000,50000", help="the load figures' model counts (default 5000,50000)")
    parser.add_argument(
        "--parts", action="store_true", help="also the load without the shape check, and without it and the digest"
    )
    parser.add_argument(
        "--repeat", type=int, help="interleaved runs per round of the load figures (default 7; 3 at 50,000 models)"
    )
    parser.add_argument(
        "--fresh", action="store_true", help="also the load as the first call of a new interpreter (start-up)"
    )
    args = parser.parse_args(argv)
    if args.cpu:
        CLOCK[0] = time.process_time
    PARTS[0] = args.parts
    FRESH[0] = args.fresh
    results: dict[str, Any] = {}
    rows: list[dict[str, Any]] = []
    if not args.load_only:
        if not (shutil.which("nginx") or os.path.exists("/usr/sbin/nginx")):
            raise SystemExit("needs nginx (Debian: apt-get install nginx)")
        with tempfile.TemporaryDirectory() as tmp:
            origin = Nginx(Path(tmp))
            try:
                results["pickup"] = bench_pickup(origin, 50, 2 if args.quick else 5)
                results["revalidate"] = bench_revalidate(origin, 200 if args.quick else 1000)
                results["nginx"] = bench_nginx_cpu(origin, 200, 5 if args.quick else 15)
            finally:
                origin.stop()
        rows += network_rows(results)
    sizes = [int(n) for n in args.sizes.split(",")]
    for models in sizes:
        raw = artifact(models, 1)
        for _ in range(max(1, args.rounds)):
            load = bench_load(raw, args.repeat or (3 if models == 50000 else 7))
            start = bench_startup(raw, 5 if models == 50000 else 7)
            best = results.setdefault(f"load_{models}", load)
            for clock in ("cpu", "wall"):  # each clock's best round
                if load[clock]["ratio"] < best[clock]["ratio"]:
                    best[clock] = load[clock]
            best |= best["cpu" if args.cpu else "wall"]
            if f"startup_{models}" not in results or start["extra_ms"] < results[f"startup_{models}"]["extra_ms"]:
                results[f"startup_{models}"] = start
        if FRESH[0]:
            results[f"fresh_{models}"] = bench_fresh(raw, 3 if models == 50000 else 7)
        del raw
    results["clock"] = "cpu" if args.cpu else "wall"
    rows += load_rows(results)
    print_table(rows)
    if args.json:
        write_json(args.json, results)
    return 0


def network_rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    p, r, n = results["pickup"], results["revalidate"], results["nginx"]
    return [
        {
            "what": "pickup p99, 50 holders, refresh 1 s",
            "value": f"{p['p99_s']:.3f} s",
            "target": "<= 1.5 s",
            "ok": p["p99_s"] <= TARGETS["pickup_p99_s"],
        },
        {
            "what": "304 revalidation, client CPU",
            "value": f"{r['cpu_ms']:.2f} ms",
            "target": "<= 2 ms",
            "ok": r["cpu_ms"] <= TARGETS["revalidate_cpu_ms"],
        },
        {
            "what": f"nginx CPU, 200 holders ({n['requests_per_s']:.0f} req/s)",
            "value": f"{n['core_pct']:.1f} %",
            "target": "< 10 % of a core",
            "ok": n["core_pct"] < TARGETS["nginx_core_pct"],
        },
    ]


def load_rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for models in sorted(int(key[5:]) for key in results if key.startswith("load_")):
        s, ld = results[f"startup_{models}"], results[f"load_{models}"]
        for against, extra, load in (
            ("Catalog.loads of bytes", "extra_ms", "load_ms"),
            ("Catalog.load of a file", "extra_file_ms", "file_load_ms"),
        ):
            rows.append(
                {
                    "what": f"start-up from cache, {models:,} models (vs {against})",
                    "value": f"{s[extra]:+.1f} ms over {s[load]:.0f} ms load",
                    "target": "<= +20 ms",
                    "ok": s[extra] <= TARGETS["startup_extra_ms"],
                }
            )
        target = LOAD_TARGETS.get(models, float("inf"))
        for clock in ("cpu", "wall"):
            got = ld[clock]
            parsers = [("Catalog.loads", "ratio", "catalog_loads_ms")]
            if "msgspec_ratio" in got:
                parsers.append(("Catalog.loads(parser='msgspec')", "msgspec_ratio", "msgspec_loads_ms"))

            for what, ratio, ms in parsers:
                low, mid, high = got["msgspec_paired" if ratio == "msgspec_ratio" else "paired"]
                rows.append(
                    {
                        "what": f"{what} / json.loads, {models:,} models ({clock})",
                        "value": f"{got[ratio]:.2f} x ({got[ms]:.0f} / {got['json_loads_ms']:.0f} ms); "
                        f"paired {mid:.2f} x ({low:.2f}-{high:.2f})",
                        "target": f"<= {LOAD_TARGETS.get(models, '-')} x",
                        "ok": got[ratio] <= target,
                    }
                )
            fresh = results.get(f"fresh_{models}", {}).get(clock)
            if fresh is not None:
                rows.append(
                    {
                        "what": f"Catalog.loads / json.loads, first call of a new process, {models:,} models ({clock})",
                        "value": f"{fresh['ratio']:.2f} x "
                        f"({fresh['catalog_loads_ms']:.0f} / {fresh['json_loads_ms']:.0f} ms)",
                        "target": f"<= {LOAD_TARGETS.get(models, '-')} x",
                        "ok": fresh["ratio"] <= target,
                    }
                )
            for part, what in (("no_shape", "no shape check"), ("no_shape_digest", "no shape check, no digest")):
                if f"{part}_ratio" in got:
                    rows.append(
                        {
                            "what": f"  (diagnostic) Catalog.loads, {what}, {models:,} models ({clock})",
                            "value": f"{got[part + '_ratio']:.2f} x ({got[part + '_ms']:.0f} ms)",
                            "target": "-",
                            "ok": "-",
                        }
                    )
    return rows


if __name__ == "__main__":
    raise SystemExit(main())
