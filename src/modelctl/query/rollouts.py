"""``modelctl rollout preview``: how many of a list of subject ids land in each arm of a rollout,
next to the share the rollout's percentage or weights promise."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any

from modelctl import runtime


@dataclass(frozen=True, slots=True)
class ArmCount:
    arm: str  # "in" / "out" of a percentage rollout, or a variant's model
    subjects: int
    share: Decimal  # percent of the subjects listed
    expected: Decimal  # percent the rollout promises


@dataclass(frozen=True, slots=True)
class RolloutPreview:
    plan: str
    rollout: str
    salt: str
    kind: str  # "percent" or "variants"
    subjects: int
    arms: tuple[ArmCount, ...]


def _expected(doc: Any) -> dict[str, Decimal]:
    if "variants" in doc:
        total = sum(v["weight"] for v in doc["variants"]) or 1
        out: dict[str, Decimal] = {}
        for v in doc["variants"]:
            out[v["model"]] = out.get(v["model"], Decimal(0)) + Decimal(v["weight"]) * 100 / total
        return out
    percent = Decimal(doc["percent"])
    return {"in": percent, "out": 100 - percent}


def preview(catalog: runtime.Catalog, plan: str, rollout: str, subjects: Iterable[str]) -> RolloutPreview:
    """Count ``subjects`` per arm (raises runtime.UnknownPlanError for an unknown plan or rollout,
    runtime.CatalogError for an id that is not valid Unicode)."""
    doc = catalog.rollout(plan, rollout)
    with localcontext() as ctx:
        ctx.prec = 28
        expected = _expected(doc)
        counts = dict.fromkeys(expected, 0)
        n = 0
        for subject in subjects:
            arm = catalog.arm(plan, rollout, subject)
            counts[arm] = counts.get(arm, 0) + 1
            n += 1
        arms = tuple(
            ArmCount(
                arm,
                count,
                (Decimal(count) * 100 / n).quantize(Decimal("0.01")) if n else Decimal(0),
                expected.get(arm, Decimal(0)).quantize(Decimal("0.01")),
            )
            for arm, count in counts.items()
        )
    kind = "variants" if "variants" in doc else "percent"
    return RolloutPreview(plan, rollout, str(doc.get("salt", doc["id"])), kind, n, arms)
