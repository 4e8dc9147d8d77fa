"""Differential fuzz of the two reprice engines: one usage file, one answer.

    python bench/fuzz_usage.py [-n 300] [--seed 0] [--cli-every 10] [--no-twice] [--case N] [--save DIR] [--json OUT]

Each case writes a random but realistic usage file (CSV with a comma, tab or semicolon, or JSON
Lines; a quarter of them gzipped) against the repository's catalog (published once with
``modelctl publish`` into a temp dir), mixing valid rows with hostile ones: unknown and ambiguous
model names, aliases in any case, variants the model has and has not, empty and blank cells, counts
around 2**63 and 2**64, negative, signed, fractional and non-ASCII counts, bad timestamps, offsets,
epoch seconds, dates before a model's first price, a BOM, CRLF, quoted cells, rows with extra or
missing fields, blank lines, duplicate or missing header columns, lines that are not JSON objects,
and now and then a byte that is not UTF-8.  The file is repriced with the same options (a
``--group-by`` the duckdb engine supports, sometimes ``--what-if`` models and ``--at``) by
``usage.reprice.reprice`` and ``interop.duckdb_engine.reprice_duckdb`` in-process, and compared:

* the exit code the CLI would give (0 priced, 1 some rows unpriced, 4 the file refused);
* the totals and every group (key, currency, rows, tokens, cost, what-if amounts and unpriced
  counts) as exact decimal strings, the rows read, priced and unpriced, the what-if totals;
* the line numbers (and what-if model) of every unpriced row (their wording may differ: docs/cli.md);
* the ignored columns; and neither may raise anything but ``UsageFileError`` (a traceback).

Every ``--cli-every``-th case also runs ``python -m modelctl reprice FILE --format json`` with
``--engine python`` and ``--engine duckdb`` as subprocesses and compares the exit codes, the JSON
documents (but the error messages) and that neither stderr holds a traceback.

``--no-twice`` writes no JSON key twice, the difference most often left (docs/cli.md, and
bench/README.md for the others).  Exit status: 0 the engines agreed on every case; 1 some case
disagreed or crashed; 2 bad arguments.  ``--case N`` runs case N of ``--seed`` alone (a case's
file depends only on the seed and its number) and prints both answers; ``--save DIR`` keeps
the first ``--keep`` failing cases (the usage file, the options, the difference).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from common import ROOT, print_table, write_json

sys.path.insert(0, str(ROOT / "src"))

from modelctl import runtime  # noqa: E402
from modelctl.cli.common import plain  # noqa: E402
from modelctl.interop.duckdb_engine import DUCKDB_DIMENSIONS, reprice_duckdb  # noqa: E402
from modelctl.usage.files import USAGE_FIELDS, UsageFileError  # noqa: E402
from modelctl.usage.reprice import RepriceResult, RowError, reprice  # noqa: E402

COMMON_FIELDS = ("input_tokens", "output_tokens", "cached_input_tokens", "cache_write_tokens", "requests")
BIG = [2**63 - 1, 2**63, 2**64 - 1, 2**64, 2**64 + 1, 10**20, 10**30]
# Count cells that are not a plain number of tokens (CSV text).
ODD_COUNTS = [
    "", " ", "  ", "\t", "-1", "-0", "+0", "+5", " 7 ", "07", "0007", "1.5", "1.0", "0.0", "1e3", "1E3",
    "0x10", "1_000", "1,000", "\u0661\u0662", "\u00b2", "\uff11\uff12", "NaN", "nan", "inf", "-inf", "abc",
    "5\u00a0", "\u00a05", "\u20035", "--1", "+-1", "1 2", "\u00a0", "true", "null", "None",
    *(str(b) for b in BIG), *(str(-b) for b in BIG[:3]), "18446744073709551615 ", " 18446744073709551616",
]  # fmt: skip
# JSON values for a count: as a JSON text.
ODD_JSON_COUNTS = [
    "null", "true", "false", "-1", "-0", "0.0", "1.0", "1.5", "1e3", "1E2", "-0.0", '"1000"', '""', '" 5 "',
    "[]", "{}", "[1]", '{"n": 1}', "NaN", "Infinity", "-Infinity", "1e400", "00", "01",
    *(str(b) for b in BIG), *(str(-b) for b in BIG[:3]), "18446744073709551615.0", "1.8446744073709552e19",
]  # fmt: skip
ODD_STAMPS = [
    "", " ", "yesterday", "now", "today", "epoch", "infinity", "-infinity", "allballs", "2026-13-01",
    "2026-02-30", "2026-02-29", "2024-02-29", "2026-5-1", "2026/05/01", "05/01/2026", " 2026-05-01",
    "2026-05-01 ", "2026-05-01T", "2026-05-01T25:00:00Z", "2026-05-01T24:00:00", "2026-05-01T23:59:60Z",
    "2026-05-01T12:00:00.123456789Z", "2026-05-01T12:00:00,5Z", "2026-05-01T12:00Z", "2026-05-01T12Z",
    "2026-05-01T12", "2026-05-01T1200", "20260501T120000Z", "20260501T120000", "2026-W18-5", "2026W185",
    "2026-121", "2026121", "2026-05-01T12:00:00+25:00", "2026-05-01T12:00:00+24:00", "2026-05-01T12:00:00 UTC",
    "2026-05-01 12:00:00 America/New_York", "2026-05-01 12:00:00 Europe/Paris", "2026-05-01T12:00:00+0200",
    "2026-05-01T12:00:00+02", "2026-05-01T12:00:00-00:00", "2026-05-01T12:00:00+05:30:15",
    "2026-05-01T12:00:00Z+01:00", "2026-05-01t12:00:00z", "2026-05-01 12:00:00z", "2026-05-01T12:00:00.5+05:30",
    "0001-01-01", "0000-01-01", "9999-12-31", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59-01:00",
    "0001-01-01T00:00:00+01:00", "10000-01-01", "+2026-05-01", "-2026-05-01", "2026-05-01 BC", "0044-03-15 BC",
    "253402300799", "253402300800", "99999999999", "99999999999999999999", "-1", "+1767225600", "1767225600.5",
    "1.7e9", "0", "00000000", "20261301", "20260229", "20240229", "1e9", "0x65", "1_767_225_600",
    "\u0661\u0667\u0666\u0667\u0662\u0662\u0665\u0666\u0660\u0660", "\uff12\uff10\uff12\uff16-05-01",
    "2026-05-01\x00", "2026-05-01T12:00:00\u200b", "2026\u201005\u201001", "2026-05-01T12:00:00.000000Z",
    "2026-05-01T12:00:00.0000001", "2026-05-01T12:00:00.Z", "2026-05-01T12:00:00+00:00:00.5",
    "2026-05-01T12:00:00[Europe/Paris]", "1767225600 ", " 1767225600", "17672256", "1767225600000",
]  # fmt: skip
ODD_JSON_STAMPS = [
    "1767225600", "1767225600.5", "1.7672256e9", "-1", "0", "1e400", "-1e400", "NaN", "true", "false",
    "null", "[]", "{}", '["2026-05-01"]', "253402300800", "99999999999999999999", "20260501", '"20260501"',
    "1767225600.0", "-0", "-62135596800", "-62135596801",
]  # fmt: skip
ODD_NAMES = [
    "", " ", "gpt-99", "openai/", "/gpt-4o", "openai/gpt-4o/x", "openai//gpt-4o", "gpt-4o ", " gpt-4o",
    "GPT-4O", "OpenAI/GPT-4o", "openai/gpt-4o\t", "gpt\u20104o", "gpt-4\u043e", "xai/gro\u212a-4.3",
    "XAI/GROK-4.3", "gro\u212a-4.3", "claude-opus-4-8", "gpt-oss-120b", "null", "None", "0", "\u00e9",
    "openai/gpt-4o\x00", "a" * 300, "openai/GPT-4O-MINI", "mistral-medium-3.5", "MISTRAL-MEDIUM-3.5",
    "eu.anthropic.claude-sonnet-4-6", "EU.ANTHROPIC.CLAUDE-SONNET-4-6", "deepseek-chat",
    "\u0130nput", "openai/gpt-4\u00f6",
]  # fmt: skip
ODD_VARIANTS = ["", " ", "base", "BATCH", "Batch", " batch", "batch ", "turbo", "none", "null", "off-peak", "0"]
ODD_DIMS = ["", "acme-bank", "team-a", "Team A", "a,b", 'q"uote', "\u00e9t\u00e9", " pad ", "0", "=1+1", "\t"]
ODD_JSON_DIMS = ["null", "true", "false", "0", "1.0", "1e2", "-0", "[]", '["a"]', "{}", '{"a": 1}', '"x"', '""']
EXTRA_COLUMNS = ["note", "prompt_tokens", "Input_Tokens_", "cost", "user", "id"]


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("-n", "--cases", type=int, default=300, help="usage files (default 300)")
    add("--seed", type=int, default=0, help="random seed (default 0)")
    add("--cli-every", type=int, default=10, help="run the CLI on every N-th case too (0: never; default 10)")
    add("--case", type=int, help="run this case alone and print both answers")
    add("--max-rows", type=int, default=40, help="rows per file at most (default 40)")
    add("--save", type=Path, help="write failing cases (usage file, options, difference) into this folder")
    add("--keep", type=int, default=20, help="failing cases to save at most (default 20)")
    add(
        "--no-twice",
        action="store_true",
        help="write no JSON key twice (a difference left: python reads the last value, duckdb the first)",
    )
    add("--catalog", type=Path, help="a catalog folder or artifact (default: publish the repository's catalog/)")
    add("--json", dest="json_out", help="also write the summary as JSON to this file (- for stdout)")
    args = parser.parse_args(argv)
    if args.cases < 0 or args.cli_every < 0 or args.max_rows < 1:
        parser.error("-n and --cli-every must be >= 0, --max-rows >= 1")
    return args


# --- the catalog --------------------------------------------------------------------


class Names:
    """What the generator needs to know of the catalog: names, variants, the first price day."""

    def __init__(self, catalog: runtime.Catalog) -> None:
        self.refs: list[str] = []
        self.names: list[str] = []  # refs, ids, aliases
        self.variants: dict[str, list[str]] = {}
        self.first_day: dict[str, date] = {}
        ids: Counter[str] = Counter()
        for info in catalog.models():
            data = info.data
            self.refs.append(info.ref)
            ids[str(data["id"])] += 1
            self.names += [info.ref, str(data["id"]), *(str(a) for a in data.get("aliases") or ())]
            periods = data.get("pricing") or []
            self.variants[info.ref] = sorted({v for p in periods for v in (p.get("variants") or {})})
            days = [date.fromisoformat(str(p["effective_from"])) for p in periods]
            self.first_day[info.ref] = min(days) if days else date(2026, 1, 1)
        self.ambiguous = sorted(i for i, k in ids.items() if k > 1)
        self.resolve = catalog.resolve


def publish_catalog(out: Path) -> Path:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "MODELCTL_NO_CACHE": "1"}
    subprocess.run(
        [sys.executable, "-m", "modelctl", "publish", str(ROOT / "catalog"), "--out", str(out)],
        check=True,
        capture_output=True,
        env=env,
    )
    return out / "catalog.json"


def load_catalog(path: Path) -> runtime.Catalog:
    if path.is_dir():
        from modelctl.query.opening import open_catalog

        return open_catalog(path).catalog
    return runtime.Catalog.load(str(path))


# --- a usage file -------------------------------------------------------------------


class Case:
    """One usage file and the options to reprice it with (from ``random.Random(f"{seed}:{n}")``)."""

    def __init__(self, names: Names, seed: int, n: int, max_rows: int, *, twice: bool = True) -> None:
        rnd = self.rnd = random.Random(f"{seed}:{n}")
        self.names, self.twice = names, twice
        self.kind = rnd.choice(("csv", "csv", "jsonl", "jsonl", "csv-tab", "csv-semi"))
        self.hostility = rnd.choice((0.0, 0.05, 0.15, 0.4))
        self.fields = self._fields()
        self.dims = [d for d in ("variant", "account", "plan") if rnd.random() < 0.5]
        self.extra = rnd.sample(EXTRA_COLUMNS, rnd.choice((0, 0, 0, 1, 2)))
        self.notes: list[str] = []
        rows = rnd.randint(0, max_rows) if rnd.random() < 0.95 else rnd.randint(0, 3)
        body = self._csv(rows) if self.kind.startswith("csv") else self._jsonl(rows)
        self.data = self._bytes(body)
        ext = {"csv": ".csv", "csv-tab": ".tsv", "csv-semi": ".csv", "jsonl": ".jsonl"}[self.kind]
        if rnd.random() < 0.1:
            ext = rnd.choice((".txt", ".dat", ".ndjson", ".json", "")) if self.kind == "jsonl" else ".txt"
        self.suffix = ext + (".gz" if rnd.random() < 0.25 else "")
        self.group_by = rnd.sample(DUCKDB_DIMENSIONS, rnd.choice((1, 1, 1, 2)))
        self.what_if = rnd.sample(names.refs, rnd.choice((0, 0, 0, 1, 2)))
        self.at = date(2026, 1, 1) + timedelta(days=rnd.randint(-900, 400)) if rnd.random() < 0.15 else None

    def options(self) -> list[str]:
        out = [a for d in self.group_by for a in ("-g", d)]
        out += [a for w in self.what_if for a in ("--what-if", w)]
        return out + (["--at", self.at.isoformat()] if self.at else [])

    def describe(self) -> str:
        return f"{self.kind}{self.suffix} hostility {self.hostility} {' '.join(self.options())} {self.notes}"

    def _fields(self) -> list[str]:
        rnd = self.rnd
        pick = rnd.random()
        if pick < 0.5:  # what most models price: the file is then mostly priced
            return rnd.sample(["input_tokens", "output_tokens", "requests"], rnd.randint(1, 3))
        if pick < 0.8:
            return rnd.sample(COMMON_FIELDS, rnd.randint(1, len(COMMON_FIELDS)))
        return rnd.sample(USAGE_FIELDS, rnd.randint(1, 6))

    def _odd(self) -> bool:
        return self.rnd.random() < self.hostility

    def _model(self) -> str:
        rnd, names = self.rnd, self.names
        if self._odd():
            return rnd.choice(ODD_NAMES + names.ambiguous)
        name = rnd.choice(names.names)
        return name.upper() if rnd.random() < 0.05 else name

    def _ref_of(self, name: str) -> str | None:
        try:
            return self.names.resolve(name)
        except Exception:  # noqa: BLE001 - an unknown or ambiguous name: any day will do
            return None

    def _day(self, ref: str | None) -> date:
        rnd = self.rnd
        first = self.names.first_day.get(ref or "", date(2025, 1, 1))
        if self._odd():
            return first + timedelta(days=rnd.choice((-1, 0, -400, 1)))
        return first + timedelta(days=rnd.randint(0, 500))

    def _stamp(self, ref: str | None, *, json_text: bool = False) -> str:
        """A timestamp (as CSV text, or as a JSON value's text when ``json_text``)."""
        rnd = self.rnd
        if self._odd():
            if json_text and rnd.random() < 0.4:
                return rnd.choice(ODD_JSON_STAMPS)
            text = rnd.choice(ODD_STAMPS)
            return json.dumps(text) if json_text else text
        day = self._day(ref)
        h, m, s = rnd.randrange(24), rnd.randrange(60), rnd.randrange(60)
        form = rnd.choice(("date", "z", "offset", "naive", "space", "epoch", "micro", "date8", "minutes"))
        if form == "date":
            text = day.isoformat()
        elif form == "z":
            text = f"{day}T{h:02}:{m:02}:{s:02}Z"
        elif form == "offset":
            sign, oh, om = rnd.choice("+-"), rnd.randrange(15), rnd.choice((0, 30, 45))
            text = f"{day}T{h:02}:{m:02}:{s:02}{sign}{oh:02}:{om:02}"
        elif form == "naive":
            text = f"{day}T{h:02}:{m:02}:{s:02}"
        elif form == "space":
            text = f"{day} {h:02}:{m:02}:{s:02}"
        elif form == "micro":
            text = f"{day}T{h:02}:{m:02}:{s:02}.{rnd.randrange(10**6):06}+00:00"
        elif form == "minutes":
            text = f"{day}T{h:02}:{m:02}"
        elif form == "date8":
            text = day.strftime("%Y%m%d")
        else:
            epoch = (day - date(1970, 1, 1)).days * 86400 + h * 3600 + m * 60 + s
            if json_text and rnd.random() < 0.7:
                return str(epoch)
            text = str(epoch)
        return json.dumps(text) if json_text else text

    def _variant(self, ref: str | None) -> str:
        rnd = self.rnd
        if self._odd():
            return rnd.choice(ODD_VARIANTS)
        if ref and self.names.variants.get(ref) and rnd.random() < 0.4:
            return rnd.choice(self.names.variants[ref])
        return ""

    def _count(self, field: str) -> int:
        rnd = self.rnd
        if field == "requests":
            return rnd.choice((1, 1, 1, 0, 2, 10))
        if rnd.random() < 0.2:
            return 0
        return rnd.choice((rnd.randint(1, 5_000), rnd.randint(1, 300_000), rnd.randint(1, 10**7)))

    def _count_text(self, field: str) -> str:
        if self._odd():
            return self.rnd.choice(ODD_COUNTS)
        return str(self._count(field))

    def _count_json(self, field: str) -> str | None:
        """A JSON count's text, or None to leave the key out."""
        rnd = self.rnd
        if self._odd():
            return None if rnd.random() < 0.2 else rnd.choice(ODD_JSON_COUNTS)
        return str(self._count(field))

    def _dim(self, column: str, ref: str | None) -> str:
        if column == "variant":
            return self._variant(ref)
        return self.rnd.choice(ODD_DIMS) if self._odd() else self.rnd.choice(("", "acme-bank", "team-a", "team-b"))

    # CSV

    def _header(self, delim: str) -> list[str]:
        rnd = self.rnd
        cols = ["timestamp", "model", *self.fields, *self.dims, *self.extra]
        rnd.shuffle(cols)
        if self._odd() and rnd.random() < 0.3:
            pick = rnd.randrange(len(cols))
            change = rnd.choice(("upper", "title", "pad", "quote", "duplicate", "drop", "empty"))
            self.notes.append(f"header {change} {cols[pick]}")
            if change == "upper":
                cols[pick] = cols[pick].upper()
            elif change == "title":
                cols[pick] = cols[pick].title()
            elif change == "pad":
                cols[pick] = f" {cols[pick]} "
            elif change == "quote":
                cols[pick] = f'"{cols[pick]}"'
            elif change == "duplicate":
                cols.append(rnd.choice((cols[pick], cols[pick].upper())))
            elif change == "drop":
                del cols[pick]
            else:
                cols.insert(pick, "")
        return cols

    def _csv(self, rows: int) -> str:
        rnd = self.rnd
        delim = {"csv-tab": "\t", "csv-semi": ";"}.get(self.kind, ",")
        cols = self._header(delim)
        names = [c.strip().strip('"').lower() for c in cols]
        newline = "\r\n" if rnd.random() < 0.2 else "\n"
        lines = [delim.join(cols)]
        for _ in range(rows):
            model = self._model()
            ref = self._ref_of(model)
            cells = []
            for name in names:
                if name == "timestamp":
                    cell = self._stamp(ref)
                elif name == "model":
                    cell = model
                elif name in USAGE_FIELDS:
                    cell = self._count_text(name)
                elif name in ("variant", "account", "plan"):
                    cell = self._dim(name, ref)
                else:
                    cell = rnd.choice(("", "x", "hello world", "1"))
                cells.append(self._quote(cell, delim))
            if self._odd() and rnd.random() < 0.15:
                shape = rnd.choice(("extra", "missing", "blank", "spaces", "trailing", "bare-cr"))
                self.notes.append(f"row {shape}")
                if shape == "extra":
                    cells.append("1")
                elif shape == "missing" and cells:
                    cells.pop()
                elif shape == "blank":
                    lines.append("")
                elif shape == "spaces":
                    lines.append("   ")
                elif shape == "trailing":
                    cells.append("")
                else:
                    cells[-1] += "\r"
            lines.append(delim.join(cells))
        end = "" if rnd.random() < 0.1 else newline
        return newline.join(lines) + end

    def _quote(self, cell: str, delim: str) -> str:
        rnd = self.rnd
        needs = any(c in cell for c in (delim, '"', "\n", "\r"))
        if needs or rnd.random() < 0.05:
            if rnd.random() < 0.1:  # a bare quote inside a cell, as a hand-made file has
                return cell + '"'
            return '"' + cell.replace('"', '""') + '"'
        if self._odd() and rnd.random() < 0.05:
            return '"' + cell + "\n" + '"'  # a line break inside a quoted cell
        return cell

    # JSON Lines

    def _jsonl(self, rows: int) -> str:
        rnd = self.rnd
        newline = "\r\n" if rnd.random() < 0.2 else "\n"
        lines = []
        for _ in range(rows):
            if self._odd() and rnd.random() < 0.15:
                odd = rnd.choice(("", "   ", "[]", "1", '"x"', "null", "{", "{}", '{"timestamp": "2026-05-01"}',
                                  "[" * 2000 + "]" * 2000, '{"a":' * 3000 + "1" + "}" * 3000, "NaN"))  # fmt: skip
                self.notes.append(f"line {odd[:12]!r}")
                lines.append(odd)
                continue
            model = self._model()
            ref = self._ref_of(model)
            items: list[tuple[str, str]] = []
            if not (self._odd() and rnd.random() < 0.1):
                items.append(("timestamp", self._stamp(ref, json_text=True)))
            if not (self._odd() and rnd.random() < 0.1):
                odd = self._odd() and rnd.random() < 0.2
                items.append(("model", rnd.choice(("5", "null", "[]")) if odd else json.dumps(model)))
            for field in self.fields:
                text = self._count_json(field)
                if text is not None:
                    key = field.title() if self._odd() and rnd.random() < 0.05 else field
                    items.append((key, text))
            for dim in self.dims:
                if self._odd() and rnd.random() < 0.3:
                    items.append((dim, rnd.choice(ODD_JSON_DIMS)))
                elif rnd.random() < 0.9:
                    items.append((dim, json.dumps(self._dim(dim, ref))))
            for col in self.extra:
                items.append((col, json.dumps("x")))
            if self._odd() and rnd.random() < 0.1 and items:  # a key twice: the last one wins in Python
                k, _ = rnd.choice(items)
                if self.twice:
                    items.append((k, rnd.choice(('"gpt-99"', "0", "7", '"2026-05-01"', "null"))))
                    self.notes.append(f"key {k} twice")
            rnd.shuffle(items)
            sep = rnd.choice((", ", ",", " , "))
            lines.append("{" + sep.join(f"{json.dumps(k)}: {v}" for k, v in items) + "}")
        end = "" if rnd.random() < 0.1 else newline
        return newline.join(lines) + (end if lines else "")

    def _bytes(self, body: str) -> bytes:
        rnd = self.rnd
        data = body.encode("utf-8", "surrogatepass")
        if rnd.random() < 0.1:
            data = b"\xef\xbb\xbf" + data
            self.notes.append("BOM")
        if self.hostility and rnd.random() < 0.03 and data:
            at = rnd.randrange(len(data))
            data = data[:at] + rnd.choice((b"\xff", b"\xe9", b"\xc3", b"\xed\xa0\x80")) + data[at:]
            self.notes.append("not UTF-8")
        return data


# --- running both engines -----------------------------------------------------------


def summary(result: RepriceResult, errors: list[RowError]) -> dict[str, Any]:
    """What must be equal in both engines' answers."""
    return {
        "exit": 1 if result.failed else 0,
        "totals": {c: plain(t) for c, t in sorted(result.totals.items())},
        "rows": [result.rows_read, result.rows_priced, result.error_count],
        "groups": [
            [
                list(g.key),
                g.currency,
                g.rows,
                {f: n for f, n in g.tokens.items() if n},
                plain(g.cost),
                [None if g.unpriced_on(w) == g.rows else plain(a) for w, a in enumerate(g.what_if)],
                [g.unpriced_on(w) for w in range(len(g.what_if))],
            ]
            for g in result.groups
        ],  # fmt: skip
        "what_if": [[w.model, w.currency, plain(w.total), w.failed] for w in result.what_if],
        "error_lines": sorted((e.line, e.what_if or "") for e in errors),
        "ignored": list(result.ignored_columns),
    }


def run_engine(engine: str, path: Path, catalog: runtime.Catalog, case: Case) -> dict[str, Any]:
    errors: list[RowError] = []
    function = reprice if engine == "python" else reprice_duckdb
    try:
        result = function(
            path, catalog, group_by=case.group_by, what_if=case.what_if, at=case.at, keep_errors=0,
            on_error=errors.append,
        )  # fmt: skip
    except UsageFileError as exc:
        return {"exit": 4, "message": str(exc)}
    except Exception:  # noqa: BLE001 - a traceback where an answer belongs
        return {"exit": "crash", "traceback": traceback.format_exc()}
    return summary(result, errors)


def differences(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    if "traceback" in a or "traceback" in b:
        return ["crash: " + (a.get("traceback") or b.get("traceback") or "").strip().splitlines()[-1]]
    out = []
    for key in sorted(set(a) | set(b)):
        if key != "message" and a.get(key) != b.get(key):
            out.append(key)
    return out


def cli_run(engine: str, path: Path, artifact: Path, case: Case) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "MODELCTL_NO_CACHE": "1", "NO_COLOR": "1"}
    command = [sys.executable, "-m", "modelctl", "reprice", str(path), "--catalog", str(artifact)]
    command += ["--format", "json", "--show-errors", "100000", "--engine", engine, *case.options()]
    done = subprocess.run(command, capture_output=True, env=env, timeout=120)
    out: dict[str, Any] = {"exit": done.returncode, "traceback": "Traceback" in done.stderr.decode("utf-8", "replace")}
    if done.returncode in (0, 1) and done.stdout:
        doc = json.loads(done.stdout)
        doc.pop("file", None)
        doc["errors"] = sorted((e["line"], e["what_if"] or "") for e in doc.pop("errors"))
        out["doc"] = doc
    return out


def cli_differences(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    out = [f"cli {k}" for k in ("exit", "traceback") if a[k] != b[k]]
    if a["traceback"] or b["traceback"]:
        out.append("cli traceback")
    da, db = a.get("doc") or {}, b.get("doc") or {}
    out += [f"cli json {k}" for k in sorted(set(da) | set(db)) if da.get(k) != db.get(k)]
    return out


def run(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    artifact = args.catalog or publish_catalog(work / "dist")
    catalog = load_catalog(artifact)
    names = Names(catalog)
    counts: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    found: list[dict[str, Any]] = []
    started = time.perf_counter()
    numbers = [args.case] if args.case is not None else range(args.cases)
    for n in numbers:
        case = Case(names, args.seed, n, args.max_rows, twice=not args.no_twice)
        path = work / f"usage-{n}{case.suffix}"
        path.write_bytes(gzip.compress(case.data, mtime=0) if case.suffix.endswith(".gz") else case.data)
        py, dd = run_engine("python", path, catalog, case), run_engine("duckdb", path, catalog, case)
        counts["cases"] += 1
        counts[f"exit {py['exit']}"] += 1
        kinds[case.kind] += 1
        diff = differences(py, dd)
        if args.cli_every and (n % args.cli_every == 0 or args.case is not None) and not diff:
            counts["cli cases"] += 1
            cpy, cdd = cli_run("python", path, artifact, case), cli_run("duckdb", path, artifact, case)
            diff += cli_differences(cpy, cdd)
            if cpy["exit"] != py["exit"]:
                diff.append(f"cli exit {cpy['exit']} but in-process {py['exit']}")
        if args.case is not None:
            print(json.dumps({"what": case.describe(), "python": py, "duckdb": dd}, indent=1, default=str))
        if diff:
            counts["disagreements"] += 1
            diff += _lines_apart(case, py, dd)
            counts["crashes"] += any(d.startswith("crash") or "traceback" in d for d in diff)
            entry = {"case": n, "what": case.describe(), "differ": diff}
            found.append(entry)
            if len(found) <= 10:
                print(f"case {n}: {case.describe()}: {', '.join(diff)}", file=sys.stderr)
            if args.save and len(found) <= args.keep:
                _save(args.save / f"case-{n:05d}", path, case, py, dd, diff)
        path.unlink()
    return {
        "cases": counts["cases"],
        "seed": args.seed,
        "seconds": round(time.perf_counter() - started, 1),
        "cli_cases": counts["cli cases"],
        "exit_0": counts["exit 0"],
        "exit_1": counts["exit 1"],
        "exit_4": counts["exit 4"],
        "disagreements": counts["disagreements"],
        "crashes": counts["crashes"],
        "kinds": dict(kinds),
        "by_difference": dict(Counter(d.split(":")[0] for e in found for d in e["differ"] if "refused" not in d)),
        "found": found[:50],
    }


def _lines_apart(case: Case, py: dict[str, Any], dd: dict[str, Any]) -> list[str]:
    """The lines only one engine could not price, with their text (what to look at first)."""
    if "error_lines" not in py or "error_lines" not in dd:
        return []
    a, b = {tuple(e) for e in py["error_lines"]}, {tuple(e) for e in dd["error_lines"]}
    text = case.data.decode("utf-8", "replace").splitlines()
    out = []
    for who, lines in (("only python refused", a - b), ("only duckdb refused", b - a)):
        for line, what_if in sorted(lines)[:5]:
            row = text[line - 1] if 0 < line <= len(text) else "?"
            out.append(f"{who}: line {line}{' on ' + what_if if what_if else ''}: {row[:120]!r}")
    return out


def _save(folder: Path, path: Path, case: Case, py: dict[str, Any], dd: dict[str, Any], diff: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"usage{case.suffix}").write_bytes(path.read_bytes())
    what = {"what": case.describe(), "options": case.options(), "differ": diff, "python": py, "duckdb": dd}
    (folder / "what.json").write_text(json.dumps(what, indent=1, default=str) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    os.environ.setdefault("MODELCTL_NO_CACHE", "1")
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(prefix="modelctl-fuzz-usage-", dir=base) as tmp:
        result = run(args, Path(tmp))
    if args.case is None:
        print_table([{k: v for k, v in result.items() if isinstance(v, int | float)}])
    if result["by_difference"]:
        print(f"what differed: {result['by_difference']}")
    if args.json_out:
        write_json(args.json_out, result)
    return 1 if result["disagreements"] else 0


if __name__ == "__main__":
    sys.exit(main())
