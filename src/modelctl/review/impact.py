"""What a change costs: every workload priced under both sides of a diff.

A workload (``catalog/workloads/<id>.yaml``) is a monthly usage profile: per
model, requests a month and one average request's token counts, optionally a
share of them on a variant, billed under a plan or an account.  Both sides of
the diff are loaded in the runtime (the code applications run), and each
workload is priced on each side at the same instant: the day the diff runs,
and each later date a scheduled price change takes effect.  A workload's
monthly cost is ``sum(requests x share x cost of one request)``, exact; with a
plan or account it is also charged (markup, discount, negotiated prices,
credits), one request at a time as ``charge()`` rounds it.

A model a side cannot price (removed, no price that day, not allowed on the
plan) leaves that side's figure out and says why: an unknown figure is never
a zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

from modelctl import runtime
from modelctl.artifact.compile import assemble, canonical, digest_of
from modelctl.catalog.model import ImpactSettings, Workload, WorkloadModel

_ZERO = Decimal(0)


def exact(value: Decimal) -> str:
    """An amount exactly, without trailing zeros past the cents: ``7.00``, ``0.0093`` (in a context
    wide enough for any amount: the default 28 digits cannot quantize 10^30 to cents)."""
    with localcontext() as ctx:
        ctx.prec = 200
        cents = value.quantize(Decimal("0.01"))
        return format(cents if cents == value else value.normalize(), "f")


@dataclass(frozen=True, slots=True)
class Figure:
    """One side's monthly figure for a model of a workload: provider cost and, with a plan, the charge."""

    cost: Decimal | None
    charge: Decimal | None = None
    error: str | None = None  # why there is no figure
    unit: str | None = None  # of the charge: credits or a currency


@dataclass(frozen=True, slots=True)
class ModelImpact:
    model: str
    requests: int
    before: Figure
    after: Figure


@dataclass(frozen=True, slots=True)
class WorkloadImpact:
    """A workload priced on both sides on one day."""

    workload: str
    name: str
    file: str
    on: date
    scheduled: bool  # priced at a scheduled date a change introduces, not today
    currency: str  # of the provider cost
    charge_unit: str | None  # credits or a currency, when billed under a plan or account
    billed_under: str | None  # "plan pro" or "account acme-bank"
    models: tuple[ModelImpact, ...]

    def total(self, side: str, what: str = "cost") -> Decimal | None:
        """The side's total (``before`` or ``after``) of ``cost`` or ``charge``; None when a figure is missing."""
        total = _ZERO
        for m in self.models:
            value = getattr(getattr(m, side), what)
            if value is None:
                return None
            total += value
        return total

    @property
    def moved(self) -> bool:
        """Whether the provider cost or (billed under a plan or account) the charge changed or became unknown."""
        return self.delta() != 0 or (self.billed_under is not None and self.delta("charge") != 0)

    def delta(self, what: str = "cost") -> Decimal | None:
        before, after = self.total("before", what), self.total("after", what)
        return None if before is None or after is None else after - before

    def percent(self, what: str = "cost", *, exact: bool = False) -> Decimal | None:
        """The change in percent of the before side (two decimals unless ``exact``); None from zero or unknown."""
        before, delta = self.total("before", what), self.delta(what)
        if before is None or delta is None or before == 0:
            return None
        with localcontext() as ctx:
            ctx.prec = 40
            value = delta * 100 / before
            return value if exact else value.quantize(Decimal("0.01"))


@dataclass(frozen=True, slots=True)
class Impact:
    """Every workload on every date, and the policy's verdict."""

    workloads: tuple[WorkloadImpact, ...]  # today's first, then scheduled dates
    ignored: tuple[str, ...]  # workloads whose change (not zero) is below the noise threshold
    violations: tuple[str, ...]  # why the policy fails, one line per workload over a threshold

    @property
    def shown(self) -> tuple[WorkloadImpact, ...]:
        """The workloads to report: moved, and (today's) above the noise threshold."""
        return tuple(w for w in self.workloads if w.moved and (w.scheduled or w.workload not in self.ignored))


@dataclass(frozen=True, slots=True)
class Policy:
    """Thresholds: the noise floor and the increase that fails the diff (exit 3).

    The limits come from the command line when given there, else from the
    workload's own file, else from catalog.yaml ``impact``."""

    settings: ImpactSettings = ImpactSettings()
    fail_on_increase_percent: Decimal | None = None  # from the command line
    fail_on_increase_amount: Decimal | None = None

    def limits(self, spec: Workload) -> tuple[Decimal | None, Decimal | None]:
        def pick(cli: Decimal | None, own: Decimal | None, catalog: Decimal | None) -> Decimal | None:
            return cli if cli is not None else own if own is not None else catalog

        s = self.settings
        return (
            pick(self.fail_on_increase_percent, spec.fail_on_increase_percent, s.fail_on_increase_percent),
            pick(self.fail_on_increase_amount, spec.fail_on_increase_amount, s.fail_on_increase_amount),
        )


def runtime_of(content: Mapping[str, Any], label: str) -> runtime.Catalog:
    """A runtime catalog of artifact-shaped ``content`` (a side of a diff), verified like any artifact."""
    body = canonical(content)
    return runtime.Catalog.loads(assemble(body, digest_of(body), f"diff {label}", {}).data)


def price_workloads(
    base: runtime.Catalog | None,
    head: runtime.Catalog | None,
    workloads: Iterable[Workload],
    *,
    today: date,
    scheduled: Iterable[date] = (),
    policy: Policy | None = None,
) -> Impact:
    """Every workload on both sides, today and on each scheduled date after today."""
    policy = policy or Policy()
    days = [today] + sorted({d for d in scheduled if d > today})
    found = [
        _workload(base, head, w, day, scheduled=day != today)
        for day in days
        for w in sorted(workloads, key=lambda w: w.id)
    ]
    ignored = tuple(w.workload for w in found if not w.scheduled and w.moved and _negligible(w, policy))
    by_id = {w.id: w for w in workloads}
    violations = tuple(v for w in found if (v := _violation(w, by_id[w.workload], policy)) is not None)
    return Impact(tuple(found), ignored, violations)


def _workload(
    base: runtime.Catalog | None, head: runtime.Catalog | None, w: Workload, day: date, *, scheduled: bool
) -> WorkloadImpact:
    models = tuple(
        ModelImpact(m.model, m.requests, _figure(base, m, w, day), _figure(head, m, w, day)) for m in w.models
    )
    currency = _currency(head, w) or _currency(base, w) or "USD"
    unit = None
    if w.plan or w.account:
        units = [f.unit for m in models for f in (m.after, m.before) if f.unit]
        unit = units[0] if units else currency
    billed = f"account {w.account}" if w.account else f"plan {w.plan}" if w.plan else None
    return WorkloadImpact(w.id, w.name, w.file, day, scheduled, currency, unit, billed, models)


def _shares(entry: WorkloadModel) -> list[tuple[str | None, Decimal]]:
    rest = Decimal(1) - sum(entry.variants.values(), _ZERO)
    shares: list[tuple[str | None, Decimal]] = [(None, rest)] if rest > 0 else []
    return shares + [(name, share) for name, share in sorted(entry.variants.items()) if share > 0]


def _figure(cat: runtime.Catalog | None, entry: WorkloadModel, w: Workload, day: date) -> Figure:
    if cat is None:
        return Figure(None, None, "the catalog does not exist on this side")
    usage = runtime.Usage(**entry.per_request)
    cost, charge, unit = _ZERO, _ZERO if (w.plan or w.account) else None, None
    try:
        with localcontext() as ctx:
            ctx.prec = 60
            for variant, share in _shares(entry):
                requests = Decimal(entry.requests) * share
                cost += cat.cost(entry.model, usage, at=day, variant=variant).total * requests
                if charge is not None:
                    one = cat.charge(entry.model, usage, plan=w.plan, account=w.account, at=day, variant=variant)
                    charge += one.amount * requests
                    unit = one.unit
    except runtime.CatalogError as exc:
        return Figure(None, None, _reason(exc, entry.model))
    return Figure(cost, charge, None, unit)


def _reason(exc: runtime.CatalogError, ref: str) -> str:
    if isinstance(exc, runtime.UnknownModelError):
        return f"{ref} is not in this side"
    return str(exc)


def _currency(cat: runtime.Catalog | None, w: Workload) -> str | None:
    if cat is None:
        return None
    for entry in w.models:
        try:
            return str(cat.model(entry.model).currency)
        except runtime.CatalogError:
            continue
    return None


def _negligible(w: WorkloadImpact, policy: Policy) -> bool:
    """Whether the change is below the noise threshold, in cost and (billed) in charge."""
    floor_amount, floor_percent = policy.settings.ignore_below_amount, policy.settings.ignore_below_percent
    if floor_amount is None and floor_percent is None:
        return False
    kinds = ("cost", "charge") if w.billed_under is not None else ("cost",)
    for what in kinds:
        delta, percent = w.delta(what), w.percent(what, exact=True)
        if delta is None:
            return False  # a side could not be priced: never noise
        if delta == 0:
            continue
        if floor_amount is not None and abs(delta) >= floor_amount:
            return False
        if floor_percent is not None and (percent is None or abs(percent) >= floor_percent):
            return False
    return True


def _violation(w: WorkloadImpact, spec: Workload, policy: Policy) -> str | None:
    delta, percent = w.delta(), w.percent(exact=True)
    if delta is None or delta <= 0:
        return None
    limit_pct, limit_amt = policy.limits(spec)
    when = f" from {w.on.isoformat()}" if w.scheduled else ""
    if limit_pct is not None and (percent is None or percent > limit_pct):
        shown = "from zero" if percent is None else f"+{w.percent()}%"
        return f"{w.workload}: monthly cost rises {shown}{when}, above the {limit_pct}% limit"
    if limit_amt is not None and delta > limit_amt:
        shown = exact(delta)
        return f"{w.workload}: monthly cost rises by {shown} {w.currency}{when}, above the {limit_amt} limit"
    return None


@dataclass(frozen=True, slots=True)
class UsageImpact:
    """A usage file (``reprice``'s input) priced on both sides: what the change would have done to it."""

    path: str
    rows: int
    before: dict[str, Decimal]  # currency -> total of the rows priced on that side
    after: dict[str, Decimal]
    unpriced_before: int
    unpriced_after: int

    def delta(self, currency: str) -> Decimal:
        return self.after.get(currency, _ZERO) - self.before.get(currency, _ZERO)

    def percent(self, currency: str) -> Decimal | None:
        before = self.before.get(currency, _ZERO)
        if before == 0:
            return None
        with localcontext() as ctx:
            ctx.prec = 40
            return (self.delta(currency) * 100 / before).quantize(Decimal("0.01"))


def price_usage(path: Path, base: runtime.Catalog | None, head: runtime.Catalog | None) -> UsageImpact:
    """Re-price the usage file on each side, in one pass over its rows (usage.reprice.reprice_sides:
    the same totals and unpriced rows as ``reprice`` on each).  A side that is None prices no row.
    Raises UsageFileError when it cannot be read."""
    from modelctl.usage.reprice import reprice_sides

    loaded = [cat for cat in (base, head) if cat is not None]
    if not loaded:
        return UsageImpact(str(path), 0, {}, {}, 0, 0)
    priced = reprice_sides(path, loaded)
    totals = iter(priced.totals)
    unpriced = iter(priced.unpriced)
    sides = [
        (dict(next(totals)), next(unpriced)) if cat is not None else ({}, priced.rows_read) for cat in (base, head)
    ]
    return UsageImpact(str(path), priced.rows_read, sides[0][0], sides[1][0], sides[0][1], sides[1][1])
