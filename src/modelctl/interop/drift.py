"""``check-prices``: today's catalog prices against a public reference.

The reference (LiteLLM's map, or genai-prices provider files) is read with
the importers, so its units are converted exactly as an import would.  Each
catalog model with a price today is matched to a reference model by
provider and id, then by its aliases, then by the reference's own naming:
LiteLLM's ``provider/model`` keys, or genai-prices' ``match`` rules (a prefix
rule does not match a name that goes on with a further version number:
claude-sonnet-5-5 is not claude-sonnet-5).  Retired models are not checked.  Prices
are compared key by key where both sides give one (base prices, and the keys
both sides state for a context tier of the same threshold or a variant of
the same name); every difference is a ``Disagreement``, with the reference's
value relative to ours in percent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from modelctl.catalog.model import PRICE_KEYS, Catalog, Model, PricePeriod, Prices
from modelctl.interop.importers import genai_prices, litellm
from modelctl.interop.importers.common import Candidate, ReadOptions
from modelctl.rules.prices import current_period

AGAINST = ("litellm", "genai-prices")
_EPOCH = date(1970, 1, 1)  # the reference's undated prices: all we need is the one in force today


@dataclass(frozen=True, slots=True)
class Disagreement:
    model: str  # the catalog's provider/id
    reference: str  # the reference's name for it
    field: str  # input_per_1m, batch.input_per_1m, tier>200000.output_per_1m
    ours: Decimal
    theirs: Decimal

    @property
    def percent(self) -> Decimal | None:
        if self.ours == 0:
            return None
        return ((self.theirs - self.ours) / self.ours * 100).quantize(Decimal("0.1"))


@dataclass(frozen=True, slots=True)
class DriftReport:
    against: str
    reference: str
    today: date
    compared: tuple[str, ...]  # catalog models with a price today (retired ones left out)
    matched: dict[str, str]  # catalog ref -> reference name
    disagreements: tuple[Disagreement, ...]

    @property
    def unmatched(self) -> list[str]:
        return [ref for ref in self.compared if ref not in self.matched]

    @property
    def drifted(self) -> list[str]:
        return sorted({d.model for d in self.disagreements})


def check_prices(catalog: Catalog, against: str, reference: Path, *, today: date) -> DriftReport:
    """Compare; raises SourceError when the reference cannot be read."""
    opts = ReadOptions(today=today, since=_EPOCH, require_limits=False)
    reader = litellm.read if against == "litellm" else genai_prices.read
    data = reader(reference, opts)
    index = _Index(data.candidates)
    if against == "genai-prices":
        index.rules = _genai_rules(reference)
    compared: list[str] = []
    matched: dict[str, str] = {}
    found: list[Disagreement] = []
    for ref, model in sorted(catalog.models.items()):
        period = current_period(model, today)
        if period is None or model.status == "retired":
            continue  # a retired model's price is history: nobody buys it today
        compared.append(ref)
        cand = index.find(model, against)
        if cand is None:
            continue
        matched[ref] = cand.source_key
        theirs = _in_force(cand, today)
        if theirs is not None:
            found += _compare(ref, cand.source_key, period, theirs)
    return DriftReport(against, str(reference), today, tuple(compared), matched, tuple(found))


class _Index:
    def __init__(self, cands: tuple[Candidate, ...]) -> None:
        self.by_name: dict[tuple[str, str], Candidate] = {}
        self.by_key: dict[str, Candidate] = {}
        self.rules: dict[str, list[tuple[str, Any]]] = {}
        for c in cands:
            self.by_key.setdefault(c.source_key.lower(), c)
            for name in (c.name, c.name.rsplit("/", 1)[-1], *c.aliases):
                self.by_name.setdefault((c.provider, name.lower()), c)

    def find(self, model: Model, against: str) -> Candidate | None:
        names = [model.id, *model.aliases]
        for name in names:
            if (hit := self.by_name.get((model.provider, name.lower()))) is not None:
                return hit
        if against == "litellm":
            for name in names:
                if (hit := self.by_key.get(litellm_key(model.provider, name).lower())) is not None:
                    return hit
        for model_id, clause in self.rules.get(model.provider, []):
            if any(_matches(clause, name) for name in names):
                return self.by_name.get((model.provider, model_id.lower()))
        return None


def litellm_key(provider: str, name: str) -> str:
    lp = litellm.CATALOG_TO_PROVIDER.get(provider, provider)
    return name if lp in ("openai", "anthropic") else f"{lp}/{name}"


def _genai_rules(path: Path) -> dict[str, list[tuple[str, Any]]]:
    rules: dict[str, list[tuple[str, Any]]] = {}
    for file in genai_prices.source_files(path):
        data = genai_prices.load(file)
        provider = genai_prices.PROVIDER_TO_CATALOG.get(data["id"], data["id"])
        for m in data["models"]:
            if isinstance(m, dict) and isinstance(m.get("id"), str) and not m.get("removed"):
                rules.setdefault(provider, []).append((m["id"], m.get("match")))
    return rules


# What may not follow a ``starts_with`` prefix: a further version number.  claude-sonnet-5-5 is
# not claude-sonnet-5 (comparing them reports false drift), while claude-sonnet-5-20260101 (a
# dated snapshot), claude-sonnet-5-latest or claude-sonnet-5-v1:0 are.
_NEXT_VERSION = re.compile(r"(?:[-.]?\d{1,3}(?!\d))|\d")


def _matches(clause: Any, text: str) -> bool:
    """genai-prices' match clauses, with its semantics (case-insensitive except regex), except that
    a prefix followed by a further version number does not match (``_NEXT_VERSION``)."""
    if not isinstance(clause, dict):
        return False
    low = text.lower()
    tests = {
        "starts_with": lambda v: low.startswith(str(v).lower()) and not _NEXT_VERSION.match(low[len(str(v)) :]),
        "ends_with": lambda v: low.endswith(str(v).lower()),
        "contains": lambda v: str(v).lower() in low,
        "equals": lambda v: low == str(v).lower(),
        "regex": lambda v: re.search(str(v), text) is not None,
        "or": lambda v: any(_matches(c, text) for c in v),
        "and": lambda v: all(_matches(c, text) for c in v),
    }
    return all(tests[k](v) for k, v in clause.items() if k in tests) and any(k in tests for k in clause)


def _in_force(cand: Candidate, today: date) -> dict[str, Any] | None:
    periods = [p for p in cand.doc.get("pricing", []) if p["effective_from"] <= today]
    return max(periods, key=lambda p: p["effective_from"], default=None)


def _ours(prices: Prices) -> dict[str, Decimal]:
    return dict(prices.items())


def _theirs(prices: dict[str, Any]) -> dict[str, Decimal]:
    return {k: Decimal(prices[k]) for k in PRICE_KEYS if prices.get(k) is not None}


def _compare(ref: str, name: str, ours: PricePeriod, theirs: dict[str, Any]) -> list[Disagreement]:
    out = list(_diff(ref, name, "", _ours(ours.prices), _theirs(theirs), None))
    base_ours, base_theirs = _ours(ours.prices), _theirs(theirs)
    their_tiers = {t["above_input_tokens"]: t for t in theirs.get("tiers", [])}
    for tier in ours.tiers:
        other = their_tiers.get(tier.above_input_tokens)
        if other is not None:
            stated = set(_ours(tier.prices)) & set(_theirs(other))
            mine = {**base_ours, **_ours(tier.prices)}
            out += _diff(ref, name, f"tier>{tier.above_input_tokens}.", mine, {**base_theirs, **_theirs(other)}, stated)
    their_variants = theirs.get("variants", {})
    for variant in ours.variants:
        other = their_variants.get(variant.name)
        if other is not None:
            stated = set(_ours(variant.prices)) & set(_theirs(other))
            mine = {**base_ours, **_ours(variant.prices)}
            out += _diff(ref, name, f"{variant.name}.", mine, {**base_theirs, **_theirs(other)}, stated)
    return out


def _diff(
    ref: str, name: str, prefix: str, ours: dict[str, Decimal], theirs: dict[str, Decimal], only: set[str] | None
) -> Iterator[Disagreement]:
    for key in PRICE_KEYS:
        if key in ours and key in theirs and (only is None or key in only) and ours[key] != theirs[key]:
            yield Disagreement(ref, name, prefix + key, ours[key], theirs[key])
