"""The registry of finding codes: their meaning and default severity.

``docs/rules.md`` lists the same table; a test keeps the two in step.  A
catalog may change a code's severity in ``catalog.yaml`` (``rules: {MC306:
error}``, or ``ignore``) unless the code is marked ``fixed``: a file that cannot be read
cannot be "downgraded" into a readable one.
"""

from __future__ import annotations

from dataclasses import dataclass

from modelctl.errors import Severity

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    name: str
    severity: Severity
    summary: str
    fixed: bool = False


_CODES = [
    # MC0xx: reading the file
    Code("MC001", "yaml-syntax", E, "The file is not valid YAML.", fixed=True),
    Code("MC002", "duplicate-key", E, "A mapping names the same key twice; YAML would silently keep one."),
    Code("MC003", "anchor-alias", E, "Anchors and aliases (&x, *x) are not allowed.", fixed=True),
    Code("MC004", "merge-key", E, "Merge keys (<<) are not allowed.", fixed=True),
    Code(
        "MC005",
        "non-string-key",
        E,
        "Keys must be strings (1, true and null keys collide once keys become JSON strings).",
    ),
    Code("MC006", "custom-tag", E, "Tags such as !!python/object or !foo are not allowed.", fixed=True),
    Code("MC007", "invalid-utf8", E, "The file is not valid UTF-8.", fixed=True),
    Code("MC008", "file-too-large", E, "The file is larger than 1 MiB.", fixed=True),
    Code("MC009", "empty-file", E, "The file holds no document.", fixed=True),
    Code("MC010", "root-not-mapping", E, "The document is not a mapping.", fixed=True),
    Code("MC011", "tab-indent", E, "A tab is used for indentation.", fixed=True),
    Code("MC012", "exponent-number", E, "A number is written in exponent notation (1e-6); write a plain decimal."),
    Code("MC013", "non-finite-number", E, "A number is .inf or .nan."),
    Code(
        "MC014", "ambiguous-boolean", E, "yes/no/on/off are booleans in YAML 1.1; write true/false, or quote a string."
    ),
    Code("MC015", "non-decimal-integer", E, "An integer in octal, hex, binary or sexagesimal notation (012 is 10)."),
    Code(
        "MC016",
        "schema-comment",
        W,
        "The first line is not the `# yaml-language-server: $schema=...` comment for its kind.",
    ),
    Code("MC017", "unreadable-file", E, "The file cannot be read.", fixed=True),
    Code(
        "MC018",
        "number-out-of-range",
        E,
        "A number has more than 40 digits, or a magnitude beyond 10^40 or finer than 10^-40.",
        fixed=True,
    ),
    Code(
        "MC019",
        "schema-out-of-date",
        W,
        "The repository's schema/ folder differs from the installed modelctl's schemas (run `modelctl schema`).",
    ),
    Code("MC020", "nested-too-deep", E, "Values are nested more than 32 levels deep.", fixed=True),
    # MC1xx: JSON Schema
    Code("MC101", "unknown-key", E, "A key the schema does not define."),
    Code("MC102", "missing-key", E, "A required key is missing."),
    Code("MC103", "wrong-type", E, "A value has the wrong type (a quoted number, a list where a mapping is due, ...)."),
    Code("MC104", "not-allowed-value", E, "A value is not one of those allowed (status, feature, modality, ...)."),
    Code("MC105", "bad-format", E, "A value does not have the required form (id pattern, date, currency, URL)."),
    Code("MC106", "schema-constraint", E, "A value breaks another schema constraint (range, length, uniqueness)."),
    Code("MC107", "invalid-date", E, "A date that does not exist (2025-02-30)."),
    Code("MC108", "placeholder", E, "A value is still a TODO placeholder (from `modelctl new`): fill it in."),
    # MC2xx: identity and references
    Code("MC201", "id-mismatch", E, "An `id` differs from its file name (or a model's folder names another provider)."),
    Code("MC202", "unknown-provider", E, "A models/<provider>/ folder has no providers/<provider>.yaml."),
    Code("MC203", "duplicate-id", E, "Two models of one provider have the same id (case-insensitive)."),
    Code(
        "MC204", "duplicate-alias", E, "An alias is used twice within a provider, or equals another model's id there."
    ),
    Code("MC205", "unknown-replacement", E, "A deprecation's replacement is not a model in the catalog."),
    Code("MC206", "retired-replacement", E, "A deprecation's replacement is retired (or is the model itself)."),
    Code("MC207", "stray-file", W, "A file the catalog layout does not expect (wrong folder, .yml extension)."),
    Code("MC208", "missing-settings", E, "The catalog has no catalog.yaml."),
    Code("MC209", "unknown-rule-code", W, "catalog.yaml changes the severity of a code that does not exist."),
    Code("MC210", "redundant-alias", W, "An alias equals the model's own id."),
    Code("MC211", "unknown-plan-reference", E, "A plan or account refers to a model or plan that does not exist."),
    Code("MC212", "unknown-purpose", E, "A plan names a default for a purpose catalog.yaml does not declare."),
    Code("MC213", "yml-extension", E, "A catalog file ends in .yml: it is not read, so what it defines is missing."),
    # MC6xx: plans and accounts
    Code(
        "MC601",
        "default-not-available",
        E,
        "A default (or a fall-back of it) is not available to its plan or account (denied, not in the plan), or "
        "a purpose has no usable default left (every candidate disabled or retired): add a fall-back.",
    ),
    Code(
        "MC602",
        "rollout-model-not-in-plan",
        E,
        "A rollout offers a model its plan does not allow (a disabled or retired model's rollout offers nothing).",
    ),
    Code(
        "MC603",
        "rollout-conflict",
        E,
        "Two rollouts share an id, a model or a purpose; a percentage finer than 0.01; weights that add up to zero.",
    ),
    Code(
        "MC604",
        "account-widens-plan",
        E,
        "An account's `allow` matches models its plan does not allow: grant them with `widen`.",
    ),
    Code("MC605", "unknown-rollout", E, "An account opts in or out of a rollout its plan does not have."),
    Code(
        "MC606", "selector-matches-nothing", W, "An allow or widen selector matches no model of the catalog (a typo?)."
    ),
    Code("MC607", "negotiated-price-unused", W, "A negotiated price matches no model the account may use."),
    Code(
        "MC608", "credits-non-usd", E, "A plan converts USD to credits but allows a model priced in another currency."
    ),
    Code(
        "MC609",
        "terms-overlap",
        E,
        "Dated terms (negotiated prices, discounts, plan markups) for the same models overlap, end before they "
        "start, carry a date that is not a day, or an undated entry shadows a later one.",
    ),
    Code(
        "MC610",
        "terms-gap",
        W,
        "Dated terms for the same models leave a gap: the list price (or the plan's `markup`) applies then.",
    ),
    # MC3xx: prices
    Code("MC301", "period-order", E, "Price periods are not listed newest first by `effective_from`."),
    Code("MC302", "duplicate-period", E, "Two price periods share an `effective_from` date."),
    Code("MC303", "tier-order", E, "Context tiers do not ascend strictly by `above_input_tokens`."),
    Code("MC304", "per-token-price", E, "A `_per_1m` price is so small it looks like a per-token price."),
    Code("MC305", "price-magnitude", E, "A price is ~1000x off its neighbours (a per-1k price in a per-1M field?)."),
    Code("MC306", "stale-price", W, "The `checked` date of the current price is older than `stale_after_days`."),
    Code("MC307", "checked-in-future", E, "A `checked` date is after today."),
    Code("MC308", "empty-prices", E, "A price period, tier or variant gives no price at all."),
    Code("MC309", "cached-above-input", W, "A cache-read price is above the input price."),
    Code(
        "MC310",
        "implausible-price",
        W,
        "A price above the plausible range (over 1,000 per 1M tokens or 1,000 per unit).",
    ),
    Code(
        "MC311",
        "tier-beyond-context",
        E,
        "A tier threshold is not below the context window in force in its period (the period's `limits`, "
        "else the model's).",
    ),
    Code("MC312", "no-current-price", W, "Every price period starts in the future: the model has no price today."),
    Code(
        "MC313",
        "variant-without-tiers",
        W,
        "A period has context tiers but one of its variants has none (variants do not inherit tiers).",
    ),
    # MC314-317 (issue 12): variants named by a time of day or by an alias
    Code(
        "MC314",
        "window-overlap",
        E,
        "Time-of-day windows of two variants of one period hold the same instant: two prices for one request.",
    ),
    Code("MC315", "window-redundant", W, "Two time-of-day windows of one variant overlap: merge them."),
    Code(
        "MC316",
        "alias-variant-unknown",
        E,
        "An alias names a variant that no price period of the model offers.",
    ),
    Code(
        "MC317",
        "alias-variant-not-current",
        W,
        "An alias names a variant that the period in force today does not offer (its cost raises NoPriceError).",
    ),
    # MC318-319 (issue 12): a zero price is a decision, never a placeholder
    Code(
        "MC318",
        "zero-prices-not-free",
        E,
        "Every price of a period of an enabled model is 0 and the period does not say `free: true`.",
    ),
    Code("MC319", "free-with-price", E, "A period says `free: true` but gives a price above 0."),
    Code(
        "MC320",
        "warehouse-precision",
        W,
        "A price the warehouse price table's DECIMAL(38,18) cannot hold exactly (more than 18 decimal places, or "
        "10^20 or more): `reprice --engine duckdb` and the Spark path refuse the catalog.",
    ),
    # MC4xx: capabilities and lifecycle
    Code(
        "MC401",
        "output-over-context",
        E,
        "`max_output_tokens` (or `max_input_tokens`) is larger than `context_window`.",
    ),
    Code(
        "MC402",
        "feature-modality",
        E,
        "A feature needs a modality the model does not list (vision needs image input, ...).",
    ),
    Code("MC403", "retired-enabled", E, "A retired model is still enabled."),
    Code(
        "MC404", "missing-deprecation", E, "A deprecated or retired model has no `deprecation` with a retirement date."
    ),
    Code("MC405", "deprecation-dates", E, "A deprecation is retired before it was announced."),
    Code("MC406", "lifecycle-date", W, "The status disagrees with the dates (retirement passed but not retired, ...)."),
    Code("MC407", "caching-price", W, "`prompt_caching` without a cache price, or a cache price without the feature."),
    Code("MC408", "reasoning-price", W, "`reasoning_per_1m` on a model without the `reasoning` feature."),
    Code("MC409", "price-before-release", W, "The oldest price period starts before the model was released."),
    Code("MC410", "deprecation-on-active", W, "An active or preview model carries a `deprecation` block."),
    # MC5xx: providers
    Code("MC501", "currency-mismatch", W, "A model's currency differs from its provider's."),
    Code("MC502", "provider-without-models", INFO, "A provider has no models."),
    # MC7xx: workloads
    Code("MC701", "workload-unknown-model", E, "A workload names a model that is not in the catalog."),
    Code("MC702", "workload-unknown-plan", E, "A workload names a plan or account that does not exist, or both."),
    Code("MC703", "workload-retired-model", W, "A workload uses a retired or disabled model: its cost is not real."),
    Code("MC704", "workload-variant", E, "A workload's variant shares add up to more than 1."),
]

CODES: dict[str, Code] = {c.code: c for c in _CODES}


def code(code_id: str) -> Code:
    return CODES[code_id]
