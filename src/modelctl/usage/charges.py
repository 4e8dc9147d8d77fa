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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal, localcontext
from itertools import chain
from operator import add, itemgetter, mul
from pathlib import Path
from typing import Any

from modelctl import runtime
from modelctl._gc import paused_gc
from modelctl.runtime._entitlements import ChargeTerms, charge_terms
from modelctl.runtime._pricing import MONEY, SIDE_INDEXES, window_variant
from modelctl.usage.charge_columns import Columns
from modelctl.usage.charge_money import Acc, Level, new_level, priced_cells
from modelctl.usage.charge_rows import Chunk, csv_rows, jsonl_rows
from modelctl.usage.charges_what_if import TO_CURRENCY, GroupSum, WAcc, WhatIfCharge, WhatIfCharges, WhatIfTotal
from modelctl.usage.files import UsageFileError, check_header, day_parser, json_keys, kind_of, not_utf8, open_usage
from modelctl.usage.readout import keys_ahead, plan_readout
from modelctl.usage.row_pass import RowError

CHARGE_DIMENSIONS = ("account", "plan", "subject", "rollout", "arm", "model", "month")
_ZERO = Decimal(0)
_RUNTIME_FIELDS = runtime.USAGE_FIELDS
_REQUESTS = _RUNTIME_FIELDS.index("requests")
COLUMNAR = True  # CSV rows that nothing can fail charged by columns (usage/charge_columns.py); tests compare


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
    what_if: tuple[WhatIfCharge, ...] = ()  # the same rows on each what-if model


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
    what_if: tuple[WhatIfTotal, ...] = ()
    what_if_errors: tuple[tuple[int, str, str], ...] = ()  # the first ones: (line, what-if model, why)
    ignored_columns: tuple[str, ...] = ()  # the file's columns (a JSON Lines file: any row's keys) not read
    unused_dimensions: tuple[str, ...] = ()  # subject, rollout or arm columns that nothing groups by

    @property
    def failed(self) -> bool:
        """True when some row could not be charged (on its model or on a what-if model)."""
        return self.error_count > 0 or any(w.failed for w in self.what_if)


def charges(
    path: Path | str,
    catalog: runtime.Catalog,
    *,
    group_by: Sequence[str] = ("account",),
    plan: str | None = None,
    account: str | None = None,
    what_if: Sequence[str] = (),
    rollout: str | None = None,
    keep_errors: int = 10,
    on_error: Callable[[RowError], None] | None = None,
) -> ChargesResult:
    """Charge every row of the usage file at ``path`` with its account's (else its plan's) terms in
    force on its day; a row that names neither is charged as ``account`` (else ``plan``) is.  With
    ``what_if`` (canonical model ids), each row is also charged on each of those models, same day,
    variant, plan and account (usage/charges_what_if.py).  Every row that cannot be charged (on its
    model or on a what-if model) goes to ``on_error`` with its text, as in ``reprice``; the first
    ``keep_errors`` are kept in the result.  Raises UsageFileError, or ReadoutError (usage/readout.py)."""
    for dim in group_by:
        if dim not in CHARGE_DIMENSIONS:
            raise ValueError(f"cannot group charges by {dim!r}: use {', '.join(CHARGE_DIMENSIONS)}")
    with open_usage(path) as usage:
        try:
            first = usage.stream.readline()
        except UnicodeDecodeError:
            raise not_utf8(path) from None
        kind = kind_of(usage.name, first)
        if kind == "csv":
            header = check_header(first, str(path))
            columns: tuple[str, ...] = header.names
        else:
            try:
                columns, ahead = keys_ahead(json_keys(first), usage.stream, group_by, json_keys)
            except UnicodeDecodeError:
                raise not_utf8(path) from None
        keys = list(columns)  # JSON Lines: the other rows' keys are added as they are read
        readout = plan_readout(catalog, columns, [d for d in group_by if d not in ("model", "month")], rollout)
        read = tuple(d for d in readout.read if d not in ("model", "month"))
        if kind == "csv":
            fields = tuple(header.names[i] for i in header.tokens)
            implicit = "requests" not in fields
            chunked = COLUMNAR and not what_if  # what-if models charge every row in the loop
            rows = csv_rows(usage.stream, header, read, implicit, chunked)
            fields += ("requests",) if implicit else ()
            layout = (header, implicit) if chunked else None
        else:
            rest = chain(ahead, usage.stream) if ahead else usage.stream  # the rows read ahead first
            fields, rows, layout = _RUNTIME_FIELDS, jsonl_rows(first, rest, read, keys), None
        show: Callable[[Any], str] = header.delimiter.join if kind == "csv" else _line_text
        try:
            defaults = (plan or "", account or "")
            errors_to = (keep_errors, on_error, show)
            context = (catalog, fields, tuple(group_by), read, readout, defaults, tuple(what_if), errors_to, layout)
            # The pass makes no reference cycles: the cyclic GC's passes over each chunk's rows took a
            # sixth of its time (a quarter of --charges's columnar step), as plain reprice found.
            with paused_gc():
                result = _run(str(path), rows, *context)
        except UnicodeDecodeError:
            raise not_utf8(path) from None
        except csv.Error as exc:
            raise UsageFileError(f"{path}: {exc}") from None
    columns = tuple(keys)
    used = {*_ALWAYS_READ, *_RUNTIME_FIELDS, *readout.read}
    unused = tuple(c for c in columns if c not in used)
    return replace(
        result,
        ignored_columns=tuple(c for c in unused if c not in _DIMENSION_COLUMNS),
        unused_dimensions=tuple(c for c in unused if c in _DIMENSION_COLUMNS),
    )


def _line_text(text: str) -> str:
    return text.rstrip("\r\n")


_ALWAYS_READ = ("timestamp", "model", "variant", "account", "plan")
_DIMENSION_COLUMNS = ("subject", "rollout", "arm")  # read only to group by them


def _project(terms: ChargeTerms, fields: tuple[str, ...]) -> tuple[Any, Any, Any, Any, Any]:
    """The terms' rates for the file's usage fields only; the tiers; a function counting a row's
    input-side tokens (for tiers and the input limit); what ``cost()`` refuses (None: nothing can;
    else the usage fields the model cannot serve, its input limit per request and where the requests
    count is, for ``refused``); and the variants' time-of-day windows."""
    idx = [_RUNTIME_FIELDS.index(f) for f in fields]

    def pick(pair: Any) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
        return tuple(pair[0][i] for i in idx), tuple(pair[1][i] for i in idx)

    side = tuple(k for k, i in enumerate(idx) if i in SIDE_INDEXES)
    tiers = tuple((above, pick(p)) for above, p in terms.tiers)
    unsupported = tuple((idx.index(i), name, reason) for i, name, reason in terms.unsupported if i in idx)
    limits = None
    if unsupported or terms.max_input:
        limits = (unsupported, terms.max_input, idx.index(_REQUESTS) if _REQUESTS in idx else -1)
    return pick(terms.base), tiers, _side_counter(side), limits, terms.windows


def _side_counter(side: tuple[int, ...]) -> Any:
    if not side:
        return lambda counts: 0
    if len(side) == 1:
        return itemgetter(side[0])
    getter = itemgetter(*side)
    return lambda counts: sum(getter(counts))


def refused(terms: ChargeTerms, limits: Any, counts: list[int], input_side: int) -> str:
    """Why ``cost()`` refuses the row ("": it does not): a usage field the model cannot serve, or
    more input-side tokens per request than it takes."""
    unsupported, limit, requests = limits
    for k, name, reason in unsupported:
        if counts[k]:
            return str(runtime.UnsupportedUsageError(terms.model, name, reason))
    n = (counts[requests] if requests >= 0 else 1) or 1
    if limit and input_side > limit * n:
        detail = f" ({input_side:,} input-side tokens in {n:,} request(s), above its limit of {limit:,} per request)"
        return str(runtime.UnsupportedUsageError(terms.model, "input_tokens", "does not take that much input", detail))
    return ""


def _run(
    path: str,
    rows: Iterator[Any],
    catalog: runtime.Catalog,
    fields: tuple[str, ...],
    group_by: tuple[str, ...],
    read: tuple[str, ...],
    readout: Any,
    defaults: tuple[str, str],
    targets: tuple[str, ...],
    errors_to: tuple[int, Callable[[RowError], None] | None, Callable[[Any], str]],
    layout: tuple[Any, bool] | None,
) -> ChargesResult:
    """The hot loop (bench/bench_plans.py): kept flat on purpose.  With ``layout`` (a CSV file's
    header and whether requests are implicit), ``rows`` has chunks for usage/charge_columns.py."""
    keep_errors, on_error, show = errors_to
    day_of = day_parser()
    fromiso, utc = datetime.fromisoformat, UTC
    months: dict[int, str] = {}
    cache: dict[tuple[Any, ...], Any] = {}
    # (dimension values, month, level id) -> [rows, the sum of each count, the rounded charges]
    cells: dict[tuple[Any, ...], list[Any]] = {}
    wcells: dict[tuple[Any, ...], list[WAcc]] = {}  # (dimension values, terms id, month) -> what-if sums
    levels: list[Level] = []  # level id -> terms id, rates, decimals
    errors: list[tuple[int, str]] = []
    error_count = n = 0
    first_day = last_day = None
    accounts = set(catalog.accounts())
    known: list[ChargeTerms] = []
    owners: list[str] = []  # per terms id: the account the row is charged as ("" for a plan)
    columns = None
    if layout is not None:
        side = tuple(k for k, f in enumerate(fields) if _RUNTIME_FIELDS.index(f) in SIDE_INDEXES)
        columns = Columns(layout[0], read, layout[1], side, cells)
        rows = _expand(rows, columns)
    what_if = None
    if targets:

        def terms_of(model: str, variant: str, day: int, plan: str, account: str) -> ChargeTerms | str:
            return _terms(catalog, model, variant, day, plan, account, accounts)

        what_if = WhatIfCharges(
            catalog, targets, terms_of, lambda t: _project(t, fields), refused, keep_errors, on_error, show
        )

    def lookup(key: tuple[Any, ...], variant: str) -> Any:
        model, _, day, plan, account = key[:5]
        as_plan, as_account = (plan, account) if plan or account else defaults
        terms = _terms(catalog, model, variant, day, as_plan, as_account, accounts)
        if isinstance(terms, str):
            cache[key] = terms
            return terms
        # the cells are keyed by a small number: hashing the terms' rates per row is slow
        tid = len(known)
        base, tiers, side_of, limits, windows = _project(terms, fields)
        level = new_level(levels, tid, terms, base)
        tiers = tuple((above, new_level(levels, tid, terms, rates)) for above, rates in tiers)
        hit = cache[key] = (tid, level, tiers, side_of, limits, windows)
        known.append(terms)
        owners.append(as_account)
        if columns is not None and len(key) == 5:
            columns.register(key, hit)
        if what_if is not None:  # a row charged in a window names no variant: nor do its what-if rows
            what_if.register("" if len(key) > 5 else variant, day, as_plan, as_account, terms.plan)
        return hit

    def fail(line: int, why: str, raw: Any) -> None:
        nonlocal error_count
        error_count += 1
        if len(errors) < keep_errors:
            errors.append((line, why))
        if on_error is not None:
            on_error(RowError(line, why, show(raw)))

    # Exact: the runtime's unbounded MONEY context, whatever the counts (what-if rows are charged in
    # Decimal here: 200 digits made a count of 10**250 a quantize error); the one division, by
    # credits_per_usd, is at 200 digits (TO_CURRENCY), as before.
    with localcontext(MONEY):
        for item in rows:
            n += 1
            if len(item) == 3:
                fail(*item)
                continue
            line, ts, model, variant, account, plan, values, counts, raw = item
            if not model:
                fail(line, "no model name", raw)
                continue
            when = None  # the UTC instant of a row with a time (time-of-day windows)
            try:
                if type(ts) is str and "T" in ts:
                    moment = fromiso(ts)
                    tz = moment.tzinfo
                    when = moment if tz is None or tz is utc else moment.astimezone(utc)
                    day = when.toordinal()
                else:
                    day = day_of(ts)
            except (ValueError, TypeError, OverflowError, OSError):
                fail(line, f"timestamp {ts!r} is not an ISO date or date-time (or epoch seconds)", raw)
                continue
            key = (model, variant, day, plan, account)
            hit = cache.get(key)
            if hit is None:
                hit = lookup(key, variant)
            if type(hit) is not str and hit[5] and when is not None:  # a window of a variant, at that instant
                named = window_variant(hit[5], when.hour * 60 + when.minute, when.weekday())
                if named is not None:
                    wkey = (model, named, day, plan, account, "window")
                    hit = cache.get(wkey) or lookup(wkey, named)
            if isinstance(hit, str):
                fail(line, hit, raw)
                continue
            tid, level, tiers, side_of, limits, _ = hit
            if limits is not None:
                input_side = side_of(counts)
                if (limits[1] and input_side > limits[1]) or limits[0]:  # a closer look (requests, fields)
                    why = refused(known[tid], limits, counts, input_side)
                    if why:
                        fail(line, why, raw)
                        continue
            if tiers:
                if limits is None:
                    input_side = side_of(counts)
                for above, tier_level in tiers:
                    if input_side > above:
                        level = tier_level
            lid, unpriced, irates, rnd, _ = level
            if unpriced and any(counts[k] for k in unpriced):
                fail(line, f"{known[tid].model} has no price for a kind of token this row has", raw)
                continue
            if first_day is None or day < first_day:
                first_day = day
            if last_day is None or day > last_day:
                last_day = day
            month = months.get(day)
            if month is None:
                month = months[day] = date.fromordinal(day).isoformat()[:7]
            ckey = (values, month, lid)
            acc = cells.get(ckey)
            if acc is None:
                acc = cells[ckey] = [0, [0] * len(counts), 0]
            acc[0] += 1
            acc[1] = [*map(add, acc[1], counts)]
            if rnd is not None:
                acc[2] += rnd(sum(map(mul, irates, counts)))
            if what_if is not None:
                wck = (values, tid, month)
                wacc = wcells.get(wck)
                if wacc is None:
                    wacc = wcells[wck] = what_if.cell()
                what_if.add(wacc, tid, line, counts, month, when, raw)
        if columns is not None:
            days = columns.merge()
            n += columns.rows
            if days:
                first_day = min(days) if first_day is None else min(first_day, *days)
                last_day = max(days) if last_day is None else max(last_day, *days)
        found = priced_cells(cells, wcells, levels, known, owners)
        groups = _finish(found, read, group_by, readout, targets)
    totals: dict[str, Decimal] = {}
    for g in groups:
        totals[g.unit] = MONEY.add(totals.get(g.unit, _ZERO), g.amount)  # exact: not the default 28 digits
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
        () if what_if is None else what_if.totals(groups),
        () if what_if is None else tuple(what_if.errors),
    )


def _expand(rows: Iterator[Any], columns: Columns) -> Iterator[Any]:
    """The row items, a chunk's as left by the columnar step."""
    for item in rows:
        if type(item) is Chunk:
            yield from columns.add(item)
        else:
            yield item


def _terms(
    catalog: runtime.Catalog, model: str, variant: str, day: int, plan: str, account: str, accounts: set[str]
) -> ChargeTerms | str:
    if account and account not in accounts:
        return f"unknown account {account!r}"
    if not plan and not account:
        return "no plan or account: the row needs a plan or account column (or pass --plan or --account)"
    try:
        return charge_terms(catalog, model, plan or None, account or None, day, variant or None)
    except runtime.CatalogError as exc:
        return str(exc)


def _finish(
    cells: list[tuple[tuple[Any, ...], Acc]],
    read: tuple[str, ...],
    group_by: tuple[str, ...],
    readout: Any,
    targets: tuple[str, ...],
) -> list[ChargeGroup]:
    """Cells -> groups.  ``cells`` is a list: two cells may have equal terms (the same rates on two days)."""
    out: dict[tuple[Any, ...], list[Any]] = {}
    for (values, terms, account, month), acc in cells:
        named = dict(zip(read, values, strict=True))
        named["plan"] = named.get("plan") or terms.plan  # a row with an account only: its plan
        named["account"] = named.get("account") or account  # a row charged as --account's
        if readout.derive is not None:
            named = readout.derive(named)
        named["model"], named["month"] = terms.model, month
        currency, unit, per, quantum, mode = terms.currency, terms.unit, terms.per, terms.quantum, terms.mode
        gkey = (tuple(named.get(d, "") for d in group_by), currency, unit)
        g = out.get(gkey)
        if g is None:
            g = out[gkey] = [0, _ZERO, _ZERO, _ZERO, _ZERO, set(), {}, [GroupSum() for _ in targets]]
        g[0] += acc.rows
        g[1] = MONEY.add(g[1], acc.cost)  # sums exact (MONEY), whatever the counts; a division at 200 digits
        g[2] = (
            TO_CURRENCY.add(g[2], TO_CURRENCY.divide(acc.exact, terms.credits))
            if terms.credits != 1
            else g[2] + acc.exact
        )
        g[3] = MONEY.add(g[3], acc.exact)
        g[4] = MONEY.add(g[4], acc.amount)
        g[5].add(per)
        for invoice, exact in acc.invoices.items():
            total, _, _ = g[6].get(invoice, (_ZERO, quantum, mode))
            g[6][invoice] = (MONEY.add(total, exact), quantum, mode)
        for k, wacc in enumerate(acc.what_if or ()):
            g[7][k].merge(wacc)
    groups = []
    for (key, currency, unit), (rows, cost, charge, exact, amount, pers, invoices, sums) in sorted(out.items()):
        for total, q, m in invoices.values():
            amount = MONEY.add(amount, total.quantize(q, rounding=m, context=MONEY))
        per = pers.pop() if len(pers) == 1 else "mixed"
        what_if = tuple(s.result(t) for s, t in zip(sums, targets, strict=True))
        groups.append(ChargeGroup(key, currency, unit, rows, cost, charge, exact, amount, per, what_if))
    return groups
