"""Fuzz the runtime with mutated artifacts: only ``CatalogError``s, never a wrong digest accepted,
and no method raising anything else after a successful load (issue 11).

    python bench/fuzz_artifacts.py [-n 10000] [--seed 0] [--json out.json] [--commands]

Each case takes the repository catalog's artifact (80 models, plans and accounts) and mutates
it one way: byte flips, truncation, inserted bytes (raw, no digest fix: the digest must refuse
them), or a change to the content with the digest recomputed, so that the content's shape check
is what must refuse it: type swaps, deleted keys, odd strings (``NaN``, ``-1``, ``1e5``, dates
that do not exist), deep nesting, lone surrogates, huge numbers, ``NaN`` literals.  The envelope
is mutated too (``format_version`` ``"².0"``, a surrogate in ``source``).  An accepted artifact
is then exercised: every public method with valid and odd arguments; with ``--commands``, also
the CLI commands that read an artifact (``run_commands``: a documented exit code, no exception).

``run(n, seed)`` returns ``{"cases", "accepted", "refused", "crashes", "hangs", "wrong_digest",
"examples"}``: a crash is an exception that is not a ``CatalogError`` (from loading, from the
holder or from a method), a hang a case over 10 s.  The property tests
(``tests/runtime/test_artifact_fuzz.py``) use the same mutations with hypothesis.

Standard library and modelctl only (the repository's catalog is compiled once).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HANG_SECONDS = 10.0

# Values that a content field is swapped for (the digest is recomputed afterwards).
ODD_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    1.5,
    10**40,
    "",
    "NaN",
    "Infinity",
    "-Infinity",
    "-1",
    "-0",
    "1e5",
    "1E-7",
    "0x10",
    " 1",
    "1.",
    "²",
    "١٢",
    "2026-02-30",
    "2026-W01-1",
    "99999999999999999999999999999999999999999999999999",
    "0.00000000000000000000000000000000000000000000001",
    "x" * 300,
    "openai/gpt-4o",
    "a/b/c",
    [],
    [[]],
    [{}],
    ["text", 5],
    {},
    {"": {}},
    {"input_per_1m": "NaN"},
]
# Raw JSON texts put in place of a content value, then hashed as they are.
RAW_VALUES: list[bytes] = [
    b"NaN",
    b"Infinity",
    b"-Infinity",
    b"1e999999999",
    b"-1e999999999",
    b"1e-999999999",
    b"9" * 4301,
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
    b"[" * 900 + b"]" * 900,
    b'"\\ud800"',
    b'"\\udfff\\ud800"',
    b'"\xed\xa0\x80"',
    b'"\xff"',
    b'"\\u0000"',
    b"00",
    b"1.0",
    b"-0",
]
ENVELOPES: list[tuple[str, Any]] = [
    ("format_version", "².0"),
    ("format_version", "1"),
    ("format_version", "1.x"),
    ("format_version", "1.0.0"),
    ("format_version", 1.0),
    ("format_version", "2.0"),
    ("format_version", "1.99"),
    ("catalog_version", 5),
    ("source", []),
    ("source", {"dirty": "no"}),
    ("digest", "sha256:" + "0" * 64),
    ("digest", None),
]
PLACEHOLDER = "\x00modelctl-fuzz\x00"


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def assemble(content_bytes: bytes, envelope: dict[str, Any] | None = None) -> bytes:
    """A byte-canonical artifact around ``content_bytes``, with their digest (unless overridden)."""
    doc: dict[str, Any] = {"catalog_version": "2026.11.25.000000+fuzz", "format_version": "1.0", "source": {}}
    doc["digest"] = "sha256:" + hashlib.sha256(content_bytes).hexdigest()
    doc |= envelope or {}

    def text(value: Any) -> bytes:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    return (
        b'{"catalog_version":'
        + text(doc["catalog_version"])
        + b',"content":'
        + content_bytes
        + b',"digest":'
        + text(doc["digest"])
        + b',"format_version":'
        + text(doc["format_version"])
        + b',"source":'
        + text(doc["source"])
        + b"}\n"
    )


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*path, i))
    return out


def _set(root: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    node = root
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return root


def _pick_path(rng: random.Random, content: dict[str, Any], paths: list[tuple[Any, ...]]) -> tuple[Any, ...]:
    """A path, more often inside one model or plan than at the top (where most paths are)."""
    return rng.choice(paths) if rng.random() < 0.7 else rng.choice(paths[: min(len(paths), 400)])


# --- mutations: each returns new artifact bytes --------------------------------------------------


def flip_bytes(rng: random.Random, raw: bytes, content: dict[str, Any], paths: list[Any]) -> bytes:
    data = bytearray(raw)
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(data))
        data[i] = rng.choice([data[i] ^ (1 << rng.randrange(8)), rng.randrange(256)])
    return bytes(data)


def truncate(rng: random.Random, raw: bytes, content: dict[str, Any], paths: list[Any]) -> bytes:
    return raw[: rng.randrange(len(raw))]


def insert_bytes(rng: random.Random, raw: bytes, content: dict[str, Any], paths: list[Any]) -> bytes:
    i = rng.randrange(len(raw))
    return raw[:i] + rng.choice([b"[", b"{", b'"', b"\\", b"\x00", b"\xff", b"\\ud800", b"NaN", b" "]) + raw[i:]


def swap_value(rng: random.Random, raw: bytes, content: dict[str, Any], paths: list[Any]) -> bytes:
    """A content value replaced by an odd one, the digest recomputed."""
    doc = json.loads(json.dumps(content))
    doc = _set(doc, _pick_path(rng, doc, paths), rng.choice(ODD_VALUES))
    return assemble(canonical(doc))


def delete_key(rng: random.Random, raw: bytes, content: dict[str, Any], paths: list[Any]) -> bytes:
    doc = json.loads(json.dumps(content))
    path = _pick_path(rng, doc, [p for p in paths if p and isinstance(p[-1], str)])
    node = doc
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return assemble(canonical(doc))


def add_key(rng: random.Random, raw: bytes, content: dict[str, Any], paths: list[Any]) -> bytes:
    """An unknown key (a minor version may add fields: this must load)."""
    doc = json.loads(json.dumps(content))
    dicts = [p for p in paths if isinstance(_get(doc, p), dict)]
    _get(doc, rng.choice(dicts))["future_" + str(rng.randrange(100))] = rng.choice(ODD_VALUES)
    return assemble(canonical(doc))


def raw_value(rng: random.Random, raw: bytes, content: dict[str, Any], paths: list[Any]) -> bytes:
    """A content value replaced by raw JSON text (deep nesting, NaN, surrogates...), hashed as is."""
    doc = json.loads(json.dumps(content))
    doc = _set(doc, _pick_path(rng, doc, [p for p in paths if p]), PLACEHOLDER)
    body = canonical(doc).replace(json.dumps(PLACEHOLDER).encode(), rng.choice(RAW_VALUES), 1)
    return assemble(body)


def envelope(rng: random.Random, raw: bytes, content: dict[str, Any], paths: list[Any]) -> bytes:
    field, value = rng.choice(ENVELOPES)
    data = assemble(canonical(content), {field: value})
    if rng.random() < 0.3:  # a lone surrogate in the envelope
        data = data.replace(b'"2026.11.25.000000+fuzz"', b'"\\ud800"', 1)
    elif rng.random() < 0.3:
        data = data.replace(b'"source":{}', b'"source":{"commit":"\\udc00"}', 1)
    return data


def _get(root: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        root = root[key]
    return root


MUTATIONS: list[Callable[[random.Random, bytes, dict[str, Any], list[Any]], bytes]] = [
    flip_bytes,
    truncate,
    insert_bytes,
    swap_value,
    swap_value,
    swap_value,
    delete_key,
    add_key,
    raw_value,
    envelope,
]


def mutate(rng: random.Random, raw: bytes, content: dict[str, Any], paths: list[Any]) -> tuple[str, bytes]:
    mutation = rng.choice(MUTATIONS)
    return mutation.__name__, mutation(rng, raw, content, paths)


# --- exercising a loaded catalog ------------------------------------------------------------------


def exercise(catalog: Any, rng: random.Random) -> int:
    """Call every public method with valid and odd arguments; return how many calls were made.
    CatalogErrors are expected answers; anything else propagates (a crash)."""
    from modelctl.runtime import CatalogError, Usage

    calls = 0

    def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        try:
            return fn(*args, **kwargs)
        except CatalogError:
            return None

    infos = call(catalog.models) or []
    refs = [m.ref for m in infos]
    odd_refs = ["", "nope/nothing", "GPT-4O", "\x00", "a" * 300, "gpt-4o", "claude-sonnet-4-6"]
    names = rng.sample(refs, min(len(refs), 6)) + odd_refs
    for info in infos[:3]:
        names += list(info.aliases[:1])
    days: list[Any] = [None, date(1900, 1, 1), date(2026, 3, 13), date(9999, 12, 31), "2026-03-12"]
    days += [datetime(2026, 3, 12, 23, 59, tzinfo=UTC), "2026-03-13T00:00:00Z"]
    usages = [
        Usage(),
        Usage(input_tokens=1200, output_tokens=300),
        Usage(input_tokens=250_000, cached_input_tokens=60_000, output_tokens=1),
        Usage(cache_write_tokens=7, cache_write_1h_tokens=3, reasoning_tokens=11, images=2, requests=0),
        Usage(input_tokens=10**30 + 1, output_tokens=10**12),
    ]
    variants = [None, "batch", "flex", "priority", "nope", ""]
    len(catalog)
    calls += 1
    _ = catalog.name, catalog.format_version, catalog.catalog_version, catalog.digest, catalog.source
    for name in names:  # an unknown name is slow to refuse (close matches are suggested): once each
        call(catalog.model, name)
    known = [name for name in names if name in catalog] + odd_refs[:1]
    for name in known:
        call(catalog.resolve, name)
        at, variant, usage = rng.choice(days), rng.choice(variants), rng.choice(usages)
        call(catalog.price, name, at=at, variant=variant)
        call(catalog.cost, name, usage, at=at, variant=variant)
        call(catalog.cost, name, usage)
    names = known
    for kwargs in (
        {"provider": "openai"},
        {"feature": ["vision", "reasoning"]},
        {"status": "retired"},
        {"enabled": False},
    ):
        call(catalog.models, **kwargs)
    call(catalog.legacy_rates)
    call(catalog.providers)
    call(catalog.purposes)
    plans = (call(catalog.plans) or []) + [None, "nope"]
    accounts = (call(catalog.accounts) or []) + [None, "nope"]
    for account in accounts[:-1]:
        if account is not None:
            call(catalog.plan_of, account)
            call(catalog.account, account)
    for plan in plans[:-1]:
        if plan is not None:
            call(catalog.plan, plan)
            call(catalog.rollouts, plan)
        call(catalog.defaults, plan, rng.choice(accounts))
    purposes = ["chat", "embedding", "coding", "nope", ""]
    for plan in plans:
        for account in rng.sample(accounts, min(len(accounts), 3)):
            call(catalog.models_for, plan, account)
            for purpose in purposes:
                call(catalog.default_model, purpose, plan, account)
            for name in rng.sample(names, min(len(names), 4)):
                call(catalog.allowed, name, plan, account)
                call(catalog.charge, name, rng.choice(usages), plan, account, at=rng.choice(days))
            for subject in ("user-1", ""):
                call(catalog.allowed, rng.choice(names), plan, account, subject=subject)
                call(catalog.default_model, rng.choice(purposes), plan, account, subject=subject)
                call(catalog.models_for, plan, account, subject=subject)
        for rollout in ROLLOUT_IDS + ["nope"]:
            if plan is not None:
                call(catalog.rollout, plan, rollout)
                call(catalog.arm, plan, rollout, "user-1", rng.choice(accounts))
    return calls


# --- one case, and many ---------------------------------------------------------------------------


def _digest_ok(data: bytes) -> bool:
    """The oracle (docs/artifact.md): the recorded digest is the SHA-256 of the content's byte
    range when the file is canonical around it, else of the canonical form of the content."""
    doc = json.loads(data)
    envelope = ("catalog_version", "digest", "format_version", "source")
    head = tail = b""
    if all(k in doc for k in envelope):  # a mutation may delete an envelope key the runtime does not need
        rebuilt = assemble(b"", {k: doc[k] for k in envelope})
        head, tail = rebuilt.split(b',"content":', 1)[0] + b',"content":', rebuilt.split(b',"content":', 1)[1]
    if head and data.startswith(head) and data.endswith(tail) and len(data) > len(head) + len(tail):
        body = data[len(head) : len(data) - len(tail)]
    else:
        body = canonical(doc["content"])
    return bool(doc["digest"] == "sha256:" + hashlib.sha256(body).hexdigest())


def run_case(data: bytes, rng: random.Random, holder_path: Path | None = None) -> str:
    """``accepted`` or ``refused``; raises on a crash (with ``wrong digest`` for an accepted
    artifact whose digest does not match its content)."""
    from modelctl.runtime import Catalog, CatalogError

    try:
        catalog = Catalog.loads(data)
    except CatalogError:
        outcome = "refused"
    else:
        if not _digest_ok(data):
            raise AssertionError("wrong digest accepted")
        exercise(catalog, rng)
        outcome = "accepted"
    if holder_path is not None:
        from modelctl.runtime import CatalogHolder

        holder = CatalogHolder(holder_path)
        good = holder.catalog
        holder_path.with_suffix(".tmp").write_bytes(data)
        holder_path.with_suffix(".tmp").replace(holder_path)
        holder.reload()  # never raises
        if outcome == "refused" and (holder.catalog is not good or holder.last_error is None):
            raise AssertionError("the holder took an artifact Catalog.loads refuses")
        holder_path.write_bytes(BASE[0])
    return outcome


BASE: list[bytes] = []
ROLLOUT_IDS: list[str] = []


def _more_terms(content: dict[str, Any]) -> None:
    """Fields the repository catalog does not use, so that mutations reach them too: a plan's
    dated markups and invoice rounding, an account's negotiated price that ends."""
    plan = content["plans"][sorted(content["plans"])[0]]
    plan["markups"] = [{"effective_from": "2026-01-01", "markup": "1.25", "until": "2026-06-30"}]
    plan["rounding"] = {**plan.get("rounding", {}), "per": "invoice"}
    for account in content.get("accounts", {}).values():
        if account.get("pricing"):
            account["pricing"][0]["until"] = "2026-12-31"
            break


def base_artifact() -> bytes:
    if not BASE:
        from modelctl.artifact.compile import SourceInfo, compile_artifact
        from modelctl.rules.validate import validate_catalog

        result = validate_catalog(ROOT / "catalog", today=date(2026, 11, 25))
        if not result.valid:
            raise SystemExit("the repository catalog is not valid")
        content = json.loads(compile_artifact(result.catalog, SourceInfo()).data)["content"]
        _more_terms(content)
        BASE.append(assemble(canonical(content)))
        ROLLOUT_IDS.extend(sorted({r["id"] for p in content["plans"].values() for r in p.get("rollouts", ())}))
    return BASE[0]


def run_commands(data: bytes, rng: random.Random, folder: Path) -> int:
    """An accepted artifact through the commands that read one (``list``, ``show``, ``plans``,
    ``explain``, ``compare``, ``cost``, ``estimate``, ``site``, ``reprice`` with and without
    ``--charges``, ``rollout preview``, ``publish --from-artifact``, ``diff`` against the
    repository's catalog both ways, ``export``), in process: each must end with a
    documented exit code (0 to 4) and no exception; raises AssertionError naming the first that
    does not.  Returns how many commands ran."""
    from typer.testing import CliRunner

    from modelctl.cli import app
    from modelctl.runtime import Catalog

    catalog = Catalog.loads(data)
    path = folder / "catalog.json"
    path.write_bytes(data)
    refs = [m.ref for m in catalog.models()]
    ref = rng.choice(refs) if refs else "openai/gpt-4o"
    other = rng.choice(refs) if refs else ref
    plan = rng.choice(catalog.plans() or ["pro"])
    account = rng.choice(catalog.accounts() or ["nobody"])
    at = f"--catalog={path}"
    usage, subjects = folder / "usage.csv", folder / "subjects.txt"
    day = rng.choice(["2025-06-01", "2026-03-13T12:30:00Z", "2026-11-25"])
    usage.write_text(
        "timestamp,model,input_tokens,output_tokens,account\n"
        + "".join(f"{day},{r},{rng.randint(0, 30_000)},{rng.randint(0, 4_000)},{account}\n" for r in (ref, other))
    )
    subjects.write_text("".join(f"user-{i}\n" for i in range(50)))
    commands = [
        ["list", at],
        ["list", at, "--sort", rng.choice(["price", "status", "context", "name"]), "-f", "json"],
        ["show", ref, at],
        ["show", ref, at, "-f", rng.choice(["json", "markdown"])],
        ["plans", at],
        ["plans", at, "-f", "json"],
        ["explain", ref, "--plan", plan, at],
        ["explain", other, "--account", account, at, "-f", "json"],
        ["compare", ref, other, at],
        ["cost", ref, "--input", "1200", "--output", "300", at],
        ["estimate", "--input", "1000", "--output", "100", at],
        ["site", at, f"--out={folder / 'site.html'}"],
        ["reprice", str(usage), at, "-g", "model"],
        ["reprice", str(usage), at, "--charges", "--plan", plan],
        ["publish", "--from-artifact", str(path), f"--out={folder / 'again'}"],
        ["diff", str(ROOT / "catalog"), str(path), "-f", rng.choice(["text", "markdown", "json"])],
        ["diff", str(path), str(ROOT / "catalog")],
        [
            "export",
            str(path),
            "--format",
            rng.choice(["litellm", "openrouter", "price-table", "model-names", "price-windows"]),
            f"--output={folder / 'export.out'}",
        ],
    ]
    rollouts = [(p, r["id"]) for p in catalog.plans() for r in catalog.rollouts(p) if isinstance(r.get("id"), str)]
    if rollouts:
        plan_id, rollout_id = rng.choice(rollouts)
        commands.append(["rollout", "preview", plan_id, rollout_id, f"--subjects={subjects}", at])
    runner = CliRunner()
    for args in commands:
        result = runner.invoke(app, args)
        crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
        if crashed or result.exit_code not in (0, 1, 2, 3, 4) or "Traceback" in result.output:
            what = "".join(traceback.format_exception_only(result.exception)).strip() if crashed else result.output
            raise AssertionError(f"modelctl {' '.join(args[:2])}: exit {result.exit_code}: {what[-300:]}")
    return len(commands)


def base() -> tuple[bytes, dict[str, Any], list[tuple[Any, ...]]]:
    """The base artifact, its content and every path in it: what ``mutate`` takes."""
    raw = base_artifact()
    content = json.loads(raw)["content"]
    return raw, content, _paths(content)


def run(n: int, seed: int, commands: bool = False) -> dict[str, Any]:
    """Fuzz ``n`` mutated artifacts from ``seed``; counts and the first few crashes.  ``commands``:
    every accepted artifact also goes through the CLI commands that read one (``run_commands``)."""
    raw, content, paths = base()
    rng = random.Random(seed)
    counts: dict[str, Any] = {"cases": 0, "accepted": 0, "refused": 0, "crashes": 0, "hangs": 0, "wrong_digest": 0}
    by_mutation: dict[str, dict[str, int]] = {}
    examples: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        holder_path = Path(tmp) / "catalog.json"
        holder_path.write_bytes(raw)
        for _ in range(n):
            name, data = mutate(rng, raw, content, paths)
            case_rng = random.Random(rng.random())
            start = time.perf_counter()
            try:
                outcome = run_case(data, case_rng, holder_path if rng.random() < 0.1 else None)
                if commands and outcome == "accepted":
                    run_commands(data, case_rng, Path(tmp))
            except Exception as exc:  # noqa: BLE001 - a crash is what we count
                outcome = "wrong_digest" if "wrong digest" in str(exc) else "crashes"
                if len(examples) < 10:
                    examples.append(f"{name}: {''.join(traceback.format_exception_only(exc)).strip()}")
                if outcome == "wrong_digest":
                    counts["crashes"] += 1
            if time.perf_counter() - start > HANG_SECONDS:
                counts["hangs"] += 1
            counts["cases"] += 1
            counts[outcome] += 1
            by_mutation.setdefault(name, {}).setdefault(outcome, 0)
            by_mutation[name][outcome] += 1
    counts["by_mutation"] = by_mutation
    counts["examples"] = examples
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=10_000, help="mutated artifacts (default 10000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the counts as JSON")
    parser.add_argument(
        "--commands", action="store_true", help="also run each accepted artifact through the CLI commands that read it"
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    counts = run(args.n, args.seed, args.commands)
    counts["seconds"] = round(time.perf_counter() - start, 1)
    print(json.dumps(counts, indent=2))
    if args.json:
        args.json.write_text(json.dumps(counts, indent=2) + "\n")
    return 1 if counts["crashes"] or counts["hangs"] else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    raise SystemExit(main())
