"""Rules for dated terms (MC609, MC610): an account's negotiated prices and discounts, and a plan's
markups, may carry ``effective_from`` and ``until`` (inclusive).  Two terms for the same models must
not be in force on the same day; a gap between two negotiated terms is reported (a later matching
entry, or the list price, applies there)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Any

from modelctl.errors import Finding
from modelctl.rules.registry import RuleContext, rule

_START, _END = date.min, date.max
Span = tuple[str | None, str | None, list[Any]]  # effective_from, until, the entry's path


@rule
def dated_terms(ctx: RuleContext) -> Iterator[Finding]:
    for plan in ctx.catalog.plans.values():
        markups: list[Span] = [(m.effective_from, m.until, ["markups", i]) for i, m in enumerate(plan.markups)]
        # between dated markups the plan's `markup` applies, by design: no gap to report
        yield from _check(ctx, plan.file, f"plan {plan.id}'s markups", markups, gaps=False)
    for account in ctx.catalog.accounts.values():
        by_selector: dict[str, list[Span]] = {}
        for i, entry in enumerate(account.pricing):
            by_selector.setdefault(entry.model, []).append((entry.effective_from, entry.until, ["pricing", i]))
        for selector, spans in by_selector.items():
            undated = [s for s in spans if s[0] is None and s[1] is None]
            if undated and undated[0] is not spans[-1]:
                yield ctx.at(
                    "MC609",
                    account.file,
                    undated[0][2],
                    f"an undated price for {selector} comes before another entry for it: the first matching entry "
                    "applies, so the later one never would; put the undated one last (it applies when no dated "
                    "one does)",
                )
            dated = [s for s in spans if not (s[0] is None and s[1] is None)]
            yield from _check(ctx, account.file, f"the negotiated prices for {selector}", dated, gaps=True)


def _day(ctx: RuleContext, file: str, text: str | None, path: list[Any], default: date) -> date | Finding:
    if text is None:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        return ctx.at("MC609", file, path, f"{text!r} is not a day of the calendar: write YYYY-MM-DD")


def _check(
    ctx: RuleContext, file: str, what: str, spans: Sequence[tuple[str | None, str | None, list[Any]]], *, gaps: bool
) -> Iterator[Finding]:
    days: list[tuple[date, date, list[Any]]] = []
    for start_text, end_text, path in spans:
        start = _day(ctx, file, start_text, [*path, "effective_from"], _START)
        end = _day(ctx, file, end_text, [*path, "until"], _END)
        if isinstance(start, Finding) or isinstance(end, Finding):
            yield from (d for d in (start, end) if isinstance(d, Finding))
            continue
        if end < start:
            yield ctx.at("MC609", file, [*path, "until"], f"until {end} is before effective_from {start}")
            continue
        days.append((start, end, path))
    days.sort(key=lambda d: d[0])
    for (s1, e1, _), (s2, e2, p2) in zip(days, days[1:], strict=False):
        if s2 <= e1:
            yield ctx.at(
                "MC609",
                file,
                p2,
                f"{what} overlap: one is in force {_show(s1, e1)}, another {_show(s2, e2)}; "
                "end the first (`until`) the day before the second starts",
            )
        elif gaps and s2 > e1 + timedelta(days=1):
            yield ctx.at(
                "MC610",
                file,
                p2,
                f"{what} leave a gap from {e1 + timedelta(days=1)} to {s2 - timedelta(days=1)}: "
                "a later entry for these models (or the list price) applies then; close it if that is not meant",
            )


def _show(start: date, end: date) -> str:
    return f"from {'the start' if start == _START else start} to {'no end' if end == _END else end}"
