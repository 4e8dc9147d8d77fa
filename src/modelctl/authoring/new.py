"""Start new catalog files (``modelctl new``): a model, blank or copied from
another model, and a provider.

Every file written is commented, begins with the schema line, and validates
as written (tests check it); a file that exists is never overwritten.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from modelctl.catalog.loader import load_catalog
from modelctl.catalog.model import Model, PricePeriod, Prices, Tier
from modelctl.errors import CatalogNotFound, ModelctlError

__all__ = ["NewFile", "UsageProblem", "new_model", "new_provider"]

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")  # used with fullmatch: no trailing newline
_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._()/+-]*\Z")
_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


class UsageProblem(ModelctlError):
    """The request cannot be carried out as given (a bad id, an unknown provider or model)."""


class FileExists(ModelctlError):
    """The file to write exists already; nothing was written."""


@dataclass(frozen=True, slots=True)
class NewFile:
    path: Path
    text: str


def _id(value: str, what: str) -> str:
    if not ID_PATTERN.fullmatch(value) or len(value) > 128:
        raise UsageProblem(
            f"{value!r} is not a valid {what} id: use letters, digits, '.', '_' and '-', "
            "starting with a letter or digit"
        )
    return value


def _scalar(text: str) -> str:
    """A string as a YAML scalar: plain when that is unambiguous, else double-quoted."""
    if _PLAIN.match(text) and text.lower() not in _YAML_WORDS and not re.match(r"^[\d.+-]", text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _price(value: Decimal) -> str:
    text = format(value, "f")
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    return f"{whole}.{frac.ljust(2, '0')}"


def _flow(prices: Prices, extra: str = "") -> str:
    items = [f"{k}: {_price(v)}" for k, v in prices.items()]
    return "{" + ", ".join(([extra] if extra else []) + items) + "}"


def _write(path: Path, text: str) -> NewFile:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as fh:
            fh.write(text)
    except FileExistsError:
        raise FileExists(f"{path} exists already: nothing written (edit it, or choose another id)") from None
    except OSError as exc:
        raise ModelctlError(f"{path}: cannot write it: {exc.strerror or exc}") from None
    return NewFile(path, text)


def _existing(folder: Path, stem: str) -> Path | None:
    """A file in ``folder`` whose id equals ``stem`` case-insensitively."""
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CatalogNotFound(f"cannot read {str(folder)!r}: {exc.strerror or exc}") from None
    wanted = f"{stem}.yaml".lower()
    return next((folder / n for n in names if n.lower() == wanted), None)


# --- models -------------------------------------------------------------------------


def new_model(root: Path, ref: str, *, today: date, copy_from: str | None = None, name: str | None = None) -> NewFile:
    """Write ``models/<provider>/<id>.yaml`` for ``ref`` (``provider/id``).

    Without ``copy_from`` the file is a commented template: status preview,
    ``enabled: false`` and zero prices until someone fills them in.  With it,
    the new file takes the other model's limits, modalities, features,
    family and current prices (tiers and variants too), starting today, as
    ``status: preview`` and ``enabled: false``; its aliases, deprecation,
    history and the period's ``source``/``checked`` are not copied (they are
    TODO placeholders, which validate refuses until filled: MC108).  Raises UsageProblem,
    FileExists or CatalogNotFound."""
    provider, sep, model_id = ref.partition("/")
    if not sep:
        raise UsageProblem(f"{ref!r} is not provider/id: name the provider too, e.g. openai/{ref}")
    _id(provider, "provider")
    _id(model_id, "model")
    loaded = load_catalog(root)
    catalog = loaded.catalog
    if not (root / "providers" / f"{provider}.yaml").is_file():
        known = ", ".join(sorted(catalog.providers)) or "none yet"
        raise UsageProblem(
            f"unknown provider {provider!r} (known: {known}): create it first with `modelctl new provider {provider}`"
        )
    clash = _existing(root / "models" / provider, model_id)
    if clash is not None:
        raise FileExists(f"{clash} exists already: nothing written (edit it, or choose another id)")
    for other in catalog.models.values():
        if other.provider == provider and model_id.lower() in (a.lower() for a in other.aliases):
            raise UsageProblem(f"{model_id!r} is an alias of {other.ref}: choose another id")
    path = root / "models" / provider / f"{model_id}.yaml"
    if copy_from is None:
        text = _blank_model(provider, model_id, today=today, name=name)
    else:
        source = _find(catalog.models, copy_from)
        text = _copied_model(source, provider, model_id, today=today, name=name)
    from modelctl.authoring.fmt import canonical  # fmt imports this module's package: import when needed

    return _write(path, canonical(text, "model", str(path)))


def _find(models: dict[str, Model], ref: str) -> Model:
    low = ref.lower()
    for model in models.values():
        if model.ref.lower() == low:
            return model
    for model in models.values():
        if low in (f"{model.provider}/{a}".lower() for a in model.aliases):
            return model
    close = difflib.get_close_matches(ref, list(models), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise UsageProblem(f"--from: unknown model {ref!r} (use provider/id){hint}")


_HEADER = "# yaml-language-server: $schema=../../../schema/model.schema.json\n"


def _aligned(rows: list[tuple[str, str]], column: int = 36) -> str:
    """Lines of code with their comments lined up."""
    out = []
    for code, comment in rows:
        if not comment:
            out.append(code)
        elif not code:
            out.append(f"# {comment}")
        else:
            out.append(f"{code.ljust(column - 1)} # {comment}")
    return "\n".join(out) + "\n"


def _blank_model(provider: str, model_id: str, *, today: date, name: str | None) -> str:
    day = today.isoformat()
    rows = [
        ("", "A new model: fill in each TODO, then run `modelctl validate`. Every field is described in"),
        ("", "schema/model.schema.json; prices are USD per 1M tokens unless the key says otherwise."),
        (f"id: {model_id}", f"equals the file name; referenced as {provider}/{model_id}"),
        (f"name: {_scalar(name or model_id)}", "TODO: the display name"),
        ("status: preview", "preview | active | deprecated | retired"),
        ("enabled: false", "TODO: true once the prices below are real (false: served nowhere)"),
        (f"# aliases: [{model_id}-{day}]", "other names the provider's API uses or reports"),
        (f"released: {day}", "TODO: the day it became available"),
        (f"# family: {model_id}", ""),
        ("# description: One or two sentences about the model.", ""),
        ("limits:", ""),
        ("  context_window: 128000", "TODO: input + output tokens in one request"),
        ("  # max_output_tokens: 16384", ""),
        ("modalities:", ""),
        ("  input: [text]", "text | image | audio | video | pdf"),
        ("  output: [text]", ""),
        ("", "json_mode, structured_outputs, function_calling, vision, audio_input, audio_output,"),
        ("", "image_generation, reasoning, prompt_caching, streaming, web_search, pdf_input, embeddings,"),
        ("", "batch_api, fine_tuning"),
        ("features: [streaming]", ""),
        ("pricing:", "newest first; a request is priced at the period in force on its day"),
        (f"  - effective_from: {day}", "first day (UTC) these prices apply"),
        ("    source: TODO the provider's pricing page (a URL), or the catalog snapshot you read", ""),
        (f"    checked: {day}", "TODO: the day you read the prices at the source"),
        ("    input_per_1m: 0.00", "TODO"),
        ("    output_per_1m: 0.00", "TODO"),
        ("    # cached_input_per_1m: 0.00", "cache reads (add the prompt_caching feature)"),
        ("    # cache_write_per_1m: 0.00", "5-minute cache writes"),
        ("    # tiers:", "above N input-side tokens the whole request is billed at the tier"),
        ("    #   - {above_input_tokens: 200000, input_per_1m: 0.00, output_per_1m: 0.00}", ""),
        ("    # variants:", "keys a variant does not give are inherited from the prices above"),
        ("    #   batch: {input_per_1m: 0.00, output_per_1m: 0.00}", ""),
    ]
    return _HEADER + _aligned(rows)


def _current(model: Model, today: date) -> PricePeriod:
    started = [p for p in model.pricing if p.effective_from <= today]
    return max(started or model.pricing, key=lambda p: p.effective_from)


def _tier_lines(tiers: tuple[Tier, ...], indent: str) -> list[str]:
    return [f"{indent}- {_flow(t.prices, f'above_input_tokens: {t.above_input_tokens}')}" for t in tiers]


def _copied_model(source: Model, provider: str, model_id: str, *, today: date, name: str | None) -> str:
    day = today.isoformat()
    period = _current(source, today)
    lim = source.limits
    lines = [
        _HEADER.rstrip("\n"),
        f"# Copied from {source.ref} by `modelctl new`: check each TODO, then run `modelctl validate`.",
        f"id: {model_id}",
        f"name: {_scalar(name or model_id)}" + ("" if name else "  # TODO: the display name"),
    ]
    if source.family:
        lines.append(f"family: {_scalar(source.family)}")
    lines += [
        "status: preview  # preview | active | deprecated | retired",
        "enabled: false  # TODO: true once the prices below are checked (false: served nowhere)",
        f"released: {day}  # TODO: the day it became available",
    ]
    if source.open_weights is not None:
        lines.append(f"open_weights: {'true' if source.open_weights else 'false'}")
    if source.currency:
        lines.append(f"currency: {source.currency}")
    limits = [f"context_window: {lim.context_window}"]
    limits += [f"max_input_tokens: {lim.max_input_tokens}"] if lim.max_input_tokens else []
    limits += [f"max_output_tokens: {lim.max_output_tokens}"] if lim.max_output_tokens else []
    lines += [
        f"limits: {{{', '.join(limits)}}}",
        f"modalities: {{input: [{', '.join(source.input_modalities)}], "
        f"output: [{', '.join(source.output_modalities)}]}}",
        f"features: [{', '.join(source.features)}]",
        f"pricing:  # TODO: prices copied from {source.ref} ({period.effective_from}): check them at the source",
        f"  - effective_from: {day}",
        "    source: TODO the provider's pricing page (a URL), or the catalog snapshot you read",
        "    checked: TODO  # the day you read these prices at the source (YYYY-MM-DD)",
    ]
    lines += [f"    {k}: {_price(v)}" for k, v in period.prices.items()]
    if period.tiers:
        lines += ["    tiers:", *_tier_lines(period.tiers, "      ")]
    if period.variants:
        lines.append("    variants:")
        for variant in period.variants:
            if variant.tiers:
                lines += [f"      {variant.name}:"]
                lines += [f"        {k}: {_price(v)}" for k, v in variant.prices.items()]
                lines += ["        tiers:", *_tier_lines(variant.tiers, "          ")]
            else:
                lines.append(f"      {variant.name}: {_flow(variant.prices)}")
    return "\n".join(lines) + "\n"


# --- providers ----------------------------------------------------------------------


def new_provider(
    root: Path, provider_id: str, *, name: str | None = None, kind: str | None = None, website: str | None = None
) -> NewFile:
    """Write ``providers/<id>.yaml``.  Raises UsageProblem, FileExists or CatalogNotFound."""
    _id(provider_id, "provider")
    if website is not None and not re.match(r"^https?://", website):
        raise UsageProblem(f"--website {website!r} is not an http(s) URL")
    if not root.is_dir():
        raise CatalogNotFound(f"catalog directory {str(root)!r} does not exist (pass --catalog DIR)")
    clash = _existing(root / "providers", provider_id)
    if clash is not None:
        raise FileExists(f"{clash} exists already: nothing written")
    rows = [
        ("# yaml-language-server: $schema=../../schema/provider.schema.json", ""),
        ("", f"A new provider: fill in each TODO, then add models with `modelctl new model {provider_id}/<id>`."),
        (f"id: {provider_id}", f"equals the file name and the models/{provider_id}/ folder"),
        (f"name: {_scalar(name or provider_id)}", "" if name else "TODO: the display name"),
        (f"kind: {kind or 'lab'}", "lab | cloud | host | aggregator"),
        (f"website: {website}" if website else "# website: https://example.com", "" if website else "TODO"),
        ("# pricing_page: https://example.com/pricing", "TODO: its public price list"),
        ("currency: USD", "ISO 4217 currency of its prices"),
    ]
    text = _aligned(rows)
    return _write(root / "providers" / f"{provider_id}.yaml", text)
