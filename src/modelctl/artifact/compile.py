"""Catalog -> artifact bytes: canonical JSON that applications load.

The artifact is one JSON object with sorted keys and no whitespace::

    {"catalog_version":..., "content":{...}, "digest":"sha256:...",
     "format_version":"1.1", "published_at":"...Z", "revision":N, "source":{...}}

``digest`` is the SHA-256 of the canonical bytes of ``content`` alone, so the
same catalog has the same digest whichever commit published it, and a reader
can check it by hashing the exact byte range of ``content`` in the file
(everything between the fixed prefix and the suffix) without serialising
anything again.  Money is written as decimal strings, dates as ISO strings;
nulls are never written.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from modelctl._gc import paused_gc
from modelctl.catalog.model import (
    Account,
    Catalog,
    Model,
    NegotiatedPrice,
    Plan,
    PricePeriod,
    Prices,
    Provider,
    Rollout,
    Tier,
)

FORMAT_VERSION = "1.1"  # 1.1 added `revision` and `published_at`


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """Where a catalog came from; not covered by the digest."""

    commit: str | None = None
    commit_time: int | None = None  # seconds since the epoch, UTC
    dirty: bool | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.commit:
            out["commit"] = self.commit
        if self.commit_time is not None:
            out["commit_time"] = _iso(self.commit_time)
        if self.dirty is not None:
            out["dirty"] = self.dirty
        return out


def _iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def canonical(value: Any) -> bytes:
    """Canonical JSON: sorted keys, compact separators, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _money(value: Decimal) -> str:
    """A plain decimal string, as the artifact schema requires (``^[0-9]+(\\.[0-9]+)?$``):
    the digits as written (``2.50`` stays ``2.50``), never an exponent
    (``0.0000001``, not ``1E-7``; ``0.00000000``, not ``0E-8``) and never ``-0``."""
    if value.is_zero():
        value = value.copy_abs()
    return format(value, "f")


def _prices(prices: Prices) -> dict[str, str]:
    return {k: _money(v) for k, v in prices.items()}


def _tiers(tiers: tuple[Tier, ...]) -> list[dict[str, Any]]:
    return [{"above_input_tokens": t.above_input_tokens, "prices": _prices(t.prices)} for t in tiers]


def _drop_empty(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None and v != [] and v != {} and v != ""}


def _period(period: PricePeriod) -> dict[str, Any]:
    variants = {
        v.name: _drop_empty(
            {
                "prices": _prices(v.prices),
                "tiers": _tiers(v.tiers),
                "note": v.note,
                "windows": [
                    _drop_empty({"start": w.start, "end": w.end, "weekdays": list(w.weekdays)}) for w in v.windows
                ],
            }
        )
        for v in period.variants
    }
    lim = period.limits
    return _drop_empty(
        {
            "effective_from": period.effective_from.isoformat(),
            "source": period.source,
            "checked": period.checked.isoformat(),
            "note": period.note,
            "prices": _prices(period.prices),
            "tiers": _tiers(period.tiers),
            "variants": variants,
            "limits": None
            if lim is None
            else _drop_empty(
                {
                    "context_window": lim.context_window,
                    "max_input_tokens": lim.max_input_tokens,
                    "max_output_tokens": lim.max_output_tokens,
                }
            ),
        }
    )


def model_content(model: Model, currency: str) -> dict[str, Any]:
    """One model as the artifact writes it (its entry under `content.models`)."""
    dep = model.deprecation
    deprecation = None
    if dep is not None:
        deprecation = _drop_empty(
            {
                "announced": dep.announced.isoformat() if dep.announced else None,
                "retires": dep.retires.isoformat() if dep.retires else None,
                "replacement": dep.replacement,
                "note": dep.note,
            }
        )
    lim = model.limits
    out = _drop_empty(
        {
            "provider": model.provider,
            "id": model.id,
            "name": model.name,
            "description": model.description,
            "family": model.family,
            "status": model.status,
            "enabled": model.enabled,
            "aliases": list(model.aliases),
            "alias_variants": dict(sorted(model.alias_variants)),
            "released": model.released.isoformat() if model.released else None,
            "knowledge_cutoff": model.knowledge_cutoff.isoformat() if model.knowledge_cutoff else None,
            "open_weights": model.open_weights,
            "currency": currency,
            "deprecation": deprecation,
            "limits": _drop_empty(
                {
                    "context_window": lim.context_window,
                    "max_input_tokens": lim.max_input_tokens,
                    "max_output_tokens": lim.max_output_tokens,
                }
            ),
            "modalities": {"input": list(model.input_modalities), "output": list(model.output_modalities)},
            "features": sorted(model.features),
            "pricing": [_period(p) for p in sorted(model.pricing, key=lambda p: p.effective_from, reverse=True)],
        }
    )
    out["features"] = sorted(model.features)  # always present, even when empty
    return out


def _provider(p: Provider, currency: str) -> dict[str, Any]:
    return _drop_empty(
        {
            "id": p.id,
            "name": p.name,
            "kind": p.kind,
            "website": p.website,
            "pricing_page": p.pricing_page,
            "currency": currency,
            "description": p.description,
        }
    )


def _selector(sel: Any) -> Any:
    return sel if isinstance(sel, str) else dict(sorted(sel.items()))


def _selectors(sels: tuple[Any, ...]) -> list[Any]:
    return [_selector(s) for s in sels]


def _rollout(r: Rollout) -> dict[str, Any]:
    return _drop_empty(
        {
            "id": r.id,
            "salt": r.salt,
            "model": r.model,
            "percent": _money(r.percent) if r.percent is not None else None,
            "purpose": r.purpose,
            "variants": [{"model": m, "weight": w} for m, w in r.variants],
            "note": r.note,
        }
    )


def _plan(p: Plan) -> dict[str, Any]:
    return _drop_empty(
        {
            "id": p.id,
            "name": p.name,
            "description": p.description,
            "models": _drop_empty({"allow": _selectors(p.allow), "deny": _selectors(p.deny)}),
            "defaults": dict(sorted(p.defaults.items())),
            "markup": _money(p.markup) if p.markup is not None else "1",
            "credits_per_usd": _money(p.credits_per_usd) if p.credits_per_usd is not None else None,
            "rounding": {
                "decimals": 6 if p.rounding_decimals is None else p.rounding_decimals,
                "mode": p.rounding_mode or "half_up",
            },
            "rollouts": [_rollout(r) for r in p.rollouts],
        }
    )


def _negotiated(n: NegotiatedPrice) -> dict[str, Any]:
    return _drop_empty(
        {
            "model": n.model,
            "prices": _prices(n.prices) if n.prices is not None else None,
            "discount_percent": _money(n.discount_percent) if n.discount_percent is not None else None,
            "note": n.note,
        }
    )


def _account(a: Account) -> dict[str, Any]:
    return _drop_empty(
        {
            "id": a.id,
            "name": a.name,
            "plan": a.plan,
            "description": a.description,
            "models": _drop_empty(
                {"allow": _selectors(a.allow), "deny": _selectors(a.deny), "widen": _selectors(a.widen)}
            ),
            "defaults": dict(sorted(a.defaults.items())),
            "pricing": [_negotiated(n) for n in a.pricing],
            "rollouts": dict(sorted(a.rollouts.items())),
        }
    )


def alias_index(catalog: Catalog) -> dict[str, str]:
    """``provider/alias`` (lower-cased) -> canonical reference, for every alias."""
    index: dict[str, str] = {}
    for ref, model in catalog.models.items():
        for alias in model.aliases:
            index[f"{model.provider}/{alias}".lower()] = ref
    return dict(sorted(index.items()))


def content_of(catalog: Catalog, *, include_accounts: bool = True) -> dict[str, Any]:
    """The digest-covered part of the artifact."""
    with paused_gc():
        return _content_of(catalog, include_accounts=include_accounts)


def _content_of(catalog: Catalog, *, include_accounts: bool) -> dict[str, Any]:
    settings = catalog.settings
    providers = {pid: _provider(p, p.currency or settings.currency) for pid, p in sorted(catalog.providers.items())}
    models = {ref: model_content(m, catalog.currency_of(m)) for ref, m in sorted(catalog.models.items())}
    content: dict[str, Any] = {
        "catalog": _drop_empty(
            {
                "name": settings.name,
                "description": settings.description,
                "currency": settings.currency,
                "purposes": list(settings.purposes),
                "review_threshold_percent": _money(settings.review_threshold_percent),
            }
        ),
        "providers": providers,
        "models": models,
        "aliases": alias_index(catalog),
        "plans": {pid: _plan(p) for pid, p in sorted(catalog.plans.items())},
    }
    if include_accounts:
        content["accounts"] = {aid: _account(a) for aid, a in sorted(catalog.accounts.items())}
    return content


def digest_of(content_bytes: bytes) -> str:
    return "sha256:" + hashlib.sha256(content_bytes).hexdigest()


def catalog_version(source: SourceInfo, digest: str, epoch: int | None) -> str:
    """Human-readable and increasing: the commit's UTC time, then its short hash.

    ``epoch`` (from SOURCE_DATE_EPOCH) replaces the commit time when given.
    Without git or a date it falls back to the digest, which still names
    the content exactly.
    """
    when = epoch if epoch is not None else source.commit_time
    stamp = datetime.fromtimestamp(when, UTC).strftime("%Y.%m.%d.%H%M%S") if when is not None else "0.0.0"
    ident = source.commit[:12] if source.commit else digest.removeprefix("sha256:")[:12]
    suffix = ".dirty" if source.dirty else ""
    return f"{stamp}+{ident}{suffix}"


@dataclass(frozen=True, slots=True)
class Artifact:
    data: bytes
    digest: str
    catalog_version: str
    revision: int | None = None
    published_at: str | None = None


def compile_artifact(
    catalog: Catalog,
    source: SourceInfo,
    *,
    epoch: int | None = None,
    include_accounts: bool = True,
    revision: int | None = None,
    published_at: int | None = None,
) -> Artifact:
    """The whole artifact, byte-identical for identical input."""
    content = canonical(content_of(catalog, include_accounts=include_accounts))
    digest = digest_of(content)
    version = catalog_version(source, digest, epoch)
    return assemble(content, digest, version, source.as_json(), revision=revision, published_at=published_at)


def assemble(
    content: bytes,
    digest: str,
    version: str,
    source: dict[str, Any],
    *,
    revision: int | None = None,
    published_at: int | None = None,
) -> Artifact:
    """The artifact's bytes around the canonical bytes of ``content``: the other keys in sorted
    order, so that the content is one contiguous byte range (docs/artifact.md)."""
    when = _iso(published_at) if published_at is not None else None
    fields: dict[str, Any] = {"catalog_version": version, "digest": digest, "format_version": FORMAT_VERSION}
    fields |= {"published_at": when, "revision": revision, "source": source}
    keys = sorted(k for k, v in fields.items() if v is not None)
    head = b"{" + b"".join(canonical(k) + b":" + canonical(fields[k]) + b"," for k in keys if k < "content")
    tail = b"".join(b"," + canonical(k) + b":" + canonical(fields[k]) for k in keys if k > "content")
    data = head + b'"content":' + content + tail + b"}\n"
    return Artifact(data, digest, version, revision, when)
