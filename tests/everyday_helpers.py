"""A small catalog for the everyday commands (list, show, compare, cost,
estimate, reprice, site): MINI plus a per-request fee, an embedding model
without an output price, a retired model, and a second provider with a model
whose id collides with acme/alpha (so a bare ``alpha`` is ambiguous)."""

from __future__ import annotations

from pathlib import Path

from conftest import MakeCatalog
from modelctl import runtime
from modelctl.query.opening import open_catalog

EXTRA: dict[str, str | None] = {
    "models/acme/delta.yaml": """\
        # yaml-language-server: $schema=../../../schema/model.schema.json
        id: delta
        name: Delta Search
        status: active
        released: 2025-03-01
        limits: {context_window: 128000, max_output_tokens: 4096}
        modalities: {input: [text], output: [text]}
        features: [web_search, streaming]
        pricing:
          - effective_from: 2025-03-01
            source: https://acme.example/pricing
            checked: 2026-11-01
            input_per_1m: 1.00
            output_per_1m: 4.00
            per_request: 0.005
        """,
    "models/acme/gamma.yaml": """\
        # yaml-language-server: $schema=../../../schema/model.schema.json
        id: gamma
        name: Gamma Embed
        status: active
        released: 2025-01-01
        limits: {context_window: 8192}
        modalities: {input: [text], output: [text]}
        features: [embeddings]
        pricing:
          - effective_from: 2025-01-01
            source: https://acme.example/pricing
            checked: 2026-11-01
            input_per_1m: 0.02
        """,
    "models/acme/old.yaml": """\
        # yaml-language-server: $schema=../../../schema/model.schema.json
        id: old
        name: Old One
        status: retired
        enabled: false
        released: 2023-01-01
        deprecation: {announced: 2025-06-01, retires: 2026-01-01, replacement: acme/alpha}
        limits: {context_window: 16000}
        modalities: {input: [text], output: [text]}
        pricing:
          - effective_from: 2023-01-01
            source: https://acme.example/pricing
            checked: 2025-12-01
            input_per_1m: 10.00
            output_per_1m: 30.00
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
        limits: {context_window: 200000}
        modalities: {input: [text, image], output: [text]}
        features: [vision, batch_api]
        pricing:
          - effective_from: 2025-02-01
            source: https://zeta.example/pricing
            checked: 2026-11-01
            input_per_1m: 2.50
            output_per_1m: 9.00
            variants:
              batch: {input_per_1m: 1.25}
        """,
}


def everyday_catalog(make_catalog: MakeCatalog) -> Path:
    return make_catalog(EXTRA)


def runtime_of(path: Path) -> runtime.Catalog:
    return open_catalog(path).catalog
