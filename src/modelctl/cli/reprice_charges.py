"""``modelctl reprice --charges`` (and ``--plan`` / ``--account``): what the rows are charged, and
with ``--what-if`` what they would be charged on other models (usage/charges.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import typer

from modelctl import runtime
from modelctl.cli.common import (
    JSON_FORMAT_VERSION,
    Format,
    csv_table,
    dumps,
    error,
    markdown_table,
    note,
    plain,
    reading,
    stdout_text,
    text_table,
)
from modelctl.cli.money import Cell, Money, spell_rows
from modelctl.cli.output import plural
from modelctl.cli.plans import unknown_name
from modelctl.usage.charges import CHARGE_DIMENSIONS, ChargeGroup, ChargesResult, charges
from modelctl.usage.charges_what_if import WhatIfCharge
from modelctl.usage.readout import ReadoutError
from modelctl.usage.row_pass import RowError


def check_names(catalog: runtime.Catalog, plan: str | None, account: str | None) -> None:
    """An unknown --plan or --account is a usage error (exit 2) naming the close ones; an account on
    another plan than --plan's too."""
    if plan is not None and plan not in catalog.plans():
        raise typer.BadParameter(unknown_name("plan", plan, catalog.plans()), param_hint="--plan")
    if account is not None:
        if account not in catalog.accounts():
            raise typer.BadParameter(unknown_name("account", account, catalog.accounts()), param_hint="--account")
        if plan is not None and catalog.plan_of(account) != plan:
            raise typer.BadParameter(
                f"account {account!r} is on plan {catalog.plan_of(account)!r}, not {plan!r}", param_hint="--plan"
            )


def check_charges(catalog: runtime.Catalog, dims: list[str], plan: str | None, account: str | None) -> None:
    """The usage errors of --charges that need no row read: a --group-by it does not group by, an
    unknown --plan or --account."""
    bad = [d for d in dims if d not in CHARGE_DIMENSIONS]
    if bad:
        raise typer.BadParameter(
            f"--charges groups by {', '.join(CHARGE_DIMENSIONS)}, not {', '.join(bad)}", param_hint="--group-by"
        )
    check_names(catalog, plan, account)


def run_charges(
    usage_file: str,
    catalog: runtime.Catalog,
    dims: list[str],
    *,
    plan: str | None,
    account: str | None,
    what_if: Sequence[str],
    rollout: str | None,
    show_errors: int,
    fmt: Format,
    on_error: Callable[[RowError], None] | None = None,
    errors_out: Path | None = None,
) -> bool:
    """Charge the file and render it (``check_charges`` first, before --errors-out is opened); True
    when some rows could not be charged (exit 1, once --errors-out is in place)."""
    check_charges(catalog, dims, plan, account)
    try:
        with reading():
            result = charges(
                usage_file, catalog, group_by=dims, plan=plan, account=account, what_if=what_if,
                rollout=rollout, keep_errors=show_errors, on_error=on_error,
            )  # fmt: skip
    except ReadoutError as exc:
        raise typer.BadParameter(str(exc), param_hint="--rollout") from None
    render = {Format.json: _json, Format.csv: _csv, Format.markdown: _markdown}.get(fmt, _text)
    stdout_text(render(result))
    _summary(result, errors_out)
    return bool(result.failed)


def _summary(result: ChargesResult, errors_out: Path | None = None) -> None:
    if result.ignored_columns:
        note(f"ignored columns (not usage fields): {', '.join(result.ignored_columns)}")
    if result.unused_dimensions:
        names = ", ".join(result.unused_dimensions)
        note(f"ignored columns (not read for this --group-by): {names}")
    period = f" ({result.first_day} to {result.last_day})" if result.first_day else ""  # the rows charged
    line = f"{plural(result.rows_read, 'row')}{period}: {result.rows_charged:,} charged"
    for w in result.what_if:
        for _plan, _account, reason in w.not_allowed:
            note(f"{reason}: its charges on {w.model} are shown as if it were allowed")
    if not result.failed:
        note(line)
        return
    if result.error_count:
        error(f"{line}, {result.error_count:,} could not be charged (the totals leave them out)")
    else:
        note(line)
    for number, why in result.errors:
        error(f"line {number}: {why}")
    for w in result.what_if:
        if w.failed:
            rows = "1 charged row" if w.failed == 1 else f"{w.failed:,} charged rows"
            error(f"{rows} could not be charged on {w.model} (its total leaves them out)")
    for number, model, why in result.what_if_errors:
        error(f"line {number} on {model}: {why}")
    failures = result.error_count + sum(w.failed for w in result.what_if)
    listed = len(result.errors) + len(result.what_if_errors)
    if failures > listed:
        where = f"all are in {errors_out}" if errors_out else "write them all with --errors-out FILE"
        error(f"... and {failures - listed:,} more: {where}")


# --- rendering ---------------------------------------------------------------------


def _change(actual: Decimal, other: Decimal) -> str:
    if not actual:
        return "-"
    return f"{(other - actual) / actual * 100:+.1f}%"


def _what_if_cells(amount: Decimal, unit: str, w: WhatIfCharge, rows: int) -> list[Cell]:
    """The charge on a what-if model and its change, in the group's unit.  Rows it cannot charge are
    never a saving: no change is shown for them, only how many there are."""
    if w.unpriced == rows or not w.unit:
        return ["unpriced", "-"]
    if w.unit != unit:
        return [Money(w.amount, f"{{}} {w.unit}", kind=w.unit), f"{w.unpriced:,} unpriced" if w.unpriced else "-"]
    return [Money(w.amount, kind=w.unit), f"{w.unpriced:,} unpriced" if w.unpriced else _change(amount, w.amount)]


def _cells(g: ChargeGroup, exact: bool) -> list[Cell]:
    """A group's cells: exact strings for CSV, else amounts spelled per column (cli/money.py)."""
    in_credits = g.unit == "credits"
    charge = g.charge if in_credits else g.amount
    cells: list[Cell] = [
        *g.key,
        str(g.rows) if exact else f"{g.rows:,}",
        g.currency,
        plain(g.cost) if exact else g.cost,
        plain(charge) if exact else charge,
        (plain(g.amount) if exact else g.amount) if in_credits else "",
        f"per {g.per}",
    ]
    for w in g.what_if:
        if exact:
            priced = w.unpriced < g.rows and bool(w.unit)
            change = _change(g.amount, w.amount) if priced and not w.unpriced and w.unit == g.unit else ""
            cells += [plain(w.cost) if priced else "", plain(w.amount) if priced else "", w.unit, change]
            cells.append(str(w.unpriced))
        else:
            cells += _what_if_cells(g.amount, g.unit, w, g.rows)
    return cells


def _headers(result: ChargesResult, *, csv_names: bool = False) -> list[str]:
    heads = [*result.group_by, "rows", "currency", "cost", "charge", "credits", "rounding"]
    for w in result.what_if:
        m = w.model
        if csv_names:
            heads += [f"cost_on_{m}", f"charge_on_{m}", f"unit_on_{m}", f"change_on_{m}", f"unpriced_on_{m}"]
        else:
            heads += [f"charge on {m}", "change"]
    return heads


def _total_rows(result: ChargesResult) -> list[list[Cell]]:
    rows = []
    for unit, total in sorted(result.totals.items()):
        credits = unit == "credits"
        cells: list[Cell] = ["total", *[""] * (len(result.group_by) - 1), "", "" if credits else unit, ""]
        cells += ["" if credits else total, total if credits else "", ""]
        mine = [g for g in result.groups if g.unit == unit]
        for k in range(len(result.what_if)):
            here = [g.what_if[k] for g in mine]
            unpriced = sum(x.unpriced for x in here)
            amount = sum((x.amount for x in here if x.unit == unit), Decimal(0))
            if any(x.unit not in (unit, "") for x in here) or unpriced == sum(g.rows for g in mine):
                cells += ["-", "-"] if unpriced < sum(g.rows for g in mine) else ["unpriced", "-"]
                continue
            cells += [Money(amount, kind=unit), f"{unpriced:,} unpriced" if unpriced else _change(total, amount)]
        rows.append(cells)
    return rows


def _right(result: ChargesResult, width: int) -> frozenset[int]:
    return frozenset(i for i in range(len(result.group_by), width) if i != len(result.group_by) + 5)


def _text(result: ChargesResult) -> str:
    headers = _headers(result)
    rows = spell_rows([_cells(g, False) for g in result.groups] + _total_rows(result))
    return text_table(headers, rows, right=_right(result, len(headers)))


def _markdown(result: ChargesResult) -> str:
    headers = _headers(result)
    groups = [_cells(g, False) for g in result.groups]
    spelled = spell_rows(groups + _total_rows(result))
    rows = spelled[: len(groups)] + [[f"**{c}**" if c else c for c in row] for row in spelled[len(groups) :]]
    return markdown_table(headers, rows, right=_right(result, len(headers)))


def _csv(result: ChargesResult) -> str:
    rows = [[str(c) for c in _cells(g, True)] for g in result.groups]
    return csv_table(_headers(result, csv_names=True), rows)


def _what_if_json(w: WhatIfCharge, rows: int) -> dict[str, Any]:
    none = w.unpriced == rows or not w.unit  # null, never "0": the model charged none of the rows
    return {
        "cost": None if none else plain(w.cost),
        "charge": None if none else plain(w.charge),
        "unit": w.unit or None,
        "amount": None if none else plain(w.amount),
        "exact": None if none else plain(w.exact),
        "unpriced": w.unpriced,
    }


def _json(result: ChargesResult) -> str:
    doc: dict[str, Any] = {
        "format_version": JSON_FORMAT_VERSION,
        "file": result.path,
        "group_by": list(result.group_by),
        "period": {"from": result.first_day, "to": result.last_day},
        "rows": {"read": result.rows_read, "charged": result.rows_charged, "failed": result.error_count},
        "totals": {unit: plain(t) for unit, t in sorted(result.totals.items())},
        "groups": [
            {
                **dict(zip(result.group_by, g.key, strict=True)),
                "rows": g.rows,
                "currency": g.currency,
                "cost": plain(g.cost),
                "charge": plain(g.charge),
                "unit": g.unit,
                "amount": plain(g.amount),
                "exact": plain(g.exact),
                "rounding": g.per,
                **({"what_if": {w.model: _what_if_json(w, g.rows) for w in g.what_if}} if result.what_if else {}),
            }
            for g in result.groups
        ],
        "errors": [{"line": n, "message": m} for n, m in result.errors],
    }
    if result.what_if:
        doc["what_if"] = [
            {
                "model": w.model,
                "totals": {unit: plain(t) for unit, t in sorted(w.totals.items())},
                "failed": w.failed,
                "not_allowed": [{"plan": p, "account": a or None, "reason": r} for p, a, r in w.not_allowed],
            }
            for w in result.what_if
        ]
        doc["what_if_errors"] = [{"line": n, "what_if": m, "message": why} for n, m, why in result.what_if_errors]
    return dumps(doc)
