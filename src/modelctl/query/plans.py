"""Look at plans and accounts (``modelctl plans``, ``show plan NAME``, ``show account NAME``):
what their files say (the runtime's ``Catalog.plan`` / ``Catalog.account``), with what the runtime
makes of it: how many models each may use now and the default it serves for each purpose (fall-backs
applied).  Library only: the CLI renders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from modelctl import runtime

__all__ = ["AccountView", "PlanView", "account_view", "overview", "plan_view"]


@dataclass(frozen=True, slots=True)
class PlanView:
    info: Any  # runtime PlanInfo
    models: int  # models the plan may use now (a rollout below 100% counts only with a subject)
    defaults: dict[str, str | None]  # purpose -> the model served (None: no usable candidate)


@dataclass(frozen=True, slots=True)
class AccountView:
    info: Any  # runtime AccountInfo
    plan: Any  # its plan's PlanInfo
    models: int
    defaults: dict[str, str | None]


def _served(catalog: runtime.Catalog, plan: str | None, account: str | None) -> dict[str, str | None]:
    choices = catalog.defaults(plan=plan, account=account)
    return {purpose: None if choice is None else choice.model for purpose, choice in choices.items()}


def plan_view(catalog: runtime.Catalog, plan: str) -> PlanView:
    """Raises runtime.UnknownPlanError for a plan the catalog does not have."""
    info = catalog.plan(plan)
    return PlanView(info, len(catalog.models_for(plan=plan)), _served(catalog, plan, None))


def account_view(catalog: runtime.Catalog, account: str) -> AccountView:
    """Raises runtime.UnknownPlanError for an account the catalog does not have."""
    info = catalog.account(account)
    served = _served(catalog, None, account)
    return AccountView(info, catalog.plan(info.plan), len(catalog.models_for(account=account)), served)


def overview(catalog: runtime.Catalog) -> tuple[tuple[PlanView, ...], tuple[AccountView, ...]]:
    """Every plan and every account, by id."""
    return (
        tuple(plan_view(catalog, p) for p in catalog.plans()),
        tuple(account_view(catalog, a) for a in catalog.accounts()),
    )
