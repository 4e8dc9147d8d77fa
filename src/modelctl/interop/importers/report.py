"""An import's outcome as plain data: the ``--format json`` document and the
summaries the text output shows."""

from __future__ import annotations

from collections import Counter
from typing import Any

from modelctl.interop.importers.plan import ImportPlan
from modelctl.interop.importers.write import unified_diff

FORMAT_VERSION = "1.0"


def skip_reason(reason: str) -> str:
    """``invalid: MC304 input_per_1m = ...`` -> ``invalid: MC304``: a reason without its details."""
    if reason.startswith("invalid: "):
        return reason.split(" ", 2)[0] + " " + reason.split(" ", 2)[1]
    if reason.startswith("the same model as "):
        return "the same model as another source key"
    return reason.split(":", 1)[0] if reason.startswith("not updated") else reason


def skip_counts(plan: ImportPlan) -> list[tuple[str, int]]:
    return Counter(skip_reason(s.reason) for s in plan.skipped).most_common()


def warning_counts(plan: ImportPlan) -> list[tuple[str, int]]:
    return Counter(f.code for f in plan.warnings).most_common()


def report_json(plan: ImportPlan, *, applied: bool, updates_applied: bool) -> dict[str, Any]:
    """The import as JSON: what was (or, without ``applied``, would be) written."""
    created = [c for c in plan.changes if c.action == "create"]
    updated = [c for c in plan.changes if c.action == "update"]
    return {
        "format_version": FORMAT_VERSION,
        "source": {"kind": plan.kind, "path": plan.source, "entries": plan.entries},
        "catalog": str(plan.root),
        "written": applied,
        "created": [{"path": c.rel, "kind": c.kind, "ref": c.ref, "source_key": c.source_key} for c in created],
        "updated": [
            {
                "path": c.rel,
                "ref": c.ref,
                "source_key": c.source_key,
                "applied": applied and updates_applied,
                "price_changes": list(c.price_changes),
                "diff": unified_diff(c),
            }
            for c in updated
        ],
        "exists": list(plan.exists),
        "unchanged": list(plan.unchanged),
        "skipped": [{"name": s.name, "provider": s.provider, "reason": s.reason} for s in plan.skipped],
        "unmapped": dict(plan.unmapped.most_common()),
        "validation": {
            "valid": True,
            "errors_before": plan.errors_before,
            "warnings": [
                {"code": f.code, "file": f.location.file, "line": f.location.line, "message": f.message}
                for f in plan.warnings
            ],
        },
        "notes": list(plan.notes),
    }
