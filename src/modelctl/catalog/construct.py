"""Schema-valid plain data -> the dataclasses of ``modelctl.catalog.model``.

The schema has already checked shapes and forms; what is left is what a
schema cannot say, such as "2025-02-30 is not a day", reported as MC107.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from modelctl.catalog.model import (
    PRICE_KEYS,
    Account,
    DatedMarkup,
    Deprecation,
    ImpactSettings,
    Limits,
    Model,
    NegotiatedPrice,
    Plan,
    PricePeriod,
    Prices,
    Provider,
    Rollout,
    Settings,
    Tier,
    Variant,
    Window,
    Workload,
    WorkloadModel,
)
from modelctl.catalog.strict_yaml import LoadedFile, PathSeg, json_path
from modelctl.codes import code as _code
from modelctl.errors import Finding


class _BadDate(Exception):
    pass


class _Ctx:
    def __init__(self, loaded: LoadedFile) -> None:
        self.loaded = loaded
        self.findings: list[Finding] = []

    def date(self, value: str | None, path: list[PathSeg]) -> date | None:
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            loc = self.loaded.locate(path)
            msg = f"{value!r} is not a day of the calendar: write an existing date as YYYY-MM-DD"
            self.findings.append(Finding("MC107", _code("MC107").severity, msg, loc, json_path(path)))
            raise _BadDate from None


def prices_of(data: dict[str, Any]) -> Prices:
    return Prices(**{k: Decimal(data[k]) for k in PRICE_KEYS if k in data})


def _tiers(data: dict[str, Any]) -> tuple[Tier, ...]:
    return tuple(Tier(t["above_input_tokens"], prices_of(t)) for t in data.get("tiers", ()))


def _period(ctx: _Ctx, data: dict[str, Any], path: list[PathSeg]) -> PricePeriod:
    variants = tuple(
        Variant(
            name,
            prices_of(v),
            _tiers(v),
            v.get("note"),
            tuple(Window(w["start"], w["end"], tuple(w.get("weekdays", ()))) for w in v.get("windows", ())),
        )
        for name, v in data.get("variants", {}).items()
    )
    effective = ctx.date(data["effective_from"], [*path, "effective_from"])
    checked = ctx.date(data["checked"], [*path, "checked"])
    assert effective is not None and checked is not None
    lim = data.get("limits")
    limits = None
    if lim is not None:
        limits = Limits(lim["context_window"], lim.get("max_input_tokens"), lim.get("max_output_tokens"))
    return PricePeriod(
        effective,
        data["source"],
        checked,
        prices_of(data),
        _tiers(data),
        variants,
        data.get("note"),
        limits,
        free=data.get("free") is True,
    )


def build_model(loaded: LoadedFile, provider: str) -> tuple[Model | None, list[Finding]]:
    """A Model from a schema-valid model file; None (with findings) if a date is not real."""
    ctx = _Ctx(loaded)
    d: dict[str, Any] = loaded.data
    try:
        pricing = tuple(_period(ctx, p, ["pricing", i]) for i, p in enumerate(d["pricing"]))
        dep = d.get("deprecation")
        deprecation = None
        if dep is not None:
            deprecation = Deprecation(
                ctx.date(dep.get("announced"), ["deprecation", "announced"]),
                ctx.date(dep.get("retires"), ["deprecation", "retires"]),
                dep.get("replacement"),
                dep.get("note"),
            )
        released = ctx.date(d.get("released"), ["released"])
        cutoff = ctx.date(d.get("knowledge_cutoff"), ["knowledge_cutoff"])
    except _BadDate:
        return None, ctx.findings
    limits = d["limits"]
    model = Model(
        provider=provider,
        id=d["id"],
        name=d["name"],
        status=d["status"],
        limits=Limits(limits["context_window"], limits.get("max_input_tokens"), limits.get("max_output_tokens")),
        input_modalities=tuple(d["modalities"]["input"]),
        output_modalities=tuple(d["modalities"]["output"]),
        pricing=pricing,
        file=loaded.display,
        enabled=d.get("enabled", True),
        aliases=tuple(a if isinstance(a, str) else a["name"] for a in d.get("aliases", ())),
        alias_variants=tuple((a["name"], a["variant"]) for a in d.get("aliases", ()) if not isinstance(a, str)),
        features=tuple(d.get("features", ())),
        released=released,
        knowledge_cutoff=cutoff,
        open_weights=d.get("open_weights"),
        currency=d.get("currency"),
        deprecation=deprecation,
        description=d.get("description"),
        family=d.get("family"),
    )
    return model, ctx.findings


def build_provider(loaded: LoadedFile) -> Provider:
    d: dict[str, Any] = loaded.data
    return Provider(
        id=d["id"],
        name=d["name"],
        file=loaded.display,
        kind=d.get("kind"),
        website=d.get("website"),
        pricing_page=d.get("pricing_page"),
        currency=d.get("currency"),
        description=d.get("description"),
    )


def build_settings(loaded: LoadedFile) -> Settings:
    d: dict[str, Any] = loaded.data
    return Settings(
        name=d["name"],
        file=loaded.display,
        description=d.get("description"),
        currency=d.get("currency", "USD"),
        purposes=tuple(d.get("purposes", ())),
        stale_after_days=d.get("stale_after_days", 365),
        review_threshold_percent=Decimal(d.get("review_threshold_percent", 10)),
        rules=dict(d.get("rules", {})),
        impact=ImpactSettings(**{k: _decimal(v) for k, v in d.get("impact", {}).items()}),
    )


def build_workload(loaded: LoadedFile) -> Workload:
    d: dict[str, Any] = loaded.data
    models = tuple(
        WorkloadModel(
            model=m["model"],
            requests=m["requests"],
            per_request=dict(m["per_request"]),
            variants={k: Decimal(v) for k, v in m.get("variants", {}).items()},
        )
        for m in d["models"]
    )
    return Workload(
        id=d["id"],
        name=d["name"],
        file=loaded.display,
        models=models,
        description=d.get("description"),
        plan=d.get("plan"),
        account=d.get("account"),
        subjects=d.get("subjects"),
        fail_on_increase_percent=_decimal(d.get("fail_on_increase_percent")),
        fail_on_increase_amount=_decimal(d.get("fail_on_increase_amount")),
    )


def _decimal(value: Any) -> Decimal | None:
    return Decimal(value) if value is not None else None


def _rollout(d: dict[str, Any]) -> Rollout:
    return Rollout(
        id=d["id"],
        salt=d.get("salt", d["id"]),
        model=d.get("model"),
        percent=_decimal(d.get("percent")),
        purpose=d.get("purpose"),
        variants=tuple((v["model"], v["weight"]) for v in d.get("variants", ())),
        note=d.get("note"),
    )


def _day(value: Any) -> str | None:
    return None if value is None else str(value)


def _defaults(raw: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """Each purpose's default candidates, in order (one model, or a list of fall-backs)."""
    return {purpose: (value,) if isinstance(value, str) else tuple(value) for purpose, value in raw.items()}


def build_plan(loaded: LoadedFile) -> Plan:
    d: dict[str, Any] = loaded.data
    models = d.get("models", {})
    rounding = d.get("rounding", {})
    return Plan(
        id=d["id"],
        name=d["name"],
        file=loaded.display,
        allow=tuple(models.get("allow", ())),
        deny=tuple(models.get("deny", ())),
        defaults=_defaults(d.get("defaults", {})),
        markup=_decimal(d.get("markup")),
        credits_per_usd=_decimal(d.get("credits_per_usd")),
        rounding_decimals=rounding.get("decimals"),
        rounding_mode=rounding.get("mode"),
        rounding_per=rounding.get("per"),
        rollouts=tuple(_rollout(r) for r in d.get("rollouts", ())),
        description=d.get("description"),
        markups=tuple(
            DatedMarkup(
                _decimal(m["markup"]) or Decimal(0), str(m["effective_from"]), _day(m.get("until")), m.get("note")
            )
            for m in d.get("markups", ())
        ),
    )


def build_account(loaded: LoadedFile) -> Account:
    d: dict[str, Any] = loaded.data
    models = d.get("models", {})
    pricing = tuple(
        NegotiatedPrice(
            p["model"],
            prices_of(p["prices"]) if "prices" in p else None,
            _decimal(p.get("discount_percent")),
            p.get("note"),
            _day(p.get("effective_from")),
            _day(p.get("until")),
        )
        for p in d.get("pricing", ())
    )
    return Account(
        id=d["id"],
        name=d["name"],
        plan=d["plan"],
        file=loaded.display,
        description=d.get("description"),
        allow=tuple(models.get("allow", ())),
        deny=tuple(models.get("deny", ())),
        widen=tuple(models.get("widen", ())),
        defaults=_defaults(d.get("defaults", {})),
        pricing=pricing,
        rollouts=dict(d.get("rollouts", {})),
    )
