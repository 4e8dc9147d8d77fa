"""The catalog ``modelctl init`` writes: a provider, a model and a plan to
start from, or providers copied from the reference catalog."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from modelctl import __version__
from modelctl.authoring.init import Planned
from modelctl.authoring.new import UsageProblem
from modelctl.catalog.loader import load_catalog

__all__ = ["reference_catalog", "starter_catalog"]


def _settings() -> Planned:
    return Planned(
        "catalog/catalog.yaml",
        f"""\
# yaml-language-server: $schema=../schema/catalog.schema.json
# The catalog's settings (written by `modelctl init`, modelctl {__version__}).
name: Model catalog
description: The AI models this organisation uses, and their prices.
currency: USD
purposes: [chat, fast, embedding]   # what plans name defaults for
stale_after_days: 365               # a price not checked for this long is a warning (MC306)
review_threshold_percent: 10        # a price increase above this is flagged in `modelctl diff`
""",
    )


def _plan(default: str | None) -> Planned:
    defaults = (
        f"defaults:\n  chat: {default}                # the model served when none is asked for\n" if default else ""
    )
    return Planned(
        "catalog/plans/default.yaml",
        f"""\
# yaml-language-server: $schema=../../schema/plan.schema.json
# An example plan: which models it may use, and its defaults. See `modelctl explain`.
id: default
name: Default
description: Every enabled model that is not a preview.
models:
  allow:
    - "*"
  deny:
    - {{status: preview}}
{defaults}""",
    )


def starter_catalog(today: date) -> list[Planned]:
    day = today.isoformat()
    provider = Planned(
        "catalog/providers/acme.yaml",
        """\
# yaml-language-server: $schema=../../schema/provider.schema.json
# An example provider: rename it (file, folder and id) or add yours with `modelctl new provider ID`.
id: acme
name: Acme AI
kind: lab                           # lab | cloud | host | aggregator
website: https://example.com
currency: USD
""",
    )
    model = Planned(
        "catalog/models/acme/chat-1.yaml",
        f"""\
# yaml-language-server: $schema=../../../schema/model.schema.json
# An example model. Add one like it with `modelctl new model acme/chat-2 --from acme/chat-1`.
id: chat-1
name: Acme Chat 1
status: active                      # preview | active | deprecated | retired
released: {day}
limits: {{context_window: 128000, max_output_tokens: 16384}}
modalities: {{input: [text], output: [text]}}
features: [streaming, function_calling]
pricing:                            # USD per 1M tokens unless the key says otherwise; newest first
  - effective_from: {day}
    source: https://example.com/pricing
    checked: {day}
    input_per_1m: 0.50
    output_per_1m: 1.50
""",
    )
    return [_settings(), provider, model, _plan("acme/chat-1")]


def reference_catalog(reference: Path, providers: list[str], today: date) -> list[Planned]:
    """The named providers and their models from the reference catalog, file for file."""
    known = sorted(p.name.removesuffix(".yaml") for p in (reference / "providers").glob("*.yaml"))
    unknown = [p for p in providers if p not in known]
    if unknown:
        raise UsageProblem(f"--from-reference: unknown provider {', '.join(unknown)} (known: {', '.join(known)})")
    out = [_settings()]
    for provider in dict.fromkeys(providers):
        out.append(_copy(reference, f"providers/{provider}.yaml"))
        folder = reference / "models" / provider
        for name in sorted(os.listdir(folder)) if folder.is_dir() else []:
            if name.endswith(".yaml"):
                out.append(_copy(reference, f"models/{provider}/{name}"))
    return [*out, _plan(_a_default(reference, providers, today))]


def _copy(reference: Path, rel: str) -> Planned:
    return Planned(f"catalog/{rel}", (reference / rel).read_text(encoding="utf-8"))


def _a_default(reference: Path, providers: list[str], today: date) -> str | None:
    """A chat default for the example plan: the first active, enabled text model of the first provider."""
    models = load_catalog(reference).catalog.models
    for provider in providers:
        for ref, model in sorted(models.items()):
            if (
                model.provider == provider
                and model.status == "active"
                and model.enabled
                and "embeddings" not in model.features
                and "text" in model.output_modalities
                and (model.deprecation is None)
            ):
                return ref
    return None
