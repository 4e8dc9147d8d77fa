"""Instructions per call of the runtime's hot paths, counted by valgrind's cachegrind.

Wall-clock timings of a few microseconds swing by 2 x on a shared machine; the number of machine
instructions a call executes does not (same interpreter, same inputs, ``PYTHONHASHSEED=0``).  Each
scenario runs in two processes under ``valgrind --tool=cachegrind``, one with ``--small`` calls and
one with ``--large`` calls (after the same warm-up); the difference divided by the difference in
calls is the cost of one call, start-up and loading excluded.  To turn instructions into time, the
script also times a plain ``cost()`` in CPU time in this process and scales every scenario by it
(an estimate: instructions of different kinds do not all take the same time).

Usage::

    .venv/bin/python bench/bench_instructions.py [SCENARIO ...] [--json out.json]
    .venv/bin/python bench/bench_instructions.py --list

Needs valgrind (``apt-get install valgrind``); the SDK scenarios need openai, anthropic and
google-genai (the ``test`` extra) and are skipped without them.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, interpreter, print_table, write_json  # noqa: E402

BODY = {
    "service_tier": "flex",
    "usage": {
        "input_tokens": 2000,
        "input_tokens_details": {"cached_tokens": 800, "cache_write_tokens": 0},
        "output_tokens": 300,
        "output_tokens_details": {"reasoning_tokens": 100},
        "total_tokens": 2300,
    },
}
CHAT = {
    "prompt_tokens": 2000,
    "completion_tokens": 300,
    "total_tokens": 2300,
    "prompt_tokens_details": {"cached_tokens": 800, "audio_tokens": 0},
    "completion_tokens_details": {
        "reasoning_tokens": 100,
        "audio_tokens": 0,
        "accepted_prediction_tokens": 0,
        "rejected_prediction_tokens": 0,
    },
}
ANTHROPIC = {
    "input_tokens": 1200,
    "output_tokens": 300,
    "cache_read_input_tokens": 800,
    "cache_creation_input_tokens": 100,
    "cache_creation": {"ephemeral_5m_input_tokens": 100, "ephemeral_1h_input_tokens": 0},
    "service_tier": "standard",
    "server_tool_use": None,
}
GOOGLE = {
    "prompt_token_count": 1200,
    "candidates_token_count": 300,
    "total_token_count": 1600,
    "thoughts_token_count": 100,
    "cached_content_token_count": 200,
    "prompt_tokens_details": [{"modality": "TEXT", "token_count": 1200}],
}
GOOGLE_REST = {
    "usageMetadata": {
        "promptTokenCount": 1200,
        "candidatesTokenCount": 300,
        "totalTokenCount": 1600,
        "thoughtsTokenCount": 100,
        "cachedContentTokenCount": 200,
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 1200}],
    }
}

# name -> (what it measures, needs the SDKs)
SCENARIOS: dict[str, tuple[str, bool]] = {
    "plain": ("cost(gpt-4o, Usage(1200 in, 300 out))", False),
    "window_peak": ("cost(deepseek-v4-flash, at=datetime inside a window)", False),
    "window_offpeak": ("cost(deepseek-v4-flash, at=datetime outside)", False),
    "tier_usage": ("cost(gpt-6.1-sol, Usage(..., variant='flex'))", False),
    "openai_json": ("cost(gpt-6.1-sol, Usage.from_openai(Responses JSON body))", False),
    "openai_sdk": ("cost(gpt-6.1-sol, Usage.from_openai(SDK ResponseUsage))", True),
    "openai_chat_json": ("cost(gpt-4o, Usage.from_openai(Chat Completions JSON usage))", False),
    "openai_chat_sdk": ("cost(gpt-4o, Usage.from_openai(SDK CompletionUsage))", True),
    "anthropic_json": ("cost(claude-sonnet-4-6, Usage.from_anthropic(JSON usage))", False),
    "anthropic_sdk": ("cost(claude-sonnet-4-6, Usage.from_anthropic(SDK Usage))", True),
    "google_json": ("cost(gemini-2.5-flash, Usage.from_google(JSON snake_case))", False),
    "google_rest": ("cost(gemini-2.5-flash, Usage.from_google(REST camelCase response))", False),
    "google_sdk": ("cost(gemini-2.5-flash, Usage.from_google(SDK usage_metadata))", True),
    "openai_only": ("Usage.from_openai(Responses JSON body) alone", False),
    "usage_new": ("Usage(input_tokens=1200, output_tokens=300) alone", False),
}


def _artifact(path: Path) -> bytes:
    if path.exists():
        return path.read_bytes()
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_runtime import repo_artifact

    raw: bytes = repo_artifact()
    path.write_bytes(raw)
    return raw


def scenario(name: str, artifact: Path) -> Callable[[], Any]:
    """The call ``name`` measures, ready to run (the catalog loaded, the inputs built)."""
    from modelctl.runtime import Catalog, Usage

    cat = Catalog.loads(_artifact(artifact))
    usage = Usage(input_tokens=1200, output_tokens=300)
    flex = Usage(input_tokens=1200, output_tokens=300, cached_input_tokens=800, variant="flex")
    peak, off = datetime(2026, 11, 25, 2, tzinfo=UTC), datetime(2026, 11, 25, 12, tzinfo=UTC)
    cost, oa, an, go = cat.cost, Usage.from_openai, Usage.from_anthropic, Usage.from_google
    if SCENARIOS[name][1]:
        from anthropic.types import Usage as AnthropicUsage
        from google.genai import types as gt
        from openai.types.completion_usage import CompletionUsage
        from openai.types.responses import ResponseUsage

        sdk: dict[str, Any] = {
            "openai_sdk": ResponseUsage.model_validate(BODY["usage"]),
            "openai_chat_sdk": CompletionUsage.model_validate(CHAT),
            "anthropic_sdk": AnthropicUsage.model_validate(ANTHROPIC),
            "google_sdk": gt.GenerateContentResponseUsageMetadata.model_validate(GOOGLE),
        }
        obj = sdk[name]
        model = {"openai_sdk": "openai/gpt-6.1-sol", "openai_chat_sdk": "openai/gpt-4o"}.get(name)
        if name.startswith("openai"):
            return lambda: cost(model, oa(obj))
        if name.startswith("anthropic"):
            return lambda: cost("anthropic/claude-sonnet-4-6", an(obj))
        return lambda: cost("google/gemini-2.5-flash", go(obj))
    calls: dict[str, Callable[[], Any]] = {
        "plain": lambda: cost("openai/gpt-4o", usage),
        "window_peak": lambda: cost("deepseek/deepseek-v4-flash", usage, at=peak),
        "window_offpeak": lambda: cost("deepseek/deepseek-v4-flash", usage, at=off),
        "tier_usage": lambda: cost("openai/gpt-6.1-sol", flex),
        "openai_json": lambda: cost("openai/gpt-6.1-sol", oa(BODY)),
        "openai_chat_json": lambda: cost("openai/gpt-4o", oa(CHAT)),
        "anthropic_json": lambda: cost("anthropic/claude-sonnet-4-6", an(ANTHROPIC)),
        "google_json": lambda: cost("google/gemini-2.5-flash", go(GOOGLE)),
        "google_rest": lambda: cost("google/gemini-2.5-flash", go(GOOGLE_REST)),
        "openai_only": lambda: oa(BODY),
        "usage_new": lambda: Usage(input_tokens=1200, output_tokens=300),
    }
    return calls[name]


def _run(name: str, calls: int, artifact: Path) -> None:
    fn = scenario(name, artifact)
    for _ in range(200):  # warm-up: caches filled, the plans compiled
        fn()
    for _ in range(calls):
        fn()


_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def _instructions(name: str, calls: int, artifact: Path, valgrind: str) -> int:
    path = os.pathsep.join(p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": path}
    cmd = [valgrind, "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
    cmd += [sys.executable, __file__, "--run", name, str(calls), "--artifact", str(artifact)]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    found = _REFS.search(done.stderr)
    if done.returncode or not found:
        raise SystemExit(f"{name}: valgrind failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def _plain_us(artifact: Path) -> float:
    """A plain cost() in CPU microseconds, the best of 7 x 100,000 calls in this process."""
    fn = scenario("plain", artifact)
    best = float("inf")
    for _ in range(7):
        start = time.process_time()
        for _ in range(100_000):
            fn()
        best = min(best, time.process_time() - start)
    return best / 100_000 * 1e6


def _sdks() -> bool:
    try:
        import anthropic  # noqa: F401
        import google.genai  # noqa: F401
        import openai  # noqa: F401
    except ImportError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="*", help="scenarios to count (default: all)")
    parser.add_argument("--small", type=int, default=200, help="calls in the first process (default 200)")
    parser.add_argument("--large", type=int, default=5200, help="calls in the second process (default 5200)")
    parser.add_argument("--artifact", type=Path, help="the repository catalog's artifact (built and kept if absent)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    parser.add_argument("--run", nargs=2, metavar=("NAME", "CALLS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.list:
        for name, (what, _) in SCENARIOS.items():
            print(f"{name:18} {what}")
        return 0
    artifact = args.artifact or Path(tempfile.gettempdir()) / f"modelctl-bench-artifact-{os.getuid()}.json"
    if args.run:
        _run(args.run[0], int(args.run[1]), artifact)
        return 0
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    if args.artifact is None and artifact.exists():
        artifact.unlink()  # rebuilt from this checkout's catalog
    _artifact(artifact)
    unknown = [n for n in args.scenarios if n not in SCENARIOS]
    if unknown:
        raise SystemExit(f"unknown scenario(s): {', '.join(unknown)} (see --list)")
    sdks = _sdks()
    names = [n for n in (args.scenarios or SCENARIOS) if sdks or not SCENARIOS[n][1]]
    if "plain" not in names:
        names.insert(0, "plain")
    per_call = {}
    for name in names:
        small = _instructions(name, args.small, artifact, valgrind)
        large = _instructions(name, args.large, artifact, valgrind)
        per_call[name] = (large - small) / (args.large - args.small)
        print(f"{name}: {per_call[name]:,.0f} instructions per call", file=sys.stderr)
    plain_us = _plain_us(artifact)
    base = per_call["plain"]
    rows = [
        {
            "scenario": name,
            "call": SCENARIOS[name][0],
            "instructions": f"{n:,.0f}",
            "x plain cost()": f"{n / base:.2f}",
            "est. us": f"{n / base * plain_us:.2f}",
        }
        for name, n in per_call.items()
    ]
    print_table(rows)
    print(f"plain cost() measured at {plain_us:.2f} us CPU in this process; est. us = ratio x that")
    print(f"interpreter: {interpreter()}")
    if args.json:
        write_json(
            args.json, {"interpreter": interpreter(), "plain_cost_us": plain_us, "instructions_per_call": per_call}
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
