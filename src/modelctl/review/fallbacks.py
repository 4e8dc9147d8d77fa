"""Which defaults fall back to what: for each plan and account, the model each purpose's default
serves on both sides (rollouts and subjects aside), and where a model that served stops serving."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modelctl.runtime._plans import PlanRules, defaults_of


def _served(
    plan: Mapping[str, Any], account: Mapping[str, Any] | None, models: Mapping[str, Any], other: Mapping[str, Any]
) -> dict[str, str | None]:
    rules = PlanRules({**plan, "rollouts": []}, account)
    purposes = set(plan.get("defaults", {})) | set((account or {}).get("defaults", {}))
    out: dict[str, str | None] = {}
    for purpose in sorted(purposes):
        candidates = (defaults_of(account, purpose) if account else []) + defaults_of(plan, purpose)
        out[purpose] = None
        for ref in candidates:
            model = models.get(ref) or other.get(ref)  # a partial side lacks unchanged models
            if model is not None and rules.decide(ref, model):
                out[purpose] = ref
                break
    return out


def _owners(content: Mapping[str, Any]) -> dict[str, tuple[Mapping[str, Any], Mapping[str, Any] | None]]:
    plans = content.get("plans") or {}
    owners: dict[str, tuple[Mapping[str, Any], Mapping[str, Any] | None]] = {
        f"plan {pid}": (p, None) for pid, p in plans.items()
    }
    for aid, acc in (content.get("accounts") or {}).items():
        if acc.get("plan") in plans:
            owners[f"account {aid}"] = (plans[acc["plan"]], acc)
    return owners


def fallbacks(base: Mapping[str, Any], head: Mapping[str, Any], refs: list[str]) -> dict[str, list[dict[str, Any]]]:
    """For each of ``refs`` that served a default on the base side and no longer does on the head
    side: ``[{"owner": "plan pro", "purpose": "chat", "to": model or None}]``."""
    base_models, head_models = base.get("models") or {}, head.get("models") or {}
    before_owners = _owners(base) or _owners(head)
    after_owners = _owners(head) or _owners(base)
    wanted = set(refs)
    out: dict[str, list[dict[str, Any]]] = {}
    for owner, (plan, account) in sorted(after_owners.items()):
        if owner not in before_owners:
            continue
        old_plan, old_account = before_owners[owner]
        before = _served(old_plan, old_account, base_models, head_models)
        after = _served(plan, account, head_models, base_models)
        for purpose, was in before.items():
            now = after.get(purpose)
            if was in wanted and was != now:
                out.setdefault(was, []).append({"owner": owner, "purpose": purpose, "to": now})
    return out
