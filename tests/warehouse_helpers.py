"""A catalog and a usage file that exercise every pricing feature, for the
warehouse path (the price table, the pricing SQL on DuckDB, Spark, ...): every
fall-back, tiers (and a row exactly on a threshold), variants with tiers, a
period change inside the file, a day boundary crossed by a time zone, aliases,
an ambiguous bare name, an unknown model, a model with no price that day, a
variant a model lacks, token kinds a model has no price for.  Every model accepts
every modality and a large context: the SQL does not apply cost()'s modality and
context-window refusals yet (see docs/warehouse.md)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from conftest import MINI, MakeCatalog
from modelctl.artifact.publish import SourceInfo, publish
from modelctl.runtime import Usage

FILES: dict[str, str | None] = {
    **MINI,
    # only input and output: every other token kind falls back (and images / per-request are unpriced / free)
    "models/acme/plain.yaml": """\
        # yaml-language-server: $schema=../../../schema/model.schema.json
        id: plain
        name: Plain
        status: active
        aliases: [Plain-Latest]
        released: 2025-01-01
        limits: {context_window: 1000000}
        modalities: {input: [text, image, audio, video], output: [text, image, audio]}
        pricing:
          - effective_from: 2025-01-01
            source: https://acme.example/pricing
            checked: 2026-11-01
            input_per_1m: 1.10
            output_per_1m: 4.40
            cache_write_per_1m: 1.375
        """,
    # every key given, a per-request fee, per image, tiers and a priority variant with its own tier
    "models/acme/omni.yaml": """\
        # yaml-language-server: $schema=../../../schema/model.schema.json
        id: omni
        name: Omni
        status: active
        released: 2025-01-01
        limits: {context_window: 1000000}
        modalities: {input: [text, image, audio, video], output: [text, image, audio]}
        pricing:
          - effective_from: 2025-01-01
            source: https://acme.example/pricing
            checked: 2026-11-01
            input_per_1m: 1.25
            output_per_1m: 10.00
            cached_input_per_1m: 0.125
            cache_write_per_1m: 1.5625
            cache_write_1h_per_1m: 2.50
            reasoning_per_1m: 12.00
            input_audio_per_1m: 3.00
            output_audio_per_1m: 20.00
            input_image_per_1m: 1.75
            output_image_per_1m: 40.00
            per_request: 0.0035
            per_image: 0.039
            tiers:
              - {above_input_tokens: 200000, input_per_1m: 2.50, output_per_1m: 15.00}
              - {above_input_tokens: 500000, input_per_1m: 5.00, cached_input_per_1m: 0.50}
            variants:
              priority:
                input_per_1m: 2.50
                output_per_1m: 20.00
                tiers: [{above_input_tokens: 200000, input_per_1m: 5.00, output_per_1m: 30.00}]
        """,
    # no price for output: a row with output tokens cannot be priced
    "models/acme/embed.yaml": """\
        # yaml-language-server: $schema=../../../schema/model.schema.json
        id: embed
        name: Embed
        status: active
        released: 2025-01-01
        limits: {context_window: 8192}
        modalities: {input: [text], output: [text]}
        pricing:
          - effective_from: 2025-01-01
            source: https://acme.example/pricing
            checked: 2026-11-01
            input_per_1m: 0.02
        """,
    "providers/zeta.yaml": """\
        # yaml-language-server: $schema=../../schema/provider.schema.json
        id: zeta
        name: Zeta Cloud
        kind: cloud
        currency: USD
        """,
    # an alias that names a variant (as Bedrock's in-region ids), one that does not
    "models/zeta/alpha.yaml": """\
        # yaml-language-server: $schema=../../../schema/model.schema.json
        id: alpha
        name: Alpha (Zeta)
        status: active
        aliases: [global.alpha, {name: eu.alpha, variant: regional}]
        released: 2025-02-01
        limits: {context_window: 1000000}
        modalities: {input: [text, image, audio, video], output: [text, image, audio]}
        pricing:
          - effective_from: 2025-02-01
            source: https://zeta.example/pricing
            checked: 2026-11-01
            input_per_1m: 2.50
            output_per_1m: 9.00
            variants:
              regional: {input_per_1m: 2.75, output_per_1m: 9.90}
        """,
    # time-of-day windows (DeepSeek's shape), a period change, text only, a 128k context
    "models/acme/cheap.yaml": """\
        # yaml-language-server: $schema=../../../schema/model.schema.json
        id: cheap
        name: Cheap
        status: active
        released: 2025-01-01
        limits: {context_window: 128000}
        modalities: {input: [text], output: [text]}
        pricing:
          - effective_from: 2025-08-01
            source: https://acme.example/pricing
            checked: 2026-11-01
            input_per_1m: 0.30
            cached_input_per_1m: 0.006
            output_per_1m: 1.20
            variants:
              off_peak:
                input_per_1m: 0.15
                cached_input_per_1m: 0.003
                output_per_1m: 0.60
                windows:
                  - {start: "10:00", end: "01:00"}
                  - {start: "04:00", end: "06:00"}
                  - {start: "00:00", end: "24:00", weekdays: [sat, sun]}
          - effective_from: 2025-01-01
            source: https://acme.example/pricing
            checked: 2026-11-01
            input_per_1m: 0.28
            output_per_1m: 1.10
            variants:
              off_peak:
                input_per_1m: 0.14
                output_per_1m: 0.55
                windows: [{start: "16:30", end: "00:30"}]
        """,
}

COLUMNS = (
    "request_id", "timestamp", "model", "variant", "account",
    "input_tokens", "output_tokens", "cached_input_tokens", "cache_write_tokens", "cache_write_1h_tokens",
    "reasoning_tokens", "input_audio_tokens", "output_audio_tokens", "input_image_tokens", "output_image_tokens",
    "requests", "images", "web_search_requests", "file_search_requests", "input_audio_seconds", "input_video_tokens",
    "cached_input_audio_tokens", "cached_input_image_tokens", "cache_write_12h_tokens", "seconds",
)  # fmt: skip

# (timestamp, model, variant, counts in COLUMNS order from input_tokens); request_id is the file line
ROWS: list[tuple[str, str, str, tuple[int, ...]]] = [
    # acme/alpha: the period change on 2025-06-01 (and a time zone moving a row back a day)
    ("2025-05-31T23:59:59Z", "acme/alpha", "", (1000, 500, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)),
    ("2025-06-01T00:30:00+02:00", "acme/alpha", "", (1000, 500, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)),
    ("2025-06-01T00:00:00Z", "acme/alpha", "", (1000, 500, 300, 0, 0, 0, 0, 0, 0, 0, 1, 0)),
    ("2025-06-02", "alpha-2025-01-01", "", (127700, 10, 300, 0, 0, 0, 0, 0, 0, 0, 1, 0)),  # exactly 128,000: base
    ("2025-06-02", "ACME/Alpha", "", (127700, 10, 301, 0, 0, 0, 0, 0, 0, 0, 1, 0)),  # 128,001: the tier
    ("2025-06-03", "acme/alpha", "batch", (127000, 10, 1000, 0, 0, 0, 0, 0, 0, 0, 1, 0)),
    ("2025-06-03", "acme/alpha", "batch", (200000, 10, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)),  # the batch tier
    ("2024-12-31", "acme/alpha", "", (10, 10, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)),  # before any price
    ("2025-03-01", "acme/alpha", "batch", (10, 10, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)),  # no batch in that period
    # acme/plain: every fall-back
    ("2025-07-01", "acme/plain", "", (1, 2, 3, 5, 7, 11, 13, 17, 19, 23, 1, 0)),
    ("2025-07-01", "plain-latest", "", (1000, 0, 200000, 3000, 4000, 0, 0, 0, 0, 0, 3, 0)),
    ("2025-07-01", "plain", "", (100, 100, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2)),  # images: no per_image
    # acme/omni: every key, per request, per image, two tiers, a variant with a tier
    ("2025-07-02", "acme/omni", "", (1, 2, 3, 5, 7, 11, 13, 17, 19, 23, 1, 1)),
    ("2025-07-02", "omni", "", (150000, 900, 40000, 5000, 5001, 77, 0, 0, 0, 0, 2, 0)),  # 200,001: tier 1
    ("2025-07-02", "omni", "", (400000, 900, 100001, 0, 0, 0, 0, 0, 0, 0, 1, 0)),  # 500,001: tier 2
    ("2025-07-02", "omni", "priority", (1000, 1000, 1000, 0, 0, 0, 0, 0, 0, 0, 1, 0)),
    ("2025-07-02", "omni", "priority", (250000, 1000, 0, 0, 0, 33, 0, 0, 0, 0, 1, 0)),
    ("2025-07-02", "omni", "flex", (1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)),  # no such variant
    # acme/embed: input only
    ("2025-07-03", "acme/embed", "", (5000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)),
    ("2025-07-03", "acme/embed", "", (5000, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)),  # output: no price
    # names
    ("2025-07-03", "alpha", "", (1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)),  # ambiguous: acme and zeta
    ("2025-07-03", "zeta/alpha", "", (1000, 1000, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)),
    ("2025-07-03", "acme/nope", "", (1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)),
    ("2026-01-15T12:00:00-08:00", "acme/beta", "", (3000, 2000, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)),
    # issue 12's usage fields: video, cached audio and image reads, 12-hour cache writes fall back
    ("2025-07-04", "acme/plain", "", (10, 10, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 100, 200, 300, 400, 0)),
    ("2025-07-04", "acme/omni", "", (10, 10, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 100, 200, 300, 400, 0)),
    ("2025-07-04", "acme/omni", "", (10, 10, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0)),  # no search fee
    # time-of-day windows (acme/cheap): 16:30-00:30 until 2025-08-01, then DeepSeek's hours and weekends
    ("2025-07-10T20:00:00Z", "acme/cheap", "", (1000, 1000, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)),  # 29: off-peak
    ("2025-07-10T00:29:59Z", "cheap", "", (1000, 1000, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)),  # 30: off-peak, past midnight
    ("2025-07-10T00:30:00Z", "cheap", "", (1000, 1000, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)),  # 31: the end is excluded
    ("2025-07-10T18:00:00+02:00", "cheap", "", (1000, 1000, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)),  # 32: 16:00 UTC: peak
    ("2025-07-10", "cheap", "", (1000, 1000, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)),  # 33: a date alone: the base price
    ("2025-07-31T23:00:00Z", "cheap", "", (1000, 1000, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)),  # 34: old period, off-peak
    ("2025-08-01T00:15:00Z", "cheap", "", (1000, 1000, 500, 0, 0, 0, 0, 0, 0, 0, 1, 0)),  # 35: new period, off-peak
    ("2025-08-04T02:00:00Z", "cheap", "", (1000, 1000, 500, 0, 0, 0, 0, 0, 0, 0, 1, 0)),  # 36: Monday 02:00: peak
    ("2025-08-04T05:00:00Z", "cheap", "", (1000, 1000, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)),  # 37: 04:00-06:00: off-peak
    ("2025-08-02T02:00:00Z", "cheap", "", (1000, 1000, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)),  # 38: Saturday: off-peak
    ("2025-08-03T23:30:00-02:00", "cheap", "", (1000, 1000, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)),  # 39: Monday 01:30 UTC
    ("2025-08-04T02:00:00Z", "cheap", "off_peak", (1000, 1000, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)),  # 40: its own variant
    # what cost() refuses: a modality the model does not take, more input than its context
    ("2025-08-04T12:00:00Z", "cheap", "", (1000, 10, 0, 0, 0, 0, 500, 0, 0, 0, 1, 0)),  # 41: audio on a text model
    ("2025-07-03", "acme/embed", "", (100, 0, 0, 0, 0, 0, 0, 0, 50, 0, 1, 0)),  # 42: an image on embed
    ("2025-07-03", "acme/embed", "", (9000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)),  # 43: above 8,192
    ("2025-07-03", "acme/embed", "", (9000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0)),  # 44: two requests: 16,384
    ("2025-08-05T12:00:00Z", "cheap", "", (100000, 10, 28001, 0, 0, 0, 0, 0, 0, 0, 1, 0)),  # 45: 128,001
    # an alias naming a variant (zeta/alpha: regional), and one that does not
    ("2025-07-03", "eu.alpha", "", (1000, 1000, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)),  # 46: regional
    ("2025-07-03T08:00:00Z", "ZETA/EU.ALPHA", "", (1000, 1000, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)),  # 47: regional
    ("2025-07-03", "global.alpha", "", (1000, 1000, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)),  # 48: base
    ("2025-07-03", "eu.alpha", "batch", (1000, 1000, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)),  # 49: its own variant: none
    # a tier reached with audio tokens (input-side): omni above 200,000
    ("2025-07-02", "omni", "", (150000, 900, 0, 0, 0, 0, 60000, 0, 0, 0, 1, 0)),  # 50
]
UNPRICED_LINES = {9, 10, 13, 19, 21, 22, 24, 28, 41, 42, 43, 45, 49}  # the rows built to fail, and only those


def published(root: Path, out: Path) -> Path:
    result = publish(root, out, source=SourceInfo())
    assert result.path is not None, [str(f) for f in result.validation.findings][:5]
    return result.path


def warehouse_catalog(make_catalog: MakeCatalog) -> Path:
    return make_catalog(FILES, name="warehouse")


def usage_csv(rows: list[tuple[str, str, str, tuple[int, ...]]] = ROWS) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for line, (ts, model, variant, counts) in enumerate(rows, 2):
        padded = (*counts, *[0] * (len(COLUMNS) - 5 - len(counts)))
        writer.writerow([line, ts, model, variant, "team-a" if line % 2 else "team-b", *padded])
    return buf.getvalue()


def moment(ts: str) -> date | datetime:
    """A row's timestamp as ``Catalog.cost`` takes it: a datetime (its UTC instant) or a date alone."""
    return datetime.fromisoformat(ts.replace("Z", "+00:00")) if "T" in ts else date.fromisoformat(ts)


def runtime_costs(catalog: Any, rows: list[tuple[str, str, str, tuple[int, ...]]] = ROWS) -> dict[int, Any]:
    """line -> what ``Catalog.cost`` says for that row of ``usage_csv(rows)``: a Cost, or the exception it raises."""
    out: dict[int, Any] = {}
    for line, (ts, name, variant, counts) in enumerate(rows, 2):
        usage = Usage(**dict(zip(COLUMNS[5:], counts, strict=False)))
        try:
            out[line] = catalog.cost(name, usage, at=moment(ts), variant=variant or None)
        except Exception as exc:  # noqa: BLE001 - any refusal: the row is unpriced
            out[line] = exc
    return out


def python_rows() -> list[tuple[str, str, str, tuple[int, ...]]]:
    """The rows Python reprice prices as the runtime does today: without a time-of-day window or an alias
    naming a variant (hu is adding them to usage/reprice.py; until then the engines are compared with the
    runtime on every row, and with Python reprice on these)."""
    return [r for r in ROWS if not ((r[1] in ("acme/cheap", "cheap") and "T" in r[0]) or "eu.alpha" in r[1].lower())]


def reference_reprice(
    catalog: Any,
    rows: list[tuple[str, str, str, tuple[int, ...]]] = ROWS,
    *,
    group_by: tuple[str, ...] = ("model",),
    what_if: tuple[str, ...] = (),
    at: date | None = None,
) -> dict[str, Any]:
    """What ``reprice`` must give for ``usage_csv(rows)``, from ``Catalog.cost`` row by row: groups
    (key, currency, rows, tokens, cost, what-if amounts, what-if unpriced), totals, the lines not priced
    ((line, what-if model or None)), what-if totals and failures."""
    from decimal import Decimal

    zero = Decimal(0)
    groups: dict[tuple[Any, ...], list[Any]] = {}
    errors: list[tuple[int, str | None]] = []
    wtotals, wfailed = [zero] * len(what_if), [0] * len(what_if)
    fields = COLUMNS[5:]
    for line, (ts, name, variant, counts) in enumerate(rows, 2):
        padded = (*counts, *[0] * (len(fields) - len(counts)))
        usage = Usage(**dict(zip(fields, padded, strict=True)))
        instant = moment(ts)
        when: Any = at or instant
        shifted = at is not None and isinstance(instant, datetime)
        if shifted:
            # --at: that day's prices, in the window the row's own UTC time of day and weekday fall in
            # (docs/cli.md): the first day from ``at`` with the row's weekday, at the row's time
            own = instant.astimezone(UTC) if instant.tzinfo else instant.replace(tzinfo=UTC)  # no offset: UTC
            day_with_weekday = at + timedelta(days=(own.weekday() - at.weekday()) % 7)
            when = datetime.combine(day_with_weekday, own.time(), tzinfo=UTC)
        try:
            cost = catalog.cost(name, usage, at=when, variant=variant or None)
        except Exception:  # noqa: BLE001 - any refusal: unpriced
            errors.append((line, None))
            continue
        if shifted:  # the shifted day must lie in the period in force on ``at``, or the reference is wrong
            assert catalog.cost(name, usage, at=at, variant=variant or None).effective_from == cost.effective_from
        day = (instant.astimezone(UTC).date() if isinstance(instant, datetime) else instant).isoformat()
        info = catalog.model(cost.model)
        values = {"model": cost.model, "provider": info.provider, "day": day, "month": day[:7],
                  "account": "team-a" if line % 2 else "team-b", "plan": "", "variant": cost.variant or "base"}  # fmt: skip
        key = (tuple(values[d] for d in group_by), cost.currency)
        acc = groups.setdefault(key, [0, dict.fromkeys(fields, 0), zero, [zero] * len(what_if), [0] * len(what_if)])
        acc[0] += 1
        for f, n in zip(fields, padded, strict=True):
            acc[1][f] += n
        acc[2] += cost.total
        for w, ref in enumerate(what_if):
            try:
                other = catalog.cost(ref, usage, at=when, variant=variant or None)
            except Exception:  # noqa: BLE001
                acc[4][w] += 1
                wfailed[w] += 1
                errors.append((line, ref))
                continue
            acc[3][w] += other.total
            wtotals[w] += other.total
    totals: dict[str, Any] = {}
    out = []
    for (key, currency), (n, tokens, cost_total, wsum, wunpriced) in sorted(groups.items()):
        totals[currency] = totals.get(currency, zero) + cost_total
        out.append((key, currency, n, tokens, cost_total, tuple(wsum), tuple(wunpriced)))
    return {"groups": out, "totals": totals, "errors": sorted(errors, key=lambda e: (e[0], e[1] or "")),
            "what_if": list(zip(what_if, wtotals, wfailed, strict=True))}  # fmt: skip
