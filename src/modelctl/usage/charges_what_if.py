"""``reprice --charges --what-if MODEL``: the same rows charged on other models, on the same day and
variant, with the same plan or account (its markup, discount or negotiated prices, credits and
rounding, per request or per invoice, as usage/charges.py charges the actual model).

A row the what-if model cannot charge (no price that day, no such variant, no price for a kind of
token the row has, a currency the plan cannot convert to credits) is counted for that model and left
out of its total, never shown as a saving.  Entitlements are not decided for the charge (usage is
charged as if it had been served), but each plan and account that may not use a what-if model is
reported with the rule that says so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Context, Decimal
from typing import Any

from modelctl import runtime
from modelctl.runtime._entitlements import ChargeTerms
from modelctl.runtime._pricing import MONEY, window_variant
from modelctl.usage.row_pass import RowError

_ZERO = Decimal(0)
# A charge in credits back in the currency: a division, which MONEY (unbounded) would not end for 1/3.
TO_CURRENCY = Context(prec=200)


@dataclass(frozen=True, slots=True)
class WhatIfCharge:
    """A group's rows charged on one what-if model (the rows it could charge)."""

    model: str
    unit: str  # credits or a currency; "" when it could charge none of the group's rows
    cost: Decimal  # usage cost on the model, exact
    charge: Decimal  # the charge in the currency (before credits), exact
    exact: Decimal  # the charge in ``unit``, unrounded
    amount: Decimal  # the charge in ``unit``, rounded as the plan says
    unpriced: int  # rows of the group it could not charge


@dataclass(frozen=True, slots=True)
class WhatIfTotal:
    model: str
    totals: dict[str, Decimal]  # unit -> total amount of the rows it could charge
    failed: int  # rows charged on their own model but not on this one
    not_allowed: tuple[tuple[str, str, str], ...]  # (plan, account, reason): who may not use the model


@dataclass(slots=True)
class WAcc:
    """One cell's rows on one what-if model."""

    terms: ChargeTerms | None = None
    cost: Decimal = _ZERO
    exact: Decimal = _ZERO
    amount: Decimal = _ZERO
    unpriced: int = 0
    invoices: dict[tuple[str, str], Decimal] = field(default_factory=dict)


Project = Callable[[ChargeTerms], tuple[Any, Any, Any, Any, Any]]
TermsOf = Callable[[str, str, int, str, str], "ChargeTerms | str"]


class WhatIfCharges:
    """Accumulates the what-if charges while usage/charges.py's loop charges the actual model.

    ``register`` is called once per distinct (model, variant, day, plan, account) of the file (its
    terms id), ``add`` once per charged row."""

    def __init__(
        self,
        catalog: runtime.Catalog,
        targets: Sequence[str],
        terms_of: TermsOf,
        project: Project,
        refusal: Callable[[ChargeTerms, Any, list[int], int], str],
        keep: int,
        on_error: Callable[[RowError], None] | None = None,
        show: Callable[[Any], str] = str,
    ) -> None:
        self.catalog = catalog
        self.refusal = refusal  # why cost() refuses a row ("": it does not)
        self.targets = tuple(targets)
        self.terms_of = terms_of
        self.project = project
        self.keep = keep
        self.on_error = on_error  # every row a target cannot charge, with its text (``show(raw)``)
        self.show = show
        self.hits: list[list[Any]] = []  # per terms id: per target, (terms, rates...) or why not
        self.context: list[tuple[str, int, str, str]] = []  # per terms id: variant, day, plan, account
        self.windowed: dict[tuple[int, int, str], Any] = {}  # (terms id, target, window variant) -> hit
        self.owners: list[str] = []  # per terms id: the account (or "plan P") an invoice is for
        self.failed = [0] * len(self.targets)
        self.errors: list[tuple[int, str, str]] = []  # (line, what-if model, why)
        self.refused: list[dict[tuple[str, str], str]] = [{} for _ in self.targets]
        self._decided: set[tuple[str, str]] = set()

    def register(self, variant: str, day: int, plan: str, account: str, plan_id: str) -> None:
        hits: list[Any] = []
        for target in self.targets:
            terms = self.terms_of(target, variant, day, plan, account)
            hits.append(terms if isinstance(terms, str) else (terms, *self.project(terms)))
        self.hits.append(hits)
        self.context.append((variant, day, plan, account))
        self.owners.append(account or f"plan {plan_id}")
        if (plan_id, account) not in self._decided:
            self._decided.add((plan_id, account))
            self._entitled(plan_id, account)

    def _entitled(self, plan: str, account: str) -> None:
        for k, target in enumerate(self.targets):
            try:
                decision = self.catalog.allowed(target, None if account else plan, account or None)
            except runtime.CatalogError:
                continue
            if not decision and decision.rollout is None:
                self.refused[k][(plan, account)] = str(decision.reason)

    def cell(self) -> list[WAcc]:
        return [WAcc() for _ in self.targets]

    def _window(self, tid: int, k: int, hit: Any, when: datetime) -> Any:
        """The target's terms in the window its variants' windows hold at ``when`` (else ``hit``)."""
        named = window_variant(hit[5], when.hour * 60 + when.minute, when.weekday())
        if named is None:
            return hit
        found = self.windowed.get((tid, k, named))
        if found is None:
            _, day, plan, account = self.context[tid]
            terms = self.terms_of(self.targets[k], named, day, plan, account)
            found = self.windowed[(tid, k, named)] = terms if isinstance(terms, str) else (terms, *self.project(terms))
        return found

    def add(
        self, accs: list[WAcc], tid: int, line: int, counts: list[int], month: str, when: Any = None, raw: Any = ""
    ) -> None:
        for k, hit in enumerate(self.hits[tid]):
            acc = accs[k]
            if type(hit) is not str and hit[5] and when is not None:
                hit = self._window(tid, k, hit, when)
            if isinstance(hit, str):
                self._fail(acc, k, line, hit, raw)
                continue
            terms, (cost_rates, charge_rates), tiers, side_of, limits, _ = hit
            input_side = side_of(counts) if tiers or limits is not None else 0
            if limits is not None and (why := self.refusal(terms, limits, counts, input_side)):
                self._fail(acc, k, line, why, raw)
                continue
            if tiers:
                for above, tier_rates in tiers:
                    if input_side > above:
                        cost_rates, charge_rates = tier_rates
            cost = charge = _ZERO
            for units, rate, charge_rate in zip(counts, cost_rates, charge_rates, strict=True):
                if units:
                    if rate is None or charge_rate is None:
                        break
                    cost += rate * units
                    charge += charge_rate * units
            else:
                acc.terms = terms
                acc.cost += cost
                acc.exact += charge
                if terms.per == "invoice":
                    invoice = (self.owners[tid], month)
                    acc.invoices[invoice] = acc.invoices.get(invoice, _ZERO) + charge
                else:
                    acc.amount += charge.quantize(terms.quantum, rounding=terms.mode)
                continue
            self._fail(acc, k, line, f"{terms.model} has no price for a kind of token this row has", raw)

    def _fail(self, acc: WAcc, k: int, line: int, why: str, raw: Any) -> None:
        acc.unpriced += 1
        self.failed[k] += 1
        if len(self.errors) < self.keep:
            self.errors.append((line, self.targets[k], why))
        if self.on_error is not None:
            self.on_error(RowError(line, why, self.show(raw), self.targets[k]))

    def totals(self, groups: Sequence[Any]) -> tuple[WhatIfTotal, ...]:
        out = []
        for k, target in enumerate(self.targets):
            sums: dict[str, Decimal] = {}
            for g in groups:
                w = g.what_if[k]
                if w.unit:
                    sums[w.unit] = MONEY.add(sums.get(w.unit, _ZERO), w.amount)  # exact: not 28 digits
            refused = tuple((p, a, why) for (p, a), why in sorted(self.refused[k].items()))
            out.append(WhatIfTotal(target, sums, self.failed[k], refused))
        return tuple(out)


class GroupSum:
    """A group's what-if accumulators while cells are merged into groups (usage/charges.py ``_finish``)."""

    __slots__ = ("cost", "charge", "exact", "amount", "unpriced", "units", "invoices")

    def __init__(self) -> None:
        self.cost = self.charge = self.exact = self.amount = _ZERO
        self.unpriced = 0
        self.units: set[str] = set()
        self.invoices: dict[tuple[str, str], tuple[Decimal, Any, Any]] = {}

    def merge(self, acc: WAcc) -> None:
        self.unpriced += acc.unpriced
        terms = acc.terms
        if terms is None:
            return
        self.units.add(terms.unit)
        self.cost += acc.cost
        if terms.credits != 1:
            self.charge = TO_CURRENCY.add(self.charge, TO_CURRENCY.divide(acc.exact, terms.credits))
        else:
            self.charge += acc.exact
        self.exact += acc.exact
        self.amount += acc.amount
        for invoice, exact in acc.invoices.items():
            total, _, _ = self.invoices.get(invoice, (_ZERO, terms.quantum, terms.mode))
            self.invoices[invoice] = (total + exact, terms.quantum, terms.mode)

    def result(self, model: str) -> WhatIfCharge:
        amount = self.amount + sum((t.quantize(q, rounding=m) for t, q, m in self.invoices.values()), _ZERO)
        unit = "+".join(sorted(self.units))  # one unit: a plan charges a model in credits or its currency
        return WhatIfCharge(model, unit, self.cost, self.charge, self.exact, amount, self.unpriced)
