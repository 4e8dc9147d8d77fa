"""Rules for plans and accounts (MC211, MC212, MC6xx).

They reuse the runtime's entitlement engine on the compiled catalog, so what
the validator accepts is exactly what applications will decide.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from modelctl.artifact.compile import content_of
from modelctl.catalog.model import Account, Plan
from modelctl.errors import Finding
from modelctl.rules.identity import unknown_ref
from modelctl.rules.registry import RuleContext, rule
from modelctl.runtime._plans import PlanRules, Selector, defaults_of


@rule
def plans_and_accounts(ctx: RuleContext) -> Iterator[Finding]:
    cat = ctx.catalog
    if not cat.plans and not cat.accounts:
        return
    content = content_of(cat)
    models: dict[str, dict[str, Any]] = content["models"]
    for plan in cat.plans.values():
        yield from _plan(ctx, plan, content["plans"][plan.id], models)
    for account in cat.accounts.values():
        yield from _account(ctx, account, content, models)


def _known(ctx: RuleContext, ref: str, file: str, path: list[Any]) -> Finding | None:
    if ref.lower() in ctx.model_refs:
        return None
    return ctx.at("MC211", file, path, unknown_ref(ref, ctx))


def _purpose(ctx: RuleContext, purpose: str, file: str, path: list[Any]) -> Finding | None:
    if purpose in ctx.catalog.settings.purposes:
        return None
    msg = f"purpose {purpose!r} is not declared in catalog.yaml `purposes`: add it there or fix the name"
    return ctx.at("MC212", file, path, msg, key=path[-1] == purpose)


def _ignoring_rollouts(doc: dict[str, Any]) -> dict[str, Any]:
    return {**doc, "rollouts": []}


# A candidate that is disabled or retired is skipped at run time (a kill switch), not an error.
SKIPPED_RULES = frozenset({"model disabled", "model retired"})


def _candidates(
    ctx: RuleContext, file: str, purpose: str, refs: tuple[str, ...], models: dict[str, dict[str, Any]]
) -> Iterator[Finding | tuple[str, list[Any]]]:
    """Findings for unknown candidates, and (ref, path) for each known one."""
    for i, ref in enumerate(refs):
        path: list[Any] = ["defaults", purpose] if len(refs) == 1 else ["defaults", purpose, i]
        if (bad := _known(ctx, ref, file, path)) is not None:
            yield bad
        elif ref in models:
            yield ref, path


def _no_default_left(owner: str, purpose: str, refused: list[Any]) -> str:
    why = "; ".join(f"{d.model}: {d.reason}" for d in refused) or "none of its candidates is a known model"
    return (
        f"{owner} has no usable default for {purpose!r} left ({why}): "
        "add a fall-back (`defaults: {" + purpose + ": [model, fall-back]}`) or enable one"
    )


def _plan(ctx: RuleContext, plan: Plan, doc: dict[str, Any], models: dict[str, dict[str, Any]]) -> Iterator[Finding]:
    gate = PlanRules(_ignoring_rollouts(doc), None)
    for purpose, refs in plan.defaults.items():
        if (bad := _purpose(ctx, purpose, plan.file, ["defaults", purpose])) is not None:
            yield bad
        usable, refused, known = False, [], 0
        for item in _candidates(ctx, plan.file, purpose, refs, models):
            if isinstance(item, Finding):
                yield item
                continue
            ref, path = item
            known += 1
            decision = gate.decide(ref, models[ref])
            if decision:
                usable = True
            elif decision.rule in SKIPPED_RULES:
                refused.append(decision)
            else:
                yield ctx.at(
                    "MC601",
                    plan.file,
                    path,
                    f"default {ref} is not available on plan {plan.id}: {decision.reason}; choose an available model",
                )
        if known and not usable and refused:
            yield ctx.at(
                "MC601", plan.file, ["defaults", purpose], _no_default_left(f"plan {plan.id}", purpose, refused)
            )
    yield from _rollouts(ctx, plan, gate, models)
    yield from _selectors_match(ctx, plan.file, "models", {"allow": plan.allow}, models)
    if plan.credits_per_usd is not None:
        for ref, m in models.items():
            if m["currency"] != "USD" and gate.decide(ref, m):
                yield ctx.at(
                    "MC608",
                    plan.file,
                    ["credits_per_usd"],
                    f"plan {plan.id} converts USD to credits "
                    f"but allows {ref}, priced in {m['currency']}: deny it or drop credits_per_usd",
                )
                break


def _rollouts(ctx: RuleContext, plan: Plan, gate: PlanRules, models: dict[str, dict[str, Any]]) -> Iterator[Finding]:
    seen_ids: set[str] = set()
    seen_models: set[str] = set()
    seen_purposes: set[str] = set()
    for i, r in enumerate(plan.rollouts):
        base: list[Any] = ["rollouts", i]
        if r.id in seen_ids:
            yield ctx.at("MC603", plan.file, [*base, "id"], f"rollout id {r.id!r} is used twice: ids must be unique")
        seen_ids.add(r.id)
        targets: list[tuple[str, list[Any]]] = []
        if r.model is not None:
            if r.model in seen_models:
                yield ctx.at("MC603", plan.file, [*base, "model"], f"{r.model} has two rollouts: keep one")
            seen_models.add(r.model)
            if r.percent is not None and r.percent != r.percent.quantize(Decimal("0.01")):
                yield ctx.at(
                    "MC603",
                    plan.file,
                    [*base, "percent"],
                    f"percent {r.percent} is finer than 0.01: buckets are hundredths of a percent",
                )
            targets.append((r.model, [*base, "model"]))
        if r.purpose is not None:
            if (bad := _purpose(ctx, r.purpose, plan.file, [*base, "purpose"])) is not None:
                yield bad
            if r.purpose in seen_purposes:
                yield ctx.at("MC603", plan.file, [*base, "purpose"], f"purpose {r.purpose!r} has two A/B tests")
            seen_purposes.add(r.purpose)
            if sum(w for _, w in r.variants) == 0:
                yield ctx.at(
                    "MC603",
                    plan.file,
                    [*base, "variants"],
                    "the weights add up to zero: no account would get any variant",
                )
            targets += [(m, [*base, "variants", j, "model"]) for j, (m, _) in enumerate(r.variants)]
        for ref, path in targets:
            if (bad := _known(ctx, ref, plan.file, path)) is not None:
                yield bad
            elif (
                ref in models
                and not (decision := gate.decide(ref, models[ref]))
                and decision.rule not in SKIPPED_RULES  # a disabled model's rollout offers nothing
            ):
                yield ctx.at(
                    "MC602",
                    plan.file,
                    path,
                    f"rollout {r.id} offers {ref}, which plan {plan.id} cannot use: {decision.reason}",
                )


def _selectors_match(
    ctx: RuleContext, file: str, key: str, lists: dict[str, tuple[Any, ...]], models: dict[str, dict[str, Any]]
) -> Iterator[Finding]:
    for name, specs in lists.items():
        for i, spec in enumerate(specs):
            selector = Selector(spec)
            if not any(selector.matches(ref, m) for ref, m in models.items()):
                yield ctx.at("MC606", file, [key, name, i], f"{name} selector {selector.text} matches no model")


def _account(
    ctx: RuleContext, account: Account, content: dict[str, Any], models: dict[str, dict[str, Any]]
) -> Iterator[Finding]:
    plan_doc = content["plans"].get(account.plan)
    if plan_doc is None:
        yield ctx.at(
            "MC211", account.file, ["plan"], f"plan {account.plan!r} does not exist: use the id of a file in plans/"
        )
        return
    plan_gate = PlanRules(_ignoring_rollouts(plan_doc), None)
    account_doc = content["accounts"][account.id]
    for i, spec in enumerate(account.allow):
        selector = Selector(spec)
        outside = sorted(
            ref
            for ref, m in models.items()
            if selector.matches(ref, m)
            and m.get("enabled", True)
            and m["status"] != "retired"
            and not plan_gate.decide(ref, m)
        )
        if outside:
            names = ", ".join(outside[:3]) + (f" and {len(outside) - 3} more" if len(outside) > 3 else "")
            yield ctx.at(
                "MC604",
                account.file,
                ["models", "allow", i],
                f"allow {selector.text} matches models "
                f"plan {account.plan} does not allow ({names}): an account narrows its plan; grant "
                "models beyond it explicitly under `widen`",
            )
    yield from _selectors_match(ctx, account.file, "models", {"allow": account.allow, "widen": account.widen}, models)
    rules = PlanRules(plan_doc, account_doc)
    yield from _account_defaults(ctx, account, plan_doc, PlanRules(_ignoring_rollouts(plan_doc), account_doc), models)
    rollout_ids = {r["id"] for r in plan_doc.get("rollouts", ())}
    for rollout_id in account.rollouts:
        if rollout_id not in rollout_ids:
            yield ctx.at(
                "MC605",
                account.file,
                ["rollouts", rollout_id],
                f"plan {account.plan} has no rollout "
                f"{rollout_id!r} (it has: {', '.join(sorted(rollout_ids)) or 'none'})",
                key=True,
            )
    for i, entry in enumerate(account.pricing):
        selector = Selector(entry.model)
        # judged as if every model were enabled: disabling a model leaves its contract price in place
        if not any(selector.matches(ref, m) and rules.decide(ref, {**m, "enabled": True}) for ref, m in models.items()):
            yield ctx.at(
                "MC607",
                account.file,
                ["pricing", i, "model"],
                f"negotiated price for {entry.model} matches no model account {account.id} may use",
            )


def _account_defaults(
    ctx: RuleContext, account: Account, plan_doc: dict[str, Any], rules: PlanRules, models: dict[str, dict[str, Any]]
) -> Iterator[Finding]:
    """Each purpose the account or its plan has a default for must leave the account a usable one:
    its own candidates first (each must be available to it unless disabled or retired), then the plan's."""
    plan_defaults = {p: tuple(defaults_of(plan_doc, p)) for p in plan_doc.get("defaults", {})}
    for purpose in sorted(set(account.defaults) | set(plan_defaults)):
        own = account.defaults.get(purpose, ())
        if own and (bad := _purpose(ctx, purpose, account.file, ["defaults", purpose])) is not None:
            yield bad
        usable, refused = False, []
        for item in _candidates(ctx, account.file, purpose, own, models):
            if isinstance(item, Finding):
                yield item
                continue
            ref, path = item
            decision = rules.decide(ref, models[ref])
            if decision:
                usable = True
            elif decision.rule in SKIPPED_RULES:
                refused.append(decision)
            else:
                yield ctx.at(
                    "MC601",
                    account.file,
                    path,
                    f"default {ref} is not available to account {account.id}: {decision.reason}",
                )
        for ref in plan_defaults.get(purpose, ()):
            if ref in models:
                decision = rules.decide(ref, models[ref])
                usable = usable or bool(decision)
                if not decision:
                    refused.append(decision)
        if not usable and refused:
            where: list[Any] = ["defaults", purpose] if own else ["plan"]
            owner = f"account {account.id} (plan {account.plan})"
            yield ctx.at("MC601", account.file, where, _no_default_left(owner, purpose, refused))
