"""Resolve what `modelctl diff BASE HEAD` compares, load both sides, compare.

An argument is a catalog directory when such a directory exists, a published
artifact when such a file exists, and a git revision otherwise.  HEAD
defaults to the working tree of the catalog; BASE to the merge-base of HEAD
with the main branch.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from modelctl.errors import Finding
from modelctl.review.diff import DiffOptions, DiffResult, diff_contents
from modelctl.review.git import GitRepo
from modelctl.review.impact import Impact, Policy, UsageImpact, price_usage, price_workloads, runtime_of
from modelctl.review.sides import Side, load_artifact, load_directory, load_git_full, load_git_pair


@dataclass(frozen=True, slots=True)
class Comparison:
    result: DiffResult
    base: Side
    head: Side
    impact: Impact | None = None  # the workloads' monthly cost on both sides, when there are workloads
    usage: UsageImpact | None = None  # a usage file re-priced on both sides (``usage=``)

    @property
    def invalid(self) -> list[tuple[str, Finding]]:
        return [(side.label, f) for side in (self.base, self.head) for f in side.errors]


def _kind(arg: str | None) -> str:
    if arg is None:
        return "worktree"
    path = Path(arg)
    if path.is_dir():
        return "dir"
    if path.is_file():
        return "artifact"
    return "rev"


def _load_one(spec: tuple[str, str, str, str]) -> Side:
    kind, arg, catalog, today = spec
    if kind == "dir":
        return load_directory(Path(arg), today=date.fromisoformat(today))
    if kind == "artifact":
        return load_artifact(Path(arg))
    if kind == "worktree":
        side = load_directory(Path(catalog), today=date.fromisoformat(today))
        side.label = "working tree"
        return side
    # (the catalog folder may not exist here, in a bare repository say: git runs where we are)
    return load_git_full(GitRepo(Path(catalog) if Path(catalog).is_dir() else Path.cwd()), Path(catalog), arg)


def _load_full(base: tuple[str, str], head: tuple[str, str], catalog: Path, today: date) -> tuple[Side, Side]:
    specs = [(k, a, str(catalog), today.isoformat()) for k, a in (base, head)]
    heavy = sum(k in ("dir", "worktree", "rev") for k, _ in (base, head))
    if heavy == 2:  # both sides parse a whole catalog: the base in a second process, the head here
        with ProcessPoolExecutor(max_workers=1) as pool:
            future = pool.submit(_load_one, specs[0])
            head_side = _load_one(specs[1])
            return future.result(), head_side
    return _load_one(specs[0]), _load_one(specs[1])


def compare(
    base: str | None,
    head: str | None,
    *,
    catalog: Path,
    today: date,
    review_threshold: Decimal | None = None,
    fail_on_increase_percent: Decimal | None = None,
    fail_on_increase_amount: Decimal | None = None,
    usage: Path | None = None,
) -> Comparison:
    """Load both sides and compare them, and price the workloads (and ``usage``) on both.
    Raises ModelctlError when a side cannot be read."""
    base_kind, head_kind = _kind(base), _kind(head)
    if head_kind in ("worktree", "rev") and base_kind in ("worktree", "rev"):
        repo = GitRepo(catalog if catalog.is_dir() else Path.cwd())
        base_rev = base if base is not None else repo.default_base()
        pair = load_git_pair(repo, catalog, base_rev, head)
        base_side, head_side = pair.base, pair.head
        if base is None:
            base_side.label = f"merge-base {base_rev[:12]}"
    else:
        if base_kind == "worktree":
            raise ValueError("BASE is required when HEAD is given")
        base_side, head_side = _load_full((base_kind, base or ""), (head_kind, head or ""), catalog, today)
    threshold = review_threshold if review_threshold is not None else _threshold(head_side.content)
    options = DiffOptions(today=today, review_threshold=threshold)
    result = diff_contents(
        base_side.content, head_side.content, options=options, base_label=base_side.label, head_label=head_side.label
    )
    if base_side.errors or head_side.errors:
        return Comparison(result, base_side, head_side)
    workloads = head_side.workloads or base_side.workloads
    if not workloads and usage is None:
        return Comparison(result, base_side, head_side)
    base_rt, head_rt = _runtime(base_side), _runtime(head_side)
    impact = None
    if workloads:
        policy = Policy(head_side.impact, fail_on_increase_percent, fail_on_increase_amount)
        scheduled = [
            date.fromisoformat(c.price.effective_from) for c in result.changes if c.price and c.price.scheduled
        ]
        impact = price_workloads(base_rt, head_rt, workloads.values(), today=today, scheduled=scheduled, policy=policy)
    priced = price_usage(usage, base_rt, head_rt) if usage is not None else None
    return Comparison(result, base_side, head_side, impact, priced)


def _runtime(side: Side) -> Any:
    return runtime_of(side.content, side.label) if side.content.get("models") is not None else None


def _threshold(content: dict[str, Any]) -> Decimal:
    value = content.get("catalog", {}).get("review_threshold_percent")
    return Decimal(value) if value is not None else Decimal(10)
