"""The entitlement questions an application asks, for a plan, an account on it and a subject
(a user, workspace or tenant id) within them: ``allowed``, ``models_for``, ``default_model``; and
``charge_terms``, what a request is charged as per-unit rates (for ``reprice --charges``).
Standard library only; the rules themselves are in _plans.py (docs/plans.md).

A subject has no file of its own: it is bucketed by the documented hash (docs/rollouts.md),
salted per rollout, inside the rules of its plan and account.  An account stays a contract:
its allow, deny, widen, defaults and explicit rollout opt-ins apply to every subject in it.
"""

from __future__ import annotations

from collections import namedtuple
from decimal import Decimal

from modelctl.runtime._errors import (
    AmbiguousModelError,
    CatalogError,
    NoDefaultError,
    NotAllowedError,
    UnknownModelError,
)
from modelctl.runtime._plans import ROUNDING, Decision, DefaultChoice, defaults_of
from modelctl.runtime._pricing import MONEY, _rates

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from modelctl.runtime._catalog import Catalog

# Per-subject answers are cached up to this many entries, then the cache starts afresh (an
# application serving millions of users keeps a bounded memory; warm lookups stay a dict hit).
SUBJECT_CACHE = 200_000


def check_subject(subject: object) -> str:
    """A subject id: a non-empty string of valid Unicode (it is hashed as UTF-8)."""
    if type(subject) is not str or not subject:
        raise CatalogError(f"a subject is a non-empty string id, not {subject!r}")
    try:
        subject.encode()
    except UnicodeEncodeError:
        raise CatalogError(
            f"subject {subject!r} is not valid Unicode (a lone surrogate): it cannot be hashed"
        ) from None
    return subject


def allowed_for(cat: Catalog, model: str, plan: str | None, account: str | None, subject: str) -> Any:
    """``allowed`` for a subject: the subject-free decision, decided again when a rollout decides."""
    base = cat.allowed(model, plan, account)
    if base.rollout is None:
        return base
    return cat._rules(plan, account).for_subject(base, check_subject(subject))


def models_for(cat: Catalog, plan: str | None, account: str | None, subject: str | None) -> tuple[Any, ...]:
    rules = cat._rules(plan, account)
    models = cat._models
    if subject is None:
        return tuple(cat.model(ref) for ref in sorted(models) if rules.decide(ref, models[ref]))
    base = cat.models_for(plan, account)
    rolled = [ref for ref in rules.rollouts if ref in models]
    keep = {m.ref for m in base if m.ref not in rules.rollouts}
    keep.update(ref for ref in rolled if cat.allowed(ref, plan, account, subject))
    return tuple(cat.model(ref) for ref in sorted(keep))


def default_model(cat: Catalog, purpose: str, plan: str | None, account: str | None, subject: str | None) -> Any:
    """The first usable candidate: the account's defaults for the purpose (in order), else the
    variant of the plan's A/B test the subject (or account) is in, else the plan's defaults (in
    order).  A candidate is usable when it is enabled and allowed to this plan, account and subject."""
    if subject is not None:
        check_subject(subject)
    rules = cat._rules(plan, account)
    plan_doc, account_doc = rules.plan, rules.account
    candidates: list[tuple[str, str, str]] = []
    if account_doc is not None:
        aid = account_doc["id"]
        candidates += _listed(
            defaults_of(account_doc, purpose), f"account {aid} defaults.{purpose}", f"account {aid}'s default"
        )
    rollout = arm = None
    picked = rules.ab_arm(purpose, subject)
    if picked is not None:
        ab, i = picked
        variant = ab["variants"][i]["model"]
        rollout, arm = ab["id"], variant
        who = f"subject {subject}" if subject is not None else f"account {account_doc['id'] if account_doc else ''}"
        candidates.append(
            (
                variant,
                f"plan {plan_doc['id']} rollout {ab['id']}",
                f"A/B test {ab['id']}: {who} gets variant {i} ({variant})",
            )
        )
    pid = plan_doc["id"]
    candidates += _listed(defaults_of(plan_doc, purpose), f"plan {pid} defaults.{purpose}", f"plan {pid}'s default")
    if not candidates:
        raise NoDefaultError(f"plan {pid} has no default for {purpose!r}")
    skipped: list[Any] = []
    for model, rule, reason in candidates:
        try:
            decision = cat.allowed(model, plan, account, subject)
        except (UnknownModelError, AmbiguousModelError):  # (validate refuses it: MC211) skipped, not fatal
            decision = Decision(False, model, "not in the catalog", f"{model} names no single model of the catalog")
        if decision:
            if skipped:
                passed = "; ".join(f"{d.model} skipped ({d.rule})" for d in skipped)
                reason = f"{reason}, falling back: {passed}"
            return DefaultChoice(purpose, decision.model, rule, reason, rollout, arm, tuple(skipped))
        skipped.append(decision)
    raise NotAllowedError(skipped[0])


def _listed(models: list[str], rule: str, reason: str) -> list[tuple[str, str, str]]:
    if len(models) == 1:
        return [(models[0], rule, reason)]
    return [(m, f"{rule}[{i}]", reason if i == 0 else f"{reason} (fall-back {i})") for i, m in enumerate(models)]


def defaults(cat: Catalog, plan: str | None, account: str | None, subject: str | None) -> dict[str, Any]:
    """Every purpose the plan (or account) names a default for -> its DefaultChoice (None when no
    candidate is usable)."""
    rules = cat._rules(plan, account)
    purposes = set(rules.plan.get("defaults", {})) | set((rules.account or {}).get("defaults", {}))
    out: dict[str, Any] = {}
    for purpose in sorted(purposes):
        try:
            out[purpose] = cat.default_model(purpose, plan, account, subject)
        except NotAllowedError:
            out[purpose] = None
    return out


# --- charge terms: the same arithmetic as Catalog.charge, as per-unit rates (a test checks they agree) ---


class ChargeTerms(
    namedtuple(
        "ChargeTerms",
        (
            "model",
            "plan",
            "currency",
            "unit",
            "basis",
            "per",
            "quantum",
            "mode",
            "credits",
            "base",
            "tiers",
            "unsupported",
            "max_input",
            "windows",
        ),
        defaults=((), 0, ()),
    )  # fmt: skip
):
    """``base`` and ``tiers`` (above_input_tokens, rates) hold (cost rates, charge rates), one per usage
    field in ``runtime.USAGE_FIELDS`` order (None: no price for it); ``per`` is request or invoice;
    ``unsupported`` and ``max_input`` are what ``cost()`` refuses: (field index, name, reason) of the
    usage fields the model cannot serve, and the most input-side tokens per request (0: no limit);
    ``windows``: the time-of-day windows of the variants (base terms only): a request made at an
    instant inside one is charged on that variant's terms, as ``charge(at=datetime)`` charges it."""

    __slots__ = ()


_FREE = Decimal(0)


def _plain(rates: Any) -> tuple[Decimal | None, ...]:
    # A usage field without a price and without a component (requests, with no per-request fee) is free.
    return tuple(_FREE if r is None and component is None else r for component, r in rates)


def _scaled(rates: Any, factor: Decimal) -> tuple[Decimal | None, ...]:
    return tuple(None if r is None else MONEY.multiply(r, factor) for r in _plain(rates))


def charge_terms(
    cat: Catalog, model: str, plan: str | None, account: str | None, day: int, variant: str | None
) -> ChargeTerms:
    """The terms in force on ``day`` (a date ordinal).  Entitlements are not decided again: usage is
    charged as it was served (a model disabled since is still billed)."""
    from datetime import date

    ref = cat.resolve(model)
    rules = cat._rules(plan, account)
    plan_doc = rules.plan
    at = date.fromordinal(day)
    priced = cat._plan(ref, at, variant)
    currency = priced.price.currency
    markup, _ = rules.markup(day)
    credits = plan_doc.get("credits_per_usd")
    if credits is not None and currency != "USD":
        raise CatalogError(f"{ref} is priced in {currency}: plan {plan_doc['id']} converts USD to credits")
    to_unit = Decimal(credits) if credits is not None else Decimal(1)
    entry = rules.negotiated(ref, cat._models[ref], day)
    negotiated = None
    if entry is not None and "prices" in entry:
        basis = "negotiated"
        merged = {**priced.price.prices, **{k: Decimal(v) for k, v in entry["prices"].items()}}
        negotiated = _scaled(_rates(merged), to_unit)
    elif entry is not None and "discount_percent" in entry:
        basis = "discount"
        factor = MONEY.multiply(markup, MONEY.subtract(100, Decimal(entry["discount_percent"]))).scaleb(-2, MONEY)
    else:
        basis, factor = "list", markup

    def pair(rates: Any) -> tuple[tuple[Decimal | None, ...], tuple[Decimal | None, ...]]:
        cost = _plain(rates)
        if negotiated is not None:
            return cost, negotiated  # negotiated prices are base prices: no tier, no markup
        return cost, _scaled(rates, MONEY.multiply(factor, to_unit))

    rounding = plan_doc.get("rounding", {})
    return ChargeTerms(
        ref,
        plan_doc["id"],
        currency,
        "credits" if credits is not None else currency,
        basis,
        rounding.get("per", "request"),
        Decimal(1).scaleb(-int(rounding.get("decimals", 6))),
        ROUNDING[rounding.get("mode", "half_up")],
        to_unit,
        pair(priced.rates),
        tuple((above, pair(rates)) for above, rates in priced.tiers),
        priced.unsupported,
        priced.max_input,
        priced.windows if variant is None else (),
    )
