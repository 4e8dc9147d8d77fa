"""What a usage file is charged (``modelctl reprice --charges``): per account (and plan, subject,
arm, model or month when asked) the usage cost, the charge in the currency and in credits.

Rounding (docs/plans.md): a plan rounds **per request** by default: each row is rounded by the
plan's rule, as ``Catalog.charge`` rounds it, and a total is the sum of those rounded charges.  A
plan with ``rounding: {per: invoice}`` is invoiced monthly: the exact charges of an account (or,
for rows without one, of the plan) within a UTC month are summed and rounded once.  Rows are
charged as they were served: entitlements are not decided again (a model disabled since is billed).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

from modelctl import runtime
from modelctl.runtime._charges import ChargeTerms, charge_terms
from modelctl.runtime._pricing import SIDE_INDEXES
from modelctl.usage.files import (
    UsageFileError,
    check_header,
    count_problem,
    day_parser,
    kind_of,
    open_usage,
)
from modelctl.usage.readout import plan_readout

CHARGE_DIMENSIONS = ("account", "plan", "subject", "rollout", "arm", "model", "month")
_ZERO = Decimal(0)
_RUNTIME_FIELDS = runtime.USAGE_FIELDS


@dataclass(frozen=True, slots=True)
class ChargeGroup:
    key: tuple[str, ...]
    currency: str  # the usage cost's currency
    unit: str  # the charge's unit: credits, or the currency
    rows: int
    cost: Decimal  # usage cost (list prices), exact
    charge: Decimal  # the charge in the currency (before credits), exact
    exact: Decimal  # the charge in ``unit``, unrounded
    amount: Decimal  # the charge in ``unit``, rounded per request or per invoice
    per: str  # request, invoice, or mixed


@dataclass(frozen=True, slots=True)
class ChargesResult:
    path: str
    group_by: tuple[str, ...]
    groups: tuple[ChargeGroup, ...]
    totals: dict[str, Decimal]  # unit -> total amount
    rows_read: int
    rows_charged: int
    errors: tuple[tuple[int, str], ...]  # the first ones: (line, why)
    error_count: int
    first_day: date | None
    last_day: date | None


@dataclass(slots=True)
class _Acc:
    rows: int = 0
    cost: Decimal = _ZERO
    charge: Decimal = _ZERO
    exact: Decimal = _ZERO
    amount: Decimal = _ZERO
    invoices: dict[tuple[str, str], Decimal] = field(default_factory=dict)


def charges(
    path: Path | str,
    catalog: runtime.Catalog,
    *,
    group_by: Sequence[str] = ("account",),
    plan: str | None = None,
    rollout: str | None = None,
    keep_errors: int = 10,
) -> ChargesResult:
    """Charge every row of the usage file at ``path`` with its account's (else its plan's, else
    ``plan``'s) terms in force on its day.  Raises UsageFileError, or ReadoutError (usage/readout.py)."""
    for dim in group_by:
        if dim not in CHARGE_DIMENSIONS:
            raise ValueError(f"cannot group charges by {dim!r}: use {', '.join(CHARGE_DIMENSIONS)}")
    with open_usage(path) as usage:
        try:
            first = usage.stream.readline()
        except UnicodeDecodeError:
            raise UsageFileError(f"{path}: not UTF-8 text (a CSV or JSON Lines file is expected)") from None
        kind = kind_of(usage.name, first)
        rows: Iterator[tuple[int, dict[str, Any] | str]]
        if kind == "csv":
            header = check_header(first, str(path))
            columns: tuple[str, ...] = header.names
            rows = _csv(usage.stream, header)
        else:
            columns = tuple(json.loads(first)) if first.strip().startswith("{") else ()
            rows = _jsonl(first, usage.stream)
        readout = plan_readout(catalog, columns, [d for d in group_by if d not in ("model", "month")], rollout)
        try:
            return _run(str(path), catalog, rows, tuple(group_by), readout, plan, keep_errors)
        except UnicodeDecodeError:
            raise UsageFileError(f"{path}: not UTF-8 text") from None
        except csv.Error as exc:
            raise UsageFileError(f"{path}: {exc}") from None


def _csv(stream: Iterable[str], header: Any) -> Iterator[tuple[int, dict[str, Any] | str]]:
    names = header.names
    reader = csv.reader(stream, delimiter=header.delimiter)
    for row in reader:
        if not row:
            continue
        if len(row) != len(names):
            yield reader.line_num + 1, f"expected {len(names)} fields as in the header, found {len(row)}"
            continue
        yield reader.line_num + 1, dict(zip(names, row, strict=True))


def _jsonl(first: str, stream: Iterable[str]) -> Iterator[tuple[int, dict[str, Any] | str]]:
    line = 0
    for text in _chain(first, stream):
        line += 1
        if text.strip():
            yield line, _json(text)


def _chain(first: str, rest: Iterable[str]) -> Iterator[str]:
    if first:
        yield first
    yield from rest


def _json(text: str) -> dict[str, Any] | str:
    try:
        obj = json.loads(text)
    except ValueError as exc:
        return f"not valid JSON: {exc}"
    return obj if type(obj) is dict else "not a JSON object"


def _counts(row: dict[str, Any]) -> list[int] | str:
    counts = []
    for name in _RUNTIME_FIELDS:
        raw = row.get(name)
        if raw is None or raw == "":
            counts.append(1 if name == "requests" and "requests" not in row else 0)
            continue
        try:
            n = raw if type(raw) is int else int(str(raw).strip())
        except ValueError:
            return count_problem(name, raw)
        if type(raw) not in (int, str) or n < 0:
            return count_problem(name, raw)
        counts.append(n)
    return counts


def _run(
    path: str,
    catalog: runtime.Catalog,
    rows: Iterator[tuple[int, dict[str, Any] | str]],
    group_by: tuple[str, ...],
    readout: Any,
    default_plan: str | None,
    keep_errors: int,
) -> ChargesResult:
    read = tuple(d for d in readout.read if d not in ("model", "month"))
    day_of = day_parser()
    months: dict[int, str] = {}
    terms_cache: dict[tuple[str, str, int, str, str], ChargeTerms | str] = {}
    cells: dict[tuple[Any, ...], _Acc] = {}
    errors: list[tuple[int, str]] = []
    error_count = n = 0
    first_day = last_day = None
    accounts = set(catalog.accounts())
    with localcontext() as ctx:
        ctx.prec = 200  # exact: far more digits than any product here needs
        for line, row in rows:
            n += 1
            why = row if isinstance(row, str) else None
            if why is None:
                assert not isinstance(row, str)
                found = _row(row, catalog, day_of, terms_cache, accounts, default_plan)
                if isinstance(found, str):
                    why = found
            if why is not None:
                error_count += 1
                if len(errors) < keep_errors:
                    errors.append((line, why))
                continue
            assert not isinstance(row, str) and not isinstance(found, str)
            day, terms, counts, owner = found
            first_day = day if first_day is None or day < first_day else first_day
            last_day = day if last_day is None or day > last_day else last_day
            month = months.get(day) or months.setdefault(day, date.fromordinal(day).isoformat()[:7])
            rates = terms.base
            if terms.tiers:
                side = sum(counts[i] for i in SIDE_INDEXES)
                for above, tier_rates in terms.tiers:
                    if side > above:
                        rates = tier_rates
            cost = charge = _ZERO
            for n_units, rate, charge_rate in zip(counts, rates[0], rates[1], strict=True):
                if n_units:
                    if rate is None or charge_rate is None:
                        cost = None  # type: ignore[assignment]
                        break
                    cost += rate * n_units
                    charge += charge_rate * n_units
            if cost is None:
                error_count += 1
                if len(errors) < keep_errors:
                    errors.append((line, f"{terms.model} has no price for a kind of token this row has"))
                continue
            values = tuple(str(row.get(d) or "") for d in read)
            key = (
                values,
                terms.model,
                terms.plan,
                month,
                terms.currency,
                terms.unit,
                terms.per,
                terms.quantum,
                terms.mode,
            )
            acc = cells.get(key)
            if acc is None:
                acc = cells[key] = _Acc()
            acc.rows += 1
            acc.cost += cost
            acc.exact += charge
            if terms.per == "invoice":
                acc.invoices[(owner, month)] = acc.invoices.get((owner, month), _ZERO) + charge
            else:
                acc.amount += charge.quantize(terms.quantum, rounding=terms.mode)
            acc.charge += charge / terms.credits if terms.credits != 1 else charge
        groups = _finish(cells, read, group_by, readout)
    totals: dict[str, Decimal] = {}
    for g in groups:
        totals[g.unit] = totals.get(g.unit, _ZERO) + g.amount
    return ChargesResult(
        path,
        group_by,
        tuple(groups),
        totals,
        n,
        n - error_count,
        tuple(errors),
        error_count,
        None if first_day is None else date.fromordinal(first_day),
        None if last_day is None else date.fromordinal(last_day),
    )


def _row(
    row: dict[str, Any],
    catalog: runtime.Catalog,
    day_of: Callable[[Any], int],
    cache: dict[tuple[str, str, int, str, str], ChargeTerms | str],
    accounts: set[str],
    default_plan: str | None,
) -> tuple[int, ChargeTerms, list[int], str] | str:
    ts, model = row.get("timestamp"), row.get("model")
    if ts is None or ts == "":
        return "no timestamp"
    if type(model) is not str or not model:
        return "no model name"
    try:
        if type(ts) is str and "T" in ts:
            moment = datetime.fromisoformat(ts)
            day = (moment if moment.tzinfo is None else moment.astimezone(UTC)).toordinal()
        else:
            day = day_of(ts)
    except (ValueError, TypeError, OverflowError, OSError):
        return f"timestamp {ts!r} is not an ISO date or date-time (or epoch seconds)"
    account = str(row.get("account") or "")
    plan = str(row.get("plan") or "") or ("" if account else default_plan or "")
    variant = str(row.get("variant") or "")
    key = (model, variant, day, plan, account)
    terms = cache.get(key)
    if terms is None:
        terms = cache[key] = _terms(catalog, model, variant, day, plan, account, accounts)
    if isinstance(terms, str):
        return terms
    counts = _counts(row)
    if isinstance(counts, str):
        return counts
    return day, terms, counts, account or f"plan {terms.plan}"


def _terms(
    catalog: runtime.Catalog, model: str, variant: str, day: int, plan: str, account: str, accounts: set[str]
) -> ChargeTerms | str:
    if account and account not in accounts:
        return f"unknown account {account!r}"
    if not plan and not account:
        return "no plan or account: the row needs a plan or account column (or pass --plan)"
    try:
        return charge_terms(catalog, model, plan or None, account or None, day, variant or None)
    except runtime.CatalogError as exc:
        return str(exc)


def _finish(
    cells: dict[tuple[Any, ...], _Acc], read: tuple[str, ...], group_by: tuple[str, ...], readout: Any
) -> list[ChargeGroup]:
    out: dict[tuple[Any, ...], list[Any]] = {}
    for (values, model, plan, month, currency, unit, per, quantum, mode), acc in cells.items():
        named = dict(zip(read, values, strict=True))
        named["plan"] = named.get("plan") or plan  # a row with an account only: its plan
        if readout.derive is not None:
            named = readout.derive(named)
        named["model"], named["month"] = model, month
        gkey = (tuple(named.get(d, "") for d in group_by), currency, unit)
        g = out.get(gkey)
        if g is None:
            g = out[gkey] = [0, _ZERO, _ZERO, _ZERO, _ZERO, set(), {}]
        g[0] += acc.rows
        g[1] += acc.cost
        g[2] += acc.charge
        g[3] += acc.exact
        g[4] += acc.amount
        g[5].add(per)
        for invoice, exact in acc.invoices.items():
            total, _, _ = g[6].get(invoice, (_ZERO, quantum, mode))
            g[6][invoice] = (total + exact, quantum, mode)
    groups = []
    for (key, currency, unit), (rows, cost, charge, exact, amount, pers, invoices) in sorted(out.items()):
        amount += sum((total.quantize(q, rounding=m) for total, q, m in invoices.values()), _ZERO)
        per = pers.pop() if len(pers) == 1 else "mixed"
        groups.append(ChargeGroup(key, currency, unit, rows, cost, charge, exact, amount, per))
    return groups
