"""Per-call CPU time of the runtime's hot paths, the calls interleaved round by round.

A call of a few microseconds on a shared machine is slower whenever the machine is: timing each
call in one block (as ``bench_runtime.py`` does) compares calls measured at different speeds.
Here every round runs each scenario ``--calls`` times in turn, and the best round of each is
kept, so that all of them get the machine's quiet moments.  The scenarios are
``bench_instructions.py``'s (the same inputs, the same catalog).

Usage::

    .venv/bin/python bench/bench_calls.py [SCENARIO ...] [--rounds 25] [--calls 10000] [--json out.json]

Runs on any CPython 3.11 with the project's ``src`` on its path: the runtime needs only the
standard library, and ``--artifact`` (``modelctl publish``'s ``dist/catalog.json``) spares compiling
the catalog, which needs modelctl's dependencies.  The SDK scenarios need openai, anthropic and
google-genai and are skipped without them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_instructions import SCENARIOS, _sdks, scenario  # noqa: E402
from common import interpreter, print_table, write_json  # noqa: E402

from modelctl.runtime import CatalogError  # noqa: E402

DEFAULT = ["plain", "window_peak", "tier_usage", "openai_json", "openai_sdk", "anthropic_json", "google_rest"]


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not at least 1")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="*", help=f"default: {' '.join(DEFAULT)}")
    parser.add_argument("--rounds", type=_positive, default=25, help="rounds over every scenario (default 25)")
    parser.add_argument(
        "--calls", type=_positive, default=10_000, help="calls of each scenario per round (default 10000)"
    )
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument(
        "--artifact", type=Path, help="the repository catalog's artifact (compiled now and written there when absent)"
    )
    args = parser.parse_args(argv)
    names = args.scenarios or DEFAULT
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)} (see bench_instructions.py --list)")
    if not _sdks():
        names = [n for n in names if not SCENARIOS[n][1]]
    with tempfile.TemporaryDirectory() as tmp:
        artifact = args.artifact or Path(tmp) / "catalog.json"  # (compiled there when absent)
        try:
            fns = {n: scenario(n, artifact) for n in names}
        except (OSError, CatalogError) as exc:  # an --artifact that cannot be read or loaded
            parser.error(f"cannot use the artifact {artifact}: {exc}")
    best = dict.fromkeys(names, float("inf"))
    for _ in range(args.rounds):
        for name, fn in fns.items():
            start = time.process_time()
            for _ in range(args.calls):
                fn()
            best[name] = min(best[name], (time.process_time() - start) / args.calls * 1e6)
    base = best.get("plain")
    rows = [
        {
            "scenario": name,
            "call": SCENARIOS[name][0],
            "best us": f"{us:.2f}",
            "x plain cost()": f"{us / base:.2f}" if base else "-",
        }
        for name, us in best.items()
    ]
    print_table(rows)
    print(f"best of {args.rounds} rounds of {args.calls:,} calls each, CPU time; interpreter: {interpreter()}")
    if args.json:
        write_json(args.json, {"interpreter": interpreter(), "best_us": best})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
