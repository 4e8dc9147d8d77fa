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
from pathlib import Path

from conftest import MINI, MakeCatalog
from modelctl.artifact.publish import SourceInfo, publish

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
    "models/zeta/alpha.yaml": """\
        # yaml-language-server: $schema=../../../schema/model.schema.json
        id: alpha
        name: Alpha (Zeta)
        status: active
        released: 2025-02-01
        limits: {context_window: 1000000}
        modalities: {input: [text, image, audio, video], output: [text, image, audio]}
        pricing:
          - effective_from: 2025-02-01
            source: https://zeta.example/pricing
            checked: 2026-11-01
            input_per_1m: 2.50
            output_per_1m: 9.00
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
]
UNPRICED_LINES = {9, 10, 13, 19, 21, 22, 24, 28}  # the rows built to fail, and only those


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
