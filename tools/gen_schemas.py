"""Generate the JSON Schemas in ``schema/`` from one description.

The price keys appear in four places (a period, a tier, a variant, a variant's
tier) and each object must say ``additionalProperties: false``; writing them by
hand four times invites drift.  Run ``python tools/gen_schemas.py`` after an
edit; ``tests/catalog/test_schema.py`` fails when the committed files differ.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from modelctl.catalog import model

ROOT = Path(__file__).resolve().parent.parent
BASE_ID = "https://modelctl.dev/schema/"
DRAFT = "https://json-schema.org/draft/2020-12/schema"

ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]*$"
REF_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$"
DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
NAME_PATTERN = "^[a-z][a-z0-9_-]*$"
RULE_CODE_PATTERN = "^MC[0-9]{3}$"
MONEY_PATTERN = "^[0-9]+(\\.[0-9]+)?$"

# The vocabulary lives in the package, so that code and schemas cannot disagree.
FEATURES = list(model.FEATURES)
MODALITIES = list(model.MODALITIES)
STATUSES = list(model.STATUSES)

# (key, description): the Vocabulary of PRODUCT.md.
PRICE_KEYS: list[tuple[str, str]] = [
    ("input_per_1m", "USD (or the model's currency) per 1M uncached input tokens."),
    ("output_per_1m", "Per 1M output tokens (reasoning tokens included unless reasoning_per_1m is given)."),
    ("cached_input_per_1m", "Per 1M input tokens read from the prompt cache (cache read)."),
    ("cache_write_per_1m", "Per 1M input tokens written to the prompt cache with the default (5-minute) lifetime."),
    ("cache_write_1h_per_1m", "Per 1M input tokens written to the prompt cache with a 1-hour lifetime."),
    ("reasoning_per_1m", "Per 1M reasoning tokens, only where the provider bills them apart from output."),
    ("input_audio_per_1m", "Per 1M audio input tokens."),
    ("output_audio_per_1m", "Per 1M audio output tokens."),
    ("input_image_per_1m", "Per 1M image input tokens, where images are billed apart from text."),
    ("output_image_per_1m", "Per 1M image output tokens."),
    ("per_request", "A fee per request, in the currency's units (not per 1M)."),
    ("per_image", "A price per generated image, in the currency's units (not per 1M)."),
    ("web_search_per_1k", "Per 1,000 web-search tool calls (usage field web_search_requests)."),
    ("file_search_per_1k", "Per 1,000 file-search tool calls (usage field file_search_requests)."),
    ("input_audio_per_minute", "Per minute of input audio, billed by the second (usage field input_audio_seconds)."),
    ("input_video_per_1m", "Per 1M video input tokens (else input_per_1m)."),
    ("cached_input_audio_per_1m", "Per 1M audio input tokens read from the prompt cache."),
    ("cached_input_image_per_1m", "Per 1M image input tokens read from the prompt cache."),
    ("cache_write_12h_per_1m", "Per 1M input tokens written to the prompt cache with a 12-hour lifetime (OpenAI)."),
    ("per_second", "Per second of use (usage field seconds), in the currency's units."),
]


def _money(description: str) -> dict[str, Any]:
    return {
        "description": description + " A plain decimal (2.50), never exponent notation; never negative.",
        "type": "number",
        "minimum": 0,
    }


def _date(description: str) -> dict[str, Any]:
    return {"description": description + " ISO date, YYYY-MM-DD.", "type": "string", "pattern": DATE_PATTERN}


def _price_props() -> dict[str, Any]:
    return {key: _money(text) for key, text in PRICE_KEYS}


def _obj(description: str, props: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"description": description, "type": "object", "additionalProperties": False}
    if required:
        out["required"] = required
    out["properties"] = props
    return out


def _tiers(description: str) -> dict[str, Any]:
    tier = _obj(
        "A context tier: when the request's input-side tokens (input + cached input + cache writes) are "
        "strictly above `above_input_tokens`, the whole request is billed at this tier's prices. Keys the "
        "tier does not give are inherited from the prices it belongs to.",
        {
            "above_input_tokens": {
                "description": "The threshold: the tier applies when input-side tokens are strictly above it.",
                "type": "integer",
                "minimum": 1,
            },
            **_price_props(),
        },
        ["above_input_tokens"],
    )
    return {"description": description, "type": "array", "minItems": 1, "items": tier}


def _variant() -> dict[str, Any]:
    return _obj(
        "A named override of the period's prices (batch, flex, priority, a region). A key the variant does "
        "not give is inherited from the period's base prices.",
        {
            "note": {"description": "Free text shown beside the variant.", "type": "string"},
            **_price_props(),
            "tiers": _tiers("Context tiers of this variant, ascending by threshold."),
            "windows": _windows(),
        },
    )


TIME_PATTERN = r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$"
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _windows() -> dict[str, Any]:
    window = _obj(
        "A time of day (UTC) when the variant applies by itself: from `start` (included) to `end` (excluded); "
        "an `end` before `start` runs past midnight. With `weekdays`, only on those UTC days.",
        {
            "start": {"description": "UTC time HH:MM the window opens.", "type": "string", "pattern": TIME_PATTERN},
            "end": {
                "description": "UTC time HH:MM the window closes (24:00 for the end of the day).",
                "type": "string",
                "pattern": TIME_PATTERN,
            },
            "weekdays": {
                "description": "The UTC days of the week the window applies on (default: every day).",
                "type": "array",
                "minItems": 1,
                "uniqueItems": True,
                "items": {"enum": WEEKDAYS},
            },
        },
        ["start", "end"],
    )
    return {
        "description": "Times of day when this variant's prices apply without being asked for (off-peak hours): "
        "`cost(at=datetime)` inside a window bills the variant. A date alone is billed at the base prices.",
        "type": "array",
        "minItems": 1,
        "items": window,
    }


def _period_limits() -> dict[str, Any]:
    return _obj(
        "The model's limits while this period was in force, where they differ from today's `limits` (for "
        "example a 1M-token context window that was later withdrawn). Tiers and cost() checks of this "
        "period use them.",
        {
            "context_window": {"description": "Maximum input + output tokens.", "type": "integer", "minimum": 1},
            "max_input_tokens": {"description": "Maximum input tokens.", "type": "integer", "minimum": 1},
            "max_output_tokens": {"description": "Maximum output tokens.", "type": "integer", "minimum": 1},
        },
        ["context_window"],
    )


def _period() -> dict[str, Any]:
    return _obj(
        "Prices in force from `effective_from` until the next newer period. Periods are listed newest first.",
        {
            "effective_from": _date("First day (UTC) on which these prices apply; a future date schedules a change."),
            "source": {
                "description": "Where the prices were read: the provider's pricing page, or a public catalog "
                "snapshot (name it and its date).",
                "type": "string",
                "minLength": 1,
            },
            "checked": _date("The day the prices were read at `source`."),
            "note": {"description": "Free text about this period.", "type": "string"},
            "free": {
                "description": "The period really costs nothing: every price it gives is 0. Required for such a "
                "period on an enabled model (MC318), so that a zero is a decision, never a placeholder.",
                "type": "boolean",
            },
            **_price_props(),
            "tiers": _tiers("Context tiers, ascending by `above_input_tokens`."),
            "limits": _period_limits(),
            "variants": {
                "description": "Named price variants: batch, flex, priority, or a region such as eu.",
                "type": "object",
                "propertyNames": {"pattern": NAME_PATTERN},
                "additionalProperties": _variant(),
            },
        },
        ["effective_from", "source", "checked"],
    )


def _schema(name: str, title: str, description: str, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "$schema": DRAFT,
        "$id": BASE_ID + name,
        "title": title,
        **body,
        "description": description,
    }


def _header_comment() -> dict[str, Any]:
    return {"$comment": "Generated by tools/gen_schemas.py; edit that file, not this one."}


def model_schema() -> dict[str, Any]:
    props = {
        "id": {
            "description": "The model's id: equals the file name without .yaml; unique within the provider "
            "(case-insensitive). Its canonical reference is provider/id.",
            "type": "string",
            "pattern": ID_PATTERN,
            "maxLength": 128,
        },
        "name": {"description": "Display name, e.g. GPT-4o.", "type": "string", "minLength": 1},
        "description": {"description": "One or two sentences about the model.", "type": "string"},
        "family": {"description": "The model family, e.g. gpt-4o or claude-sonnet.", "type": "string"},
        "status": {
            "description": "Lifecycle: preview, active, deprecated (still served, retirement announced) or "
            "retired (no longer served).",
            "enum": STATUSES,
        },
        "enabled": {
            "description": "The operational switch: false makes the model available nowhere, at once. "
            "Defaults to true.",
            "type": "boolean",
        },
        "aliases": {
            "description": "Other names the provider's API uses or reports for this model (any string); "
            "unique within the provider.",
            "type": "array",
            "uniqueItems": True,
            "items": {
                "oneOf": [
                    {"type": "string", "minLength": 1, "description": "An alias, billed at the model's base prices."},
                    _obj(
                        "An alias that names a price variant: a request under this name is billed at the variant "
                        "(for example a Bedrock `eu.` in-region id at the `regional` price) unless the caller "
                        "names another.",
                        {
                            "name": {"type": "string", "minLength": 1, "description": "The alias."},
                            "variant": {
                                "type": "string",
                                "pattern": NAME_PATTERN,
                                "description": "The price variant requests under this name are billed at.",
                            },
                        },
                        ["name", "variant"],
                    ),
                ]
            },
        },
        "released": _date("Day the model became generally available (or entered preview)."),
        "knowledge_cutoff": _date("Training data cutoff."),
        "open_weights": {"description": "Whether the weights are published.", "type": "boolean"},
        "currency": {
            "description": "ISO 4217 currency of this model's prices; defaults to the provider's currency.",
            "type": "string",
            "pattern": "^[A-Z]{3}$",
        },
        "deprecation": _obj(
            "The retirement schedule of a deprecated or retired model.",
            {
                "announced": _date("Day the deprecation was announced."),
                "retires": _date("Day the model stops (or stopped) being served."),
                "replacement": {
                    "description": "Canonical reference (provider/id) of the model to move to.",
                    "type": "string",
                    "pattern": REF_PATTERN,
                },
                "note": {"description": "Free text, e.g. a link to the announcement.", "type": "string"},
            },
        ),
        "limits": _obj(
            "Token limits.",
            {
                "context_window": {
                    "description": "Maximum tokens of input plus output in one request.",
                    "type": "integer",
                    "minimum": 1,
                },
                "max_input_tokens": {
                    "description": "Maximum input tokens, where lower than the context window.",
                    "type": "integer",
                    "minimum": 1,
                },
                "max_output_tokens": {
                    "description": "Maximum output tokens in one response.",
                    "type": "integer",
                    "minimum": 1,
                },
            },
            ["context_window"],
        ),
        "modalities": _obj(
            "What the model reads and writes.",
            {
                side: {
                    "description": f"{side.capitalize()} modalities.",
                    "type": "array",
                    "minItems": 1,
                    "uniqueItems": True,
                    "items": {"enum": MODALITIES, "description": "A modality."},
                }
                for side in ("input", "output")
            },
            ["input", "output"],
        ),
        "features": {
            "description": "Capabilities the model supports.",
            "type": "array",
            "uniqueItems": True,
            "items": {"enum": FEATURES, "description": "A feature."},
        },
        "pricing": {
            "description": "Dated price periods, newest first. A request is priced at the period in force on its day.",
            "type": "array",
            "minItems": 1,
            "items": _period(),
        },
    }
    body = {
        "$comment": _header_comment()["$comment"],
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "name", "status", "limits", "modalities", "pricing"],
        "properties": props,
    }
    return _schema("model.schema.json", "modelctl model", "One model: catalog/models/<provider>/<id>.yaml.", body)


def provider_schema() -> dict[str, Any]:
    body = {
        "$comment": _header_comment()["$comment"],
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "name"],
        "properties": {
            "id": {
                "description": "The provider's id: equals the file name and the models/<provider>/ folder.",
                "type": "string",
                "pattern": ID_PATTERN,
            },
            "name": {"description": "Display name.", "type": "string", "minLength": 1},
            "kind": {
                "description": "lab (trains its models), cloud (a cloud marketplace), host (serves open models) "
                "or aggregator (routes to other providers).",
                "enum": ["lab", "cloud", "host", "aggregator"],
            },
            "website": {"description": "Home page.", "type": "string", "pattern": "^https?://"},
            "pricing_page": {"description": "The public price list.", "type": "string", "pattern": "^https?://"},
            "currency": {
                "description": "ISO 4217 currency of the provider's prices; defaults to the catalog's currency.",
                "type": "string",
                "pattern": "^[A-Z]{3}$",
            },
            "description": {"description": "One sentence about the provider.", "type": "string"},
        },
    }
    return _schema("provider.schema.json", "modelctl provider", "A provider: catalog/providers/<id>.yaml.", body)


def catalog_schema() -> dict[str, Any]:
    body = {
        "$comment": _header_comment()["$comment"],
        "type": "object",
        "additionalProperties": False,
        "required": ["name"],
        "properties": {
            "name": {"description": "The catalog's name.", "type": "string", "minLength": 1},
            "description": {"description": "What this catalog is for.", "type": "string"},
            "currency": {
                "description": "Default ISO 4217 currency for providers that do not name one (USD if absent).",
                "type": "string",
                "pattern": "^[A-Z]{3}$",
            },
            "purposes": {
                "description": "The purposes plans name default models for (chat, vision, reasoning, embedding, ...).",
                "type": "array",
                "uniqueItems": True,
                "items": {"type": "string", "pattern": NAME_PATTERN, "description": "A purpose."},
            },
            "stale_after_days": {
                "description": "A price whose `checked` date is older than this many days is reported (MC306).",
                "type": "integer",
                "minimum": 1,
            },
            "review_threshold_percent": {
                "description": "A price increase above this percentage is a change to review in `modelctl diff`.",
                "type": "number",
                "minimum": 0,
            },
            "impact": _impact_settings(),
            "rules": {
                "description": "Severity overrides by rule code (see docs/rules.md): error, warning, info or ignore.",
                "type": "object",
                "propertyNames": {"pattern": RULE_CODE_PATTERN},
                "additionalProperties": {
                    "enum": ["error", "warning", "info", "ignore"],
                    "description": "A severity (ignore drops the finding).",
                },
            },
        },
    }
    return _schema(
        "catalog.schema.json", "modelctl catalog settings", "Catalog-wide settings: catalog/catalog.yaml.", body
    )


def _one_or_many(description: str, item: dict[str, Any]) -> dict[str, Any]:
    return {
        "description": description,
        "anyOf": [item, {"type": "array", "minItems": 1, "uniqueItems": True, "items": item}],
    }


def _selector() -> dict[str, Any]:
    glob = {
        "type": "string",
        "minLength": 1,
        "description": "provider/id, or a glob over provider/id such as openai/gpt-4* or anthropic/*.",
    }
    obj = _obj(
        "Models matching every key given: a glob over provider/id, a provider, features (all required) and "
        "statuses (any).",
        {
            "model": glob,
            "provider": _one_or_many("A provider id, or several.", {"type": "string", "pattern": ID_PATTERN}),
            "feature": _one_or_many("A feature the model must have, or several (all required).", {"enum": FEATURES}),
            "status": _one_or_many("A lifecycle status, or several (any).", {"enum": STATUSES}),
        },
    )
    obj["minProperties"] = 1
    return {"description": "A model selector: a glob string, or a mapping.", "anyOf": [glob, obj]}


def _selectors(description: str) -> dict[str, Any]:
    return {"description": description, "type": "array", "items": _selector()}


def _defaults(description: str) -> dict[str, Any]:
    ref = {"type": "string", "pattern": REF_PATTERN, "description": "A model (provider/id)."}
    return {
        "description": description,
        "type": "object",
        "propertyNames": {"pattern": NAME_PATTERN},
        "additionalProperties": {
            "description": "A model, or an ordered list of fall-backs: the first that is enabled and allowed "
            "is the default (a kill switch: `enabled: false` on a model moves its users to the next).",
            "anyOf": [ref, {"type": "array", "minItems": 1, "uniqueItems": True, "items": ref}],
        },
    }


def _rollout() -> dict[str, Any]:
    common = {
        "id": {"description": "Stable id of the rollout; the default salt.", "type": "string", "pattern": NAME_PATTERN},
        "salt": {
            "description": "Hashed with the account id to place the account in a bucket. Changing it re-buckets "
            "every account (diff warns). Default: the rollout id.",
            "type": "string",
            "minLength": 1,
        },
        "note": {"description": "Free text.", "type": "string"},
    }
    percent = _obj(
        "Offer a model to a percentage of the plan's accounts (sticky; raising the percentage keeps every "
        "account already included).",
        {
            **common,
            "model": {"description": "The model offered (provider/id).", "type": "string", "pattern": REF_PATTERN},
            "percent": {
                "description": "Share of accounts included, 0 to 100, in steps of 0.01.",
                "type": "number",
                "minimum": 0,
                "maximum": 100,
            },
        },
        ["id", "model", "percent"],
    )
    weighted = _obj(
        "An A/B test of the default model for a purpose: each account gets one variant, by weight.",
        {
            **common,
            "purpose": {
                "description": "The purpose whose default is tested.",
                "type": "string",
                "pattern": NAME_PATTERN,
            },
            "variants": {
                "description": "The variants, in a fixed order (reordering re-buckets accounts).",
                "type": "array",
                "minItems": 2,
                "items": _obj(
                    "A variant.",
                    {
                        "model": {"description": "The model (provider/id).", "type": "string", "pattern": REF_PATTERN},
                        "weight": {"description": "Relative weight, a whole number.", "type": "integer", "minimum": 0},
                    },
                    ["model", "weight"],
                ),
            },
        },
        ["id", "purpose", "variants"],
    )
    return {"description": "A rollout.", "oneOf": [percent, weighted]}


def plan_schema() -> dict[str, Any]:
    body = {
        "$comment": _header_comment()["$comment"],
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "name", "models"],
        "properties": {
            "id": {"description": "The plan's id: equals the file name.", "type": "string", "pattern": ID_PATTERN},
            "name": {"description": "Display name.", "type": "string", "minLength": 1},
            "description": {"description": "Who the plan is for.", "type": "string"},
            "models": _obj(
                "Which models the plan may use: those matching an `allow` selector and no `deny` selector "
                "(deny wins). Disabled and retired models are available nowhere.",
                {
                    "allow": _selectors("Models the plan may use."),
                    "deny": _selectors("Models the plan may not use; deny wins over allow."),
                },
                ["allow"],
            ),
            "defaults": _defaults("The default model for each purpose declared in catalog.yaml."),
            "markup": {
                "description": "Multiplier applied to cost when charging (1.2 = +20%). Default 1.",
                "type": "number",
                "minimum": 0,
            },
            "markups": {
                "description": "Dated markups: the one in force on a request's day replaces `markup` (which "
                "applies on the days none covers). Their dates must not overlap.",
                "type": "array",
                "items": _obj(
                    "A markup for a span of days.",
                    {
                        "markup": {"description": "Multiplier applied to cost.", "type": "number", "minimum": 0},
                        "effective_from": _date("First day it applies (UTC)."),
                        "until": _date("Last day it applies (UTC, inclusive); without it, open-ended."),
                        "note": {"description": "Free text.", "type": "string"},
                    },
                    ["markup", "effective_from"],
                ),
            },
            "credits_per_usd": {
                "description": "Credits charged per USD of marked-up cost. Without it, charges are in the "
                "model's currency.",
                "type": "number",
                "exclusiveMinimum": 0,
            },
            "rounding": _obj(
                "How a charge is rounded. Default: 6 decimals, half_up, per request.",
                {
                    "decimals": {"description": "Decimal places kept.", "type": "integer", "minimum": 0, "maximum": 12},
                    "mode": {
                        "description": "up (away from zero), half_up, half_even or down.",
                        "enum": ["up", "half_up", "half_even", "down"],
                    },
                    "per": {
                        "description": "request (default): every charge is rounded, as a credit balance needs; "
                        "invoice: `modelctl reprice --charges` sums the exact charges of an account (or plan) per "
                        "month and rounds once (charge() still rounds each request for display).",
                        "enum": ["request", "invoice"],
                    },
                },
            ),
            "rollouts": {"description": "Gradual rollouts and A/B tests.", "type": "array", "items": _rollout()},
        },
    }
    return _schema("plan.schema.json", "modelctl plan", "A plan: catalog/plans/<id>.yaml.", body)


def account_schema() -> dict[str, Any]:
    price_props = {key: {"description": text, "type": "number", "minimum": 0} for key, text in PRICE_KEYS}
    negotiated = _obj(
        "A negotiated price for the models matching `model`: either `prices` (they replace the list price "
        "times markup; keys not given come from the list price) or `discount_percent` off the marked-up price.",
        {
            "model": {"description": "provider/id or a glob.", "type": "string", "minLength": 1},
            "prices": _obj("Negotiated prices, per 1M tokens unless the key says otherwise.", price_props),
            "discount_percent": {
                "description": "Discount on the marked-up price.",
                "type": "number",
                "exclusiveMinimum": 0,
                "maximum": 100,
            },
            "note": {"description": "Contract reference.", "type": "string"},
            "effective_from": _date("First day these terms apply (UTC); without it, from the start."),
            "until": _date("Last day these terms apply (UTC, inclusive); without it, open-ended."),
        },
        ["model"],
    )
    body = {
        "$comment": _header_comment()["$comment"],
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "name", "plan"],
        "properties": {
            "id": {"description": "The account's id: equals the file name.", "type": "string", "pattern": ID_PATTERN},
            "name": {"description": "Display name (the customer).", "type": "string", "minLength": 1},
            "plan": {"description": "The plan this account is on.", "type": "string", "pattern": ID_PATTERN},
            "description": {"description": "Notes about the contract.", "type": "string"},
            "models": _obj(
                "How the account narrows (or, explicitly, widens) its plan's models.",
                {
                    "allow": _selectors("If given, only models matching one of these (and allowed by the plan)."),
                    "deny": _selectors("Models this account may not use."),
                    "widen": _selectors("Models granted beyond the plan, explicitly (a contract addendum)."),
                },
            ),
            "defaults": _defaults("Defaults that replace the plan's for this account."),
            "pricing": {
                "description": "Negotiated prices and discounts; the first matching entry applies.",
                "type": "array",
                "items": negotiated,
            },
            "rollouts": {
                "description": "Per-rollout opt-in (true) or opt-out (false), overriding the bucket.",
                "type": "object",
                "propertyNames": {"pattern": NAME_PATTERN},
                "additionalProperties": {"type": "boolean", "description": "Included or not."},
            },
        },
    }
    return _schema(
        "account.schema.json", "modelctl account", "An enterprise account: catalog/accounts/<id>.yaml.", body
    )


def _decimal_strings(node: Any) -> Any:
    """The artifact writes every non-integer number as a decimal string: rewrite a file schema's numbers so."""
    if isinstance(node, list):
        return [_decimal_strings(n) for n in node]
    if not isinstance(node, dict):
        return node
    if node.get("type") == "number":
        return {"description": node.get("description", "A decimal."), "type": "string", "pattern": MONEY_PATTERN}
    return {k: _decimal_strings(v) for k, v in node.items()}


def _artifact_prices() -> dict[str, Any]:
    return {
        "description": "Prices by key, as decimal strings (USD, or the model's currency, per 1M tokens unless the "
        "key says otherwise).",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            key: {"description": text, "type": "string", "pattern": MONEY_PATTERN} for key, text in PRICE_KEYS
        },
    }


def _artifact_tiers() -> dict[str, Any]:
    return {
        "description": "Context tiers, ascending: above `above_input_tokens` input-side tokens the whole request "
        "is billed at the tier's prices (keys it does not give come from the prices it belongs to).",
        "type": "array",
        "items": _obj(
            "A context tier.",
            {
                "above_input_tokens": {"description": "The threshold (strictly above).", "type": "integer"},
                "prices": _artifact_prices(),
            },
            ["above_input_tokens", "prices"],
        ),
    }


def artifact_schema() -> dict[str, Any]:
    date = {"description": "ISO date.", "type": "string", "pattern": DATE_PATTERN}
    period = _obj(
        "A price period: in force from `effective_from` until the next newer period. Newest first.",
        {
            "effective_from": date,
            "source": {"description": "Where the prices were read.", "type": "string"},
            "checked": date,
            "note": {"description": "Free text.", "type": "string"},
            "prices": _artifact_prices(),
            "tiers": _artifact_tiers(),
            "variants": {
                "description": "Named variants. Keys a variant's prices do not give are inherited from the period's "
                "prices; tiers are not inherited.",
                "type": "object",
                "propertyNames": {"pattern": NAME_PATTERN},
                "additionalProperties": _obj(
                    "A variant.",
                    {
                        "prices": _artifact_prices(),
                        "tiers": _artifact_tiers(),
                        "note": {"description": "Free text.", "type": "string"},
                        "windows": _windows(),
                    },
                ),
            },
            "limits": _period_limits(),
        },
        ["effective_from", "source", "checked", "prices"],
    )
    model_props = model_schema()["properties"]
    model = _obj(
        "A model, keyed by its canonical id provider/id.",
        {
            "provider": {"description": "The provider's id.", "type": "string", "pattern": ID_PATTERN},
            **{
                k: model_props[k]
                for k in (
                    "id",
                    "name",
                    "description",
                    "family",
                    "status",
                    "enabled",
                    "released",
                    "knowledge_cutoff",
                    "open_weights",
                    "limits",
                    "modalities",
                    "features",
                )
            },
            "currency": {
                "description": "ISO 4217 currency of the prices (resolved).",
                "type": "string",
                "pattern": "^[A-Z]{3}$",
            },
            "deprecation": model_props["deprecation"],
            "aliases": {
                "description": "Other names of the model (the variant an alias names is in `alias_variants`).",
                "type": "array",
                "uniqueItems": True,
                "items": {"type": "string", "minLength": 1},
            },
            "alias_variants": {
                "description": "Aliases that name a price variant: alias -> variant.",
                "type": "object",
                "additionalProperties": {"type": "string", "pattern": NAME_PATTERN},
            },
            "pricing": {"description": "Price periods, newest first.", "type": "array", "items": period},
        },
        ["provider", "id", "name", "status", "enabled", "currency", "limits", "modalities", "features", "pricing"],
    )
    provider = provider_schema()
    plan_props = _decimal_strings(plan_schema()["properties"])
    content = _obj(
        "Everything the digest covers.",
        {
            "catalog": _obj(
                "Catalog settings that applications need.",
                {
                    "name": {"description": "The catalog's name.", "type": "string"},
                    "description": {"description": "What the catalog is for.", "type": "string"},
                    "currency": {"description": "Default currency.", "type": "string"},
                    "purposes": {"description": "Declared purposes.", "type": "array", "items": {"type": "string"}},
                    "review_threshold_percent": {
                        "description": "Price increases above this percentage are changes to review.",
                        "type": "string",
                        "pattern": MONEY_PATTERN,
                    },
                },
                ["name", "currency"],
            ),
            "providers": {
                "description": "Providers by id.",
                "type": "object",
                "additionalProperties": _obj(provider["description"], provider["properties"], ["id", "name"]),
            },
            "models": {
                "description": "Models by canonical id (provider/id).",
                "type": "object",
                "propertyNames": {"pattern": REF_PATTERN},
                "additionalProperties": model,
            },
            "aliases": {
                "description": "Alias index: lower-cased provider/alias -> canonical id.",
                "type": "object",
                "additionalProperties": {"type": "string", "pattern": REF_PATTERN, "description": "A canonical id."},
            },
            "plans": {
                "description": "Plans by id.",
                "type": "object",
                "additionalProperties": _obj("A plan.", plan_props, ["id", "name"]),
            },
            "accounts": {
                "description": "Enterprise accounts by id (absent from public artifacts).",
                "type": "object",
                "additionalProperties": _obj(
                    "An account.", _decimal_strings(account_schema()["properties"]), ["id", "name", "plan"]
                ),
            },
        },
        ["catalog", "providers", "models", "aliases", "plans"],
    )
    body = {
        "$comment": _header_comment()["$comment"],
        "type": "object",
        "additionalProperties": False,
        "required": ["format_version", "catalog_version", "digest", "source", "content"],
        "properties": {
            "format_version": {
                "description": "MAJOR.MINOR. A minor version only adds fields; readers refuse an unknown major.",
                "type": "string",
                "pattern": "^1\\.[0-9]+$",
            },
            "catalog_version": {
                "description": "Human-readable, increasing: UTC commit time (YYYY.MM.DD.HHMMSS) + short commit or "
                "digest, `.dirty` when the tree had uncommitted changes.",
                "type": "string",
            },
            "digest": {
                "description": "sha256 of the canonical JSON of `content` (sorted keys, no whitespace, UTF-8).",
                "type": "string",
                "pattern": "^sha256:[0-9a-f]{64}$",
            },
            "source": _obj(
                "Where the catalog came from; not covered by the digest.",
                {
                    "commit": {"description": "The git commit.", "type": "string"},
                    "commit_time": {"description": "The commit's time, UTC, ISO 8601.", "type": "string"},
                    "dirty": {"description": "Whether the catalog had uncommitted changes.", "type": "boolean"},
                    "republished_from": {
                        "description": "`publish --from-artifact`: the revision whose content this re-publishes.",
                        "type": "integer",
                        "minimum": 0,
                    },
                },
            ),
            "revision": {
                "description": "Format 1.1. Grows with every publish of a repository, a revert included: the committer "
                "time (seconds since the epoch) of a clean commit, SOURCE_DATE_EPOCH, or the current time; above the "
                "artifact already in --out when its content differs. A reader refuses a lower one (replay).",
                "type": "integer",
                "minimum": 0,
            },
            "published_at": {
                "description": "Format 1.1. When this revision was published, UTC, ISO 8601 "
                "(SOURCE_DATE_EPOCH when set).",
                "type": "string",
                "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$",
            },
            "content": content,
        },
    }
    return _schema(
        "artifact.schema.json", "modelctl artifact", "A published catalog artifact (dist/catalog.json).", body
    )


def _impact_settings() -> dict[str, Any]:
    number = {"type": "number", "minimum": 0}
    return _obj(
        "How `modelctl diff` reports the monthly cost impact of a change on the workloads in workloads/.",
        {
            "ignore_below_percent": {
                **number,
                "description": "A workload whose monthly cost moves by less than this percentage is not reported.",
            },
            "ignore_below_amount": {
                **number,
                "description": "A workload whose monthly cost moves by less than this amount (in the catalog's "
                "currency) is not reported. Both thresholds must be met for a change to be ignored.",
            },
            "fail_on_increase_percent": {
                **number,
                "description": "`modelctl diff` exits 3 when a workload's monthly cost rises by more than this "
                "percentage (as --fail-on-increase).",
            },
            "fail_on_increase_amount": {
                **number,
                "description": "`modelctl diff` exits 3 when a workload's monthly cost rises by more than this "
                "amount (as --fail-on-increase-amount).",
            },
        },
    )


def workload_schema() -> dict[str, Any]:
    from modelctl.usage.files import USAGE_FIELDS

    counts = {
        name: {"description": f"Average {name.replace('_', ' ')} per request.", "type": "integer", "minimum": 0}
        for name in USAGE_FIELDS
        if name != "requests"
    }
    entry = _obj(
        "One model's share of the workload: how many requests a month, and what one request uses on average.",
        {
            "model": {
                "description": "The model's canonical reference, provider/id.",
                "type": "string",
                "pattern": REF_PATTERN,
            },
            "requests": {"description": "Requests per month.", "type": "integer", "minimum": 0},
            "per_request": _obj(
                "Token counts of one average request, disjoint as in a usage file (input_tokens excludes "
                "cached input, output_tokens excludes reasoning).",
                counts,
            ),
            "variants": {
                "description": "Share of the requests billed on a named variant (batch: 0.25 = a quarter of "
                "them); the rest is billed at the base prices. Shares add up to at most 1.",
                "type": "object",
                "propertyNames": {"pattern": NAME_PATTERN},
                "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1, "description": "A share."},
            },
        },
        ["model", "requests", "per_request"],
    )
    body = {
        "$comment": _header_comment()["$comment"],
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "name", "models"],
        "properties": {
            "id": {"description": "The workload's id: equals the file name.", "type": "string", "pattern": ID_PATTERN},
            "name": {"description": "Display name.", "type": "string", "minLength": 1},
            "description": {"description": "What the workload stands for.", "type": "string"},
            "plan": {
                "description": "The plan whose charges (markup, credits) the workload is billed under.",
                "type": "string",
                "pattern": ID_PATTERN,
            },
            "account": {
                "description": "The account (contract) the workload is billed under; implies its plan.",
                "type": "string",
                "pattern": ID_PATTERN,
            },
            "subjects": {
                "description": "How many users, workspaces or tenants make up the workload (informational).",
                "type": "integer",
                "minimum": 0,
            },
            "fail_on_increase_percent": {
                "description": "`modelctl diff` exits 3 when this workload's monthly cost rises by more than this "
                "percentage (overrides catalog.yaml's impact setting).",
                "type": "number",
                "minimum": 0,
            },
            "fail_on_increase_amount": {
                "description": "`modelctl diff` exits 3 when this workload's monthly cost rises by more than this "
                "amount.",
                "type": "number",
                "minimum": 0,
            },
            "models": {"description": "The models the workload uses.", "type": "array", "minItems": 1, "items": entry},
        },
    }
    return _schema(
        "workload.schema.json",
        "modelctl workload",
        "A monthly usage profile for cost impact: catalog/workloads/<id>.yaml.",
        body,
    )


SCHEMAS = {
    "model.schema.json": model_schema,
    "provider.schema.json": provider_schema,
    "catalog.schema.json": catalog_schema,
    "plan.schema.json": plan_schema,
    "account.schema.json": account_schema,
    "workload.schema.json": workload_schema,
    "artifact.schema.json": artifact_schema,
}


def render(name: str) -> str:
    return json.dumps(SCHEMAS[name](), indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    out = ROOT / "schema"
    out.mkdir(exist_ok=True)
    for name in SCHEMAS:
        (out / name).write_text(render(name), encoding="utf-8")
        print(f"wrote schema/{name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
