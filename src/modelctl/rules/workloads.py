"""Workload rules (MC7xx): the models, plans and accounts a workload names exist, and its shares add up."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from modelctl.catalog.model import Workload
from modelctl.errors import Finding
from modelctl.rules.identity import unknown_ref
from modelctl.rules.registry import RuleContext, rule


@rule
def workloads(ctx: RuleContext) -> Iterator[Finding]:
    for workload in ctx.catalog.workloads.values():
        yield from _billing(ctx, workload)
        for i, entry in enumerate(workload.models):
            path: list[str | int] = ["models", i, "model"]
            model = ctx.catalog.models.get(entry.model)
            if model is None:
                yield ctx.at("MC701", workload.file, path, unknown_ref(entry.model, ctx))
            elif model.status == "retired" or not model.enabled:
                state = "retired" if model.status == "retired" else "disabled"
                repl = model.deprecation.replacement if model.deprecation else None
                hint = f": move its requests to {repl}" if repl else ": move its requests to a current model"
                yield ctx.at("MC703", workload.file, path, f"{entry.model} is {state}{hint}")
            shares = sum(entry.variants.values(), Decimal(0))
            if shares > 1:
                msg = f"variant shares add up to {shares}, more than 1: the rest of the requests is the base price"
                yield ctx.at("MC704", workload.file, ["models", i, "variants"], msg)


def _billing(ctx: RuleContext, workload: Workload) -> Iterator[Finding]:
    if workload.plan and workload.account:
        msg = "name a plan or an account, not both: an account implies its plan"
        yield ctx.at("MC702", workload.file, ["account"], msg)
    elif workload.plan and workload.plan not in ctx.catalog.plans:
        known = ", ".join(sorted(ctx.catalog.plans)) or "none"
        yield ctx.at("MC702", workload.file, ["plan"], f"plan {workload.plan!r} does not exist (plans: {known})")
    elif workload.account and workload.account not in ctx.catalog.accounts:
        known = ", ".join(sorted(ctx.catalog.accounts)) or "none"
        msg = f"account {workload.account!r} does not exist (accounts: {known})"
        yield ctx.at("MC702", workload.file, ["account"], msg)
