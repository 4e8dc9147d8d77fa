"""Entitlements: which models a plan and an account may use, their defaults,
rollouts and what to charge.  Standard library only.

Decision order for ``allowed(model, plan, account)`` (the first that applies
decides, and is named in the decision's ``rule``):

1. a retired or disabled model is available nowhere;
2. the account's ``deny``;
3. the account's ``widen`` (models granted beyond the plan, explicitly);
4. the plan's ``deny`` (deny wins over allow);
5. no ``allow`` of the plan matches: not in the plan;
6. the account has an ``allow`` list (it narrows the plan) and none matches;
7. a percentage rollout of the plan covers the model: the account's opt-in or
   opt-out, else its bucket;
8. allowed by the plan's matching ``allow``.
"""

from __future__ import annotations

from collections import namedtuple
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal
from hashlib import sha256

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import Any

BUCKETS = 10_000
ROUNDING = {"up": ROUND_UP, "half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN, "down": ROUND_DOWN}


class Decision(namedtuple("Decision", ("allowed", "model", "rule", "reason", "rollout", "arm"), defaults=(None, None))):
    """Whether a model is available, which rule decided, and why, in words; when a rollout decided,
    its id and the arm (``in`` or ``out``) the account or subject is in, for an application to log."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return bool(self.allowed)


class DefaultChoice(
    namedtuple(
        "DefaultChoice", ("purpose", "model", "rule", "reason", "rollout", "arm", "skipped"), defaults=(None, None, ())
    )
):
    """The default model for a purpose, which rule chose it and why; ``rollout`` and ``arm`` name the
    A/B test and variant the account or subject is in (None without one); ``skipped`` holds the
    Decisions of the candidates passed over (disabled, not allowed) before this one (fall-backs)."""

    __slots__ = ()


class Charge(
    namedtuple(
        "Charge",
        ("model", "plan", "account", "amount", "exact", "unit", "basis", "cost", "rule", "subject"),
        defaults=(None,),
    )
):
    """What to charge: ``amount`` (rounded by the plan's rule) and ``exact`` (unrounded), in ``unit``
    (credits, or the model's currency); ``basis`` is list, discount or negotiated; ``cost`` the Cost."""

    __slots__ = ()


def bucket(salt: str, subject: str) -> int:
    """The bucket of a subject (a user, workspace or tenant id, or an account id) for a rollout,
    0..9999: the first 8 bytes of SHA-256 of ``salt + "/" + subject`` (UTF-8), big-endian, modulo 10,000."""
    digest = sha256(f"{salt}/{subject}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS


def in_rollout(salt: str, account: str, percent: Decimal) -> bool:
    """Included when the bucket is below percent x 100 (so raising the percentage keeps everyone in)."""
    return bucket(salt, account) < int(percent * 100)


def variant_index(salt: str, account: str, weights: Sequence[int]) -> int:
    """The first variant whose cumulative weight, scaled to 10,000 buckets, is above the account's bucket."""
    total = sum(weights)
    b = bucket(salt, account)
    running = 0
    for i, w in enumerate(weights):
        running += w
        if b * total < running * BUCKETS:
            return i
    return len(weights) - 1


def _glob(pattern: str) -> Callable[[str], Any]:
    import fnmatch
    import re

    return re.compile(fnmatch.translate(pattern.lower())).match


def _many(value: Any) -> frozenset[str]:
    return frozenset([value] if isinstance(value, str) else value)


class Selector:
    """A compiled selector: a glob over provider/id (aliases too), or a mapping of conditions."""

    __slots__ = ("text", "glob", "providers", "features", "statuses")

    def __init__(self, spec: Any) -> None:
        self.text = spec if isinstance(spec, str) else _describe(spec)
        if isinstance(spec, str):
            spec = {"model": spec}
        self.glob = _glob(spec["model"]) if "model" in spec else None
        self.providers = _many(spec["provider"]) if "provider" in spec else None
        self.features = _many(spec["feature"]) if "feature" in spec else None
        self.statuses = _many(spec["status"]) if "status" in spec else None

    def matches(self, ref: str, model: Mapping[str, Any]) -> bool:
        if self.providers is not None and model["provider"] not in self.providers:
            return False
        if self.statuses is not None and model["status"] not in self.statuses:
            return False
        if self.features is not None and not self.features <= set(model.get("features", ())):
            return False
        if self.glob is not None:
            names = [ref.lower()] + [f"{model['provider']}/{a}".lower() for a in model.get("aliases", ())]
            return any(self.glob(n) for n in names)
        return True


def _describe(spec: Mapping[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in sorted(spec.items())) + "}"


def compile_selectors(specs: Sequence[Any]) -> tuple[Selector, ...]:
    return tuple(Selector(s) for s in specs)


def first_match(selectors: Sequence[Selector], ref: str, model: Mapping[str, Any]) -> int | None:
    for i, sel in enumerate(selectors):
        if sel.matches(ref, model):
            return i
    return None


class PlanRules:
    """A plan (and optionally an account on it), compiled for decisions."""

    def __init__(self, plan: Mapping[str, Any], account: Mapping[str, Any] | None) -> None:
        self.plan = plan
        self.account = account
        models = plan.get("models", {})
        self.allow = compile_selectors(models.get("allow", ()))
        self.deny = compile_selectors(models.get("deny", ()))
        amodels = (account or {}).get("models", {})
        self.a_allow = compile_selectors(amodels.get("allow", ()))
        self.a_deny = compile_selectors(amodels.get("deny", ()))
        self.a_widen = compile_selectors(amodels.get("widen", ()))
        self.rollouts = {r["model"]: r for r in plan.get("rollouts", ()) if "model" in r}
        self.ab = {r["purpose"]: r for r in plan.get("rollouts", ()) if "purpose" in r}
        self.opt = (account or {}).get("rollouts", {})
        self.pricing = [(Selector(p["model"]), p, span(p)) for p in (account or {}).get("pricing", ())]
        self.markups = [(m, span(m)) for m in plan.get("markups", ())]

    def _where(self, list_name: str, index: int, owner: str = "plan") -> str:
        name = self.plan["id"] if owner == "plan" else (self.account or {}).get("id", "")
        return f"{owner} {name} {list_name}[{index}]"

    def decide(self, ref: str, model: Mapping[str, Any], subject: str | None = None) -> Decision:
        if model["status"] == "retired":
            replacement = (model.get("deprecation") or {}).get("replacement")
            hint = f"; use {replacement}" if replacement else ""
            return Decision(False, ref, "model retired", f"{ref} is retired: it is available nowhere{hint}")
        if model.get("enabled", True) is False:
            return Decision(False, ref, "model disabled", f"{ref} is disabled: it is available nowhere")
        account = self.account
        if account is not None:
            if (i := first_match(self.a_deny, ref, model)) is not None:
                return Decision(
                    False,
                    ref,
                    self._where("deny", i, "account"),
                    f"account {account['id']} denies {self.a_deny[i].text}",
                )
            if (i := first_match(self.a_widen, ref, model)) is not None:
                return Decision(
                    True,
                    ref,
                    self._where("widen", i, "account"),
                    f"account {account['id']} is granted {self.a_widen[i].text} beyond its plan",
                )
        if (i := first_match(self.deny, ref, model)) is not None:
            return Decision(False, ref, self._where("deny", i), f"plan {self.plan['id']} denies {self.deny[i].text}")
        allow = first_match(self.allow, ref, model)
        if allow is None:
            return Decision(False, ref, f"plan {self.plan['id']}", f"{ref} is not in plan {self.plan['id']}")
        if account is not None and self.a_allow and first_match(self.a_allow, ref, model) is None:
            return Decision(
                False,
                ref,
                f"account {account['id']} allow",
                f"account {account['id']} narrows its plan and does not list {ref}",
            )
        rollout = self.rollouts.get(ref)
        if rollout is not None:
            return self._rollout(ref, rollout, subject)
        return Decision(
            True, ref, self._where("allow", allow), f"plan {self.plan['id']} allows {self.allow[allow].text}"
        )

    def _rollout(self, ref: str, rollout: Mapping[str, Any], subject: str | None = None) -> Decision:
        rid = rollout["id"]
        rule = f"plan {self.plan['id']} rollout {rid}"
        percent = Decimal(rollout["percent"])
        if self.account is not None and rid in self.opt:
            ok = bool(self.opt[rid])
            return Decision(
                ok,
                ref,
                rule,
                f"account {self.account['id']} is opted {'in to' if ok else 'out of'} rollout {rid}",
                rid,
                "in" if ok else "out",
            )
        who = subject if subject is not None else None if self.account is None else self.account["id"]
        if who is None:
            ok = percent >= 100
            return Decision(
                ok,
                ref,
                rule,
                f"{ref} is rolled out to {percent}% of plan {self.plan['id']}"
                + ("" if ok else ": name the subject (or account) to know whether it is included"),
                rid,
                "in" if ok else None,
            )
        b = bucket(rollout.get("salt", rid), who)
        ok = b < int(percent * 100)
        relation = "<" if ok else ">="
        kind = "subject" if subject is not None else "account"
        return Decision(
            ok,
            ref,
            rule,
            f"rollout {rid}: {kind} {who} is in bucket {b} {relation} {int(percent * 100)} ({percent}%)",
            rid,
            "in" if ok else "out",
        )

    def for_subject(self, base: Decision, subject: str) -> Decision:
        """``base`` (the decision without the subject) decided again for ``subject``: only a rollout
        the account has not opted in to or out of depends on who asks."""
        rid = base.rollout
        if rid is None or (self.account is not None and rid in self.opt):
            return base
        return self._rollout(base.model, self.rollouts[base.model], subject)

    def ab_arm(self, purpose: str, subject: str | None) -> tuple[Mapping[str, Any], int] | None:
        """The A/B test of ``purpose`` and the variant index the subject (else the account) is in;
        None without a test, without anyone to bucket, or when the account opted out."""
        ab = self.ab.get(purpose)
        if ab is None:
            return None
        who = subject if subject is not None else None if self.account is None else self.account["id"]
        if who is None or (self.account is not None and self.opt.get(ab["id"]) is False):
            return None
        salt = ab.get("salt", ab["id"])
        return ab, variant_index(salt, who, [v["weight"] for v in ab["variants"]])

    def negotiated(self, ref: str, model: Mapping[str, Any], day: int | None = None) -> Mapping[str, Any] | None:
        """The account's first pricing entry for the model in force on ``day`` (a date ordinal; None:
        whatever the dates)."""
        for selector, entry, (start, end) in self.pricing:
            if (day is None or start <= day <= end) and selector.matches(ref, model):
                found: Mapping[str, Any] = entry
                return found
        return None

    def markup(self, day: int) -> tuple[Decimal, str]:
        """The plan's markup in force on ``day`` and where it comes from."""
        for entry, (start, end) in self.markups:
            if start <= day <= end:
                return Decimal(entry["markup"]), f"markups[{entry['effective_from']}]"
        return Decimal(self.plan.get("markup", "1")), "markup"


def defaults_of(doc: Mapping[str, Any], purpose: str) -> list[str]:
    """A plan's or account's default for ``purpose``: one model, or an ordered list of fall-backs."""
    value = doc.get("defaults", {}).get(purpose)
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def arm_of(rollout: Mapping[str, Any], subject: str, opt: bool | None = None) -> str:
    """The arm of ``subject`` in ``rollout``: ``in`` or ``out`` of a percentage rollout (``opt``, an
    account's explicit choice, overrides the bucket), the model of its variant in an A/B test
    (``out`` when the account opted out: it keeps the plan's default)."""
    salt = rollout.get("salt", rollout["id"])
    if "variants" in rollout:
        if opt is False:
            return "out"
        variants = rollout["variants"]
        return str(variants[variant_index(salt, subject, [v["weight"] for v in variants])]["model"])
    if opt is not None:
        return "in" if opt else "out"
    return "in" if in_rollout(salt, subject, Decimal(rollout["percent"])) else "out"


_OPEN_END = date.max.toordinal()


def span(entry: Mapping[str, Any]) -> tuple[int, int]:
    """The days (date ordinals, both inclusive) dated terms are in force: ``effective_from`` to ``until``."""
    try:
        start = date.fromisoformat(entry["effective_from"]).toordinal() if "effective_from" in entry else 0
        end = date.fromisoformat(entry["until"]).toordinal() if "until" in entry else _OPEN_END
    except (TypeError, ValueError):
        return 1, 0  # not a day (validation reports it, MC609): never in force, the next entry applies
    return start, end


# --- what a plan or account is, for tools that show them (``modelctl plans``, ``show plan``) ---


class PlanInfo(
    namedtuple(
        "PlanInfo",
        (
            "id",
            "name",
            "description",
            "allow",
            "deny",
            "defaults",
            "markup",
            "markups",
            "credits_per_usd",
            "rounding",
            "rollouts",
            "accounts",
        ),
    )  # fmt: skip
):
    """A plan as its file says: ``allow``/``deny`` selectors as text, ``defaults`` (purpose -> the
    candidates in order), ``markup`` (Decimal), ``markups`` (dated: dicts with markup, effective_from,
    until, note), ``credits_per_usd`` (Decimal or None: charged in the model's currency),
    ``rounding`` (decimals, mode, per), ``rollouts`` (as the artifact has them) and the ids of the
    ``accounts`` on it."""

    __slots__ = ()


class AccountInfo(
    namedtuple(
        "AccountInfo",
        ("id", "name", "description", "plan", "allow", "deny", "widen", "defaults", "pricing", "rollouts"),
    )
):
    """An account (a contract) as its file says: its ``plan``, the selectors that narrow (``allow``,
    ``deny``) or widen it, ``defaults``, ``pricing`` (negotiated prices and discounts in order, dicts
    as the file has them) and ``rollouts`` (rollout id -> opted in)."""

    __slots__ = ()


def selector_text(spec: Any) -> str:
    """A selector as a catalog file spells it: ``openai/*``, ``{provider: [openai, google]}``."""
    if isinstance(spec, str):
        return spec

    def value(v: Any) -> str:
        return str(v) if isinstance(v, str) else "[" + ", ".join(str(x) for x in v) + "]"

    return "{" + ", ".join(f"{k}: {value(v)}" for k, v in spec.items()) + "}"


def _defaults(doc: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    return {purpose: tuple(defaults_of(doc, purpose)) for purpose in doc.get("defaults", {})}


def _selectors(doc: Mapping[str, Any], name: str) -> tuple[str, ...]:
    return tuple(selector_text(s) for s in doc.get("models", {}).get(name, ()))


def plan_info(doc: Mapping[str, Any], accounts: Sequence[str]) -> PlanInfo:
    rounding = doc.get("rounding", {})
    credits = doc.get("credits_per_usd")
    return PlanInfo(
        doc["id"],
        doc.get("name", doc["id"]),
        doc.get("description", ""),
        _selectors(doc, "allow"),
        _selectors(doc, "deny"),
        _defaults(doc),
        Decimal(doc.get("markup", "1")),
        tuple(dict(m) for m in doc.get("markups", ())),
        None if credits is None else Decimal(credits),
        {
            "decimals": int(rounding.get("decimals", 6)),
            "mode": rounding.get("mode", "half_up"),
            "per": rounding.get("per", "request"),
        },
        tuple(dict(r) for r in doc.get("rollouts", ())),
        tuple(sorted(accounts)),
    )


def account_info(doc: Mapping[str, Any]) -> AccountInfo:
    return AccountInfo(
        doc["id"],
        doc.get("name", doc["id"]),
        doc.get("description", ""),
        doc["plan"],
        _selectors(doc, "allow"),
        _selectors(doc, "deny"),
        _selectors(doc, "widen"),
        _defaults(doc),
        tuple(dict(p) for p in doc.get("pricing", ())),
        dict(doc.get("rollouts", {})),
    )
