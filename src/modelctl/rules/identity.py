"""Identity, reference and provider rules (MC2xx): unknown providers, duplicate ids
and aliases, replacements, rule settings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from modelctl.catalog.model import Model
from modelctl.catalog.strict_yaml import PathSeg
from modelctl.codes import CODES
from modelctl.errors import Finding
from modelctl.rules.registry import RuleContext, rule


@rule
def unknown_provider(ctx: RuleContext) -> Iterator[Finding]:
    reported: set[str] = set()
    for model in ctx.catalog.models.values():
        if model.provider not in ctx.provider_ids and model.provider not in reported:
            reported.add(model.provider)
            msg = (
                f"provider {model.provider!r} (folder models/{model.provider}/) has no "
                f"providers/{model.provider}.yaml: create it, or move the model to an existing provider"
            )
            yield ctx.at("MC202", model.file, ["id"], msg)


@rule
def duplicate_ids_and_aliases(ctx: RuleContext) -> Iterator[Finding]:
    by_provider: dict[str, list[Model]] = defaultdict(list)
    for model in ctx.catalog.models.values():
        by_provider[model.provider].append(model)
    for models in by_provider.values():
        models.sort(key=lambda m: m.file)
        ids: dict[str, Model] = {}
        for model in models:
            first = ids.setdefault(model.id.lower(), model)
            if first is not model:
                msg = f"id {model.id!r} is also the id of {first.file} (ids compare case-insensitively): rename one"
                yield ctx.at("MC203", model.file, ["id"], msg)
        yield from _aliases(ctx, models, ids)


def _aliases(ctx: RuleContext, models: list[Model], ids: dict[str, Model]) -> Iterator[Finding]:
    seen: dict[str, Model] = {}
    for model in models:
        for i, alias in enumerate(model.aliases):
            low = alias.lower()
            path: list[PathSeg] = ["aliases", i]
            if low == model.id.lower():
                yield ctx.at("MC210", model.file, path, f"alias {alias!r} equals the model's own id: remove it")
                continue
            owner = ids.get(low)
            if owner is not None:
                msg = f"alias {alias!r} is the id of another model of this provider ({owner.file}): remove it"
                yield ctx.at("MC204", model.file, path, msg)
                continue
            first = seen.setdefault(low, model)
            if first is not model:
                msg = f"alias {alias!r} is also an alias of {first.file}: an alias must name one model"
                yield ctx.at("MC204", model.file, path, msg)


@rule
def replacements(ctx: RuleContext) -> Iterator[Finding]:
    lowered = {ref.lower(): m for ref, m in ctx.catalog.models.items()}
    for model in ctx.catalog.models.values():
        dep = model.deprecation
        if dep is None or dep.replacement is None:
            continue
        path: list[PathSeg] = ["deprecation", "replacement"]
        target = lowered.get(dep.replacement.lower())
        if dep.replacement.lower() == model.ref.lower():
            yield ctx.at("MC206", model.file, path, "a model cannot be its own replacement: name its successor")
        elif target is None and dep.replacement.lower() not in ctx.model_refs:
            yield ctx.at("MC205", model.file, path, unknown_ref(dep.replacement, ctx))
        elif target is not None and target.status == "retired":
            msg = f"replacement {dep.replacement!r} is itself retired: name the model that replaced it" + (
                f" ({target.deprecation.replacement})" if target.deprecation and target.deprecation.replacement else ""
            )
            yield ctx.at("MC206", model.file, path, msg)


def unknown_ref(ref: str, ctx: RuleContext) -> str:
    import difflib

    close = difflib.get_close_matches(ref, list(ctx.catalog.models), n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"{ref!r} is not a model in this catalog{hint}: use provider/id of an existing model"


@rule
def rule_settings(ctx: RuleContext) -> Iterator[Finding]:
    settings = ctx.catalog.settings
    if settings.file is None:
        return
    for code_id in settings.rules:
        if code_id not in CODES:
            yield ctx.at(
                "MC209",
                settings.file,
                ["rules", code_id],
                f"{code_id} is not a rule code (see docs/rules.md)",
                key=True,
            )
        elif CODES[code_id].fixed:
            yield ctx.at(
                "MC209",
                settings.file,
                ["rules", code_id],
                f"the severity of {code_id} cannot be changed: a file that cannot be read stays an error",
                key=True,
            )


# --- providers ---------------------------------------------------------------------


@rule
def providers(ctx: RuleContext) -> Iterator[Finding]:
    cat = ctx.catalog
    used = {m.provider for m in cat.models.values()}
    for provider in cat.providers.values():
        if provider.id not in used:
            yield ctx.at("MC502", provider.file, ["id"], f"provider {provider.id!r} has no models")
    for model in cat.models.values():
        owner = cat.providers.get(model.provider)
        if owner and model.currency and owner.currency and model.currency != owner.currency:
            yield ctx.at(
                "MC501",
                model.file,
                ["currency"],
                f"currency {model.currency} differs from the provider's ({owner.currency}): is that intended?",
            )
