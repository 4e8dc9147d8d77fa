"""The cost half of an A/B readout: which rollout and arm each usage row belongs to.

A usage file may log the arm itself (an ``arm`` column, and optionally ``rollout``: what
``DefaultChoice.arm`` / ``Decision.arm`` said when the request was served), or only who made the
request (a ``subject`` column): then the arm is computed exactly as the runtime computes it, in the
rollout named by ``--rollout``, within the row's plan (its ``plan`` column, else its account's
plan, else the only plan that has the rollout), with the row's account's opt-in or opt-out.
Rows that name no subject, or whose plan has no such rollout, are in arm ``""`` (shown as ``-``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import islice

from modelctl import runtime

READOUT_DIMENSIONS = ("rollout", "arm")


class ReadoutError(ValueError):
    """Grouping by rollout or arm is impossible with this file and these options."""


@dataclass(frozen=True, slots=True)
class Readout:
    read: tuple[str, ...]  # the row columns to read
    derive: Callable[[dict[str, str]], dict[str, str]] | None  # row values -> rollout and arm


def jsonl_columns(first_keys: Sequence[str]) -> tuple[str, ...]:
    """The columns a JSON Lines file's readout is planned with: its first row's keys, and ``account`` and
    ``plan``, which a later row may have when the first has not (a JSON row leaves out what it lacks).
    They only help find a row's arm, and an absent one reads as "", as an empty CSV cell."""
    return (*first_keys, *(c for c in ("account", "plan") if c not in first_keys))


READ_AHEAD = 20_480  # JSON Lines rows whose keys plan a readout (DuckDB's sample size; its engine reads as many)


def keys_ahead(
    first_keys: Sequence[str], stream: Iterable[str], group_by: Sequence[str], keys_of: Callable[[str], Sequence[str]]
) -> tuple[tuple[str, ...], list[str]]:
    """A JSON Lines file's keys for planning a readout, and the rows read ahead to find them (the
    caller prices them first). A JSON row leaves out what it lacks, so when a readout is wanted and
    the first row has neither ``subject`` nor ``arm`` (an anonymous request), the keys of the next
    ``READ_AHEAD`` rows count too; otherwise nothing is read ahead."""
    if not any(d in READOUT_DIMENSIONS for d in group_by) or {"subject", "arm"} & set(first_keys):
        return tuple(first_keys), []
    ahead = list(islice(stream, READ_AHEAD))
    return tuple(dict.fromkeys([*first_keys, *(k for line in ahead for k in keys_of(line))])), ahead


def plan_readout(
    catalog: runtime.Catalog, columns: Sequence[str], group_by: Sequence[str], rollout: str | None
) -> Readout:
    """What to read from each row so as to group by ``group_by`` (``columns``: the file's columns)."""
    row_dims = [d for d in group_by if d in ("account", "plan", "subject", "rollout", "arm")]
    wanted = [d for d in READOUT_DIMENSIONS if d in group_by]
    if not wanted or ("arm" in columns and rollout is None):
        return Readout(tuple(row_dims), None)  # read as they are (a missing column reads as "")
    if rollout is None:
        raise ReadoutError(
            "to group by rollout or arm, the usage file needs an arm column, or a subject column and --rollout ID"
        )
    if "subject" not in columns and "arm" not in columns:
        raise ReadoutError("to group by arm with --rollout, the usage file needs a subject (or arm) column")
    owners = [p for p in catalog.plans() if any(r["id"] == rollout for r in catalog.rollouts(p))]
    if not owners:
        raise ReadoutError(f"no plan has a rollout {rollout!r}")
    accounts = set(catalog.accounts())
    only = owners[0] if len(owners) == 1 else None
    arms: dict[tuple[str, str, str], str] = {}

    def derive(values: dict[str, str]) -> dict[str, str]:
        subject, account, plan = values.get("subject", ""), values.get("account", ""), values.get("plan", "")
        key = (subject, account, plan)
        arm = arms.get(key)
        if arm is None:
            arm = arms[key] = _arm(catalog, rollout, subject, account if account in accounts else None, plan, only)
        return {**values, "rollout": rollout, "arm": values["arm"] if values.get("arm") else arm}

    read = [d for d in row_dims if d not in READOUT_DIMENSIONS]
    read += [c for c in ("subject", "account", "plan", "arm") if c in columns and c not in read]
    return Readout(tuple(read), derive)


def _arm(catalog: runtime.Catalog, rollout: str, subject: str, account: str | None, plan: str, only: str | None) -> str:
    if not subject:
        return ""
    if not plan and account is not None:
        plan = catalog.plan_of(account)
    plan = plan or only or ""
    try:
        return catalog.arm(
            plan, rollout, subject, account=account if account and catalog.plan_of(account) == plan else None
        )
    except runtime.CatalogError:
        return ""  # no such plan, no such rollout in it, or an id that cannot be hashed
