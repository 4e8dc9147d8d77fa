"""Regenerate docs/rules.md from modelctl.codes: python tools/gen_rules_doc.py."""

from modelctl.codes import CODES

groups = [
    ("MC0", "Reading the file"),
    ("MC1", "JSON Schema"),
    ("MC2", "Identity and references"),
    ("MC3", "Prices"),
    ("MC4", "Capabilities and lifecycle"),
    ("MC5", "Providers"),
    ("MC6", "Plans and accounts"),
    ("MC7", "Workloads"),
]
out = [
    "# Rules",
    "",
    "`modelctl validate` reports every problem as a *finding*: a stable code, a severity, a message that says how to fix it, and the file, line and column it is about (plus the JSON path, in `--format json`).",
    "",
    "Severities: **error** fails validation (exit 1) and stops `publish`; **warning** is reported but passes (unless `--strict`); **info** is for the record.",
    "",
    "## Changing a severity",
    "",
    "`catalog/catalog.yaml` may change the severity of any code not marked *fixed*:",
    "",
    "```yaml",
    "rules:",
    "  MC306: error     # stale prices fail CI",
    "  MC502: ignore    # providers without models are fine here",
    "```",
    "",
    "Values: `error`, `warning`, `info`, `ignore` (drops the finding). `off` is not accepted: YAML 1.1 reads it as a boolean. Fixed codes describe files that cannot be read at all; their severity cannot change.",
    "",
    "## Today's date",
    "",
    "Rules that depend on the date (MC306, MC307, MC312, MC406) take today from `$MODELCTL_TODAY` (YYYY-MM-DD) when it is set, else from the UTC clock. Tests and reproducible CI runs set it.",
    "",
    "## What the loader reads",
    "",
    "- Only **regular files inside the catalog**, of at most 1 MiB (MC008). A FIFO, a device (`/dev/zero`), a socket or a folder named `*.yaml` is MC017 at that file, opened without blocking and never read; so is a symbolic link whose target is outside the catalog folder (links inside it are followed). A folder of the layout that cannot be listed (`models/` without permission) is MC017 at the folder: never a valid catalog with fewer files. A catalog root that cannot be read exits 4.",
    "- **Numbers** have at most 40 digits and a magnitude between 10^-40 and 10^40 (MC018): `1e999999999` or an integer of 4,301 digits is a finding, not a crash. Money stays `Decimal`, computed in a local context.",
    "- **Whole numbers** (`context_window`, `max_output_tokens`, `above_input_tokens`, `stale_after_days`, rounding `decimals`, rollout `weight`: every key the schema declares an integer) must be written as integers: `16384.0` is MC103, not silently normalised, because the artifact, the runtime and every exporter expect an int.",
    "- **Nesting** stops at 32 levels (MC020), far below the limits of the YAML builder and of JSON Schema validation.",
    "- **Characters** YAML does not allow (NUL, DEL, other C0/C1 controls) are MC001 at their own line and column.",
    "- Prices are written into the artifact as plain decimals exactly as they were written (`2.50`, `0.0000001`, `0.00000000`; `-0.0` as `0.0`), never with an exponent or a sign.",
    "",
]
bar = chr(92) + "|"
for prefix, title in groups:
    out += [f"## {title}", "", "| Code | Name | Default | Meaning |", "| --- | --- | --- | --- |"]
    for c in CODES.values():
        if c.code.startswith(prefix):
            fixed = " (fixed)" if c.fixed else ""
            summary = c.summary.replace("|", bar)
            out.append(f"| {c.code} | {c.name} | {c.severity.value}{fixed} | {summary} |")
    out.append("")
TAIL = "## How the magnitude guard works\n\nUnit mix-ups are the commonest error in public price lists: a per-token price\n(`0.0000025`) or a per-1k price (`0.0025`) written into a `_per_1m` field.\n\n- **MC304** (absolute): a `_per_1m` price above zero and below `0.001` is a\n  per-token price: even a $1,000-per-1M model costs `0.001` per token.\n- **MC305** (relative): a per-1k price overlaps with real cheap per-1M prices\n  (an embedding model at `0.02`), so absolute bounds cannot catch it. Instead a\n  price is compared with its neighbours, and a factor of 300 or more is flagged:\n  each token price against the same set's `input_per_1m`; a tier's or variant's\n  price against the base price it overrides; each period's price against the\n  same key in the period before it. Real gaps stay near or under 120x (DeepSeek's\n  cache reads, audio output against text input); a per-1k mix-up is 1,000x.\n- **MC310** (warning): a price above 1,000 per 1M tokens (or per request/image).\n"
open("docs/rules.md", "w").write("\n".join(out) + TAIL)
