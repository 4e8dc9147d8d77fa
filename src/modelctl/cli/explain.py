"""``modelctl explain``: why a model is or is not available to a plan or
account, and what a workload would cost and charge."""

from __future__ import annotations

import json
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

import typer

from modelctl import runtime
from modelctl.cli import output
from modelctl.cli.common import (
    JSON_FORMAT_VERSION,
    CatalogOption,
    count_option,
    naming_plans,
    open_for_command,
    resolve_model,
)
from modelctl.cli.money import amount, places_for
from modelctl.cli.visible import visible


class ExplainFormat(StrEnum):
    text = "text"
    json = "json"


def explain(
    model: Annotated[str, typer.Argument(help="The model: provider/id, an alias, or an id only one provider has.")],
    plan: Annotated[str | None, typer.Option("--plan", help="The plan.", show_default=False)] = None,
    account: Annotated[
        str | None, typer.Option("--account", help="The account (its plan is implied).", show_default=False)
    ] = None,
    subject: Annotated[
        str | None,
        typer.Option(
            "--subject",
            help="A user, workspace or tenant id within the plan or account: bucketed for the plan's rollouts.",
            show_default=False,
        ),
    ] = None,
    input_tokens: Annotated[
        int, count_option("--input", "Input tokens of the example request (1500, 1,500, 1.5k, 2M).", show_default=True)
    ] = 10_000,
    output_tokens: Annotated[
        int, count_option("--output", "Output tokens of the example request.", show_default=True)
    ] = 1_000,
    variant: Annotated[str | None, typer.Option("--variant", help="Price variant (batch, flex, ...).")] = None,
    catalog: CatalogOption = None,
    fmt: Annotated[
        ExplainFormat,
        typer.Option("--format", "-f", help="text for people; json (versioned) for programs."),
    ] = ExplainFormat.text,
    as_json: Annotated[bool, typer.Option("--json", help="The same as --format json.")] = False,
) -> None:
    """Explain whether a plan (or account) may use a model, and what it would cost and charge.

    Shows the rule that decides (`modelctl docs plans`), the rollout and arm when one decides (with
    --subject, the subject's bucket; `modelctl docs rollouts`), the price in force, and what
    an example request (default: 10,000 input and 1,000 output tokens) would cost and be
    charged under the plan's markup, credits and rounding, or the account's
    negotiated prices."""
    if plan is None and account is None:
        raise typer.BadParameter("name a plan (--plan) or an account (--account)", param_hint="--plan")
    opened = open_for_command(catalog)
    cat = opened.catalog
    info = resolve_model(cat, model, "MODEL")
    if subject is not None and not subject:
        raise typer.BadParameter("a subject id cannot be empty", param_hint="--subject")
    with naming_plans(plan, account):
        try:
            decision = cat.allowed(info.ref, plan=plan, account=account, subject=subject)
        except runtime.UnknownPlanError:
            raise
        except runtime.CatalogError as exc:
            raise typer.BadParameter(str(exc), param_hint="--subject") from None
    usage = runtime.Usage(input_tokens=input_tokens, output_tokens=output_tokens)
    doc: dict[str, Any] = {
        "model": info.ref,
        "plan": plan or cat.plan_of(str(account)),
        "account": account,
        "subject": subject,
        "allowed": bool(decision),
        "rule": decision.rule,
        "reason": decision.reason,
        "rollout": decision.rollout,
        "arm": decision.arm,
        "status": info.status,
        "enabled": info.enabled,
    }
    doc["defaults"] = _defaults(cat, info.ref, plan, account, subject)
    cost: runtime.Cost | None = None
    charge: Any = None
    try:
        cost = cat.cost(info.ref, usage, variant=variant)
        doc["cost"] = {
            "total": exact(cost.total),
            "currency": cost.currency,
            "components": {k: exact(v) for k, v in cost.components.items()},
            "effective_from": cost.effective_from.isoformat(),
        }
        if decision:
            charge = cat.charge(info.ref, usage, plan=plan, account=account, variant=variant, subject=subject)
            doc["charge"] = {
                "amount": exact(charge.amount),
                "exact": exact(charge.exact),
                "unit": charge.unit,
                "basis": charge.basis,
            }
    except runtime.CatalogError as exc:
        doc["price_error"] = str(exc)
    if as_json or fmt is ExplainFormat.json:
        output.stdout_text(json.dumps({"format_version": JSON_FORMAT_VERSION, **doc}, indent=2) + "\n")
    else:
        output.stdout_text(_text(doc, input_tokens, output_tokens, cost, charge))
    raise typer.Exit(0 if decision else 1)


def exact(value: Decimal) -> str:
    """JSON's spelling of an amount: every digit, never an exponent."""
    return format(value, "f")


def _defaults(
    cat: runtime.Catalog, ref: str, plan: str | None, account: str | None, subject: str | None
) -> dict[str, Any]:
    """The purposes whose default (or a fall-back of it) is this model, and what is served."""
    out: dict[str, Any] = {}
    for purpose, choice in cat.defaults(plan=plan, account=account, subject=subject).items():
        if choice is None:
            continue
        skipped = [d for d in choice.skipped if d.model == ref]
        if choice.model == ref or skipped:
            out[purpose] = {
                "serving": choice.model,
                "rule": choice.rule,
                "fallback": bool(skipped),
                "skipped_because": skipped[0].rule if skipped else None,
            }
    return out


def _text(
    doc: dict[str, Any],
    input_tokens: int,
    output_tokens: int,
    cost: runtime.Cost | None = None,
    charge: Any = None,
) -> str:
    who = f"account {doc['account']} (plan {doc['plan']})" if doc["account"] else f"plan {doc['plan']}"
    if doc["subject"] is not None:
        who = f"subject {doc['subject']} of {who}"
    verdict = "ALLOWED" if doc["allowed"] else "NOT ALLOWED"
    lines = [
        f"{doc['model']} for {who}: {verdict}",
        f"  rule:   {doc['rule']}",
        f"  why:    {doc['reason']}",
    ]
    if doc["rollout"] is not None:
        lines.append(f"  arm:    {doc['arm'] or 'undecided'} (rollout {doc['rollout']})")
    lines.append(f"  status: {doc['status']}" + ("" if doc["enabled"] else " (disabled)"))
    for purpose, d in doc["defaults"].items():
        if d["fallback"]:
            lines.append(f"  default {purpose}: falls back to {d['serving']} ({d['rule']}): {d['skipped_because']}")
        else:
            lines.append(f"  default {purpose}: this model ({d['rule']})")
    workload = f"{input_tokens:,} input + {output_tokens:,} output tokens"
    if cost is not None:
        # the cost and a charge in the same currency with one number of decimals (cli/money.py)
        same = charge is not None and charge.unit == cost.currency
        places = places_for([cost.total, *([charge.amount, charge.exact] if charge and same else [])])
        lines.append(
            f"  cost:   {amount(cost.total, places)} {cost.currency} for {workload} "
            f"(prices from {doc['cost']['effective_from']})"
        )
    if charge is not None:
        places = places if same else places_for([charge.amount, charge.exact])
        lines.append(
            f"  charge: {amount(charge.amount, places)} {charge.unit} ({charge.basis} price; "
            f"exact {amount(charge.exact, places)})"
        )
    if "price_error" in doc:
        lines.append(f"  price:  {doc['price_error']}")
    return visible("\n".join(lines) + "\n", lines=True)  # --subject is the caller's, often from a request
